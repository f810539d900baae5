"""Word 97-2003 documents (.doc): the binary Word format, still what many ministries, agencies and older
company archives attach to a release. Before, a .doc was refused with "save it as .docx or PDF".

No maintained Python library reads the format's text (antiword and catdoc are C programs), and the
part needed is small (MS-DOC, sections 2.4.1 and 2.5): the File Information Block at the start of
the `WordDocument` stream gives the main text's length and where the piece table is; the piece
table, in the `0Table` or `1Table` stream, maps the text's characters to runs of bytes in
`WordDocument`, each either 8-bit (Windows-1252) or UTF-16. olefile opens the container.

Only the main text is read: footnotes, headers, footers, comments and text boxes follow it in the
same character sequence and are left out, as the Word reader leaves them out. A field's result is
kept and its code dropped (a hyperlink reads as its text, not "HYPERLINK \\l ..."). Table cells are
read a row to a line. Paragraph styles are not read (they need the style sheet and the paragraphs'
property pages): the text reader's own rules find the title and the headings, as for a text file.
"""

from __future__ import annotations

import io
import re
import struct

import olefile

from assay.readers.docx import pipe_table
from assay.readers.exports import export_items
from assay.readers.outlook import OLE_MAGIC, PROPERTY_STREAM
from assay.readers.text import read_text_file
from assay.sources import SourceError, source_suffix
from assay.types import Fetched, RawItem, SourceKind

_WORD_STREAM = "WordDocument"
_FIB_IDENT = 0xA5EC
_WORD_97 = 0x00C1  # the first nFib of the format read here; Word 6 and 95 wrote older ones
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200  # FibBase's flags: fEncrypted, fWhichTblStm
_CLX_PAIR = 33  # fcClx / lcbClx: the 34th pair of FibRgFcLcb97

# Characters with a job in Word's text stream (MS-DOC 2.4.1 and 2.8.25).
_PARAGRAPH, _CELL, _LINE, _PAGE = "\r", "\x07", "\x0b", "\x0c"
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
_DROPPED = re.compile(r"[\x00-\x06\x08\x0e-\x12\x16-\x1d\x1f]")  # pictures, note references, optional hyphens…


