"""Live blog SSE fan-out: the bare asyncio floor and hubbub, measured in one run.

Per target, on one server process with the load generator on the same machine (loopback):
connect N readers, post entries at a steady rate, check every entry reaches every reader once
and in order, time it per reader per entry, and compute server RSS per idle reader. For hubbub,
also SIGKILL + restart the server while posting and let every reader reconnect with its
Last-Event-ID. Prints markdown tables; --json keeps the details.

    .venv/bin/python bench/live_fanout.py --readers 10000 --posts 20 --json /tmp/fanout.json
"""

import argparse
import asyncio
import contextlib
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import uvloop

from like_storm import api_likes
from like_storm import storm as like_storm_process

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sse_loadgen import (
    LoadGen,
    analyze,
    busy_cpu_seconds,
    cpu_seconds,
    no_gc,
    post_entries,
    post_stats,
    raise_nofile,
    rss_kb,
)

BENCH = Path(__file__).resolve().parent
HOST = "127.0.0.1"
monotonic = time.monotonic

# Loaded into the servers as sitecustomize: logs each full (gen 2) collection of Python's
# cyclic GC with its duration, since such a pause stalls every reader of that process at once.
GC_PROBE = """\
import gc, sys, time
_t0 = [0.0]
def _gc_probe(phase, info):
    if phase == "start":
        _t0[0] = time.monotonic()
    elif info["generation"] == 2:
        now = time.monotonic()
        sys.stderr.write(f"GCPROBE end={now:.4f} ms={(now - _t0[0]) * 1000:.1f}\\n")
gc.callbacks.append(_gc_probe)
"""


REOPEN_EVENT = """
from hubbub.events.lifecycle import apply_status
from hubbub.events.models import Event
apply_status(Event.objects.get(slug="{slug}"), Event.Status.LIVE)
"""


