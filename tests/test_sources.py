import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assay import readers
from assay.articles import to_article
from assay.readers import content_type_for, parse, reader_for, supported_suffixes
from assay.settings import Settings
from assay.sources import SourceError, decode, expand_source, read_file, unread_files
from assay.types import Fetched, RawItem, SourceKind
from tests.conftest import SAMPLE_FEED, article_html, rss


def fetched(content: bytes | str, source: str = "feed.xml", **kw) -> Fetched:
    return Fetched(source=source, content=content.encode() if isinstance(content, str) else content, **kw)


def test_sample_feed_parses_into_25_items_with_metadata():
    kind, title, items = parse(fetched(SAMPLE_FEED.read_bytes(), str(SAMPLE_FEED), content_type="application/xml"))
    assert (kind, title, len(items)) == (SourceKind.feed, "Clean Energy Technology | Rare Earth Exchanges", 25)
    first = items[0]
    assert first.title.startswith("You Can’t Recycle Your Way Out")
    assert first.url == first.guid == "https://rareearthexchanges.com/news/you-cant-recycle-your-way-out-the-new-york-times-sidesteps-the-hard-reality-of-rare-earths/"
    assert first.published == datetime(2026, 2, 7, 4, 49, 20, tzinfo=UTC)
    article = to_article(first)
    assert len(article.highlights) == 7 and "Highlights" not in article.body
    assert article.body.startswith("In a February 6 opinion essay in The New York Times")


def test_rss_metadata_and_content_encoded_preferred_over_description():
    feed = rss([{
        "title": "Lynas expands", "link": "https://example.com/a?utm_source=x", "guid": "tag:1", "author": "Jane Analyst",
        "categories": ["Rare Earths", "Lynas"], "description": "Short teaser.", "html": article_html(1),
    }])
    _, _, (item,) = parse(fetched(feed))
    assert (item.author, item.categories, item.guid) == ("Jane Analyst", ["Rare Earths", "Lynas"], "tag:1")
    assert "Paragraph 0 of article 1" in item.content and "Short teaser" not in item.content
    assert to_article(item).url == "https://example.com/a"


def test_atom_feed():
    atom = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Feed</title><id>urn:f</id><updated>2026-02-03T10:00:00Z</updated>
<entry><title>MP Materials ships magnets</title><link href="https://example.com/mp"/><id>urn:e1</id>
<updated>2026-02-03T10:00:00Z</updated><author><name>Desk</name></author>
<content type="html">&lt;p&gt;MP Materials shipped NdFeB magnets from Fort Worth.&lt;/p&gt;</content></entry></feed>"""
    kind, title, (item,) = parse(fetched(atom))
    assert (kind, title, item.title, item.url, item.guid, item.author) == (
        SourceKind.feed, "Atom Feed", "MP Materials ships magnets", "https://example.com/mp", "urn:e1", "Desk")
    assert to_article(item).body == "MP Materials shipped NdFeB magnets from Fort Worth."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        # Not UTF-8, and no encoding decodes it cleanly (undefined cp1252 bytes, stray marks):
        (b"Lynas \x9d\x81\x8f\x90\x8d output", "not valid utf-8 .* could not be recognised; convert it to UTF-8 or declare its charset"),
    ],
)
def test_decode_refuses_empty_binary_and_unrecognisable_text(content, message):
    with pytest.raises(SourceError, match=message):
        decode(fetched(content, "notes.txt"))


SCRIPT = """import json
from pathlib import Path


def load_prices(path: Path) -> dict[str, float]:
    # NdPr oxide prices by date, from the exchange's export
    rows = json.loads(path.read_text())
    return {row["date"]: float(row["ndpr_usd_kg"]) for row in rows if row.get("ndpr_usd_kg")}


if __name__ == "__main__":
    print(load_prices(Path("prices.json")))
