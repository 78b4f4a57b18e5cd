"""The back office's programme import page: upload a file, read the report or the file's error;
only the event's organisers may use it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hubbub.asgi import application
from hubbub.backoffice.import_views import content_type_for
from hubbub.core.asgi_limits import UPLOAD_SLACK
from hubbub.core.permissions import Role
from hubbub.events.models import Session
from hubbub.team.organisations import do_grant_organisation_admin
from tests.events.import_helpers import import_event, read
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return import_event()


@pytest.fixture
def organiser_of(conference):
    user = UserFactory()
    grant(user, conference, Role.ORGANISER)
    return user


def import_url(event):
    return reverse("backoffice:programme_import", kwargs={"event": event.slug})


def upload(client, event, name, data):
    return client.post(import_url(event), {"schedule": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("name", ["schedule.xml", "schedule.json", "programme.csv"])
def test_an_organiser_imports_each_kind_of_file_and_reads_the_report(
    client, conference, organiser_of, name
):
    client.force_login(organiser_of)
    page = client.get(import_url(conference)).content.decode()
    assert '<label for="id_schedule">Programme file</label>' in page
    response = upload(client, conference, name, read(name))
    assert response.status_code == 200
    text = response.content.decode()
    count = Session.objects.filter(event=conference).count()
    assert count > 0
    assert "The programme was imported" in text
    assert f"{count} sessions created or changed" in text
    again = upload(client, conference, name, read(name)).content.decode()
    assert "0 sessions created or changed" in again
    assert Session.objects.filter(event=conference).count() == count


def test_refused_rows_are_listed_with_their_reason(client, conference, organiser_of):
    data = read("programme.csv") + b"late-1,After the end,2030-11-30,10:00,11:00,,,,,,,\n"
    client.force_login(organiser_of)
    text = upload(client, conference, "late.csv", data).content.decode()
    assert "1 row was not imported" in text
    assert "<strong>After the end</strong> (row 9 (id late-1)): The session must start" in text


def test_a_file_that_is_not_a_schedule_imports_nothing_and_says_why(
    client, conference, organiser_of
):
    client.force_login(organiser_of)
    response = upload(client, conference, "login.xml", b"<html><body>Sign in</body></html>")
    assert response.status_code == 422
    text = response.content.decode()
    assert "There is a problem" in text and 'href="#id_schedule"' in text
    assert not Session.objects.filter(event=conference).exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    client, conference, organiser_of, settings
):
    settings.HUBBUB_IMPORT_MAX_BYTES = 100
    client.force_login(organiser_of)
    response = upload(client, conference, "schedule.xml", read("schedule.xml"))
    assert response.status_code == 422
    assert "HUBBUB_IMPORT_MAX_BYTES" in response.content.decode()
    assert not Session.objects.filter(event=conference).exists()


def test_no_file_is_an_error(client, conference, organiser_of):
    client.force_login(organiser_of)
    assert client.post(import_url(conference), {}).status_code == 422


def test_an_organisation_admin_may_import(client, conference):
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=conference.organisation)
    client.force_login(admin)
    assert upload(client, conference, "a.csv", read("programme.csv")).status_code == 200
    assert Session.objects.filter(event=conference).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REPORTER, None])
def test_editors_reporters_and_outsiders_may_not_import(client, conference, role):
    user = UserFactory()
    if role:
        grant(user, conference, role)
    client.force_login(user)
    assert client.get(import_url(conference)).status_code in (403, 404)
    response = upload(client, conference, "a.csv", read("programme.csv"))
    assert response.status_code in (403, 404)
    assert not Session.objects.filter(event=conference).exists()


def test_the_programme_editor_and_dashboard_link_to_the_import(client, conference, organiser_of):
    client.force_login(organiser_of)
    for name in ("backoffice:programme", "backoffice:dashboard"):
        page = client.get(reverse(name, kwargs={"event": conference.slug})).content.decode()
        assert f'href="{import_url(conference)}"' in page


def test_the_file_type_comes_from_the_name_then_the_content():
    assert content_type_for("Schedule.XML", b"") == "application/xml"
    assert content_type_for("export.json", b"") == "application/json"
    assert content_type_for("sheet.csv", b"<") == "text/csv"
    assert content_type_for("download", b"\xef\xbb\xbf  <?xml") == "application/xml"
    assert content_type_for("download", b'{"schedule"') == "application/json"
    assert content_type_for("download", b"id,title") == "text/csv"


def test_the_body_size_guard_knows_the_upload_page(settings):
    settings.HUBBUB_IMPORT_MAX_BYTES = 1234
    limit, upload = application.limit_for("/digitalgov-2030/manage/programme/import")
    assert (limit, upload) == (1234 + UPLOAD_SLACK, True)
