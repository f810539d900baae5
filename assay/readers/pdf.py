"""PDF files: company filings, press releases and research notes, as plain-text paragraphs (pypdf).

A PDF holds positioned lines, not paragraphs. What a reader of the page sees is rebuilt here:
running headers, footers and page numbers go; words hyphenated at a line end are joined again;
lines are joined into paragraphs where the page shows one (a wider gap, a change of type, a short
line that ends a sentence, a bullet). The title comes from the /Title metadata when it is a title
(often it is "Microsoft Word - report.docx"), else from the first page's most prominent line. The
date comes only from a dateline in the first lines of the first page: /CreationDate is when the
file was made, not when the document was published, so without a dateline the item stays undated.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pypdf
from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError, PdfStreamError

from assay.cleaning import CELL_MAX_WORDS, Cells, find_tables, signs_joined
from assay.readers.announcements import exchange_announcement
from assay.readers.exports import export_items
from assay.readers.legal import legal_head
from assay.readers.opening import (
    POSTAL_LINE,
    byline_author,
    closing_date,
    date_in,
    file_publisher,
    letterhead,
    meaningful_title,
    month_line_date,
    opening_date,
)
from assay.readers.papers import paper_head
from assay.sources import SourceError, publisher_host, source_address, source_suffix
from assay.statements import RULE_PREAMBLE
from assay.types import Fetched, RawItem, SourceKind

MAX_PAGES = 300
"""Pages read of one PDF; the rest are left out with a note (a 1,000-page annual report is not an article)."""

_MAGIC = b"%PDF-"


@dataclass
class Line:
    text: str
    page: int
    y: float | None = None
    """Baseline of the line's first text, in points from the bottom of the page; None when unknown."""
    size: float | None = None
    bold: bool = False
    cells: Cells | None = None
    """Each piece of text the page shows apart on the line, with where it starts across the page (a
    table's cells); None when a piece's place is unknown."""
    table_row: bool = False
    """A table's row, written as `cleaning.table_lines` writes one: a paragraph of its own."""


# --- lines with their positions ----------------------------------------------------------


def _font_is_bold(font: Any) -> bool:
    try:
        name = str(font.get("/BaseFont", "")) if font is not None else ""
    except AttributeError:
        return False
    return bool(re.search(r"bold|black|heavy|semibold|demi", name, re.IGNORECASE))


def _page_lines(page: Any, number: int) -> list[Line]:
    """The page's lines in pypdf's reading order, each with where it starts, its type size and weight.

    pypdf hands every piece of text it extracts to a visitor with its text matrix; joined, the pieces are
    exactly the extracted text, so each line's position is known without laying the page out again.
    """
    pieces: list[tuple[str, float, float, float, bool]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        a = tm[0] * cm[0] + tm[1] * cm[2]
        b = tm[0] * cm[1] + tm[1] * cm[3]
        c = tm[2] * cm[0] + tm[3] * cm[2]
        d = tm[2] * cm[1] + tm[3] * cm[3]
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size) * math.sqrt(abs(a * d - b * c))
        pieces.append((text, x, y, size, _font_is_bold(font)))

    try:
        text = page.extract_text(visitor_text=visit)
    except Exception:  # noqa: BLE001  (the visitor is pypdf's less trodden path: fall back to its plain text)
        pieces.clear()
        text = page.extract_text()
    if not pieces or "".join(p[0] for p in pieces) != text:  # not the pieces of this text: the text, without positions
        return [Line(line, number) for line in text.split("\n")]

    lines: list[Line] = []
    current = Line("", number, cells=[])
    weights: Counter[tuple[float, bool]] = Counter()

    def close() -> None:
        nonlocal current, weights
        if weights:
            (current.size, current.bold), _ = weights.most_common(1)[0]
        lines.append(current)
        current, weights = Line("", number, cells=[]), Counter()

    for piece, x, y, size, bold in pieces:
        placed = False  # a piece's position is where its first text starts
        for i, part in enumerate(piece.split("\n")):
            if i:
                close()
            current.text += part
            if part.strip():
                weights[(round(size, 1), bold)] += len(part.strip())
                if not placed and current.y is None:
                    current.y = y
                if current.cells is not None:
                    # After a line break inside a piece, where the text starts is unknown.
                    current.cells = [*current.cells, (x, part.strip())] if not placed and i == 0 else None
                placed = True
    close()
    return lines


# --- tables -------------------------------------------------------------------------------


_LABEL_MAX_LINES = 6  # a row's label wrapped in a narrow column: "Average realised / price of NdPr oxide / …"


@dataclass
class _Piece:
    """A line that holds one piece of text: where it starts across the page, its baseline, its text."""

    x: float
    y: float
    text: str
    line: Line


