"""The event's own colours and logo on its pages, with no inline style anywhere."""

import re

import pytest
from django.core.files.base import ContentFile

from ..factories import EventFactory
from ..media.test_views import gps_photo

pytestmark = pytest.mark.django_db


def test_brand_css_sets_the_colour_and_a_readable_text_colour(client):
    dark = EventFactory(brand_colour="#4c2c92", status="published")
    light = EventFactory(brand_colour="#ffdd00", status="published")
    for event, text in ((dark, "#ffffff"), (light, "#0b0c0c")):
        response = client.get(f"/{event.slug}/brand.css")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/css")
        css = response.content.decode()
        assert f"--event-brand: {event.brand_colour};" in css
        assert f"--event-brand-text: {text};" in css


def test_event_pages_link_the_brand_css_keyed_by_the_last_change(client):
    event = EventFactory(status="published")
    html = client.get(f"/{event.slug}/").content.decode()
    stamp = int(event.updated_at.timestamp())
    assert f'href="/{event.slug}/brand.css?v={stamp}"' in html
    assert "style=" not in html


def test_a_versioned_brand_css_is_cached_for_long(client):
    event = EventFactory(status="published")
    response = client.get(f"/{event.slug}/brand.css?v=1")
    assert "immutable" in response["Cache-Control"]


def test_the_event_header_shows_the_organisations_logo_named_for_it(client):
    event = EventFactory(status="published")
    event.organisation.name = "Westbrook Council"
    event.organisation.logo.save("logo.jpg", ContentFile(gps_photo().read()), save=True)
    html = client.get(f"/{event.slug}/").content.decode()
    assert re.search(r'<img class="event-header__logo" src="[^"]+" alt="Westbrook Council">', html)


def test_a_draft_events_brand_css_is_not_found(client):
    event = EventFactory(status="draft")
    assert client.get(f"/{event.slug}/brand.css").status_code == 404


def test_a_forbidden_page_is_the_sites_own(client, event, reporter):
    client.force_login(reporter)
    response = client.get(f"/{event.slug}/manage/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do that here" in html and 'class="site-header"' in html
    assert "event.manage" not in html
