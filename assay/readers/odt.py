"""OpenDocument text (.odt): what LibreOffice saves, and what governments publish beside PDF (GOV.UK
offers many of its papers as .odt under the UK's open-standards rule; EU bodies do too). Before, an
.odt was refused with "save it as .docx or PDF".

The document's `content.xml` is read with lxml in the order it is written, as the Word reader reads
its body: the Title style or the first heading as `#`, other headings (and paragraphs in a Heading
style) as `##`, list items as bullets (a nested list indented), tables a row to a line (as pipe
tables). The text reader does the rest: title, dateline, publisher, sections.

Left out, as for Word: tracked changes' deleted text (kept apart in `text:tracked-changes`, so the
text reads with the changes accepted), footnotes and endnotes (their number would glue onto a word,
and their sources are no statements: the report counts them), text boxes and images' captions
(`draw:frame`), generated indexes (a table of contents repeats the headings) and the document's
properties (`meta.xml` says who saved the file and when, not who published the article).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from assay.readers.archive import ZIP_MAGIC
from assay.readers.docx import pipe_table
from assay.readers.exports import export_items
from assay.readers.text import read_text_file
from assay.sources import SourceError, source_suffix
from assay.types import Fetched, RawItem, SourceKind

MIMETYPE = "application/vnd.oasis.opendocument.text"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
# Elements whose text is not the document's running text (see the module's docstring).
_NOT_READ = {
    f"{_TEXT}tracked-changes", f"{_TEXT}note", f"{_DRAW}frame", f"{_OFFICE}annotation", f"{_TEXT}sequence-decls",
    f"{_TEXT}variable-decls", f"{_TEXT}user-field-decls", f"{_OFFICE}forms",
    *(f"{_TEXT}{index}" for index in ("table-of-content", "alphabetical-index", "illustration-index", "table-index",
                                      "object-index", "user-index", "bibliography")),
}
# A style name as ODF stores it ("Heading_20_1" is "Heading 1": a space is written "_20_").
_HEADING_STYLE = re.compile(r"^Heading(?:_20_|\s)(\d)$")


def _styles(archive: zipfile.ZipFile, parse: Any) -> dict[str, str]:
    """Each paragraph style's parent: content.xml's automatic styles ("P1" on "Title") and styles.xml's own."""
    parents: dict[str, str] = {}
    for part in ("styles.xml", "content.xml"):
        if part not in archive.namelist():
            continue
        for style in parse(archive.read(part)).iter(f"{_STYLE}style"):
            if (name := style.get(f"{_STYLE}name")) and (parent := style.get(f"{_STYLE}parent-style-name")):
                parents[name] = parent
    return parents


def _style_is(name: str | None, parents: dict[str, str]) -> str | None:
    """"title", "subtitle" or "heading" for a paragraph whose style is (or comes from) one of those."""
    seen: set[str] = set()
    while name and name not in seen:
        seen.add(name)
        if name in ("Title", "Subtitle"):
            return name.lower()
        if _HEADING_STYLE.match(name):
            return "heading"
        name = parents.get(name)
    return None


