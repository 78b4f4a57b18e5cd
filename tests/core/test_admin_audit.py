"""Changes made in the Django admin reach the event's audit log, in words."""

import pytest
from django.urls import reverse

from hubbub.core.models import AuditEntry
from hubbub.events.models import Room
from tests.factories import RoomFactory

pytestmark = pytest.mark.django_db


def audit_sentences(client, event) -> str:
    return client.get(reverse("team:audit", kwargs={"event": event.slug})).content.decode()


def test_changing_a_room_in_the_admin_is_in_the_event_audit_log(admin_client, admin_user, event):
    admin_user.first_name, admin_user.last_name = "Ada", "Admin"
    admin_user.save()
    room = RoomFactory(event=event, name="Main Hall", capacity=100)
    response = admin_client.post(
        reverse("admin:events_room_change", args=[room.pk]),
        {"name": "Main Hall", "event": event.pk, "capacity": 250, "order": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="hubbub.admin.changed")
    assert entry.event == event and entry.actor == admin_user
    page = audit_sentences(admin_client, event)
    assert "Ada Admin changed the room ‘Main Hall’ in the admin (Changed Capacity)" in page


def test_deleting_in_the_admin_is_in_the_event_audit_log(admin_client, admin_user, event):
    room = RoomFactory(event=event, name="Annexe")
    response = admin_client.post(
        reverse("admin:events_room_delete", args=[room.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Room.objects.filter(pk=room.pk).exists()
    entry = AuditEntry.objects.get(action="hubbub.admin.deleted")
    assert entry.event == event
    assert "deleted the room ‘Annexe’ in the admin" in audit_sentences(admin_client, event)
