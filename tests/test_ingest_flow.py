"""The ingest flow through real parts: Prefect (test server), Chroma, SQLite, and HTTP on loopback."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime

import pytest

from assay.store.keywords import KeywordIndex
from assay.store.registry import Registry
from assay.store.vectors import ChunkStore
from tests.conftest import SAMPLE_FEED, article_html, rss

pytestmark = pytest.mark.slow


def stores(settings):
    return Registry(settings.registry_url), ChunkStore(settings)


def assert_consistent(settings) -> None:
    """Chroma holds exactly the chunks of the registry's articles, and the keyword index exactly
    Chroma's: nothing partial, nothing stale."""
    registry, store = stores(settings)
    rows = registry.articles()
    assert store.count() == sum(r.chunk_count for r in rows)
    for row in rows:
        assert len(store.chunk_ids(row.id)) == row.chunk_count
    assert KeywordIndex(registry).chunk_ids() == set(store.ids())


def by_status(report) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in report.results:
        out.setdefault(r.status.value, []).append(r)
    return out


@pytest.fixture
def private_links(monkeypatch):
    """Links found in feeds and emails may reach this loopback test server, where their pages are."""
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_FETCH_PRIVATE_LINKS", "true")
    get_settings.cache_clear()


def test_sample_feed_by_file_then_over_http_is_the_same_corpus(ingest, assay_home, http_server):
    first = ingest([str(SAMPLE_FEED)])
    assert first.counts == {"new": 25, "updated": 0, "unchanged": 0, "duplicate": 0, "removed": 0, "failed": 0}
    assert first.chunks_embedded > 100
    registry, store = stores(assay_home)
    assert registry.counts()["articles"] == 25 and store.count() == first.chunks_embedded
    assert_consistent(assay_home)

    row = next(r for r in registry.articles() if r.title.startswith("You Can’t Recycle"))
    assert row.published.isoformat().startswith("2026-02-07T04:49:20")
    assert len(row.highlights) == 7 and "Recycling rates remain below 1% globally" not in row.body.split("\n\n")[0]
    chunk = store.chunks(sorted(store.chunk_ids(row.id))[:1])[0]
    assert (chunk.url, chunk.title, chunk.source) == (row.url, row.title, row.source)
    assert row.body[chunk.start : chunk.end] == chunk.text

    url = http_server.set("/sample.xml", SAMPLE_FEED.read_bytes(), content_type="application/rss+xml")
    again = ingest([url])
    assert again.counts["unchanged"] == 25 and again.chunks_embedded == 0
    assert registry.counts()["articles"] == 25


def test_changed_content_replaces_chunks_and_keeps_history(ingest, assay_home, http_server):
    items = [{"title": f"Item {n}", "link": f"https://example.com/{n}", "html": article_html(n)} for n in (1, 2)]
    url = http_server.set("/changing.xml", rss(items), content_type="application/xml")
    assert ingest([url]).counts["new"] == 2
    registry, store = stores(assay_home)
    changed_id = next(r.id for r in registry.articles() if r.title == "Item 1")
    old_ids = store.chunk_ids(changed_id)

    items[0]["html"] = article_html(1, extra="Lynas now expects first heavy rare earth output in 2027, not 2026.")
    http_server.set("/changing.xml", rss(items), content_type="application/xml")
    report = ingest([url])
    assert report.counts["updated"] == 1 and report.counts["unchanged"] == 1
    new_ids = store.chunk_ids(changed_id)
    assert new_ids != old_ids and not (old_ids - new_ids) & store.chunk_ids(changed_id)
    assert any("2027" in c.text for c in store.chunks(sorted(new_ids)))
    # Keyword search follows: the new text is found, the replaced chunks are not.
    keywords = KeywordIndex(registry)
    assert keywords.search("Lynas heavy 2027", 1)[0].chunk_id in new_ids
    uncertain = {h.chunk_id for h in keywords.search("outlook uncertain", 50)}
    assert uncertain and not uncertain & (old_ids - new_ids)  # item 2 keeps its sentence; item 1's old chunk is gone
    row = registry.get(changed_id)
    assert row.version == 2 and registry.counts()["article_versions"] == 3
    assert_consistent(assay_home)


def test_conditional_get_skips_an_unmodified_feed(ingest, assay_home, http_server):
    items = [{"title": "Etag item", "link": "https://example.com/etag", "html": article_html(3)}]
    url = http_server.set("/etag.xml", rss(items), content_type="application/xml", etag='"v1"')
    assert ingest([url]).counts["new"] == 1
    report = ingest([url])
    assert report.not_modified == [url] and report.results == []
    assert http_server.request_headers["/etag.xml"][-1].get("If-None-Match") == '"v1"'


def test_retries_on_5xx_then_succeeds_but_never_retries_a_404(ingest, assay_home, http_server):
    items = [{"title": "Flaky", "link": "https://example.com/flaky", "html": article_html(4)}]
    flaky = http_server.set("/flaky.xml", rss(items), content_type="application/xml", fail_first=2)
    missing = http_server.url("/missing-feed.xml")
    http_server.hits.pop("/missing-feed.xml", None)  # counted afresh: this test runs once per database
    report = ingest([flaky, missing])
    assert report.counts["new"] == 1 and http_server.hits["/flaky.xml"] == 3
    (failure,) = by_status(report)["failed"]
    assert "HTTP 404" in failure.error and http_server.hits["/missing-feed.xml"] == 1


