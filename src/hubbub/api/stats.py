"""Audience figures over the API, for the event's team."""

from datetime import date

from ninja import Router, Schema
from ninja.errors import AuthenticationError

from hubbub.core.permissions import policy
from hubbub.events.services import get_public_event
from hubbub.stats.services import SEE_AUDIENCE, audience_figures

from .auth import OptionalTokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["audience"])


class DayOut(Schema):
    day: date
    unique_readers: int
    peak_concurrent: int
    page_views: int


class StatsOut(Schema):
    unique_readers: int
    peak_concurrent: int
    page_views: int
    by_day: list[DayOut]


@router.get(
    "/{event}/stats",
    response={200: StatsOut, **errors(401, 403, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="Audience figures: unique readers (summed over days), peak live readers, by day "
    "(the event's team)",
)
def event_stats(request, event: EventSlug):
    found = get_public_event(event, request.user)
    if not request.user.is_authenticated:
        raise AuthenticationError()
    policy.require(request.user, SEE_AUDIENCE, found)
    figures = audience_figures(found)
    return {
        "unique_readers": figures.unique_readers,
        "peak_concurrent": figures.peak_concurrent,
        "page_views": figures.page_views,
        "by_day": figures.by_day,
    }
