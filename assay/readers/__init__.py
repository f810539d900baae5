"""Readers: one per source format, chosen by what the content is.

A reader says whether it can read a fetched source (`sniff`) and reads it into items (`read`).
`READERS` is the one place a format is registered; its order settles which reader wins
when several could read the same content.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Protocol

from assay.readers.archive import ZipReader, unread_package
from assay.readers.docx import DocxReader
from assay.readers.edgar import EdgarReader
from assay.readers.evernote import EnexReader
from assay.readers.feed import FeedReader, JsonFeedReader
from assay.readers.html import HtmlReader
from assay.readers.mail import EmailReader
from assay.readers.mhtml import MhtmlReader
from assay.readers.ocr import ImageReader
from assay.readers.odt import OdtReader
from assay.readers.outlook import OLE_MAGIC, OutlookReader
from assay.readers.pdf import PdfReader
from assay.readers.pptx import PptxReader
from assay.readers.rtf import RtfReader
from assay.readers.subtitles import SubtitleReader
from assay.readers.table import JsonArticlesReader, TableReader, WorkbookReader
from assay.readers.text import TextReader
from assay.readers.wire import WireReader
from assay.readers.word97 import Word97Reader
from assay.sources import SourceError, decode, opens_a_subscription_list
from assay.types import Fetched, RawItem, SourceKind


class Reader(Protocol):
    name: str
    kind: SourceKind
    suffixes: tuple[str, ...]
    """File suffixes it reads: which files a folder expands to, and the content type a file is given."""
    content_type: str
    """The content type a local file with one of `suffixes` is given, as a server would send it."""
    binary: bool
    """True: sniffed and read from the bytes, before decoding; False: from the text `decode` gives."""
    description: str
    """What the content is, in a user's words ("an HTML page"), for error messages."""

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        """Whether this reader reads the source: from the content first, the suffix and content type second."""
        ...

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        """The source's title (a feed's; None for others) and its items; SourceError when it cannot."""
        ...


# Binary readers are tried first, in this order, then text readers in this order:
# a feed's markup beats a .txt name, a local .txt/.md name beats HTML inside the text (not a page that
# opens with its markup), HTML beats an .xml URL.
READERS: list[Reader] = [
    WireReader(),  # before feeds and JSON: a wire story's XML is no feed, its ninjs no news API's records
    EnexReader(),  # before feeds and text: an XML document of notes, not a feed and not markup to read as text
    FeedReader(),
    JsonFeedReader(),  # before text: a .json file is refused as data, unless it is a feed…
    JsonArticlesReader(),  # …or a news API's article records
    SubtitleReader(),  # before text: cue numbers and timings are no statements
    TableReader(),  # before text: a row's cells are no article's lines
    EdgarReader(),  # before text and HTML: an SEC submission is a .txt of SGML holding HTML documents
    TextReader(),
    HtmlReader(),
    PdfReader(),
    DocxReader(),
    PptxReader(),
    OdtReader(),
    WorkbookReader(),
    RtfReader(),
    Word97Reader(),  # an OLE file, as an Outlook message is: each sniffs its own streams' names
    OutlookReader(),  # an OLE file, sniffed before the MIME readers (its streams may hold header lines)
    ZipReader(),  # after the Word reader: a .docx is a zip too
    MhtmlReader(),  # a MIME message, as an email is: a saved page's headers say it is one
    EmailReader(),
    ImageReader(),  # last: by its first bytes only
]

# Formats people save articles in that no reader reads: named, with the way out, rather than read as
# text (an RTF file's markup) or refused as "binary data".
_UNREAD_FORMATS = [
    (OLE_MAGIC, "an old Office file (an Excel or PowerPoint 97-2003 one), which Assay does not read: save the article as .docx or PDF"),
]


def supported_suffixes() -> list[str]:
    return [suffix for reader in READERS for suffix in reader.suffixes]


# A folder's (or a .zip's) `.json` files are data more often than articles: of them, it gives only those
# whose opening says they are stories (ninjs, as a wire service's drop folder holds them) or a JSON Feed.
# A news API's records are read when the file is named.
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson")
JSON_HEAD = 65_536


def opens_as_stories(name: str, head: bytes) -> bool:
    """Whether a JSON file, by its name and opening, holds stories: wire items (ninjs) or a JSON Feed."""
    if PurePosixPath(name).suffix.lower() not in JSON_SUFFIXES:
        return False
    head = head[:JSON_HEAD]
    fetched = Fetched(source=name, content=head, content_type="application/json")
    text = head.decode("utf-8", errors="ignore")
    return WireReader().sniff(fetched, text) or JsonFeedReader().sniff(fetched, text)


def json_stories(path: Path) -> bool:
    """Whether a folder's JSON file holds stories (`opens_as_stories`)."""
    if path.suffix.lower() not in JSON_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            return opens_as_stories(path.name, handle.read(JSON_HEAD))
    except OSError:
        return False


def content_type_for(suffix: str) -> str:
    """The content type of a local file, guessed from its suffix; an unknown one is plain text."""
    return next((reader.content_type for reader in READERS if suffix in reader.suffixes), "text/plain")


def reader_for(fetched: Fetched, expect: SourceKind | None = None) -> tuple[Reader, str | None]:
    """The first reader that accepts the source, and the text it reads (None for a binary reader)."""
    head = fetched.content[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    reader: Reader | None = next((r for r in READERS if r.binary and r.sniff(fetched, None)), None)
    if reader is None:  # a Word 97-2003 document or an Outlook message is an old Office file too, and read
        for magic, what in _UNREAD_FORMATS:
            if head.startswith(magic):
                raise SourceError(f"{fetched.source}: {what}")
        if package := unread_package(fetched.content):
            raise SourceError(f"{fetched.source}: {package}")
    if opens_a_subscription_list(fetched.content):  # one downloaded, or in a folder of articles
        raise SourceError(f"{fetched.source}: a subscription list (OPML), not a feed or an article: "
                          "ingest the list by itself (its file or its address); its feeds are then read")
    text = None
    if reader is None:
        text = decode(fetched)
        reader = next((r for r in READERS if not r.binary and r.sniff(fetched, text)), None)
    if reader is None:
        raise SourceError(f"{fetched.source}: unsupported content type {fetched.content_type or 'unknown'!r}")
    if expect is SourceKind.feed and reader.kind is not SourceKind.feed:
        raise SourceError(f"{fetched.source}: expected a feed but got {reader.description}")
    return reader, text


def parse_inner(container: Fetched, name: str, suffix: str, content: bytes) -> list[RawItem]:
    """The items of a file held in another (a .zip's member, a mail's attachment), read as that file
    would be, its content type by `suffix`; SourceError saying why not, without the file's path."""
    inner = Fetched(source=f"{container.source}/{name}", content=content, content_type=content_type_for(suffix))
    try:
        items = parse(inner)[2]
    except SourceError as exc:
        raise SourceError(str(exc).removeprefix(f"{inner.source}: ")) from None
    # Read as a file, each item would say it came from a path made of the container's URL: it came from that URL.
    return [item.model_copy(update={"source_url": container.url}) for item in items] if container.url else items


def parse(fetched: Fetched, expect: SourceKind | None = None) -> tuple[SourceKind, str | None, list[RawItem]]:
    """Decode and parse one fetched source into its items: (kind, feed title, items)."""
    reader, text = reader_for(fetched, expect)
    title, items = reader.read(fetched, text)
    for item in items:
        item.notes[:0] = fetched.notes
    return reader.kind, title, items