def test_a_subscription_list_ingests_its_feeds(ingest, assay_home, http_server, tmp_path, monkeypatch):
    """An analyst's feed reader export (OPML): each feed it lists is polled as if named, one at a time."""
    lynas = http_server.set("/opml/lynas.xml", rss([{"title": "Lynas ships", "link": "https://example.com/opml-lynas", "html": article_html(5)}]),
                            content_type="application/xml")
    mp = http_server.set("/opml/mp.xml", rss([{"title": "MP ramps", "link": "https://example.com/opml-mp", "html": article_html(6)}]),
                         content_type="application/xml")
    gone = http_server.url("/opml/gone.xml")
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(f"""<?xml version="1.0"?><opml version="2.0"><head><title>Feeds</title></head><body>
        <outline text="Rare earths"><outline type="rss" text="Lynas" xmlUrl="{lynas}"/><outline type="rss" text="MP" xmlUrl="{mp}"/></outline>
        <outline type="rss" text="Gone" xmlUrl="{gone}"/></body></opml>""")

    report = ingest([str(opml)], expect="feed")
    assert report.counts["new"] == 2 and {r.feed for r in by_status(report)["new"]} == {lynas, mp}
    (failure,) = by_status(report)["failed"]
    assert failure.location == gone and "HTTP 404" in failure.error
    registry, _ = stores(assay_home)
    assert {f.url for f in registry.feeds()} == {lynas, mp}
    assert ingest([str(opml)], expect="feed").counts["unchanged"] == 2

    # The same list by its address. Its feeds are its author's choice, not the user's: kept off private
    # addresses (these are on loopback) unless ASSAY_FETCH_PRIVATE_LINKS allows them.
    listed = http_server.set("/opml/subscriptions.opml", opml.read_bytes(), content_type="text/x-opml")
    refused = ingest([listed], expect="feed")
    assert refused.counts["failed"] == 3 and all("private or loopback" in r.error for r in refused.results)
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_FETCH_PRIVATE_LINKS", "true")
    get_settings.cache_clear()
    again = ingest([listed], expect="feed")
    assert again.counts["unchanged"] == 2 and again.counts["failed"] == 1 and again.fetched[0] == listed


def test_a_json_feed_is_polled_as_a_feed(ingest, assay_home, http_server):
    import json

    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Critical Minerals Wire", "home_page_url": "https://example.com/",
            "items": [{"id": f"https://example.com/json/{n}", "url": f"https://example.com/json/{n}", "title": f"JSON story {n}",
                       "content_html": article_html(10 + n), "date_published": f"2026-11-2{n}T08:00:00Z"} for n in (1, 2)]}
    url = http_server.set("/feed.json", json.dumps(feed), content_type="application/feed+json")
    report = ingest([url], expect="feed")
    assert report.counts["new"] == 2 and {r.feed for r in report.results} == {url}
    registry, _ = stores(assay_home)
    assert {(r.title, r.source) for r in registry.articles()} == {("JSON story 1", "Critical Minerals Wire"), ("JSON story 2", "Critical Minerals Wire")}
    assert ingest([url], expect="feed").counts["unchanged"] == 2