def _single_piece(line: Line) -> _Piece | None:
    if line.cells and len(line.cells) == 1 and line.y is not None and not line.table_row:
        return _Piece(line.cells[0][0], line.y, line.cells[0][1], line)
    return None


def _label_lines_above(out: list[tuple[Line, list[Line]]], x: float | None, below: float | None) -> list[_Piece]:
    """The lines right above the last of `out` that hold one piece each, starting at `x` (at the first
    one's place when None), each a line above the next (and above `below` where given): a wrapped
    label's lines, or a paragraph's, or none."""
    run: list[_Piece] = []
    for before, _ in reversed(out[:-1]):
        piece = _single_piece(before)
        if piece is None or len(run) == _LABEL_MAX_LINES:
            break
        at = x if x is not None else run[0].x if run else piece.x
        under = run[0].y if run else below
        if abs(piece.x - at) > 1 or (under is not None and not 0 < piece.y - under <= 2.5 * (before.size or 12)):
            break
        run.insert(0, piece)
    return run


def _wrapped_label_rows(lines: list[Line]) -> list[tuple[Line, list[Line]]]:
    """Each line with the lines it stands for, where a table's row label wraps, joined into one row:
    - the label's lines (one piece each, at one place, a line apart) above the row's figures, set on
      their own baseline level with the label's middle (a cell centred in its row) or its first line
      (a cell set at the top). Read as they came, the row broke the table ("Average selling price of
      zircon premium and standard delivered to" / "customers (US$/t)" / "2,010 2,050");
    - or the label's last line on the figures' own baseline, going on in lower case ("NdPr oxide" /
      "produced (mt) 721 477 51%", printed by a browser)."""
    out: list[tuple[Line, list[Line]]] = []
    for line in lines:
        out.append((line, [line]))
        if not line.cells or line.y is None:
            continue
        first_x, first_text = line.cells[0]
        if len(line.cells) >= 2 and first_text[:1].islower() and (run := _label_lines_above(out, first_x, line.y)):
            label, cells = run, [(first_x, " ".join([*(piece.text for piece in run), first_text])), *line.cells[1:]]
        else:
            run = _label_lines_above(out, None, None)
            if len(run) < 2 or first_x <= run[0].x + 1:
                continue
            y = line.y
            found = next((run[-k:] for k in range(len(run), 1, -1) if abs(y - (run[-k].y + run[-1].y) / 2) <= 1 or abs(y - run[-k].y) <= 1), None)
            if found is None:
                continue
            label, cells = found, [(found[0].x, " ".join(piece.text for piece in found)), *line.cells]
        del out[-1 - len(label) :]
        first = label[0].line
        out.append((Line(" ".join(text for _, text in cells), line.page, first.y, first.size, first.bold, cells=cells),
                    [*(piece.line for piece in label), line]))
    return out


_STACKED_MAX_LINES = 3  # a header's cells wrapped onto two lines or three ("2026" over "(tonnes)")


def _stacked_rows(rows: list[tuple[Line, list[Line]]]) -> list[tuple[Line, list[Line]]]:
    """Rows where a table row's cells wrap and the page draws them a cell at a time ("2026", "(tonnes)",
    "2025", "(tonnes)"…, each read as a line of its own) set back as the lines they form across the
    page, one for each baseline, the cells left to right. A run of short one-piece lines on two or three
    baselines, each baseline's pieces further right as they come. The first such line stands for all
    the lines read, the others for none, so that no table among them leaves them as they were read."""
    out: list[tuple[Line, list[Line]]] = []
    i = 0
    while i < len(rows):
        end = i
        while end < len(rows) and (piece := _single_piece(rows[end][0])) and rows[end][1] == [rows[end][0]] and (
                len(piece.text.split()) <= CELL_MAX_WORDS):
            end += 1
        pieces = [piece for line, _ in rows[i:end] if (piece := _single_piece(line))]
        baselines: dict[float, list[_Piece]] = {}
        for piece in pieces:
            baselines.setdefault(round(piece.y), []).append(piece)
        if not (end - i >= 3 and 2 <= len(baselines) <= _STACKED_MAX_LINES and len(baselines) < len(pieces)
                and all(all(a.x < b.x for a, b in itertools.pairwise(on)) for on in baselines.values())):
            out.append(rows[i])
            i += 1
            continue
        read = [line for _, lines in rows[i:end] for line in lines]
        lines = [on for _, on in sorted(baselines.items(), key=lambda kv: -kv[0])]  # top of the page first
        # A corner's label set in the middle of the header's height ("Month"): the top line's first cell.
        label = next((on for on in lines[1:-1] if max(p.x for p in on) < min(p.x for other in lines if other is not on for p in other)), None)
        if label is not None:
            lines.remove(label)
            lines[0] = [*label, *lines[0]]
        for n, on in enumerate(lines):
            first = on[0].line
            cells = [(piece.x, piece.text) for piece in on]
            out.append((Line(" ".join(text for _, text in cells), first.page, first.y, first.size, first.bold, cells=cells),
                        read if n == 0 else []))
        i = end
    return out


