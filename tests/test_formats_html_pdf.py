"""HTML pages of many kinds of publisher, and PDF files: title, date, author and a faithful body.

The fixtures (tests/fixtures/formats/) were written for these tests: each HTML page wraps an article
in a publisher's chrome (cookie banner, navigation, related links, footer); its `.expected.txt` is the
article alone. The PDFs were made from their `.source.txt` by make_pdfs.py there.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assay.articles import to_article
from assay.readers import content_type_for, parse, reader_for, supported_suffixes
from assay.readers import pdf as pdf_reader
from assay.readers.html import page_metadata, parse_date
from assay.readers.opening import meaningful_title
from assay.readers.pdf import Line, dateline, paragraphs, remove_page_furniture
from assay.settings import Settings
from assay.sources import SourceError, expand_source, read_file
from assay.types import Fetched, SourceKind

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
HTML = FIXTURES / "html"
PDF = FIXTURES / "pdf"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fidelity(body: str, expected: str) -> float:
    return difflib.SequenceMatcher(None, normalised(body), normalised(expected), autojunk=False).ratio()


def page(name: str, url: str) -> Fetched:
    return Fetched(source=url, url=url, content=(HTML / f"{name}.html").read_bytes(), content_type="text/html")


def pdf_file(name: str, folder: Path = PDF) -> Fetched:
    path = folder / name
    return Fetched(source=str(path), content=path.read_bytes(), content_type=content_type_for(path.suffix))


def page_body(html: str) -> str:
    """The clean body of a page served at an address, as `assay ingest URL` reads it."""
    _, _, (item,) = parse(Fetched(source="https://example.com/a", url="https://example.com/a", content=html.encode(), content_type="text/html"))
    return to_article(item).body


# --- HTML pages ------------------------------------------------------------------------------

PAGES = [
    pytest.param(
        "company_ir", "https://lynasrareearths.com/investors/announcements/record-ndpr-first-heavy-rare-earths/",
        "Lynas lifts NdPr output to record and produces first heavy rare earths in Malaysia",
        datetime(2026, 2, 12, 0, 30, tzinfo=UTC), "Sarah Whitfield, Tom Nguyen", "Lynas Rare Earths",
        ["cookies", "Related announcements", "Kalgoorlie Rare Earths Processing Facility reaches", "ABN", "Subscribe", "A$11.42"],
        id="company IR page, JSON-LD NewsArticle in @graph",
    ),
    pytest.param(
        "wire_release", "https://www.globenewswire.com/news-release/2026/03/03/3036401/0/en/MP-Materials-Begins-Commercial-Magnet-Deliveries.html",
        "MP Materials Begins Commercial Magnet Deliveries From Fort Worth Independence Facility",
        datetime(2026, 3, 3, 13, 5, tzinfo=UTC), "MP Materials Corp.", "GlobeNewswire News Room",
        ["cookies", "Related News", "Investor Day", "All Rights Reserved", "Contact Data", "Distribute a release"],
        id="press-release wire, og: meta and a dateline",
    ),
    pytest.param(
        "gov_dod_release", "https://www.defense.gov/News/Releases/Release/Article/4100123/",
        "Department of Defense Awards $58.4 Million to Strengthen Domestic Heavy Rare Earth Supply Chain",
        datetime(2026, 1, 20, tzinfo=UTC), None, "U.S. Department of Defense",
        ["official website", "Related Stories", "Subscribe", "Hosted by", "Skip to main content"],
        id="US government release, DC.date.issued and meta name=date",
    ),
    pytest.param(
        "gov_au_release", "https://www.minister.industry.gov.au/ministers/resources/media-releases/185-million-loan",
        "$185 million loan to build rare earths refinery in the Northern Territory",
        datetime(2026, 2, 17, 22, 0, tzinfo=UTC), "Minister for Resources", "minister.industry.gov.au",
        ["cookies", "Latest media releases", "Traditional Owners", "Page last updated", "Welcome back"],
        id="Australian government media release, <time> in the article header",
    ),
    pytest.param(
        "agency_report", "https://www.reuters.com/markets/commodities/china-northern-rare-earth-raises-ndpr-prices-third-month-2026-02-27/",
        "China Northern Rare Earth raises NdPr prices for third month as export curbs bite",
        datetime(2026, 2, 27, 9, 42, 11, tzinfo=UTC), "Mei Lin Zhou, Daniel Harper", "Reuters",
        ["cookies", "Read Next", "Automakers warn", "quotes delayed", "Sign In"],
        id="news agency, top-level JSON-LD with two authors",
    ),
    pytest.param(
        "state_media", "https://english.news.cn/20260215/8f2c1e/c.html",
        "China Northern Rare Earth launches high-performance magnet material line in Baotou",
        None, None, "Xinhua",
        ["Most viewed", "foreign trade hits record", "XINHUANET", "Editor: Liu Jia", "Français"],
        id="state media, no date metadata: undated",
    ),
    pytest.param(
        "sec_exhibit", "https://www.sec.gov/Archives/edgar/data/1990001/000199000126000088/mjv-20261105xex991.htm",
        "Mojave Magnetics Reports Third Quarter 2026 Results",
        datetime(2026, 11, 5, tzinfo=UTC), None, "Mojave Magnetics Corp.",
        ["Exhibit 99.1", "Document"],
        id="an 8-K's press-release exhibit on EDGAR: <title>Document</title>, bold headings, a Business Wire dateline",
    ),
]


@pytest.mark.parametrize(("name", "url", "title", "published", "author", "site", "chrome"), PAGES)
def test_html_page_metadata_and_body(name, url, title, published, author, site, chrome):
    kind, _, (item,) = parse(page(name, url))
    article = to_article(item)
    assert kind is SourceKind.page
    assert (article.title, article.published, article.author, article.source) == (title, published, author, site)
    assert article.published is None or article.published.tzinfo is not None
    expected = (HTML / f"{name}.expected.txt").read_text()
    assert fidelity(article.body, expected) >= 0.95
    assert not [phrase for phrase in chrome if phrase.lower() in article.body.lower()]
    # Reading order: every paragraph of the article, in order.
    starts = [article.body.find(p[:60]) for p in expected.split("\n\n")]
    assert -1 not in starts and starts == sorted(starts)
    assert not article.body.startswith(title)  # the headline is the title, not the body's first line


def test_a_year_in_the_text_does_not_date_a_page():
    _, _, (item,) = parse(page("state_media", "https://english.news.cn/20260215/8f2c1e/c.html"))
    assert item.published is None and "In 2025, the company produced" in item.content
    assert 'date="' not in item.content  # trafilatura's guess (a sidebar's date) is not kept either
    assert any("left undated" in note for note in item.notes)


def test_a_saved_wire_page_without_date_metadata_is_dated_by_its_dateline_in_the_year_it_was_saved():
    """Wire copy saved from a browser (written here): no date metadata, "SYDNEY, Dec 1 (Reuters) -"."""
    from datetime import UTC, datetime

    html = ("<html><head><title>Lynas shares jump</title></head><body><article><h1>Lynas shares jump</h1>"
            "<p>SYDNEY, Dec 1 (Reuters) - Shares of Lynas Rare Earths rose 8.3% on Tuesday after the miner said the Pentagon "
            "would add funding for its Texas plant.</p><p>The plant will make 5,000 tonnes a year, Lynas said.</p></article></body></html>")
    for saved, expected in [(datetime(2026, 12, 3, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),
                            (datetime(2027, 1, 4, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)), (None, None)]:
        _, _, (item,) = parse(Fetched(source="/n/lynas.html", content=html.encode(), content_type="text/html", modified=saved))
        assert item.published == expected
        assert any("dated from the dateline" in n for n in item.notes) is (expected is not None)


def test_a_saved_page_without_date_metadata_is_dated_by_its_byline(tmp_path):
    """Seen on a page nobody here wrote: "By Kenji Mori, Tokyo | 26 November 2026" under the headline,
    no date in the metadata; the byline dates it as a text export's would."""
    html = ("<html><head><title>JOGMEC backs Lynas | Resource Wire</title></head><body>"
            "<div class='date'>Wednesday, 2 December 2026</div><nav>Home | Markets</nav><article>"  # the masthead's date is today's
            "<h1>JOGMEC backs Lynas</h1><p class='byline'>By Kenji Mori, Tokyo | 26 November 2026</p>"
            "<p>Japan's JOGMEC and Sojitz will provide A$200 million in new funding to Lynas Rare Earths for heavy rare earth "
            "separation at its Malaysian plant, the companies said on Wednesday, in a deal first reported in 2025.</p>"
            "<p>The funding will support a circuit able to produce 1,500 tonnes a year of separated dysprosium and terbium.</p>"
            "</article><footer>© 2026 Resource Wire</footer></body></html>")
    path = tmp_path / "jogmec.html"
    path.write_text(html)
    _, _, (item,) = parse(Fetched(source=str(path), content=path.read_bytes(), content_type="text/html"))
    assert item.published == datetime(2026, 11, 26, tzinfo=UTC)
    assert any("dated from its byline 'By Kenji Mori" in note for note in item.notes)
    plain = html.replace("<p class='byline'>", "<p>")  # a byline in the main text, as trafilatura keeps it
    path.write_text(plain)
    _, _, (item,) = parse(Fetched(source=str(path), content=path.read_bytes(), content_type="text/html"))
    assert item.published == datetime(2026, 11, 26, tzinfo=UTC)