def _text(element: Any) -> str:
    """A paragraph's text: spans and links read through, `text:s` as its count of spaces, a tab or a
    line break as a space, what `_NOT_READ` names left out."""
    out = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            count = child.get(f"{_TEXT}c", "1")
            out.append(" " * (int(count) if count.isdigit() else 1))
        elif child.tag in (f"{_TEXT}tab", f"{_TEXT}line-break"):
            out.append(" ")
        elif child.tag not in _NOT_READ:
            out.append(_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _table(table: Any) -> str:
    """A table as pipe-table rows; a merged cell once (its covered cells are no cells), a repeated
    empty cell (how a spreadsheet-like table pads its rows) not at all."""
    rows: list[list[str]] = []
    for row in table.iter(f"{_TABLE}table-row"):
        cells = [" ".join(" ".join(_text(p).split()) for p in cell.iter(f"{_TEXT}p", f"{_TEXT}h"))
                 for cell in row.iterchildren(f"{_TABLE}table-cell")]
        rows.append(cells)
    return pipe_table(rows)


class _Blocks:
    """The body's blocks in order, as Markdown; `notes` counts what was left out."""

    def __init__(self, parents: dict[str, str]) -> None:
        self.parents = parents
        self.blocks: list[str] = []
        self.titled = False
        self.tables = 0

    def walk(self, element: Any, depth: int = -1) -> None:
        for child in element:
            tag = child.tag
            if tag in _NOT_READ:
                continue
            if tag == f"{_TEXT}list":
                self.walk_list(child, depth + 1)
            elif tag in (f"{_TEXT}p", f"{_TEXT}h"):
                self.paragraph(child, depth)
            elif tag == f"{_TABLE}table":
                self.tables += 1
                if rows := _table(child):
                    self.blocks.append(rows)
            else:  # a section, a soft page break, a change mark: what it holds is read in place
                self.walk(child, depth)

    def walk_list(self, element: Any, depth: int) -> None:
        for item in element.iterchildren(f"{_TEXT}list-item", f"{_TEXT}list-header"):
            self.walk(item, depth)

    def paragraph(self, element: Any, depth: int) -> None:
        text = " ".join(_text(element).split())
        if not text:
            return
        style = _style_is(element.get(f"{_TEXT}style-name"), self.parents)
        heading = element.tag == f"{_TEXT}h" or style == "heading"
        if depth >= 0 and not heading:  # a numbered heading may sit in a list: it is a heading all the same
            self.blocks.append(f"{'  ' * depth}- {text}")
            return
        if style == "title" or (heading and not self.titled and not self.blocks):
            self.blocks.append(f"# {text}")
            self.titled = True
        elif heading or style == "subtitle":
            self.blocks.append(f"## {text}")
        else:
            self.blocks.append(text)


def odt_markdown(content: bytes, source: str) -> tuple[str, list[str]]:
    """The document's text as Markdown, and notes for the ingest report (its tables, tracked changes
    and footnotes)."""
    from lxml import etree

    def parse(data: bytes) -> Any:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))

    damaged = (f"{source}: not a readable OpenDocument text (parts of it are missing or damaged); "
               "open and save it again in LibreOffice or Word, or save it as PDF")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
                raise SourceError(f"{source}: a password-protected OpenDocument text: save a copy without the password, then ingest that")
            root = parse(archive.read("content.xml"))
            parents = _styles(archive, parse)
    except (zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise SourceError(damaged) from None
    body = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise SourceError(damaged)
    blocks = _Blocks(parents)
    blocks.walk(body)
    # Blocks apart, but a list's items together, as the Word reader writes them.
    text = "".join(("\n" if block.lstrip().startswith("- ") and previous.lstrip().startswith("- ") else "\n\n") + block
                   for previous, block in zip(["", *blocks.blocks], blocks.blocks))
    notes = [f"{blocks.tables} table{'s' * (blocks.tables > 1)} read a row to a line"] if blocks.tables else []
    if changes := sum(1 for _ in body.iter(f"{_TEXT}changed-region")):
        notes.append(f"read with its {changes} tracked change{'s' * (changes > 1)} accepted (insertions in, deletions out)")
    if footnotes := sum(1 for _ in body.iter(f"{_TEXT}note")):
        notes.append(f"{footnotes} footnote{'s' * (footnotes > 1)} not read (sources and asides, not the text)")
    return text.lstrip("\n") + "\n", notes


def _mimetype(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return archive.read("mimetype").decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, ValueError, KeyError):
        return None


class OdtReader:
    name = "odt"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".odt",)
    content_type = MIMETYPE
    binary = True
    description = "an OpenDocument text"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        if not fetched.content.startswith(ZIP_MAGIC):
            return False
        kind = _mimetype(fetched.content)  # another OpenDocument named .odt is named for what it is, by `unread_package`
        return kind == MIMETYPE or (kind is None and source_suffix(fetched) == ".odt")

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        markdown, notes = odt_markdown(fetched.content, fetched.source)
        if not markdown.strip():
            raise SourceError(f"{fetched.source}: the OpenDocument text holds no text")
        if export := export_items(markdown, fetched, notes):  # a database's export, saved by LibreOffice
            return export
        item = read_text_file(markdown, fetched.model_copy(update={"content_type": "text/markdown"}))
        item.notes.extend(notes)
        return None, [item]
