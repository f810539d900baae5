"""Feeds: RSS 2.0 and Atom items (feedparser), and JSON Feed's (its schema as pydantic models)."""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax import SAXException

import feedparser
import lxml.html
from pydantic import BaseModel, Field, ValidationError

from assay.readers.html import is_html_markup, looks_like_html
from assay.readers.text import named_as_text
from assay.settings import Settings
from assay.sources import (
    SourceError,
    decode,
    decoding_notes,
    is_url,
    opens_only_in_a_browser,
    source_suffix,
    unwrapped_link,
)
from assay.types import Fetched, RawItem, SourceKind

# The root element's name, after the declaration, comments, processing instructions and a doctype.
_ROOT = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:(?:<!--.*?-->|<!DOCTYPE[^[>]*(?:\[.*?\])?\s*>|<\?[^>]*\?>)\s*)*<(?P<name>[\w.:-]+)", re.DOTALL)


def xml_root(text: str) -> str | None:
    """The name of an XML document's root element, without its namespace prefix; None when the text opens with none."""
    found = _ROOT.match(text)
    return found["name"].rsplit(":", 1)[-1] if found else None
_FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.DOTALL)


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC) if value else None


def _host(address: str) -> str:
    return (urlsplit(address).hostname or "").lower().removeprefix("www.") if is_url(address) else ""


def _same_site(host: str, other: str) -> bool:
    """news.lynas.com and lynas.com are one site; lynas.com and reuters.com are not."""
    return host == other or host.endswith(f".{other}") or other.endswith(f".{host}")


def _own_sites(declared: list[str], fetched: Fetched) -> set[str]:
    """A feed's own sites: those of the links it gives for itself, else of its address."""
    return {host for address in declared if (host := _host(address))} or {host for host in [_host(fetched.url or "")] if host}


_TAG = re.compile(r"<[^>]+>")


def is_teaser(content: str, below: int = Settings.model_fields["full_page_below_chars"].default) -> bool:
    """Whether a feed item's text is only a teaser, whose article ingest reads from its page: under
    `below` characters of text (the setting `full_page_below_chars`; here, its default)."""
    return len(_TAG.sub("", content).strip()) < below


def _publisher(link: str | None, own: set[str], feed_title: str, content: str) -> str:
    """Who published an item: the feed, unless the item is a teaser linking off the feed's own sites
    (an alert's item), when it is the link's host, for ingest to replace with the name its page gives.
    A link blog's item links off the site too, but its text is the blogger's own: the feed's."""
    if link and own and is_teaser(content) and not any(_same_site(_host(link), host) for host in own):
        return urlsplit(link).netloc
    return feed_title


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
        root = xml_root(text)
        held = f"an XML document of <{root}>" if root else "not XML"
        raise SourceError(f"{fetched.source}: {held}, not a feed or a wire story: Assay reads RSS, Atom, OPML, NITF and "
                          "NewsML-G2; save the article itself as HTML, PDF or text")
    feed_title = parsed.feed.get("title") or urlsplit(fetched.url or "").netloc or Path(fetched.source).stem
    own = _own_sites([parsed.feed.get("link", ""), *(link.get("href", "") for link in parsed.feed.get("links", []))], fetched)
    items = []
    browser_only = 0
    for entry in parsed.entries:
        if entry.get("link") and opens_only_in_a_browser(unwrapped_link(entry["link"])):
            browser_only += 1  # Google News's newer links: no article can be fetched from them
            continue
        contents = entry.get("content") or []
        html = next((c.value for c in contents if "html" in c.get("type", "")), None) or (contents[0].value if contents else None)
        link = unwrapped_link(entry["link"]) if entry.get("link") else None
        content = html or entry.get("summary", "")
        title = _plain(entry.get("title", ""), entry.get("title_detail", {}).get("type", ""))
        source = _publisher(link, own, feed_title, content)
        if named := (entry.get("source") or {}).get("title"):  # an aggregator's item names its publisher
            source, title = named, title.removesuffix(f" - {named}")  # Google News ends its titles so
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
                content=content,
                content_format="html",
            )
        )
    if browser_only:
        why = (f"{browser_only} of {len(parsed.entries)} items link to Google News, whose links open the article only in a "
               "browser: follow the publishers' own feeds, or a Google Alerts feed, instead")
        if not items:
            raise SourceError(f"{fetched.source}: {why}")
        items[0].notes.append(f"left out: {why}")
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
        return _read(parse_feed, fetched, text)


def _read(parse: Callable[[str, Fetched], tuple[str, list[RawItem]]], fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
    """A feed's title and items, each item noting how its text was decoded."""
    text = decode(fetched) if text is None else text
    title, items = parse(text, fetched)
    for item in items:
        item.notes.extend(decoding_notes(text))
    return title, items


# --- JSON Feed (jsonfeed.org, versions 1 and 1.1): the schema, as far as Assay reads it ---------------


class _JsonFeedAuthor(BaseModel):
    name: str | None = None


class _JsonFeedItem(BaseModel):
    id: str | int  # the spec says a string; feeds in the wild write numbers too
    url: str | None = None
    external_url: str | None = None
    title: str | None = None
    content_html: str | None = None
    content_text: str | None = None
    summary: str | None = None
    date_published: datetime | None = None
    date_modified: datetime | None = None
    authors: list[_JsonFeedAuthor] = Field(default_factory=list)
    author: _JsonFeedAuthor | None = None  # version 1
    tags: list[str] = Field(default_factory=list)


class _JsonFeed(BaseModel):
    version: str = Field(pattern=r"^https?://jsonfeed\.org/version/")
    title: str
    home_page_url: str | None = None
    feed_url: str | None = None
    items: list[_JsonFeedItem]


_JSON_FEED_START = re.compile(r'^\s*\{.*?"version"\s*:\s*"https?://jsonfeed\.org/version/', re.DOTALL)


def parse_json_feed(text: str, fetched: Fetched) -> tuple[str, list[RawItem]]:
    """A JSON Feed's items; the whole feed fails when it does not keep to the schema."""
    try:
        feed = _JsonFeed.model_validate_json(text)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or "the document"
        raise SourceError(f"{fetched.source}: not a JSON Feed ({where}: {error['msg']})") from None
    own = _own_sites([feed.home_page_url or "", feed.feed_url or ""], fetched)
    items = []
    for entry in feed.items:
        link = unwrapped_link(address) if (address := entry.url or entry.external_url) else None
        names = [a.name for a in [*entry.authors, *([entry.author] if entry.author else [])] if a.name]
        text_format = "html" if entry.content_html else "text"
        content = entry.content_html or entry.content_text or entry.summary or ""
        items.append(RawItem(
            source=_publisher(link, own, feed.title, content),
            source_url=fetched.url or fetched.source,
            url=link,
            guid=str(entry.id),
            title=entry.title or "",
            author=", ".join(names) or None,
            published=entry.date_published or entry.date_modified,
            categories=entry.tags,
            content=content,
            content_format=text_format,
        ))
    return feed.title, items


class JsonFeedReader:
    name = "json-feed"
    kind = SourceKind.feed
    suffixes: tuple[str, ...] = ()  # a folder's .json files are data more often than feeds: named ones are sniffed
    content_type = "application/feed+json"
    binary = False
    description = "a JSON Feed"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        text = decode(fetched) if text is None else text
        return fetched.content_type.startswith(self.content_type) or _JSON_FEED_START.match(text[:4096]) is not None

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return _read(parse_json_feed, fetched, text)