"""


def test_code_in_a_folder_of_articles_is_refused_with_its_reason():
    """Seen here: a Python script named .txt was ingested as an article and analysed into statements of
    code. Prose with links, a Markdown table and an address stays an article."""
    with pytest.raises(SourceError, match=r"notes.txt: reads as program code or data, not an article \(\d+% .*leave it out"):
        parse(fetched(SCRIPT, "/tmp/articles/notes.txt", content_type="text/plain"))
    prose = ("# Lynas output rises\n\nLynas Rare Earths said NdPr output rose 12% in the quarter "
             "([release](https://lynasrareearths.com/wp-content/uploads/2026/10/q1_report_final.pdf)); contact ir@lynas.com.\n\n"
             "| Product | Q1 FY26 | Q4 FY25 |\n|---|---|---|\n| NdPr (t) | 2,204 | 1,968 |\n\n") * 4
    _, _, (item,) = parse(fetched(prose, "/tmp/articles/lynas.md", content_type="text/markdown"))
    assert item.title == "Lynas output rises"


def test_undeclared_latin_1_is_guessed_as_cp1252_and_says_so():
    text = decode(fetched("Caf\u00e9 prices".encode("latin-1"), "notes.txt"))
    assert (text, text.encoding, text.guessed, text.note) == ("Café prices", "cp1252", True, "decoded as cp1252 (guessed)")
    assert decode(fetched("Café prices", "notes.txt")).note is None  # UTF-8 is not a guess


def test_declared_charset_is_honoured():
    assert decode(fetched("Caf\u00e9".encode("latin-1"), "page", charset="iso-8859-1")) == "Café"


def test_malformed_xml_fails_the_whole_feed():
    broken = rss([{"title": "A", "link": "https://example.com/a", "html": "<p>x</p>"}]).replace("</channel>", "")
    with pytest.raises(SourceError, match="malformed feed XML"):
        parse(fetched(broken))


def test_html_page_where_a_feed_was_expected():
    page = "<!doctype html><html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>"
    with pytest.raises(SourceError, match="expected a feed but got an HTML page"):
        parse(fetched(page, "https://example.com/feed", url="https://example.com/feed", content_type="text/html"), SourceKind.feed)
    with pytest.raises(SourceError, match="an HTML page, not a feed"):
        parse(fetched(page, "fake.xml"))


def test_unsupported_scheme_and_missing_path(tmp_path):
    with pytest.raises(SourceError, match="unsupported URL scheme 'ftp'"):
        expand_source("ftp://example.com/feed.xml", supported_suffixes())
    with pytest.raises(SourceError, match="no such file"):
        expand_source(str(tmp_path / "missing.txt"), supported_suffixes())


def test_folder_expands_to_supported_files_only(tmp_path):
    for name in ("a.txt", "b.md", "c.html", "d.xml", "e.pdf", "f.docx", "g.eml", "h.rtf", "skip.png", "skip.xls"):
        (tmp_path / name).write_text("x")
    assert [p.rsplit("/", 1)[1] for p in expand_source(str(tmp_path), supported_suffixes())] == [
        "a.txt", "b.md", "c.html", "d.xml", "e.pdf", "f.docx", "g.eml", "h.rtf"]
    assert expand_source(f"file://{tmp_path}/a.txt", supported_suffixes()) == [f"{tmp_path}/a.txt"]


def test_page_extraction_keeps_the_article_not_the_chrome():
    page = """<!doctype html><html><head><title>Site</title><link rel="canonical" href="https://news.example.com/lynas-texas"></head>
