"""PowerPoint decks (.pptx): investor presentations and results decks, as companies send them.

python-pptx reads each slide's shapes in reading order (top to bottom, then left to right); the deck
becomes Markdown and the text reader does the rest, as for a Word file: the cover slide's title and
subtitle are the deck's title ("MP Materials, Investor Presentation, Third Quarter 2026") but for a
date there ("November 5, 2026", or in the cover's date box), which dates the deck; each other
slide's title a section heading, the body's paragraphs bullets (a deeper level indented), other text
boxes paragraphs and tables pipe tables. Slide numbers, later slides' dates and footers (a footer
placeholder, or a text box on most slides) are left out of the text, but a footer that names the
company is read, as a PDF's running footer is, for the publisher.
Speaker notes are left out: they are the presenter's script, not the deck (the report says so).
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from assay.readers.archive import ZIP_MAGIC, zip_holds
from assay.readers.docx import pipe_table
from assay.readers.opening import date_in
from assay.readers.text import read_text_file
from assay.sources import SourceError, source_suffix
from assay.types import Fetched, RawItem, SourceKind


def _kind(shape: Any) -> str | None:
    """A placeholder's type name ("TITLE", "BODY", "SLIDE_NUMBER"…), None for a shape that is none."""
    if not shape.is_placeholder:
        return None
    kind = shape.placeholder_format.type
    return kind.name if kind is not None else "OBJECT"


def _in_reading_order(shapes: Any) -> list[Any]:
    return sorted(shapes, key=lambda s: ((s.top or 0) // 100_000, s.left or 0))  # rows about 0.1 inch apart read as one


def _paragraphs(shape: Any) -> list[tuple[int, str]]:
    return [(p.level, text) for p in shape.text_frame.paragraphs if (text := " ".join("".join(r.text for r in p.runs).split()))]


def pptx_markdown(content: bytes, source: str) -> tuple[str, list[str], list[str]]:
    """The deck as Markdown, its footers (who may be the publisher) and notes for the ingest report."""
    from pptx import Presentation

    try:
        deck = Presentation(io.BytesIO(content))
    except Exception as exc:  # python-pptx raises KeyError, ValueError or lxml errors for a damaged package
        raise SourceError(f"{source}: not a readable PowerPoint deck (parts of it are missing or damaged: {type(exc).__name__}); "
                          "open and save it again in PowerPoint, or save it as PDF") from None
    blocks: list[str] = []
    footers: list[str] = []
    tables = noted = 0
    # A text box on most slides ("MP Materials Corp. | NYSE: MP", "Confidential") runs as a footer does.
    boxes = Counter(text for slide in deck.slides for text in {t for shape in slide.shapes if shape.has_text_frame and _kind(shape) is None
                                                               for _, t in _paragraphs(shape)})
    running = {text for text, count in boxes.items() if count >= 2 and count * 2 >= len(deck.slides)}
    for number, slide in enumerate(deck.slides, 1):
        title_lines: list[str] = []
        dated: list[str] = []  # the cover's date, a line of its own under the title, where a text's date stands
        body: list[str] = []
        for shape in _in_reading_order(slide.shapes):
            kind = _kind(shape)
            if kind == "SLIDE_NUMBER" or (kind == "DATE" and number > 1):
                continue
            if kind == "DATE":
                dated.extend(text for _, text in _paragraphs(shape))
                continue
            if shape.has_table:
                tables += 1
                body.append(pipe_table([[cell.text for cell in row.cells] for row in shape.table.rows]))
            elif not shape.has_text_frame:
                continue
            elif kind == "FOOTER" or (kind is None and {text for _, text in _paragraphs(shape)} <= running):
                footers.extend(text for _, text in _paragraphs(shape))
            elif kind in ("TITLE", "CENTER_TITLE") or (number == 1 and kind == "SUBTITLE"):
                for _, text in _paragraphs(shape):
                    (dated if number == 1 and date_in(text) and len(text) <= 40 else title_lines).append(text)
            elif kind in ("BODY", "OBJECT"):
                body.append("\n".join(f"{'  ' * level}- {text}" for level, text in _paragraphs(shape)))
            else:
                body.extend(text for _, text in _paragraphs(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None and slide.notes_slide.notes_text_frame.text.strip():
            noted += 1
        if title_lines:
            blocks.append(("# " if number == 1 else "## ") + ", ".join(title_lines))
        blocks.extend(dated[:1])
        blocks.extend(block for block in body if block.strip())
    notes = [f"a deck of {len(deck.slides)} slides: each slide's title read as a section heading"]
    if tables:
        notes.append(f"{tables} table{'s' * (tables > 1)} read a row to a line")
    if noted:
        notes.append(f"speaker notes of {noted} slide{'s' * (noted > 1)} not read (the presenter's script, not the deck)")
    return "\n\n".join(blocks) + "\n", list(dict.fromkeys(footers)), notes


class PptxReader:
    name = "pptx"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".pptx",)
    content_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    binary = True
    description = "a PowerPoint deck"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return zip_holds(fetched.content, "ppt/presentation.xml") or (source_suffix(fetched) == ".pptx" and fetched.content.startswith(ZIP_MAGIC))

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        markdown, footers, notes = pptx_markdown(fetched.content, fetched.source)
        if not markdown.strip():
            raise SourceError(f"{fetched.source}: the PowerPoint deck holds no text")
        item = read_text_file(markdown, fetched.model_copy(update={"content_type": "text/markdown"}), masthead=footers)
        item.notes.extend(notes)
        return None, [item]
