"""The live page while a like storm hits one entry: `/<event>/live/` with 200 entries, 50
keep-alive connections, before and during likes at `--rate` a second, with one stream reader
counting what it receives.

    .venv/bin/python bench/like_storm.py [--rate 1000] [--duration 10] [--workers 1]

Likes and unlikes alternate (each changes the count) from one account over the API, with the
per-client like limits lifted for the run: the storm stands for many readers. The storm runs in
a process of its own (`--concurrency` keep-alive connections, paced to `--rate` a second), the
page load in this one, both with the asyncio client in `bench/loadclient.py` (no wrk needed).
Reports the page's requests/s with and without the storm, the likes done a second (second by
second, and while the page was measured) and their latency, the event's stream position before
and after (likes must not move it; the `--posts` entries posted during the storm do), the
`like.updated` messages a reader received (at most one a second per entry and worker), and how
long the entries posted during the storm took to reach that reader. Throwaway SQLite
database; talks to 127.0.0.1 only and stops by itself. `--env HUBBUB_LIKE_QUEUE_MAX=0` sends
every like through Django, as before the like gate.
"""

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from loadclient import get_load, post_at_rate, post_request

ROOT = Path(__file__).resolve().parents[1]
HUBBUB = [sys.executable, "-m", "hubbub.cli"]
SLUG = "all-change-2011"


def run(env, *args):
    return subprocess.run([*HUBBUB, *args], env=env, check=True, capture_output=True, text=True)


def storm(port, requests, rate, concurrency, duration, results) -> None:
    """Send ``requests`` in turn at ``rate`` a second (run in a process of its own)."""
    results.put(
        asyncio.run(
            post_at_rate(port, requests, rate=rate, connections=concurrency, duration=duration)
        )
    )


