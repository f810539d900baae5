"""Word documents: made here with python-docx as a user's release would be (Title style, a
Highlights heading with bullets, a table, a heading further down), then read as `assay ingest` reads
them. Old and foreign formats are named with the way out."""

from __future__ import annotations

import io
import zipfile

import pytest

from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched


def kestrel_release() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.author = "jsmith"  # who made the file, not who wrote the article
    document.add_paragraph("Kestrel Rare Earths Commissions Second Separation Circuit", style="Title")
    document.add_paragraph("ASX ANNOUNCEMENT")
    document.add_paragraph("9 March 2026")
    document.add_paragraph("Highlights", style="Heading 2")
    document.add_paragraph("Second solvent-extraction circuit commissioned on schedule.", style="List Bullet")
    document.add_paragraph("NdPr oxide capacity doubles to 2,400 tonnes a year.", style="List Bullet")
    document.add_paragraph(
        "Kestrel Rare Earths Limited (ASX: KRE) (“Kestrel” or “the Company”) is pleased to announce that its second separation "
        "circuit at Mount Weld North has been commissioned on schedule and within its A$85 million budget.")
    document.add_paragraph("Managing Director Sarah Lin said the circuit made Kestrel the largest separator outside China.")
    table = document.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Product", (0, 1): "Capacity (tpa)", (1, 0): "NdPr oxide", (1, 1): "2,400"}.items():
        table.cell(row, col).text = text
    document.add_paragraph("Outlook", style="Heading 1")
    document.add_paragraph("The Company expects the plant to run at 60% of capacity by the end of 2026, subject to feed supply.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def read(name: str, content: bytes, content_type: str = ""):
    return parse(Fetched(source=name, content=content, content_type=content_type))


def test_a_word_release_reads_as_its_text_export_would():
    kind, _, (item,) = read("Downloads/kestrel.docx", kestrel_release())
    assert kind.value == "file"
    assert item.title == "Kestrel Rare Earths Commissions Second Separation Circuit"
    assert item.source == "Kestrel Rare Earths Limited"  # the issuer the release opens with, not "Downloads"
    assert item.published is not None and item.published.date().isoformat() == "2026-03-09"
    assert item.author is None
    assert "is pleased to announce" in item.content and "## Outlook" in item.content
    assert "- Second solvent-extraction circuit commissioned on schedule.\n- NdPr oxide capacity doubles" in item.content
    assert "1 table read a row to a line" in item.notes


def test_a_word_table_is_read_a_row_to_a_line():
    """Seen while reading a Markdown export: a table's figures are what an analyst checks; a Word
    table is read as the text reader reads a pipe table, a row to a line, a merged cell once."""
    import docx

    from assay.articles import to_article

    document = docx.Document()
    document.add_paragraph("Kestrel output", style="Title")
    document.add_paragraph("Kestrel Rare Earths said output rose in the March quarter, led by its second circuit.")
    table = document.add_table(rows=3, cols=3)
    for (row, col), text in {(0, 0): "Product", (0, 1): "Capacity (tpa)", (0, 2): "Change", (1, 0): "NdPr oxide", (1, 1): "2,400",
                             (1, 2): "+100%", (2, 0): "Tb | Dy oxide", (2, 1): "60"}.items():
        table.cell(row, col).text = text
    table.cell(2, 1).merge(table.cell(2, 2))
    out = io.BytesIO()
    document.save(out)
    _, _, (item,) = read("Downloads/kestrel-output.docx", out.getvalue())
    body = to_article(item).body
    # Each row of the header's width names its figures by their columns; the merged row, narrower, is its cells once.
    assert "NdPr oxide: Capacity (tpa) 2,400; Change +100%\nTb | Dy oxide 60" in body, body


def test_a_word_table_of_labels_and_values_names_no_column_by_its_first_row():
    """A fact sheet's table of labels and values: its first row is no header. Read as one (a pipe
    table's first row always is), it named the rows' values by it: "Location: Nolans Northern Territory"."""
    import docx

    from assay.articles import to_article

    document = docx.Document()
    document.add_paragraph("Nolans project fact sheet", style="Title")
    document.add_paragraph("Arafura Rare Earths is developing the Nolans project in the Northern Territory of Australia.")
    facts = document.add_table(rows=3, cols=2)
    for row, (label, value) in enumerate([("Project", "Nolans"), ("Location", "Northern Territory"), ("Ownership", "100%")]):
        facts.cell(row, 0).text, facts.cell(row, 1).text = label, value
    out = io.BytesIO()
    document.save(out)
    _, _, (item,) = read("Downloads/nolans.docx", out.getvalue())
    body = to_article(item).body
    assert "Project Nolans\nLocation Northern Territory\nOwnership 100%" in body and "Nolans Northern" not in body


def test_a_word_releases_highlights_leave_the_body_with_their_heading():
    from assay.articles import to_article

    _, _, (item,) = read("kestrel.docx", kestrel_release())
    article = to_article(item)
    assert article.highlights == ["Second solvent-extraction circuit commissioned on schedule.", "NdPr oxide capacity doubles to 2,400 tonnes a year."]
    assert "Highlights" not in article.body and "capacity doubles" not in article.body


def test_a_word_file_without_its_suffix_is_still_read_as_one():
    _, _, (item,) = read("https://example.com/download?id=7", kestrel_release(), "application/octet-stream")
    assert item.title.startswith("Kestrel Rare Earths Commissions")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("broken.docx", b"PK\x03\x04" + b"\x00" * 64, "not a readable Word document"),
        ("release.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "save it as .docx or PDF"),
    ],
)
def test_a_format_no_reader_reads_is_named_with_the_way_out(name, content, says):
    with pytest.raises(SourceError, match=says):
        read(name, content)