def test_bad_inputs_fail_one_by_one_and_leave_nothing_partial(ingest, assay_home, http_server, tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    good = http_server.set(
        "/good.xml",
        rss([
            {"title": "Good", "link": "https://example.com/good", "html": article_html(5)},
            {"title": "Good again", "link": "https://example.com/good", "html": article_html(5)},  # duplicate item
        ]),
        content_type="application/xml",
    )
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02PK\x03\x04" * 50,
        "undecodable.txt": b"Lynas \x9d\x81\x8f\x90\x8d output \x8d\x90\x81",  # no charset decodes these with confidence
        "huge.txt": b"Rare earths. " * 400_000,  # 5.2 MB
        "broken.xml": rss([{"title": "X", "link": "https://example.com/x", "html": "<p>x</p>"}]).replace("</channel>", "").encode(),
        "page.xml": b"<!doctype html><html><body><p>Not a feed at all.</p></body></html>",
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    sources = [
        good,
        f"http://127.0.0.1:{closed_port}/feed.xml",
        http_server.url("/nowhere.xml"),
        http_server.set("/always-500.xml", "", status=500),
        http_server.set("/slow.xml", rss([]), content_type="application/xml", delay_s=3),
        "ftp://example.com/feed.xml",
        *(str(tmp_path / name) for name in files),
    ]
    report = ingest(sources)
    statuses = by_status(report)
    assert [r.title for r in statuses["new"]] == ["Good"]
    assert len(statuses["duplicate"]) == 1 and "duplicate" in statuses["duplicate"][0].error
    errors = {r.location: r.error for r in statuses["failed"]}
    expected = {
        sources[1]: "could not reach",
        sources[2]: "HTTP 404",
        sources[3]: "HTTP 500",
        sources[4]: "timed out",
        sources[5]: "unsupported URL scheme",
        str(tmp_path / "empty.txt"): "empty",
        str(tmp_path / "binary.txt"): "binary data",
        str(tmp_path / "undecodable.txt"): "convert it to UTF-8 or declare its charset",
        str(tmp_path / "huge.txt"): "over the 5,000,000-byte limit",
        str(tmp_path / "broken.xml"): "malformed feed XML",
        str(tmp_path / "page.xml"): "an HTML page, not a feed",
    }
    assert set(errors) == set(expected)
    for source, fragment in expected.items():
        assert fragment in errors[source], (source, errors[source])
    assert http_server.hits["/always-500.xml"] == 3  # first try and two retries
    registry, _ = stores(assay_home)
    assert [r.title for r in registry.articles()] == ["Good"]
    assert_consistent(assay_home)


def test_a_store_failure_fails_that_article_only_and_a_rerun_repairs_it(ingest, assay_home, http_server, monkeypatch):
    items = [{"title": f"Store {n}", "link": f"https://example.com/store/{n}", "html": article_html(n)} for n in (6, 7)]
    url = http_server.set("/store.xml", rss(items), content_type="application/xml")
    real = Registry.record_article_once  # what the ingest records with

    def flaky_record(self, article, chunk_count):
        if article.title == "Store 7":
            raise RuntimeError("database is locked")
        return real(self, article, chunk_count)

    monkeypatch.setattr(Registry, "record_article_once", flaky_record)
    report = ingest([url])
    (failed,) = by_status(report)["failed"]
    assert failed.title == "Store 7" and "database is locked" in failed.error
    assert_consistent(assay_home)
    registry, store = stores(assay_home)
    assert store.chunk_ids(failed.article_id) == set()
    assert registry.feeds()[0].etag is None and registry.feeds()[0].last_status == "partial"

    monkeypatch.setattr(Registry, "record_article_once", real)
    assert ingest([url]).counts == {"new": 1, "updated": 0, "unchanged": 1, "duplicate": 0, "removed": 0, "failed": 0}
    assert_consistent(assay_home)


def test_an_ingest_stopped_halfway_keeps_the_groups_it_finished(ingest, assay_home, http_server, monkeypatch):
    """Seen here: Ctrl-C 30 s into `assay ingest` of 468 files kept no article (all were recorded at the end) and
    left 257 chunks no article owned. Each group is recorded once written; the rerun does the rest."""
    from assay.flows import ingest as ingest_module
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_EMBED_GROUP_CHUNKS", "1")  # a group per article
    get_settings.cache_clear()
    items = [{"title": f"Halfway {n}", "link": f"https://example.com/halfway/{n}", "html": article_html(n)} for n in range(5)]
    url = http_server.set("/halfway.xml", rss(items), content_type="application/xml")
    real, embedded = ingest_module.embed, []

    def embed_then_stop(pending, settings):
        if len(embedded) == 3:
            raise KeyboardInterrupt  # Ctrl-C while the fourth group embeds
        embedded.append(pending)
        return real(pending, settings)

    monkeypatch.setattr(ingest_module, "embed", embed_then_stop)
    with pytest.raises(KeyboardInterrupt):
        ingest([url])
    registry, store = stores(get_settings())
    kept = {a.title for a in registry.articles()}
    assert kept == {one.article.title for group in embedded[:2] for one in group}  # the third was written, not yet recorded
    monkeypatch.setattr(ingest_module, "embed", real)
    assert ingest([url]).counts == {"new": 3, "updated": 0, "unchanged": 2, "duplicate": 0, "removed": 0, "failed": 0}
    assert_consistent(get_settings())  # the third group's chunks, written before the stop, are the rerun's again


def _deal_page(n: int) -> str:
    return (
        f"<!doctype html><html><head><title>Page {n}</title></head><body><nav>Home About Contact</nav><article>"
        f"<h1>Shenghe signs deal {n}</h1><p>Shenghe Resources signed a supply agreement number {n} for monazite concentrate "
        f"with a partner in Tanzania, the company said in a filing on Tuesday, adding that deliveries start in 2027.</p>"
        f"<p>The contract covers {n * 1000} tonnes a year and includes an option to extend it by five years.</p></article>"
        f"<div class='comments'>Leave a Reply</div></body></html>"
    )


def test_pages_and_summary_only_feeds_read_the_full_page(ingest, assay_home, http_server, private_links):
    links = [http_server.set(f"/story/{n}", _deal_page(n)) for n in (1, 2, 3)]
    summaries = [{"title": f"Story {n}", "link": link, "description": "Short teaser…"} for n, link in zip((1, 2), links)]
    feed = http_server.set("/summaries.xml", rss(summaries), content_type="application/xml")
    report = ingest([feed, links[2]])
    assert report.counts["new"] == 3
    assert report.fetched == [feed, links[2], *links[:2]]  # what the user named, then the pages the feed links to
    registry, _ = stores(assay_home)
    bodies = {r.title: r.body for r in registry.articles()}
    assert "2000 tonnes a year" in bodies["Story 2"] and "Leave a Reply" not in bodies["Story 2"]
    assert any("3000 tonnes" in body for body in bodies.values())


def test_a_summary_only_feed_reads_the_pages_of_its_new_entries_only(ingest, assay_home, http_server, private_links):
    """Polled again after it gained an entry, a teaser feed costs the feed and the new page, not every
    page it lists."""
    links = [http_server.set(f"/teased/{n}", _deal_page(n)) for n in (1, 2, 3)]
    entries = [{"title": f"Story {n}", "link": link, "description": "Short teaser…"} for n, link in zip((1, 2, 3), links)]
    feed = http_server.set("/teasers.xml", rss(entries[:2]), content_type="application/xml")
    assert ingest([feed]).counts["new"] == 2
    http_server.set("/teasers.xml", rss(entries), content_type="application/xml")
    again = ingest([feed])
    assert again.fetched == [feed, links[2]], again.fetched
    assert (again.counts["new"], again.counts["unchanged"]) == (1, 2)
    assert {r.article_id for r in again.results if r.status.value == "unchanged"} == {
        a.id for a in stores(assay_home)[0].articles() if a.title in ("Story 1", "Story 2")}


def test_an_alert_feed_brings_each_article_from_its_publisher_once(ingest, assay_home, http_server, private_links):
    """Google Alerts' feeds: teasers behind Google's click tracker. Each article is read from its own
    page, published by the site the page names, at its own address: two alerts bringing one article
    give one article."""
    from tests.conftest import google_alerts_feed

    page = ("<!doctype html><html><head><title>China magnet exports fall | Reuters</title><meta property='og:site_name' content='Reuters'>"
            "</head><body><article><h1>China's rare earth magnet exports fall 12% in October</h1>"
            "<p>China's exports of rare earth magnets fell 12% in October from a month earlier, customs data showed on Friday, "
            "as export licences for dysprosium and terbium products slowed shipments to Europe and the United States.</p>"
            "<p>Shipments totalled 4,610 tonnes, down from 5,240 tonnes in September, the General Administration of Customs said.</p>"
            "</article></body></html>")
    article = http_server.set("/alerts/reuters-magnets", page)
    story = {"title": "China's <b>rare earth</b> magnet exports fall", "url": article, "teaser": "China's exports of <b>rare earth</b> magnets ...",
             "published": "2026-11-20T08:13:22Z"}
    feeds = [http_server.set(f"/alerts/{query}.xml", google_alerts_feed([story | {"cd": query}], query), content_type="application/atom+xml")
             for query in ("rare-earth", "magnets")]
    report = ingest(feeds)
    assert report.counts["new"] == 1 and report.counts["failed"] == 0, report.results
    (row,) = stores(assay_home)[0].articles()
    assert (row.url, row.source, row.title) == (article, "Reuters", "China's rare earth magnet exports fall")
    assert "4,610 tonnes" in row.body


def test_an_alert_email_ingests_the_articles_it_links_to(ingest, assay_home, http_server, private_links, tmp_path):
    """A Google Alerts email saved as .eml: each headline's article is read from its page, dated by it,
    and published by the name the email gives; a page that fails fails its headline alone."""
    from tests.conftest import google_alerts_email

    page = ("<!doctype html><html><head><title>Lynas lifts output</title>"
            "<meta property='article:published_time' content='2026-11-29T21:00:00Z'></head><body><article>"
            "<h1>Lynas lifts Kalgoorlie rare earth output</h1><p>Lynas Rare Earths said its Kalgoorlie plant produced 2,204 tonnes "
            "of NdPr in the quarter, up 12% on the previous quarter, as the mixed rare earth carbonate circuit ran at 80% of design.</p>"
            "<p>Chief Executive Amanda Lacaze said the plant would reach nameplate capacity by the middle of 2027.</p></article></body></html>")
    lynas = http_server.set("/mail/lynas", page)
    gone = http_server.url("/mail/gone")
    email = tmp_path / "Google Alert - rare earth.eml"
    email.write_bytes(google_alerts_email([
        {"title": "Lynas lifts Kalgoorlie rare earth output", "publisher": "MINING.COM", "url": lynas, "teaser": "Lynas Rare Earths said its Kalgoorlie plant ..."},
        {"title": "A story that is gone", "publisher": "Reuters", "url": gone, "teaser": "China's exports of rare earth magnets fell ..."},
    ]))
    report = ingest([str(email)])
    assert report.counts["new"] == 1 and report.counts["failed"] == 1
    (failure,) = by_status(report)["failed"]
    assert failure.location == gone and "the page a list links to failed" in failure.error and "404" in failure.error
    (row,) = stores(assay_home)[0].articles()
    assert (row.url, row.title, row.source) == (lynas, "Lynas lifts Kalgoorlie rare earth output", "MINING.COM")
    assert row.published.isoformat().startswith("2026-11-29T21:00") and "nameplate capacity" in row.body
    assert ingest([str(email)]).counts["unchanged"] == 1
    # The same alert as Google's HTML alone: the same headlines, so the same article, unchanged.
    from tests.test_formats_email import html_digest, message

    html_only = tmp_path / "Google Alert (HTML).eml"
    html_only.write_bytes(message(subject="Google Alert - rare earth", plain=None, html=html_digest([
        {"title": "Lynas lifts Kalgoorlie rare earth output", "publisher": "MINING.COM", "url": lynas, "teaser": "Lynas Rare Earths said…"},
        {"title": "A story that is gone", "publisher": "Reuters", "url": gone, "teaser": "China's exports of rare earth magnets fell…"}])))
    again = ingest([str(html_only)])
    assert again.counts["unchanged"] == 1 and again.counts["failed"] == 1, again.results
    # A reading list pasted into a text file: a bare link's article is titled by its page.
    (tmp_path / "reads.txt").write_text(f"Worth a read:\n\n- Lynas lifts Kalgoorlie rare earth output: {lynas}\n- {http_server.url('/mail/mp')}\n")
    http_server.set("/mail/mp", page.replace("Lynas lifts output", "MP ships magnets").replace("Lynas Rare Earths", "MP Materials"))
    report = ingest([str(tmp_path / "reads.txt")])
    assert report.counts == {"new": 1, "updated": 0, "unchanged": 1, "duplicate": 0, "removed": 0, "failed": 0}
    titles = {r.title for r in stores(assay_home)[0].articles()}
    assert titles == {"Lynas lifts Kalgoorlie rare earth output", "MP ships magnets"}


def test_a_link_to_a_feed_in_a_reading_list_is_the_feeds_articles(ingest, assay_home, http_server, private_links, tmp_path):
    """A reading list whose link leads to a feed (several articles) rather than a page had ended the
    whole ingest in a traceback ("too many values to unpack"); the feed's articles are read instead."""
    feed = http_server.set("/linked/feed.xml", rss([
        {"title": f"Linked {n}", "link": f"https://example.com/linked/{n}", "html": article_html(20 + n)} for n in range(2)
    ]), content_type="application/rss+xml")
    (tmp_path / "reads.txt").write_text(f"Worth a read:\n\n- The Lynas feed: {feed}\n- {http_server.url('/linked/none')}\n")
    report = ingest([str(tmp_path / "reads.txt")])
    assert (report.counts["new"], report.counts["failed"]) == (2, 1), report.results
    assert {r.title for r in stores(assay_home)[0].articles()} == {"Linked 0", "Linked 1"}


def test_a_monitoring_export_ingests_its_rows(ingest, assay_home, http_server, private_links, tmp_path):
    """A media-monitoring tool's .csv: a row with its text is that article; a row with a teaser and a
    link is read from its page; re-ingesting the export changes nothing."""
    from tests.test_formats_table import LYNAS, export, workbook

    page = ("<!doctype html><html><head><title>MP ships magnets</title>"
            "<meta property='article:published_time' content='2026-11-25T08:00:00Z'></head><body><article>"
            "<h1>MP Materials ships first magnets from Fort Worth</h1><p>MP Materials said it shipped its first commercial "
            "NdFeB magnets from its Fort Worth plant to General Motors, two months later than planned.</p></article></body></html>")
    mp = http_server.set("/export/mp", page)
    path = tmp_path / "Meltwater export.csv"
    path.write_bytes(export([["Date", "Headline", "Source", "URL", "Hit Sentence", "Full Text"],
                             ["27/11/2026", "Lynas posts record NdPr output", "Reuters", "", "", LYNAS],
                             ["25/11/2026", "MP Materials ships magnets", "Mining.com", mp, "MP Materials said it shipped…", ""]]))
    assert ingest([str(path)]).counts["new"] == 2
    rows = {r.title: r for r in stores(assay_home)[0].articles()}
    assert rows["Lynas posts record NdPr output"].source == "Reuters" and "3,200 tonnes" in rows["Lynas posts record NdPr output"].body
    assert rows["MP Materials ships magnets"].source == "Mining.com" and "General Motors" in rows["MP Materials ships magnets"].body
    assert ingest([str(path)]).counts["unchanged"] == 2
    # The same export as an Excel workbook: the same two articles, unchanged.
    book = tmp_path / "Meltwater export.xlsx"
    book.write_bytes(workbook({"Articles": [["Date", "Headline", "Source", "URL", "Hit Sentence", "Full Text"],
                                            ["27/11/2026", "Lynas posts record NdPr output", "Reuters", "", "", LYNAS],
                                            ["25/11/2026", "MP Materials ships magnets", "Mining.com", mp, "MP Materials said it shipped…", ""]]}))
    assert ingest([str(book)]).counts["unchanged"] == 2


def test_a_scanned_notice_and_a_screenshot_are_read_by_ocr(ingest, assay_home, tmp_path):
    from assay.readers import ocr
    from tests.test_formats_ocr import NOTICE, scanned_pdf, screenshot

    if not ocr.tesseract_available():
        pytest.skip("Tesseract is not installed (apt install tesseract-ocr)")
    (tmp_path / "Scan_20261009.pdf").write_bytes(scanned_pdf())
    (tmp_path / "Screenshot.png").write_bytes(screenshot([("title", "Lynas posts record NdPr output"), NOTICE[2]]))
    report = ingest([str(tmp_path / "Scan_20261009.pdf"), str(tmp_path / "Screenshot.png")])
    assert report.counts["new"] == 2, report.results
    rows = {r.title: r for r in stores(assay_home)[0].articles()}
    notice = rows["Announcement on Export Controls for Certain Rare Earth Items"]
    assert notice.source == "Ministry of Commerce of the People's Republic of China" and "58,142 tonnes" in notice.body
    assert notice.reading_notes[0].startswith("a scanned PDF of 2 pages: its text read by OCR")  # kept with the article, for show and the report
    assert "Lynas posts record NdPr output" in rows
    assert ingest([str(tmp_path / "Scan_20261009.pdf")]).counts["unchanged"] == 1


def test_re_ingesting_an_article_read_before_its_notes_were_kept_adds_them(ingest, assay_home, tmp_path):
    (tmp_path / "wire.txt").write_text("Lynas lifts output\n\nSYDNEY, March 4, 2026 (Reuters) - Lynas Rare Earths said on Wednesday it "
                                       "produced 3.4 tons of dysprosium oxide in Malaysia in January and February.\n")
    assert ingest([str(tmp_path / "wire.txt")]).counts["new"] == 1
    registry = stores(assay_home)[0]
    (row,) = registry.articles()
    assert "source taken from the dateline: Reuters" in row.reading_notes
    registry.refresh_reading([row.model_copy(update={"reading_notes": []})])  # as an article ingested before notes were kept
    assert ingest([str(tmp_path / "wire.txt")]).counts["unchanged"] == 1
    again = stores(assay_home)[0].get(row.id)
    assert again.reading_notes == row.reading_notes and again.version == row.version
    # A publisher read before the reader knew the opening's (the folder's name) becomes the reader's, as the notes say.
    registry.refresh_reading([row.model_copy(update={"source": "n"})])
    report = ingest([str(tmp_path / "wire.txt")])
    assert report.counts["updated"] == 1 and "publisher read again: Reuters (was n); its text is unchanged" in report.results[0].notes
    assert stores(assay_home)[0].get(row.id).source == "Reuters" and stores(assay_home)[0].get(row.id).version == row.version


def test_re_ingesting_after_a_reader_learns_a_file_s_headings_updates_the_article(ingest, assay_home, tmp_path):
    """The body is the same but the headings are new (a newer reader): the classifier reads a statement's
    section, so the article is updated, not left as it was read before."""
    (tmp_path / "note.md").write_text("# Lynas lifts output\n\n## What the company said\n\nLynas Rare Earths said it produced "
                                      "3.4 tons of dysprosium oxide in January.\n\n## Our view\n\nThe ramp-up looks slow to us.\n")
    assert ingest([str(tmp_path / "note.md")]).counts["new"] == 1
    registry = stores(assay_home)[0]
    (row,) = registry.articles()
    assert [s.heading for s in row.sections if s.heading] == ["What the company said", "Our view"]
    from assay.types import Section

    older = row.model_copy(update={"sections": [Section(heading=None, start=0, end=len(row.body))]})  # as an older reader left it
    assert older.content_hash != row.content_hash
    registry.record_article(older, row.chunk_count)
    assert ingest([str(tmp_path / "note.md")]).counts["updated"] == 1
    again = stores(assay_home)[0].get(row.id)
    assert [s.heading for s in again.sections if s.heading] == ["What the company said", "Our view"] and again.body == row.body
    assert ingest([str(tmp_path / "note.md")]).counts["unchanged"] == 1


def test_a_local_file_read_again_after_an_edit_is_a_new_version_of_its_article(ingest, assay_home, tmp_path):
    """A file has no URL, so its article's id comes from its text: an edit (or a newer reader) must
    still make a new version of that article, not a second article that "corroborates" the first.
    Another article saved later under the same name is another article."""
    path = tmp_path / "lynas.txt"
    text = ("Lynas flags slower ramp-up\n\nSYDNEY, March 4, 2026 (Reuters) - Lynas Rare Earths said on Wednesday that output of "
            "separated dysprosium and terbium at its Malaysian plant would reach only about half of its planned rate by June, "
            "blaming a shortfall in mixed feed from its Mount Weld mine. The company had told investors in August that the "
            "heavy rare earths circuit would run at full rate by the end of the year.\n")
    path.write_text(text)
    assert ingest([str(path)]).counts["new"] == 1
    registry = stores(assay_home)[0]
    (first,) = registry.articles()

    path.write_text(text.replace("about half", "about 40%"))  # the user corrects a figure
    report = ingest([str(path)])
    assert report.counts["updated"] == 1 and not report.counts["new"], report
    assert any(f"new version of article {first.id}" in n for n in report.results[0].notes)
    (again,) = registry.articles()
    assert (again.id, again.version) == (first.id, 2) and "about 40%" in again.body
    assert ingest([str(path)]).counts["unchanged"] == 1

    path.write_text("MP Materials starts magnets\n\nMP Materials said its Fort Worth plant shipped its first sintered NdFeB "
                    "magnets to General Motors this week, two years after construction began on the site.\n")
    assert ingest([str(path)]).counts["new"] == 1
    assert len(registry.articles()) == 2 and registry.get(first.id).body == again.body  # the earlier article is kept whole
    assert_consistent(assay_home)


def test_local_folder_of_text_markdown_and_html(ingest, assay_home, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "lynas.txt").write_text("Lynas update\n\nLynas Rare Earths produced 10,000 tonnes of NdPr oxide last year.\n")
    (folder / "mp.md").write_text("# MP Materials\n\nMP Materials began magnet production in **Fort Worth**.\n")
    (folder / "baotou.html").write_text(
        "<html><head><title>Baotou</title></head><body><article><h1>Baotou smelter</h1><p>China Northern Rare Earth raised "
        "its annual rare-earth metal capacity to 11,200 tons at its Baotou smelter, the company said.</p></article></body></html>"
    )
    assert ingest([str(folder)]).counts["new"] == 3
    assert ingest([str(folder)]).counts["unchanged"] == 3
    titles = {r.title for r in stores(assay_home)[0].articles()}
    assert {"Lynas update", "MP Materials"} <= titles


def test_a_folder_of_mail_and_a_download_of_a_deck_a_transcript_and_office_files(ingest, assay_home, tmp_path):
    from datetime import UTC, datetime

    from tests.outlook_msg import outlook_message
    from tests.test_formats_archive import WIRE, zipped
    from tests.test_formats_docx import kestrel_release
    from tests.test_formats_email import message, with_attachments
    from tests.test_formats_odt import odt
    from tests.test_formats_outlook import BODY
    from tests.test_formats_pptx import results_deck
    from tests.test_formats_subtitles import FIXTURES
    from tests.word97_doc import FOOTNOTES, RELEASE, word97_document

    webcast = (FIXTURES / "Lynas interview.srt").read_bytes()

    folder = tmp_path / "Mail"
    folder.mkdir()
    (folder / "Lynas lifts output.msg").write_bytes(outlook_message(
        "Lynas lifts heavy rare earths output", BODY, sender_name="Mining Weekly", sent=datetime(2026, 3, 3, 8, 15, tzinfo=UTC)))
    (folder / "MP ramps.eml").write_bytes(message(subject="MP Materials ramps magnets", plain=BODY.replace("Lynas Rare Earths", "MP Materials")))
    # An investor-relations mail: a cover note, and the release as a Word attachment, which is the article.
    (folder / "Kestrel IR.eml").write_bytes(with_attachments("Please find attached today's ASX announcement. Kind regards, IR",
                                                             {"KRE announcement.docx": kestrel_release()}, sender="ir@kestrel.example"))
    (tmp_path / "Files (1).zip").write_bytes(zipped({"Reuters/lynas-quarter.txt": WIRE.encode(), "chart.png": b"\x89PNG",
                                                     "MP Q3 deck.pptx": results_deck(), "Lynas interview.srt": webcast,
                                                     "UK progress update.odt": odt(), "KRE release.doc": word97_document(RELEASE, FOOTNOTES)}))
    report = ingest([str(folder), str(tmp_path / "Files (1).zip")])
    assert report.counts["new"] == 8, report.results
    rows = {r.title: r for r in stores(assay_home)[0].articles()}
    assert rows["Lynas lifts heavy rare earths output"].source == "Mining Weekly" and "MP Materials ramps magnets" in rows
    assert any(r.source == "Reuters" and "nameplate" in r.body for r in rows.values())
    assert rows["MP Materials, Investor Presentation, Third Quarter 2026"].source == "MP Materials Corp."
    assert "-->" not in rows["Lynas interview"].body and "by the middle of 2027" in rows["Lynas interview"].body
    assert rows["UK Critical Minerals Strategy: progress update"].source == "Department for Business and Trade"
    kestrel = [r for r in stores(assay_home)[0].articles() if r.title == "Kestrel Rare Earths Commissions Second Separation Circuit"]
    assert len(kestrel) == 2 and {r.source for r in kestrel} == {"Kestrel Rare Earths Limited"}  # the .doc in the .zip, the mail's .docx
    assert any("Kestrel IR.eml" in r.source_url for r in kestrel)
    assert ingest([str(folder), str(tmp_path / "Files (1).zip")]).counts["unchanged"] == 8


def test_files_saved_in_downloads_are_published_by_whom_their_opening_names(ingest, assay_home, tmp_path):
    """A folder anyone saves anything in names no publisher: the dateline, masthead or release does;
    a date line in the opening dates the article."""
    from tests.test_formats_docx import kestrel_release
    from tests.test_formats_email import message

    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "wire.txt").write_text("Lynas lifts output\n\nSYDNEY, March 4 (Reuters) - Lynas Rare Earths said on Wednesday it produced "
                                     "3.4 tons of dysprosium oxide in Malaysia in January and February.\n")
    saved = datetime(2026, 3, 5, 8, tzinfo=UTC).timestamp()  # saved the day after it ran: the dateline's year is the file's
    os.utime(folder / "wire.txt", (saved, saved))
    (folder / "release.txt").write_text(
        "Acme Metals reports Kasba assays\n\nTORONTO, Feb. 3, 2026 (GLOBE NEWSWIRE) -- Acme Metals Corp. (TSXV: ACM) is pleased to "
        "report assays from its Kasba project, including 12 metres of 2.1% TREO.\n")
    (folder / "note.txt").write_text("NdPr outlook\n\nKestrel Capital Markets | Equity Research | 3 March 2026\n\nWe raise our NdPr oxide "
                                     "price forecast for 2026 to US$80 a kilogram, as ex-China buyers pay a rising premium.\n")
    (folder / "plain.txt").write_text("Baotou update\n\nChina Northern Rare Earth raised its smelting capacity to 11,200 tons a year.\n")
    (folder / "kestrel.docx").write_bytes(kestrel_release())  # a Word release, dated "9 March 2026" under its title
    (folder / "alert.eml").write_bytes(message())  # a newsletter: its subject, its sender, the day it was sent
    assert ingest([str(folder)]).counts["new"] == 6
    articles = stores(assay_home)[0].articles()
    sources = {r.title: r.source for r in articles}
    assert sources == {"Lynas lifts output": "Reuters", "Acme Metals reports Kasba assays": "Acme Metals Corp.",
                       "NdPr outlook": "Kestrel Capital Markets", "Baotou update": "files",
                       "Kestrel Rare Earths Commissions Second Separation Circuit": "Kestrel Rare Earths Limited",
                       "Lynas lifts heavy rare earths output": "Mining Weekly"}
    dated = {r.title: r.published.date().isoformat() for r in articles if r.published}
    assert dated == {"NdPr outlook": "2026-03-03", "Acme Metals reports Kasba assays": "2026-02-03", "Lynas lifts output": "2026-03-04",
                     "Kestrel Rare Earths Commissions Second Separation Circuit": "2026-03-09", "Lynas lifts heavy rare earths output": "2026-03-03"}


