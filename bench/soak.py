"""Soak: mixed traffic against one ``hubbub serve`` for N minutes, then a check of what is left.

Readers connect and drop (half of them resuming with Last-Event-ID), a few stay for the whole
run, slow readers open the stream and never read; a reporter posts, edits and deletes entries,
comments and likes, and uploads a slide deck or two. Every 10 s the server's memory, open file
handles and sockets are sampled. At the end every acknowledged write is checked through the
API (posted entries present with their last acknowledged wording, deleted ones gone, comments
present), and the file handles are counted again once every client has gone.

    .venv/bin/python bench/soak.py --minutes 5 --json /tmp/soak.json

It stops by itself: the load runs for --minutes, every request has a timeout, and the server is
stopped at the end. Prints a markdown report.
"""

import argparse
import asyncio
import contextlib
import io
import itertools
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image

BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
SLUG = "all-change-2011"
USER = "soak"
TCP_ESTABLISHED = 1
monotonic = time.monotonic


# -- the server ----------------------------------------------------------------------------------
class Server:
    def __init__(self, workdir: Path, port: int, binary: str):
        self.workdir, self.port, self.binary = workdir, port, binary
        self.base = f"http://{HOST}:{port}"
        self.proc: subprocess.Popen | None = None
        self.token = ""

    def env(self) -> dict:
        return {
            **os.environ,
            "HUBBUB_VAR_DIR": str(self.workdir / "var"),
            "HUBBUB_BROKER": "memory://",
            "DJANGO_SUPERUSER_PASSWORD": "soak-password",
            # The demo event is years old: keep its comments open for the soak.
            "HUBBUB_COMMENTS_CLOSE_AFTER_DAYS": "100000",
        }

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [self.binary, *args], cwd=self.workdir, env=self.env(),
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"hubbub {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(self) -> None:
        self.manage("migrate")
        self.manage("demo")
        self.manage("createsuperuser", "--noinput", "--username", USER, "--email", "s@example.org")
        self.token = self.manage("token", "create", USER).strip().splitlines()[-1].strip()

    def start(self) -> None:
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 - open while it runs
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--host", HOST, "--port", str(self.port),
             "--log-level", "warning"],
            cwd=self.workdir, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = monotonic() + 60
        while monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def sample(self) -> dict:
        """RSS (MB) of the server and its job worker, its file handles and sockets."""
        pid = self.proc.pid
        rss = _rss_mb(pid)
        children = Path(f"/proc/{pid}/task/{pid}/children")
        worker_rss = (
            sum(_rss_mb(int(c)) for c in children.read_text().split()) if children.exists() else 0
        )
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
        kinds: dict[str, int] = {}
        for fd in fds:
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                kind = target.split(":")[0] if ":[" in target else Path(target).name
                kinds[kind] = kinds.get(kind, 0) + 1
        return {
            "rss_mb": rss,
            "worker_rss_mb": worker_rss,
            "fds": len(fds),
            "sockets": kinds.get("socket", 0),
            "fd_kinds": dict(sorted(kinds.items(), key=lambda kv: -kv[1])[:6]),
        }


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")), 0)
    return round(kb / 1024, 1)


