from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from hubbub.core.permissions import Role
from hubbub.events.models import Event, Organisation, Room, Session, Speaker, Track
from hubbub.team.models import EventRole

LONDON = ZoneInfo("Europe/London")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Council {n}")
    slug = factory.Sequence(lambda n: f"council-{n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Conference {n}")
    slug = factory.Sequence(lambda n: f"conference-{n}")
    starts_on = date(2030, 6, 10)
    ends_on = factory.LazyAttribute(lambda e: e.starts_on + timedelta(days=1))
    venue = "Town Hall"
    status = Event.Status.PUBLISHED


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 50


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Track {n}")


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Speaker {n}")
    organisation = "Example Council"


class SessionFactory(factory.django.DjangoModelFactory):
    """A session on the event's first day; pass ``hour`` to move it (default 10:00-11:00)."""

    class Meta:
        model = Session

    class Params:
        hour = 10

    event = factory.SubFactory(EventFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = Session.Kind.WORKSHOP
    room = factory.LazyAttribute(lambda s: RoomFactory(event=s.event))
    starts_at = factory.LazyAttribute(
        lambda s: datetime.combine(s.event.starts_on, datetime.min.time(), tzinfo=LONDON).replace(
            hour=s.hour
        )
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=1))


def grant(user, event, role: Role | str) -> EventRole:
    from hubbub.team.services import do_grant_role

    return do_grant_role(user=user, event=event, role=str(role))
