"""Rich Text Format (.rtf): what Factiva downloads by default, and what WordPad and TextEdit save.

striprtf turns the RTF into its text (paragraphs as lines, `\\'93` and `\\u8211?` as the characters
they stand for); the text reader then reads it as a text export, and a news database's export
(`assay/readers/exports.py`) as its articles. Before, an RTF file was refused ("save it as .docx,
PDF or plain text"), which for a Factiva download meant opening every file in Word first.
"""

from __future__ import annotations

from striprtf.striprtf import rtf_to_text

from assay.readers.exports import export_items
from assay.readers.text import code_reason, read_text_file
from assay.sources import SourceError, source_suffix
from assay.types import Fetched, RawItem, SourceKind

_MAGIC = b"{\\rtf"


def rtf_text(fetched: Fetched) -> str:
    """The document's text. RTF is 7-bit ASCII with its own escapes for everything else; a byte above
    that is read as the code page RTF defaults to (cp1252)."""
    try:
        return str(rtf_to_text(fetched.content.decode("cp1252", errors="replace"), errors="replace"))
    except (ValueError, IndexError, KeyError) as exc:  # a damaged control word or group
        raise SourceError(f"{fetched.source}: an RTF document that could not be read ({type(exc).__name__}); "
                          "open and save it again, or save it as .docx or PDF") from None


class RtfReader:
    name = "rtf"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".rtf",)
    content_type = "application/rtf"
    binary = True
    description = "an RTF document"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return fetched.content.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(_MAGIC)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        plain = rtf_text(fetched)
        if not plain.strip():
            raise SourceError(f"{fetched.source}: the RTF document holds no text")
        if reason := code_reason(plain):
            raise SourceError(f"{fetched.source}: {reason}")
        as_text = fetched.model_copy(update={"content_type": "text/plain"})
        notes = [] if source_suffix(fetched) == ".rtf" else [f"read as an RTF document, by its content, though named {source_suffix(fetched) or 'without a suffix'}"]
        return export_items(plain, as_text, notes) or (None, [read_text_file(plain, as_text)])
