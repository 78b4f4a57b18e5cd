"""Who a mark counts for: one browser is one identity, a script cannot stuff marks by dropping
cookies, an address (a venue's Wi-Fi) and an event get a bounded number of new identities an
hour, and organisers can ask for sign-in before marking.

Each "browser" here is a Django test client that enforces CSRF, so it sends what a real
browser sends: the cookies it was given and the token from the page's form.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings

from hubbub.unconf.device import DEVICE_COOKIE
from hubbub.unconf.models import Unconference, Vote
from hubbub.unconf.services.interest import do_set_marks
from tests.factories import UserFactory
from tests.unconf.factories import pitch

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def browser(address="192.0.2.10") -> Client:
    return Client(enforce_csrf_checks=True, REMOTE_ADDR=address)


def mark(phone: Client, s, topics):
    """Open the marking page and send its form, as a person on a phone does."""
    page = phone.get(s.base + "topics")
    assert page.status_code == 200
    token = TOKEN.search(page.content.decode()).group(1)
    return phone.post(s.base + "topics", {"topics": topics, "csrfmiddlewaretoken": token})


def test_a_script_that_drops_the_device_cookie_each_round_counts_once(s):
    topic = pitch(s.u, "Housing")
    script = browser()
    for _ in range(120):
        script.cookies.pop(DEVICE_COOKIE, None)
        mark(script, s, [topic.pk])
    assert Vote.objects.filter(pitch=topic).count() == 1


@override_settings(HUBBUB_UNCONF_NEW_DEVICES_PER_ADDRESS=50)
def test_a_script_that_drops_every_cookie_is_bounded_per_address(s):
    topic = pitch(s.u, "Housing")
    script = browser()
    refused = 0
    for _ in range(120):
        script.cookies.clear()
        response = mark(script, s, [topic.pk])
        refused += response.status_code == 429
    assert Vote.objects.filter(pitch=topic).count() == 50
    assert refused == 70
    assert "Slow down a little" in response.content.decode()


def test_an_honest_crowd_behind_one_address_is_counted(s):
    """150 delegates on the venue's Wi-Fi, one address, default settings: every one counts,
    and changing one's marks later spends nothing more."""
    housing, parks = pitch(s.u, "Housing"), pitch(s.u, "Parks")
    phones = [browser("198.51.100.7") for _ in range(150)]
    for phone in phones:
        assert mark(phone, s, [housing.pk]).status_code == 302
    assert Vote.objects.filter(pitch=housing).count() == 150
    for phone in phones[:20]:
        assert mark(phone, s, [housing.pk, parks.pk]).status_code == 302
    assert Vote.objects.filter(pitch=parks).count() == 20
    assert Vote.objects.filter(pitch=housing).count() == 150


@override_settings(HUBBUB_UNCONF_NEW_DEVICES_PER_EVENT=5)
def test_the_event_bounds_new_identities_across_addresses(s):
    topic = pitch(s.u, "Housing")
    answers = [mark(browser(f"203.0.113.{n}"), s, [topic.pk]).status_code for n in range(8)]
    assert answers == [302] * 5 + [429] * 3
    assert Vote.objects.filter(pitch=topic).count() == 5


def test_a_device_cookie_sent_without_its_own_csrf_cookie_counts_nothing(s):
    topic = pitch(s.u, "Housing")
    harvested = browser()
    harvested.get(s.base + "topics")
    device = harvested.cookies[DEVICE_COOKIE].value

    script = browser()
    page = script.get(s.base + "topics")  # a CSRF cookie of its own, and the form's token
    token = TOKEN.search(page.content.decode()).group(1)
    script.cookies[DEVICE_COOKIE] = device
    response = script.post(s.base + "topics", {"topics": [topic.pk], "csrfmiddlewaretoken": token})
    assert "did not send its cookie back" in response.content.decode()
    assert not Vote.objects.exists()


def test_clearing_the_device_cookie_gives_the_same_identity_back(s):
    housing, parks = pitch(s.u, "Housing"), pitch(s.u, "Parks")
    phone = browser()
    mark(phone, s, [housing.pk])
    phone.cookies.pop(DEVICE_COOKIE)
    mark(phone, s, [parks.pk])
    # The same person changed their marks: one voter, now on Parks only.
    assert list(Vote.objects.values_list("pitch__topic", flat=True)) == ["Parks"]
    page = phone.get(s.base + "topics").content.decode()
    assert f'value="{parks.pk}" id="topic-{parks.pk}" checked' in page


def test_organisers_can_require_sign_in_for_marking(s):
    topic = pitch(s.u, "Housing")
    organiser = browser()
    organiser.force_login(s.organiser)
    page = organiser.get(s.base + "console/settings").content.decode()
    assert "Delegates sign in to mark topics" in page
    token = TOKEN.search(page).group(1)
    organiser.post(
        s.base + "console/settings",
        {
            "rooms": [r.pk for r in s.rooms],
            "countdown_seconds": 60,
            "marking_needs_account": "on",
            "csrfmiddlewaretoken": token,
        },
    )
    assert Unconference.objects.get(pk=s.u.pk).marking_needs_account

    phone = browser()
    page = phone.get(s.base + "topics").content.decode()
    assert "Sign in to mark topics" in page and 'name="topics"' not in page
    token = phone.cookies["csrftoken"].value
    response = phone.post(s.base + "topics", {"topics": [topic.pk], "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Vote.objects.exists()

    delegate = browser()
    delegate.force_login(UserFactory())
    assert mark(delegate, s, [topic.pk]).status_code == 302
    assert list(Vote.objects.values_list("voter", flat=True)) == [
        f"u:{delegate.session['_auth_user_id']}"
    ]


def test_the_service_refuses_device_marks_when_sign_in_is_required(s):
    topic = pitch(s.u, "Housing")
    s.u.marking_needs_account = True
    s.u.save()
    with pytest.raises(ValidationError) as caught:
        do_set_marks(s.u, voter="d:phone", pitch_ids=[topic.pk])
    assert "Sign in to mark topics" in caught.value.messages[0]
    member = UserFactory()
    assert do_set_marks(s.u, voter=f"u:{member.pk}", pitch_ids=[topic.pk]) == {topic.pk}
    assert list(Vote.objects.values_list("voter", flat=True)) == [f"u:{member.pk}"]
