"""SSE fan-out load generator: thousands of cheap readers on one uvloop event loop.

Each reader is a raw asyncio.Protocol (no coroutine per reader, no HTTP library): it writes its
GET on connection_made, skips the response head, undoes chunked framing if the server uses it
and splits SSE messages on blank lines, keeping only the `id:` and `event:` lines plus a
monotonic receipt time per `entry.created`. The JSON payload is parsed once per SSE id (not once
per reader) to learn which entry an id carries. Entries are posted over a separate keep-alive
connection from a thread; latency = receipt time - time the POST's request was written.

Library: LoadGen, post_entries, analyze, rss_kb. CLI (against any server speaking the format):

    python bench/sse_loadgen.py --url http://127.0.0.1:8701/stream --readers 10000 \\
        --post-url http://127.0.0.1:8701/publish --posts 20 --server-pid PID
"""

import argparse
import asyncio
import contextlib
import gc
import http.client
import json
import os
import random
import resource
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import uvloop

monotonic = time.monotonic


class Reader(asyncio.Protocol):
    __slots__ = (
        "_buf",
        "_cbuf",
        "_chunked",
        "_head",
        "_need",
        "_raw",
        "attempt",
        "connects",
        "gen",
        "got",
        "idx",
        "last_id",
        "pending",
        "ready",
        "resyncs",
        "transport",
    )

    def __init__(self, gen, idx):
        self.gen = gen
        self.idx = idx
        self.transport = None
        self.ready = False
        self.pending = False
        self.attempt = 0
        self.last_id = None
        self.got = []  # (sse id, receipt time) per entry.created, in arrival order
        self.resyncs = 0
        self.connects = 0

    def connection_made(self, transport):
        self.transport = transport
        self._head = True
        self._raw = b""
        self._buf = b""
        self._chunked = False
        self._cbuf = b""
        self._need = -1
        transport.write(self.gen.request(self.last_id))

    def connection_lost(self, exc):
        was_ready = self.ready
        self.ready = False
        self.transport = None
        self.gen.on_lost(self, exc, was_ready)

    def data_received(self, data):
        t = monotonic()
        if self._chunked and not self._buf and not self._cbuf and self._need < 0:
            # The usual case, kept cheap since it runs once per reader per message: one whole
            # chunk holding one whole SSE message with \n line ends.
            nl = data.find(b"\r\n", 0, 10)
            if nl > 0 and data[-4:] == b"\n\n\r\n" and int(data[:nl], 16) == len(data) - nl - 4:
                block = data[nl + 2 : -4]
                if b"\n\n" not in block and b"\r" not in block:
                    self._message(block, t)
                    return
        if self._head:
            raw = self._raw + data
            end = raw.find(b"\r\n\r\n")
            if end < 0:
                self._raw = raw
                return
            head, data = raw[:end], raw[end + 4 :]
            self._raw = b""
            if head[9:12] != b"200":
                self.gen.errors["http " + head[9:12].decode("latin-1")] += 1
                self.transport.close()
                return
            self._chunked = b"transfer-encoding: chunked" in head.lower()
            self._head = False
            self.gen.on_ready(self)
            if not data:
                return
        if self._chunked:
            data = self._dechunk(data)
            if not data:
                return
        buf = self._buf + data if self._buf else data
        if b"\r" in buf:
            buf = buf.replace(b"\r\n", b"\n")
        if b"\n\n" not in buf:
            self._buf = buf
            return
        blocks = buf.split(b"\n\n")
        self._buf = blocks.pop()
        for block in blocks:
            self._message(block, t)

    def _message(self, block, t):
        """One SSE message (without its blank line), received at `t`."""
        if block[:1] == b":" and b"\n" not in block:
            return  # heartbeat comment
        sid = None
        event = b"message"
        for line in block.split(b"\n"):
            if line[:3] == b"id:":
                sid = line[3:].strip()
            elif line[:6] == b"event:":
                event = line[6:].strip()
        if sid is not None:
            self.last_id = sid
        gen = self.gen
        if event == b"entry.created":
            self.got.append((sid, t))
            gen.n_entries += 1
            if sid not in gen.sid_entry:
                gen.learn(sid, block)
        elif event == b"resync":
            self.resyncs += 1
            gen.n_resyncs += 1
        elif event == b"like.updated":
            gen.n_like_updates += 1

    def _dechunk(self, data):
        cbuf = self._cbuf + data if self._cbuf else data
        out = []
        pos = 0
        while True:
            if self._need < 0:
                nl = cbuf.find(b"\r\n", pos)
                if nl < 0:
                    break
                size = int(cbuf[pos:nl].split(b";", 1)[0], 16)
                pos = nl + 2
                if size == 0:
                    self.gen.errors["stream ended"] += 1
                    break
                self._need = size
            if len(cbuf) - pos < self._need + 2:
                break  # wait for the rest of this chunk
            out.append(cbuf[pos : pos + self._need])
            pos += self._need + 2
            self._need = -1
        self._cbuf = cbuf[pos:]
        return b"".join(out)