def with_tables(lines: list[Line]) -> tuple[list[Line], int]:
    """Lines where a table's rows (`cleaning.find_tables`, by where each piece of text starts on the
    page) are written as `cleaning.table_lines` writes an HTML table's rows (under a header row: "NdPr
    oxide produced (mt): Q3 2026 721; Q3 2025 477; Change 51%"), each a paragraph of its own, and how
    many tables there were. Read as lines, a results release's table was a paragraph of figures run
    together ("Revenue 84.2 62.9 34% NdPr oxide produced (mt) 721…") and its header's cells glued
    ("Q3 2026Q3 2025% Change"): seen on a release printed from a browser. A table that runs to the foot
    of its page and on to the next is one table: the next page's rows, without a header of their own,
    are named by its header (they were bare figures: "Jan 2026 4,888 38.0")."""
    out: list[Line] = []
    tables = 0
    pages: dict[int, list[Line]] = {}
    for line in lines:
        pages.setdefault(line.page, []).append(line)
    carried: list[str] | None = None  # the header of a table that ran to the foot of the page before
    for page, on_page in pages.items():
        rows = _stacked_rows(_wrapped_label_rows(on_page))
        done = 0
        sizes = sorted(row.size for row, _ in rows if row.size)
        # A character's width, in points, as about half its type's size (an estimate): where a heading's middle is.
        char_width = sizes[len(sizes) // 2] / 2 if sizes else 5.0
        found = find_tables([row.cells and signs_joined(row.cells) for row, _ in rows], carried, char_width, char_width_exact=False)
        for table in found:
            out.extend(line for _, read in rows[done : table.start] for line in read)
            template = rows[table.start + 1 if table.headed and table.end > table.start + 1 else table.start][0]
            out.extend(Line(text, page, template.y, template.size, template.bold, table_row=True) for text in table.lines)
            tables += not (carried and table.start == 0 and table.header == carried)  # one carried on (its header repeated or not) counted once
            done = table.end
        out.extend(line for _, read in rows[done:] for line in read)  # a label's lines joined for no table: as they were read
        carried = found[-1].header if found and found[-1].end == len(rows) else None
    return out, tables


# --- running headers, footers and page numbers ------------------------------------------

_PAGE_NUMBER = re.compile(
    r"""^(?:
        (?:page|p\.|pg\.?)\s*\d+(?:\s*(?:of|/)\s*\d+)?
      | \d+\s*(?:of|/)\s*\d+
      | [-–—]\s*\d+\s*[-–—]
      | \d{1,4}
      | (?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_ZONE = 3  # lines at the top and at the bottom of a page where running headers and footers are


def _key(line: Line) -> str:
    """A header or footer line as it repeats: digits (page numbers, dates) and spacing aside, in its size
    of type (a report's title on its first page is not the running header of the pages after it)."""
    text = re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.text)).strip().lower()
    return f"{text} @{round(line.size)}" if text and line.size else text


def _one_number_varies(texts: set[str]) -> bool:
    """Whether lines alike but for their numbers differ in one number at most: a running footer's page
    number ("Quarterly report | 24 November 2026 | 3"). Table rows that meet at page breaks differ in
    each figure ("Nov 2025 4,814 37.3" and "Nov 2026 5,258 41.3"), and were taken for footers."""
    numbers = [re.findall(r"\d+", text) for text in texts]
    return sum(len(set(column)) > 1 for column in zip(*numbers, strict=False)) <= 1


def remove_page_furniture(pages: list[list[Line]]) -> tuple[list[list[Line]], int]:
    """Pages without their running headers and footers (lines that repeat, but for a page number, at the
    top or bottom of most pages) and page numbers, peeled from the top and bottom edges of each page."""
    pages = [[line for line in page if line.text.strip()] for page in pages]
    zones = [{_key(line): line.text for line in page[:_ZONE] + page[-_ZONE:]} for page in pages]
    counts = Counter(key for zone in zones for key in zone)
    needed = max(2, math.ceil(len([p for p in pages if p]) / 2))
    running = {key for key, n in counts.items()
               if n >= needed and key and _one_number_varies({zone[key] for zone in zones if key in zone})}

    def furniture(line: Line) -> bool:
        return _key(line) in running or bool(_PAGE_NUMBER.match(line.text.strip()))

    removed = 0
    cleaned: list[list[Line]] = []
    for page in pages:
        start, end = 0, len(page)
        while start < min(end, _ZONE + 1) and furniture(page[start]):
            start += 1
        while end > max(start, len(page) - _ZONE - 1) and furniture(page[end - 1]):
            end -= 1
        removed += len(page) - (end - start)
        cleaned.append(page[start:end])
    return cleaned, removed


def running_lines(read: list[list[Line]], cleaned: list[list[Line]], top: bool) -> list[Line]:
    """The running header (`top`) or footer removed from the first page that has one. A research
    note's "Harbour Street Research | Critical Minerals Weekly | 24 November 2026" names its publisher
    and date on every page, a slide deck's footer "MP Materials Corp. | Investor Presentation" its
    publisher (its cover often has none): furniture only as body text."""
    for page, kept in zip(read, cleaned):
        lines = [line for line in page if line.text.strip()]
        if not lines or not kept:
            continue
        edge = kept[0] if top else kept[-1]
        at = next((i for i, line in enumerate(lines) if line is edge), None)
        found = [] if at is None else lines[:at] if top else lines[at + 1 :]
        if found:
            return found
    return []


# --- title and dateline -----------------------------------------------------------------

def dateline(lines: list[Line]) -> tuple[datetime, Line] | None:
    """The date of a dateline in the first lines of the first page (`opening_date`), and its line."""
    found = opening_date([line.text for line in lines])
    return (found[0], lines[found[1]]) if found else None


def month_date(lines: list[Line]) -> tuple[datetime, Line] | None:
    """The first day of the month a line in the first lines gives alone ("November 2026" on an outlook's
    cover, `month_line_date`), and its line."""
    found = month_line_date([line.text for line in lines])
    return (found[0], lines[found[1]]) if found else None


def _is_bare_dateline(line: Line) -> bool:
    """A line that is only a place and a date: metadata shown on the page, not text."""
    found = date_in(line.text)
    if not found:
        return False
    _, match = found
    rest = (line.text[: match.start()] + line.text[match.end() :]).strip(" ,.-–—|")
    return len(rest) <= 40 and not re.search(r"[.!?;]", rest)


def _title_lines(page: list[Line], body_size: float | None) -> list[Line]:
    """The first page's most prominent lines near its top: the largest type, when it is larger than the text's."""
    head = page[:8]
    sizes = [line.size for line in head if line.size]
    if body_size and sizes and max(sizes) >= body_size * 1.15:
        biggest = max(sizes)
        start = next(i for i, line in enumerate(head) if line.size and abs(line.size - biggest) < 0.5)
        lines = []
        for line in head[start:]:
            if not line.size or abs(line.size - biggest) >= 0.5:
                break
            lines.append(line)
        return lines
    # No larger type: the first line, when it reads like a title (short, not a sentence, not a date) and
    # is set apart as one: bold, of unknown weight, or over a line that is only a date (a text printed
    # to PDF: "… Earnings Call Transcript" over "November 6, 2026, 5:00 PM ET").
    first = page[0] if page else None
    # A letterhead's address and a case's number between it and the title ("Washington, DC 20436", "Investigation No. …").
    under = next((i for i in range(1, min(len(page), 5)) if not (POSTAL_LINE.match(page[i].text.strip()) or RULE_PREAMBLE.match(page[i].text.strip()))), 1)
    if first and _reads_as_title(first) and not first.bold and len(page) > under and _reads_as_title(page[under]) and letterhead(first.text):
        return [page[under]]  # a letterhead over the title, in one type ("ACME RARE EARTHS LTD" over "Notice of Annual General Meeting")
    if first and _reads_as_title(first):
        dated_below = len(page) > 1 and _is_bare_dateline(page[1])
        return [first] if first.bold or first.size is None or dated_below else []
    return []


def _reads_as_title(line: Line) -> bool:
    """Short, not a sentence, not a date."""
    text = line.text.strip()
    return 0 < len(text) <= 120 and not re.search(r"[.,;:]$", text) and not date_in(text)


def _cover_lines(pages: list[list[Line]], prominent: list[Line]) -> list[Line]:
    """The other lines of a cover page, which belong to the title: a first page that holds only the
    title and a few short lines that are no sentences ("Investor Presentation", "Third Quarter 2026",
    "November 2026"), with more pages after it. Seen on a slide deck titled "MP Materials", as every
    deck of the company would be."""
    with_text = [page for page in pages if page]
    if len(with_text) < 2:
        return []
    rest = [line for line in with_text[0] if not any(line is p for p in prominent)]
    if not rest or len(rest) > 4 or any(len(line.text.strip()) > 60 or _SENTENCE_END.search(line.text.strip()) for line in rest):
        return []
    return rest


# --- paragraphs ---------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*[•●▪◦‣∙■□\uf0b7\uf0a7]\s*(?=\S)")
_DASH_OR_NUMBER = re.compile(r"^\s*(?:[-–*]\s+(?=\S)|(?:\d{1,2}|[a-z])[.)]\s+(?=\S))")  # "- item", "1. item": or a wrapped line's start
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)]?$")
_LINE_END_HYPHEN = re.compile(r"(?<=[A-Za-z])[-\u2010\u00ad]$")
# Hyphenated at a line end, yet hyphenated words: "long-|term", "rare-|earth", "non-|Chinese".
_COMPOUND_FIRST = {"non", "self", "long", "short", "well", "high", "low", "mid", "multi", "cross", "rare", "heavy", "light", "state",
                   "world", "first", "second", "third", "half", "semi", "anti", "ex", "all", "full", "part", "year", "end", "price",
                   "large", "small", "medium", "near", "co", "pre", "post", "sub", "one", "two", "three", "four", "five", "ten"}
