"""Word 97-2003 documents (.doc) made here, laid out as MS-DOC says Word writes them: a File
Information Block at the start of the `WordDocument` stream, the text after it, and a piece table in
`1Table` mapping the text's characters to its bytes (8-bit pieces in Windows-1252, others UTF-16). No
library writes one; the compound file is `tests/outlook_msg.py`'s. antiword, an independent reader,
reads these as they are meant (checked when this was written: `antiword release.doc`).

The text uses Word's own marks: a paragraph ends in "\\r", a table cell in "\\x07" and a row in one
more "\\x07"; a field is "\\x13" code "\\x14" result "\\x15"; "\\x02" is a footnote's reference. The
footnotes' text follows the main text, as Word keeps it."""

from __future__ import annotations

import struct

from tests.outlook_msg import compound_file

_TEXT_AT = 0x400  # where the text starts in WordDocument, after the FIB
_PAIRS = 0x5D  # FibRgFcLcb97's count of (fc, lcb) pairs
_CLX_PAIR = 33


def word97_document(main: str, footnotes: str = "", *, unicode_from: int | None = None, encrypted: bool = False,
                    version: int = 0x00C1) -> bytes:
    """A .doc whose main text is `main` (its paragraphs ending in "\\r") and footnotes' text `footnotes`.
    The characters from `unicode_from` on are one UTF-16 piece, those before it an 8-bit piece."""
    text = main + footnotes + ("\r" if footnotes else "")  # with a subdocument, Word ends the text in one more mark
    split = len(text) if unicode_from is None else unicode_from
    first, second = text[:split].encode("cp1252"), text[split:].encode("utf-16-le")
    second_at = _TEXT_AT + len(first) + (len(first) % 2)

    fib = bytearray(_TEXT_AT)
    struct.pack_into("<HHHHH", fib, 0, 0xA5EC, version, 0, 0x0409, 0)
    struct.pack_into("<H", fib, 0x0A, 0x0200 | (0x0100 if encrypted else 0))  # fWhichTblStm: the table is in 1Table
    struct.pack_into("<H", fib, 0x0C, 0x00BF)
    struct.pack_into("<H", fib, 32, 14)  # csw, then FibRgW97
    struct.pack_into("<H", fib, 62, 22)  # cslw, then FibRgLw97: cbMac, two reserved, ccpText, ccpFtn …
    struct.pack_into("<iiii", fib, 64, _TEXT_AT + len(first) + len(second) + 2, 0, 0, len(main))
    struct.pack_into("<i", fib, 80, len(footnotes))
    struct.pack_into("<H", fib, 152, _PAIRS)

    pieces = [(0, split, (2 * _TEXT_AT) | 0x40000000)]
    if split < len(text):
        pieces.append((split, len(text), second_at))
    cps = [start for start, _, _ in pieces] + [len(text)]
    plc = struct.pack(f"<{len(cps)}I", *cps) + b"".join(struct.pack("<HIH", 0, fc, 0) for _, _, fc in pieces)
    clx = b"\x02" + struct.pack("<I", len(plc)) + plc
    table = bytes(16) + clx  # the piece table need not start the stream: the FIB says where it is
    struct.pack_into("<II", fib, 154 + 8 * _CLX_PAIR, 16, len(clx))

    word = bytes(fib) + first + bytes(second_at - _TEXT_AT - len(first)) + second
    return compound_file({"WordDocument": word, "1Table": table})


RELEASE = (
    "Kestrel Rare Earths Commissions Second Separation Circuit\r"
    "9 March 2026\r"
    "Kestrel Rare Earths Limited (ASX: KRE) is pleased to announce that its second separation circuit at Mount Weld North "
    "has been commissioned on schedule and within its A$85 million budget.\x02\r"
    "\x13 TC \"Commissioning\" \\l 1 \x15Managing Director Sarah Lin said the circuit made Kestrel \u201cthe largest separator "
    "outside China\u201d.\r"
    "Product\x07Capacity (tpa)\x07\x07NdPr oxide\x072,400\x07\x07"
    "Outlook\r"
    "The Company expects the plant to run at 60% of capacity by the end of 2026, subject to feed supply. More at "
    "\x13 HYPERLINK \"https://kestrel.example/investors\" \x14kestrel.example/investors\x15.\r"
)
FOOTNOTES = "\x02 Unaudited; figures in Australian dollars.\r"