def test_an_event_is_emitted_for_each_new_or_changed_article(ingest, assay_home, http_server, monkeypatch):
    import assay.flows.ingest as ingest_module

    emitted = []
    real_emit = ingest_module.emit_event

    def recording_emit(**kwargs):
        event = real_emit(**kwargs)
        emitted.append((kwargs["event"], event))
        return event

    monkeypatch.setattr(ingest_module, "emit_event", recording_emit)
    items = [{"title": "Evented", "link": "https://example.com/evented", "html": article_html(8)}]
    url = http_server.set("/events.xml", rss(items), content_type="application/xml")
    ingest([url])
    ingest([url])
    assert [name for name, _ in emitted] == ["assay.article.new"]
    assert emitted[0][1] is not None and emitted[0][1].resource.id.startswith("assay.article.")


def test_ingest_into_a_chroma_server_by_url(ingest, assay_home, http_server, chroma_server, monkeypatch):
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_CHROMA_URL", chroma_server)
    get_settings.cache_clear()
    settings = get_settings()
    items = [{"title": f"Remote {n}", "link": f"https://example.com/remote/{n}", "html": article_html(n)} for n in (1, 2)]
    url = http_server.set("/remote.xml", rss(items), content_type="application/xml")
    assert ingest([url]).counts["new"] == 2
    import chromadb

    host, port, _ = settings.chroma_host_port
    on_server = chromadb.HttpClient(host=host, port=port).get_collection(settings.chroma_collection)
    assert on_server.count() == ChunkStore(settings).count() > 0
    assert on_server.configuration["hnsw"]["ef_search"] == settings.chroma_ef_search  # the search Assay asks for
    assert not settings.chroma_path.exists()  # nothing went to the embedded store
    assert_consistent(settings)
    assert ingest([url]).counts["unchanged"] == 2


