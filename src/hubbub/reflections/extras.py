"""What reflections add to other apps' pages and to site search."""

from datetime import timedelta

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from hubbub.core.search import Hit
from hubbub.core.text import plain_text
from hubbub.events.models import Event, Session

from .impact import public_summary
from .models import Reflection
from .services import published, session_mentions


def session_extra(request, event, session) -> str:
    """On a session page: how many reflections mention it, and, once it has ended, an
    invitation to write one."""
    count = session_mentions(session)
    ended = session.ends_at <= timezone.now()
    if not count and not ended:
        return ""
    context = {"event": event, "session": session, "count": count, "ended": ended,
               "request": request}  # fmt: skip
    return render_to_string("reflections/_session_extra.html", context, request=request)


def home_extra(request, event) -> str:
    """On the event home after the event: the latest reflections and the invitation."""
    if not event.has_ended:
        return ""
    latest = list(published(event)[:3])
    context = {"event": event, "latest": latest,
               **public_summary(event, chart_id="home-reflections-chart")}  # fmt: skip
    return render_to_string("reflections/_home_extra.html", context, request=request)


def search_reflections(query: str, event=None, limit: int = 50) -> list[Hit]:
    words = query.split()[:8]
    if not words:
        return []
    found = Reflection.objects.filter(status=Reflection.Status.PUBLISHED).exclude(
        event__status=Event.Status.DRAFT
    )
    if event is not None:
        found = found.filter(event=event)
    for word in words:
        found = found.filter(
            Q(closing__icontains=word)
            | Q(items__text__icontains=word)
            | Q(items__action__icontains=word, public_actions=True)
        )
    hits = []
    for reflection in found.distinct().select_related("event", "author")[:limit]:
        text = " ".join(item.text for item in reflection.items.all()) + " " + reflection.closing
        hits.append(
            Hit(kind="reflection", title=str(reflection), url=reflection.get_absolute_url(),
                snippet=plain_text(text, 200), event=reflection.event,
                when=reflection.published_at)
        )  # fmt: skip
    return hits


def live_page_extra(request, event, session_id) -> str:
    """On the live page: once the session being followed (or, unfiltered, the latest session
    of the day) has ended, an invitation to write a reflection on it."""
    if event.is_archive:
        return ""
    now = timezone.now()
    sessions = Session.objects.filter(event=event, ends_at__lte=now)
    if session_id is not None:
        session = sessions.filter(pk=session_id).first()
    else:
        # Only just ended: within the last two hours, and not a break.
        session = (
            sessions.filter(ends_at__gte=now - timedelta(hours=2))
            .exclude(kind=Session.Kind.BREAK)
            .order_by("-ends_at", "-id")
            .first()
        )
    if session is None:
        return ""
    context = {"event": event, "session": session}
    return render_to_string("reflections/_live_extra.html", context, request=request)