<body><nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<article><h1>Lynas picks Texas for heavy rare earths</h1>
<p>Lynas Rare Earths said on Tuesday it would build a heavy rare earth separation plant in Seadrift, Texas, with US Department of Defense funding.</p>
<h2>What changes</h2><p>The plant would separate dysprosium and terbium, which today come almost entirely from China, according to the company.</p></article>
<div class="comments"><h3>Leave a Reply</h3><p>Great article, thanks!</p></div><footer>Copyright 2026 Example News</footer></body></html>"""
    kind, _, (item,) = parse(fetched(page, "https://news.example.com/x", url="https://news.example.com/x", content_type="text/html"))
    article = to_article(item)
    assert kind is SourceKind.page and article.url == "https://news.example.com/lynas-texas"
    assert "Seadrift, Texas" in article.body and "dysprosium and terbium" in article.body
    assert "About us" not in article.body and "Great article" not in article.body and "Copyright" not in article.body
    assert any(s.heading == "What changes" for s in article.sections)


def test_text_file_identity_is_its_content():
    one = to_article(parse(fetched("MP Materials\n\nMP Materials raised output.", "/tmp/mp.txt", content_type="text/text"))[2][0])
    two = to_article(parse(fetched("MP Materials\n\nMP Materials raised output.", "/tmp/copy.txt", content_type="text/text"))[2][0])
    assert one.url is None and one.id == two.id and one.title == "MP Materials"


def test_empty_folder_names_the_registered_suffixes(tmp_path):
    (tmp_path / "skip.png").write_bytes(b"x")
    with pytest.raises(SourceError, match=r"folder holds no \.nitf, \.enex, \.xml, \.rss, \.atom, \.vtt, \.srt, \.csv, \.tsv, \.txt, \.md, \.markdown, \.html, \.htm, \.pdf, \.docx, \.pptx, \.odt, \.xlsx, \.rtf, \.doc, \.msg, \.zip, \.mhtml, \.mht or \.eml files"):
        expand_source(str(tmp_path), supported_suffixes())


def test_a_folders_files_no_reader_takes_by_name_are_named_not_passed_over(tmp_path):
    # An Evernote export had been passed over without a word before its reader was written.
    (tmp_path / "story.txt").write_text("Lynas\n\nLynas raised output.")
    (tmp_path / "photo.png").write_bytes(b"x")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "clip.onepkg").write_bytes(b"x")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref")
    assert expand_source(str(tmp_path), supported_suffixes()) == [str(tmp_path / "story.txt")]
    assert unread_files(str(tmp_path), supported_suffixes()) == [str(tmp_path / "notes" / "clip.onepkg"), str(tmp_path / "photo.png")]
    assert unread_files(str(tmp_path / "story.txt"), supported_suffixes()) == []


# Today's precedence, from the registry's order and each reader's sniff: feed markup first, then a
# local file's own name (unless it opens with HTML markup), then HTML (markup or content type), then an XML name or type, then any text/*.
@pytest.mark.parametrize(
    ("content", "source", "url", "content_type", "kind"),
    [
        (rss([]), "/notes/feed.txt", None, "text/plain", SourceKind.feed),  # feed markup beats a .txt name
        (rss([]), "https://ex.com/news", "https://ex.com/news", "text/html", SourceKind.feed),  # and an HTML type
        # A page saved under a text name opens with its markup: it is read as the page it is.
        ("<!doctype html><html><body><p>Hi</p></body></html>", "/notes/page.md", None, "text/markdown", SourceKind.page),
        ("<html><head><title>Hi</title></head><body><p>Hi</p></body></html>", "/notes/page.txt", None, "text/plain", SourceKind.page),
        ("Notes on <b>NdPr</b> prices.\n\n<html> is not where this began.", "/notes/page.txt", None, "text/plain", SourceKind.file),
        ("<!doctype html><html><body><p>Hi</p></body></html>", "/notes/page.xml", None, "application/xml", SourceKind.feed),
        ("<!doctype html><html><body><p>Hi</p></body></html>", "/notes/page", None, "text/plain", SourceKind.page),
        ("<!doctype html><html><body><p>Hi</p></body></html>", "https://ex.com/f.xml", "https://ex.com/f.xml", "application/xml", SourceKind.page),
        ("Plain words", "https://ex.com/f.xml", "https://ex.com/f.xml", "text/plain", SourceKind.feed),
        ("Plain words", "https://ex.com/f", "https://ex.com/f", "text/xml", SourceKind.feed),
        ("Plain words", "https://ex.com/f", "https://ex.com/f", "text/html", SourceKind.page),
        ("Plain words", "https://ex.com/f", "https://ex.com/f", "text/plain", SourceKind.file),
    ],
)
def test_content_wins_over_the_name_in_registry_order(content, source, url, content_type, kind):
    assert reader_for(fetched(content, source, url=url, content_type=content_type))[0].kind is kind


def test_no_reader_accepts_an_unknown_content_type():
    with pytest.raises(SourceError, match="unsupported content type 'application/x-protobuf'"):
        parse(fetched('\x08\x96\x01', "https://ex.com/api", url="https://ex.com/api", content_type="application/x-protobuf"))
    # An API answering JSON that holds no articles says what it is.
    with pytest.raises(SourceError, match="https://ex.com/api: is JSON data"):
        parse(fetched('{"a": 1}', "https://ex.com/api", url="https://ex.com/api", content_type="application/json"))


class FakeBinaryReader:
    """A binary format known by its magic bytes, registered the way a PDF reader would be."""

    name = "fake"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".fake",)
    content_type = "application/x-fake"
    binary = True
    description = "a fake document"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return fetched.content.startswith(b"%FAKE")

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        body = fetched.content.removeprefix(b"%FAKE\x00").decode()
        return None, [RawItem(source="fake", source_url=fetched.source, title=body, content=body, content_format="text")]


def test_a_registered_binary_reader_is_chosen_by_content_before_decoding(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "READERS", [FakeBinaryReader(), *readers.READERS])
    (tmp_path / "misnamed.txt").write_bytes(b"%FAKE\x00Lynas annual report")  # a NUL byte: decode would refuse it
    (tmp_path / "report.fake").write_bytes(b"%FAKE\x00MP Materials output")
    (tmp_path / "notes.txt").write_text("Plain notes")
    (tmp_path / "skip.png").write_bytes(b"x")
    settings = Settings()

    assert [p.rsplit("/", 1)[1] for p in expand_source(str(tmp_path), supported_suffixes())] == ["misnamed.txt", "notes.txt", "report.fake"]
    kind, title, (item,) = parse(read_file(str(tmp_path / "misnamed.txt"), settings, content_type_for(Path("misnamed.txt").suffix)))
    assert (kind, title, item.title) == (SourceKind.file, None, "Lynas annual report")
    report = read_file(str(tmp_path / "report.fake"), settings, content_type_for(Path("report.fake").suffix))
    assert report.content_type == "application/x-fake"
    assert parse(report)[2][0].title == "MP Materials output"
    assert parse(read_file(str(tmp_path / "notes.txt"), settings, content_type_for(Path("notes.txt").suffix)))[2][0].title == "Plain notes"
    with pytest.raises(SourceError, match="expected a feed but got a fake document"):
        parse(report, SourceKind.feed)


# A feed reader's export as Feedly writes it: folders of feeds, one feed in two folders, an old
# "feed://" subscribe link, and an outline whose address is no web address.
FEEDLY_OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0">
  <head><title>Analyst subscriptions in feedly Cloud</title></head>
  <body>
    <outline text="Rare earths" title="Rare earths">
      <outline type="rss" text="REEx" title="REEx" xmlUrl="https://rareearthexchanges.com/feed/" htmlUrl="https://rareearthexchanges.com"/>
      <outline type="rss" text="Mining.com" title="Mining.com" xmlUrl="https://www.mining.com/feed/?cat=rare-earths&amp;x=1"/>
    </outline>
    <outline text="Companies">
      <outline type="rss" text="Lynas" xmlUrl="feed://lynasrareearths.com/feed/"/>
      <outline type="rss" text="REEx again" xmlUrl="https://rareearthexchanges.com/feed/"/>
      <outline type="rss" text="Notes" xmlUrl="notes.xml"/>
    </outline>
  </body>
</opml>
"""


