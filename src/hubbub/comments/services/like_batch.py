"""Likes done in batches: one thread call and one transaction for every like waiting at the gate
in front of Django (``comments/likegate.py``), with the checks, limits and answers of the like
views (``views.like`` answering JSON, and ``api/comments.py:like``).

Each queued like is checked on its own, in arrival order, as its view would: who sent it (API
token, session, visitor cookie), the event and the target, the archive, the rate limits. Then,
per target, one query reads which of the senders like it already, one insert and one delete
apply the changes (in arrival order, as one by one would), one query counts, and one
``like.updated`` goes out. Every like in a batch is answered with the count its batch committed.

What a view would answer differently (a page's 404, an archive's 403 or 409, a body only Django
can judge) is handed back to Django as it came: nothing was written or counted for it.
"""

import io
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import PermissionDenied, SuspiciousOperation, ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError, connections, transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from hubbub.core import visitor
from hubbub.core.middleware import add_content_security_policy, secure_cookies, settle_client
from hubbub.core.tokens import user_for_token
from hubbub.events.lifecycle import check_not_archived
from hubbub.events.services import get_public_event
from hubbub.live import publish_ephemeral

from ..models import Like
from ..targets import Target, load
from .likes import LIKE_UPDATED
from .spam import RateLimited, check_like_rate, wait_message

logger = logging.getLogger(__name__)


@dataclass
class QueuedLike:
    """One like as it arrived: its ASGI scope and body, and what its path names."""

    scope: dict
    body: bytes
    api: bool  # the API (bearer token, JSON body) or the page's form answered in JSON
    event_slug: str | None  # None: the site blog's form
    kind: str
    object_id: int
    liked: bool = True  # the API body's "liked"; the page's form is read in the batch


@dataclass
class _Planned:
    """A like that passed its checks, waiting for its batch's transaction."""

    request: ASGIRequest
    target: Target
    who: tuple[str, object]  # ("u", user id) or ("r", visitor id)
    liked: bool
    confirm: bool = False  # a new visitor: nothing is written, the page asks once more


# The answer to hand a request to Django unchanged.
TO_DJANGO = None


def run_batch(items: list[QueuedLike]) -> list[HttpResponse | None]:
    """An answer for each like (or TO_DJANGO), in the order given; run in the gate's thread."""
    memo: dict = {}
    prepared = []
    for item in items:
        try:
            prepared.append(_prepare(item, memo))
        except (Http404, PermissionDenied, SuspiciousOperation, ValidationError):
            # A page's 404, an archive, a bad host or form: Django answers as it does.
            prepared.append(TO_DJANGO)
        except Exception:
            logger.exception("a like could not be checked in its batch; Django answers it")
            prepared.append(TO_DJANGO)
        finally:
            translation.deactivate()
    planned = [p for p in prepared if isinstance(p, _Planned)]
    try:
        counts = _write(planned) if planned else {}
    except DatabaseError:
        logger.exception("a batch of %s likes failed", len(planned))
        connections["default"].close()  # a broken connection is not used again
        return [_answer_unavailable(p.request) if isinstance(p, _Planned) else p for p in prepared]
    return [_answer(p, counts[p.target.key]) if isinstance(p, _Planned) else p for p in prepared]


def release_connection() -> None:
    """Close this thread's database connection (SQLite), or hand it back to the pool."""
    connections.close_all()


def unavailable(item: QueuedLike) -> HttpResponse:
    """503 for a like that cannot wait (the queue is full, or the server is stopping)."""
    request = ASGIRequest(item.scope, io.BytesIO(item.body))
    settle_client(request)
    try:
        _locale.process_request(request)
        return _answer_unavailable(request)
    finally:
        translation.deactivate()


