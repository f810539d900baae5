"""An article read from its Wayback Machine capture: fetched as the site served it, known by its own
address and published by its site. Before, the archive's page was read with its toolbar, as an
article of web.archive.org at the archive's address, a second article beside the live page's.

The archive cannot be reached here, so a fake answers over httpx's transport as the Wayback Machine
does: a capture asked for at one time is redirected to the nearest one taken, served with the archive's
toolbar and its links rewritten to the archive's copies, but for `id_`, which gives the page as the
site served it; a page never captured is a 404.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from assay.readers import parse
from assay.settings import Settings
from assay.sources import SourceError, archived_copy, fetch_url

ORIGINAL = "https://www.mining-weekly.example/article/lynas-first-dysprosium-2026-11-28"
TAKEN = "20261128093012"
PAGE = f"""<!doctype html><html><head><title>Lynas separates first dysprosium in Malaysia | Mining Weekly</title>
<meta property="og:site_name" content="Mining Weekly"><link rel="canonical" href="{ORIGINAL}">
<meta property="article:published_time" content="2026-11-28T06:00:00Z"></head><body><article>
<h1>Lynas separates first dysprosium in Malaysia</h1>
<p>Lynas Rare Earths said on Friday it had produced 1.5 tonnes of separated dysprosium oxide at its Kuantan plant, the first
heavy rare earths separated at commercial scale outside China.</p>
<p>The company expects about 120 tonnes a year of dysprosium and terbium once the circuit is ramped up in 2027.</p>
</article></body></html>"""
TOOLBAR = "<!-- BEGIN WAYBACK TOOLBAR INSERT --><div>The Wayback Machine - https://web.archive.org</div><!-- END WAYBACK TOOLBAR INSERT -->"


def fake_wayback(request: httpx.Request) -> httpx.Response:
    path = request.url.raw_path.decode()
    if request.url.host != "web.archive.org" or not path.startswith("/web/"):
        return httpx.Response(404)
    stamp, _, original = path.removeprefix("/web/").partition("/")
    if original != ORIGINAL:
        return httpx.Response(404, text="<html>Hrm. The Wayback Machine has not archived that URL.</html>", headers={"content-type": "text/html"})
    if stamp.removesuffix("id_") != TAKEN:  # the capture nearest the time asked for
        return httpx.Response(302, headers={"location": f"https://web.archive.org/web/{TAKEN}{'id_' if stamp.endswith('id_') else ''}/{ORIGINAL}"})
    # As the archive serves a capture but for `id_`: its toolbar in, every link rewritten to its own copy.
    body = PAGE if stamp.endswith("id_") else PAGE.replace("<body>", f"<body>{TOOLBAR}").replace('href="', f'href="https://web.archive.org/web/{TAKEN}/')
    return httpx.Response(200, text=body, headers={"content-type": "text/html; charset=utf-8"})


@pytest.fixture
def wayback(monkeypatch):
    real = httpx.Client

    def streamed(request: httpx.Request) -> httpx.Response:
        answer = fake_wayback(request)
        return httpx.Response(answer.status_code, headers=answer.headers, stream=httpx.ByteStream(answer.content))

    monkeypatch.setattr(httpx, "Client", lambda *args, **kwargs: real(*args, **{**kwargs, "transport": httpx.MockTransport(streamed)}))


@pytest.mark.parametrize("link, original", [
    (f"https://web.archive.org/web/{TAKEN}/{ORIGINAL}", ORIGINAL),
    ("http://web.archive.org/web/20261128if_/www.mining.com/lynas/?page=2", "http://www.mining.com/lynas/?page=2"),
    ("https://web.archive.org/web/2026/https:/www.ft.com/content/abc", "https://www.ft.com/content/abc"),
])
def test_a_wayback_address_names_the_page_it_holds(link, original):
    copy = archived_copy(link)
    assert copy is not None and copy.original == original and "id_/" in copy.download
    assert archived_copy(ORIGINAL) is None


def test_a_capture_is_read_as_the_site_served_it_under_the_page_s_own_address(wayback):
    fetched = fetch_url(f"https://web.archive.org/web/2026/{ORIGINAL}", Settings())
    assert fetched.url == ORIGINAL and b"WAYBACK TOOLBAR" not in fetched.content
    assert fetched.modified == datetime(2026, 11, 28, 9, 30, 12, tzinfo=UTC)  # the capture it was sent to
    _, _, (item,) = parse(fetched)
    assert (item.url, item.source, item.title) == (ORIGINAL, "Mining Weekly", "Lynas separates first dysprosium in Malaysia")
    assert item.notes[0].startswith("read from the Internet Archive's copy captured 2026-11-28 09:30 UTC")


def test_what_the_archive_does_not_hold_says_so():
    with pytest.raises(SourceError, match=r"the Wayback Machine's list of captures, not a page: open one capture"):
        archived_copy(f"https://web.archive.org/web/*/{ORIGINAL}*")


def test_a_page_never_captured_says_so(wayback):
    with pytest.raises(SourceError, match=r"the Wayback Machine has no capture of https://www.ft.com/x: ingest the page's own address"):
        fetch_url("https://web.archive.org/web/20261128000000/https://www.ft.com/x", Settings())


@pytest.mark.slow
def test_a_capture_ingests_as_the_article_of_its_own_address(wayback, ingest, assay_home):
    """Through the ingest flow: one article at the page's own address, published by its site; the same
    capture asked for at another time is the same article, unchanged."""
    from assay.store.registry import Registry

    report = ingest([f"https://web.archive.org/web/{TAKEN}/{ORIGINAL}"])
    assert report.counts["new"] == 1, report
    [row] = Registry(assay_home.registry_url).articles()
    assert (row.url, row.source, row.published) == (ORIGINAL, "Mining Weekly", datetime(2026, 11, 28, 6, 0, tzinfo=UTC))
    assert "Wayback" not in row.body and row.body.startswith("Lynas Rare Earths said on Friday")
    assert ingest([f"https://web.archive.org/web/20261201000000/{ORIGINAL}"]).counts["unchanged"] == 1