def test_a_subscription_list_is_its_feeds_in_order_each_once(tmp_path):
    listed = ["https://rareearthexchanges.com/feed/", "https://www.mining.com/feed/?cat=rare-earths&x=1",
              "http://lynasrareearths.com/feed/"]
    (tmp_path / "subscriptions.opml").write_text(FEEDLY_OPML)
    assert expand_source(str(tmp_path / "subscriptions.opml"), supported_suffixes()) == listed
    # Some readers export it as .xml: its <opml> root says what it is, where a feed's would say <rss>.
    (tmp_path / "export.xml").write_text(FEEDLY_OPML)
    assert expand_source(f"file://{tmp_path}/export.xml", supported_suffixes()) == listed
    (tmp_path / "feed.xml").write_text(rss([{"title": "t", "link": "https://example.com/a", "html": "<p>x</p>"}]))
    assert expand_source(str(tmp_path / "feed.xml"), supported_suffixes()) == [str(tmp_path / "feed.xml")]


@pytest.mark.parametrize("content, message", [
    ("<html><body><p>Our subscriptions</p></body></html>", "not a subscription list .*export the list again"),
    ('<opml version="2.0"><head/><body><outline text="Empty folder"/></body></opml>', "names no http or https feeds"),
    ('<opml version="2.0"><body><outline type="rss" xmlUrl="local.xml"/></body></opml>', "names no http or https feeds"),
])
def test_a_subscription_list_that_names_no_feed_says_so(tmp_path, content, message):
    (tmp_path / "subs.opml").write_text(content)
    with pytest.raises(SourceError, match=message):
        expand_source(str(tmp_path / "subs.opml"), supported_suffixes())


