"""Sources: feeds (RSS/Atom, by URL or file), web pages, local text/Markdown/HTML files and folders.

Each function here does one step and raises `SourceError` with a sentence a user
can act on; the ingest flow turns that into a per-item error and carries on.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax import SAXException

import feedparser
import httpx
import lxml.etree
import trafilatura

from assay import __version__
from assay.settings import Settings
from assay.types import Fetched, RawItem, SourceKind

USER_AGENT = f"Assay/{__version__} (+https://github.com/assay; critical-minerals news analysis)"
FILE_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}


class SourceError(Exception):
    """A source or item that cannot be ingested; the message says why in the user's terms."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


# --- naming sources ------------------------------------------------------------------


def expand_source(source: str) -> list[str]:
    """A URL stays as it is; a folder becomes the supported files in it, sorted; anything else is an error."""
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://", source)
    if scheme:
        if scheme[1].lower() in ("http", "https"):
            return [source]
        if scheme[1].lower() == "file":
            source = urlsplit(source).path
        else:
            raise SourceError(f"unsupported URL scheme {scheme[1]!r}: only http, https and local files are read")
    path = Path(source).expanduser()
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in {*FILE_SUFFIXES, *FEED_SUFFIXES})
        if not files:
            raise SourceError(f"{path}: folder holds no .txt, .md, .html or feed files")
        return [str(p) for p in files]
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    return [str(path)]


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


# --- fetching ---------------------------------------------------------------------


def fetch_url(url: str, settings: Settings, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """GET with a size limit, following redirects; conditional when validators are known."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, text/html, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with httpx.Client(timeout=settings.fetch_timeout_s, follow_redirects=True, headers=headers) as client:
            with client.stream("GET", url) as response:
                if response.status_code == 304:
                    return Fetched(source=url, url=str(response.url), not_modified=True, etag=etag, last_modified=last_modified)
                if response.status_code >= 400:
                    raise SourceError(
                        f"HTTP {response.status_code} {response.reason_phrase} from {url}",
                        retryable=response.status_code >= 500 or response.status_code == 429,
                    )
                declared = int(response.headers.get("content-length") or 0)
                if declared > settings.max_source_bytes:
                    raise SourceError(_too_large(url, declared, settings))
                body = bytearray()
                for piece in response.iter_bytes():
                    body += piece
                    if len(body) > settings.max_source_bytes:
                        raise SourceError(_too_large(url, len(body), settings))
                return Fetched(
                    source=url,
                    url=str(response.url),
                    content=bytes(body),
                    content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                    charset=response.charset_encoding,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
    except httpx.TimeoutException as exc:
        raise SourceError(f"timed out after {settings.fetch_timeout_s:g} s fetching {url} ({type(exc).__name__})", retryable=True) from exc
    except httpx.TransportError as exc:
        raise SourceError(f"could not reach {urlsplit(url).netloc}: {exc or type(exc).__name__}", retryable=True) from exc


def read_file(path: str, settings: Settings) -> Fetched:
    file = Path(path)
    size = file.stat().st_size
    if size > settings.max_source_bytes:
        raise SourceError(_too_large(path, size, settings))
    suffix = file.suffix.lower()
    content_type = "application/xml" if suffix in FEED_SUFFIXES else f"text/{FILE_SUFFIXES.get(suffix, 'plain')}"
    return Fetched(source=path, content=file.read_bytes(), content_type=content_type)


def _too_large(source: str, size: int, settings: Settings) -> str:
    return f"{source}: {size:,} bytes is over the {settings.max_source_bytes:,}-byte limit (ASSAY_MAX_SOURCE_BYTES)"


# --- decoding -----------------------------------------------------------------------

_DECLARED_CHARSET = re.compile(rb"""<\?xml[^>]*encoding=["']([\w.-]+)|<meta[^>]+charset=["']?([\w.-]+)""", re.I)


def decode(fetched: Fetched) -> str:
    """Text of a source: refuses empty, binary and undeclared non-UTF-8 input instead of guessing."""
    data = fetched.content
    if not data.strip():
        raise SourceError(f"{fetched.source}: empty")
    if b"\x00" in data[:8192]:
        raise SourceError(f"{fetched.source}: binary data, not text")
    declared = _DECLARED_CHARSET.search(data[:2048])
    charset = fetched.charset or (declared and (declared[1] or declared[2]).decode()) or "utf-8"
    try:
        return data.decode("utf-8-sig" if charset.lower().replace("_", "-") in ("utf-8", "utf8") else charset)
    except LookupError:
        raise SourceError(f"{fetched.source}: unknown charset {charset!r}") from None
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"{fetched.source}: not valid {charset} (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "convert it to UTF-8 or declare its charset"
        ) from None


# --- what kind of source is it -------------------------------------------------------

_FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.S)
_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body)", re.I)


