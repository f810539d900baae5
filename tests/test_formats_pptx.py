"""PowerPoint decks (.pptx), made here with python-pptx as a company's results deck is laid out, read
as `assay ingest` reads them. Before, a .pptx was refused as "binary data, not text"."""

from __future__ import annotations

import io

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched


def results_deck(footer: str | None = "MP Materials Corp. | NYSE: MP", dated: str | None = None) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    cover = deck.slides.add_slide(deck.slide_layouts[0])
    cover.shapes.title.text = "MP Materials"
    cover.placeholders[1].text = "Investor Presentation\nThird Quarter 2026" + (f"\n{dated}" if dated else "")
    slide = deck.slides.add_slide(deck.slide_layouts[1])
    slide.shapes.title.text = "Third Quarter Highlights"
    body = slide.placeholders[1].text_frame
    body.text = "Record NdPr oxide production of 721 metric tons, up 51% year over year."
    for text, level in (("Revenue of $61.0 million, up 53%.", 0), ("Magnetics segment revenue of $12.4 million.", 1)):
        paragraph = body.add_paragraph()
        paragraph.text, paragraph.level = text, level
    slide.notes_slide.notes_text_frame.text = "Thanks, everyone. As you can see, a record quarter."
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    slide.shapes.title.text = "2027 Guidance"
    table = slide.shapes.add_table(3, 3, Inches(1), Inches(2), Inches(6), Inches(2)).table
    for r, row in enumerate([("Metric", "2026", "2027E"), ("NdPr oxide (t)", "2,800", "3,500-4,000"), ("Magnets (t)", "300", "1,000")]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    slide.shapes.add_textbox(Inches(1), Inches(5), Inches(6), Inches(1)).text_frame.text = "We expect 10X commissioning to begin in 2028."
    if footer:
        for slide in deck.slides:
            slide.shapes.add_textbox(Inches(0.3), Inches(7), Inches(4), Inches(0.4)).text_frame.text = footer
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def read(content: bytes, name: str = "MP Q3 2026 deck.pptx"):
    return parse(Fetched(source=f"/home/analyst/Downloads/{name}", content=content, content_type="application/octet-stream"))[2]


def test_a_results_deck_reads_slide_by_slide():
    (item,) = read(results_deck())
    article = to_article(item)
    assert article.title == "MP Materials, Investor Presentation, Third Quarter 2026"
    assert article.source == "MP Materials Corp."  # its footer, on every slide, names it; the footer is no statement
    assert [s.heading for s in article.sections if s.heading] == ["Third Quarter Highlights", "2027 Guidance"]
    assert "• Revenue of $61.0 million, up 53%.\n• Magnetics segment revenue" in article.body
    assert "NdPr oxide (t): 2026 2,800; 2027E 3,500-4,000" in article.body and "We expect 10X commissioning" in article.body
    assert "NYSE" not in article.body and "a record quarter" not in article.body
    assert "speaker notes of 1 slide not read" in " ".join(item.notes)


def test_a_date_on_the_cover_dates_the_deck_and_is_no_part_of_its_title():
    from datetime import datetime

    (item,) = read(results_deck(dated="November 5, 2026"))
    article = to_article(item)
    assert article.title == "MP Materials, Investor Presentation, Third Quarter 2026"
    assert article.published is not None and article.published.date() == datetime(2026, 11, 5).date()
    (undated,) = read(results_deck())
    assert undated.published is None  # "Third Quarter 2026" names no day


def test_a_deck_without_a_footer_is_published_as_a_file_is():
    (item,) = read(results_deck(footer=None), "deck.pptx")
    assert item.source == "files" and "MP Materials Corp" not in item.content


@pytest.mark.parametrize("content, said", [
    (b"PK\x03\x04" + b"\x00" * 64, "not a readable PowerPoint deck"),
])
def test_what_cannot_be_read_says_why(content, said):
    with pytest.raises(SourceError, match=said):
        read(content)


def test_an_empty_deck_says_so():
    from pptx import Presentation

    out = io.BytesIO()
    Presentation().save(out)
    with pytest.raises(SourceError, match="the PowerPoint deck holds no text"):
        read(out.getvalue())