def test_a_poll_reads_a_subscription_list_each_time_a_deployment_once(tmp_path):
    from assay.api import DeployError, feeds_to_poll

    opml = tmp_path / "subscriptions.opml"
    opml.write_text(FEEDLY_OPML)
    url = "https://example.com/feed.xml"
    assert feeds_to_poll([str(opml), url], read_lists=False) == [str(opml), url]
    assert feeds_to_poll([str(opml), url], read_lists=True)[-2:] == ["http://lynasrareearths.com/feed/", url]
    with pytest.raises(DeployError, match="missing.opml: no such file"):
        feeds_to_poll([str(tmp_path / "missing.opml")], read_lists=False)


@pytest.mark.parametrize("source", ["https://example.com/subscriptions.opml", "/home/analyst/articles/feeds.xml"])
def test_a_subscription_list_met_as_a_document_says_how_to_ingest_it(source):
    with pytest.raises(SourceError, match="a subscription list .*ingest the list by itself"):
        parse(fetched(FEEDLY_OPML, source=source, content_type="text/x-opml"))


@pytest.mark.parametrize("link, article", [
    ("https://www.google.com/url?rct=j&sa=t&url=https://www.reuters.com/markets/x/&ct=ga&cd=CAIy&usg=AOv", "https://www.reuters.com/markets/x/"),
    ("https://www.google.co.uk/url?q=https://www.mining.com/a%3Fb%3D1&sa=D", "https://www.mining.com/a?b=1"),
    ("https://eur02.safelinks.protection.outlook.com/?url=https%3A%2F%2Flynas.com%2Fnews&data=05%7C01", "https://lynas.com/news"),
    ("https://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=1&url=https%3a%2f%2fwww.ft.com%2fcontent%2fabc&c=1", "https://www.ft.com/content/abc"),
    ("https://www.google.com/search?q=rare+earth", "https://www.google.com/search?q=rare+earth"),  # a search, no tracker
    ("https://www.google.com/url?q=javascript:alert(1)", "https://www.google.com/url?q=javascript:alert(1)"),
])
def test_a_click_tracker_gives_way_to_the_article_it_leads_to(link, article):
    from assay.sources import unwrapped_link

    assert unwrapped_link(link) == article
    assert expand_source(link, supported_suffixes()) == [article]


def test_an_alert_feeds_items_are_their_publishers_articles():
    """Google Alerts' feed: each link wraps the article in Google's click tracker and each title bolds
    the words matched. The items were "Google Alert - rare earth"'s, titled "China's <b>rare earth</b>
    …", at Google's address (a new id for each alert that brought the same article)."""
    from tests.conftest import google_alerts_feed

    reuters = "https://www.reuters.com/markets/commodities/chinas-rare-earth-magnet-exports-fall-2026-11-20/"
    feed = google_alerts_feed([
        {"title": "China's <b>rare earth</b> magnet exports fall 12%", "url": reuters, "teaser": "China's exports of <b>rare earth</b> magnets fell ...",
         "published": "2026-11-20T08:13:22Z"},
        {"title": "Lynas &amp; MP: <b>rare earth</b> output", "url": "https://www.mining.com/lynas-mp/?utm_source=alerts", "teaser": "Lynas said ...",
         "published": "2026-11-19T22:40:00Z", "cd": "CAIyOther"},
    ])
    _, title, items = parse(fetched(feed, source="https://www.google.com/alerts/feeds/1/2", url="https://www.google.com/alerts/feeds/1/2"))
    assert title == "Google Alert - rare earth"
    assert [(i.title, i.url, i.source) for i in items] == [
        ("China's rare earth magnet exports fall 12%", reuters, "www.reuters.com"),
        ("Lynas & MP: rare earth output", "https://www.mining.com/lynas-mp/?utm_source=alerts", "www.mining.com"),
    ]
    assert to_article(items[1]).url == "https://www.mining.com/lynas-mp/"