@pytest.mark.parametrize("limit", [1, 3])
def test_fetches_respect_the_fetch_concurrency_setting(ingest, assay_home, http_server, monkeypatch, limit):
    from assay.settings import get_settings

    monkeypatch.setenv("ASSAY_FETCH_CONCURRENCY", str(limit))
    get_settings.cache_clear()
    page = "<html><head><title>Page {n}</title></head><body><article><h1>Deal {n}</h1><p>{text}</p></article></body></html>"
    text = "Iluka Resources said its Eneabba refinery will separate {n} kt of rare earths from monazite from 2027 onwards. " * 3
    urls = [http_server.set(f"/limit{limit}/{n}", page.format(n=n, text=text.format(n=n)), delay_s=0.4) for n in range(5)]
    http_server.most_in_flight = 0
    assert ingest(urls).counts["new"] == 5
    assert http_server.most_in_flight == limit


def test_links_in_a_feed_never_reach_private_addresses_unless_allowed(ingest, assay_home, http_server):
    page = "<html><head><title>Inside</title></head><body><article><h1>Inside</h1><p>" + "Internal text. " * 60 + "</p></article></body></html>"
    inside = http_server.set("/private/page", page)
    feed = http_server.set("/private.xml", rss([{"title": "Teaser", "link": inside, "description": "Short teaser…"}]), content_type="application/xml")
    report = ingest([feed])
    (failed,) = [r for r in report.results if r.status.value == "failed"]
    assert "private or loopback" in failed.error and "ASSAY_FETCH_PRIVATE_LINKS" in failed.error
    assert http_server.hits.get("/private/page", 0) == 0  # never requested
    assert report.fetched == [feed, inside]


