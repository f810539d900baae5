"""Notes an analyst clips articles into: an Evernote export (.enex) and a Notion page exported as Markdown
(written here, twenty-ninth session: neither form is in the labelled sets)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assay.articles import to_article
from assay.readers import parse, supported_suffixes
from assay.sources import SourceError
from assay.statements import statements
from assay.types import Fetched

ENEX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE en-export SYSTEM "http://xml.evernote.com/pub/evernote-export4.dtd">
<en-export export-date="20261205T091500Z" application="Evernote" version="10.98.4">
  <note>
    <title>Solvay to expand La Rochelle rare earth separation</title>
    <created>20261203T081200Z</created>
    <tag>rare earths</tag><tag>Europe</tag>
    <note-attributes>
      <author>Anna Lindqvist</author>
      <source-url>https://www.example-metals.com/news/solvay-la-rochelle-expansion</source-url>
    </note-attributes>
    <content>
      <![CDATA[<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE en-note SYSTEM "http://xml.evernote.com/pub/enml2.dtd">
<en-note><div><h1>Solvay to expand La Rochelle rare earth separation</h1></div><div>By Marc Dubois | December 3, 2026</div>
<div>Solvay said on Wednesday it would invest 120 million euros to double the capacity of its rare earth separation plant at La Rochelle, France, to 2,000 tonnes a year of separated oxides by 2028.</div>
<div>"Europe cannot build a magnet industry without separated oxides," Chief Executive Philippe Kehren said in a statement.</div></en-note>]]>
    </content>
  </note>
  <note>
    <title>Neo Narva magnet plant update</title>
    <created>20261204T140000Z</created>
    <content><![CDATA[<en-note><div>Neo Performance Materials said its sintered magnet plant in Narva, Estonia, shipped its first commercial magnets to a German automotive supplier in November.</div><en-crypt cipher="AES" length="128" hint="desk">RU5DMI1mnQ7fKjBk9f0a57gSc9Nfbuw3uuwMKs32Y+wJGLZa0N8PcTzf7pu3/2VOBqZMvfkKGh4mnJuGy45ZT2TwOfqt+ey8Tic7BmhGg7b4=</en-crypt></en-note>]]></content>
  </note>
  <note>
    <title>Screenshot</title>
    <content><![CDATA[<en-note><en-media type="image/png" hash="0a1b2c"/></en-note>]]></content>
  </note>
</en-export>
"""


def _items(content: str, name: str):
    return parse(Fetched(source=f"/tmp/{name}", content=content.encode(), content_type="text/plain"))[2]


def test_an_evernote_export_is_its_notes_each_read_as_the_page_it_was_clipped_from():
    # Read as text, the export had been turned away as program code (its markup), and a folder passed over it.
    assert ".enex" in supported_suffixes()
    items = _items(ENEX, "Evernote.enex")
    assert len(items) == 2  # the screenshot holds no text: left out, and said so
    assert any("notes with no text left out: 'Screenshot'" in note for note in items[0].notes)
    clipped, bare = (to_article(item) for item in items)
    assert (clipped.title, clipped.url, clipped.source) == (
        "Solvay to expand La Rochelle rare earth separation", "https://www.example-metals.com/news/solvay-la-rochelle-expansion",
        "example-metals.com")
    # The byline over the text names the writer and dates it; the note's author is whoever clipped it.
    assert (clipped.author, clipped.published) == ("Marc Dubois", datetime(2026, 12, 3, tzinfo=UTC))
    assert clipped.categories == ["rare earths", "Europe"]
    assert statements(clipped)[0].text.startswith("Solvay said on Wednesday it would invest 120 million euros")
    # A note with no date in its text and no address: dated by the day it was made, known by its text.
    assert bare.published == datetime(2026, 12, 4, 14, 0, tzinfo=UTC) and bare.url is None
    assert bare.title == "Neo Narva magnet plant update"
    # A part encrypted in Evernote is a cipher's base64, no words: left out, and said so.
    assert "RU5DMI" not in bare.body and any(note.startswith("its encrypted text left out") for note in items[1].notes)