def test_an_aggregators_item_is_published_by_the_source_it_names():
    """Google News's feed names each item's publisher in <source> and ends its title with it. Its
    older article ids hold the article's address (base64); its newer ones do not, and fetched they
    give Google's page: such items are left out, and a feed of nothing else is refused, with the way out."""
    import base64

    address = b"https://www.reuters.com/markets/lynas-lifts-output-2026-11-30/"
    old_id = base64.urlsafe_b64encode(b"\x08\x13\x22" + bytes([len(address)]) + address + b"\xd2\x01\x00").decode().rstrip("=")
    new_id = "AU_yqLMbh2kDm0tBdtZ8MG3kQx9p1mTqN7bcEcZcX0g"

    def feed(*ids: str) -> str:
        items = "".join(f"""<item><title>Story {n} - Reuters</title><link>https://news.google.com/rss/articles/{i}?oc=5</link>
<guid isPermaLink="false">{i}</guid><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate><description>Story {n}</description>
<source url="https://www.reuters.com">Reuters</source></item>""" for n, i in enumerate(ids))
        return f"""<rss version="2.0"><channel><title>"rare earth" - Google News</title>
<link>https://news.google.com/search?q=rare+earth</link>{items}</channel></rss>"""

    where = "https://news.google.com/rss/search?q=rare+earth"
    _, _, items = parse(fetched(feed(old_id, new_id), source=where, url=where))
    assert [(i.title, i.source, i.url) for i in items] == [("Story 0", "Reuters", address.decode())]
    assert "left out: 1 of 2 items link to Google News" in " ".join(items[0].notes)
    with pytest.raises(SourceError, match="open the article only in a browser: follow the publishers' own feeds"):
        parse(fetched(feed(new_id, new_id + "x"), source=where, url=where))


def json_feed(items: list[dict], **top) -> str:
    import json

    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Critical Minerals Wire",
                       "home_page_url": "https://minerals.example.com/", "items": items} | top)


def test_a_json_feed_is_read_as_its_items():
    feed = json_feed([
        {"id": "https://minerals.example.com/lynas", "url": "https://minerals.example.com/lynas", "title": "Lynas lifts output",
         "content_html": article_html(1), "date_published": "2026-11-30T08:00:00+00:00", "authors": [{"name": "Jane Doe"}], "tags": ["NdPr"]},
        {"id": 2, "url": "https://www.reuters.com/mp-magnets/", "content_text": "MP Materials said it delivered magnets.\n\nNo count was given.",
         "date_modified": "2026-11-29T15:30:00-05:00", "author": {"name": "Wire desk"}},
    ])
    kind, title, items = parse(fetched(feed, source="https://minerals.example.com/feed.json", content_type="application/json"))
    assert (kind, title) == (SourceKind.feed, "Critical Minerals Wire")
    first, second = items
    assert (first.title, first.author, first.categories, first.content_format) == ("Lynas lifts output", "Jane Doe", ["NdPr"], "html")
    assert first.published == datetime(2026, 11, 30, 8, tzinfo=UTC) and first.source == "Critical Minerals Wire"
    # An untitled post, a number for its id, version 1's author, another site's article: published by that site.
    assert (second.guid, second.author, second.source, second.content_format) == ("2", "Wire desk", "www.reuters.com", "text")
    assert to_article(second).body == "MP Materials said it delivered magnets.\n\nNo count was given."


def test_json_that_is_no_feed_says_so():
    with pytest.raises(SourceError, match=r"not a JSON Feed \(title: Field required\)"):
        parse(fetched('{"version": "https://jsonfeed.org/version/1", "items": []}', source="feed.json", content_type="text/plain"))
    with pytest.raises(SourceError, match="package.json: is JSON data, not an article, a JSON Feed or a news API's articles"):
        parse(fetched('{"name": "assay", "dependencies": {"a": "1", "b": "2"}, "scripts": {"x": "y"}}', source="package.json", content_type="text/plain"))
    # Records with no text or link field are data too, not articles.
    with pytest.raises(SourceError, match="items.json: is JSON data"):
        parse(fetched('{"items": [{"sku": "A1", "price": 3}, {"sku": "B2", "price": 4}]}', source="items.json", content_type="text/plain"))


_LYNAS = ("Lynas Rare Earths said on Monday its NdPr output rose to 2,100 tonnes in the quarter to November, as its Malaysian "
          "plant ran at its full rate for the first time. The company said heavy rare earths output would double next year.")