class Server:
    """A server subprocess in its own process group, logs kept in `workdir`."""

    name = "?"
    replay = False  # honours Last-Event-ID across a restart

    @staticmethod
    def entry_id(data):
        """Entry id carried by an entry.created event's JSON data."""
        return data["id"]

    def __init__(self, port, workdir, nice=0, gc_log=True):
        self.port = port
        self.workdir = Path(workdir)
        self.nice = nice
        self.gc_log = gc_log
        self.proc = None
        self.starts = 0

    def command(self):
        raise NotImplementedError

    def env(self):
        env = dict(os.environ)
        if self.gc_log:
            probe = self.workdir / "gcprobe"
            probe.mkdir(exist_ok=True)
            (probe / "sitecustomize.py").write_text(GC_PROBE)
            env["PYTHONPATH"] = os.pathsep.join(p for p in (str(probe), env.get("PYTHONPATH")) if p)
        return env

    def gc_pauses(self, since, until):
        """Full GC collections the probe logged in [since, until] (monotonic, system-wide)."""
        pauses = []
        for n in range(1, self.starts + 1):
            text = (self.workdir / f"{self.name}.{n}.err").read_text(errors="replace")
            for line in text.splitlines():
                if line.startswith("GCPROBE "):
                    fields = dict(f.split("=", 1) for f in line.split()[1:])
                    if since <= float(fields["end"]) <= until:
                        pauses.append(float(fields["ms"]))
        return {
            "count": len(pauses),
            "max_ms": max(pauses, default=0.0),
            "total_ms": round(sum(pauses), 1),
        }

    def prepare(self):
        pass

    def start(self):
        self.starts += 1
        log = self.workdir / f"{self.name}.{self.starts}"
        with open(f"{log}.out", "wb") as out, open(f"{log}.err", "wb") as err:
            self.proc = subprocess.Popen(
                self.command(),
                cwd=self.workdir,
                env=self.env(),
                stdout=out,
                stderr=err,
                start_new_session=True,  # so kill() reaches workers too
            )
        if self.nice:
            boost(self.proc.pid, self.nice)

    async def wait_up(self, timeout=60.0, served=lambda: None):
        """Time of the first HTTP answer (any status; a bound port alone may not serve yet),
        or of `served()` when that reports one earlier."""
        deadline = monotonic() + timeout
        async with httpx.AsyncClient(timeout=0.5) as client:
            while monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
                if served() is not None:
                    return served()
                try:
                    await client.head(self.stream_url)
                    return monotonic()
                except httpx.HTTPError:
                    await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.name} not serving on {self.port} after {timeout}s")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    async def akill(self):
        """SIGKILL without blocking the loop, so readers see their streams end right away."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            await asyncio.to_thread(self.proc.wait)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def stderr_tail(self, lines=25):
        out = []
        for n in range(1, self.starts + 1):
            text = (self.workdir / f"{self.name}.{n}.err").read_text(errors="replace")
            kept = [ln for ln in text.splitlines() if not ln.startswith("GCPROBE ")]
            out.append(f"--- {self.name} start #{n}: {len(kept)} stderr lines (GC probe aside)")
            out.extend(kept[-lines:])
        return "\n".join(out)

    def stderr_problems(self):
        """Counts of stderr lines that look like trouble, over every start."""
        counts = {}
        for n in range(1, self.starts + 1):
            text = (self.workdir / f"{self.name}.{n}.err").read_text(errors="replace")
            for word in ("Traceback", "ERROR", "Exception", "WARNING"):
                counts[word] = counts.get(word, 0) + text.count(word)
        return {k: v for k, v in counts.items() if v}


class Floor(Server):
    name = "floor"

    @property
    def stream_url(self):
        return f"http://{HOST}:{self.port}/stream"

    @property
    def post_url(self):
        return f"http://{HOST}:{self.port}/publish"

    post_headers = None

    def command(self):
        return [sys.executable, str(BENCH / "bare_broadcaster.py"), "--port", str(self.port)]


class Hubbub(Server):
    """Adapter for hubbub: every path, command and payload assumption is here."""

    name = "hubbub"
    replay = True
    slug = "all-change-2011"
    user = "bench"

    def __init__(
        self, port, workdir, binary, src=None, nice=0, gc_log=True, workers=1,
        broker="memory://", lift_like_limits=False,
    ):  # fmt: skip
        super().__init__(port, workdir, nice, gc_log)
        self.workers = workers
        self.broker = broker
        self.lift_like_limits = lift_like_limits
        self.binary = binary
        self.src = src  # package tree to snapshot, or None to run the installed one
        self.token = None
        self.tree = None

    @property
    def stream_url(self):
        return f"http://{HOST}:{self.port}/{self.slug}/live/stream"

    @property
    def post_url(self):
        return f"http://{HOST}:{self.port}/api/v1/events/{self.slug}/entries"

    @property
    def post_headers(self):
        return {"Authorization": f"Bearer {self.token}"}

    def env(self):
        env = super().env()
        if self.lift_like_limits:
            # The storm stands for many readers, but comes from one address and one account.
            env["HUBBUB_RATE_LIMITS"] = "like.visitor=10000000/60,like.address=10000000/60"
        env.update(
            HUBBUB_BROKER=self.broker,
            HUBBUB_VAR_DIR=str(self.workdir / "var"),  # ./var is the default anyway
            DJANGO_SUPERUSER_PASSWORD="x",
        )
        if self.src:
            # the snapshot shadows the editable install, so a restart runs the same code
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(self.workdir / "src"), env.get("PYTHONPATH")) if p
            )
        return env

    def manage(self, *args):
        res = subprocess.run(
            [self.binary, *args],
            cwd=self.workdir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        if res.returncode:
            raise RuntimeError(f"hubbub {' '.join(args)} failed:\n{res.stdout}\n{res.stderr}")
        return res.stdout

    def prepare(self):
        if self.src:
            shutil.copytree(
                self.src,
                self.workdir / "src" / "hubbub",
                ignore=shutil.ignore_patterns("__pycache__"),
            )
            self.tree = tree_digest(self.workdir / "src" / "hubbub")
        self.manage("migrate")
        self.manage("demo")
        # The demo's record of this event has ended (posting answers 409): reopen it.
        self.manage("shell", "-c", REOPEN_EVENT.format(slug=self.slug))
        self.manage(
            "createsuperuser",
            "--noinput",
            "--username",
            self.user,
            "--email",
            "bench@example.org",
        )
        self.token = self.manage("token", "create", self.user).strip().splitlines()[-1].strip()

    def command(self):
        return [
            self.binary, "serve", "--host", HOST, "--port", str(self.port),
            "--workers", str(self.workers),
        ]  # fmt: skip

    @property
    def like_url(self):
        return f"http://{HOST}:{self.port}/api/v1/events/{self.slug}/likes/entry/{{id}}"


async def warm_up(server, client):
    """One stream request and one post, so lazy imports and caches are not billed to readers."""
    try:
        async with client.stream("GET", server.stream_url, timeout=5) as resp:
            resp.raise_for_status()
    except httpx.HTTPError as exc:
        print(f"  warm-up stream: {type(exc).__name__}: {exc}", file=sys.stderr)
    posts = await post_entries(server.post_url, 1, 0, headers=server.post_headers, label="warm-up")
    if posts[0].error:
        print(f"  warm-up post failed: {posts[0].status} {posts[0].error}", file=sys.stderr)
    await asyncio.sleep(1.0)
    return posts[0].entry_id


async def measure(server, args):
    res = {"target": server.name, "readers": args.readers}
    server.start()
    await server.wait_up()
    pid = server.proc.pid
    async with httpx.AsyncClient(timeout=60) as client:
        liked_entry = await warm_up(server, client)
        args.liked_entry = liked_entry
        rss0 = rss_kb(pid)
        gen = LoadGen(
            server.stream_url,
            args.readers - args.helper_readers,
            window=args.window,
            entry_id=server.entry_id,
            seed=args.seed,
        )
        try:
            with no_gc():
                await _measure(server, args, gen, pid, rss0, res)
        finally:
            gen.close()
    await asyncio.sleep(0.5)
    server.stop()
    res["server_stderr"] = server.stderr_problems()
    return res


async def _measure(server, args, gen, pid, rss0, res):
    print(f"  connecting {args.readers} readers", file=sys.stderr)
    t_connect = monotonic()
    helper = await start_helper(server, args) if args.helper_readers else None
    res["connect_s"] = round(await gen.connect_all(args.connect_timeout), 2)
    if helper is not None:
        res["connect_s"] = round(monotonic() - t_connect, 2)
    res["server_gc_gen2_connect"] = server.gc_pauses(t_connect, monotonic())
    res["connected"] = gen.ready_count + (helper.connected if helper else 0)
    await asyncio.sleep(args.idle)
    rss1 = rss_kb(pid)
    res["rss_before_kb"], res["rss_idle_kb"] = rss0, rss1
    res["kb_per_reader"] = round((rss1 - rss0) / args.readers, 2)
    print(f"  connected {gen.ready_count} in {res['connect_s']}s, posting", file=sys.stderr)
    cpu0 = cpu_seconds(pid)
    own0 = own_cpu_seconds()
    busy0 = busy_cpu_seconds()
    t_posts = monotonic()
    res["loadavg_before_posts"] = Path("/proc/loadavg").read_text().split()[0]
    likes = None
    if args.like_rate and getattr(server, "like_url", None) and args.liked_entry:
        likes = LikeStorm(server, args.liked_entry, args.like_rate, args.like_concurrency)
        # Long enough to cover every post and the drain; stops by itself.
        likes.start(seconds=2.0 + args.posts * args.interval + 5.0)
        await asyncio.sleep(2.0)  # the storm is at full rate before the first post
    posts = await post_entries(
        server.post_url, args.posts, args.interval, headers=server.post_headers
    )
    want = (args.readers - args.helper_readers) * sum(p.entry_id is not None for p in posts)
    await gen.wait_for(lambda: gen.n_entries >= want, args.drain)
    if likes is not None:
        res["like_storm"] = await likes.stop()
        res["like_updates_per_reader"] = round(gen.n_like_updates / max(1, args.readers), 1)
    res["server_cpu_s"] = round(cpu_seconds(pid) - cpu0, 2)
    res["server_gc_gen2"] = server.gc_pauses(t_posts, monotonic())
    res["loadgen_cpu_s"] = round(own_cpu_seconds() - own0, 2)
    # CPU burnt by anything else on the machine meanwhile: a noisy neighbour skews latency
    other = busy_cpu_seconds() - busy0 - res["server_cpu_s"] - res["loadgen_cpu_s"]
    res["other_cpu_s"] = round(max(other, 0.0), 2)
    # steadier than latency on a shared machine: server CPU per event written to a reader
    deliveries = max(1, args.readers * sum(p.entry_id is not None for p in posts))
    res["server_us_per_delivery"] = round(res["server_cpu_s"] / deliveries * 1e6, 1)
    res["posts_s"] = round(posts[-1].finished - posts[0].started, 2)
    res["post_ms"] = post_stats(posts)
    res["post_errors"] = [f"{p.status} {p.error}" for p in posts if p.error]
    res.update(analyze(await with_helper(gen, helper, args), posts).summary())
    res["still_connected"] = gen.ready_count
    if server.replay and args.storm_posts:
        res["storm"] = await storm(server, gen, posts, args)
    res["loadgen_errors"] = dict(gen.errors)
    res["resyncs"] = gen.n_resyncs


class Helper:
    def __init__(self, proc, report, connected):
        self.proc, self.report, self.connected = proc, report, connected


async def start_helper(server, args):
    """A second load-generator process holding `--helper-readers` of the readers: one process
    may not hold 20,000 sockets (RLIMIT_NOFILE)."""
    report = Path(tempfile.mkdtemp(prefix="fanout-helper-")) / "arrivals.json"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(BENCH / "sse_loadgen.py"), "--url", server.stream_url,
        "--readers", str(args.helper_readers), "--hold-entries", str(args.posts),
        "--connect-timeout", str(args.connect_timeout), "--report", str(report),
        "--drain", str(args.drain + args.posts * args.interval + 60),
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    line = await asyncio.wait_for(proc.stdout.readline(), args.connect_timeout + 30)
    connected = int(line.split()[1]) if line.startswith(b"connected") else 0
    print(f"  helper holds {connected} readers", file=sys.stderr)
    return Helper(proc, report, connected)


async def with_helper(gen, helper, args):
    """`gen`, or a view of it with the helper's readers added, for analyze()."""
    if helper is None:
        return gen
    try:
        await asyncio.wait_for(helper.proc.wait(), args.drain + 90)
        data = json.loads(helper.report.read_text())
    except (TimeoutError, OSError, ValueError) as exc:
        print(f"  helper report missing: {exc}", file=sys.stderr)
        helper.proc.kill()
        return gen
    readers = [
        SimpleNamespace(got=[(sid.encode() if sid else None, t) for sid, t in got])
        for got in data["readers"]
    ]
    sid_entry = {**{k.encode(): v for k, v in data["sid_entry"].items()}, **gen.sid_entry}
    return SimpleNamespace(readers=[*gen.readers, *readers], sid_entry=sid_entry)