_COMPOUND_SECOND = {"based", "owned", "term", "scale", "grade", "earth", "earths", "year", "time", "level", "made", "led", "run",
                    "free", "wide", "related", "specific", "driven", "funded", "listed", "backed", "linked", "only", "up"}


@dataclass
class _Words:
    """The document's words, and its hyphenated pairs ("rare-earth"), to tell a broken word from a hyphenated one."""

    words: set[str]
    pairs: set[str]

    @classmethod
    def of(cls, texts: list[str]) -> _Words:
        tokens = [t.lower() for text in texts for t in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text)]
        pairs = {f"{a}-{b}" for t in tokens if "-" in t for a, b in zip(t.split("-"), t.split("-")[1:])}
        return cls(words={part for t in tokens for part in t.split("-")}, pairs=pairs)


def _join_hyphenated(left: str, right: str, known: _Words) -> tuple[str, bool]:
    """Two lines joined where the first ends in a hyphen: a word broken at the line end is made whole
    ("separa-|tion"), a hyphenated word keeps its hyphen ("rare-|earth", seen so elsewhere in the document)."""
    head = re.search(r"([A-Za-z]+)[-\u2010\u00ad]$", left)
    tail = re.match(r"([A-Za-z]+)", right)
    if left.endswith("\u00ad"):
        return left[:-1] + right, True
    if not head or not tail:
        return left[:-1] + "-" + right, False  # "2025-|26": a real hyphen
    first, second = head[1], tail[1]
    capitals = first.isupper() and second.isupper() and len(first) > 1  # "SE-|QUENCE"
    if not (second[0].islower() or capitals):
        return left[:-1] + "-" + right, False  # "non-|Chinese", "US-|China"
    if f"{first}-{second}".lower() in known.pairs:
        return left[:-1] + "-" + right, False
    if (first + second).lower() not in known.words and (first.lower() in _COMPOUND_FIRST or second.lower() in _COMPOUND_SECOND):
        return left[:-1] + "-" + right, False
    return left[:-1] + right, True


