"""Plain text and Markdown files: the whole text is the article, its first line the title."""

from __future__ import annotations

from pathlib import Path

from assay.readers.html import looks_like_html
from assay.sources import decode, source_suffix
from assay.types import Fetched, RawItem, SourceKind

_FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown"}


def named_as_text(fetched: Fetched) -> bool:
    """A local file named .txt or .md: its name wins over HTML markup or an XML content type."""
    return fetched.url is None and source_suffix(fetched) in _FORMATS


def read_text_file(text: str, fetched: Fetched) -> RawItem:
    path = Path(fetched.source)
    fmt = _FORMATS.get(path.suffix.lower(), "text")
    first = next((line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()), "")
    return RawItem(
        source=path.parent.name or "files",
        source_url=str(path.resolve()),
        title=first if len(first) <= 200 else path.stem,
        content=text,
        content_format="markdown" if fmt == "markdown" else "text",
    )


class TextReader:
    name = "text"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = tuple(_FORMATS)
    content_type = "text/plain"
    binary = False
    description = "plain text"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        if named_as_text(fetched):
            return True
        return fetched.content_type.startswith("text/") and not looks_like_html(fetched, decode(fetched) if text is None else text)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, [read_text_file(decode(fetched) if text is None else text, fetched)]
