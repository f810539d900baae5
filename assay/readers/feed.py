"""Feeds: RSS 2.0 and Atom items (feedparser)."""

from __future__ import annotations

import calendar
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax import SAXException

import feedparser
import lxml.html

from assay.readers.html import is_html_markup, looks_like_html
from assay.readers.text import named_as_text
from assay.sources import SourceError, decode, decoding_notes, is_url, source_suffix, unwrapped_link
from assay.types import Fetched, RawItem, SourceKind

_FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL)


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC) if value else None


def _host(address: str) -> str:
    return (urlsplit(address).hostname or "").lower().removeprefix("www.") if is_url(address) else ""


def _same_site(host: str, other: str) -> bool:
    """news.lynas.com and lynas.com are one site; lynas.com and reuters.com are not."""
    return host == other or host.endswith(f".{other}") or other.endswith(f".{host}")


def _plain(title: str, kind: str) -> str:
    """A title as text: an Atom title of type "html" keeps its markup (Google Alerts bolds the words it matched)."""
    if "html" not in kind or "<" not in title:
        return title
    return lxml.html.fragment_fromstring(title, create_parent="div").text_content()


def parse_feed(text: str, fetched: Fetched) -> tuple[str, list[RawItem]]:
    """The whole feed fails on malformed XML so no half-read feed goes in."""
    if is_html_markup(text):
        raise SourceError(f"{fetched.source}: an HTML page, not a feed (ingest it as a page URL instead)")
    headers = {"content-location": fetched.url or "", "content-type": "application/xml"}
    parsed = feedparser.parse(text, sanitize_html=False, resolve_relative_uris=True, response_headers=headers)
    # feedparser recovers from broken XML with a loose parser; a half-read feed is refused instead.
    if parsed.bozo and isinstance(parsed.bozo_exception, SAXException):
        raise SourceError(f"{fetched.source}: malformed feed XML: {parsed.bozo_exception}")
    if not parsed.version:
        raise SourceError(f"{fetched.source}: not an RSS or Atom feed")
    feed_title = parsed.feed.get("title") or urlsplit(fetched.url or "").netloc or Path(fetched.source).stem
    # The feed's own sites: those of the links it gives for itself, else of its address.
    declared = [parsed.feed.get("link", ""), *(link.get("href", "") for link in parsed.feed.get("links", []))]
    own = {host for address in declared if (host := _host(address))} or {host for host in [_host(fetched.url or "")] if host}
    items = []
    for entry in parsed.entries:
        contents = entry.get("content") or []
        html = next((c.value for c in contents if "html" in c.get("type", "")), None) or (contents[0].value if contents else None)
        link = unwrapped_link(entry["link"]) if entry.get("link") else None
        title, source = _plain(entry.get("title", ""), entry.get("title_detail", {}).get("type", "")), feed_title
        if named := (entry.get("source") or {}).get("title"):  # an aggregator's item names its publisher
            source, title = named, title.removesuffix(f" - {named}")  # Google News ends its titles so
        elif link and own and not any(_same_site(_host(link), host) for host in own):
            source = urlsplit(link).netloc  # another site's article (an alert's): its page may name it better
        items.append(
            RawItem(
                source=source,
                source_url=fetched.url or fetched.source,
                url=link,
                guid=entry.get("id") or entry.get("link"),
                title=title,
                author=entry.get("author"),
                published=_struct_to_datetime(entry.get("published_parsed") or entry.get("updated_parsed")),
                categories=[t.term for t in entry.get("tags", []) if t.get("term")],
                content=html or entry.get("summary", ""),
                content_format="html",
            )
        )
    return feed_title, items


class FeedReader:
    name = "feed"
    kind = SourceKind.feed
    suffixes: tuple[str, ...] = (".xml", ".rss", ".atom")
    content_type = "application/xml"
    binary = False
    description = "a feed"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        text = decode(fetched) if text is None else text
        if _FEED_START.match(text):
            return True
        suffix = source_suffix(fetched)
        if fetched.url is None and suffix in self.suffixes:
            return True  # a local .xml/.rss/.atom names itself a feed; parse_feed says what is wrong with it
        # An .xml URL or an XML content type: a feed unless it is HTML or a local file named as text.
        return (suffix in self.suffixes or "xml" in fetched.content_type) and not (
            looks_like_html(fetched, text) or named_as_text(fetched)
        )

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        text = decode(fetched) if text is None else text
        title, items = parse_feed(text, fetched)
        for item in items:
            item.notes.extend(decoding_notes(text))
        return title, items
