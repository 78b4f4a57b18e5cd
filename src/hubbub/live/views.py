import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from hubbub.core import pageversion
from hubbub.core.eventviews import add_service_errors, event_view
from hubbub.core.permissions import Action, policy
from hubbub.core.text import plain_text
from hubbub.events.lifecycle import EventClosed, do_set_wrapup_posting
from hubbub.events.models import Session
from hubbub.events.services import session_now_in_room

from . import services
from .extensions import attach_entry_extras, home_room, page_extras, page_panels
from .forms import EntryForm
from .lifecycle import posting_open_for
from .models import LiveEntry

PAGE_SIZE = 50
KEY_MOMENTS_SHOWN = 20


def _reader_params(request) -> tuple[str, int | None, int | None]:
    order = "oldest" if request.GET.get("order") == "oldest" else "newest"
    session_filter = _int_or_none(request.GET.get("session"))
    cursor = _int_or_none(request.GET.get("after" if order == "oldest" else "before"))
    return order, session_filter, cursor


def _params_key(request) -> str:
    return ":".join(str(p) for p in _reader_params(request))


def _reader_context(request, event) -> dict:
    """Everything the entries area needs; rendered HTML is cached per stream position."""
    order, session_filter, cursor = _reader_params(request)
    key = (
        f"live:{event.pk}:{event.stream_seq}:{order}:{session_filter}:{cursor}"
        f":{translation.get_language()}"
    )
    cached = cache.get(key)
    if cached is None:
        cached = _render_entries_area(request, event, order, session_filter, cursor)
        cache.set(key, cached, 300)
    return {"event": event, "section": "live", **cached}