class LoadGen:
    """N readers of one SSE URL; connects in a bounded window, optionally reconnects."""

    def __init__(
        self,
        url,
        readers,
        *,
        window=256,
        headers=(),
        entry_id=lambda obj: obj["id"],
        connect_timeout=10.0,
        max_attempts=40,
        seed=1,
    ):
        parts = urlsplit(url)
        self.host = parts.hostname
        self.port = parts.port or 80
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        extra = "".join(f"{h}\r\n" for h in headers)
        self._req = (
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Accept: text/event-stream\r\nCache-Control: no-cache\r\n{extra}"
        ).encode()
        self.readers = [Reader(self, i) for i in range(readers)]
        self.window = window
        self.entry_id = entry_id
        self.connect_timeout = connect_timeout
        self.max_attempts = max_attempts
        self.rng = random.Random(seed)
        self.sid_entry = {}  # sse id -> entry id, learned from the first copy seen
        self.n_entries = 0
        self.n_resyncs = 0
        self.n_like_updates = 0  # like counts: outside the sequence, no id
        self.ready_count = 0
        self.inflight = 0
        self.failed = 0
        self.dropped = 0  # streams that ended while reconnect was off
        self.errors = Counter()
        self.reconnect = False
        self.jitter = (0.5, 3.0)
        self.backoff = (0.25, 2.0)
        self.closing = False
        self.last_ready_at = None
        self.first_ready_at = None  # reset by the caller to time a reconnect wave
        self._progress = asyncio.Event()
        self._tasks = set()

    def request(self, last_id):
        if last_id is None:
            return self._req + b"\r\n"
        return self._req + b"Last-Event-ID: " + last_id + b"\r\n\r\n"

    def learn(self, sid, block):
        data = b"\n".join(ln[5:].lstrip(b" ") for ln in block.split(b"\n") if ln[:5] == b"data:")
        try:
            self.sid_entry[sid] = self.entry_id(json.loads(data))
        except (ValueError, KeyError, TypeError):
            self.sid_entry[sid] = None
            self.errors["unparsable data"] += 1

    # connection bookkeeping

    def _start(self, r):
        task = asyncio.get_running_loop().create_task(self._connect(r))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect(self, r):
        if self.closing:
            return
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(
                loop.create_connection(lambda: r, self.host, self.port), self.connect_timeout
            )
            r.connects += 1
        except (TimeoutError, OSError) as exc:
            self.errors[type(exc).__name__] += 1
            self._retry(r)

    def _retry(self, r):
        r.attempt += 1
        if self.closing or r.attempt >= self.max_attempts:
            self.failed += 1
            self._settle(r)
            return
        low, high = self.backoff
        delay = min(high, low * 2 ** (r.attempt - 1)) * self.rng.uniform(0.5, 1.5)
        asyncio.get_running_loop().call_later(delay, self._start, r)

    def _settle(self, r):
        if r.pending:
            r.pending = False
            self.inflight -= 1
            self._progress.set()

    def on_ready(self, r):
        r.ready = True
        r.attempt = 0
        self.ready_count += 1
        self.last_ready_at = monotonic()
        if self.first_ready_at is None:
            self.first_ready_at = self.last_ready_at
        self._settle(r)

    def on_lost(self, r, exc, was_ready):
        if was_ready:
            self.ready_count -= 1
        if self.closing:
            return
        if not was_ready:
            self.errors["closed before head"] += 1
            self._retry(r)
        elif self.reconnect:
            r.pending = True  # counts as in flight again until its head arrives
            self.inflight += 1
            delay = self.rng.uniform(*self.jitter)
            asyncio.get_running_loop().call_later(delay, self._start, r)
        else:
            self.dropped += 1

    async def connect_all(self, timeout=60.0):
        """Open every reader, at most `window` awaiting their response head at once."""
        t0 = monotonic()
        deadline = t0 + timeout
        todo = iter(self.readers)
        exhausted = False
        while monotonic() < deadline:
            while not exhausted and self.inflight < self.window:
                r = next(todo, None)
                if r is None:
                    exhausted = True
                    break
                r.pending = True
                self.inflight += 1
                self._start(r)
            if exhausted and self.inflight == 0:
                break
            self._progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._progress.wait(), 0.5)
        end = self.last_ready_at if self.ready_count == len(self.readers) else monotonic()
        return end - t0

    async def wait_for(self, predicate, timeout, every=0.05):
        deadline = monotonic() + timeout
        while monotonic() < deadline:
            if predicate():
                return True
            await asyncio.sleep(every)
        return predicate()

    def close(self):
        self.closing = True
        for r in self.readers:
            if r.transport is not None:
                r.transport.close()


