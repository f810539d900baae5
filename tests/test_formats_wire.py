"""Wire stories in IPTC's formats (NITF, NewsML-G2, ninjs), as agencies deliver them: each read for
its headline, byline, date, provider and body, and an update replacing the version before. Before,
a NITF file was refused as "not an RSS or Atom feed", and ninjs as data."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assay.articles import to_article
from assay.cleaning import without_version_tag
from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched

WIRE = Path(__file__).parent / "fixtures" / "formats" / "wire"


def _read(name: str, content: str | None = None, source: str | None = None):
    data = content.encode() if content is not None else (WIRE / name).read_bytes()
    return parse(Fetched(source=source or str(WIRE / name), content=data, content_type="application/xml"))


def test_a_nitf_story_is_read_for_its_fields():
    _, _, items = _read("lynas.nitf.xml")
    [article] = [to_article(item) for item in items]
    assert (article.title, article.author, article.source, article.published) == (
        "Lynas lifts heavy rare earths output at Malaysia plant", "Jane Doe", "Example Wire Service",
        datetime(2026, 11, 28, 4, 15, tzinfo=UTC))
    assert article.categories == ["rare earths", "Lynas"]
    assert (items[0].guid, items[0].story_id) == ("RTX2026-11-28-0415", "Example Wire Service/RTX2026-11-28-0415")
    assert article.body.startswith("SYDNEY, Nov 28 (Example Wire) - Lynas Rare Earths Ltd said on Friday")
    assert "Copyright" not in article.body and "Commodities Correspondent" not in article.body  # the tagline, the byline
    assert '"This is a genuinely historic moment for the Western supply chain," Lacaze said.' in article.body


def test_a_newsml_g2_message_is_read_as_its_text_items():
    """Three items: a story carried as NITF, a picture (no text: counted), a brief carried as XHTML."""
    _, _, items = _read("newsml-g2-message.xml")
    articles = [to_article(item) for item in items]
    assert [(a.title, a.source, a.author, a.published) for a in articles] == [
        ("China raises 2026 rare earth mining quota by 6%", "Example News Agency", "Li Wei", datetime(2026, 11, 29, 7, 55, tzinfo=UTC)),
        ("MP Materials starts magnet deliveries to GM", "Example Briefs", None, datetime(2026, 11, 29, 9, 0, tzinfo=UTC)),
    ]
    story = articles[0]
    assert story.url == "https://www.example.com/markets/commodities/china-rare-earth-quota-2026-11-29/"
    assert [s.heading for s in story.sections] == [None, "Heavy rare earths flat"]  # NITF's <hl2>
    assert "A mine in Jiangxi" not in story.body  # a picture's caption is no text of the story
    assert story.categories == ["mining and metals", "rare earths"]
    # The guid ends with the version; the story's id is the same in each version.
    assert items[0].story_id == "tag:example.com,2026:newsml_L4N3X1ABC"
    assert articles[1].body.startswith("MP Materials said on Saturday it had begun delivering NdFeB magnets")
    assert items[0].notes == ["left out: 1 of the message's 3 items hold no text (pictures, video)"]


def test_a_newsml_1_item_is_read_as_agencies_still_send_it():
    """NewsML 1.2, AFP's older format: its DTD named, never fetched; its NITF content read."""
    _, _, items = _read("afp-newsml1.xml")
    [article] = [to_article(item) for item in items]
    assert (article.title, article.author, article.source, article.published) == (
        "Brazil's Serra Verde begins heavy rare earth exports to US", "Pedro Alves", "AFP", datetime(2026, 11, 26, 10, 12, tzinfo=UTC))
    assert items[0].story_id == "urn:newsml:afp.com:20261126:TX-PAR-XYZ12"  # without the revision
    assert article.body.startswith("Brazilian miner Serra Verde said Thursday")


