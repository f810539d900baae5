"""OpenDocument text (.odt), written here as LibreOffice writes it (a government policy paper, with a
title style, a table of contents, headings, nested lists, a table with a merged cell, a footnote and
tracked changes), read as `assay ingest` reads it. Before, an .odt was refused with "save it as
.docx or PDF"."""

from __future__ import annotations

import io
import zipfile

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched

_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3"'
)

POLICY_PAPER = """
<text:tracked-changes>
  <text:changed-region xml:id="ct1" text:id="ct1"><text:deletion><office:change-info><dc:creator>Analyst</dc:creator>
    <dc:date>2025-11-20T10:00:00</dc:date></office:change-info><text:p>1,000 tonnes of </text:p></text:deletion></text:changed-region>
  <text:changed-region xml:id="ct2" text:id="ct2"><text:insertion><office:change-info><dc:creator>Analyst</dc:creator>
    <dc:date>2025-11-20T10:01:00</dc:date></office:change-info></text:insertion></text:changed-region>
</text:tracked-changes>
<text:sequence-decls><text:sequence-decl text:display-outline-level="0" text:name="Table"/></text:sequence-decls>
<text:p text:style-name="P1">UK Critical Minerals Strategy: progress update</text:p>
<text:p text:style-name="Standard">Department for Business and Trade</text:p>
<text:p text:style-name="Standard">Published 22 November 2025</text:p>
<text:table-of-content text:name="Table of Contents1"><text:index-body>
  <text:index-title text:name="Table of Contents1_Head"><text:p text:style-name="Contents_20_Heading">Contents</text:p></text:index-title>
  <text:p text:style-name="Contents_20_1">Magnet recycling<text:tab/>2</text:p>
  <text:p text:style-name="Contents_20_1">Supply figures<text:tab/>3</text:p>
</text:index-body></text:table-of-content>
<text:h text:style-name="Heading_20_1" text:outline-level="1">Magnet recycling</text:h>
<text:p text:style-name="Text_20_body">The government has awarded a £12 million capital grant to Ionic Technologies for a
  magnet<text:s/>recycling plant in Belfast.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation>
  <text:note-body><text:p text:style-name="Footnote">Source: Department for Business and Trade, January 2026.</text:p></text:note-body></text:note>
  The plant is designed to produce <text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>400 tonnes of<text:change-end text:change-id="ct2"/>
  separated rare earth oxides a year.</text:p>
<draw:frame draw:name="Image1" svg:width="6cm" svg:height="4cm"><draw:text-box><text:p>Figure 1: the Belfast site</text:p></draw:text-box></draw:frame>
<text:p text:style-name="Text_20_body">The strategy sets three aims:</text:p>
<text:list text:style-name="L1">
  <text:list-item><text:p text:style-name="P2">Ten per cent of domestic demand met by UK production by 2035.</text:p>
    <text:list><text:list-item><text:p text:style-name="P2">Twenty per cent met by recycling.</text:p></text:list-item></text:list>
  </text:list-item>
  <text:list-item><text:p text:style-name="P2">No more than 60 per cent of any mineral from a single country.</text:p></text:list-item>
</text:list>
<text:section text:name="Section1">
  <text:p text:style-name="P3">Supply figures</text:p>
  <table:table table:name="Table1"><table:table-column table:number-columns-repeated="3"/>
    <table:table-header-rows><table:table-row>
      <table:table-cell office:value-type="string"><text:p>Material</text:p></table:table-cell>
      <table:table-cell office:value-type="string"><text:p>2024</text:p></table:table-cell>
      <table:table-cell office:value-type="string"><text:p>2035 target</text:p></table:table-cell>
    </table:table-row></table:table-header-rows>
    <table:table-row>
      <table:table-cell><text:p>NdPr oxide</text:p></table:table-cell>
      <table:table-cell table:number-columns-spanned="2"><text:p>no UK output</text:p></table:table-cell><table:covered-table-cell/>
    </table:table-row>
  </table:table>
</text:section>
"""

AUTOMATIC_STYLES = """
<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>
<style:style style:name="P2" style:family="paragraph" style:parent-style-name="List_20_Bullet"/>
<style:style style:name="P3" style:family="paragraph" style:parent-style-name="Subheading"/>
"""
NAMED_STYLES = '<style:style style:name="Subheading" style:family="paragraph" style:parent-style-name="Heading_20_2"/>'


