"""Crawl-friendly pages: sitemaps, robots.txt, canonical links, pages reachable by links."""

from urllib.parse import urlsplit

from defusedxml import ElementTree

from hubbub.archive.crawl import Crawler

from .conftest import SLUG

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locs(response) -> list[str]:
    root = ElementTree.fromstring(response.content)
    return [urlsplit(e.text).path for e in root.iterfind(".//s:loc", NS)]


def test_event_sitemap_lists_every_kind_of_public_page(client, full_event):
    response = client.get(f"/{SLUG}/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    paths = locs(response)
    assert f"/{SLUG}/" in paths
    assert f"/{SLUG}/blog/what-we-heard-about-shared-services/" in paths
    assert any(p.startswith(f"/{SLUG}/programme/") and p.count("/") == 4 for p in paths)
    assert any(p.startswith(f"/{SLUG}/speakers/") for p in paths)
    assert any(p.startswith(f"/{SLUG}/live/") and p[len(f"/{SLUG}/live/") :] for p in paths)
    assert any(p.startswith(f"/{SLUG}/slides/") and p != f"/{SLUG}/slides/" for p in paths)
    assert any(p.startswith(f"/{SLUG}/unconference/topics/") for p in paths)
    assert len(paths) == len(set(paths))


def test_event_sitemap_is_404_for_a_draft_or_unknown_event(client, event):
    event.status = event.Status.DRAFT
    event.save()
    assert client.get(f"/{event.slug}/sitemap.xml").status_code == 404
    assert client.get("/no-such-event/sitemap.xml").status_code == 404


def test_site_sitemap_points_at_each_public_event_and_not_drafts(client, full_event, event):
    event.status = event.Status.DRAFT
    event.save()
    paths = locs(client.get("/sitemap.xml"))
    assert f"/{SLUG}/sitemap.xml" in paths
    assert f"/{event.slug}/sitemap.xml" not in paths
    assert "/sitemap-site.xml" in paths
    assert f"/{SLUG}/" in locs(client.get("/sitemap-site.xml"))


def test_robots_txt_lets_archivers_in_and_points_to_the_sitemap(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "User-agent: *" in text
    assert "Allow: /" in text
    assert "Disallow: /*/live/stream" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "\nDisallow: /\n" not in text


def test_public_pages_carry_their_canonical_address_without_the_query(client, full_event):
    html = client.get(f"/{SLUG}/live/?order=oldest").content.decode()
    assert f'<link rel="canonical" href="http://testserver/{SLUG}/live/">' in html


def test_canonical_uses_the_configured_site_address(client, full_event, settings):
    settings.HUBBUB_SITE_URL = "https://events.example.gov.uk"
    html = client.get(f"/{SLUG}/programme/").content.decode()
    assert 'href="https://events.example.gov.uk/all-change-2011/programme/"' in html


def test_every_sitemap_page_is_reachable_by_plain_links_from_the_event_home(client, full_event):
    crawl = Crawler(SLUG, host="testserver", use_sitemap=False).run()
    reached = {urlsplit(url).path for url in crawl.resources}
    missing = [p for p in locs(client.get(f"/{SLUG}/sitemap.xml")) if p not in reached]
    assert missing == []