def _list_item(text: str, heading: bool, in_list_or_new: bool) -> tuple[str, str] | None:
    """A bullet ("• text", as cleaning reads list items) or a numbered item ("1. text", kept as it is).
    A dash or a number only starts an item where a paragraph could start anyway, or a list goes on
    (else it is a wrapped line that starts with "– which" or "2. "); in a heading's type ("1. Introduction")
    it is a heading."""
    if match := _BULLET.match(text):
        return "• ", text[match.end() :].strip()
    if (match := _DASH_OR_NUMBER.match(text)) and in_list_or_new and not heading:
        return ("• ", text[match.end() :].strip()) if text.lstrip()[0] in "-–*" else ("", text)
    return None


@dataclass
class Paragraph:
    text: str
    marker: str | None = None
    """"• " or "" for a list item, None for a paragraph."""
    last_line: str = ""


def _starts_paragraph(
    previous: Line, paragraph: Paragraph, line: Line, typical: int, pitch: float | None, body_size: float | None
) -> bool:
    gap = previous.y - line.y if previous.page == line.page and previous.y is not None and line.y is not None else None
    if (
        gap is not None and previous.size and body_size and (previous.size, previous.bold) == (line.size, line.bold)
        and (previous.bold or previous.size > body_size + 0.5) and 0 < gap <= previous.size * 1.6
    ):
        return False  # a heading wrapped onto a second line
    if gap is not None and gap > 0 and pitch is not None and not -1 <= gap - pitch <= pitch * 0.3:
        return True  # a wider (or narrower) gap than between the lines of a paragraph; a jump up is the next column
    if None not in (previous.size, line.size) and (abs((previous.size or 0) - (line.size or 0)) >= 0.5 or previous.bold != line.bold):
        return True  # another size or weight of type: a heading and its text
    last = paragraph.last_line
    if len(last) < 0.8 * typical and _SENTENCE_END.search(last):
        return True  # a line that ends a sentence well short of the margin
    return len(last) < 0.6 * typical and not re.search(r"[,(\-–\u2010\u00ad]$", last)  # a short line that ends nothing: a heading