@dataclass
class Post:
    index: int
    started: float
    finished: float = 0.0
    status: int = 0
    entry_id: object = None
    error: str = ""


async def post_entries(url, count, interval, *, headers=None, label="bench", first=0):
    """POST `count` entries, one every `interval` s (sequential: a slow answer delays the next).

    Each POST runs in a thread of its own over a blocking keep-alive connection, and `started`
    is taken in that thread just before the request's bytes are written: the readers' event
    loop here may be busy taking a fan-out, and a POST written from it would leave late while
    its clock had already started (or finish late while the server had long answered).
    """
    posts = []
    conn = _Poster(url, headers)
    try:
        t_next = monotonic()
        for i in range(first, first + count):
            await asyncio.sleep(max(0.0, t_next - monotonic()))
            t_next += interval
            body = {"body": f"{label} entry {i}: *fan-out* check"}
            posts.append(await asyncio.to_thread(conn.post, i, body))
    finally:
        conn.close()
    return posts


class _Poster:
    """Blocking JSON POSTs over one keep-alive connection (reopened after an error)."""

    def __init__(self, url, headers):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.path = parts.path + (f"?{parts.query}" if parts.query else "")
        self.headers = {"Content-Type": "application/json", **(headers or {})}
        self.conn = None

    def post(self, index, body):
        payload = json.dumps(body).encode()
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.conn.connect()
        p = Post(index, monotonic())
        try:
            self.conn.request("POST", self.path, payload, self.headers)
            resp = self.conn.getresponse()
            text = resp.read()
            p.status = resp.status
            if resp.status == 201:
                p.entry_id = json.loads(text)["id"]
            else:
                p.error = text[:300].decode(errors="replace")
        except (OSError, http.client.HTTPException, ValueError, KeyError) as exc:
            p.error = f"{type(exc).__name__}: {exc}"
            self.close()
        p.finished = monotonic()
        return p

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def pct(sorted_values, q):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[k]


@dataclass
class Delivery:
    readers: int
    entries: int
    expected: int
    delivered: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    readers_complete: int = 0
    foreign: int = 0  # entry.created events for entries this run did not post
    p50_ms: float = None
    p99_ms: float = None
    max_ms: float = None
    latencies: list = field(default_factory=list, repr=False)
    caught_up_at: float = None  # when the slowest reader had every entry (monotonic)

    @property
    def delivered_pct(self):
        return 100.0 * self.delivered / self.expected if self.expected else 0.0

    def summary(self):
        d = asdict(self)
        d.pop("latencies")
        d["delivered_pct"] = round(self.delivered_pct, 3)
        return d


def analyze(gen, posts, *, latency_posts=None):
    """Check that every reader got every posted entry once, in order; latencies for
    `latency_posts` (default: all of `posts`)."""
    ok = [p for p in posts if p.entry_id is not None]
    order = {p.entry_id: n for n, p in enumerate(ok)}
    started = {p.entry_id: p.started for p in (latency_posts if latency_posts else ok)}
    res = Delivery(len(gen.readers), len(ok), len(gen.readers) * len(ok))
    caught = []
    for r in gen.readers:
        seen = {}
        last = -1
        for sid, t in r.got:
            eid = gen.sid_entry.get(sid)
            n = order.get(eid)
            if n is None:
                res.foreign += 1
                continue
            if eid in seen:
                res.duplicates += 1
                continue
            seen[eid] = t
            if n < last:
                res.out_of_order += 1
            last = max(last, n)
            if eid in started:
                res.latencies.append(t - started[eid])
        res.delivered += len(seen)
        if len(seen) == len(ok):
            res.readers_complete += 1
            caught.append(max(seen.values()) if seen else 0.0)
    if caught and res.readers_complete == res.readers:
        res.caught_up_at = max(caught)
    lat = sorted(res.latencies)
    res.latencies = lat
    if lat:
        res.p50_ms, res.p99_ms, res.max_ms = (round(pct(lat, q) * 1000, 1) for q in (50, 99, 100))
    return res


