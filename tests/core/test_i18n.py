"""English and Welsh: the language a visitor sees, how they change it, and that every string the
public pages use has a Welsh translation (a missing one shows in English, never blank)."""

import re
import shutil
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

from tests.factories import EventFactory

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "hubbub"
# The apps whose templates make the pages anyone can read.
PUBLIC_APPS = ["core", "events", "live", "blog", "media", "comments", "unconf"]


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogues():
    """The .mo files, compiled from the .po files as `make setup` does, and loaded afresh."""
    call_command(
        "compilemessages",
        locale=["cy"],
        ignore_patterns=[".venv", "var", ".git", "node_modules", "tests"],
        verbosity=0,
    )
    trans_real._translations = {}
    trans_real._default = None
    yield


def page(response) -> str:
    return response.content.decode()


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', page(response)).group(1)


# -- which language ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_first_visit_is_in_english_by_default(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert html_lang(response) == "en-GB"
    assert re.search(r">\s*Sign in</a>", page(response))


@pytest.mark.django_db
def test_first_visit_follows_a_welsh_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="cy-GB,cy;q=0.9,en;q=0.5")
    assert html_lang(response) == "cy"
    assert re.search(r">\s*Mewngofnodi</a>", page(response))
    assert response["Content-Language"] == "cy"