def paragraphs(lines: list[Line]) -> tuple[list[Paragraph], int]:
    """Lines joined into paragraphs and list items, and how many words hyphenated at a line end were made whole."""
    # (A hyphen that is only ever one, U+2010 or a soft hyphen, may come out of pypdf with a space before it.)
    texts = [re.sub(r"(?<=[A-Za-z]) ([\u2010\u00ad])$", r"\1", re.sub(r"\s+", " ", line.text).strip()) for line in lines]
    known = _Words.of(texts)
    # A line's typical length, of the text's lines: a table's rows, written a line each, run longer.
    lengths = sorted(len(t) for t, line in zip(texts, lines, strict=True) if len(t) > 20 and not line.table_row)
    typical = lengths[int(len(lengths) * 0.8)] if lengths else 80
    sizes = [line.size for line in lines if line.size]
    body_size = statistics.median(sizes) if sizes else None
    pitches = [
        a.y - b.y
        for a, b in zip(lines, lines[1:])
        if a.page == b.page and a.y is not None and b.y is not None and a.size == b.size == body_size and a.y > b.y
    ]
    # The pitch of a paragraph's lines: the smallest gap that recurs and is no narrower than the type,
    # not the median gap, which in a slide deck (bullets mostly of one line, further apart than a
    # bullet's wrapped lines) is the gap between bullets: every wrapped line started a paragraph.
    # A gap within the type's ordinary leading (up to 1.3 times its size) is a pitch seen once too: a
    # short release's one wrapped paragraph, its table's rows apart, is otherwise only gaps between paragraphs.
    recurring = [gap for gap, count in Counter(round(p * 2) / 2 for p in pitches).items()
                 if (count >= 2 or gap <= 1.3 * (body_size or 0)) and gap >= (body_size or 0)]
    pitch = min(recurring) if recurring else statistics.median(pitches) if pitches else None

    out: list[Paragraph] = []
    repaired = 0
    previous: Line | None = None
    for line, text in zip(lines, texts):
        starts = (
            previous is None or not out or line.table_row or previous.table_row
            or _starts_paragraph(previous, out[-1], line, typical, pitch, body_size)
        )
        in_list_or_new = starts or (bool(out) and (out[-1].marker is not None or out[-1].last_line.endswith(":")))
        item = None if line.table_row else _list_item(text, heading=line.bold or (line.size or 0) > (body_size or 0) + 0.5, in_list_or_new=in_list_or_new)
        if starts or item is not None:
            out.append(Paragraph(item[1], item[0], text) if item else Paragraph(text, None, text))
        elif _LINE_END_HYPHEN.search(out[-1].text):
            out[-1].text, made_whole = _join_hyphenated(out[-1].text, text, known)
            out[-1].last_line = text
            repaired += made_whole
        else:
            out[-1].text += ("" if out[-1].text.endswith("—") else " ") + text
            out[-1].last_line = text
        previous = line
    return out, repaired


def body_text(paragraphs: list[Paragraph]) -> str:
    """Paragraphs split by blank lines; the items of a list on consecutive lines (how cleaning reads text)."""
    body = ""
    for i, paragraph in enumerate(paragraphs):
        if i:
            body += "\n" if paragraph.marker is not None and paragraphs[i - 1].marker is not None else "\n\n"
        body += (paragraph.marker or "") + paragraph.text
    return body


# --- the reader -----------------------------------------------------------------------------


def _open(fetched: Fetched) -> pypdf.PdfReader:
    try:
        reader = pypdf.PdfReader(io.BytesIO(fetched.content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise FileNotDecryptedError("a password is needed")
        return reader
    except (FileNotDecryptedError, DependencyError) as exc:
        raise SourceError(
            f"{fetched.source}: an encrypted PDF that cannot be opened without its password ({exc}); "
            "save an unprotected copy (e.g. qpdf --decrypt --password=... in.pdf out.pdf) and ingest that"
        ) from None
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError) as exc:
        raise SourceError(f"{fetched.source}: not a readable PDF ({exc or type(exc).__name__})") from None


class ScannedPdf(SourceError):
    """Every page is a picture of text: read by OCR where Tesseract is installed (`assay/readers/ocr.py`)."""


def _read_pages(reader: pypdf.PdfReader, fetched: Fetched, notes: list[str]) -> list[list[Line]]:
    """The lines of each page (up to MAX_PAGES); SourceError when no page has text."""
    try:
        count = len(reader.pages)
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise SourceError(f"{fetched.source}: not a readable PDF ({exc or type(exc).__name__})") from None
    if count > MAX_PAGES:
        notes.append(f"read the first {MAX_PAGES} of {count} pages")
    pages: list[list[Line]] = []
    unreadable: list[int] = []
    for number in range(1, min(count, MAX_PAGES) + 1):
        try:
            pages.append(_page_lines(reader.pages[number - 1], number))
        except Exception as exc:  # noqa: BLE001  (pypdf raises many kinds on a damaged page; the others are still read)
            unreadable.append(number)
            notes.append(f"page {number} could not be read ({type(exc).__name__}): its text is missing")
            pages.append([])
    textless = [n for n, page in enumerate(pages, start=1) if n not in unreadable and sum(len(line.text.strip()) for line in page) < 3]
    if len(textless) + len(unreadable) == len(pages):
        if textless:
            raise ScannedPdf(f"{fetched.source}: a scanned PDF with no text layer")
        raise SourceError(f"{fetched.source}: no page of the PDF could be read")
    if textless:
        notes.append(f"no text layer on page(s) {', '.join(map(str, textless))} (scanned?): their text is missing")
    return pages


def _metadata_title(reader: pypdf.PdfReader) -> str | None:
    try:
        return reader.metadata.title if reader.metadata else None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError):
        return None


