import hashlib

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hubbub.core import pageparts, visitor
from hubbub.events.services import get_public_event
from hubbub.live.extensions import attach_entry_extras

from . import services
from .forms import CommentForm, EditCommentForm
from .models import Comment
from .targets import load
from .urlnames import comments_url


# -- helpers shared with the pages that show comments ------------------------------------------
def reader_key(request) -> str:
    """The anonymous visitor's id, when their browser sent the cookie back ("" otherwise)."""
    return visitor.visitor_id(request)


def ensure_reader_key(request) -> str:
    return visitor.ensure_visitor_id(request)[0]


def finish(request, response):
    """Set the visitor cookie on ``response`` if this request created one."""
    return visitor.remember(request, response)


def client_ip(request) -> str | None:
    return visitor.client_address(request) or None


def _too_fast(exc) -> str:
    return services.wait_message(exc.retry_after)


def _event(request, event_slug):
    return get_public_event(event_slug, request.user) if event_slug else None


def handle_comment_post(request, target):
    """Process a "Leave a Reply" POST. Returns (form, response, status)."""
    form = CommentForm(request.POST, user=request.user)
    if not form.is_valid():  # e.g. a NUL character or an over-long field: nothing is stored
        return form, None, 400
    data = form.cleaned_data
    timestamp = data.get("ts", "")
    try:
        services.check_not_a_robot(honeypot=data.get("homepage", ""), timestamp=timestamp)
    except ValidationError as exc:
        return _add_errors(form, exc), None, 400
    try:
        comment = services.do_post_comment(
            target=target,
            user=request.user,
            name=data.get("name", ""),
            email=data.get("email", ""),
            url=data.get("url", ""),
            body=data.get("body", ""),
            parent_id=data.get("parent") or None,
            notify_replies=data.get("notify_replies", False),
            ip_address=client_ip(request),
            device_key=ensure_reader_key(request) if not request.user.is_authenticated else "",
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except services.RateLimited as exc:
        services.release_form_token(timestamp)
        form.add_error(None, _("You are commenting very fast.") + " " + _too_fast(exc))
        form.retry_after = exc.retry_after
        return form, None, 429
    except ValidationError as exc:
        services.release_form_token(timestamp)  # the corrected form may be sent again
        return _add_errors(form, exc), None, 400
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Thank you: your comment is published."))
        return form, finish(request, redirect(f"{target.url}#{comment.anchor}")), 302
    messages.info(
        request, _("Thank you: your comment is awaiting moderation and will appear once approved.")
    )
    return form, finish(request, redirect(f"{target.url}#respond")), 302


def _add_errors(form, exc: ValidationError):
    for field, errors in (
        exc.message_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]
    ):
        form.add_error(field if field in form.fields else None, errors)
    return form


def comments_context(request, target, form=None) -> dict:
    """Everything _comments.html needs, in a fixed number of queries."""
    roots, count = services.comment_thread(target)
    reply_to = None
    parent_id = request.GET.get("replyto") or (form.data.get("parent") if form else None)
    if parent_id:
        reply_to = next((c for c in _walk(roots) if str(c.pk) == str(parent_id)), None)
    if form is None:
        form = CommentForm(user=request.user, initial={"parent": reply_to.pk if reply_to else ""})
    if form.is_bound:
        # Keep the first visit's time, so fixing a mistake quickly is not taken for a robot.
        form.data = form.data.copy()
        form.data["ts"] = services.keep_or_new_timestamp(form.data.get("ts", ""))
        for name in form.errors:
            if name in form.fields:
                form.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"id_{name}-error"}
                )
    elif pageparts.fresh_values_later(request):
        # A page that is kept and answered many times: each answer gets its own token.
        form.initial["ts"] = pageparts.fresh_placeholder("comment_ts")
    else:
        form.initial["ts"] = services.form_timestamp()
    likes = services.like_counts([target.obj])
    mine = services.liked_by([target.obj, *_walk(roots)], request.user, reader_key(request))
    key = reader_key(request)
    if not request.user.is_authenticated and not pageparts.rendering_for_many(request):
        # The page gives the browser its visitor cookie, so its first like already counts.
        ensure_reader_key(request)
    for comment in _walk(roots):
        comment.liked = comment.key in mine
        comment.editable = services.can_edit(comment, request.user, key)
    return {
        "target": target,
        "comments": roots,
        "comment_count": count,
        "comment_form": form,
        "reply_to": reply_to,
        "target_likes": likes.get(target.key, 0),
        "target_liked": target.key in mine,
        "comment_action": request.path,
        "like_url": comments_url("like", target.event, kind=target.kind, object_id=target.obj.pk),
    }


