from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _

from hubbub.core.colour import is_hex_colour, text_colour_on
from hubbub.core.eventviews import event_view, render_event
from hubbub.core.text import render_markdown

from . import exports
from .extensions import home_extras, session_extras
from .services import (
    LIVE,
    PAST,
    UPCOMING,
    event_phase,
    events_index,
    get_session,
    get_speaker,
    now_and_next,
    programme_days,
    programme_sessions,
)


def index(request):
    found = events_index()
    sections = [
        {
            "id": "live-now",
            "title": _("Live now"),
            "events": found["live"],
            "status": _("On now"),
            "empty": _("Nothing is live right now."),
        },
        {
            "id": "coming-up",
            "title": _("Coming up"),
            "events": found["upcoming"],
            "status": _("Coming up"),
            "empty": _("No upcoming events."),
        },
        {
            "id": "past-events",
            "title": _("Past events"),
            "events": found["past"],
            "status": _("Finished: the programme and live blog stay online"),
            "empty": _("No past events."),
        },
    ]
    return render(request, "events/index.html", {"sections": sections, **found})


@event_view()
def home(request, event):
    phase = event_phase(event)
    on = now_and_next(event)
    for session in [*on.now, *on.next]:
        session.event = event
    context = {
        "section": "home",
        "phase": phase,
        "is_live": phase == LIVE,
        "is_upcoming": phase == UPCOMING,
        "is_past": phase == PAST,
        "on": on,
        "partners": list(event.partners.all()),
        "summary_html": render_markdown(event.summary),
        "extras": home_extras(request, event),
    }
    return render_event(request, event, "events/home.html", context)


@event_view()
def programme(request, event):
    days = programme_days(event, programme_sessions(event))
    context = {"section": "programme", "days": days}
    return render_event(request, event, "events/programme.html", context)


@event_view()
def session_detail(request, event, session_id, slug):
    session = get_session(event, session_id)
    if slug != session.slug:
        # An old or mistyped title in the address: send people to the current one.
        return redirect(session.get_absolute_url(), permanent=True)
    context = {
        "section": "programme",
        "session": session,
        "description_html": render_markdown(session.description),
        "extras": session_extras(request, event, session),
    }
    return render_event(request, event, "events/session.html", context)


@event_view()
def speaker_detail(request, event, speaker):
    speaker = get_speaker(event, speaker)
    context = {"section": "programme", "speaker": speaker, "bio_html": render_markdown(speaker.bio)}
    return render_event(request, event, "events/speaker.html", context)


# -- exports --------------------------------------------------------------------------------------
def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _download(content, content_type, filename) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@event_view()
def programme_ics(request, event):
    body = exports.calendar_ics(event, programme_sessions(event), _base_url(request))
    return _download(body, "text/calendar; charset=utf-8", f"{event.slug}.ics")


@event_view()
def session_ics(request, event, session_id):
    session = get_session(event, session_id)
    body = exports.calendar_ics(event, [session], _base_url(request))
    return _download(body, "text/calendar; charset=utf-8", f"{event.slug}-{session.pk}.ics")


@event_view()
def schedule_xml(request, event):
    body = exports.frab_xml(event, programme_sessions(event), _base_url(request))
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@event_view()
def schedule_json(request, event):
    document = exports.frab_schedule(event, programme_sessions(event), _base_url(request))
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 2})


@event_view()
def brand_css(request, event):
    """The event's colours as CSS custom properties, so pages carry no ``style=`` attribute.

    Keyed by the event's last change: the pages link it with ``?v=<updated time>``, so it can
    be cached for a long time and a new colour is picked up on the next page load.
    """
    colour = event.brand_colour if is_hex_colour(event.brand_colour) else "#1d70b8"
    body = (
        ":root {\n"
        f"  --event-brand: {colour};\n"
        f"  --event-brand-text: {text_colour_on(colour)};\n"
        "}\n"
    )
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if request.GET.get("v") else "public, max-age=300"
    )
    response["Last-Modified"] = http_date(event.updated_at.timestamp())
    return response
