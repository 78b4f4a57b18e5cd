"""Public page throughput: every public page, with and without a cookie, 50 keep-alive
connections against one `hubbub serve` worker with 200 live entries.

Budget: >= 1,000 requests/s for each page, with and without a cookie, on a 2-core machine with
the load generator on the same machine.

    .venv/bin/python bench/page_throughput.py [--duration 5] [--connections 50] [--workers 1]

Prepares a throwaway demo site (SQLite) in a temporary directory, serves it on 127.0.0.1 and
stops by itself. The load generator is a small asyncio HTTP/1.1 client with keep-alive (no wrk
needed); it only talks to 127.0.0.1. "With a cookie" sends a reader's cookies (the signed visitor
id the site gave it for a like, and a CSRF cookie, as anyone who has commented or liked
carries); `--signed-in` also measures a signed-in reader (an account with no role on the
event: the shared page with their own header and comment form) and the event's organiser
(whose pages Django renders for them, with drafts and controls).
"""

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from loadclient import get_load

ROOT = Path(__file__).resolve().parents[1]
HUBBUB = [sys.executable, "-m", "hubbub.cli"]
EVENT = "all-change-2011"
CSRF_COOKIE = "csrftoken=abcdefghijklmnopqrstuvwxyz012345"


def run(env, *args):
    return subprocess.run([*HUBBUB, *args], env=env, check=True, capture_output=True, text=True)


# -- the site -----------------------------------------------------------------------------------
def public_pages(base: str) -> list[tuple[str, str]]:
    """(name, path) for every public page of the demo event, found from its own links."""
    pages = [
        ("events index", "/"),
        ("event home", f"/{EVENT}/"),
        ("live page", f"/{EVENT}/live/"),
        ("programme", f"/{EVENT}/programme/"),
    ]
    found = {}
    for source in (f"/{EVENT}/programme/", f"/{EVENT}/programme/2-leading-when-everything-changes/",
                   f"/{EVENT}/blog/", f"/{EVENT}/slides/", f"/{EVENT}/"):  # fmt: skip
        html = httpx.get(base + source).text
        for href in re.findall(r'href="(/[^"#?]+)"', html):
            for name, pattern in (
                ("session page", rf"^/{EVENT}/programme/[^/]+/$"),
                ("speaker page", rf"^/{EVENT}/speakers/[^/]+/$"),
                ("blog post", rf"^/{EVENT}/blog/[-a-z0-9]+/$"),
                ("slideshow", rf"^/{EVENT}/slides/\d+/$"),
                ("gallery", rf"^/{EVENT}/photos/\d+/$"),
            ):
                if name not in found and re.match(pattern, href) and "/edit" not in href:
                    found[name] = href
    pages += sorted(found.items(), key=lambda item: item[0])
    pages += [
        ("event blog", f"/{EVENT}/blog/"),
        ("slides index", f"/{EVENT}/slides/"),
        ("unconference", f"/{EVENT}/unconference/"),
        ("site blog", "/blog/"),
    ]
    return pages