def render_comments_part(request, event, arg: str) -> str | None:
    """The comments section of a shared page (``{% part "comments" target.key %}``), drawn
    for the request's reader: their likes, their own comments' edit links, who they comment
    as. None (the stranger's version stays) for a target that cannot be loaded."""
    kind, _sep, object_id = arg.rpartition("-")
    try:
        target = load(kind, object_id, event)
    except Http404:
        return None
    with timezone.override(event.tz if event else timezone.get_current_timezone()):
        return render_to_string(
            "comments/_comments.html", comments_context(request, target), request=request
        )


def _walk(comments):
    for comment in comments:
        yield comment
        yield from _walk(comment.children)


def render_in_zone(request, event, template, context):
    with timezone.override(event.tz if event else timezone.get_current_timezone()):
        return render(request, template, context)


# -- views ---------------------------------------------------------------------------------------
def target_comments(request, kind, object_id, event=None):
    """Comments on a live entry (posts show theirs on the post page)."""
    event = _event(request, event)
    target = load(kind, object_id, event)
    if kind == "post":
        return redirect(target.url + "#comments")
    form, status = None, 200
    if request.method == "POST":
        form, response, status = handle_comment_post(request, target)
        if response is not None:
            return response
    if target.kind == "entry":
        attach_entry_extras([target.obj])
    context = {"event": event, "section": "live", "entry": target.obj,
               **comments_context(request, target, form)}  # fmt: skip
    with timezone.override(event.tz):
        response = render(request, "comments/target.html", context, status=status)
    if getattr(form, "retry_after", None):
        response["Retry-After"] = str(form.retry_after)
    return finish(request, response)


# Entry cards are rendered once and cached for every reader, so they cannot carry a per-reader
# CSRF token; the session and reader cookies are SameSite=Lax, so a cross-site POST arrives
# as a stranger and can at worst add one rate-limited anonymous like.
@csrf_exempt
@require_POST
def like(request, kind, object_id, event=None):
    event = _event(request, event)
    target = load(kind, object_id, event)
    liked = request.POST.get("liked", "1") != "0"
    wants_json = "application/json" in request.headers.get("Accept", "")
    back = request.POST.get("next") or request.headers.get("Referer") or target.url
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = target.url
    signed_in = request.user.is_authenticated
    key, is_new = ("", False) if signed_in else visitor.ensure_visitor_id(request)
    try:
        if is_new:
            # A like counts only once the browser sends its visitor cookie back, or a script
            # could mint a like per request by dropping cookies; the page asks once more.
            services.check_like_rate(visitor=key, address=client_ip(request) or "")
            text = _("Press Like once more to confirm: your browser now remembers your likes.")
            if wants_json:
                body = {"target": target.key, "count": services.like_count(target),
                        "liked": False, "confirm": True, "detail": text}  # fmt: skip
                return finish(request, JsonResponse(body))
            messages.info(request, text)
            return finish(request, redirect(back))
        count = services.do_like(
            target, user=request.user, reader_key=key, liked=liked, ip_address=client_ip(request)
        )
    except services.RateLimited as exc:
        text = _("You are liking things very fast.") + " " + _too_fast(exc)
        if wants_json:
            response = JsonResponse({"detail": text}, status=429)
        else:
            response = render(request, "comments/slow_down.html", {"event": event, "text": text},
                              status=429)  # fmt: skip
        response["Retry-After"] = str(exc.retry_after)
        return response
    if wants_json:
        return finish(request, JsonResponse({"target": target.key, "count": count, "liked": liked}))
    # Without JavaScript, go back to the page the button was on.
    return finish(request, redirect(back))


# The counts endpoint answers from the cache for this long: a page that loads during a like
# storm asks once a second at most, however many readers load it.
LIKE_COUNTS_SECONDS = 1