@pytest.mark.django_db
def test_language_cookie_wins_over_the_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    event = EventFactory(slug="gweithdy")
    response = client.get(f"/{event.slug}/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert html_lang(response) == "cy"
    assert "Blog byw" in page(response)


# -- switching -----------------------------------------------------------------------------------
def switcher_links(response) -> dict[str, str]:
    nav = re.search(r'<nav class="language-switcher".*?</nav>', page(response), re.S).group(0)
    return {
        name: href.replace("&amp;", "&")
        for href, name in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    }


@pytest.mark.django_db
def test_switcher_on_every_kind_of_page_offers_the_other_language(client):
    event = EventFactory(slug="switching")
    for path in ("/", f"/{event.slug}/", f"/{event.slug}/programme/", "/no-such-page/"):
        response = client.get(path)
        assert set(switcher_links(response)) == {"Cymraeg"}, path
        assert 'aria-current="true">English</span>' in page(response), path


@pytest.mark.django_db
def test_switcher_keeps_the_visitor_on_the_same_page_and_remembers(client):
    event = EventFactory(slug="keep-me-here")
    path = f"/{event.slug}/programme/?day=2030-06-10"
    link = switcher_links(client.get(path))["Cymraeg"]
    assert parse_qs(urlparse(link).query)["next"] == [path]

    response = client.get(link)
    assert response.status_code == 302
    assert response["Location"] == path
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "cy"

    # Remembered: later pages, any of them, stay in Welsh; and back again.
    assert html_lang(client.get("/")) == "cy"
    # Each language is named in its own words, whichever language the page is in.
    back = switcher_links(client.get(path))["English"]
    assert client.get(back)["Location"] == path
    assert html_lang(client.get("/")) == "en-GB"


@pytest.mark.django_db
def test_switcher_works_as_a_form_post_too(client):
    response = client.post("/i18n/setlang/", {"language": "cy", "next": "/search/?q=x"})
    assert response["Location"] == "/search/?q=x"
    assert html_lang(client.get("/")) == "cy"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/",
        "/\\elsewhere.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_switcher_sends_anywhere_off_site_home_instead(client, next_url):
    response = client.get("/i18n/setlang/", {"language": "cy", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_switcher_ignores_a_language_the_site_does_not_offer(client):
    response = client.get("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# -- dates and content ---------------------------------------------------------------------------
@pytest.mark.django_db
def test_dates_are_written_in_the_chosen_language(client):
    event = EventFactory(slug="mehefin", starts_on=date(2030, 6, 10), ends_on=date(2030, 6, 11))
    assert "June 2030" in page(client.get(f"/{event.slug}/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    welsh = page(client.get(f"/{event.slug}/"))
    assert "Mehefin 2030" in welsh
    assert "June" not in welsh


@pytest.mark.django_db
def test_an_event_says_when_its_content_is_bilingual(client):
    plain = EventFactory(slug="english-only")
    both = EventFactory(slug="dwyieithog", bilingual=True)
    assert 'id="event-languages"' not in page(client.get(f"/{plain.slug}/"))
    english = page(client.get(f"/{both.slug}/"))
    assert "Written in English and Welsh" in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    assert "Wedi’i ysgrifennu yn Gymraeg ac yn Saesneg" in page(client.get(f"/{both.slug}/"))


@pytest.mark.django_db
def test_anonymous_live_page_copies_are_kept_per_language(client):
    event = EventFactory(slug="live-both", status="live")
    english = client.get(f"/{event.slug}/live/", HTTP_ACCEPT_LANGUAGE="en-GB")
    welsh = client.get(f"/{event.slug}/live/", HTTP_ACCEPT_LANGUAGE="cy")
    again = client.get(f"/{event.slug}/live/", HTTP_ACCEPT_LANGUAGE="en-GB")
    assert (html_lang(english), html_lang(welsh), html_lang(again)) == ("en-GB", "cy", "en-GB")


# -- catalogues ----------------------------------------------------------------------------------
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def unquote(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), value.strip()[1:-1])


def po_entries(path: Path) -> list[dict]:
    """Each live entry of a .po file: msgctxt, msgid, msgstr (every plural form) and flags."""
    entries, current, key = [], {}, None
    for line in [*path.read_text().splitlines(), ""]:
        starts_entry = line.startswith("#") or not line.strip() or line.startswith("msgid ")
        if starts_entry and "msgid" in current and (key or "").startswith("msgstr"):
            entries.append(current)
            current, key = {}, None
        if line.startswith("#~") or not line.strip():
            continue
        if line.startswith("#,"):
            current["flags"] = line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += unquote(line)
        else:
            key, _space, value = line.partition(" ")
            current[key] = unquote(value)
    return [
        {
            "context": e.get("msgctxt"),
            "msgid": e["msgid"],
            "msgstr": [v for k, v in e.items() if k.startswith("msgstr")],
            "fuzzy": "fuzzy" in e.get("flags", ""),
        }
        for e in entries
    ]


def catalogue_files():
    return sorted(SRC.glob("*/locale/cy/LC_MESSAGES/*.po"))


def test_every_app_with_strings_has_a_welsh_catalogue():
    apps = {path.parts[-5] for path in catalogue_files()}
    assert set(PUBLIC_APPS) <= apps


@pytest.mark.parametrize("po", catalogue_files(), ids=lambda p: f"{p.parts[-5]}-{p.stem}")
def test_no_welsh_translation_is_blank_or_fuzzy(po):
    missing = [
        e["msgid"] for e in po_entries(po) if e["msgid"] and (not all(e["msgstr"]) or e["fuzzy"])
    ]
    assert not missing, f"{len(missing)} strings need a Welsh translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("app", PUBLIC_APPS)
def test_every_string_in_the_public_templates_has_a_welsh_translation(app, tmp_path, monkeypatch):
    """Extract what the templates ask for now and look each up in the catalogues Django loads,
    so a string added to a template without a translation fails here."""
    shutil.copytree(SRC / app / "templates", tmp_path / "templates")
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [])
    call_command("makemessages", locale=["cy"], verbosity=0, no_obsolete=True)
    wanted = po_entries(tmp_path / "locale" / "cy" / "LC_MESSAGES" / "django.po")
    assert len(wanted) > 1, "found no strings to check"
    catalogue = trans_real.translation("cy")._catalog
    untranslated = [
        e["msgid"]
        for e in wanted
        if e["msgid"] and not catalogue.get(_key(e), catalogue.get((_key(e), 0)))
    ]
    assert not untranslated, f"no Welsh for {len(untranslated)}: {untranslated[:10]}"


def _key(entry: dict) -> str:
    # Entries with a context are stored as "context\x04msgid".
    return f"{entry['context']}\x04{entry['msgid']}" if entry["context"] else entry["msgid"]


def test_a_string_without_a_translation_falls_back_to_english():
    with translation.override("cy"):
        assert translation.gettext("A sentence nobody has translated yet.") == (
            "A sentence nobody has translated yet."
        )
        # …while the catalogue is really in use.
        assert translation.gettext("Sign in") == "Mewngofnodi"


# -- scripts -------------------------------------------------------------------------------------
def test_scripts_get_their_wording_in_the_page_language(client):
    response = client.get("/i18n/catalogue/cy.json")
    assert response.status_code == 200
    catalogue = response.json()["catalog"]
    assert catalogue["Live: new updates appear automatically."] == (
        "Yn fyw: mae diweddariadau newydd yn ymddangos yn awtomatig."
    )
    assert catalogue["%(n)s new update"][1] == "%(n)s ddiweddariad newydd"
    # The URL names the language, so a shared cache can keep one copy of each.
    assert "public" in response["Cache-Control"]
    english = client.get("/i18n/catalogue/en-gb.json", HTTP_COOKIE="django_language=cy")
    assert "Live: new updates appear automatically." not in english.json()["catalog"]


def test_scripts_ask_in_vain_for_a_language_the_site_does_not_offer(client):
    assert client.get("/i18n/catalogue/fr.json").status_code == 404


@pytest.mark.parametrize(
    "po", sorted(SRC.glob("*/locale/cy/LC_MESSAGES/djangojs.po")), ids=lambda p: p.parts[-5]
)
def test_every_script_string_has_a_welsh_translation(po, tmp_path, monkeypatch):
    """What the scripts ask for now, against the Welsh catalogue they are given."""
    app = po.parts[-5]
    shutil.copytree(SRC / app / "static", tmp_path / "static")
    (tmp_path / "locale").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [])
    call_command("makemessages", locale=["cy"], domain="djangojs", verbosity=0)
    wanted = {e["msgid"] for e in po_entries(tmp_path / "locale/cy/LC_MESSAGES/djangojs.po")}
    translated = {e["msgid"] for e in po_entries(po) if all(e["msgstr"]) and not e["fuzzy"]}
    assert wanted - {""} <= translated, sorted(wanted - translated - {""})


@pytest.mark.django_db
def test_sign_in_and_sign_up_pages_are_in_welsh_too(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    sign_in = page(client.get("/accounts/login/"))
    assert html_lang_of(sign_in) == "cy"
    assert "Cyfrinair" in sign_in
    assert "Cofio fi" in sign_in
    sign_up = page(client.get("/accounts/signup/"))
    assert "Cyfrinair (eto)" in sign_up


def html_lang_of(text: str) -> str:
    return re.search(r'<html lang="([^"]+)"', text).group(1)


def test_error_page_speaks_the_visitors_language(rf):
    from hubbub.core.views import server_error

    with translation.override("cy"):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert html_lang(response) == "cy"
    assert "Aeth rhywbeth o’i le" in page(response)
