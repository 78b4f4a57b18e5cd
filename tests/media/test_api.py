import pytest

from hubbub.media.models import Slideshow

from .pdfs import CORRUPT_PDF, make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def url(event, suffix=""):
    return f"/api/v1/events/{event.slug}/slideshows{suffix}"


def post_deck(client, event, token, content, title="Budgets", **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"title": title, "file": SimpleUploadedFile("deck.pdf", content), **extra}
    return client.post(url(event), data, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_upload_renders_and_answers_with_slides(client, event, reporter, token_for):
    response = post_deck(client, event, token_for(reporter), make_pdf(["One", "Two"]))
    # The immediate backend in tests renders before the answer, so it is 201 and ready.
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "ready" and body["error"] is None
    detail = client.get(url(event, f"/{body['id']}")).json()
    assert detail["url"].endswith(f"/{event.slug}/slides/{body['id']}/")
    assert [s["number"] for s in detail["slides"]] == [1, 2]
    assert detail["slides"][1]["text"] == "Two"
    assert detail["slides"][0]["image_url"].startswith("http://testserver/media/")
    assert detail["slides"][0]["thumbnail_url"]
    listing = client.get(url(event)).json()
    assert [d["id"] for d in listing["slideshows"]] == [body["id"]]


def test_upload_while_rendering_answers_202(client, event, reporter, token_for, monkeypatch):
    from hubbub.media.services import slideshows

    monkeypatch.setattr(slideshows, "_enqueue_render", lambda slideshow_id: None)
    response = post_deck(client, event, token_for(reporter), make_pdf(["One"]))
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    deck_id = response.json()["id"]
    # Readers do not see it; the team does.
    assert client.get(url(event, f"/{deck_id}")).status_code == 404
    assert client.get(url(event)).json()["slideshows"] == []
    team = client.get(url(event), HTTP_AUTHORIZATION=f"Bearer {token_for(reporter)}").json()
    assert [d["status"] for d in team["slideshows"]] == ["pending"]


def test_failed_rendering_reports_why_and_can_be_retried(client, event, editor, token_for):
    token = token_for(editor)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    created = post_deck(client, event, token, CORRUPT_PDF)
    assert created.status_code == 202
    deck_id = created.json()["id"]
    detail = client.get(url(event, f"/{deck_id}"), **auth).json()
    assert detail["status"] == "failed" and "damaged" in detail["error"]
    assert detail["slides"] == []
    Slideshow.objects.filter(pk=deck_id).update(source="")  # nothing to read
    retried = client.post(url(event, f"/{deck_id}/retry"), **auth)
    assert retried.status_code == 202
    assert retried.json()["status"] == "failed"


def test_wrong_type_is_refused_naming_the_field(client, event, reporter, token_for):
    response = post_deck(client, event, token_for(reporter), b"\x89PNG\r\n\x1a\n not slides")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert not Slideshow.objects.exists()


def test_missing_title_and_file_are_named(client, event, reporter, token_for):
    response = client.post(url(event), {}, HTTP_AUTHORIZATION=f"Bearer {token_for(reporter)}")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"title", "file"}


def test_file_over_the_limit_without_content_length_is_refused(
    client, event, reporter, token_for, settings
):
    settings.HUBBUB_MAX_DECK_BYTES = 1000
    response = post_deck(client, event, token_for(reporter), make_pdf(["x"] * 5) + b" " * 2000)
    assert response.status_code == 422
    assert "larger than" in response.json()["errors"][0]["message"]


def test_permissions(client, event, moderator, other_event, token_for):
    pdf = make_pdf(["One"])
    assert client.post(url(event), {"title": "x"}).status_code == 401
    assert post_deck(client, event, token_for(moderator), pdf).status_code == 403
    assert not Slideshow.objects.exists()
