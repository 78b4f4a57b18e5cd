"""The organiser makes and downloads archives, and imports WordPress, from the back office."""

import io
import zipfile

from django.contrib.auth import get_user_model

from hubbub.archive.models import ArchiveExport
from hubbub.blog.models import Post

from ..factories import UserFactory
from .conftest import SLUG
from .test_wxr import comment, item, wxr


def organiser():
    return get_user_model().objects.get(username="organiser")


def test_dashboard_offers_the_archive_page_to_organisers(client, full_event):
    client.force_login(organiser())
    html = client.get(f"/{SLUG}/manage/").content.decode()
    assert f'href="/{SLUG}/manage/archive/"' in html


def test_organiser_makes_a_static_copy_and_downloads_it(
    client, full_event, django_capture_on_commit_callbacks
):
    client.force_login(organiser())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{SLUG}/manage/archive/", {"format": "static"})
    assert response.status_code == 302
    export = ArchiveExport.objects.get()
    assert export.status == ArchiveExport.Status.DONE
    assert export.pages_done == export.pages_total > 20
    page = client.get(f"/{SLUG}/manage/archive/").content.decode()
    assert "Ready to download" in page
    download = client.get(f"/{SLUG}/manage/archive/{export.pk}/download")
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert f"{SLUG}/{SLUG}/index.html" in names
    audit = client.get(f"/{SLUG}/team/audit/").content.decode()
    assert "asked for an archive (static)" in audit


def test_only_the_latest_archive_of_a_kind_is_kept(
    client, full_event, django_capture_on_commit_callbacks
):
    client.force_login(organiser())
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/{SLUG}/manage/archive/", {"format": "wacz"})
    [export] = ArchiveExport.objects.all()
    assert export.file.name.endswith(".wacz")


def test_archive_download_is_for_the_team_only(
    client, full_event, django_capture_on_commit_callbacks
):
    client.force_login(organiser())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{SLUG}/manage/archive/", {"format": "wacz"})
    export = ArchiveExport.objects.get()
    url = f"/{SLUG}/manage/archive/{export.pk}/download"
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(UserFactory())
    assert client.get(url).status_code in {403, 404}
    assert client.post(f"/{SLUG}/manage/archive/", {"format": "wacz"}).status_code in {403, 404}
    assert ArchiveExport.objects.count() == 1
    assert export.file.url not in client.get(f"/{SLUG}/").content.decode()


def test_an_unknown_format_is_refused_with_a_message(client, full_event):
    client.force_login(organiser())
    response = client.post(f"/{SLUG}/manage/archive/", {"format": "pdf"})
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()
    assert not ArchiveExport.objects.exists()


def test_organiser_uploads_a_wordpress_export_and_reads_the_report(client, full_event):
    client.force_login(organiser())
    data = wxr(
        item(1, "From WordPress", comments=comment(5, "Nice")), item(2, "Gone", status="trash")
    )
    upload = io.BytesIO(data)
    upload.name = "blog.xml"
    response = client.post(f"/{SLUG}/manage/archive/wordpress", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "From WordPress" in html and "Gone" in html
    assert Post.objects.filter(event=full_event, title="From WordPress").exists()


def test_a_bad_wordpress_upload_shows_the_error_and_imports_nothing(client, full_event):
    client.force_login(organiser())
    upload = io.BytesIO(b"<html>nope</html>")
    upload.name = "blog.xml"
    before = Post.objects.count()
    response = client.post(f"/{SLUG}/manage/archive/wordpress", {"file": upload})
    assert response.status_code == 422
    assert "not a WordPress export" in response.content.decode()
    assert Post.objects.count() == before