def sniff_kind(fetched: Fetched, text: str) -> SourceKind:
    """Feed, page or plain file, from the content first and the name second."""
    if _FEED_START.match(text):
        return SourceKind.feed
    suffix = Path(urlsplit(fetched.source).path).suffix.lower()
    if fetched.url is None and suffix in FEED_SUFFIXES:
        return SourceKind.feed  # a local .xml/.rss/.atom names itself a feed; parse_feed says what is wrong
    if fetched.url is None and suffix in FILE_SUFFIXES and FILE_SUFFIXES[suffix] != "html":
        return SourceKind.file
    if _HTML_START.match(text) or "html" in fetched.content_type:
        return SourceKind.page
    if suffix in FEED_SUFFIXES or "xml" in fetched.content_type:
        return SourceKind.feed  # parse_feed says what is wrong with it
    if fetched.content_type.startswith("text/"):
        return SourceKind.file
    raise SourceError(f"{fetched.source}: unsupported content type {fetched.content_type or 'unknown'!r}")


# --- parsing ------------------------------------------------------------------------


def _struct_to_datetime(value: object) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc) if value else None  # type: ignore[arg-type]


def parse_feed(text: str, fetched: Fetched) -> tuple[str, list[RawItem]]:
    """RSS 2.0 / Atom items; the whole feed fails on malformed XML so no half-read feed goes in."""
    if _HTML_START.match(text):
        raise SourceError(f"{fetched.source}: an HTML page, not a feed (ingest it as a page URL instead)")
    headers = {"content-location": fetched.url or "", "content-type": "application/xml"}
    parsed = feedparser.parse(text, sanitize_html=False, resolve_relative_uris=True, response_headers=headers)
    # feedparser recovers from broken XML with a loose parser; a half-read feed is refused instead.
    if parsed.bozo and isinstance(parsed.bozo_exception, SAXException):
        raise SourceError(f"{fetched.source}: malformed feed XML: {parsed.bozo_exception}")
    if not parsed.version:
        raise SourceError(f"{fetched.source}: not an RSS or Atom feed")
    feed_title = parsed.feed.get("title") or urlsplit(fetched.url or "").netloc or Path(fetched.source).stem
    items = []
    for entry in parsed.entries:
        contents = entry.get("content") or []
        html = next((c.value for c in contents if "html" in c.get("type", "")), None) or (contents[0].value if contents else None)
        items.append(
            RawItem(
                source=feed_title,
                source_url=fetched.url or fetched.source,
                url=entry.get("link"),
                guid=entry.get("id") or entry.get("link"),
                title=entry.get("title", ""),
                author=entry.get("author"),
                published=_struct_to_datetime(entry.get("published_parsed") or entry.get("updated_parsed")),
                categories=[t.term for t in entry.get("tags", []) if t.get("term")],
                content=html or entry.get("summary", ""),
                content_format="html",
            )
        )
    return feed_title, items


def extract_page(text: str, fetched: Fetched) -> RawItem:
    """Main text of a web page, without menus, sidebars and comments (trafilatura)."""
    xml = trafilatura.extract(
        text, url=fetched.url, output_format="xml", with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    if not xml:
        raise SourceError(f"{fetched.source}: no article text found on the page")
    doc = lxml.etree.fromstring(xml.encode())
    date = doc.get("date")
    return RawItem(
        source=doc.get("sitename") or urlsplit(fetched.url or "").netloc or Path(fetched.source).name,
        source_url=fetched.url or fetched.source,
        url=doc.get("url") or fetched.url,
        title=doc.get("title") or "",
        author=doc.get("author"),
        published=datetime.fromisoformat(date).replace(tzinfo=timezone.utc) if date else None,
        categories=[c for c in (doc.get("categories") or "").split(";") if c],
        content=xml,
        content_format="extracted",
    )


def read_text_file(text: str, fetched: Fetched) -> RawItem:
    path = Path(fetched.source)
    fmt = FILE_SUFFIXES.get(path.suffix.lower(), "text")
    first = next((line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()), "")
    return RawItem(
        source=path.parent.name or "files",
        source_url=str(path.resolve()),
        title=first if len(first) <= 200 else path.stem,
        content=text,
        content_format="markdown" if fmt == "markdown" else "text",
    )


def parse(fetched: Fetched, expect: SourceKind | None = None) -> tuple[SourceKind, str | None, list[RawItem]]:
    """Decode and parse one fetched source into its items: (kind, feed title, items)."""
    text = decode(fetched)
    kind = sniff_kind(fetched, text)
    if expect is SourceKind.feed and kind is not SourceKind.feed:
        raise SourceError(f"{fetched.source}: expected a feed but got {'an HTML page' if kind is SourceKind.page else 'plain text'}")
    if kind is SourceKind.feed:
        title, items = parse_feed(text, fetched)
        return kind, title, items
    if kind is SourceKind.page:
        return kind, None, [extract_page(text, fetched)]
    return kind, None, [read_text_file(text, fetched)]