# -- checks, one like at a time ------------------------------------------------------------------
def _prepare(item: QueuedLike, memo: dict) -> "_Planned | HttpResponse | None":
    request = ASGIRequest(item.scope, io.BytesIO(item.body))
    request._like_api = item.api
    settle_client(request)
    if _security.process_request(request) or _common.process_request(request):
        return TO_DJANGO  # a redirect to HTTPS, a refused user agent: Django's own answers
    _locale.process_request(request)
    if item.api:
        return _prepare_api(request, item, memo)
    return _prepare_page(request, item, memo)


def _prepare_api(request, item: QueuedLike, memo: dict):
    user = _token_user(request, memo)
    if user is None:
        detail = "A valid API token is required (Authorization: Bearer …)."
        response = _api_json({"detail": detail}, 401)
        response["WWW-Authenticate"] = "Bearer"
        return _finish(request, response)
    try:
        target = _target(item, user, memo)
    except Http404 as exc:
        return _finish(request, _api_json({"detail": str(exc) or "Not found."}, 404))
    check_not_archived(target.event)  # EventClosed: Django answers 409
    try:
        check_like_rate(visitor=f"u:{user.pk}", address=visitor.client_address(request))
    except RateLimited as exc:
        detail = f"Too many requests just now; try again in {exc.retry_after} s."
        return _finish(request, _api_json({"detail": detail}, 429), retry_after=exc.retry_after)
    return _Planned(request, target, ("u", user.pk), item.liked)


def _prepare_page(request, item: QueuedLike, memo: dict):
    _sessions.process_request(request)
    sessions = memo.setdefault("sessions", {})
    session_key = request.session.session_key
    if session_key not in sessions:
        sessions[session_key] = get_user(request)
    request.user = user = sessions[session_key]
    target = _target(item, user, memo)  # Http404: Django renders its page
    liked = request.POST.get("liked", "1") != "0"
    address = visitor.client_address(request)
    signed_in = user.is_authenticated
    key, is_new = ("", False) if signed_in else visitor.ensure_visitor_id(request)
    try:
        if is_new:
            # As the view: a new visitor's like counts only once the cookie comes back.
            check_like_rate(visitor=key, address=address)
            return _Planned(request, target, ("r", key[:64]), liked=False, confirm=True)
        check_not_archived(target.event)  # EventClosed: Django answers 403
        check_like_rate(visitor=f"u:{user.pk}" if signed_in else key, address=address)
    except RateLimited as exc:
        text = _("You are liking things very fast.") + " " + wait_message(exc.retry_after)
        return _finish(request, JsonResponse({"detail": text}, status=429), exc.retry_after)
    who = ("u", user.pk) if signed_in else ("r", key[:64])
    return _Planned(request, target, who, liked)


def _token_user(request, memo: dict):
    # As Ninja's HttpBearer reads the header.
    scheme, *rest = request.headers.get("Authorization", "").split(" ")
    if scheme.lower() != "bearer":
        return None
    token = " ".join(rest)
    users = memo.setdefault("tokens", {})
    if token not in users:
        users[token] = user_for_token(token)
    return users[token]


def _target(item: QueuedLike, user, memo: dict) -> Target:
    """The event and the target, as the views find them (drafts only for their team)."""
    events = memo.setdefault("events", {})
    user_key = (item.event_slug, user.pk if user.is_authenticated else None)
    if item.event_slug is None:
        event = None
    else:
        if user_key not in events:
            events[user_key] = get_public_event(item.event_slug, user)
        event = events[user_key]
    targets = memo.setdefault("targets", {})
    target_key = (item.kind, item.object_id, event.pk if event else None)
    if target_key not in targets:
        targets[target_key] = load(item.kind, item.object_id, event)
    return targets[target_key]