def test_a_page_s_footnote_references_and_its_standfirst(tmp_path):
    """Seen on a think tank's commentary and a newsletter's page written here: a superscript footnote
    number glued onto the sentence ("time.1 The floor"), and a standfirst set as a heading, which made it
    the heading of every statement. A superscript power stays one."""
    html = ("<html><head><title>The Magnet Gap</title></head><body><article><h1>The Magnet Gap</h1>"
            "<h3 class='subtitle'>Europe's magnet makers are paying 40% more than in June, and nobody is talking about it</h3>"
            "<p>The floor is roughly double the Chinese price at the time.<sup><a href='#fn1'>1</a></sup> The floor has made one "
            "company bankable, and its site covers 2 km<sup>2</sup> of the desert.</p>"
            "<h2>What the floor does not buy</h2><p>A price floor guarantees revenue for oxide; it does not build magnet lines.</p>"
            "</article></body></html>")
    path = tmp_path / "gap.html"
    path.write_text(html)
    item = to_article(parse(Fetched(source=str(path), content=path.read_bytes(), content_type="text/html"))[2][0])
    assert "at the time.[1] The floor has made" in item.body and "2 km2 of the desert" in item.body
    assert [s.heading for s in item.sections if s.heading] == ["What the floor does not buy"]
    assert item.body.startswith("Europe's magnet makers are paying 40% more")


def test_broken_json_ld_is_ignored_with_a_note():
    _, _, (item,) = parse(page("wire_release", "https://www.globenewswire.com/news-release/x.html"))
    assert any("JSON-LD" in note and "not valid JSON" in note for note in item.notes)
    assert item.published == datetime(2026, 3, 3, 13, 5, tzinfo=UTC)  # from article:published_time instead


def test_canonical_url_and_header_time_note():
    _, _, (item,) = parse(page("gov_au_release", "https://www.minister.industry.gov.au/x"))
    assert item.url == "https://www.minister.industry.gov.au/ministers/resources/media-releases/185-million-loan-build-rare-earths-refinery-northern-territory"
    assert any("<time>" in note for note in item.notes)


@pytest.mark.parametrize(
    ("head", "expected_title"),
    [
        ('<title>NdPr prices rise | Mining Weekly</title><meta property="og:site_name" content="Mining Weekly">', "NdPr prices rise"),
        ('<title>Mining Weekly - NdPr prices rise</title><meta property="og:site_name" content="Mining Weekly">', "NdPr prices rise"),
        ('<title>NdPr prices rise &gt; Example Agency &gt; Release</title><meta property="og:site_name" content="Example Agency">', "NdPr prices rise"),
        ("<title>NdPr prices rise | Example News</title>", "NdPr prices rise"),  # the host names the site
        ("<title>Lynas - MP Materials: a tale of two plants</title>", "Lynas - MP Materials: a tale of two plants"),
        ('<meta name="title" content="Dy and Tb under licence"><title>Other | Example News</title>', "Dy and Tb under licence"),
        ('<script type="application/ld+json">{"@type": "PressRelease", "headline": "Magnet plant opens"}</script>', "Magnet plant opens"),
        ('<title>Mining Weekly</title><meta property="og:site_name" content="Mining Weekly">', None),  # the page's heading, then
    ],
)
def test_title_from_metadata_without_the_site_name(head, expected_title):
    html = f"<!doctype html><html><head>{head}</head><body><p>Text.</p></body></html>"
    assert page_metadata(html, "https://www.example-news.com/a").title == expected_title


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="article:published_time" content="2026-03-03T08:05:00-05:00">', datetime(2026, 3, 3, 13, 5, tzinfo=UTC)),
        ('<meta name="date" content="2026-01-20">', datetime(2026, 1, 20, tzinfo=UTC)),
        ('<meta name="DC.date.issued" content="2026/01/20">', datetime(2026, 1, 20, tzinfo=UTC)),
        ('<meta name="date" content="Tue, 03 Feb 2026 18:29:32 GMT">', datetime(2026, 2, 3, 18, 29, 32, tzinfo=UTC)),
        ('<script type="application/ld+json">[{"@type": "WebSite", "name": "X"}, {"@type": ["NewsArticle"], "datePublished": "2026-02-27 09:42:11"}]</script>',
         datetime(2026, 2, 27, 9, 42, 11, tzinfo=UTC)),
        ('<meta name="date" content="soon">', None),
        ("", None),
    ],
)
def test_date_from_metadata_only(head, expected):
    html = f"<!doctype html><html><head>{head}</head><body><header><time datetime='2025-12-01'>1 Dec</time></header><article><p>Published on March 3, 2026. In 2025 prices rose.</p></article></body></html>"
    assert page_metadata(html).published == expected


def test_authors_from_json_ld_references_and_meta():
    graph = """<script type="application/ld+json">{"@graph": [
        {"@type": "Article", "headline": "H", "author": [{"@id": "#p1"}, {"@id": "#p2"}], "publisher": {"@id": "#org"}},
        {"@type": "Person", "@id": "#p1", "name": "Ana Ruiz"}, {"@type": "Person", "@id": "#p2", "name": "Ben Okafor"},
        {"@type": "Organization", "@id": "#org", "name": "Critical Minerals Daily"}]}</script>"""
    meta = page_metadata(f"<html><head>{graph}</head><body></body></html>", "https://cmd.example/a")
    assert (meta.author, meta.site) == ("Ana Ruiz, Ben Okafor", "Critical Minerals Daily")
    byline = page_metadata('<html><head><meta name="byl" content="By Jane Analyst"><meta property="article:author" content="https://facebook.com/x"></head></html>')
    assert byline.author == "Jane Analyst"


def test_parse_date_is_timezone_aware():
    assert parse_date("2026-03-03") == datetime(2026, 3, 3, tzinfo=UTC)
    assert parse_date("2026-03-03T10:00:00+08:00") == datetime(2026, 3, 3, 2, tzinfo=UTC)
    assert parse_date("March 3, 2026") == datetime(2026, 3, 3, tzinfo=UTC)
    assert parse_date("0001-01-01") is None and parse_date("yesterday") is None


# --- PDF files ---------------------------------------------------------------------------------


def source_blocks(name: str) -> tuple[str, list[str]]:
    """A PDF's source text (as make_pdfs.py reads it): its title, and its blocks with headings without "## "."""
    title, *lines = (PDF / name).read_text().strip().splitlines()
    blocks: list[str] = []
    current: list[str] = []
    for line in (*lines, ""):
        line = re.sub(r"\{break-after-line \d+\}|\{page\}", "", line).strip()
        if (not line or line.startswith("## ")) and current:
            blocks.append("\n".join(current))
            current = []
        if line.startswith("## "):
            blocks.append(line.removeprefix("## "))
        elif line:
            current.append(line)
    return title.removeprefix("# "), blocks


@pytest.fixture(scope="module")
def quarterly():
    kind, _, (item,) = parse(pdf_file("quarterly_report.pdf"))
    assert kind is SourceKind.file
    return item, to_article(item)


def test_pdf_title_date_and_body(quarterly):
    item, article = quarterly
    title, blocks = source_blocks("quarterly_report.source.txt")
    assert article.title == title  # the /Title metadata is "Microsoft Word - QAR_Dec2025_FINAL_v3.docx": the first page's title instead
    assert article.published == datetime(2026, 1, 29, tzinfo=UTC)  # the dateline; /CreationDate is 28 January
    body_blocks = [b for b in blocks[1:] if b != "Highlights" and not b.startswith("- ")]  # the dateline and Highlights are not body
    assert fidelity(article.body, "\n\n".join(body_blocks)) >= 0.95
    assert article.highlights == [line.removeprefix("- ") for b in blocks if b.startswith("- ") for line in b.splitlines()]
    assert [s.heading for s in article.sections] == ["Operations", "Sales and marketing", "Corporate", "Outlook"]
    assert item.content_format == "text" and item.author is None


def test_pdf_running_headers_footers_and_page_numbers_are_gone(quarterly):
    item, article = quarterly
    for furniture in ("Quarterly Activities Report\n", "Acme Rare Earths Ltd —", "Confidential", "Not for distribution", "Page 1", "of 3"):
        assert furniture not in article.body
    assert not re.search(r"^\s*\d+\s*$", article.body, re.MULTILINE)
    assert any("removed 9 running header" in note for note in item.notes)


def test_pdf_hyphenation_repaired_and_real_hyphens_kept(quarterly):
    item, article = quarterly
    splits = json.loads((PDF / "quarterly_report.json").read_text())["line_end_splits"]
    assert splits and "separation" in {s["word"] for s in splits}
    for split in splits:
        assert re.search(rf"\b{split['word']}\b", article.body), split
        if "at" in split:
            assert split["at"].replace("|", "") not in article.body and split["at"].replace("-|", "- ") not in article.body
    assert "its separation customer in Estonia" in article.body  # "separat-|ion" at a line end on page 2
    for hyphenated in ("rare-earth processing", "neodymium-praseodymium", "commercial-scale", "long-term", "non-Chinese", "heavy rare-earth oxides"):
        assert hyphenated in article.body
    assert any(f"joined {len(splits)} words hyphenated" in note for note in item.notes)


def test_pdf_paragraphs_rejoined_in_reading_order(quarterly):
    _, article = quarterly
    _, blocks = source_blocks("quarterly_report.source.txt")
    paragraphs_ = [b for b in blocks[1:] if b != "Highlights" and not b.startswith("- ")]
    assert article.body.split("\n\n") == paragraphs_  # each paragraph whole, none split or merged, in order
    # The paragraph that runs from page 1 onto page 2 is one paragraph.
    assert "meets the impurity specifications of our offtake partner, and the results will be used" in article.body