def read_pdf(fetched: Fetched) -> RawItem:
    if not fetched.content.strip():
        raise SourceError(f"{fetched.source}: empty")
    notes: list[str] = []
    reader = _open(fetched)
    try:
        read = _read_pages(reader, fetched, notes)
    except ScannedPdf as scanned:
        read = _scanned_pages(fetched, scanned, notes)
    return item_from_lines(read, fetched, notes, _metadata_title(reader))


def _scanned_pages(fetched: Fetched, scanned: ScannedPdf, notes: list[str]) -> list[list[Line]]:
    """The lines of a scanned PDF's pages as OCR reads them, where Tesseract is installed."""
    from assay.readers.ocr import INSTALL, pdf_page_lines, tesseract_available

    if not tesseract_available():
        raise SourceError(f"{scanned}: {INSTALL} for Assay to read it by OCR, or run OCR on it first (ocrmypdf)") from None
    try:
        pages = pdf_page_lines(fetched.content, MAX_PAGES)
    except SourceError as exc:
        raise SourceError(f"{scanned}: {exc}") from None
    if not any(line.text.strip() for page in pages for line in page):
        raise SourceError(f"{scanned}, and OCR found no text on its pages") from None
    notes.append(f"a scanned PDF of {len(pages)} page{'s' * (len(pages) > 1)}: its text read by OCR (Tesseract); "
                 "figures may be misread, check them against the scan")
    return pages