def test_a_zip_that_is_not_a_word_document_is_not_taken_for_one():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("data.csv", "company,output\nLynas,2000\n")
    with pytest.raises(SourceError) as raised:
        read("bundle.zip", out.getvalue())
    assert "Word" not in str(raised.value)


def test_tracked_changes_read_as_accepted():
    """Seen on a note edited with track changes on: python-docx's text leaves out an insertion's runs,
    so "2,204 tonnes of NdPr oxide", typed in as a change, was lost from the statement and the
    figure. The document reads as it would with its changes accepted, in tables too, and says so."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def change(tag: str, text: str, text_tag: str = "w:t"):
        element = OxmlElement(tag)
        element.set(qn("w:id"), "1")
        element.set(qn("w:author"), "Ana")
        run, written = OxmlElement("w:r"), OxmlElement(text_tag)
        written.text = text
        written.set(qn("xml:space"), "preserve")
        run.append(written)
        element.append(run)
        return element

    document = docx.Document()
    document.add_paragraph("Lynas Quarterly Output Note", style="Title")
    paragraph = document.add_paragraph("Lynas Rare Earths produced ")
    paragraph._p.append(change("w:ins", "2,204 tonnes of NdPr oxide"))
    paragraph._p.append(change("w:del", "1,968 tonnes of NdPr", "w:delText"))
    paragraph.add_run(" in the quarter, the company said on Monday.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "NdPr oxide (t)"
    table.cell(0, 1).paragraphs[0]._p.append(change("w:ins", "2,204"))
    out = io.BytesIO()
    document.save(out)
    _, _, (item,) = parse(Fetched(source="/tmp/notes/lynas.docx", content=out.getvalue()))
    assert "Lynas Rare Earths produced 2,204 tonnes of NdPr oxide in the quarter, the company said on Monday." in item.content
    assert "1,968" not in item.content and "| NdPr oxide (t) | 2,204 |" in item.content
    assert any("tracked changes accepted" in note for note in item.notes)