def api_likes(port, path, token) -> list[bytes]:
    """One account liking and unliking in turn (a batch's net change may then be none)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return [
        post_request(port, path, json.dumps({"liked": liked}).encode(), headers)
        for liked in (True, False)
    ]


def page_likes(port, path, base, visitors) -> list[bytes]:
    """``visitors`` returning readers (each with its visitor cookie, fetched here with a first
    like, which only asks to confirm) liking in turn, then unliking in turn: the count climbs
    to ``visitors`` and back, so every batch changes it."""
    cookies = []
    with httpx.Client(base_url=base, timeout=30) as client:
        for _n in range(visitors):
            response = client.post(path, headers={"Accept": "application/json"})
            assert response.json().get("confirm"), response.text
            cookies.append(response.headers["set-cookie"].split(";", 1)[0])
            client.cookies.clear()
    form = "application/x-www-form-urlencoded"
    return [
        post_request(port, path, f"liked={value}".encode(),
                     {"Accept": "application/json", "Content-Type": form, "Cookie": cookie})
        for value in ("1", "0")
        for cookie in cookies
    ]  # fmt: skip


class Reader:
    """One stream reader on a thread: counts like.updated messages (and those with an id), and
    notes when each new entry arrived."""

    def __init__(self, url):
        self.url = url
        self.likes = 0
        self.with_id = 0
        self.entries: dict[int, float] = {}  # entry id -> monotonic time received
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        with contextlib.suppress(httpx.HTTPError):  # the server stops at the end of the run
            self._read()

    def _read(self):
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
                elif "event: entry.created" in block:
                    data = next(f for f in block if f.startswith("data:"))
                    self.entries[json.loads(data[5:])["id"]] = time.monotonic()
                block = []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--connections", type=int, default=50, help="for the page load")
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--posts", type=int, default=10, help="entries posted during the storm")
    parser.add_argument(
        "--via",
        choices=["page", "api"],
        default="page",
        help="readers' cookies on the page's like (JSON), or one API token",
    )
    parser.add_argument("--visitors", type=int, default=500, help="readers liking, with --via page")
    parser.add_argument(
        "--env", action="append", default=[], help="NAME=VALUE for the server (e.g. settings)"
    )
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="hubbub-likes-")
    env = {**os.environ, "HUBBUB_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "hubbub.settings"}
    env.pop("DATABASE_URL", None)
    # This checkout's code, whatever the environment has installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env["HUBBUB_RATE_LIMITS"] = "like.visitor=10000000/60,like.address=10000000/60"
    if args.workers > 1:
        env["HUBBUB_BROKER"] = os.environ.get("HUBBUB_BROKER", "redis://127.0.0.1:6379/5")
    env.update(item.split("=", 1) for item in args.env)
    run(env, "migrate", "--noinput")
    run(env, "demo")
    # The demo's record has ended; reopen it so the storm's likes are not refused.
    run(env, "shell", "-c", REOPEN)
    token = run(env, "token", "create", "editor").stdout.strip().splitlines()[-1]
    server = subprocess.Popen(
        [*HUBBUB, "serve", "--port", str(args.port), "--workers", str(args.workers),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    storm_process = None
    try:
        for _ in range(200):
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
        page = f"/{SLUG}/live/"
        httpx.get(base + page).raise_for_status()
        quiet = asyncio.run(
            get_load(args.port, page, connections=args.connections, duration=args.duration)
        )

        reader = Reader(f"{base}/{SLUG}/live/stream")
        reader.thread.start()
        results = multiprocessing.Queue()
        if args.via == "api":
            requests = api_likes(args.port, f"/api/v1/events/{SLUG}/likes/entry/{entry_id}", token)
        else:
            like_path = f"/{SLUG}/comments/entry/{entry_id}/like/"
            requests = page_likes(args.port, like_path, base, args.visitors)
        storm_seconds = WARM_UP + args.duration + args.posts * POST_INTERVAL + 1
        storm_process = multiprocessing.Process(
            target=storm,
            args=(args.port, requests, args.rate, args.concurrency, storm_seconds, results),
        )
        storm_process.start()
        reader_started = time.monotonic()
        time.sleep(WARM_UP)
        stormy = asyncio.run(
            get_load(args.port, page, connections=args.connections, duration=args.duration)
        )
        # Entries posted while the storm goes on (after the page is measured: each post
        # retires the page's copy): how long each takes to reach the reader.
        posted = {}
        for n in range(args.posts):
            started = time.monotonic()
            response = api.post(f"/api/v1/events/{SLUG}/entries", json={"body": f"Storm {n}"})
            posted[response.raise_for_status().json()["id"]] = started
            time.sleep(POST_INTERVAL)
        likes = results.get(timeout=storm_seconds + 60)
        storm_process.join(timeout=10)
        time.sleep(1.5)  # the last coalesced count
        reader.stopping.set()
        reader_seconds = time.monotonic() - reader_started
        seq_after = api.get(f"/api/v1/events/{SLUG}/entries?limit=1").json()["stream_seq"]
    finally:
        api.close()
        if storm_process is not None and storm_process.is_alive():
            storm_process.terminate()
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)

    print("| what | requests/s | p50 | p99 | non-2xx |")
    print("|---|---|---|---|---|")
    print(f"| `/{SLUG}/live/`, {args.entries} entries, no storm | {quiet['rate']:.0f} "
          f"| {quiet['p50']:.1f} ms | {quiet['p99']:.1f} ms | {quiet['non_200']} |")  # fmt: skip
    print(f"| the same during the like storm | {stormy['rate']:.0f} | {stormy['p50']:.1f} ms "
          f"| {stormy['p99']:.1f} ms | {stormy['non_200']} |")  # fmt: skip
    print()
    print(
        f"Likes ({args.via}): target {args.rate:.0f}/s, asked {likes['asked']} in "
        f"{storm_seconds:.1f} s, done {likes['statuses'].get(200, 0)} "
        f"({likes['statuses'].get(200, 0) / storm_seconds:.0f}/s; answers {likes['statuses']}), "
        f"latency p50 {likes['p50']:.1f} ms, p99 {likes['p99']:.1f} ms; "
        f"stream position {seq_before} before, {seq_after} after; a reader received "
        f"{reader.likes} like.updated messages in {reader_seconds:.1f} s "
        f"({reader.likes / reader_seconds:.2f}/s, {reader.with_id} with an id); "
        f"workers {args.workers}."
    )
    window = likes["per_second"][WARM_UP : WARM_UP + int(args.duration)]
    print(
        f"Likes done a second while the page was measured: {min(window, default=0)}–"
        f"{max(window, default=0)} (mean {sum(window) / max(len(window), 1):.0f}); each second "
        f"of the run: {likes['per_second']}."
    )
    arrived = reader.entries
    delays = sorted((arrived[i] - t) * 1000 for i, t in posted.items() if i in arrived)
    print(
        f"Entries posted during the storm: {len(delays)} of {len(posted)} reached the reader; "
        f"post to arrival p50 {percentile_ms(delays, 0.5):.0f} ms, max "
        f"{max(delays, default=0):.0f} ms (the stream position moved by these {len(posted)})."
    )


def percentile_ms(sorted_ms: list[float], p: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, int(len(sorted_ms) * p))] if sorted_ms else 0.0


# Seconds the storm runs before the page is measured beside it.
WARM_UP = 2
# Seconds between the entries posted during the storm.
POST_INTERVAL = 0.5
REOPEN = f"""
from hubbub.events.lifecycle import apply_status
from hubbub.events.models import Event
apply_status(Event.objects.get(slug="{SLUG}"), Event.Status.LIVE)
"""


if __name__ == "__main__":
    main()