def item_from_lines(read: list[list[Line]], fetched: Fetched, notes: list[str], metadata_title: str | None) -> RawItem:
    """The article a document's positioned lines hold, a page to a list: title by size and place,
    dateline, running headers and footers, paragraphs by line pitch, publisher."""
    pages, removed = remove_page_furniture(read)
    header = running_lines(read, pages, top=True)
    if removed:
        notes.append(f"removed {removed} running header, footer and page-number lines")
    lines = [line for page in pages for line in page]
    if not lines:
        raise SourceError(f"{fetched.source}: no text left in the PDF once headers and footers are removed")
    sizes = [line.size for line in lines if line.size]
    # An HKEX or SGX announcement: its disclaimer, issuer's block and closing out; its capitals the title.
    # A research paper's or a USGS summary's head: out; its journal or issuer the publisher.
    texts = [line.text for line in lines]
    announcement = exchange_announcement(texts, blank_lines_part_paragraphs=False) or paper_head(texts) or legal_head(texts)
    if announcement:
        kept = {id(line) for i, line in enumerate(lines) if i not in announcement.dropped}
        pages = [[line for line in page if id(line) in kept] for page in pages]
        lines = [line for page in pages for line in page]
        notes.extend(announcement.notes)
    first_page = next(page for page in pages if page)

    # Title: the metadata's when it is one, else the first page's most prominent lines (then not body text).
    file_name = Path(urlsplit(fetched.source).path).name
    title = (announcement and announcement.title) or meaningful_title(metadata_title, file_name)
    prominent = [] if announcement and announcement.title else _title_lines(first_page, statistics.median(sizes) if sizes else None)
    prominent_text = re.sub(r"\s+", " ", " ".join(line.text for line in prominent)).strip()
    if title is None and prominent_text:
        title = prominent_text
        if metadata_title:
            notes.append(f"title taken from the first page (the PDF's title is {metadata_title!r})")
    elif title is None:
        title = Path(file_name).stem or "PDF"
        notes.append("no title in the PDF's metadata or on its first page: titled after the file")
    cover: list[Line] = []
    if prominent and _same(prominent_text, title):
        lines = [line for line in lines if not any(line is p for p in prominent)]
        if cover := _cover_lines(pages, prominent):  # a deck's cover: "MP Materials" over "Investor Presentation", "Q3 2026"
            lines = [line for line in lines if not any(line is c for c in cover)]

    # Date: a dateline at the top of the first page, or an announcement's closing, or none.
    published = None
    found = dateline(header + [line for line in first_page if not any(line is p for p in prominent)])
    if not found and announcement and announcement.published:
        published = announcement.published
    elif found:
        published, line = found
        where = "running header" if any(line is h for h in header) else "dateline"
        notes.append(f"dated from the first page's {where} {line.text.strip()[:60]!r}")
        if _is_bare_dateline(line):
            lines = [other for other in lines if other is not line]
    elif month := month_date(header + [line for line in first_page if not any(line is p for p in prominent)]):
        published, line = month
        notes.append(f"dated from the first page's line {line.text.strip()[:60]!r}, which gives the month only: taken as its first day")
        lines = [other for other in lines if other is not line]  # the month alone on its line: the cover's, no text
    elif closing := closing_date([line.text for line in lines]):  # "Issued: December 2, 2026" under a determination
        published = closing[0]
        notes.append(f"dated from its closing line {lines[closing[1]].text.strip()[:60]!r}")
    else:
        notes.append("no dateline on the first page: left undated (the file's creation date is not its publication date)")
    # "Meridian Critical Minerals Advisory | 24 February 2026", a dateline or the running header: out of
    # the body, still the publisher's name.
    masthead = [h.text for h in header] + ([line.text] if found and _is_bare_dateline(found[1]) else [])
    masthead += [f.text for f in running_lines(read, pages, top=False)]  # after the header: the foot of a deck's slides
    masthead += [c.text for c in cover]  # "International Energy Agency" under a report's title: its publisher, out of the body
    # Above the title on the first page: a letterhead, its address, a label ("ASX ANNOUNCEMENT"): out of the body, read for the publisher.
    above = _above_title(first_page, prominent)
    if above:
        lines = [line for line in lines if not any(line is a for a in above)]
        masthead += [a.text for a in above]
    # A page printed from a browser has its address in the header or footer: its site ("reuters.com") names the publisher.
    masthead += [host.removeprefix("www.") for line in masthead if (host := urlsplit(line.strip()).netloc) and line.strip().startswith("http")]

    lines, tables = with_tables(lines)
    if tables:
        notes.append(f"read {tables} table{'s' if tables > 1 else ''} row by row, each row's figures named by their columns")
    found_paragraphs, repaired = paragraphs(lines)
    if repaired:
        notes.append(f"joined {repaired} word{'s' if repaired > 1 else ''} hyphenated at line ends")
    body = body_text(found_paragraphs)
    if not body.strip():
        raise SourceError(f"{fetched.source}: no text in the PDF")
    path = Path(fetched.filename or "") if fetched.url else Path(fetched.source)  # a shared file's name, in no folder of the user's
    source = (announcement and announcement.issuer) or publisher_host(fetched) or file_publisher(
        [p.text for p in found_paragraphs], path, notes, title=title, masthead=masthead)
    # The cover's other lines are the title's, but for the one naming the publisher.
    title = ", ".join([title, *(text for line in cover if source not in (text := line.text.strip()))])
    return RawItem(
        source=source,
        source_url=source_address(fetched),
        url=fetched.url,
        title=title,
        author=(announcement and announcement.author) or byline_author([p.text for p in found_paragraphs]),
        published=published,
        content=body,
        content_format="text",
        notes=notes,
    )


_ABOVE_TITLE_MAX_WORDS = 15


def _above_title(first_page: list[Line], prominent: list[Line]) -> list[Line]:
    """The first page's lines before its title, when each is a short line that ends no sentence (a
    letterhead, an address, a label); none when any is prose, which no furniture is."""
    start = next((i for i, line in enumerate(first_page) if prominent and line is prominent[0]), 0)
    above = [line for line in first_page[:start] if line.text.strip()]
    if any(len(line.text.split()) > _ABOVE_TITLE_MAX_WORDS or line.text.rstrip().endswith((".", "!", "?", ":")) for line in above):
        return []
    return above


def _same(a: str, b: str) -> bool:
    key = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return key(a) == key(b)


class PdfReader:
    name = "pdf"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".pdf",)
    content_type = "application/pdf"
    binary = True
    description = "a PDF"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        head = fetched.content[:1024]
        if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_MAGIC):
            return True
        if _MAGIC in head and source_suffix(fetched) not in (".txt", ".md", ".markdown"):
            return True  # a few producers put junk before the header; a text file that mentions %PDF- is text
        if head.lstrip()[:1] == b"<":
            return False  # markup (an HTML error page at a .pdf URL, say): a text reader's
        return source_suffix(fetched) == ".pdf" or fetched.content_type == "application/pdf"

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        item = read_pdf(fetched)
        # A news database's export, as Factiva and Nexis also save them: its articles, each on its own.
        return export_items(item.content, fetched, [], dated=item.published) or (None, [item])