def test_ninjs_is_read_whether_a_provider_wraps_it_or_not():
    _, _, items = _read("ap-ninjs.json", source=str(WIRE / "ap-ninjs.json"))
    [article] = [to_article(item) for item in items]
    assert (article.title, article.author, article.source, article.published) == (
        "Pentagon signs heavy rare earths deal with Texas refiner", "Mary Smith", "The Associated Press",
        datetime(2026, 11, 27, 12, 40, tzinfo=UTC))
    assert article.url is None  # AP's uri is its API's address, which no reader opens
    assert article.categories == ["Mining", "Military and defense"]
    assert "China controls roughly 90% of global rare earth refining capacity." in article.body
    ninjs_2 = {"uri": "urn:example:story:77", "version": "1", "type": "text", "firstcreated": "2026-11-20T08:00:00Z",
               "headlines": [{"role": "main", "value": "Neo Performance opens Estonia magnet plant"}],
               "bodies": [{"role": "main", "contentType": "text/plain",
                           "value": "Neo Performance Materials opened its magnet plant in Narva, Estonia, on Thursday.\n\n"
                                    "The plant can make 2,000 tonnes of magnets a year, the company said."}],
               "by": "Anna Tamm", "copyrightholder": "Example Baltic News"}
    _, _, items = parse(Fetched(source="/tmp/wire/story.json", content=json.dumps(ninjs_2).encode(), content_type="text/plain"))
    [article] = [to_article(item) for item in items]
    assert (article.title, article.author, article.source) == (
        "Neo Performance opens Estonia magnet plant", "Anna Tamm", "Example Baltic News")
    assert article.body.endswith("the company said.")
    # API responses saved a line each (JSON Lines): each line's story, the wrapping one level deeper.
    # It was "ninjs with no item that holds text".
    wrapped = json.loads((WIRE / "ap-ninjs.json").read_text())
    lines = "\n".join(json.dumps(response) for response in (wrapped, {"api_version": "2", "data": {"items": [{"item": ninjs_2}]}}))
    _, _, items = parse(Fetched(source="/tmp/wire/responses.jsonl", content=lines.encode(), content_type="text/plain"))
    assert [to_article(item).title for item in items] == [
        "Pentagon signs heavy rare earths deal with Texas refiner", "Neo Performance opens Estonia magnet plant"]


@pytest.mark.parametrize("doctype", [
    "",
    '<!DOCTYPE nitf SYSTEM "nitf-3-6.dtd">',
    '<!DOCTYPE nitf [<!ENTITY secret SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
])
def test_html_characters_are_read_and_no_entity_is_expanded(doctype):
    """Wire copy writes "&mdash;" and "&nbsp;", which NITF's DTD defines: they were refused as undefined
    (or, under a doctype, dropped). A document's own entities (a file's contents, a billion laughs) are
    never expanded."""
    story = (f'<?xml version="1.0"?>\n{doctype}\n<nitf><body><body.head><hedline><hl1>Lynas</hl1></hedline></body.head>'
             "<body.content><p>Output rose 10%&nbsp;in the quarter &mdash; a record, at &euro;5 &amp; more.&secret;&b;</p>"
             "</body.content></body></nitf>")
    [item] = _read("entities.xml", story)[2]
    assert to_article(item).body == "Output rose 10% in the quarter — a record, at €5 & more."


def test_a_version_tag_is_no_words_of_a_title():
    assert without_version_tag("CORRECTED-UPDATE 2-Lynas lifts output") == "Lynas lifts output"
    assert without_version_tag("RPT-China raises quota") == "China raises quota"
    assert without_version_tag("2ND LD-Writethru: Pentagon signs deal") == "Pentagon signs deal"
    assert without_version_tag("EXCLUSIVE-MP Materials in talks") == "EXCLUSIVE-MP Materials in talks"  # a genre, kept
    assert without_version_tag("Update on MP Materials' Texas plant") == "Update on MP Materials' Texas plant"