def test_a_news_apis_json_and_json_lines_are_read_as_articles_a_record_each():
    """A user's export from a news API (NewsAPI's shape: the records under "articles", the outlet under
    "source"/"name") was refused as JSON data; each record is an article, as a table's row is."""
    response = {"status": "ok", "totalResults": 2, "articles": [
        {"source": {"id": None, "name": "Mining Weekly"}, "author": "Jane Roe", "title": "Lynas lifts NdPr output",
         "description": "Output rose.", "url": "https://example.com/lynas-output", "publishedAt": "2026-11-30T08:15:00Z",
         "content": _LYNAS},
        {"source": {"name": "Metal Tribune"}, "author": ["Ann Lee", "Bo Chan"], "title": "China's exports fall",
         "url": "https://example.com/china-exports", "publishedAt": 1764644400, "content": None},  # Unix time, as some APIs give it
    ]}
    kind, _, (first, second) = parse(fetched(json.dumps(response), source="/exports/newsapi.json", content_type="text/plain"))
    assert kind == SourceKind.file
    assert (first.title, first.source, first.author, first.url) == ("Lynas lifts NdPr output", "Mining Weekly", "Jane Roe", "https://example.com/lynas-output")
    assert first.published == datetime(2026, 11, 30, 8, 15, tzinfo=UTC) and to_article(first).body.startswith("Lynas Rare Earths said on Monday")
    assert "newsapi.json: 2 article records" in " ".join(first.notes)
    # A record with no text of its own is read from its page, as a table's teaser row is.
    assert (second.read_at_url, second.source, second.author) == (True, "Metal Tribune", "Ann Lee, Bo Chan")
    assert second.published == datetime(2025, 12, 2, 3, tzinfo=UTC)
    lines = "\n".join(json.dumps({"headline": "Lynas lifts NdPr output", "body": _LYNAS, "outlet": "Mining Weekly"}) for _ in range(2))
    _, _, items = parse(fetched(lines, source="/exports/gdelt.jsonl", content_type=""))
    assert [item.source for item in items] == ["Mining Weekly", "Mining Weekly"]
    # A download cut off: JSON Lines keeps its whole records and says which line it left out; a JSON
    # document is refused saying where it breaks (it was read as a text titled "{" before).
    _, _, items = parse(fetched(lines + '\n{"headline": "Lynas', source="/exports/cut.jsonl", content_type=""))
    assert len(items) == 2 and "line 3 not valid JSON: left out" in items[0].notes
    with pytest.raises(SourceError, match=r"newsapi.json: not valid JSON \(.*line 1 column \d+.*\): the file may be cut off"):
        parse(fetched(json.dumps(response)[:200], source="/exports/newsapi.json", content_type="text/plain"))


def test_a_link_blogs_own_text_about_another_sites_article_is_the_blogs():
    """An item that links off the feed's site is another site's article only when its text is a teaser."""
    items = [{"title": "On Lynas", "link": "https://www.reuters.com/markets/lynas/", "html": article_html(1)},
             {"title": "Teaser", "link": "https://www.reuters.com/markets/mp/", "description": "MP Materials ships magnets…"}]
    _, _, (own, teaser) = parse(fetched(rss(items, title="Magnet Notes"), source="https://magnetnotes.example/feed"))
    assert (own.source, teaser.source) == ("Magnet Notes", "www.reuters.com")


# --- proxies and certificates, as office networks have them ------------------------------------------

def _proxy_env(monkeypatch, proxy: str | None) -> None:
    for key in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(key, raising=False)
    if proxy:
        for key in ("HTTP_PROXY", "HTTPS_PROXY"):
            monkeypatch.setenv(key, proxy)