def test_pdf_with_meaningful_title_dateline_in_text_and_owner_password():
    _, _, (item,) = parse(pdf_file("press_release.pdf"))  # encrypted with an owner password only: opens without one
    article = to_article(item)
    title, blocks = source_blocks("press_release.source.txt")
    assert article.title == title
    assert article.published == datetime(2026, 3, 3, tzinfo=UTC)
    assert fidelity(article.body, "\n\n".join(blocks)) >= 0.95
    assert article.body.startswith("PERTH, Australia, March 3, 2026 -- Acme")
    assert "- 1 -" not in article.body


def test_two_column_pdf_from_another_producer_reads_down_each_column():
    """Printed by Chromium (Skia): a running header and a "Page N of 2" footer from CSS margin boxes, two columns."""
    _, _, (item,) = parse(pdf_file("research_note.pdf"))
    article = to_article(item)
    title, blocks = source_blocks("research_note.source.txt")
    assert (article.title, article.published) == (title, datetime(2026, 3, 12, tzinfo=UTC))
    assert article.body.split("\n\n") == blocks[1:]  # every paragraph whole, in reading order; ligatures ("ﬁ") repaired
    assert "Example Securities" not in article.body and "disclosures" not in article.body and "Page 1" not in article.body


def test_a_scanned_pdf_without_tesseract_says_how_to_read_it(monkeypatch):
    from assay.readers import ocr

    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    source = str(PDF / "scanned.pdf")
    with pytest.raises(SourceError) as error:
        parse(pdf_file("scanned.pdf"))
    assert str(error.value) == (f"{source}: a scanned PDF with no text layer: install Tesseract (Debian and Ubuntu: apt install "
                                "tesseract-ocr; macOS: brew install tesseract) for Assay to read it by OCR, or run OCR on it first (ocrmypdf)")


def test_a_scanned_notice_is_read_by_ocr_under_its_letterhead():
    from assay.readers import ocr

    if not ocr.tesseract_available():
        pytest.skip("Tesseract is not installed (apt install tesseract-ocr)")
    _, _, (item,) = parse(pdf_file("scanned.pdf"))
    article = to_article(item)
    assert (article.title, article.source) == ("Notice of Annual General Meeting", "Acme Rare Earths Ltd")  # one type: the letterhead, then the title
    assert article.published is not None and article.published.date().isoformat() == "2025-11-28"
    assert "shareholders of Acme Rare Earths Ltd will be held in Perth" in article.body


def test_password_protected_pdf_fails_clearly():
    with pytest.raises(SourceError, match=r"locked\.pdf: an encrypted PDF that cannot be opened without its password"):
        parse(pdf_file("locked.pdf"))