class LikeStorm:
    """Likes and unlikes of one entry at `rate` a second over the API, from a process of its
    own (the readers' event loop here is busy enough), at most `concurrency` in flight; each
    one changes the count, so each would once have been a publish()."""

    def __init__(self, server, entry_id, rate, concurrency):
        url = httpx.URL(server.like_url.format(id=entry_id))
        token = server.post_headers["Authorization"].removeprefix("Bearer ")
        self.requests = api_likes(url.port, url.path, token)
        self.port = url.port
        self.rate = rate
        self.concurrency = concurrency
        self.results = multiprocessing.Queue()
        self.process = None

    def start(self, seconds: float):
        self.process = multiprocessing.Process(
            target=like_storm_process,
            args=(self.port, self.requests, self.rate, self.concurrency, seconds, self.results),
        )
        self.process.start()

    async def stop(self):
        done = await asyncio.to_thread(self.results.get, True, 120)
        self.process.join(timeout=10)
        return {
            "target_per_s": self.rate,
            "asked": done["asked"],
            "done_per_s": round(done["rate"], 1),
            "p50_ms": round(done["p50"], 1),
            "p99_ms": round(done["p99"], 1),
            "answers": done["statuses"],
        }


async def storm(server, gen, posts, args):
    """SIGKILL, restart at once, post while every reader reconnects with Last-Event-ID."""
    print("  reconnect storm: SIGKILL + restart", file=sys.stderr)
    out = {}
    gen.reconnect = True
    gen.jitter = (0.5, 3.0)
    t_kill = monotonic()
    await server.akill()
    out["reaped_s"] = round(monotonic() - t_kill, 2)
    gen.first_ready_at = None
    server.start()
    # the probe queues behind thousands of reconnects: the first reader back can tell earlier
    t_up = await server.wait_up(served=lambda: gen.first_ready_at)
    out["restart_s"] = round(t_up - t_kill, 2)
    new = await post_entries(
        server.post_url,
        args.storm_posts,
        args.storm_interval,
        headers=server.post_headers,
        label="storm",
        first=len(posts),
    )
    out["post_errors"] = [f"{p.status} {p.error}" for p in new if p.error]
    every = posts + new
    want = len(gen.readers) * sum(p.entry_id is not None for p in every)
    n = len(gen.readers)
    reconnected_at = None
    deadline = t_kill + args.storm_timeout
    while monotonic() < deadline:
        if reconnected_at is None and gen.ready_count == n:
            reconnected_at = gen.last_ready_at
        # cheap counter first; the full per-reader check only once it could pass
        if gen.n_entries >= want and analyze(gen, every).readers_complete == n:
            break
        await asyncio.sleep(0.25)
    if reconnected_at is None and gen.ready_count == n:
        reconnected_at = gen.last_ready_at
    d = analyze(gen, every, latency_posts=new)
    out.update(
        readers_reconnected=gen.ready_count,
        reconnect_attempts_refused=gen.errors["ConnectionRefusedError"],
        all_reconnected_after_up_s=round(reconnected_at - t_up, 2) if reconnected_at else None,
        entries=d.entries,
        expected=d.expected,
        delivered=d.delivered,
        lost=d.expected - d.delivered,
        duplicates=d.duplicates,
        out_of_order=d.out_of_order,
        readers_complete=d.readers_complete,
        resyncs=gen.n_resyncs,
        caught_up_after_kill_s=round(d.caught_up_at - t_kill, 2) if d.caught_up_at else None,
        caught_up_after_up_s=round(d.caught_up_at - t_up, 2) if d.caught_up_at else None,
        # post -> reader, including the reader's wait to reconnect (jitter, backoff)
        storm_entry_p50_ms=d.p50_ms,
        storm_entry_p99_ms=d.p99_ms,
        storm_entry_max_ms=d.max_ms,
        post_ms=post_stats(new),
        server_gc_gen2=server.gc_pauses(t_kill, monotonic()),
    )
    return out