def test_the_same_text_under_two_urls_is_one_article_with_an_alias(ingest, assay_home, http_server):
    body = article_html(11)
    first = {"title": "Lynas ships", "link": "https://example.com/original/lynas", "html": body}
    copy = {"title": "Lynas ships (syndicated)", "link": "https://wire.example.net/lynas-copy", "html": body}
    url = http_server.set("/syndication.xml", rss([first]), content_type="application/xml")
    assert ingest([url]).counts["new"] == 1
    http_server.set("/syndication.xml", rss([first, copy]), content_type="application/xml")
    report = ingest([url])
    (duplicate,) = by_status(report)["duplicate"]
    registry, _ = stores(assay_home)
    original = registry.article_for_url("https://example.com/original/lynas")
    assert duplicate.notes and original in duplicate.notes[0]
    assert registry.article_for_url("https://wire.example.net/lynas-copy") == original
    assert registry.counts()["articles"] == 1


def test_short_bodies_alike_by_accident_are_not_syndicated_copies(assay_home):
    """Two pages that both came out as the same cookie-wall sentence stay two articles."""
    from assay.articles import to_article
    from assay.flows.ingest import dedupe
    from assay.types import RawItem

    wall = "<p>Please accept cookies to continue reading this article.</p>"
    items = [RawItem(source="x", source_url="x", url=f"https://example.com/{n}", title=f"Page {n}", content=wall) for n in (1, 2)]
    pending, done, aliases = dedupe.fn([(to_article(i), None, []) for i in items], assay_home)
    assert len(pending) == 2 and done == [] and aliases == []