def test_broken_and_empty_pdfs_fail_clearly(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF")
    with pytest.raises(SourceError, match=r"broken\.pdf: (not a readable PDF|no page of the PDF|a scanned PDF)"):
        parse(pdf_file("broken.pdf", tmp_path))
    with pytest.raises(SourceError, match="empty"):
        parse(Fetched(source="empty.pdf", content=b"", content_type="application/pdf"))


def test_pdf_page_cap(monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    _, _, (item,) = parse(pdf_file("quarterly_report.pdf"))
    assert "read the first 2 of 3 pages" in item.notes
    assert "Corporate" not in item.content and "Sales and marketing" in item.content


def test_pdf_is_sniffed_by_its_bytes_first():
    content = (PDF / "press_release.pdf").read_bytes()
    url = "https://acme.example/download?id=3"
    reader, _ = reader_for(Fetched(source=url, url=url, content=content, content_type="application/octet-stream"))
    assert reader.name == "pdf"
    _, _, (item,) = parse(Fetched(source=url, url=url, content=content, content_type="application/octet-stream"))
    assert (item.url, item.source) == (url, "acme.example")
    # An HTML error page at a .pdf URL is an HTML page, not a broken PDF.
    html = b"<!doctype html><html><body><p>Please log in to download this report.</p></body></html>"
    reader, _ = reader_for(Fetched(source="https://acme.example/r.pdf", url="https://acme.example/r.pdf", content=html, content_type="text/html"))
    assert reader.name == "html"


def test_a_pdf_in_a_folder_is_picked_up_and_read(tmp_path):
    shutil.copy(PDF / "quarterly_report.pdf", tmp_path / "report.pdf")
    (tmp_path / "notes.txt").write_text("Lynas\n\nLynas shipped NdPr.")
    (tmp_path / "cover.png").write_bytes(b"\x89PNG")
    assert ".pdf" in supported_suffixes() and content_type_for(".pdf") == "application/pdf"
    files = expand_source(str(tmp_path), supported_suffixes())
    assert [Path(f).name for f in files] == ["notes.txt", "report.pdf"]
    fetched = read_file(files[1], Settings(), content_type_for(".pdf"))
    kind, _, (item,) = parse(fetched)
    assert kind is SourceKind.file and item.source_url == str((tmp_path / "report.pdf").resolve()) and item.url is None


# --- the PDF rules on their own ------------------------------------------------------------------


def lines(*texts: str, page: int = 1) -> list[Line]:
    return [Line(text, page) for text in texts]


def test_hyphens_at_line_ends_without_positions():
    found, repaired = paragraphs(lines(
        "Lynas expects the heavy rare earths separa-",
        "tion circuit in Malaysia to reach its rare-",
        "earth design rate by June, with non-",
        "Chinese feedstock and long-",
        "term contracts for the rare-earth oxide.",
    ))
    assert [p.text for p in found] == [
        "Lynas expects the heavy rare earths separation circuit in Malaysia to reach its rare-earth design rate by June, "
        "with non-Chinese feedstock and long-term contracts for the rare-earth oxide."
    ]
    assert repaired == 1


def test_paragraphs_without_positions_end_at_short_sentence_ends():
    wide = "MP Materials produced record volumes of NdPr oxide at Mountain Pass in the fourth quarter and"
    found, _ = paragraphs(lines(wide, "said magnet output would rise.", "Outlook", wide, "expects more in 2026.", "• First item", "• Second item"))
    assert [(p.marker, p.text) for p in found] == [
        (None, f"{wide} said magnet output would rise."), (None, "Outlook"), (None, f"{wide} expects more in 2026."),
        ("• ", "First item"), ("• ", "Second item"),
    ]


def test_dashes_and_numbers_start_list_items_only_where_a_list_can_be():
    found, _ = paragraphs(lines(
        "Lynas said the Kalgoorlie plant, which cracks and leaches concentrate from Mount Weld, was ready",
        "– ahead of schedule – to ship mixed carbonate.",
        "The company named three priorities:",
        "- dysprosium oxide,",
        "- terbium oxide,",
        "3. samarium for defence magnets.",
    ))
    assert [(p.marker, p.text) for p in found] == [
        (None, "Lynas said the Kalgoorlie plant, which cracks and leaches concentrate from Mount Weld, was ready – ahead of schedule – to ship mixed carbonate."),
        (None, "The company named three priorities:"), ("• ", "dysprosium oxide,"), ("• ", "terbium oxide,"), ("", "3. samarium for defence magnets."),
    ]


def test_running_headers_and_page_numbers_removed_modulo_digits():
    body = [["Lynas shipped NdPr oxide.", "Prices rose."], ["MP Materials made magnets.", "Output doubled."], ["Dy and Tb stay scarce.", "Outlook"]]
    pages = [
        lines("Acme Rare Earths Ltd | Report 2026", *text, "Confidential", f"- {n} -", page=n) for n, text in enumerate(body, start=1)
    ]
    pages[1].insert(0, Line("2", 2))  # a page number above the header
    cleaned, removed = remove_page_furniture(pages)
    assert [[line.text for line in page] for page in cleaned] == body
    assert removed == 10
    single, _ = remove_page_furniture([lines("Title", "Body.", "Page 1 of 1")])
    assert [line.text for line in single[0]] == ["Title", "Body."]


@pytest.mark.parametrize(
    ("first_lines", "expected"),
    [
        (["Acme Rare Earths", "March 3, 2026"], datetime(2026, 3, 3, tzinfo=UTC)),
        (["PERTH, Australia, 3 March 2026 -- Acme Rare Earths Ltd today announced a long agreement with a buyer"], datetime(2026, 3, 3, tzinfo=UTC)),
        (["Date: 2026-03-03"], datetime(2026, 3, 3, tzinfo=UTC)),
        (["In 2025, the company produced more than 130,000 tonnes of rare earth oxides."], None),
        (["Quarterly report for the quarter ended 31 December 2025"], None),
        (["A long first paragraph that mentions the agreement signed with the buyer on March 3, 2026 in Seoul."], None),
        (["One", "Two", "Three", "Four", "Five", "March 3, 2026"], None),
    ],
)
def test_dateline_only_near_the_top(first_lines, expected):
    found = dateline(lines(*first_lines))
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize(
    ("title", "meaningful"),
    [("Acme Rare Earths signs offtake", True), ("Untitled", False), ("report.docx", False), ("Microsoft Word - QAR.docx", False),
     ("", False), (None, False), ("C:\\Users\\jsmith\\Desktop\\q4", False)],
)
def test_meaningful_pdf_title(title, meaningful):
    assert (meaningful_title(title) is not None) == meaningful


@pytest.mark.parametrize(
    ("head", "first_paragraph", "source"),
    [
        ('<link rel="canonical" href="https://www.examplenews.com/mining/lynas-output">',
         "Lynas Rare Earths said on Tuesday it produced a record 2,000 tonnes of NdPr oxide in the quarter.", "examplenews.com"),
        ("", "TORONTO, Feb. 3, 2026 (GLOBE NEWSWIRE) -- Kestrel Metals Corp. (TSXV: KMC) is pleased to report assays from its "
             "Kasba project, including 12 metres of 2.1% TREO.", "Kestrel Metals Corp."),
        # no address and an opening that names nobody: the site's name its title gives after the headline (an analyst's
        # page written here was published by its folder)
        ("", "China Northern Rare Earth raised its smelting capacity to 11,200 tons a year at its Baotou smelter on Monday.", "Example News"),
    ],
)
def test_a_page_saved_to_disk_is_published_by_its_site_not_its_file_name(tmp_path, head, first_paragraph, source):
    """"Save page as…" into Downloads: the site's canonical URL, else whom the opening names, else the site its title names."""
    path = tmp_path / "Downloads" / "saved.html"
    path.parent.mkdir()
    path.write_text(f"<html><head><title>Saved | Example News</title>{head}</head><body><article><h1>Saved</h1><p>{first_paragraph}</p>"
                    "<p>The company said work would resume in the summer after the thaw, as planned.</p></article></body></html>")
    _, _, (item,) = parse(Fetched(source=str(path), content=path.read_bytes(), content_type="text/html"))
    assert item.source == source
    assert item.title == "Saved"  # the site's name cut: by the canonical URL's host, else at the separator the headline ends at
    assert not to_article(item).body.startswith("Saved")  # the headline is the title, not the body's first line


def test_a_pages_line_breaks_and_tables_never_glue_words():
    html = ("<html><head><title>Kasba assays</title></head><body><article><h1>Kasba assays</h1><p>Kestrel Metals said on Tuesday "
            "that drilling at Kasba returned strong grades across the whole zone this winter.<br>Drilling will resume in the summer "
            "after the thaw, the company said.</p><table><tr><th>Hole</th><th>Metres</th><th>TREO</th></tr><tr><td>KB-01</td>"
            "<td>42.6</td><td>1.87%</td></tr></table><p>The company expects a resource estimate by the end of 2026, subject to "
            "<b>assays</b> from the remaining holes.</p></article></body></html>")
    body = page_body(html)
    assert "this winter.\nDrilling will resume" in body
    assert "\nKB-01: Metres 42.6; TREO 1.87%\n" in body  # under its header row, each figure named by its column
    assert "subject to assays from" in body


def test_a_page_s_table_headed_by_bold_cells_names_each_figure_by_its_column():
    """An older page's table marks its header with bold <td>s, not <th>: a first row of words over
    columns of figures is its header all the same."""
    html = ("<html><head><title>Lynas quarterly</title></head><body><article><h1>Lynas quarterly report</h1><p>PERTH, Oct 22 - Lynas "
            "Rare Earths reported record NdPr production for the September quarter on Wednesday, helped by Kalgoorlie.</p><table>"
            "<tr><td><b>Metric</b></td><td><b>Q1 FY27</b></td><td><b>Q4 FY26</b></td></tr><tr><td>NdPr oxide (t)</td><td>2,104</td>"
            "<td>1,892</td></tr><tr><td>Total REO (t)</td><td>3,310</td><td>3,050</td></tr></table><p>Chief executive Amanda Lacaze "
            "said growth would continue as the Seadrift facility progresses in Texas.</p></article></body></html>")
    assert "\nNdPr oxide (t): Q1 FY27 2,104; Q4 FY26 1,892\nTotal REO (t): Q1 FY27 3,310; Q4 FY26 3,050\n" in page_body(html)


def test_a_wire_page_s_table_in_a_pre_block_names_each_figure_by_its_column():
    """A wire story's table set out in spaces inside <pre>: its rows were "Exports (t) 4,127 4,690 5,012"
    under a line of bare column names."""
    rows = ("               Oct 2026    Sep 2026    Oct 2025\nExports (t)       4,127       4,690       5,012\n"
            "Imports (t)      10,220       9,804      11,390\nMagnets (t)       5,108       5,520       4,960\n")
    html = ("<html><head><title>China's rare earth exports fall</title></head><body><article><h1>China's rare earth exports fall</h1>"
            "<p>BEIJING, Nov 7 (Metals Wire) - China's exports of rare earths fell 12% in October from a month earlier, customs data "
            f"showed on Friday.</p><p>The following table shows China's rare earth exports by month:</p><pre>\n{rows}</pre><p>Analysts "
            "said the decline reflected slower approvals rather than weaker demand, according to traders in Beijing.</p></article></body></html>")
    body = page_body(html)
    assert ("by month:\n\nExports (t): Oct 2026 4,127; Sep 2026 4,690; Oct 2025 5,012\nImports (t): Oct 2026 10,220; Sep 2026 9,804; "
            "Oct 2025 11,390\nMagnets (t): Oct 2026 5,108; Sep 2026 5,520; Oct 2025 4,960\n\nAnalysts") in body


def test_a_two_column_brief_reads_column_by_column_with_its_masthead_as_publisher(tmp_path):
    """A research brief laid out in two columns under a masthead line that is also its dateline."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    left = ("Ten months after China introduced export licensing for seven heavy rare earths, the market for dysprosium has split in "
            "two. Oxide delivered to Rotterdam trades at three times the domestic price.")
    right = ("We expect the premium to persist through 2027. In our view, the licensing regime is a lasting feature of the market, "
             "not a temporary shock, and buyers should plan on that basis.")
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(190, 8, "Heavy Rare Earths Market Brief", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(190, 6, "Meridian Critical Minerals Advisory | 24 February 2026", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    top = pdf.get_y() + 4
    pdf.set_xy(10, top)
    pdf.multi_cell(90, 5, left)
    pdf.set_xy(110, top)
    pdf.multi_cell(90, 5, right)
    path = tmp_path / "Downloads" / "brief.pdf"
    path.parent.mkdir()
    pdf.output(str(path))
    _, _, (item,) = parse(pdf_file("brief.pdf", path.parent))
    article = to_article(item)
    assert article.title == "Heavy Rare Earths Market Brief" and article.source == "Meridian Critical Minerals Advisory"
    assert article.published == datetime(2026, 2, 24, tzinfo=UTC)
    assert article.body.index("Rotterdam") < article.body.index("We expect the premium")  # the left column, then the right


def test_a_results_table_in_a_pdf_names_each_figure_by_its_column_and_keeps_its_rows_apart():
    """Printed by a browser (results_release.pdf, from its .html beside it), a results table's header
    cells came out glued ("Q3 2026Q3 2025% Change") and its rows run into one paragraph of figures that
    said none of what they were. The cells' places on the page part them, as an HTML table's are read.
    Its labels' column is narrow: a label wrapped onto five lines, its figures level with the middle one,
    and one whose second line shares the figures' baseline, are each one row."""
    _, _, (item,) = parse(pdf_file("results_release.pdf"))
    body = to_article(item).body
    assert "\n\nAverage realised price of NdPr oxide sold to customers in the quarter ($/kg): Q3 2026 59.2; Q3 2025 48.7; % Change 22%\n\n" in body
    assert "\n\nRevenue ($ in millions): Q3 2026 84.2; Q3 2025 62.9; % Change 34%\n\n" in body
    assert "\n\nNdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; % Change 51%\n\n" in body  # its own unit, not the header's
    assert "Adjusted EBITDA ($ in millions): Q3 2026 (12.4); Q3 2025 (18.1); % Change n/m" in body
    assert "Q3 2026Q3 2025" not in body and "continued ramp-up of separation" in body  # "ramp-|up" keeps its hyphen
    assert body.endswith('in 2027.') and '"Our magnetics business is now shipping to General Motors," said' in body
    assert any("read 1 table row by row" in note for note in item.notes)
    # ... and each row is one statement.
    from assay.statements import statements
    found = [s.text for s in statements(to_article(item))]
    assert "NdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; % Change 51%" in found


def test_a_filing_s_table_names_each_figure_by_its_period():
    """An EX-99.1 results table as EDGAR's HTML lays it out (filing_table.htm, written here in that
    layout): "$", "(12,400" and ")" in cells of their own, periods spanning the years under them, a
    row of words among the figures. Each row was its bare figures: "Net loss $ (12,400 ) $ (18,100 ) …"."""
    _, _, (item,) = parse(Fetched(source=str(HTML / "filing_table.htm"), content=(HTML / "filing_table.htm").read_bytes(),
                                  content_type="text/html"))
    lines = to_article(item).body.split("\n")
    assert ("Net loss (in thousands, except per share data): Three Months Ended September 30, 2026 $(12,400); Three Months Ended "
            "September 30, 2025 $(18,100); Nine Months Ended September 30, 2026 $(30,200); Nine Months Ended September 30, 2025 $(45,000)") in lines
    assert "Operating expenses:" in lines and not any(line.startswith("Three Months Ended") for line in lines)
    # The same table in a feed's HTML, read by `html_blocks`.
    from assay.cleaning import html_blocks

    table = (HTML / "filing_table.htm").read_text().split("<table", 1)[1].split("</table>")[0]
    rows = html_blocks(f"<table{table}</table>")[0].text.split("\n")
    assert rows[0].startswith("Revenue (in thousands, except per share data): Three Months Ended September 30, 2026 $84,200;")


def test_a_pdf_table_with_an_empty_corner_and_prose_side_by_side(tmp_path):
    """fpdf2's table (each cell drawn on its own) with its top-left cell empty: the header is a cell
    short and still names the columns. Two columns of prose side by side are no table."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(190, 8, "Arafura quarterly update", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(190, 5, "Arafura Rare Earths said on 20 October 2026 that funding for the Nolans project was complete.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    rows = [("", "Q3 2026", "Q3 2025"), ("Cash at bank (A$m)", "412.0", "98.3"), ("Exploration spend (A$m)", "3.1", "2.7"), ("Staff", "212", "140"),
            ("Average selling price of NdPr oxide delivered to customers in Asia and Europe (A$/kg)", "68.4", "61.9")]
    with pdf.table(col_widths=(80, 40, 40), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.multi_cell(190, 5, "The company expects first production in 2028, managing director Darryl Cuzzubbo said.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.output(str(tmp_path / "update.pdf"))
    _, _, (item,) = parse(pdf_file("update.pdf", tmp_path))
    body = to_article(item).body
    assert ("\n\nCash at bank (A$m): Q3 2026 412.0; Q3 2025 98.3\n\nExploration spend (A$m): Q3 2026 3.1; Q3 2025 2.7\n\nStaff: Q3 2026 212; "
            "Q3 2025 140\n\nAverage selling price of NdPr oxide delivered to customers in Asia and Europe (A$/kg): Q3 2026 68.4; Q3 2025 61.9\n\n") in body

    prose = [Line(f"{left} {right}", 1, 700.0 - 12 * i, 10.0, cells=[(30.0, left), (300.0, right)]) for i, (left, right) in enumerate([
        ("China tightened export licences", "for 2026 and 2027 again"), ("for seven heavy rare earths", "as prices rose 12%"),
        ("in April, and buyers paid", "in the third quarter"), ("three times the price", "said 4 analysts")])]
    assert pdf_reader.with_tables(prose) == (prose, 0)


def test_a_filing_s_table_printed_to_pdf_reads_as_its_html_does():
    """filing_table.htm printed by Chromium (as a release's PDF on a company's site is): "$", "(12,400"
    and ")" are pieces of their own, "Three Months Ended September" wraps over "30,", and "Operating
    expenses:" stands among the rows. It was read as runs of bare figures ("Net loss $ (12,400 ) $
    (18,100 ) …"), the headings as paragraphs of their own. Now each row as the page's HTML reads."""
    _, _, (item,) = parse(pdf_file("filing_table.pdf"))
    paragraphs = to_article(item).body.split("\n\n")
    assert ("Net loss (in thousands, except per share data): Three Months Ended September 30, 2026 $(12,400); Three Months Ended "
            "September 30, 2025 $(18,100); Nine Months Ended September 30, 2026 $(30,200); Nine Months Ended September 30, 2025 $(45,000)") in paragraphs
    assert ("Cost of sales (in thousands, except per share data): Three Months Ended September 30, 2026 70,100; Three Months Ended "
            "September 30, 2025 58,300; Nine Months Ended September 30, 2026 200,500; Nine Months Ended September 30, 2025 170,000") in paragraphs
    assert "Operating expenses:" in paragraphs and not any(p.startswith(("Three Months", "30,")) for p in paragraphs)
    # The opening is one paragraph: the table's long rows once made its wrapped line look short (a heading's).
    assert paragraphs[0].endswith("today announced financial results for the third quarter ended September 30, 2026, with revenue up 34% as NdPr oxide output rose.")
    # ... and a row is one statement, its label in it (it was cut at each ";" once its columns' names ran to six words).
    from assay.statements import statements
    found = [s.text for s in statements(to_article(item))]
    assert sum(text.startswith("Net loss (in thousands") and text.endswith("$(45,000)") for text in found) == 1
    assert not any(text.startswith(("Three Months Ended", "Nine Months Ended")) for text in found)


def table_pdf_body(tmp_path, before: str, rows: list[tuple], col_widths: tuple[int, ...], after: str) -> str:
    """The body read from a one-page PDF of a paragraph, an fpdf2 table (each cell drawn on its own: its
    first column set left, the others right; a cell given as (text, n) spans n columns, centred) and a
    paragraph."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(190, 5, before, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    with pdf.table(col_widths=col_widths, text_align=("LEFT", *["RIGHT"] * (len(col_widths) - 1))) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                text, span = cell if isinstance(cell, tuple) else (cell, 1)
                row.cell(text, colspan=span, **({"align": "CENTER"} if span > 1 else {}))
    pdf.multi_cell(190, 5, after, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.output(str(tmp_path / "table.pdf"))
    _, _, (item,) = parse(pdf_file("table.pdf", tmp_path))
    return to_article(item).body


def test_a_pdf_table_s_periods_spanning_their_columns_name_each_figure(tmp_path):
    """fpdf2's table with a period's heading over two columns each (a cell spanning them, centred), the
    figures set right: each column is named by the heading over it, the quarter's apart from the nine
    months'. Before, both periods' columns were "2026" and "2025"."""
    rows = [("", ("Three Months Ended", 2), ("Nine Months Ended", 2)), ("($ in millions)", "2026", "2025", "2026", "2025"),
            ("Revenue", "84.2", "62.9", "231.5", "190.4"), ("Net loss", "(12.4)", "(18.1)", "(41.0)", "(52.3)"),
            ("NdPr oxide produced (mt)", "721", "477", "2,013", "1,295")]
    body = table_pdf_body(tmp_path, "MP Materials Corp. today announced results for the third quarter ended September 30, 2026.",
                          rows, (62, 32, 32, 32, 32), "The company said output rose on higher recoveries.")
    assert body.split("\n\n")[1:-1] == [
        "Revenue ($ in millions): Three Months Ended 2026 84.2; Three Months Ended 2025 62.9; Nine Months Ended 2026 231.5; Nine Months Ended 2025 190.4",
        "Net loss ($ in millions): Three Months Ended 2026 (12.4); Three Months Ended 2025 (18.1); Nine Months Ended 2026 (41.0); Nine Months Ended 2025 (52.3)",
        "NdPr oxide produced (mt): Three Months Ended 2026 721; Three Months Ended 2025 477; Nine Months Ended 2026 2,013; Nine Months Ended 2025 1,295"]


@pytest.mark.parametrize("repeat_header", [False, True])
def test_a_pdf_table_over_a_page_break_is_one_table(tmp_path, repeat_header):
    """Customs' monthly exports, a table that runs on to a second page with its header repeated (fpdf2's
    default) or not. Its rows at the foot of the first page were dropped as "running footers" (alike
    but for their figures, as rows at the foot of the second were), and the second page's rows were bare
    figures ("Jan 2026 4,888 38.0")."""
    from fpdf import FPDF
    from fpdf.enums import TableHeadingsDisplay, XPos, YPos

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for _ in range(6):
        pdf.multi_cell(190, 5, "China's rare earth exports fell in most months after the licensing regime took effect in April, customs data "
                       "showed, and traders said buyers in Japan and Europe had drawn down stocks rather than pay the premium.",
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
    months = [f"{month} {year}" for year in (2024, 2025, 2026) for month in "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()]
    rows = [("Month", "Exports (t)", "Value (US$m)"), *((month, f"{4000 + 37 * i:,}", f"{30 + i / 3:.1f}") for i, month in enumerate(months))]
    headings = TableHeadingsDisplay.ON_TOP_OF_EVERY_PAGE if repeat_header else TableHeadingsDisplay.NONE
    with pdf.table(col_widths=(60, 40, 40), text_align=("LEFT", "RIGHT", "RIGHT"), repeat_headings=headings) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.multi_cell(190, 5, "Customs will publish November's figures on 20 December, the agency said.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    assert pdf.page_no() == 2
    pdf.output(str(tmp_path / "exports.pdf"))
    _, _, (item,) = parse(pdf_file("exports.pdf", tmp_path))
    body = to_article(item).body
    assert [line for line in body.split("\n\n") if line[:3] in "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"] == [
        f"{month}: Exports (t) {4000 + 37 * i:,}; Value (US$m) {30 + i / 3:.1f}" for i, month in enumerate(months)]
    assert "Month" not in body and any("read 1 table row by row" in note for note in item.notes)


@pytest.mark.parametrize("corner", ["", "Month"])
def test_a_pdf_table_s_header_wrapped_over_two_lines_names_each_column(tmp_path, corner):
    """fpdf2 draws a header's wrapped cells one at a time ("2026", "(tonnes)", "2025", "(tonnes)"…), a
    corner's label in the middle of them: each was read as a line of its own, before the table's bare
    rows ("Exports 4,127 4,690 -12.0")."""
    rows = [(corner, "2026\n(tonnes)", "2025\n(tonnes)", "Pct\nchange"), ("Exports", "4,127", "4,690", "-12.0"),
            ("Imports", "1,020", "890", "14.6"), ("Net exports", "3,107", "3,800", "-18.2")]
    body = table_pdf_body(tmp_path, "China's rare earth exports fell 12% in October from a year earlier, customs data showed on Thursday.",
                          rows, (60, 40, 40, 40), "Traders said buyers had drawn down stocks.")
    assert body.split("\n\n")[1:-1] == [
        "Exports: 2026 (tonnes) 4,127; 2025 (tonnes) 4,690; Pct change -12.0",
        "Imports: 2026 (tonnes) 1,020; 2025 (tonnes) 890; Pct change 14.6",
        "Net exports: 2026 (tonnes) 3,107; 2025 (tonnes) 3,800; Pct change -18.2"]


def test_a_running_footer_alike_but_for_its_page_number_is_still_furniture():
    footer = "Harbour Street Research | Critical Minerals Weekly | 24 November 2026 | {}"
    words = "Lynas China quota magnets terbium Kalgoorlie Texas refinery offtake prices exports licences Malaysia MP Iluka Arafura Neo Nolans".split()
    pages = [[Line(f"{words[page * 6 + n - 6]} is the subject of this line.", page, 700.0 - 12 * n, 10.0) for n in range(6)]
             + [Line(footer.format(page), page, 40.0, 8.0)] for page in (1, 2, 3)]
    cleaned, removed = remove_page_furniture(pages)
    assert removed == 3 and all(not line.text.startswith("Harbour") for page in cleaned for line in page)


def lines_pdf(path: Path, lines: tuple[str, ...], title: str | None = None, size: int = 10) -> None:
    """A one-page PDF of these lines, under a bold title if given."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.add_page()
    if title:
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(190, 8, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=size)
    for line in lines:
        pdf.multi_cell(190, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.output(str(path))


def test_a_pdf_s_byline_is_its_author(tmp_path):
    lines_pdf(tmp_path / "column.pdf", ("By Ana Ferreira and Tom Okafor", "3 March 2026", "",
                                        "Price floors are back in fashion in Washington, and the magnet makers who would live under "
                                        "them are not convinced."), title="Why price floors will not save Western magnets")
    _, _, (item,) = parse(pdf_file("column.pdf", tmp_path))
    assert item.author == "Ana Ferreira and Tom Okafor"


def test_a_running_header_still_dates_and_names_the_note_it_is_removed_from(tmp_path):
    """Seen on a broker note nobody here labelled: its only date and publisher are in the running
    header on every page, which is furniture as body text but the note's dateline and masthead."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class Note(FPDF):
        def header(self):
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 6, "Harbour Street Research | Critical Minerals Weekly | 24 November 2026", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf = Note(format="A4")
    for text in ("Lynas reported first-quarter revenue of A$201.6 million, up 18% on the prior quarter.",
                 "Our A$7.80 target is based on a discounted cash flow at a 9.5% discount rate."):
        pdf.add_page()
        pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(190, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    path = tmp_path / "Downloads" / "note.pdf"
    path.parent.mkdir()
    pdf.output(str(path))
    _, _, (item,) = parse(pdf_file("note.pdf", path.parent))
    article = to_article(item)
    assert article.published == datetime(2026, 11, 24, tzinfo=UTC)
    assert article.source == "Harbour Street Research"
    assert "Harbour Street" not in article.body  # still furniture in the body
    assert any("running header" in note for note in item.notes)


def test_a_slide_deck_keeps_each_bullet_whole_and_is_published_by_its_running_footer(tmp_path):
    """Seen on an investor presentation made here: bullets sit further apart than a bullet's wrapped
    lines, so the median gap was the gap between bullets and every wrapped line became a paragraph
    ("…expanding to 10,000 tonnes" / "by 2028"). Its publisher is only in the footer of each slide,
    and its title on its cover."""
    from fpdf import FPDF

    slides = [("Forward-Looking Statements", ["This presentation contains forward-looking statements within the meaning of the Private "
                                              "Securities Litigation Reform Act of 1995. Actual results may differ materially."]),
              ("Q3 2026 Highlights", ["- Record NdPr oxide production of 1,310 metric tons, up 52% year over year",
                                      "- Independence magnet facility in Fort Worth began commercial deliveries to General Motors"]),
              ("Supply Chain", ["- Mine: Mountain Pass, California", "- Refine: 60,000 tonnes REO concentrate capacity",
                                "- Magnetics: 1,000 tonnes NdFeB capacity in Fort Worth, Texas, expanding to 10,000 tonnes by 2028"])]
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()  # the cover
    pdf.set_font("Helvetica", "B", 40)
    pdf.set_xy(20, 70)
    pdf.multi_cell(250, 14, "MP Materials")
    pdf.set_font("Helvetica", size=22)
    for y, line in ((100, "Investor Presentation"), (112, "Third Quarter 2026")):
        pdf.set_xy(20, y)
        pdf.cell(200, 10, line)
    for number, (heading, bullets) in enumerate(slides, 2):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 28)
        pdf.set_xy(20, 20)
        pdf.multi_cell(250, 14, heading)
        pdf.set_font("Helvetica", size=16)
        y = pdf.get_y() + 8
        for bullet in bullets:
            pdf.set_xy(25, y)
            pdf.multi_cell(240, 9, bullet)
            y = pdf.get_y() + 4
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(20, 195)
        pdf.cell(200, 5, "MP Materials Corp. | Investor Presentation | November 2026")
        pdf.set_xy(260, 195)
        pdf.cell(15, 5, str(number))
    path = tmp_path / "Downloads" / "deck.pdf"
    path.parent.mkdir()
    pdf.output(str(path))
    _, _, (item,) = parse(pdf_file("deck.pdf", path.parent))
    article = to_article(item)
    assert "Magnetics: 1,000 tonnes NdFeB capacity in Fort Worth, Texas, expanding to 10,000 tonnes by 2028" in article.body
    assert "the Private Securities Litigation Reform Act of 1995" in article.body
    assert "deliveries to General Motors" in article.body
    assert article.source == "MP Materials Corp." and "Investor Presentation |" not in article.body
    # Its cover's lines are its title, as the next quarter's deck will have another.
    assert article.title == "MP Materials, Investor Presentation, Third Quarter 2026"
    assert "Investor Presentation" not in article.body
    # A report's cover line that names its publisher is the publisher, not part of the title.
    report = FPDF(format="A4")
    report.add_page()
    report.set_font("Helvetica", "B", 30)
    report.set_xy(20, 80)
    report.cell(170, 14, "Critical Minerals Outlook 2026")
    report.set_font("Helvetica", size=16)
    report.set_xy(20, 100)
    report.cell(170, 10, "Harbour Street Research Ltd")
    report.add_page()
    report.set_font("Helvetica", size=11)
    report.multi_cell(170, 6, "Demand for NdPr oxide rose 12% in 2025. We expect prices to stay above $60 per kg through 2027.")
    report.output(str(path.parent / "outlook.pdf"))
    _, _, (item,) = parse(pdf_file("outlook.pdf", path.parent))
    assert (item.title, item.source) == ("Critical Minerals Outlook 2026", "Harbour Street Research Ltd")


def _printed_from_a_browser(path, opening: str) -> None:
    """A web article as Chrome prints it to PDF: the time and tab title over each page, its address
    and the page count under it."""
    from fpdf import FPDF

    address = "https://www.mining.com/lynas-lifts-ndpr-output-as-kalgoorlie-ramps-up/"

    class Printed(FPDF):
        def header(self):
            self.set_font("Helvetica", size=8)
            self.set_xy(10, 6)
            self.cell(60, 4, "10/28/26, 3:05 PM")
            self.set_xy(110, 6)
            self.cell(90, 4, "Lynas lifts NdPr output as Kalgoorlie ramps up", align="R")
            self.set_xy(15, 20)

        def footer(self):
            self.set_font("Helvetica", size=8)
            self.set_xy(10, 287)
            self.cell(150, 4, address)
            self.set_xy(180, 287)
            self.cell(20, 4, f"{self.page_no()}/2", align="R")

    pdf = Printed(format="A4")
    pdf.set_auto_page_break(True, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(180, 9, "Lynas lifts NdPr output as Kalgoorlie ramps up")
    pdf.set_font("Helvetica", size=11)
    for text in [opening] + ["Managing director Amanda Lacaze said customers in Japan and Europe had signed longer contracts "
                             "for separated heavy rare earths from the Malaysian circuit."] * 30:
        pdf.set_x(15)
        pdf.multi_cell(180, 6, text)
        pdf.ln(3)
    pdf.output(str(path))


def test_a_web_article_printed_to_pdf_is_published_by_its_dateline_or_its_address(tmp_path):
    """Seen on a wire story printed from a browser: published by "files", though its dateline says
    Reuters. The print header came first among the lines read for a publisher, and hid the dateline;
    with no dateline, the address the browser printed under each page names the site."""
    folder = tmp_path / "Downloads"
    folder.mkdir()
    _printed_from_a_browser(folder / "wire.pdf", "SYDNEY, Oct 28 (Reuters) - Lynas Rare Earths produced 2,204 tonnes of NdPr in the quarter.")
    _printed_from_a_browser(folder / "site.pdf", "Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter, the company said.")
    for name, source in (("wire.pdf", "Reuters"), ("site.pdf", "mining.com")):
        _, _, (item,) = parse(pdf_file(name, folder))
        article = to_article(item)
        assert article.source == source, name
        assert "3:05 PM" not in article.body and "mining.com/lynas" not in article.body, name


def test_a_text_printed_to_pdf_is_titled_by_its_first_line_over_a_date_line(tmp_path):
    """Seen on a call transcript printed to PDF: one plain type throughout, so no line stands out by
    size or weight; its first line, over a line that is only a date, is still its title."""
    lines_pdf(tmp_path / "mp_call.pdf", ("MP Materials Corp. (MP) Q3 2026 Earnings Call Transcript", "November 6, 2026, 5:00 PM ET", "",
                                         "MP Materials reported record NdPr oxide production of 721 metric tons in the quarter."), size=11)
    _, _, (item,) = parse(pdf_file("mp_call.pdf", tmp_path))
    article = to_article(item)
    assert article.title == "MP Materials Corp. (MP) Q3 2026 Earnings Call Transcript"
    assert article.published == datetime(2026, 11, 6, tzinfo=UTC)
    assert article.body.startswith("MP Materials reported")


def test_a_plain_first_line_over_a_sentence_is_no_title(tmp_path):
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in ("Lynas Rare Earths and the Kalgoorlie plant", "Lynas said on Monday that costs at Kalgoorlie had risen."):
        pdf.multi_cell(190, 6, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    path = tmp_path / "lynas.pdf"
    pdf.output(str(path))
    _, _, (item,) = parse(pdf_file("lynas.pdf", tmp_path))
    assert to_article(item).title == "lynas"  # nothing sets the line apart as a title: the file's name, with a note


def test_a_page_saved_under_a_text_name_is_read_as_a_page_and_says_so():
    html = ("<!DOCTYPE html><html><head><title>Lynas chief on Texas</title></head><body><article><h1>Lynas chief on Texas</h1>"
            "<p>Lynas Rare Earths said on Monday that its Texas plant would not proceed without a firm offtake agreement.</p>"
            "</article></body></html>")
    _, _, (item,) = parse(Fetched(source="/home/a/article.txt", content=html.encode(), content_type=content_type_for(".txt")))
    article = to_article(item)
    assert article.title == "Lynas chief on Texas" and "<p>" not in article.body and article.body.startswith("Lynas Rare Earths said")
    assert "read as an HTML page, by its markup, though named .txt" in item.notes


def test_a_news_page_s_caption_advertisement_and_links_are_no_statements():
    """clutter.html, written here in a wire site's layout: a photo's caption, an advertisement's slot, a
    "Related" box, a "Read more:" link and a newsletter's sign-up among the paragraphs. The slot and the
    link were statements ("Advertisement · Scroll to continue"); now the body is the story's paragraphs."""
    from assay.statements import statements

    body = page_body((HTML / "clutter.html").read_text())
    assert "Advertisement" not in body and "Read more" not in body and "Sign up" not in body and "REUTERS/Stringer" not in body
    found = [s.text for s in statements(to_article(parse(Fetched(source="https://metalswire.example/a", url="https://metalswire.example/a",
                                                                 content=(HTML / "clutter.html").read_bytes(), content_type="text/html"))[2][0]))]
    assert found[-1] == "Analysts said the move would push up prices for dysprosium and terbium outside China, which rose 8% last week."
    assert not any("Scroll" in text or "Read more" in text for text in found)


def test_a_summary_s_bullets_over_the_first_paragraph_are_the_publisher_s_highlights():
    """Bloomberg's "abstract" (a page written here, forty-fourth session): short bullets under the headline, unheaded,
    had been statements and a highlight of the analysis. A list the text opens with whose items are sentences stays text."""
    story = ("<p>China tightened controls on exports of dysprosium and terbium compounds for the second time this year, deepening "
             "the squeeze on magnet makers outside the country.</p><p>The Ministry of Commerce said exporters will need a license "
             "from Jan. 1, adding the compounds to a list that already covers the metals.</p>")

    def read(items: str) -> tuple[list[str], str]:
        html = (f"<html><head><title>China Curbs Dysprosium Exports Again</title></head><body><article><h1>China Curbs Dysprosium "
                f"Exports Again</h1><ul>{items}</ul>{story}</article></body></html>")
        url = "https://news.example.com/dysprosium"
        _, _, (item,) = parse(Fetched(source=url, url=url, content=html.encode(), content_type="text/html"))
        article = to_article(item)
        return article.highlights, article.body

    deck = ["Commerce ministry adds two heavy rare earth compounds to control list", "Japanese and German magnet makers say inventories cover weeks"]
    highlights, body = read("".join(f"<li>{b}</li>" for b in deck))
    assert highlights == deck and body.startswith("China tightened controls")
    sentences = ["The ministry added two compounds to its control list.", "Magnet makers in Japan and Germany said stocks cover weeks."]
    highlights, body = read("".join(f"<li>{b}</li>" for b in sentences))
    assert highlights == [] and "The ministry added two compounds to its control list." in body
    highlights, body = read("<li>Markets</li><li>Economics</li><li>Sign in</li>")  # a menu the page kept: no summary
    assert highlights == []


def test_a_paywalled_page_is_read_as_far_as_it_shows_and_says_so():
    """Seen on trade publications: the opening paragraphs, then "Subscribe to continue reading": the prompt
    is no statement, and the reading notes say only the free part was read."""
    url = "https://www.fastmarkets.com/insights/china-ndpr-oxide-prices-jump-myanmar-supply/"
    _, _, (item,) = parse(page("paywalled", url))
    article = to_article(item)
    assert article.body.startswith("Prices for neodymium-praseodymium oxide in China rose") and "612,000 yuan" in article.body
    for prompt in ("Subscribe to continue reading", "Already a subscriber", "available to Fastmarkets subscribers"):
        assert prompt not in article.body
    assert any(note.startswith("behind a paywall") for note in item.notes)
    # No markup, only the prompt: the same. An article that mentions subscribers in a sentence of its own is not a prompt.
    bare = (HTML / "paywalled.html").read_text().replace('"isAccessibleForFree":"False",', "").replace(',"hasPart":{"@type":"WebPageElement","isAccessibleForFree":"False","cssSelector":".paywalled-content"}', "")
    _, _, (item,) = parse(Fetched(source=url, url=url, content=bare.encode(), content_type="text/html"))
    assert any(note.startswith("behind a paywall") for note in item.notes) and "Already a subscriber" not in to_article(item).body
    free = bare.replace('<div class="paywall">', '<p>Subscribers to the agency\'s price service, which covers 40 rare earth products, '
                        'include magnet makers in Japan, Korea and Germany, who already sign long-term contracts against it.</p><div class="paywall">')
    _, _, (item,) = parse(Fetched(source=url, url=url, content=free.encode(), content_type="text/html"))
    assert "which covers 40 rare earth products" in to_article(item).body
    # The story going on under the call to subscribe (a subscriber's saved page; a Bloomberg-style page written here, forty-fourth
    # session): nothing was cut, and the note says only that the call was left out.
    rest = ("<p>Traders in Shanghai said buyers had rushed to secure cargoes before the holiday, and that several smelters in Jiangxi "
            "had cut output after inspections. Prices for dysprosium oxide rose too, by 4% on the week, as magnet makers in Ningbo "
            "restocked ahead of the new quota. One trader said the market expected the ministry to publish the second batch of "
            "mining quotas within a month, which would ease supply of light rare earths but not of heavy ones.</p>")
    whole = bare.replace("</div>\n", "</div>\n" + rest, 1) if '<div class="paywall">' in bare else ""
    _, _, (item,) = parse(Fetched(source=url, url=url, content=whole.encode(), content_type="text/html"))
    assert "which would ease supply of light rare earths" in to_article(item).body and "Already a subscriber" not in to_article(item).body
    assert not any(note.startswith("behind a paywall") for note in item.notes)
    assert "left out a call to subscribe inside the text; the text goes on after it, and was read whole" in item.notes


def test_an_outlook_dated_by_its_month_alone_as_a_pdf_and_as_a_page(tmp_path):
    """A text export's "November 2026" under the title dated it (the text reader); a PDF's cover and a
    saved page with the same line were left undated. Each is dated to the month's first day, saying so,
    and the month's line is no text of the PDF; a month inside a sentence dates nothing."""
    text = "NdPr oxide prices rose 12% in the third quarter as export licences slowed, and buyers paid more for Dy."
    lines_pdf(tmp_path / "outlook.pdf", ("November 2026", "", text), title="Rare Earths Outlook")
    _, _, (item,) = parse(pdf_file("outlook.pdf", tmp_path))
    article = to_article(item)
    assert article.published == datetime(2026, 11, 1, tzinfo=UTC) and "November 2026" not in article.body
    assert any("gives the month only: taken as its first day" in note for note in item.notes)
    lines_pdf(tmp_path / "outlook.pdf", (f"In November 2026 {text[0].lower()}{text[1:]}",), title="Rare Earths Outlook")
    assert parse(pdf_file("outlook.pdf", tmp_path))[2][0].published is None

    page = tmp_path / "outlook.html"
    page.write_text(f"<html><head><title>Rare Earths Outlook</title></head><body><article><h1>Rare Earths Outlook</h1>"
                    f"<p>November 2026</p><p>{text}</p><p>{text.replace('third', 'fourth')}</p></article></body></html>")
    _, _, (item,) = parse(Fetched(source=str(page), content=page.read_bytes(), content_type="text/html"))
    assert item.published == datetime(2026, 11, 1, tzinfo=UTC)
    assert any("gives the month only: taken as its first day" in note for note in item.notes)


SPA = ('<!doctype html><html><head><title>Lynas output rises | Mining News</title></head><body>'
       '<noscript>You need to enable JavaScript to run this app.</noscript><div id="root"></div><script src="/main.js"></script></body></html>')


def test_a_page_that_draws_its_text_with_javascript_says_so_and_how_to_read_it():
    """Stored as an article whose body was "You need to enable JavaScript to run this app." (and analysed)."""
    fetched = Fetched(source="https://news.example.test/lynas", url="https://news.example.test/lynas", content=SPA.encode(),
                      content_type="text/html")
    with pytest.raises(SourceError) as error:
        [to_article(item) for item in parse(fetched)[2]]
    assert str(error.value) == ("https://news.example.test/lynas: the page draws its text with JavaScript, which Assay does not run: open "
                                "it in a browser, let it load, and save it (Save Page As…) to ingest that file, or copy its text and paste "
                                "it (`pbpaste | assay ingest - --url https://news.example.test/lynas`)")
    with_text = SPA.replace('<div id="root"></div>', "<article><h1>Lynas output rises</h1><p>Lynas Rare Earths lifted NdPr output 12% in "
                            "the September quarter to 2,204 tonnes, the company said on Tuesday.</p></article>")
    (item,) = parse(fetched.model_copy(update={"content": with_text.encode()}))[2]
    assert to_article(item).body == "Lynas Rare Earths lifted NdPr output 12% in the September quarter to 2,204 tonnes, the company said on Tuesday."


REDIRECT = ('<!doctype html><html><head><title>Redirecting</title><meta content="0; URL=\'https://www.mining.com/lynas-output/\'" '
            'http-equiv="Refresh"></head><body><p>Redirecting to <a href="https://www.mining.com/lynas-output/">the story</a>…</p></body></html>')
CONSENT = ('<!doctype html><html><head><title>Before you continue to Yahoo</title></head><body><div class="consent">'
           '<h2>Yahoo is part of the Yahoo family of brands.</h2><p>We, Yahoo, and our partners use cookies and similar technologies to store '
           'and access information on your device, to provide our sites and apps, for authentication, security and to measure your use.</p>'
           '<p>If you click Accept all, we and our partners will store and access information on your device. If you do not want us to, '
           'click Reject all.</p><button>Accept all</button><button>Reject all</button><a>Manage privacy settings</a></div></body></html>')


def test_a_page_that_only_redirects_or_asks_for_cookies_is_no_article_and_says_what_to_do():
    """Both had been stored and analysed: an article titled "Redirecting", and one titled "Before you continue to Yahoo"."""
    def read(html: str) -> list:
        fetched = Fetched(source="/saved/page.html", content=html.encode(), content_type="text/html")
        return [to_article(item) for item in parse(fetched)[2]]

    with pytest.raises(SourceError) as redirect:
        read(REDIRECT)
    assert str(redirect.value) == ("/saved/page.html: the page only sends its reader on to https://www.mining.com/lynas-output/: "
                                   "ingest that address (`assay ingest https://www.mining.com/lynas-output/`)")
    with pytest.raises(SourceError, match="the page is a notice asking to accept cookies, not the article .*Save Page As"):
        read(CONSENT)
    story = ("<article><h1>Lynas output rises</h1><p>Lynas Rare Earths lifted NdPr output 12% in the September quarter to 2,204 tonnes, "
             "the company said on Tuesday.</p><p>The Kalgoorlie plant is ramping up, it said.</p><p>Shares rose 3% in Sydney.</p></article>")
    banner = '<div class="banner"><p>We use cookies. Accept all or Reject all. Manage privacy settings.</p></div>'
    (article,) = read(f"<html><head><title>Lynas output rises</title></head><body>{banner}{story}</body></html>")
    assert article.body.startswith("Lynas Rare Earths lifted NdPr output 12%")  # a short story under a cookie banner is read
    live = '<html><head><meta http-equiv="refresh" content="300"><title>Lynas output rises</title></head><body>' + story + "</body></html>"
    assert read(live)[0].title == "Lynas output rises"  # a live page that reloads itself is no redirect


def test_a_sites_error_page_is_no_article_and_a_short_brief_that_sounds_like_one_is():
    """A soft 404 and a CDN's refusal saved (or served with 200) had been stored as articles titled "Page not found" and "Access Denied"."""
    def read(title: str, body: str) -> list:
        html = f"<html><head><title>{title}</title></head><body><main><h1>{title.split(' |')[0]}</h1>{body}</main></body></html>"
        return [to_article(item) for item in parse(Fetched(source="/saved/page.html", content=html.encode(), content_type="text/html"))[2]]

    with pytest.raises(SourceError, match="the site's \"not found\" page, not an article: .*web.archive.org"):
        read("Page not found | Mining News", "<p>Sorry, the page you are looking for does not exist or has been moved.</p>")
    with pytest.raises(SourceError, match=r"the site's refusal \(\"Access Denied\"\), not an article: save the page from your browser"):
        read("Access Denied", "<p>You don't have permission to access \"http://www.reuters.com/markets/lynas\" on this server.</p>"
                              "<p>Reference #18.2f3d1002.1733570000.1a2b3c</p>")
    brief = read("Lynas ships 404 tonnes of NdPr", "<p>Lynas Rare Earths shipped 404 tonnes of NdPr in October, the company said; "
                                                   "a report that output had been moved to Malaysia was not found to be true.</p>")
    assert brief[0].title == "Lynas ships 404 tonnes of NdPr"
    assert read("US tariff on magnets removed", "<p>The US tariff on NdFeB magnets has been removed, the trade office said.</p>")


def test_a_sign_in_form_or_a_section_page_is_no_article_and_a_section_page_names_its_feed():
    """A saved sign-in page and a home or section page had been stored as articles ("Sign in | Fastmarkets", a list of headlines)."""
    def read(html: str, url: str | None = None) -> list:
        fetched = Fetched(source=url or "/saved/page.html", url=url, content=html.encode(), content_type="text/html")
        return [to_article(item) for item in parse(fetched)[2]]

    with pytest.raises(SourceError, match="the page is the site's sign-in form, not the article: the site wants a subscription"):
        read("<html><head><title>Sign in | Fastmarkets</title></head><body><main><h1>Sign in to Fastmarkets</h1><form><label>Email</label>"
             "<label>Password</label><button>Sign in</button></form><p>Not a subscriber? Request a free trial.</p></main></body></html>")
    stories = "".join(f'<li><a href="/news/{i}">Rare earths story number {i}: Lynas and MP Materials move again</a> Dec {i}</li>'
                      for i in range(1, 13))
    section = ('<html><head><title>Rare Earths | Mining News</title><link rel="alternate" type="application/rss+xml" href="/feed/">'
               f"</head><body><main><h1>Rare Earths</h1><ul>{stories}</ul></main></body></html>")
    with pytest.raises(SourceError) as listed:
        read(section, "https://news.example.test/rare-earths/")
    assert str(listed.value) == ("https://news.example.test/rare-earths/: the page lists 12 stories (a home or section page), not one article: "
                                 "ingest the stories' own addresses, or the site's feed (`assay ingest https://news.example.test/feed/`)")
    # An article that links a few of its sources is an article.
    linked = "".join(f'<p>Lynas Rare Earths said output rose {i}0% in the quarter, <a href="/s/{i}">according to the company statement '
                     f'filed on Tuesday</a>, as prices for NdPr oxide held near their highs and buyers outside China signed new contracts.</p>'
                     for i in range(1, 10))
    assert read(f"<html><head><title>Lynas output rises</title></head><body><article><h1>Lynas output rises</h1>{linked}</article></body></html>")
    # A short story beside a sidebar of "most read" headlines (in plain divs) is a story: only the links in the text read count.
    side = "".join(f'<div><a href="/n/{i}">Most read story number {i}: Lynas and MP Materials move again</a></div>' for i in range(20))
    (story,) = read('<html><head><title>Lynas output rises</title></head><body><article><h1>Lynas output rises</h1><p>Lynas Rare Earths '
                    'lifted NdPr output 12% in the September quarter to 2,204 tonnes, the company said.</p></article>'
                    f'<div class="sidebar"><h3>Most read</h3>{side}</div></body></html>')
    assert story.body.startswith("Lynas Rare Earths lifted NdPr output 12%") and "Most read" not in story.body


def test_a_state_outlet_s_page_is_dated_by_its_labelled_day_and_its_photo_credit_is_no_text():
    """A Global Times page written here (forty-fourth session): its "Published: Dec 03, 2026 09:12 PM" stands beside the
    byline outside any article element, and a photo's caption ending in its credit ("Rare earth. Photo: VCG") opens the
    text. It had been undated, with the caption its first paragraph. A masthead's unlabelled day still dates nothing."""
    story = ("<br>China's export controls on certain heavy rare earth items are a legitimate measure in line with international "
             "practice, a spokesperson for the Ministry of Commerce said on Wednesday.<br><br>China accounted for about 70 percent "
             "of global rare earth mining output in 2025, according to the US Geological Survey.<br><br>")

    def read(day: str) -> tuple[datetime | None, str]:
        html = ("<html><head><title>China's rare earth export management is legitimate - Global Times</title></head><body>"
                "<div class='article_title'>China's rare earth export management is legitimate</div>"
                f"<div class='author_share'><span class='byline'>By Global Times</span><span class='pub_time'>{day}</span></div>"
                f"<div class='article_content'><div class='article_right'><p class='picture'> Rare earth. Photo: VCG</p>{story}"
                "</div></div></body></html>")
        url = "https://www.globaltimes.cn/page/202612/1350000.shtml"
        _, _, (item,) = parse(Fetched(source=url, url=url, content=html.encode(), content_type="text/html"))
        article = to_article(item)
        return article.published, article.body

    published, body = read("Published: Dec 03, 2026 09:12 PM")
    assert published == datetime(2026, 12, 3, tzinfo=UTC) and body.startswith("China's export controls") and "VCG" not in body
    assert read("Wednesday, December 2, 2026")[0] is None  # no label: a masthead's day, today's