def test_faulty_wire_files_are_refused_saying_why():
    whole = (WIRE / "lynas.nitf.xml").read_text()
    with pytest.raises(SourceError, match=r"malformed XML .*the file may be cut off"):
        _read("cut.xml", whole[: len(whole) // 2])
    empty = whole.split("<body.content>")[0] + "<body.content><media/></body.content></body></nitf>"
    with pytest.raises(SourceError, match="a NITF story with no text"):
        _read("empty.xml", empty)
    pictures = ('<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet><newsItem guid="p1"><itemMeta>'
                '<itemClass qcode="ninat:picture"/></itemMeta><contentSet><remoteContent href="x.jpg"/></contentSet>'
                "</newsItem></itemSet></newsMessage>")
    with pytest.raises(SourceError, match="none with text"):
        _read("pictures.xml", pictures)
    with pytest.raises(SourceError, match=r"an XML document of <catalog>, not a feed or a wire story: .*save the article"):
        _read("books.xml", '<?xml version="1.0"?>\n<catalog><book>x</book></catalog>')


def test_an_update_replaces_the_version_before(ingest, assay_home, tmp_path):
    """The agency sends the story again under the same id, corrected and retitled "UPDATE 1-": one
    article, the update's text, not two versions side by side."""
    from assay.store.registry import Registry

    first = (WIRE / "lynas.nitf.xml").read_text()
    story = tmp_path / "lynas.xml"
    story.write_text(first)
    assert ingest([str(story)]).counts["new"] == 1
    update = tmp_path / "lynas-update-1.xml"
    update.write_text(first.replace("1.5 tonnes", "1.6 tonnes").replace("<hl1>Lynas", "<hl1>UPDATE 1-Lynas"))
    assert ingest([str(update)]).counts["updated"] == 1
    [row] = Registry(assay_home.registry_url).articles()
    assert (row.title, row.version) == ("Lynas lifts heavy rare earths output at Malaysia plant", 2)
    assert "1.6 tonnes" in row.body and "1.5 tonnes" not in row.body
    # `assay show` says what the update changed.
    from assay import api
    from assay.settings import get_settings

    [changed] = api.article(get_settings(), row.id).revisions
    assert changed.version == 2 and changed.title_before is None
    assert [(c.kind, c.figures) for c in changed.changes] == [("changed", [("1.5", "1.6")])]
    from typer.testing import CliRunner

    from assay.cli import app

    shown = " ".join(CliRunner().invoke(app, ["show", row.id[:8]]).output.split())
    assert "Changed in version 2" in shown and "(1.5 → 1.6)" in shown and "was: SYDNEY, Nov 28 (Example Wire) - Lynas" in shown
    # ... and so does the day's digest, the correction first.
    [revised] = api.digest(get_settings()).revised
    assert (revised.article_id, revised.revision.changes[0].figures) == (row.id, [("1.5", "1.6")])
    # ... and the report's page of the article.
    site = api.report(get_settings(), tmp_path / "site").parent
    page = next((site / "articles").glob(f"{row.id}*.html")).read_text(encoding="utf-8")
    assert "Changed since first read (1 later version)" in page and "1.5 → 1.6" in page
    assert ingest([str(update)]).counts["unchanged"] == 1


def test_a_drop_folder_of_wire_files_reads_its_stories_and_not_its_data(ingest, assay_home, tmp_path):
    """A wire service's drop folder: ninjs as `.json` beside NITF. A folder's `.json` files had all been
    passed over (data more often than articles); now those that open as stories are read, and other
    JSON (a tool's settings) still is not."""
    import shutil

    from assay.store.registry import Registry

    drop = tmp_path / "drop"
    drop.mkdir()
    for name in ("ap-ninjs.json", "lynas.nitf.xml"):
        shutil.copy(WIRE / name, drop / name)
    (drop / "settings.json").write_text('{"name": "wire-client", "poll_seconds": 60}')
    report = ingest([str(drop)])
    assert report.counts["new"] == 2 and report.counts["failed"] == 0, report
    assert {r.source for r in Registry(assay_home.registry_url).articles()} == {"The Associated Press", "Example Wire Service"}