def test_what_another_ingest_stored_meanwhile_is_unchanged_not_new_twice(ingest, assay_home, tmp_path, monkeypatch):
    """Seen here: two `assay ingest` of the same 468 files at once each reported "457 new" (and emitted each
    article's event twice), though the store held each once. Another ingest runs here between this one's look at
    the registry and its record."""
    import subprocess
    import sys
    from pathlib import Path

    from assay.flows import ingest as ingest_module
    from tests.test_cli import subprocess_env

    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "lynas.txt").write_text("Lynas update\n\nLynas Rare Earths produced 10,600 tonnes of NdPr oxide in the year to June.\n")
    (folder / "mp.txt").write_text("MP Materials update\n\nMP Materials began commercial magnet production in Fort Worth this quarter.\n")
    looked = ingest_module.dedupe
    other: list[str] = []

    def another_ingest_meanwhile(*args, **kwargs):
        found = looked(*args, **kwargs)
        done = subprocess.run([str(Path(sys.executable).with_name("assay")), "ingest", "--no-analyse", str(folder)],
                              env=subprocess_env(assay_home.home) | ({"ASSAY_DATABASE_URL": assay_home.registry_url}
                                                                     if assay_home.database_url else {}),
                              capture_output=True, text=True, timeout=300)
        other.append(done.stdout + done.stderr)
        return found

    monkeypatch.setattr(ingest_module, "dedupe", another_ingest_meanwhile)
    report = ingest([str(folder)])
    assert "2 new, 0 updated, 0 unchanged" in other[0], other[0]
    assert report.counts["new"] == 0 and report.counts["unchanged"] == 2
    assert all("stored meanwhile by another ingest" in r.notes[-1] for r in report.results)
    assert services_counts(assay_home) == (2, 2)
    assert_consistent(assay_home)