def _render_entries_area(request, event, order, session_filter, cursor) -> dict:
    entries = services.entries_for_event(event).filter(pinned=False)
    if session_filter is not None:
        entries = entries.filter(session_id=session_filter)
    if order == "oldest":
        entries = entries.order_by("created_at", "id")
        if cursor is not None:
            entries = entries.filter(id__gt=cursor)
    elif cursor is not None:
        entries = entries.filter(id__lt=cursor)
    page = list(entries[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    pinned = services.entries_for_event(event).filter(pinned=True).first()
    key_moments = list(
        LiveEntry.objects.filter(
            event=event, kind=LiveEntry.Kind.KEY_MOMENT, status=LiveEntry.Status.PUBLISHED
        )
        .only("id", "body", "created_at")
        .order_by("-created_at")[:KEY_MOMENTS_SHOWN]
    )
    for entry in [*page, *key_moments, *([pinned] if pinned else [])]:
        entry.event = event
    attach_entry_extras([*page, pinned])
    sessions = list(
        Session.objects.filter(event=event, entries__status=LiveEntry.Status.PUBLISHED)
        .distinct()
        .order_by("starts_at")
        .only("id", "title", "starts_at")
    )
    context = {
        "event": event,
        "entries": page,
        "pinned": pinned,
        "key_moments": [(e, plain_text(e.body, 120)) for e in key_moments],
        "key_moments_shown": KEY_MOMENTS_SHOWN,
        "sessions": sessions,
        "order": order,
        "session_filter": session_filter,
        "next_cursor": page[-1].pk if has_more and page else None,
        "is_first_page": cursor is None,
        "newest_entry": page[0] if page and order == "newest" else None,
    }
    html = render_to_string("live/_entries_area.html", context, request=None)
    return {
        "entries_area": html,
        "entry_count_shown": len(page),
        "order": order,
        "session_filter": session_filter,
        "is_first_page": cursor is None,
        "last_updated": page[0].created_at if page and order == "newest" else None,
        "description": plain_text(event.summary, 200)
        or _("Live coverage of %(title)s.") % {"title": event.title},
    }


@event_view(section="live")
def reader_page(request, event):
    # Most readers are anonymous and see the same page: keep the whole page per stream position.
    shared = _sees_shared_page(request)
    # The key holds everything the page is drawn from: the stream position, the content version
    # (event details, programme, panels), the scheme, and the reader's parameters (the page's
    # own address is drawn without its query string, so nothing else of it can reach a copy).
    versions = "-".join(map(str, pageversion.current(event.pk)))
    page_key = (
        f"live:page:{event.pk}:{event.stream_seq}:{versions}:{event.phase}"
        f":{request.scheme}:{request.get_host()}:{_params_key(request)}"
        f":{translation.get_language()}"
    )
    if shared:
        cached_page = cache.get(page_key)
        if cached_page is not None:
            return HttpResponse(cached_page)
    context = _reader_context(request, event)
    context["structured_data"] = _live_blog_json_ld(request, event, context)
    context["embed_snippet"] = _embed_snippet(request, event)
    context["page_extras"] = page_extras(request, event, context.get("session_filter"))
    context["panels"] = page_panels(event)
    response = render(request, "live/page.html", context)
    if shared:
        cache.set(page_key, response.content, 60)
    return response


def _sees_shared_page(request) -> bool:
    """Anonymous readers without a session or pending messages all see the same page, whatever
    other cookies (a like, a device id) they carry."""
    return (
        not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


@xframe_options_exempt
@event_view(section="live")
def embed_page(request, event):
    response = render(request, "live/embed.html", _reader_context(request, event))
    response.embeddable = True  # the CSP middleware allows any site to frame this page
    return response


@event_view(section="live")
def entry_detail(request, event, entry_id):
    entry = services.get_entry(event, entry_id, request.user)
    attach_entry_extras([entry])
    return render(request, "live/entry.html", {"event": event, "entry": entry, "section": "live"})


# -- reporter console ----------------------------------------------------------------------------
def _console_sessions(event):
    sessions = list(
        Session.objects.filter(event=event).select_related("room").order_by("starts_at", "title")
    )
    for session in sessions:
        local = timezone.localtime(session.starts_at, event.tz)
        room = f" · {session.room.name}" if session.room else ""
        session.label = f"{local:%a %H:%M}{room} — {session.title}"
    return sessions


def _default_session(request, event, sessions):
    # "Post to this session" links from the reporter's own page name the session.
    asked = _int_or_none(request.GET.get("session"))
    if asked is not None:
        for session in sessions:
            if session.pk == asked:
                return session

    return session_now_in_room(event, home_room(request.user, event))


@login_required
@event_view(section="live")
def console(request, event):
    if not (
        policy.can(request.user, Action.POST_ENTRY, event)
        or policy.can(request.user, Action.POST_ENTRY_FOR_REVIEW, event)
    ):
        raise PermissionDenied(_("Only the event's reporting team can post updates."))
    posting_open = posting_open_for(request.user, event)
    sessions = _console_sessions(event)
    allow_key_moment = policy.can(request.user, Action.MARK_KEY_MOMENT, event)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST":
        form = EntryForm(
            request.POST, request.FILES, sessions=sessions, allow_key_moment=allow_key_moment
        )
        if form.is_valid():
            try:
                entry = services.do_create_entry(
                    event=event,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    kind=form.cleaned_data["kind"],
                    session_id=form.cleaned_data["session_id"],
                    image=form.cleaned_data["image"],
                    image_alt=form.cleaned_data["image_alt"],
                    client_token=form.cleaned_data["client_token"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except EventClosed as exc:
                if wants_json:
                    return JsonResponse({"detail": str(exc)}, status=409)
                messages.error(request, str(exc))
                return redirect("live:console", event=event.slug)
            else:
                if wants_json:
                    return JsonResponse(
                        {
                            "entry": services.entry_data(entry),
                            "html": render_to_string(
                                "live/_console_entry.html",
                                {
                                    "entry": entry,
                                    "event": event,
                                    "can": _entry_rights(
                                        request,
                                        event,
                                        entry,
                                        services.entry_changes_open(request.user, event),
                                    ),
                                },
                                request=request,
                            ),
                        },
                        status=201,
                    )
                if entry.is_published:
                    messages.success(request, _("Posted. Readers can see it now."))
                else:
                    messages.success(
                        request, _("Sent for review. Readers see it once an editor approves it.")
                    )
                return redirect("live:console", event=event.slug)
        if wants_json:
            return JsonResponse(
                {
                    "detail": _("The update was not posted."),
                    "errors": [
                        {"field": field, "message": message}
                        for field, errors in form.errors.items()
                        for message in errors
                    ],
                },
                status=422,
            )
    else:
        default = _default_session(request, event, sessions)
        form = EntryForm(
            initial={"session_id": default.pk if default else None},
            sessions=sessions,
            allow_key_moment=allow_key_moment,
        )
    recent = services.entries_for_event(event, published_only=False)
    if not policy.can(request.user, Action.EDIT_ENTRY, event):
        recent = recent.filter(author=request.user)
    recent = list(recent[:30])
    changes_open = services.entry_changes_open(request.user, event)
    for entry in recent:
        entry.event = event
        entry.rights = _entry_rights(request, event, entry, changes_open)
    can_review = policy.can(request.user, Action.APPROVE_ENTRY, event)
    return render(
        request,
        "live/console.html",
        {
            "event": event,
            "form": form,
            "recent": recent,
            "section": "live",
            "can_review": can_review,
            "pending_count": services.pending_entries(event).count() if can_review else 0,
            "posting_open": posting_open,
            "can_reopen": can_review and event.has_ended and not event.is_archive,
        },
    )


@login_required
@require_POST
@event_view(section="live")
def wrapup(request, event):
    """Organisers and editors reopen (or close again) posting after the event has ended."""
    reopen = request.POST.get("open") == "1"
    try:
        do_set_wrapup_posting(event, actor=request.user, open=reopen)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if reopen:
            messages.success(request, _("Posting is open again for the wrap-up."))
        else:
            messages.success(request, _("Posting has closed again."))
    return redirect("live:console", event=event.slug)


def _entry_rights(request, event, entry, changes_open: bool) -> dict:
    """What the console offers on one entry: nothing that the services would refuse."""
    return {
        "edit": changes_open and policy.can(request.user, Action.EDIT_ENTRY, event, entry),
        "delete": changes_open and policy.can(request.user, Action.DELETE_ENTRY, event, entry),
        "pin": not event.is_archive and policy.can(request.user, Action.PIN_ENTRY, event, entry),
    }


def _changes_closed(request, event):
    """Back to the console with the reason when entries can no longer be changed, else None."""
    try:
        services.check_entry_changes_open(request.user, event)
    except EventClosed as exc:
        messages.error(request, str(exc))
        return redirect("live:console", event=event.slug)
    return None


@login_required
@event_view(section="live")
def edit_entry(request, event, entry_id):
    entry = services.get_entry(event, entry_id, request.user)
    policy.require(request.user, Action.EDIT_ENTRY, event, entry)
    if (closed := _changes_closed(request, event)) is not None:
        return closed
    sessions = _console_sessions(event)
    allow_key_moment = policy.can(request.user, Action.MARK_KEY_MOMENT, event)
    if request.method == "POST":
        form = EntryForm(request.POST, sessions=sessions, allow_key_moment=allow_key_moment)
        form.fields["image"].disabled = True
        if form.is_valid():
            try:
                services.do_update_entry(
                    entry,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    kind=form.cleaned_data["kind"],
                    session_id=form.cleaned_data["session_id"] or "",
                    image_alt=form.cleaned_data["image_alt"] if entry.image else None,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved. Readers see the new version now."))
                return redirect("live:console", event=event.slug)
    else:
        form = EntryForm(
            initial={
                "body": entry.body,
                "kind": entry.kind,
                "session_id": entry.session_id,
                "image_alt": entry.image_alt,
            },
            sessions=sessions,
            allow_key_moment=allow_key_moment or entry.is_key_moment,
        )
    return render(
        request,
        "live/edit.html",
        {"event": event, "entry": entry, "form": form, "section": "live"},
    )


@login_required
@event_view(section="live")
def delete_entry(request, event, entry_id):
    entry = services.get_entry(event, entry_id, request.user)
    policy.require(request.user, Action.DELETE_ENTRY, event, entry)
    if (closed := _changes_closed(request, event)) is not None:
        return closed
    if request.method == "POST":
        services.do_delete_entry(entry, actor=request.user)
        messages.success(request, _("Deleted. It has gone from every reader's page."))
        return redirect("live:console", event=event.slug)
    return render(request, "live/delete.html", {"event": event, "entry": entry, "section": "live"})


@login_required
@require_POST
@event_view(section="live")
def pin_entry(request, event, entry_id):
    entry = services.get_entry(event, entry_id, request.user)
    pin = request.POST.get("pinned", "1") == "1"
    services.do_pin_entry(entry, actor=request.user, pinned=pin)
    messages.success(request, _("Pinned to the top.") if pin else _("Unpinned."))
    return redirect("live:console", event=event.slug)


@login_required
@event_view(section="live")
def review_queue(request, event):
    """The approval queue: moderated reporters' updates wait here for an editor."""
    policy.require(request.user, Action.APPROVE_ENTRY, event)
    errors = {}
    if request.method == "POST":
        entry = services.get_entry(event, request.POST.get("entry"), request.user)
        try:
            if request.POST.get("decision") == "approve":
                services.do_approve_entry(entry, actor=request.user)
                messages.success(request, _("Approved. Readers can see it now."))
            else:
                services.do_return_entry(
                    entry, actor=request.user, note=request.POST.get("review_note", "")
                )
                messages.success(request, _("Returned to the reporter with your note."))
        except ValidationError as exc:
            errors[entry.pk] = exc.messages
        else:
            return redirect("live:review", event=event.slug)
    pending = list(services.pending_entries(event))
    for entry in pending:
        entry.event = event
        entry.errors = errors.get(entry.pk, [])
    return render(
        request,
        "live/review.html",
        {"event": event, "pending": pending, "section": "live"},
        status=422 if errors else 200,
    )


# -- helpers -------------------------------------------------------------------------------------
def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _live_blog_json_ld(request, event, context) -> str:
    url = request.build_absolute_uri(reverse("live:page", kwargs={"event": event.slug}))
    data = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": _("%(title)s: live") % {"title": event.title},
        "description": context["description"],
        "url": url,
        "coverageStartTime": event.day_start(event.starts_on).isoformat(),
        "coverageEndTime": event.day_start(event.ends_on).replace(hour=23, minute=59).isoformat(),
        "about": {
            "@type": "Event",
            "name": event.title,
            "startDate": event.starts_on.isoformat(),
            "endDate": event.ends_on.isoformat(),
            "location": {"@type": "Place", "name": event.venue or event.title},
        },
    }
    if context.get("last_updated"):
        data["dateModified"] = context["last_updated"].isoformat()
    # Escape "<" so the JSON can never close the script element it sits in.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _embed_snippet(request, event) -> str:
    script = request.build_absolute_uri("/static/live/embed.js")
    return f'<script src="{script}" data-hubbub-event="{event.slug}" async></script>'