# -- the load ------------------------------------------------------------------------------------
class Soak:
    def __init__(self, server: Server, seconds: float, seed: int):
        self.server = server
        self.seconds = seconds
        self.rng = random.Random(seed)
        self.stop_at = 0.0
        self.entries: dict[int, str] = {}  # acknowledged: id -> last acknowledged body
        self.protected: list[int] = []  # never deleted: comments and likes go here
        self.deleted: set[int] = set()
        self.comments: dict[int, int] = {}  # approved comment id -> entry id
        self.counts = {k: 0 for k in (
            "posts", "edits", "deletes", "comments", "likes", "uploads", "errors",
            "readers", "resumed", "resyncs", "order_faults", "slow_opened", "slow_dropped",
        )}  # fmt: skip
        self.slow_drop_seconds: list[float] = []
        self.refused: dict[str, int] = {}  # "METHOD kind status" -> how many
        self.samples: list[dict] = []
        self.steady_ids: list[list[int]] = []

    @property
    def running(self) -> bool:
        return monotonic() < self.stop_at

    async def run(self) -> None:
        self.stop_at = monotonic() + self.seconds
        headers = {"Authorization": f"Bearer {self.server.token}"}
        async with httpx.AsyncClient(base_url=self.server.base, headers=headers, timeout=10) as api:
            self.api = api
            for n in range(3):
                await self.post(f"Soak: an entry that stays ({n})", protect=True)
            tasks = [
                asyncio.create_task(self.sampler()),
                asyncio.create_task(self.writer()),
                asyncio.create_task(self.churn()),
                asyncio.create_task(self.slow_readers()),
                *(asyncio.create_task(self.steady_reader(i)) for i in range(20)),
            ]
            await asyncio.gather(*tasks)

    # writes
    async def call(self, method: str, url: str, **kwargs) -> httpx.Response | None:
        try:
            response = await self.api.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.counts["errors"] += 1
            self.refused[f"{method} {type(exc).__name__}"] = self.refused.get(method, 0) + 1
            return None
        if response.status_code >= 400:
            self.counts["errors"] += 1
            what = f"{method} {url.split('/')[5]} {response.status_code}"
            self.refused[what] = self.refused.get(what, 0) + 1
        return response

    async def post(self, body: str, protect: bool = False) -> None:
        response = await self.call("POST", f"/api/v1/events/{SLUG}/entries", json={"body": body})
        if response is not None and response.status_code == 201:
            entry_id = response.json()["id"]
            self.entries[entry_id] = body
            self.counts["posts"] += 1
            if protect:
                self.protected.append(entry_id)

    def words(self, low: int, high: int) -> str:
        return " ".join(
            f"w{self.rng.randrange(10_000)}" for _ in range(self.rng.randint(low, high))
        )

    async def writer(self) -> None:
        tick = 0
        uploads_at = {int(self.seconds / 3), int(2 * self.seconds / 3)}
        while self.running:
            await asyncio.sleep(1)
            tick += 1
            await self.post(f"Soak {tick}: {self.words(20, 900)}")
            mine = [i for i in self.entries if i not in self.protected]
            if tick % 3 == 0 and mine:
                entry_id = self.rng.choice(mine)
                body = f"Soak, edited at {tick}: {self.words(5, 200)}"
                response = await self.call(
                    "PATCH", f"/api/v1/events/{SLUG}/entries/{entry_id}", json={"body": body}
                )
                if response is not None and response.status_code == 200:
                    self.entries[entry_id] = body
                    self.counts["edits"] += 1
            if tick % 10 == 0 and mine:
                entry_id = self.rng.choice(mine)
                response = await self.call("DELETE", f"/api/v1/events/{SLUG}/entries/{entry_id}")
                if response is not None and response.status_code == 204:
                    del self.entries[entry_id]
                    self.deleted.add(entry_id)
                    self.counts["deletes"] += 1
            if tick % 13 == 0:  # within the comment rate limit (5 a minute from one address)
                target = self.rng.choice(self.protected)
                response = await self.call(
                    "POST", f"/api/v1/events/{SLUG}/comments/entry/{target}",
                    json={"body": f"Comment {tick}: {self.words(3, 30)}", "name": "Soak",
                          "email": "soak@example.org"},
                )  # fmt: skip
                if response is not None and response.status_code == 201:
                    self.counts["comments"] += 1
                    if response.json().get("status") == "approved":
                        self.comments[response.json()["id"]] = target
            if tick % 3 == 0:  # within the like rate limit (30 a minute)
                target = self.rng.choice(self.protected)
                response = await self.call(
                    "POST", f"/api/v1/events/{SLUG}/likes/entry/{target}",
                    json={"liked": tick % 4 != 0},
                )  # fmt: skip
                if response is not None and response.status_code < 300:
                    self.counts["likes"] += 1
            if tick in uploads_at:
                await self.upload(tick)

    async def upload(self, tick: int) -> None:
        pages = [Image.new("RGB", (800, 600), (tick % 255, 90, 160)) for _ in range(3)]
        pdf = io.BytesIO()
        pages[0].save(pdf, "PDF", save_all=True, append_images=pages[1:])
        response = await self.call(
            "POST", f"/api/v1/events/{SLUG}/slideshows",
            data={"title": f"Soak deck {tick}"},
            files={"file": ("deck.pdf", pdf.getvalue(), "application/pdf")},
        )  # fmt: skip
        if response is not None and response.status_code in (201, 202):
            self.counts["uploads"] += 1

    # readers
    async def read_stream(self, until: float, last_id: int | None = None) -> list[int]:
        """Read the stream until ``until``; the ids seen (a resync resets the expectation)."""
        reader, writer = await asyncio.open_connection(HOST, self.server.port)
        extra = f"Last-Event-ID: {last_id}\r\n" if last_id is not None else ""
        writer.write(f"GET /{SLUG}/live/stream HTTP/1.1\r\nHost: {HOST}\r\n{extra}\r\n".encode())
        ids: list[int] = []
        expected = None if last_id is None else last_id + 1
        self.counts["readers"] += 1
        self.counts["resumed"] += last_id is not None
        try:
            while monotonic() < until and self.running:
                line = await asyncio.wait_for(
                    reader.readline(), timeout=max(until - monotonic(), 0.1)
                )
                if not line:
                    break
                if line.startswith(b"event: resync"):
                    self.counts["resyncs"] += 1
                    expected = None
                elif line.startswith(b"id: "):
                    seq = int(line[4:])
                    if expected is not None and seq != expected:
                        self.counts["order_faults"] += 1
                    ids.append(seq)
                    expected = seq + 1
        except (TimeoutError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        return ids

    async def steady_reader(self, index: int) -> None:
        ids = await self.read_stream(self.stop_at)
        self.steady_ids.append(ids)

    async def churn(self) -> None:
        last_ids: list[int] = []
        running: set[asyncio.Task] = set()

        async def one(resume: int | None) -> None:
            ids = await self.read_stream(monotonic() + self.rng.uniform(2, 15), resume)
            if ids:
                last_ids.append(ids[-1])

        while self.running:
            resume = self.rng.choice(last_ids) if last_ids and self.rng.random() < 0.5 else None
            task = asyncio.create_task(one(resume))
            running.add(task)
            task.add_done_callback(running.discard)
            await asyncio.sleep(0.5)
        await asyncio.gather(*running, return_exceptions=True)

    async def slow_readers(self) -> None:
        """Every 30 s a reader that never reads; time how long until the server drops it."""
        stuck: list[tuple[socket.socket, float]] = []
        next_open = monotonic()
        while self.running or stuck:
            now = monotonic()
            if self.running and now >= next_open:
                next_open = now + 30
                with contextlib.suppress(OSError):
                    stuck.append((await asyncio.to_thread(self.open_stuck), now))
                    self.counts["slow_opened"] += 1
            for sock, opened in list(stuck):
                state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
                if state != TCP_ESTABLISHED:
                    self.counts["slow_dropped"] += 1
                    self.slow_drop_seconds.append(now - opened)
                if state != TCP_ESTABLISHED or not self.running:
                    sock.close()
                    stuck.remove((sock, opened))
            await asyncio.sleep(1)

    def open_stuck(self) -> socket.socket:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(10)
        sock.connect((HOST, self.server.port))
        sock.sendall(f"GET /{SLUG}/live/stream HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
        sock.recv(1024)  # the headers and greeting; never another byte
        return sock

    async def sampler(self) -> None:
        started = monotonic()
        while True:
            sample = await asyncio.to_thread(self.server.sample)
            sample["t"] = round(monotonic() - started)
            self.samples.append(sample)
            if not self.running:
                return
            await asyncio.sleep(min(10, max(self.stop_at - monotonic(), 0.5)))

    # the check
    async def verify(self) -> dict:
        result = {"entries_checked": 0, "entries_wrong": [], "deleted_still_there": [],
                  "comments_checked": 0, "comments_missing": []}  # fmt: skip
        headers = {"Authorization": f"Bearer {self.server.token}"}
        async with httpx.AsyncClient(base_url=self.server.base, headers=headers, timeout=10) as api:
            for entry_id, body in self.entries.items():
                response = await api.get(f"/api/v1/events/{SLUG}/entries/{entry_id}")
                result["entries_checked"] += 1
                if response.status_code != 200 or response.json()["body"] != body:
                    result["entries_wrong"].append(entry_id)
            for entry_id in self.deleted:
                response = await api.get(f"/api/v1/events/{SLUG}/entries/{entry_id}")
                if response.status_code != 404:
                    result["deleted_still_there"].append(entry_id)
            seen: set[int] = set()
            for target in self.protected:
                response = await api.get(f"/api/v1/events/{SLUG}/comments/entry/{target}")
                if response.status_code == 200:
                    listed = response.json()
                    items = listed if isinstance(listed, list) else listed.get("comments", [])
                    seen.update(c["id"] for c in items)
            result["comments_checked"] = len(self.comments)
            result["comments_missing"] = sorted(set(self.comments) - seen)
        return result


def report(soak: Soak, verified: dict, after: dict, minutes: float) -> str:
    lines = [f"Soak: {minutes:g} minutes against one `hubbub serve` (memory broker).", ""]
    lines += ["| t (s) | server RSS MB | job worker RSS MB | file handles | sockets |",
              "|---|---|---|---|---|"]  # fmt: skip
    step = max(len(soak.samples) // 12, 1)
    shown = soak.samples[::step] + ([soak.samples[-1]] if (len(soak.samples) - 1) % step else [])
    for s in shown:
        lines.append(
            f"| {s['t']} | {s['rss_mb']} | {s['worker_rss_mb']} | {s['fds']} | {s['sockets']} |"
        )
    lines.append(
        f"| after clients left | {after['rss_mb']} | {after['worker_rss_mb']} | {after['fds']} "
        f"| {after['sockets']} |"
    )
    c = soak.counts
    drop = (
        f"median {statistics.median(soak.slow_drop_seconds):.0f} s, max "
        f"{max(soak.slow_drop_seconds):.0f} s"
        if soak.slow_drop_seconds
        else "none dropped"
    )
    steady = [ids for ids in soak.steady_ids if ids]
    gaps = sum(1 for ids in steady for a, b in itertools.pairwise(ids) if b != a + 1)
    seen = [len(ids) for ids in steady] or [0]
    lines += [
        "",
        f"- writes acknowledged: {c['posts']} posts, {c['edits']} edits, {c['deletes']} deletes, "
        f"{c['comments']} comments, {c['likes']} likes/unlikes, {c['uploads']} slide uploads; "
        f"{c['errors']} requests failed or refused",
        f"- check: {verified['entries_checked']} entries with their last acknowledged wording, "
        f"{len(verified['entries_wrong'])} wrong or missing; "
        f"{len(soak.deleted) - len(verified['deleted_still_there'])}/{len(soak.deleted)} deleted "
        f"entries gone; {verified['comments_checked'] - len(verified['comments_missing'])}/"
        f"{verified['comments_checked']} comments present",
        f"- readers: {c['readers']} connections ({c['resumed']} resumed with Last-Event-ID, "
        f"{c['resyncs']} resyncs, {c['order_faults']} out-of-order ids); 20 steady readers "
        f"saw {min(seen)}–{max(seen)} messages each, with {gaps} gaps",
        f"- slow readers (never read, 4 KB receive buffer): {c['slow_opened']} opened, "
        f"{c['slow_dropped']} dropped by the server ({drop})",
        f"- refused or failed requests: {soak.refused or 'none'}",
        f"- the server's file handles after the clients left, by kind: {after['fd_kinds']}",
    ]
    return "\n".join(lines)


async def main_async(args) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="hubbub-soak-"))
    port = args.port or _free_port()
    server = Server(workdir, port, args.hubbub_bin)
    print(f"preparing in {workdir} (port {port})", file=sys.stderr)
    await asyncio.to_thread(server.prepare)
    server.start()
    try:
        soak = Soak(server, args.minutes * 60, args.seed)
        print(f"soaking for {args.minutes:g} minutes", file=sys.stderr)
        await soak.run()
        verified = await soak.verify()
        await asyncio.sleep(5)  # every client is gone: what does the server still hold?
        after = await asyncio.to_thread(server.sample)
    finally:
        server.stop()
    text = report(soak, verified, after, args.minutes)
    print(text)
    if args.json:
        Path(args.json).write_text(
            json.dumps({"counts": soak.counts, "samples": soak.samples, "after": after,
                        "verified": verified, "slow_drop_seconds": soak.slow_drop_seconds},
                       indent=2)
        )  # fmt: skip
    bad = (
        verified["entries_wrong"] or verified["deleted_still_there"] or verified["comments_missing"]
    )
    return 1 if bad else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hubbub-bin", default=str(BENCH.parent / ".venv" / "bin" / "hubbub"))
    parser.add_argument("--json", help="write every sample and count here")
    args = parser.parse_args()
    sys.exit(asyncio.run(main_async(args)))


if __name__ == "__main__":
    main()
