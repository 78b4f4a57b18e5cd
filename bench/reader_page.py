"""Reader page throughput: `/<event>/live/` with 200 entries, anonymous, wrk with 50 connections.

Budget: >= 300 requests/s on a 2-core machine with wrk on the same machine.

    .venv/bin/python bench/reader_page.py [--workers 1] [--duration 15]

Runs against a throwaway SQLite database in a temporary directory and stops by itself.
`wrk` comes from Debian's package of that name.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
HUBBUB = [sys.executable, "-m", "hubbub.cli"]


def run(env, *args):
    return subprocess.run([*HUBBUB, *args], env=env, check=True, capture_output=True, text=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--cookie",
        action="store_true",
        help="send a cookie, so every request goes through Django (its render cache) instead of "
        "the page cache in front of it",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")

    var = tempfile.mkdtemp(prefix="hubbub-bench-")
    env = {**os.environ, "HUBBUB_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "hubbub.settings"}
    env.pop("DATABASE_URL", None)
    if args.workers > 1:
        env["HUBBUB_BROKER"] = os.environ.get("HUBBUB_BROKER", "redis://127.0.0.1:6379/14")
    run(env, "migrate", "--noinput")
    run(env, "demo")
    token = run(env, "token", "create", "editor").stdout.strip().splitlines()[-1]

    server = subprocess.Popen(
        [*HUBBUB, "serve", "--port", str(args.port), "--workers", str(args.workers),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
            have = len(
                api.get("/api/v1/events/all-change-2011/entries?limit=200").json()["entries"]
            )
            for n in range(have, args.entries):
                api.post(
                    "/api/v1/events/all-change-2011/entries",
                    json={
                        "body": f"Update {n}: **what was said** in [the session](https://example.org)."
                    },
                ).raise_for_status()
        url = f"{base}/all-change-2011/live/"
        httpx.get(url).raise_for_status()  # warm the render cache
        out = subprocess.run(
            ["wrk", "-t2", "-c50", f"-d{args.duration}s", "--latency",
             *(["-H", "Cookie: reader=1"] if args.cookie else []), url],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(var, ignore_errors=True)

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    print(out)
    print("| what | workers | requests/s | p99 latency | non-2xx | budget |")
    print("|---|---|---|---|---|---|")
    print(
        f"| `/all-change-2011/live/`, {args.entries} entries, anonymous"
        f"{' with a cookie (Django)' if args.cookie else ''}, wrk -c50 "
        f"| {args.workers} | {rate:.0f} | {p99} | {errors.group(1) if errors else 0} | >= 300/s |"
    )


if __name__ == "__main__":
    main()
