"""Sources: naming them (URLs, files, folders), fetching their bytes and decoding their text.

Reading each format into items is `assay.readers`' job. Each function here does one step and
raises `SourceError` with a sentence a user can act on; the ingest flow turns that into a
per-item error and carries on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from assay import __version__
from assay.settings import Settings
from assay.types import Fetched

USER_AGENT = f"Assay/{__version__} (+https://github.com/assay; critical-minerals news analysis)"


class SourceError(Exception):
    """A source or item that cannot be ingested; the message says why in the user's terms."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


# --- naming sources ------------------------------------------------------------------


def expand_source(source: str, suffixes: Sequence[str]) -> list[str]:
    """A URL stays as it is; a folder becomes its files with one of `suffixes` (the readers' formats),
    sorted; anything else is an error."""
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
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
        if not files:
            raise SourceError(f"{path}: folder holds no {', '.join(suffixes[:-1])} or {suffixes[-1]} files")
        return [str(p) for p in files]
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder")
    return [str(path)]


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def source_suffix(fetched: Fetched) -> str:
    """Suffix of the path a source names, a URL's or a file's, in lower case."""
    return Path(urlsplit(fetched.source).path).suffix.lower()


# --- fetching ---------------------------------------------------------------------


def fetch_url(url: str, settings: Settings, *, etag: str | None = None, last_modified: str | None = None) -> Fetched:
    """GET with a size limit, following redirects; conditional when validators are known."""
    headers = {"User-Agent": USER_AGENT, "Accept": "application/rss+xml, application/atom+xml, text/html, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        with (
            httpx.Client(timeout=settings.fetch_timeout_s, follow_redirects=True, headers=headers) as client,
            client.stream("GET", url) as response,
        ):
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


def read_file(path: str, settings: Settings, content_type: str) -> Fetched:
    """A local file's bytes; `content_type` is what a server would have sent (the readers know it by suffix)."""
    file = Path(path)
    size = file.stat().st_size
    if size > settings.max_source_bytes:
        raise SourceError(_too_large(path, size, settings))
    return Fetched(source=path, content=file.read_bytes(), content_type=content_type)


def _too_large(source: str, size: int, settings: Settings) -> str:
    return f"{source}: {size:,} bytes is over the {settings.max_source_bytes:,}-byte limit (ASSAY_MAX_SOURCE_BYTES)"


# --- decoding -----------------------------------------------------------------------

_DECLARED_CHARSET = re.compile(rb"""<\?xml[^>]*encoding=["']([\w.-]+)|<meta[^>]+charset=["']?([\w.-]+)""", re.IGNORECASE)


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
