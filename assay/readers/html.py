"""Web pages: the main text of an HTML page, without menus, sidebars and comments (trafilatura)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import trafilatura

from assay.sources import SourceError, decode
from assay.types import Fetched, RawItem, SourceKind

_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body)", re.IGNORECASE)


def is_html_markup(text: str) -> bool:
    return bool(_HTML_START.match(text))


def looks_like_html(fetched: Fetched, text: str) -> bool:
    """HTML by its markup or by what the server says it is."""
    return is_html_markup(text) or "html" in fetched.content_type


def extract_page(text: str, fetched: Fetched) -> RawItem:
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
        published=datetime.fromisoformat(date).replace(tzinfo=UTC) if date else None,
        categories=[c for c in (doc.get("categories") or "").split(";") if c],
        content=xml,
        content_format="extracted",
    )


class HtmlReader:
    name = "html"
    kind = SourceKind.page
    suffixes: tuple[str, ...] = (".html", ".htm")
    content_type = "text/html"
    binary = False
    description = "an HTML page"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return looks_like_html(fetched, decode(fetched) if text is None else text)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, [extract_page(decode(fetched) if text is None else text, fetched)]