def post_stats(posts):
    """p50/max of POST round trips in ms (the floor answers only after writing to all)."""
    ms = sorted((p.finished - p.started) * 1000 for p in posts)
    return {"p50": round(pct(ms, 50), 1), "max": round(ms[-1], 1)} if ms else {}


def rss_kb(pid):
    """VmRSS of pid plus all its descendants, in KB."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def cpu_seconds(pid):
    """utime+stime of pid plus its descendants."""
    total = 0
    stack = [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total / tick


def busy_cpu_seconds():
    """CPU time spent by the whole machine (all cores, not idle), from /proc/stat."""
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def no_gc():
    """Keep the cyclic GC off while measuring: a full collection over 10k readers stalls the
    loop for tens of ms, which would show up as delivery latency. Runs are short and bounded."""
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


async def run_cli(args):
    headers = [h for h in args.header]
    gen = LoadGen(args.url, args.readers, window=args.window, headers=headers)
    with no_gc():
        await _run_cli(args, gen)


async def _run_cli(args, gen):
    pid = args.server_pid
    rss0 = rss_kb(pid) if pid else None
    connect_s = await gen.connect_all(args.connect_timeout)
    await asyncio.sleep(args.idle)
    rss1 = rss_kb(pid) if pid else None
    out = {"readers": args.readers, "connected": gen.ready_count, "connect_s": round(connect_s, 2)}
    if pid:
        out["kb_per_reader"] = round((rss1 - rss0) / args.readers, 2)
    if args.post_url and args.posts:
        auth = {"Authorization": f"Bearer {args.token}"} if args.token else None
        posts = await post_entries(args.post_url, args.posts, args.interval, headers=auth)
        want = args.readers * sum(p.entry_id is not None for p in posts)
        await gen.wait_for(lambda: gen.n_entries >= want, args.drain)
        out.update(analyze(gen, posts).summary())
        out["post_ms"] = post_stats(posts)
        out["post_errors"] = [p.error for p in posts if p.error]
    out["errors"] = dict(gen.errors)
    gen.close()
    print(json.dumps(out, indent=2))


async def run_hold(args):
    """Helper for a run whose readers do not fit one process's file limit: connect, say so on
    stdout, wait for `--hold-entries` entries per reader (or `--drain` s), write every reader's
    (id, arrival time) pairs to `--report` (monotonic times compare across processes)."""
    gen = LoadGen(args.url, args.readers, window=args.window)
    with no_gc():
        connect_s = await gen.connect_all(args.connect_timeout)
        print(f"connected {gen.ready_count} {connect_s:.2f}", flush=True)
        want = args.readers * args.hold_entries
        await gen.wait_for(lambda: gen.n_entries >= want, args.drain)
        report = {
            "connected": gen.ready_count,
            "connect_s": round(connect_s, 2),
            "readers": [[[sid.decode() if sid else None, t] for sid, t in r.got]
                        for r in gen.readers],
            "sid_entry": {k.decode(): v for k, v in gen.sid_entry.items()},
            "errors": dict(gen.errors),
            "resyncs": gen.n_resyncs,
        }  # fmt: skip
        gen.close()
    Path(args.report).write_text(json.dumps(report))


def main():
    ap = argparse.ArgumentParser(description="SSE fan-out load generator")
    ap.add_argument("--url", required=True, help="SSE stream URL")
    ap.add_argument("--readers", type=int, default=1000)
    ap.add_argument("--window", type=int, default=256, help="max readers awaiting their head")
    ap.add_argument("--header", action="append", default=[], help="extra header for the GET")
    ap.add_argument("--connect-timeout", type=float, default=60.0)
    ap.add_argument("--idle", type=float, default=3.0, help="seconds idle before posting")
    ap.add_argument("--post-url")
    ap.add_argument("--token")
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--drain", type=float, default=30.0, help="max wait for delivery")
    ap.add_argument("--server-pid", type=int, help="for RSS per reader")
    ap.add_argument("--hold-entries", type=int, help="helper mode: see run_hold()")
    ap.add_argument("--report", help="helper mode: where the arrivals go")
    args = ap.parse_args()
    raise_nofile()
    uvloop.run(run_hold(args) if args.hold_entries else run_cli(args))


if __name__ == "__main__":
    main()
