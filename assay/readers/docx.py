"""Word documents (.docx): press releases and briefings are often handed round as Word files.

python-docx reads the document's body in order; it becomes Markdown (the Title style or the first
heading as `#`, other headings as `##`, list paragraphs as bullets) and the text reader does the
rest, so a Word file gets the same title, highlights, dateline, publisher and sections rules as a
text export. Tables are read a row to a line (as pipe tables); headers and footers are left out.
The document's properties are not used for the date or the author: Word fills them with when and
by whom the file was made, not the article's.
"""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING, Any

from assay.cleaning import heads_columns
from assay.readers.archive import ZIP_MAGIC, zip_holds
from assay.readers.exports import export_items
from assay.readers.text import read_text_file
from assay.sources import SourceError, source_suffix
from assay.types import Fetched, RawItem, SourceKind

if TYPE_CHECKING:
    from docx.table import Table

_LIST_STYLES = re.compile(r"^List", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^Heading (\d)$", re.IGNORECASE)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Text as the document reads with its tracked changes accepted: an insertion's runs are in, a
# deletion's (w:delText) and a move's old place out. python-docx's `.text` leaves out the runs of an
# insertion, so a figure typed in with track changes on was lost ("Lynas produced in the quarter").
_TEXT = f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
_NOT_READ = f"{_W}del", f"{_W}moveFrom", f"{_W}txbxContent"


def _text(paragraph: Any) -> str:
    """A paragraph's (w:p) text with its tracked changes accepted."""
    out = []
    for node in paragraph.iter(*_TEXT):
        parent = node.getparent()
        while parent is not None and parent is not paragraph and parent.tag not in _NOT_READ:
            parent = parent.getparent()
        if parent is paragraph:
            out.append((node.text or "") if node.tag == f"{_W}t" else " ")  # a tab or a break: a space
    return "".join(out)


def _tracked_changes(document: Any) -> int:
    return sum(1 for _ in document.element.body.iter(f"{_W}ins", f"{_W}del", f"{_W}moveTo"))


def _table_rows(table: Table) -> str:
    """A Word table as a Markdown pipe table, which the text reader reads a row to a line ("NdPr
    oxide 2,400"); a merged cell once, not once per column it spans."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(_text(p) for p in cell._tc.iterchildren(f"{_W}p")))
        rows.append(cells)
    return pipe_table(rows)


def pipe_table(rows: list[list[str]]) -> str:
    """Rows of cells as a Markdown pipe table (a cell's own "|" as "/"); empty rows left out. A table
    with a merged cell (a row narrower than the others) is written as one line of HTML instead, which
    Markdown passes through: a pipe table pads the row, and its merged cell would be read as the first
    column's value alone ("NdPr oxide — 2024: no UK output", where it spans 2024 and 2035)."""
    kept = [cells for cells in rows if any(c.strip() for c in cells)]
    if not kept:
        return ""
    width = max(len(cells) for cells in kept)
    if any(len(cells) != width for cells in kept):
        def row(cells: list[str], tag: str) -> str:
            return "<tr>" + "".join(f"<{tag}>{html.escape(' '.join(cell.split()))}</{tag}>" for cell in cells) + "</tr>"
        return "<table>" + row(kept[0], "th") + "".join(row(cells, "td") for cells in kept[1:]) + "</table>"
    lines = ["| " + " | ".join(" ".join(cell.split()).replace("|", "/") for cell in cells) + " |" for cells in kept]
    if not heads_columns(kept[0], kept[1:]):
        # A pipe table's first row is its header: a table whose first row names no column (labels and
        # values, "Project | Nolans") gets an empty one, or "Location: Nolans Northern Territory" followed.
        lines.insert(0, "|" + "  |" * width)
    return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])


def docx_markdown(content: bytes, source: str) -> tuple[str, list[str]]:
    """The document's body as Markdown, its tables as pipe tables, and notes for the ingest report
    (how many tables and tracked changes it has)."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as exc:  # python-docx raises KeyError, ValueError or lxml errors for a damaged package
        raise SourceError(f"{source}: not a readable Word document (parts of it are missing or damaged: {type(exc).__name__}); "
                          "open and save it again in Word, or save it as PDF") from None
    blocks: list[str] = []
    tables = 0
    titled = False
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            tables += 1
            if rows := _table_rows(block):
                blocks.append(rows)
            continue
        text = " ".join(_text(block._p).split())
        if not text:
            continue
        style = block.style.name if block.style is not None else ""
        heading = _HEADING_STYLE.match(style)
        numbered = block._p.pPr is not None and block._p.pPr.numPr is not None
        if style == "Title" or (heading and not titled and not blocks):
            blocks.append(f"# {text}")
            titled = True
        elif heading or style == "Subtitle":
            blocks.append(f"## {text}")
        elif _LIST_STYLES.match(style) or numbered:
            blocks.append(f"- {text}")
        else:
            blocks.append(text)
    # Blocks apart, but a list's items together: a list written loose reads as paragraphs of bullets.
    text = "".join(("\n" if block.startswith("- ") and previous.startswith("- ") else "\n\n") + block
                   for previous, block in zip(["", *blocks], blocks))
    notes = [f"{tables} table{'s' * (tables > 1)} read a row to a line"] if tables else []
    if changes := _tracked_changes(document):
        notes.append(f"read with its {changes} tracked change{'s' * (changes > 1)} accepted (insertions in, deletions out)")
    return text.lstrip("\n") + "\n", notes


class DocxReader:
    name = "docx"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".docx",)
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    binary = True
    description = "a Word document"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return zip_holds(fetched.content, "word/document.xml") or (source_suffix(fetched) == ".docx" and fetched.content.startswith(ZIP_MAGIC))

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        markdown, notes = docx_markdown(fetched.content, fetched.source)
        if not markdown.strip():
            raise SourceError(f"{fetched.source}: the Word document holds no text")
        if export := export_items(markdown, fetched, notes):  # a news database's export, saved as Word
            return export
        item = read_text_file(markdown, fetched.model_copy(update={"content_type": "text/markdown"}))
        item.notes.extend(notes)
        return None, [item]
