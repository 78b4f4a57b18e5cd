"""The live page while a like storm hits one entry: `/<event>/live/` with 200 entries, wrk -c50,
before and during likes at `--rate` a second, with one stream reader counting what it receives.

    .venv/bin/python bench/like_storm.py [--rate 1000] [--duration 10] [--workers 1]

Likes and unlikes alternate (each changes the count) from one account over the API, with the
per-client like limits lifted for the run: the storm stands for many readers. Reports the
page's requests/s with and without the storm, the likes done a second, the event's stream
position before and after (likes must not move it), and the `like.updated` messages a reader
received (at most one a second per entry). Throwaway SQLite database; stops by itself.
"""

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HUBBUB = [sys.executable, "-m", "hubbub.cli"]
SLUG = "all-change-2011"


def run(env, *args):
    return subprocess.run([*HUBBUB, *args], env=env, check=True, capture_output=True, text=True)


def wrk(url, duration):
    out = subprocess.run(
        ["wrk", "-t2", "-c50", f"-d{duration}s", "--latency", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, p99, int(bad.group(1)) if bad else 0


class Storm:
    """Likes/unlikes at `rate` a second, `concurrency` in flight, on a thread of its own."""

    def __init__(self, url, token, rate, concurrency=64):
        self.url, self.token, self.rate, self.concurrency = url, token, rate, concurrency
        self.done = 0
        self.failed = 0
        self.latencies = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()), daemon=True)

    async def _run(self):
        headers = {"Authorization": f"Bearer {self.token}"}
        limits = httpx.Limits(max_connections=self.concurrency)
        async with httpx.AsyncClient(timeout=30, limits=limits, headers=headers) as client:
            slots = asyncio.Semaphore(self.concurrency)
            n, t_next, tasks = 0, time.monotonic(), set()
            while not self.stopping.is_set():
                await asyncio.sleep(max(0.0, t_next - time.monotonic()))
                t_next += 1.0 / self.rate
                await slots.acquire()
                task = asyncio.ensure_future(self._like(client, n % 2 == 0, slots))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
                n += 1
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _like(self, client, liked, slots):
        started = time.monotonic()
        try:
            response = await client.post(self.url, json={"liked": liked})
            if response.status_code == 200:
                self.done += 1
                self.latencies.append(time.monotonic() - started)
            else:
                self.failed += 1
        except httpx.HTTPError:
            self.failed += 1
        finally:
            slots.release()

    def start(self):
        self.t0 = time.monotonic()
        self.thread.start()

    def stop(self):
        self.stopping.set()
        self.thread.join(timeout=60)
        self.seconds = time.monotonic() - self.t0


class Reader:
    """One stream reader on a thread: counts like.updated messages and entry ids."""

    def __init__(self, url):
        self.url = url
        self.likes = 0
        self.with_id = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        with httpx.stream("GET", self.url, timeout=httpx.Timeout(5, read=30)) as response:
            block = []
            for line in response.iter_lines():
                if self.stopping.is_set():
                    return
                if line:
                    block.append(line)
                    continue
                if "event: like.updated" in block:
                    self.likes += 1
                    self.with_id += any(field.startswith("id:") for field in block)
                block = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    var = tempfile.mkdtemp(prefix="hubbub-likes-")
    env = {**os.environ, "HUBBUB_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "hubbub.settings"}
    env.pop("DATABASE_URL", None)
    env["HUBBUB_RATE_LIMITS"] = "like.visitor=10000000/60,like.address=10000000/60"
    if args.workers > 1:
        env["HUBBUB_BROKER"] = os.environ.get("HUBBUB_BROKER", "redis://127.0.0.1:6379/5")
    run(env, "migrate", "--noinput")
    run(env, "demo")
    token = run(env, "token", "create", "editor").stdout.strip().splitlines()[-1]
    server = subprocess.Popen(
        [*HUBBUB, "serve", "--port", str(args.port), "--workers", str(args.workers),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        listing = api.get(f"/api/v1/events/{SLUG}/entries?limit=200").json()
        for n in range(len(listing["entries"]), args.entries):
            api.post(
                f"/api/v1/events/{SLUG}/entries", json={"body": f"Update {n}: **said** here."}
            ).raise_for_status()
        listing = api.get(f"/api/v1/events/{SLUG}/entries?limit=1").json()
        entry_id, seq_before = listing["entries"][0]["id"], listing["stream_seq"]
        page = f"{base}/{SLUG}/live/"
        httpx.get(page).raise_for_status()
        quiet = wrk(page, args.duration)

        reader = Reader(f"{base}/{SLUG}/live/stream")
        reader.thread.start()
        storm = Storm(f"{base}/api/v1/events/{SLUG}/likes/entry/{entry_id}", token, args.rate,
                      args.concurrency)  # fmt: skip
        storm.start()
        time.sleep(2)
        stormy = wrk(page, args.duration)
        storm.stop()
        time.sleep(1.5)  # the last coalesced count
        reader.stopping.set()
        seq_after = api.get(f"/api/v1/events/{SLUG}/entries?limit=1").json()["stream_seq"]
    finally:
        api.close()
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(var, ignore_errors=True)

    lat = sorted(storm.latencies)
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else 0
    print("| what | requests/s | p99 | non-2xx |")
    print("|---|---|---|---|")
    print(f"| `/{SLUG}/live/`, {args.entries} entries, no storm | {quiet[0]:.0f} | {quiet[1]} "
          f"| {quiet[2]} |")  # fmt: skip
    print(f"| the same during the like storm | {stormy[0]:.0f} | {stormy[1]} | {stormy[2]} |")
    print()
    print(
        f"Likes: target {args.rate:.0f}/s, done {storm.done / storm.seconds:.0f}/s "
        f"({storm.done} in {storm.seconds:.1f} s, {storm.failed} failed), p99 {p99:.0f} ms; "
        f"stream position {seq_before} before, {seq_after} after; a reader received "
        f"{reader.likes} like.updated messages ({reader.likes / storm.seconds:.2f}/s, "
        f"{reader.with_id} with an id); workers {args.workers}."
    )


if __name__ == "__main__":
    main()