def _fib(word: bytes, source: str) -> tuple[int, int, int, bool]:
    """(main text's length in characters, fcClx, lcbClx, whether the table stream is 1Table)."""
    ident, version = struct.unpack_from("<HH", word, 0)
    if ident != _FIB_IDENT:
        raise ValueError("the WordDocument stream does not start with a File Information Block")
    (flags,) = struct.unpack_from("<H", word, 0x0A)
    if flags & _ENCRYPTED:
        raise SourceError(f"{source}: a password-protected Word document: save a copy without the password, then ingest that")
    if version < _WORD_97:
        raise SourceError(f"{source}: a Word 6 or Word 95 document, older than Assay reads: save it as .docx or PDF")
    at = 32  # FibBase, then FibRgW97 (csw 16-bit words), FibRgLw97 (cslw 32-bit words), FibRgFcLcb (cbRgFcLcb pairs)
    (csw,) = struct.unpack_from("<H", word, at)
    at += 2 + 2 * csw
    (cslw,) = struct.unpack_from("<H", word, at)
    (ccp_text,) = struct.unpack_from("<i", word, at + 2 + 3 * 4)  # FibRgLw97.ccpText
    at += 2 + 4 * cslw
    (pairs,) = struct.unpack_from("<H", word, at)
    if pairs <= _CLX_PAIR:
        raise SourceError(f"{source}: a Word document without a piece table, which Assay does not read: save it as .docx or PDF")
    fc_clx, lcb_clx = struct.unpack_from("<II", word, at + 2 + 8 * _CLX_PAIR)
    return max(ccp_text, 0), fc_clx, lcb_clx, bool(flags & _TABLE_1)


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """The piece table: (first character, last character + 1, byte offset, 8-bit) for each piece."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting for the pieces, not needed for text
        (size,) = struct.unpack_from("<H", clx, at + 1)
        at += 3 + size
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no Pcdt in the Clx")
    (size,) = struct.unpack_from("<I", clx, at + 1)
    table = clx[at + 5: at + 5 + size]
    count = (size - 4) // 12
    cps = struct.unpack_from(f"<{count + 1}I", table, 0)
    pieces = []
    for i in range(count):
        (fc,) = struct.unpack_from("<I", table, 4 * (count + 1) + 8 * i + 2)
        compressed = bool(fc & 0x40000000)
        fc &= 0x3FFFFFFF
        pieces.append((cps[i], cps[i + 1], fc // 2 if compressed else fc, compressed))
    return pieces


def _main_text(word: bytes, table: bytes, ccp_text: int, fc_clx: int, lcb_clx: int) -> str:
    out: list[str] = []
    for start, end, fc, compressed in _pieces(table[fc_clx: fc_clx + lcb_clx]):
        if start >= ccp_text:
            break
        end = min(end, ccp_text)
        if compressed:
            out.append(word[fc: fc + end - start].decode("cp1252", errors="replace"))
        else:
            out.append(word[fc: fc + 2 * (end - start)].decode("utf-16-le", errors="replace"))
    return "".join(out)


def _without_field_codes(text: str) -> str:
    """A field's result kept, its code dropped; a field with no result (a page number's code) dropped."""
    out: list[str] = []
    in_code: list[bool] = []  # one per open field: still in its code?
    for char in text:
        if char == _FIELD_BEGIN:
            in_code.append(True)
        elif char == _FIELD_SEPARATOR and in_code:
            in_code[-1] = False
        elif char == _FIELD_END and in_code:
            in_code.pop()
        elif not any(in_code):
            out.append(char)
    return "".join(out)


def _blocks(text: str) -> tuple[list[str], int]:
    """Paragraphs and pipe-table rows, and how many tables. A cell's text ends in a cell mark, and a
    row in one more mark of its own; an empty cell looks the same as a row's end, so it ends the row
    (the text is all kept, a row may be split)."""
    blocks: list[str] = []
    rows: list[list[str]] = []
    cells: list[str] = []
    buffer: list[str] = []
    tables = 0
    after_mark = False

    def flushed() -> str:
        text = " ".join("".join(buffer).replace(_LINE, " ").split())
        buffer.clear()
        return text

    def end_table() -> None:
        nonlocal rows, cells, tables
        if cells:
            rows.append(cells)
            cells = []
        if rows:
            tables += 1
            blocks.append(pipe_table(rows))
            rows = []

    for char in text:
        if char == _CELL:
            cell = flushed()
            if after_mark and not cell:
                if cells:
                    rows.append(cells)
                    cells = []
            else:
                cells.append(cell)
            after_mark = True
            continue
        after_mark = False
        if char not in (_PARAGRAPH, _PAGE):
            buffer.append(char)
        elif cells:  # a cell of several paragraphs
            buffer.append(" ")
        else:
            paragraph = flushed()
            end_table()
            blocks.append(paragraph)
    paragraph = flushed()
    end_table()
    blocks.append(paragraph)
    return [b for b in blocks if b], tables


def word97_text(content: bytes, source: str) -> tuple[str, list[str]]:
    """The document's main text, a paragraph to a block and a table row to a line, and notes for the report."""
    damaged = f"{source}: a damaged Word document; open and save it again in Word, or save it as .docx or PDF"
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as ole:
            if not ole.exists(_WORD_STREAM):
                raise SourceError(f"{source}: an old Office file that is no Word document: save it as .docx or PDF")
            word = ole.openstream(_WORD_STREAM).read()
            ccp_text, fc_clx, lcb_clx, table_1 = _fib(word, source)
            name = "1Table" if table_1 else "0Table"
            if not ole.exists(name):
                raise SourceError(damaged)
            table = ole.openstream(name).read()
        text = _main_text(word, table, ccp_text, fc_clx, lcb_clx)
    except (OSError, ValueError, struct.error, IndexError, EOFError):  # olefile's own error, or a truncated stream's
        raise SourceError(damaged) from None
    text = _DROPPED.sub("", _without_field_codes(text)).replace("\x1e", "-")  # \x1e: a non-breaking hyphen
    blocks, tables = _blocks(text)
    notes = ["a Word 97-2003 document: its text read (styles are not: headings found as in a text file)"]
    if tables:
        notes.append(f"{tables} table{'s' * (tables > 1)} read a row to a line")
    return "\n\n".join(blocks) + "\n", notes


class Word97Reader:
    name = "doc"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".doc",)
    content_type = "application/msword"
    binary = True
    description = "a Word 97-2003 document"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        # An OLE file is a .doc, .xls or .msg alike: a Word document's directory names its WordDocument
        # stream (a damaged one named .doc is read, to say it is damaged); a message names its
        # properties' streams, and may carry a .doc, which is no reason to read the message as one.
        if not fetched.content.startswith(OLE_MAGIC) or PROPERTY_STREAM in fetched.content:
            return False
        return _WORD_STREAM.encode("utf-16-le") in fetched.content or source_suffix(fetched) == ".doc"

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        plain, notes = word97_text(fetched.content, fetched.source)
        if not plain.strip():
            raise SourceError(f"{fetched.source}: the Word document holds no text")
        if export := export_items(plain, fetched, notes):  # a database's export, saved as .doc
            return export
        item = read_text_file(plain, fetched.model_copy(update={"content_type": "text/markdown"}))  # its tables are pipe tables
        item.notes.extend(notes)
        return None, [item]