def tree_digest(root):
    """Short digest of a source tree, to tell which code a result came from."""
    h = hashlib.sha256()
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def boost(pid, nice):
    """Set the niceness of pid and of its session's autogroup: with autogroups on, the
    scheduler shares CPU between sessions first, so a process nice value alone is weak."""
    os.setpriority(os.PRIO_PROCESS, pid, nice)
    with contextlib.suppress(OSError), open(f"/proc/{pid}/autogroup", "w") as f:
        f.write(str(nice))


def own_cpu_seconds():
    # RUSAGE_SELF: not the server, which is this process's child
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fmt(v, unit=""):
    return "n/a" if v is None else f"{v}{unit}"


def ratio(a, b):
    return f"{a / b:.1f}x" if a is not None and b else "n/a"


def table(results):
    rows = [
        "| target | readers connected | connect time | p50 ms | p99 ms | max ms | delivered "
        "| dup / out-of-order | KB/reader | server µs CPU/delivery | POST p50 ms "
        "| full GC pauses (n, max ms) | CPU s server / loadgen / other |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "error" in r:
            rows.append(f"| {r['target']} | failed: {r['error']} |" + " |" * 11)
            continue
        rows.append(
            f"| {r['target']} | {r['connected']}/{r['readers']} | {r['connect_s']} s "
            f"| {fmt(r['p50_ms'])} | {fmt(r['p99_ms'])} | {fmt(r['max_ms'])} "
            f"| {r['delivered_pct']}% ({r['delivered']}/{r['expected']}) "
            f"| {r['duplicates']} / {r['out_of_order']} | {r['kb_per_reader']} "
            f"| {r['server_us_per_delivery']} "
            f"| {r['post_ms'].get('p50')} "
            f"| {r['server_gc_gen2']['count']}, {r['server_gc_gen2']['max_ms']} "
            f"| {r['server_cpu_s']} / {r['loadgen_cpu_s']} / {r['other_cpu_s']} |"
        )
    by = {r["target"]: r for r in results if "error" not in r}
    if "floor" in by and "hubbub" in by:
        f, h = by["floor"], by["hubbub"]

        def x(key):
            return ratio(h[key], f[key])

        rows.append(
            f"| **hubbub / floor** | | {x('connect_s')} | {x('p50_ms')} | **{x('p99_ms')}** "
            f"| {x('max_ms')} | | | **{x('kb_per_reader')}** | {x('server_us_per_delivery')} "
            f"| {ratio(h['post_ms'].get('p50'), f['post_ms'].get('p50'))} | | |"
        )
    for r in results:
        likes = r.get("like_storm")
        if likes:
            rows += [
                "",
                f"Like storm during the posts ({r['target']}): target {likes['target_per_s']}/s, "
                f"asked {likes['asked']}, done {likes['done_per_s']}/s, like p50 "
                f"{likes['p50_ms']} ms / p99 {likes['p99_ms']} ms, answers {likes['answers']}; "
                f"like.updated received per reader: {r['like_updates_per_reader']}",
            ]
    for r in results:
        s = r.get("storm")
        if not s:
            continue
        rows += [
            "",
            f"Reconnect storm ({r['target']}, SIGKILL + restart, "
            f"{s['entries'] - r['entries']} entries posted during it):",
            "",
            "| readers back | all back (from up) | caught up (from kill / from up) "
            "| restart | lost | dup | out-of-order | resync | storm-entry p50 / max ms |",
            "|---|---|---|---|---|---|---|---|---|",
            f"| {s['readers_reconnected']}/{r['readers']} "
            f"| {fmt(s['all_reconnected_after_up_s'], ' s')} "
            f"| {fmt(s['caught_up_after_kill_s'], ' s')} / {fmt(s['caught_up_after_up_s'], ' s')} "
            f"| {s['restart_s']} s | {s['lost']} | {s['duplicates']} | {s['out_of_order']} "
            f"| {s['resyncs']} | {fmt(s['storm_entry_p50_ms'])} / {fmt(s['storm_entry_max_ms'])} |",
        ]
    return "\n".join(rows)


async def wait_quiet(limit_s, cores=0.25, sample_s=3.0):
    """Wait (at most limit_s) for the rest of the machine to use under `cores` CPUs."""
    deadline = monotonic() + limit_s
    while True:
        busy0 = busy_cpu_seconds()
        await asyncio.sleep(sample_s)
        load = (busy_cpu_seconds() - busy0) / sample_s
        if load <= cores or monotonic() >= deadline:
            print(f"  background load {load:.2f} cores", file=sys.stderr)
            return round(load, 2)


async def run(args):
    results = []
    work = Path(tempfile.mkdtemp(prefix="fanout-"))
    targets = []
    if "floor" in args.targets:
        (work / "floor").mkdir()
        targets.append(Floor(args.floor_port, work / "floor", args.nice, not args.no_gc_log))
    if "hubbub" in args.targets:
        (work / "hubbub").mkdir()
        src = None if args.no_snapshot else args.hubbub_src
        hubbub = Hubbub(
            args.hubbub_port, work / "hubbub", args.hubbub_bin, src, args.nice,
            not args.no_gc_log, workers=args.workers,
            broker=args.broker or ("redis://127.0.0.1:6379/5" if args.workers > 1 else "memory://"),
            lift_like_limits=bool(args.like_rate),
        )  # fmt: skip
        targets.append(hubbub)
    try:
        for server in targets:
            print(f"== {server.name}", file=sys.stderr)
            if server.name == "hubbub" and not Path(args.hubbub_bin).exists():
                results.append({"target": "hubbub", "error": f"{args.hubbub_bin} not found"})
                continue
            try:
                server.prepare()
                quiet = await wait_quiet(args.quiet_wait) if args.quiet_wait else None
                results.append(await measure(server, args))
                results[-1]["background_cores_before"] = quiet
                if getattr(server, "tree", None):
                    results[-1]["source_digest"] = server.tree
            except Exception as exc:  # report and go on with the other target
                server.kill()
                results.append({"target": server.name, "error": f"{type(exc).__name__}: {exc}"})
            if server.name == "hubbub" or "error" in results[-1]:
                print(server.stderr_tail(), file=sys.stderr)
            await asyncio.sleep(2)  # let the last sockets drain before the next target
    finally:
        for server in targets:
            server.kill()
        if args.keep:
            print(f"logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


def main():
    ap = argparse.ArgumentParser(description="SSE fan-out benchmark: floor vs hubbub")
    ap.add_argument("--targets", default="floor,hubbub")
    ap.add_argument("--readers", type=int, default=10000)
    ap.add_argument("--window", type=int, default=256, help="max readers awaiting their head")
    ap.add_argument("--connect-timeout", type=float, default=60.0)
    ap.add_argument("--idle", type=float, default=5.0, help="idle seconds before reading RSS")
    ap.add_argument("--posts", type=int, default=20)
    ap.add_argument("--interval", type=float, default=0.5)
    ap.add_argument("--drain", type=float, default=30.0, help="max wait for delivery")
    ap.add_argument("--storm-posts", type=int, default=5, help="0 skips the reconnect storm")
    ap.add_argument("--storm-interval", type=float, default=0.5)
    ap.add_argument("--storm-timeout", type=float, default=60.0)
    ap.add_argument("--floor-port", type=int, default=8701)
    ap.add_argument("--hubbub-port", type=int, default=8702)
    ap.add_argument("--hubbub-bin", default=str(BENCH.parent / ".venv" / "bin" / "hubbub"))
    ap.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="before each target, wait up to this many seconds for an idle machine",
    )
    ap.add_argument("--hubbub-src", default=str(BENCH.parent / "src" / "hubbub"))
    ap.add_argument(
        "--no-snapshot",
        action="store_true",
        help="run the installed hubbub instead of a copy of --hubbub-src taken at start",
    )
    ap.add_argument(
        "--nice",
        type=int,
        default=0,
        help="niceness (process and autogroup) for this process and the servers; negative "
        "needs root and keeps a busy machine's other work from skewing the numbers",
    )
    ap.add_argument(
        "--no-gc-log", action="store_true", help="do not log the servers' full GC pauses"
    )
    ap.add_argument("--workers", type=int, default=1, help="hubbub serve --workers")
    ap.add_argument(
        "--helper-readers", type=int, default=0,
        help="readers held by a second load-generator process (above ~19,000 readers)",
    )  # fmt: skip
    ap.add_argument(
        "--broker", help="HUBBUB_BROKER (default memory://, or Redis db 5 with --workers > 1)"
    )
    ap.add_argument(
        "--like-rate", type=float, default=0.0, help="likes/unlikes a second on one entry "
        "while posting (the like storm; lifts the per-client like limits)",
    )  # fmt: skip
    ap.add_argument("--like-concurrency", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", action="store_true", help="keep the temp dir with server logs")
    ap.add_argument("--json", help="write all numbers here")
    args = ap.parse_args()
    args.targets = args.targets.split(",")
    raise_nofile()
    if args.nice:
        with contextlib.suppress(PermissionError):
            os.setsid()  # own session, so the autogroup boost below touches nothing else
        boost(os.getpid(), args.nice)
    uvloop.run(run(args))


if __name__ == "__main__":
    main()