def services_counts(settings) -> tuple[int, int]:
    counts = Registry(settings.registry_url).counts()
    return counts["articles"], counts["article_versions"]


def test_a_page_that_only_sends_its_reader_on_is_followed_once_when_named_by_its_address(ingest, assay_home, http_server):
    """A link shortener's or a moved story's stop (`<meta http-equiv="refresh" content="0; url=…">`) named by its URL
    had been refused with "ingest that address": a browser goes on by itself, and so does a fetch, once."""
    story = http_server.set("/moved/lynas-output", _deal_page(4))
    stop = http_server.set("/go/lynas", '<html><head><title>Redirecting</title><meta http-equiv="refresh" content="0; url=/moved/lynas-output">'
                                        '</head><body><p>Redirecting to <a href="/moved/lynas-output">the story</a>…</p></body></html>')
    chain = http_server.set("/go/twice", f'<html><head><meta http-equiv="refresh" content="0;URL={stop}"></head><body>Moved.</body></html>')
    report = ingest([stop])
    (result,) = report.results
    assert result.status.value == "new", result
    (article,) = stores(assay_home)[0].articles()
    assert article.url == story and "4000 tonnes" in article.body
    assert any(f"followed the page's refresh from {stop} to {story}" in note for note in article.reading_notes)
    (twice,) = ingest([chain]).results  # one hop only: the second stop is refused by name, as a saved one is
    assert twice.status.value == "failed" and f"the page only sends its reader on to {story}" in twice.error