# -- one transaction for the batch ---------------------------------------------------------------
def _write(planned: list[_Planned]) -> dict[str, int]:
    """Apply the batch's likes; {target key: count after the batch}."""
    by_target: dict[str, list[_Planned]] = {}
    for like in planned:
        by_target.setdefault(like.target.key, []).append(like)
    counts = {}
    with transaction.atomic():
        for key, likes in by_target.items():
            target = likes[0].target
            content_type = ContentType.objects.get_for_model(target.obj)
            on_target = Like.objects.filter(content_type=content_type, object_id=target.obj.pk)
            writes = [like for like in likes if not like.confirm]
            changed = _apply(target, content_type, on_target, writes)
            counts[key] = on_target.count()
            if changed and target.event is not None:
                # Outside the resumable sequence, coalesced to one a second (as do_like).
                payload = {"target": key, "count": counts[key]}
                publish_ephemeral(target.event, LIKE_UPDATED, payload, key=key)
    return counts


def _apply(target: Target, content_type, on_target, likes: list[_Planned]) -> bool:
    """Like and unlike ``target`` as ``likes`` ask, in order; whether anything changed."""
    if not likes:
        return False
    rows = on_target.filter(_whose({like.who for like in likes})).values_list("user", "reader_key")
    before = {("u", user) if user is not None else ("r", key) for user, key in rows}
    after = set(before)
    for like in likes:
        if like.liked:
            after.add(like.who)
        else:
            after.discard(like.who)
    added, removed = after - before, before - after
    if added:
        Like.objects.bulk_create(
            [
                Like(
                    event=target.event,
                    content_type=content_type,
                    object_id=target.obj.pk,
                    **({"user_id": who} if kind == "u" else {"reader_key": who}),
                )
                for kind, who in added
            ],
            ignore_conflicts=True,  # a form post through Django got there first
        )
    if removed:
        on_target.filter(_whose(removed)).delete()
    return bool(added or removed)


def _whose(people: set[tuple[str, object]]) -> Q:
    users = [who for kind, who in people if kind == "u"]
    readers = [who for kind, who in people if kind == "r"]
    return Q(user__in=users) | Q(user__isnull=True, reader_key__in=readers)


# -- answers -------------------------------------------------------------------------------------
def _answer(like: _Planned, count: int) -> HttpResponse:
    request = like.request
    with translation.override(request.LANGUAGE_CODE):
        if like.confirm:
            text = _("Press Like once more to confirm: your browser now remembers your likes.")
            body = {"target": like.target.key, "count": count, "liked": False, "confirm": True,
                    "detail": text}  # fmt: skip
            return _finish(request, visitor.remember(request, JsonResponse(body)))
        body = {"target": like.target.key, "count": count, "liked": like.liked}
        if request._like_api:
            return _finish(request, _api_json(body, 200))
        return _finish(request, visitor.remember(request, JsonResponse(body)))


def _answer_unavailable(request) -> HttpResponse:
    with translation.override(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)):
        detail = _("Too many likes are waiting just now. Please try again in a moment.")
        if getattr(request, "_like_api", True):
            response = _api_json({"detail": detail}, 503)
        else:
            response = JsonResponse({"detail": detail}, status=503)
        return _finish(request, response, retry_after=1)


def _api_json(body: dict, status: int) -> HttpResponse:
    # As Ninja renders: json.dumps with its default separators.
    return HttpResponse(
        json.dumps(body), status=status, content_type="application/json; charset=utf-8"
    )


def _finish(request, response: HttpResponse, retry_after: int | None = None) -> HttpResponse:
    """The headers Django's middleware would add to this answer, in the same order."""
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    response = _xframe.process_response(request, response)
    response = _common.process_response(request, response)
    response = _locale.process_response(request, response)
    if hasattr(request, "session"):
        response = _sessions.process_response(request, response)
    response = add_content_security_policy(response)
    response = _security.process_response(request, response)
    return secure_cookies(request, response)


def _unused(request):  # pragma: no cover - the middleware below is only asked for its parts
    raise AssertionError("the like batch calls its middleware's parts directly")


_security = SecurityMiddleware(_unused)
_common = CommonMiddleware(_unused)
_locale = LocaleMiddleware(_unused)
_sessions = SessionMiddleware(_unused)
_xframe = XFrameOptionsMiddleware(_unused)
