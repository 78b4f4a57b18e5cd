from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Session
from .services import events_index, get_public_event, now_and_next, programme_sessions


def index(request):
    return render(request, "events/index.html", events_index())


def home(request, event):
    event = get_public_event(event, request.user)
    return render(request, "events/home.html", {"event": event, "on": now_and_next(event)})


def programme(request, event):
    event = get_public_event(event, request.user)
    return render(
        request,
        "events/programme.html",
        {"event": event, "sessions": programme_sessions(event)},
    )


def session_detail(request, event, session_id, slug):
    event = get_public_event(event, request.user)
    session = get_object_or_404(programme_sessions(event), pk=session_id)
    return render(request, "events/session.html", {"event": event, "session": session})


def speaker_detail(request, event, speaker):
    event = get_public_event(event, request.user)
    speaker = get_object_or_404(event.speakers, slug=speaker)
    return render(request, "events/speaker.html", {"event": event, "speaker": speaker})


def programme_ics(request, event):
    return HttpResponse(status=501)


def session_ics(request, event, session_id):
    get_object_or_404(Session, pk=session_id)
    return HttpResponse(status=501)


def schedule_xml(request, event):
    return HttpResponse(status=501)


def schedule_json(request, event):
    return HttpResponse(status=501)
