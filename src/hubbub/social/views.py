"""The wall's pages: the public wall, its big-screen and embeddable forms, the curation queue
and the sources page. Each parses the request, calls a service and renders."""

from functools import partial
from html import escape

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from hubbub.core.eventviews import add_service_errors, event_view, render_event
from hubbub.core.permissions import Action, policy
from hubbub.events.lifecycle import EventClosed

from . import services
from .forms import SourceForm, WallSettingsForm
from .models import Source

PAGE_SIZE = 50
SCREEN_POSTS = 20
QUEUE_SIZE = 100

_render = partial(render_event, section="wall")


def _stream_url(event) -> str:
    return reverse("live:page", kwargs={"event": event.slug}) + "stream"


def _wall_context(request, event, limit: int | None = None) -> dict:
    posts = services.wall_posts(event)
    if limit is not None:
        page = None
        shown = list(posts[:limit])
    else:
        page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page.object_list)
    for post in shown:
        post.event = event
    return {
        "posts": shown,
        "page": page,
        "stream_url": _stream_url(event),
        "may_curate": policy.can(request.user, Action.CURATE_SOCIAL, event),
    }


@event_view(section="wall")
def wall(request, event):
    return _render(request, event, "social/wall.html", _wall_context(request, event))


@event_view(section="wall")
def screen(request, event):
    """The venue projector: one post at a time in large type, and a QR code to the live blog."""
    live_url = request.build_absolute_uri(reverse("live:page", kwargs={"event": event.slug}))
    short = live_url.split("://", 1)[-1]
    context = _wall_context(request, event, limit=SCREEN_POSTS)
    context.update(live_url=live_url, short_url=short, qr=_qr_svg(live_url, short))
    return _render(request, event, "social/screen.html", context)


def _qr_svg(url: str, short: str) -> str:
    markup = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="wall-qr__code")
    label = escape(_("QR code for %(url)s") % {"url": short})
    return markup.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


@xframe_options_exempt
@event_view(section="wall")
def embed(request, event):
    response = _render(request, event, "social/embed.html", _wall_context(request, event, 30))
    response.embeddable = True  # the CSP middleware lets any site frame this page
    return response


# -- curation ------------------------------------------------------------------------------------
@login_required
@event_view(Action.CURATE_SOCIAL, section="wall")
def queue(request, event):
    posts = list(services.queue_for(event)[:QUEUE_SIZE])
    for post in posts:
        post.event = event
    return _render(
        request,
        event,
        "social/queue.html",
        {
            "posts": posts,
            "may_quote": policy.can(request.user, Action.POST_ENTRY, event),
            "may_manage": policy.can(request.user, Action.MANAGE_SOCIAL, event),
            "shown": list(services.wall_posts(event)[:20]),
        },
    )


POST_ACTIONS = {"approve", "feature", "reject", "block", "quote", "takedown"}


@login_required
@require_POST
@event_view(Action.CURATE_SOCIAL, section="wall")
def post_action(request, event, post_id):
    decision = request.POST.get("decision", "")
    post = services.get_post(event, post_id)
    who = post.author_handle or post.author_name
    count = 0
    try:
        if decision == "approve":
            services.do_approve_post(post, actor=request.user)
            done = _("Approved the post by %(who)s.")
        elif decision == "feature":
            services.do_approve_post(post, actor=request.user, feature=True)
            done = _("Approved and featured the post by %(who)s.")
        elif decision == "reject":
            services.do_reject_post(post, actor=request.user)
            done = _("Rejected the post by %(who)s.")
        elif decision == "block":
            count = services.do_block_author(post, actor=request.user)
            done = ngettext(
                "Blocked %(who)s; %(count)s post of theirs is off the wall.",
                "Blocked %(who)s; %(count)s posts of theirs are off the wall.",
                count,
            )
        elif decision == "quote":
            services.do_quote_in_live(post, actor=request.user)
            done = _("Quoted the post by %(who)s in the live blog.")
        elif decision == "takedown":
            services.do_take_down(post, actor=request.user)
            done = _("Took down the post by %(who)s; no copy is kept.")
        else:
            messages.error(request, _("Choose what to do with the post."))
            return redirect("social:queue", event=event.slug)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("social:queue", event=event.slug)
    except EventClosed as exc:
        messages.error(request, str(exc))
        return redirect("social:queue", event=event.slug)
    messages.success(request, done % {"who": who, "count": count})
    back = request.POST.get("next") == "wall"
    return redirect("social:wall" if back else "social:queue", event=event.slug)


# -- sources -------------------------------------------------------------------------------------
@login_required
@event_view(Action.MANAGE_SOCIAL, section="wall")
def sources(request, event):
    settings_obj = services.wall_settings(event)
    form = SourceForm(prefix="source")
    settings_form = WallSettingsForm(
        prefix="wall",
        initial={
            "trusted_handles": settings_obj.trusted_handles,
            "blocked_words": settings_obj.blocked_words,
        },
    )
    if request.method == "POST" and request.POST.get("form") == "source":
        form = SourceForm(request.POST, prefix="source")
        if form.is_valid():
            try:
                source = services.do_create_source(
                    event=event, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"server": "url", "hashtag": "query"})
            else:
                messages.success(request, _("Added %(source)s.") % {"source": source})
                return redirect("social:sources", event=event.slug)
    elif request.method == "POST" and request.POST.get("form") == "settings":
        settings_form = WallSettingsForm(request.POST, prefix="wall")
        if settings_form.is_valid():
            services.do_update_wall_settings(
                event, actor=request.user, **settings_form.cleaned_data
            )
            messages.success(request, _("Saved the trusted handles and blocked words."))
            return redirect("social:sources", event=event.slug)
    status = 422 if request.method == "POST" else 200
    return _render(
        request,
        event,
        "social/sources.html",
        {
            "sources": list(services.sources_for(event)),
            "form": form,
            "settings_form": settings_form,
            "stopped": Source.State.STOPPED,
        },
        status=status,
    )


@login_required
@require_POST
@event_view(Action.MANAGE_SOCIAL, section="wall")
def source_action(request, event, source_id):
    source = services.get_source(event, source_id)
    decision = request.POST.get("decision")
    if decision == "stop":
        services.do_set_source_active(source, actor=request.user, active=False)
        messages.success(request, _("Stopped %(source)s.") % {"source": source})
    elif decision == "restart":
        services.do_set_source_active(source, actor=request.user, active=True)
        messages.success(request, _("Restarted %(source)s.") % {"source": source})
    elif decision == "delete":
        services.do_delete_source(source, actor=request.user)
        messages.success(request, _("Removed %(source)s.") % {"source": source})
    return redirect("social:sources", event=event.slug)