def test_a_proxy_that_wants_credentials_or_is_down_is_named_with_the_fix(monkeypatch):
    """Seen as the bare "407 Proxy Authentication Required" (https, from the CONNECT) or "HTTP 407…" (http), and
    "could not reach news.example.test: All connection attempts failed" for a proxy that was down."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from assay.settings import Settings
    from assay.sources import PROXY_FIX, fetch_url

    class Proxy(BaseHTTPRequestHandler):  # wants credentials for everything
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(407)
            self.send_header("Proxy-Authenticate", 'Basic realm="office"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_CONNECT = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    settings = Settings()
    try:
        _proxy_env(monkeypatch, f"http://user:secret@127.0.0.1:{proxy.server_address[1]}")
        with pytest.raises(SourceError) as https:
            fetch_url("https://news.example.test/feed.xml", settings)
        assert "through the proxy (407 Proxy Authentication Required)" in str(https.value) and str(https.value).endswith(PROXY_FIX)
        with pytest.raises(SourceError) as http:
            fetch_url("http://news.example.test/feed.xml", settings)
        assert str(http.value) == f"HTTP 407 Proxy Authentication Required from http://news.example.test/feed.xml: the proxy refused it: {PROXY_FIX}"
    finally:
        proxy.shutdown()
        proxy.server_close()
    _proxy_env(monkeypatch, f"http://user:secret@127.0.0.1:{proxy.server_address[1]}")  # now nobody listens there
    with pytest.raises(SourceError) as down:
        fetch_url("https://news.example.test/feed.xml", settings)
    assert str(down.value).startswith(f"could not reach the proxy http://127.0.0.1:{proxy.server_address[1]} for https://news.example.test/feed.xml (")
    assert "secret" not in str(down.value) and down.value.retryable
    monkeypatch.setenv("NO_PROXY", "example.test")  # bypassed: the site itself is named, as before
    with pytest.raises(SourceError) as direct:
        fetch_url("https://news.example.test/feed.xml", settings)
    assert str(direct.value).startswith("could not reach news.example.test:")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
def test_an_untrusted_certificate_says_to_set_ssl_cert_file_and_that_works(monkeypatch, tmp_path):
    """An HTTPS site whose certificate this machine does not trust (as behind a proxy that inspects HTTPS with
    the company's own certificate) said only "[SSL: CERTIFICATE_VERIFY_FAILED]…", and was retried for nothing."""
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from assay.settings import Settings
    from assay.sources import UNTRUSTED_CERTIFICATE_FIX, fetch_url

    cert, key = tmp_path / "office-ca.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    body = rss([{"title": "Over TLS", "link": "https://example.com/tls/1", "html": article_html(1)}]).encode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    site = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    site.socket = context.wrap_socket(site.socket, server_side=True)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    url = f"https://127.0.0.1:{site.server_address[1]}/feed.xml"
    _proxy_env(monkeypatch, None)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    try:
        with pytest.raises(SourceError) as untrusted:
            fetch_url(url, Settings())
        assert "CERTIFICATE_VERIFY_FAILED" in str(untrusted.value) and str(untrusted.value).endswith(UNTRUSTED_CERTIFICATE_FIX)
        assert not untrusted.value.retryable
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the fix the message names
        assert fetch_url(url, Settings()).content == body
    finally:
        site.shutdown()


def test_a_sites_bot_protection_is_named_with_what_a_reader_can_do_and_not_retried(http_server):
    """A Cloudflare challenge (503, `cf-mitigated: challenge`) was retried three times and reported as "HTTP 503 Service
    Unavailable"; a news site's 403 as "HTTP 403 Forbidden": true, and no help. A browser can read what a script cannot."""
    from assay.sources import fetch_url

    challenge = http_server.set("/cf-story", "<title>Just a moment...</title>", status=503,
                                headers={"cf-mitigated": "challenge", "Server": "cloudflare"})
    forbidden = http_server.set("/403-story", "Forbidden", status=403)
    gone = http_server.set("/410-story", "Gone", status=410)
    with pytest.raises(SourceError) as cloudflare:
        fetch_url(challenge, Settings())
    assert str(cloudflare.value) == (f"HTTP 503 Service Unavailable from {challenge}: the site's bot protection (Cloudflare) refuses automated "
                                     f"fetches: save the page from your browser and ingest the file, or copy its text and paste it "
                                     f"(`pbpaste | assay ingest - --url {challenge}`)")
    assert not cloudflare.value.retryable and http_server.hits["/cf-story"] == 1
    with pytest.raises(SourceError, match="403 Forbidden from .*: the site refuses automated fetches, as many news sites do: save the page"):
        fetch_url(forbidden, Settings())
    with pytest.raises(SourceError) as other:
        fetch_url(gone, Settings())
    assert str(other.value) == f"HTTP 410 Gone from {gone}"