SEED = f"""
from django.contrib.auth import get_user_model
from hubbub.blog.models import Post
from hubbub.events.lifecycle import apply_status
from hubbub.events.models import Event
from hubbub.media.models import Gallery, Slideshow
event = Event.objects.get(slug="{EVENT}")
apply_status(event, Event.Status.LIVE)  # the demo's record has ended; reopen it to post to it
author = get_user_model().objects.get(username="organiser")
for where in (event, None):
    Post.objects.create(event=where, title="What we learnt", slug="what-we-learnt", author=author,
        body="Three things **stood out**.",
        body_html="<p>Three things <strong>stood out</strong>.</p>",
        status=Post.Status.PUBLISHED)
Gallery.objects.create(event=event, title="Day one", created_by=author)
Slideshow.objects.create(event=event, title="Opening keynote", source="slides/opening.pdf",
    status=Slideshow.Status.READY, uploaded_by=author)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--only", help="measure only pages whose name contains this")
    parser.add_argument("--signed-in", action="store_true", help="also as a signed-in organiser")
    parser.add_argument(
        "--env", action="append", default=[], help="NAME=VALUE for the server (e.g. settings)"
    )
    args = parser.parse_args()

    var = tempfile.mkdtemp(prefix="hubbub-bench-")
    env = {**os.environ, "HUBBUB_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "hubbub.settings"}
    env.pop("DATABASE_URL", None)
    # This checkout's code, whatever the environment has installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    env.update(item.split("=", 1) for item in args.env)
    run(env, "migrate", "--noinput")
    run(env, "demo")
    run(env, "shell", "-c", SEED)
    token = run(env, "token", "create", "editor").stdout.strip().splitlines()[-1]
    server = subprocess.Popen(
        [*HUBBUB, "serve", "--port", str(args.port), "--workers", str(args.workers),
         "--log-level", "warning"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{args.port}"
    rows = []
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as api:
            have = len(api.get(f"/api/v1/events/{EVENT}/entries?limit=200").json()["entries"])
            for n in range(have, args.entries):
                api.post(
                    f"/api/v1/events/{EVENT}/entries",
                    json={"body": f"Update {n}: **what was said** in [the session](https://example.org)."},
                ).raise_for_status()  # fmt: skip
        cookies = [("no cookie", ""), ("reader cookie", _reader_cookie(base))]
        if args.signed_in:
            cookies.append(("signed-in reader", _sign_in(base, env, "bench-reader")))
            cookies.append(("organiser", _sign_in(base, env, "organiser")))
        for name, path in public_pages(base):
            if args.only and args.only not in name:
                continue
            status = httpx.get(base + path).status_code
            for label, cookie in cookies:
                result = asyncio.run(
                    get_load(args.port, path, cookie=cookie, connections=args.connections,
                             duration=args.duration)
                )  # fmt: skip
                rows.append((name, path, label, status, result))
                print(
                    f"{name:14} {path:48} {label:13} {result['rate']:8.0f}/s "
                    f"p50 {result['p50']:6.1f} ms p99 {result['p99']:7.1f} ms "
                    f"non-200 {result['non_200']}",
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(var, ignore_errors=True)

    print()
    print("| page | path | client | requests/s | p99 ms | non-200 |")
    print("|---|---|---|---|---|---|")
    for name, path, label, _status, r in rows:
        flag = "" if r["rate"] >= 1000 else " (below 1,000)"
        print(
            f"| {name} | `{path}` | {label} | {r['rate']:.0f}{flag} | {r['p99']:.1f} "
            f"| {r['non_200']} |"
        )


def _reader_cookie(base: str) -> str:
    """The visitor cookie the site gives a browser on its first like, with a CSRF cookie."""
    with httpx.Client(base_url=base) as client:
        entries = client.get(f"/api/v1/events/{EVENT}/entries?limit=1").json()["entries"]
        client.post(
            f"/{EVENT}/comments/entry/{entries[0]['id']}/like/",
            headers={"Accept": "application/json", "Sec-Fetch-Site": "same-origin"},
        ).raise_for_status()
        return f"hubbub_reader={client.cookies['hubbub_reader']}; {CSRF_COOKIE}"


def _sign_in(base: str, env: dict, username: str) -> str:
    """The session cookie of ``username`` (created when missing, with no role anywhere),
    signed in through the sign-in form."""
    subprocess.run(
        [*HUBBUB, "shell", "-c",
         "from django.contrib.auth import get_user_model as g; "
         f"u=g().objects.get_or_create(username='{username}')[0]; "
         "u.set_password('bench-password-123'); u.save()"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    with httpx.Client(base_url=base) as client:
        form = client.get("/accounts/login/")
        client.post(
            "/accounts/login/",
            data={"login": username, "password": "bench-password-123",
                  "csrfmiddlewaretoken": form.cookies["csrftoken"]},
            headers={"Referer": f"{base}/accounts/login/"},
        )  # fmt: skip
        # The sign-in's flash message is shown (and its cookie dropped) by the first page.
        kept = {k: v for k, v in client.cookies.items() if k != "messages"}
        assert "sessionid" in kept, f"{username} could not sign in"
        return "; ".join(f"{k}={v}" for k, v in kept.items())


if __name__ == "__main__":
    main()