def test_an_evernote_export_that_is_broken_or_empty_is_refused_saying_so():
    with pytest.raises(SourceError, match="not well-formed XML .*export the notes again"):
        _items(ENEX[: len(ENEX) // 2], "Evernote.enex")
    # A page saved under the name is read as the page it is.
    (page,) = _items("<html><body><p>Lynas said its NdPr output rose to a record in the quarter.</p></body></html>", "saved.enex")
    assert "read as an HTML page, by its markup, though named .enex" in page.notes
    with pytest.raises(SourceError, match="no note that holds text"):
        _items('<?xml version="1.0"?><en-export><note><title>x</title><content><![CDATA[<en-note></en-note>]]></content></note></en-export>',
               "empty.enex")


NOTION = """# Lynas Kalgoorlie cracking and leaching plant reaches nameplate

Created: December 4, 2026 9:12 AM
Tags: Australia, Lynas, processing
URL: https://www.example-mining-news.com.au/lynas-kalgoorlie-nameplate
Author: Tom Brennan
Status: To read

PERTH — Lynas Rare Earths said on Thursday its cracking and leaching plant in Kalgoorlie had reached its nameplate rate.

The plant processed 4,100 tonnes of rare earth concentrate in November, the company said.
"""


def test_a_notion_page_s_properties_are_its_metadata_not_its_text():
    # Its "Created:" line had been a statement and its address, writer and tags lost; "Status: To read" is no text either.
    article = to_article(_items(NOTION, "Lynas Kalgoorlie cracking 2b3f9a1c4d5e6f7a8b9c0d1e2f3a4b5c.md")[0])
    assert article.title == "Lynas Kalgoorlie cracking and leaching plant reaches nameplate"
    assert (article.url, article.author) == ("https://www.example-mining-news.com.au/lynas-kalgoorlie-nameplate", "Tom Brennan")
    assert article.categories == ["Australia", "Lynas", "processing"]
    assert "Created" not in article.body and "To read" not in article.body
    # Created is when the page was saved: it dates an article whose text gives no day, and never one whose text does.
    assert article.published == datetime(2026, 12, 4, 9, 12, tzinfo=UTC)
    dated = NOTION.replace("PERTH —", "PERTH, Dec. 3, 2026 —")
    assert to_article(_items(dated, "Lynas.md")[0]).published == datetime(2026, 12, 3, tzinfo=UTC)
    # A clipping's front matter (Joplin's, Obsidian's) writes the same day as `created:`: a date of last resort too.
    joplin = "---\ntitle: Lynas update\ncreated: 2026-12-04 09:12:00Z\nsource: https://www.example.com/lynas\n---\n\nLynas said output rose.\n"
    assert to_article(_items(joplin, "Lynas update.md")[0]).published == datetime(2026, 12, 4, 9, 12, tzinfo=UTC)
    # A Markdown title over lines that are the article's own ("Note: …", "Update: …") is no page's properties.
    prose = "# Lynas update\n\nNote: prices rose.\nUpdate: output fell.\n\nLynas said output fell in November.\n"
    assert "Note: prices rose." in to_article(_items(prose, "update.md")[0]).body


@pytest.mark.slow
def test_an_evernote_export_in_a_folder_ingests_its_notes(ingest, assay_home, tmp_path):
    """Through the ingest flow: a folder's export gives its notes as articles; the other file the folder holds that no
    reader takes by name is named in the report, not passed over."""
    from assay.store.registry import Registry

    folder = tmp_path / "Clippings"
    folder.mkdir()
    (folder / "Evernote.enex").write_text(ENEX)
    (folder / "scan.heic").write_bytes(b"x")
    report = ingest([str(folder)])
    assert report.counts["new"] == 2 and report.unread == [str(folder / "scan.heic")]
    rows = {r.title: r for r in Registry(assay_home.registry_url).articles()}
    assert rows["Solvay to expand La Rochelle rare earth separation"].source == "example-metals.com"
    assert ingest([str(folder)]).counts["unchanged"] == 2  # read again: nothing new


@pytest.mark.slow
def test_a_notion_export_s_reading_list_does_not_fail_the_pages_it_holds(ingest, assay_home, tmp_path):
    """A Notion export (.zip) holds each page as Markdown and the database as a CSV listing the same pages' addresses.
    The CSV's rows, links to read, had been fetched, and a page that could not be reached failed the page the export
    holds whole (written here, twenty-ninth session)."""
    import zipfile

    url = "http://127.0.0.1:9/lynas-kalgoorlie-nameplate"  # nothing answers there, and a list's link to it is refused
    page = NOTION.replace("https://www.example-mining-news.com.au/lynas-kalgoorlie-nameplate", url)
    export = tmp_path / "Export-7f3a.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("Export-7f3a/Lynas Kalgoorlie cracking 2b3f9a1c4d5e6f7a8b9c0d1e2f3a4b5c.md", page)
        archive.writestr("Export-7f3a/Reading list 9c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f.csv",
                         f'Name,Created,URL,Status\nLynas Kalgoorlie cracking and leaching plant reaches nameplate,"December 4, 2026",{url},To read\n')
    report = ingest([str(export)])
    assert report.counts["new"] == 1 and report.counts["failed"] == 0, report.results
    assert report.fetched == []  # the page is in the export: nothing is fetched