def odt(body: str = POLICY_PAPER, automatic: str = AUTOMATIC_STYLES, named: str = NAMED_STYLES, mimetype: str = "application/vnd.oasis.opendocument.text",
        manifest_extra: str = "") -> bytes:
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_NAMESPACES}>'
               f"<office:automatic-styles>{automatic}</office:automatic-styles><office:body><office:text>{body}</office:text></office:body>"
               "</office:document-content>")
    styles = f'<?xml version="1.0" encoding="UTF-8"?><office:document-styles {_NAMESPACES}><office:styles>{named}</office:styles></office:document-styles>'
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{manifest_extra}</manifest:file-entry>'
                "</manifest:manifest>")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {_NAMESPACES}><office:meta>'
            "<dc:title>Draft v3 (do not circulate)</dc:title><dc:date>2025-11-20T10:05:00</dc:date></office:meta></office:document-meta>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:  # as ODF asks: the mimetype first, stored uncompressed
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        for name, text in (("content.xml", content), ("styles.xml", styles), ("meta.xml", meta), ("META-INF/manifest.xml", manifest)):
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def read(content: bytes, name: str = "UK_critical_minerals_progress.odt"):
    return parse(Fetched(source=f"/home/analyst/Downloads/{name}", content=content, content_type="application/octet-stream"))[2]


def test_a_policy_paper_reads_as_libreoffice_shows_it():
    (item,) = read(odt())
    article = to_article(item)
    assert article.title == "UK Critical Minerals Strategy: progress update"  # its Title style, not meta.xml's "Draft v3"
    assert article.published is not None and article.published.date().isoformat() == "2025-11-22"
    assert article.source == "Department for Business and Trade"
    # "Subheading" is a Heading 2; the masthead line under the title reads as one, as in a Word file
    assert [s.heading for s in article.sections if s.heading] == ["Department for Business and Trade", "Magnet recycling", "Supply figures"]
    body = article.body
    # Tracked changes accepted: the inserted figure in, the deleted one out; a footnote's number and text out.
    assert "a magnet recycling plant in Belfast. The plant is designed to produce 400 tonnes of separated rare earth oxides a year." in body
    assert "1,000" not in body and "Source:" not in body and "Analyst" not in body
    assert "Contents" not in body and "Figure 1" not in body and "Draft v3" not in body
    assert "• Ten per cent of domestic demand met by UK production by 2035.\n" in body and "Twenty per cent met by recycling." in body
    assert "No more than 60 per cent of any mineral from a single country." in body
    assert "NdPr oxide no UK output" in body and body.count("no UK output") == 1  # a merged cell once
    notes = " ".join(item.notes)
    assert "1 table read a row to a line" in notes and "2 tracked changes accepted" in notes and "1 footnote not read" in notes


def test_an_odt_is_known_by_its_content_whatever_its_name():
    (item,) = read(odt(), "download")  # a browser's download with no suffix
    assert to_article(item).title == "UK Critical Minerals Strategy: progress update"


def test_a_document_without_a_title_style_takes_its_first_heading():
    body = ('<text:h text:outline-level="1">Lynas lifts output</text:h><text:p>SYDNEY, March 4, 2026 (Reuters) - Lynas Rare Earths said '
            "it produced 3.4 tons of dysprosium oxide in Malaysia.</text:p>")
    (item,) = read(odt(body, automatic="", named=""), "lynas.odt")
    article = to_article(item)
    assert (article.title, article.source) == ("Lynas lifts output", "Reuters")


@pytest.mark.parametrize("content, said", [
    (b"PK\x03\x04" + b"\x00" * 64, "not a readable OpenDocument text"),
    (odt(manifest_extra='<manifest:encryption-data manifest:checksum-type="SHA1/1K"/>'), "password-protected OpenDocument text"),
    (odt(body="<text:p/><text:p>   </text:p>"), "the OpenDocument text holds no text"),
])
def test_what_cannot_be_read_says_why(content, said):
    with pytest.raises(SourceError, match=said):
        read(content)


@pytest.mark.parametrize("mimetype, said", [
    ("application/vnd.oasis.opendocument.presentation", r"an OpenDocument presentation \(\.odp\)"),
    ("application/vnd.oasis.opendocument.spreadsheet", r"a spreadsheet \(\.ods\), not an article"),
])
def test_other_opendocuments_are_named_with_the_way_out(mimetype, said):
    with pytest.raises(SourceError, match=said):
        read(odt(mimetype=mimetype), "file.odp")