@require_GET
def like_counts(request, event=None):
    """``?targets=entry-1,entry-2``: {"counts": {key: count}} for a page corrected on load (its
    HTML may be a cached copy from before the latest likes)."""
    event = _event(request, event)
    raw = request.GET.get("targets", "")[:4000]
    try:
        keys = services.parse_like_keys(raw)
    except ValidationError as exc:
        return JsonResponse({"detail": exc.message_dict}, status=400)
    digest = hashlib.sha256(",".join(sorted(keys)).encode()).hexdigest()[:32]
    cache_key = f"likecounts:{event.pk if event else 0}:{digest}"
    counts = cache.get(cache_key)
    if counts is None:
        counts = services.like_counts_by_key(event, keys)
        cache.set(cache_key, counts, LIKE_COUNTS_SECONDS)
    response = JsonResponse({"counts": counts})
    # Shared copies (the server's own, a CDN's) only of a public event's counts.
    shared = "public" if event is None or event.is_public else "private"
    response["Cache-Control"] = f"{shared}, max-age={LIKE_COUNTS_SECONDS}"
    return response


def moderate(request, event=None):
    event = _event(request, event)
    if not services.can_moderate(request.user, event):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise PermissionDenied(_("Only the event's moderators can moderate comments."))
    status = request.GET.get("status", Comment.Status.PENDING)
    if status not in Comment.Status.values:
        status = Comment.Status.PENDING
    if request.method == "POST":
        do = request.POST.get("do", "")
        if ":" in do:
            action, ids = do.split(":", 1)[0], [do.split(":", 1)[1]]
        else:
            action, ids = request.POST.get("action", ""), request.POST.getlist("selected")
        ids = [int(i) for i in ids if str(i).isdigit()]
        chosen = list(Comment.objects.filter(event=event, pk__in=ids).prefetch_related("target"))
        for comment in chosen:
            if comment.target is not None:
                comment.target.event = event
        if not chosen:
            messages.error(request, _("Select at least one comment first."))
        else:
            try:
                changed = services.do_moderate(
                    chosen, actor=request.user, action=action, event=event,
                    base_url=request.build_absolute_uri("/").rstrip("/"),
                )  # fmt: skip
            except ValidationError:
                messages.error(request, _("Choose what to do with the selected comments."))
            else:
                messages.success(request, _("%(count)s comment(s) updated.") % {"count": changed})
        return redirect(f"{request.path}?status={status}")
    queue = list(services.moderation_queue(event, status).prefetch_related("target")[:200])
    for comment in queue:
        if comment.target is not None:
            comment.target.event = event
    counts = dict(
        Comment.objects.filter(event=event).order_by().values_list("status").annotate(n=Count("id"))
    )
    tabs = [(value, label, counts.get(value, 0)) for value, label in Comment.Status.choices]
    return render_in_zone(
        request,
        event,
        "comments/moderate.html",
        {"event": event, "section": "comments", "queue": queue, "status": status, "tabs": tabs},
    )


def edit_comment(request, comment_id, event=None):
    event = _event(request, event)
    comment = Comment.objects.filter(pk=comment_id, event=event).first()
    if comment is None:
        raise Http404(_("No such comment."))
    key = reader_key(request)
    if not services.can_edit(comment, request.user, key):
        raise PermissionDenied(_("You can only edit your own comment, for 10 minutes."))
    target = services.describe(comment.target)
    form = EditCommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_edit_comment(
                comment, user=request.user, device_key=key, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error("body", exc.message_dict.get("body", exc.messages))
        else:
            messages.success(request, _("Your comment is updated."))
            return redirect(f"{target.url}#{comment.anchor}")
    remaining = services.EDIT_WINDOW - (timezone.now() - comment.created_at)
    return render(
        request,
        "comments/edit.html",
        {"event": event, "comment": comment, "form": form, "target": target,
         "minutes_left": max(1, int(remaining.total_seconds() // 60))},
    )  # fmt: skip


# One-click unsubscribe (RFC 8058) posts here without a CSRF token; the signed token is the key.
@csrf_exempt
def unsubscribe(request, token):
    try:
        data = services.read_unsubscribe_token(token)
    except ValidationError:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        services.do_unsubscribe(token)
        done = True
    return render(request, "comments/unsubscribe.html", {"email": data["e"], "done": done})
