"""Web pages: the main text of an HTML page, without menus, sidebars and comments (trafilatura),
and its title, date, author and publisher from the page's metadata.

Publishers of every kind (company investor-relations pages, press-release wires, news agencies,
government notices, state media) say what a page is in its metadata: Open Graph and `<meta>` tags,
JSON-LD, Dublin Core. That is what is read here, in a fixed order. A date is never guessed from the
text ("In 2025, ..." does not date a page 2025-01-01), so trafilatura's own date, which does guess, is
not used: a page without a date in its metadata stays undated, with a note saying so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura

from assay.cleaning import as_grid, is_paywall_prompt, lays_out
from assay.readers.edgar import filing_index_items
from assay.readers.opening import (
    EXHIBIT_LABEL,
    byline_author,
    file_publisher,
    meaningful_title,
    month_line_date,
    opening_date,
    yearless_dateline,
)
from assay.sources import SourceError, decode, decoding_notes, names_no_publisher, source_address, source_suffix
from assay.types import Fetched, RawItem, SourceKind

_HTML_START = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body)", re.IGNORECASE)


# Words of text under the last call to subscribe that show it cut nothing off: a truncated page ends at its call, or
# under it holds only the site's rails and footer, which reading the page leaves out.
PAYWALL_READ_ON_WORDS = 60


def is_html_markup(text: str) -> bool:
    return bool(_HTML_START.match(text))


def looks_like_html(fetched: Fetched, text: str) -> bool:
    """HTML by its markup or by what the server says it is."""
    return is_html_markup(text) or "html" in fetched.content_type


# --- metadata -------------------------------------------------------------------------

# JSON-LD types that describe the article itself, and the page's, used when there is no article.
_ARTICLE_TYPES = {"article", "newsarticle", "pressrelease", "reportagenewsarticle", "analysisnewsarticle", "backgroundnewsarticle",
                  "opinionnewsarticle", "blogposting", "report", "scholarlyarticle", "techarticle", "liveblogposting"}
_PAGE_TYPES = {"webpage", "itempage", "aboutpage"}

# <meta> names and properties that carry the publication date, most specific first.
_DATE_METAS = ("article:published_time", "og:article:published_time", "og:published_time", "datepublished", "date",
               "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created",
               "citation_publication_date", "citation_date", "parsely-pub-date", "publish-date", "publishdate", "pubdate")
_AUTHOR_METAS = ("author", "article:author", "dc.creator", "dcterms.creator", "parsely-author", "byl", "citation_author")
_TITLE_METAS = ("og:title", "title", "dc.title", "dcterms.title", "twitter:title")
_SITE_METAS = ("og:site_name", "application-name")

# Separators between a title and the site's name in "<title>Title | Site</title>".
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·•»>:]{1,2}\s+")
# A site's name as a title gives it after the headline: a few words, the first capitalised, no date or figure.
_SITE_NAME = re.compile(r"^(?!.*\d)[A-Z][\w&.'’-]*(?:\s+[\w&.'’-]+){0,5}$")
_SECTION_WORDS = frozenset("opinion news markets analysis blog commentary home business world energy mining metals features article".split())
_BYLINE = re.compile(r"^by\s+", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)


@dataclass
class PageMeta:
    """What a page's metadata says of it; None where it says nothing."""

    title: str | None = None
    author: str | None = None
    published: datetime | None = None
    site: str | None = None
    paywalled: bool = False
    """The page says its text is for subscribers (schema.org's isAccessibleForFree, a locked content tier)."""
    notes: list[str] = field(default_factory=list)


def parse_date(value: str) -> datetime | None:
    """A date as metadata writes it (ISO 8601, RFC 2822, "March 3, 2026"), timezone-aware in UTC;
    None when it is not a date. Naive dates are taken as UTC."""
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1) if re.match(r"^\d{4}-\d\d-\d\d \d", value) else value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            for fmt in ("%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y"):
                try:
                    parsed = datetime.strptime(value, fmt)
                    break
                except ValueError:
                    continue
    if parsed is None or not 1900 <= parsed.year <= 2100:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _clean(value: Any) -> str:
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else ""


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _json_ld_nodes(root: lxml.html.HtmlElement, notes: list[str]) -> list[dict[str, Any]]:
    """Every typed JSON-LD object on the page (top level, in lists and in @graph), in page order."""
    nodes: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for entry in value:
                walk(entry)
        elif isinstance(value, dict):
            if "@type" in value:
                nodes.append(value)
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if isinstance(value.get(key), list | dict):
                    walk(value[key])

    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", script.text or "")
        if not raw.strip():
            continue
        try:
            walk(json.loads(raw, strict=False))
        except json.JSONDecodeError as exc:
            notes.append(f"ignored a JSON-LD block that is not valid JSON ({exc.msg} at line {exc.lineno})")
    return nodes


def _names(value: Any, by_id: dict[str, dict[str, Any]]) -> list[str]:
    """Names of an author or publisher: a string, an object with a name (or an @id to one), or a list of them."""
    if isinstance(value, list):
        return [name for entry in value for name in _names(entry, by_id)]
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = by_id.get(value["@id"], value)
        name = _clean(value.get("name"))
        return [name] if name else []
    name = _clean(value)
    return [name] if name and not name.startswith(("http://", "https://")) else []


def _header_time(root: lxml.html.HtmlElement) -> str | None:
    """The `datetime` of a <time> in the article's own header (not the site's, a sidebar's or a footer's)."""
    for time in root.iter("time"):
        value = time.get("datetime")
        if not value:
            continue
        if time.get("itemprop", "").lower() == "datepublished" or time.get("pubdate") is not None:
            return value
        for ancestor in time.iterancestors():
            if ancestor.tag == "header":
                classes = (ancestor.get("class") or "").lower()
                in_article = any(a.tag in ("article", "main") for a in ancestor.iterancestors())
                if in_article or re.search(r"article|entry|post|story|node", classes):
                    return value
                break  # the site's header (a "welcome back" date, say)
            if ancestor.tag in ("footer", "aside", "nav"):
                break
    return None


_BYLINE_CLASS = re.compile(r"byline|dateline|date|posted|publish|pub_?time|timestamp|article-meta|post-meta|entry-meta", re.I)
# A date its element labels as the article's: "Published: Dec 03, 2026 09:12 PM" beside a Global Times page's byline, outside
# any article element (a page written here, forty-fourth session, had been undated). A masthead's day has no such label.
_LABELLED_DAY = re.compile(r"^(?:published|posted|first published|updated|last updated)\b(?:\s+on)?\s*:?\s*\S", re.I)


def _byline_date(root: lxml.html.HtmlElement) -> tuple[datetime, str] | None:
    """The date a byline or date element inside the article writes ("By Kenji Mori, Tokyo | 26 November
    2026"), or one outside it that says it is the day published (`_LABELLED_DAY`), which trafilatura leaves out
    of the main text; never the site's masthead, a sidebar's or a footer's (htmldate's markup-only search, tried, takes a masthead's "Wednesday, 2 December 2026")."""
    for element in root.xpath("//*[@class]"):
        if not _BYLINE_CLASS.search(element.get("class") or ""):
            continue
        ancestors = list(element.iterancestors())
        if any(a.tag in ("nav", "footer", "aside") for a in ancestors):
            continue
        text = " ".join(element.text_content().split())
        if not _LABELLED_DAY.match(text) and not any(
                a.tag in ("article", "main") or re.search(r"article|entry|post|story", a.get("class") or "", re.I) for a in ancestors):
            continue  # the site's masthead date is today's, not the article's
        if 0 < len(text) <= 120 and (found := opening_date([text])):
            return found[0], text
    return None


def _site_matcher(sites: list[str], host: str) -> Callable[[str], bool]:
    """Whether a piece of a title names the site: its og:site_name, its publisher, or its host."""
    key = lambda s: re.sub(r"[^a-z0-9]", "", s.lower())  # noqa: E731
    site_keys = {key(s) for s in sites} - {""}
    host_key = key(host.removeprefix("www."))

    def is_site(part: str) -> bool:
        k = key(part)
        return bool(k) and (k in site_keys or (len(k) >= 4 and k in host_key))

    return is_site


def _strip_site_name(title: str, is_site: Callable[[str], bool]) -> str:
    """"Title | Site" (or "Site | Title", "Title | Site | Section") without the site's name."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    if not separators:
        return title
    starts = [0, *(m.end() for m in separators)]
    ends = [*(m.start() for m in separators), len(title)]
    parts = [title[start:end] for start, end in zip(starts, ends)]
    for i in range(1, len(parts)):  # cut at the first part after the title that names the site
        if is_site(parts[i]):
            return title[: separators[i - 1].start()].strip()
    if is_site(parts[0]):
        return title[separators[0].end() :].strip()
    return title


def page_metadata(html: str, url: str | None = None) -> PageMeta:
    """Title, author, date and publisher from a page's metadata only (never from its text)."""
    meta = PageMeta()
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html))
    except (lxml.etree.ParserError, ValueError):
        return meta
    metas: dict[str, str] = {}
    for tag in root.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or "").strip().lower()
        content = _clean(tag.get("content"))
        if key and content:
            metas.setdefault(key, content)
    for element in root.xpath("//*[@itemprop='datePublished'][not(self::meta)]"):
        metas.setdefault("datepublished", _clean(element.get("content") or element.get("datetime")))

    nodes = _json_ld_nodes(root, meta.notes)
    by_id = {node["@id"]: node for node in nodes if isinstance(node.get("@id"), str)}
    article = next((n for n in nodes if _types(n) & _ARTICLE_TYPES or any(t.endswith("article") for t in _types(n))), None)
    article = article or next((n for n in nodes if _types(n) & _PAGE_TYPES), None) or {}
    # Google's paywalled-content markup: the article, or a part of it, not free to read.
    has_part = article.get("hasPart")
    parts: list[Any] = has_part if isinstance(has_part, list) else [has_part]
    meta.paywalled = any(isinstance(node, dict) and str(node.get("isAccessibleForFree", "")).strip().lower() == "false"
                         for node in [article, *parts]) or metas.get("article:content_tier", "").lower() in ("locked", "metered")
    website = next((n for n in nodes if "website" in _types(n)), {})

    publishers = _names(article.get("publisher"), by_id)
    sites = [s for s in (*(metas.get(k, "") for k in _SITE_METAS), *publishers, *_names(website.get("name"), by_id)) if s]
    # A page saved to disk has no URL of its own: the one it says it came from stands in.
    canonical = next((link.get("href") for link in root.iter("link") if (link.get("rel") or "").lower() == "canonical"), None)
    host = urlsplit(url or canonical or metas.get("og:url") or "").netloc.lower()
    address_names = not names_no_publisher(url or canonical or metas.get("og:url"))  # EDGAR is no exhibit's publisher
    meta.site = metas.get("og:site_name") or (publishers[0] if publishers else None) or (host.removeprefix("www.") if address_names else None) or None

    # Title: the page's own metadata first, then JSON-LD, then <title>; always without the site's name.
    title_tag = root.find(".//title")
    candidates = [
        *(metas.get(k) for k in _TITLE_METAS[:4]),
        _clean(article.get("headline")) or _clean(article.get("name")),
        _clean(title_tag.text_content()) if title_tag is not None else None,
        metas.get("twitter:title"),
    ]
    is_site = _site_matcher(sites, host)
    titles = (_strip_site_name(c, is_site) for c in candidates if c)
    # A <title> that is only the site's name is none, nor is "Document" or an exhibit's file name (EDGAR's).
    meta.title = next((t for t in titles if not is_site(t) and meaningful_title(t)), None)

    authors = _names(article.get("author"), by_id)
    if not authors:
        for key in _AUTHOR_METAS:
            authors = _names(_BYLINE.sub("", metas.get(key, "")), by_id)
            if authors:
                break
    meta.author = ", ".join(dict.fromkeys(authors)) or None

    for source, value in (
        ("JSON-LD datePublished", _clean(article.get("datePublished")) or _clean(article.get("dateCreated"))),
        *((f"<meta {k}>", metas.get(k, "")) for k in _DATE_METAS),
    ):
        if value and (published := parse_date(value)):
            meta.published = published
            break
        if value:
            meta.notes.append(f"ignored {source} {value!r}: not a date")
    if meta.published is None and (header_time := _header_time(root)):
        meta.published = parse_date(header_time)
        if meta.published:
            meta.notes.append("publication date taken from the <time> in the article's header")
    if meta.published is None and (byline := _byline_date(root)):
        meta.published = byline[0]
        meta.notes.append(f"no publication date in the page's metadata: dated from its byline {byline[1][:60]!r}")

    return meta


# --- the page -------------------------------------------------------------------------


def _text_lines(doc: Any) -> list[str]:
    """The main text's first blocks (trafilatura's XML), one line each: what `file_publisher` reads."""
    main = doc.find("main")
    return [_block_text(block) for block in (main[:8] if main is not None else [])]


def _block_text(block: Any) -> str:
    return " ".join("".join(block.itertext()).split())


def _reads_as_headline(line: str) -> bool:
    """A short line that ends as no sentence does: a headline standing above the text."""
    words = line.split()
    return 3 <= len(words) <= 25 and not line.endswith((".", ":", ";", ",")) and line[:1].isupper()


def _same_text(a: str, b: str) -> bool:
    key = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return bool(key(a)) and key(a) == key(b)


# Word, Workiva and other document tools export a heading as a block of bold text, with no <h1>-<h6>:
# a short whole-bold block ("Third Quarter 2026 Highlights", "Forward-Looking Statements") is one.
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_HEADING_MAX_WORDS = 12
_ANY_BOLD = re.compile(r"<(?:b|strong)[\s>]|font-weight\s*:\s*(?:bold|[6-9]00)", re.IGNORECASE)
_SUPERSCRIPT = re.compile(r"<sup[\s>]", re.IGNORECASE)


def _is_bold(element: Any, block: Any) -> bool:
    """Whether `element` is bold by its tag or style, or by an ancestor's up to `block`."""
    while element is not None:
        if element.tag in ("b", "strong") or _BOLD_STYLE.search(element.get("style") or ""):
            return True
        if element is block:
            return False
        element = element.getparent()
    return False


def page_edits(html: str) -> str:
    """The page as trafilatura should read it: blocks of bold text made headings and footnote
    references written "[n]" (each edit only where the page has what it edits, and the page parsed
    once for all); the page as it was when neither changed anything, never re-serialised."""
    edits = [edit for cue, edit in ((_ANY_BOLD, _bold_blocks_to_headings), (_SUPERSCRIPT, _references_as_markers),
                                    (_TABLE, _filing_tables)) if cue.search(html)]
    if not edits:
        return html
    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html))
    except (lxml.etree.ParserError, ValueError):
        return html
    changed = [edit(root) for edit in edits]  # every edit runs: a list, not any()'s short cut
    return lxml.html.tostring(root, encoding="unicode") if any(changed) else html


_TABLE = re.compile(r"<table\b", re.I)


def _filing_tables(root: lxml.html.HtmlElement) -> bool:
    """Each table whose figures are split over cells or under spanned headers (a filing's) made a grid,
    a figure to a cell (`cleaning.table_grid`); a table laying the page out stays. Whether any was."""
    return any([as_grid(table) for table in root.iter("table") if not lays_out(table)])  # a list: every table, no short cut


def _bold_blocks_to_headings(root: lxml.html.HtmlElement) -> bool:
    """Each short block whose text is all bold made an <h3>, as Word and Workiva export headings; a
    block that ends as a sentence does, or holds other blocks, stays. Whether any was."""
    made = False
    for block in root.iter("p", "div"):
        if block.find(".//p") is not None or block.find(".//div") is not None or block.find(".//table") is not None:
            continue
        text = " ".join(block.text_content().split())
        if not text or len(text.split()) > _HEADING_MAX_WORDS or text.endswith((".", ",", ";", ":")) or not text[:1].isalpha():
            continue
        # Each piece of text belongs to the element it is the text of, or, for a tail, to that element's parent.
        owners = [node.getparent().getparent() if node.is_tail else node.getparent() for node in block.xpath(".//text()") if str(node).strip()]
        if all(_is_bold(owner, block) for owner in owners):
            block.tag = "h3"
            made = True
    return made


# A footnote's reference: a superscript number linked to its note, or right after a sentence's or a
# clause's punctuation ("…at the time.<sup><a href="#fn1">1</a></sup> The floor…"). Read as text it
# glues onto the word ("time.1 The"); written "[1]" it is a marker the splitter knows. Any other
# superscript ("km<sup>2</sup>", "10<sup>6</sup>") is a power, and stays as it is.
_REFERENCE = re.compile(r"^\s*\[?\s*(\d{1,3}(?:\s*[,–-]\s*\d{1,3})*)\s*\]?\s*$")


def _references_as_markers(root: lxml.html.HtmlElement) -> bool:
    """Each footnote reference written "[n]"; whether any was."""
    made = False
    for sup in list(root.iter("sup")):
        number = _REFERENCE.match(sup.text_content())
        previous, parent = sup.getprevious(), sup.getparent()
        before = ((previous.tail or previous.text_content()) if previous is not None else (parent.text if parent is not None else "")) or ""
        linked = any((a.get("href") or "").startswith("#") for a in sup.iter("a"))
        if number is None or re.search(r"\d$", before) or not (linked or re.search(r"[.,;:!?\"”’)]$", before)):
            continue
        for child in list(sup):
            sup.remove(child)
        sup.text = "[" + re.sub(r"\s+", "", number.group(1)) + "]"
        sup.drop_tag()  # its text and tail join what came before
        made = True
    return made


# A page whose only job is to send its reader on: `<meta http-equiv="refresh" content="0; url=…">` (a link
# shortener's or a news aggregator's stop, a moved page saved as it was) over a line or two of text.
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_REFRESH_URL = re.compile(r"""content\s*=\s*["']?\s*\d*(?:\.\d+)?\s*[;,]\s*url\s*=\s*['"]?([^"'\s>]+)""", re.I)
STUB_MAX_WORDS = 40
# A consent wall: a site's notice about cookies shown to a reader (or a script) it has not seen before.
_CONSENT = re.compile(r"\b(?:accept all|reject all|manage (?:privacy|cookie) (?:settings|preferences)|cookie (?:settings|preferences|policy)"
                      r"|we value your privacy|before you continue)\b", re.I)
CONSENT_MAX_WORDS = 250
_CONSENT_WORDS = re.compile(r"\b(?:cookies?|privacy|consent|partners|personal data|accept|reject|preferences)\b", re.I)


# A site's error page served as a page ("soft 404", a CDN's refusal answered 200, or saved from a browser):
# a short text whose title or heading says so.
ERROR_PAGE_MAX_WORDS = 80
# The title (or the heading) opens with what the page is; the text says it again.
_NOT_FOUND_TITLE = re.compile(r"^\W*(?:error\s*)?(?:404\b|(?:page|article|story|content|file)?\s*not\s+found\b"
                              r"|(?:this\s+)?page\s+(?:does\s+not|doesn't|no\s+longer)\s+exists?\b|oops\b)", re.I)
_NOT_FOUND = re.compile(r"\bnot\s+(?:be\s+)?found\b|\b(?:does not|doesn't|no longer) exists?\b|\bhas been (?:moved|removed|deleted)\b"
                        r"|\bno longer available\b", re.I)
_SIGN_IN_TITLE = re.compile(r"^\W*(?:sign\s*in|log\s*in|login|sign\s*up|register|subscribe)\b", re.I)
_SIGN_IN = re.compile(r"\bpassword\b|\b(?:sign|log)\s*in\b|\bsubscri(?:be|ber|ption)\b|\bfree trial\b", re.I)
_DENIED_TITLE = re.compile(r"^\W*(?:access\s+(?:denied|forbidden)|403\b|forbidden\b|request\s+blocked\b)", re.I)
_DENIED = re.compile(r"\baccess (?:denied|forbidden)\b|\bpermission to access\b|\bforbidden\b|\bblocked\b", re.I)


def error_page(titles: list[str], text: str) -> str | None:
    """Why a short page is a site's error page rather than an article, with what to do; None otherwise. The
    title or first heading must open with it ("Page not found | Mining News", "Access Denied"): a brief that
    reports "404 tonnes" or a removed tariff is read."""
    if any(_NOT_FOUND_TITLE.match(t) for t in titles) and _NOT_FOUND.search(text):
        return ("the page is the site's \"not found\" page, not an article: the article was moved or taken down; find its new address, "
                "or an archived copy (`assay ingest https://web.archive.org/web/2024/ADDRESS`)")
    if any(_SIGN_IN_TITLE.match(t) for t in titles) and len(_SIGN_IN.findall(text)) >= 2:
        return ("the page is the site's sign-in form, not the article: the site wants a subscription or an account; sign in with your "
                "browser and save the article's page (Save Page As…) to ingest that file, or copy its text and paste it (`pbpaste | assay ingest -`)")
    if any(_DENIED_TITLE.match(t) for t in titles) and _DENIED.search(text):
        return ("the page is the site's refusal (\"Access Denied\"), not an article: save the page from your browser and ingest the file, "
                "or copy its text and paste it (`pbpaste | assay ingest -`)")
    return None


# A home or section page: its text is mostly headlines, each a link to its story.
LISTING_MIN_LINKS = 8
_HEADLINE_WORDS = 5


def listing(html_text: str, extracted: str) -> int | None:
    """How many stories a page lists, where it is a list of links to them rather than an article: at least
    LISTING_MIN_LINKS links of headline length, in the text read from it, whose words are most of that text.
    Only links in the text read count: a short story beside a sidebar of "most read" headlines is a story."""
    text = " ".join(extracted.split())
    words = len(text.split())
    try:
        root = lxml.html.fromstring(html_text)
    except (lxml.etree.ParserError, ValueError):
        return None
    headlines = [t for a in root.iter("a") if len((t := " ".join(a.text_content().split())).split()) >= _HEADLINE_WORDS and t in text]
    linked = sum(len(t.split()) for t in headlines)
    return len(headlines) if len(headlines) >= LISTING_MIN_LINKS and words and linked >= 0.6 * words else None


def feed_link(html_text: str, url: str | None) -> str | None:
    """The feed a page names in its head (`<link rel="alternate" type="application/rss+xml" href=…>`), as an address."""
    for tag in re.findall(r"<link\b[^>]*>", html_text[:50_000], re.I):
        if re.search(r"rel\s*=\s*[\"']?alternate", tag, re.I) and re.search(r"application/(?:rss|atom)\+xml", tag, re.I):
            if found := re.search(r"""href\s*=\s*["']?([^"'\s>]+)""", tag, re.I):
                address = urljoin(url or "", unescape(found.group(1)))
                return address if address.startswith(("http://", "https://")) else None
    return None


def redirect_target(html_text: str, base: str | None = None) -> str | None:
    """Where a page's meta refresh sends its reader (an http(s) address; a relative one resolved
    against `base`, the page's own address, where it has one), if it does."""
    for tag in _META_TAG.findall(html_text[:20_000]):
        if re.search(r"http-equiv\s*=\s*[\"']?refresh", tag, re.I) and (found := _REFRESH_URL.search(tag)):
            address = unescape(found.group(1)).strip()
            address = urljoin(base, address) if base else address
            return address if address.startswith(("http://", "https://")) else None
    return None


def refresh_stub_target(fetched: Fetched) -> str | None:
    """Where a fetched page that only sends its reader on sends it (a meta refresh over a line or two:
    a link shortener's stop, a moved article's old address), resolved against the page's address; None
    for any other page, and for one that refreshes itself (a live page's reload every few minutes)."""
    if fetched.content_type not in ("text/html", "application/xhtml+xml") or not fetched.url or len(fetched.content) > 200_000:
        return None
    try:
        page = decode(fetched)
    except SourceError:
        return None
    target = redirect_target(page, fetched.url)
    if target is None or urldefrag(target).url == urldefrag(fetched.url).url:
        return None
    try:
        root = lxml.html.fromstring(page)
    except (lxml.etree.ParserError, ValueError):
        return None
    for dropped in root.xpath("//script | //style | //noscript"):
        dropped.drop_tree()
    return target if len(root.text_content().split()) <= STUB_MAX_WORDS else None


def is_consent_notice(blocks: list[str]) -> bool:
    """The text is a notice about cookies: it names them, offers the notice's buttons, and most of its
    paragraphs speak of them (a short article under a cookie banner is not one)."""
    text = " ".join(blocks)
    about = [b for b in blocks if _CONSENT_WORDS.search(b)]
    return (bool(re.search(r"\bcookies?\b", text, re.I)) and len(set(m.lower() for m in _CONSENT.findall(text))) >= 2
            and len(about) * 2 >= len([b for b in blocks if b.strip()]))


def extract_page(text: str, fetched: Fetched, sender: str | None = None) -> RawItem:
    text = page_edits(text)
    xml = trafilatura.extract(
        text, url=fetched.url, output_format="xml", with_metadata=True, include_comments=False, include_tables=True, favor_recall=True
    )
    target = redirect_target(text, fetched.url)
    if not xml and target is None:
        raise SourceError(f"{fetched.source}: no article text found on the page")
    doc = lxml.etree.fromstring(xml.encode()) if xml else None
    read = " ".join(doc.itertext()) if doc is not None else ""  # the text read from the page, for the checks below
    words = len(read.split())
    if target is not None and words <= STUB_MAX_WORDS:  # a page saved or fetched on its way to another: "Redirecting…"
        raise SourceError(f"{fetched.source}: the page only sends its reader on to {target}: ingest that address (`assay ingest {target}`)")
    assert doc is not None  # the page had text, or the redirect above was raised
    if words <= CONSENT_MAX_WORDS and is_consent_notice([_block_text(b) for b in (doc.find("main") if doc.find("main") is not None else doc)]):
        raise SourceError(f"{fetched.source}: the page is a notice asking to accept cookies, not the article (a site shows it to a reader "
                          "it has not seen before): open the article in a browser, answer the notice, and save the page (Save Page As…) "
                          "to ingest that file, or copy its text and paste it (`pbpaste | assay ingest -`)")
    if (listed := listing(text, read)) is not None:
        feed = feed_link(text, fetched.url)
        raise SourceError(f"{fetched.source}: the page lists {listed} stories (a home or section page), not one article: ingest the "
                          "stories' own addresses" + (f", or the site's feed (`assay ingest {feed}`)" if feed else ", or the site's feed"))
    meta = page_metadata(text, fetched.url)
    headings = [meta.title or "", doc.get("title") or "", *(_block_text(h) for h in doc.iter("head"))][:4]
    if words <= ERROR_PAGE_MAX_WORDS and (refused := error_page([h for h in headings if h], read)):
        raise SourceError(f"{fetched.source}: {refused}")
    notes = list(meta.notes)
    main = doc.find("main")
    # An exhibit to a filing opens with its label ("Exhibit 99.1"): the filing's furniture, not the article's.
    while main is not None and len(main) and EXHIBIT_LABEL.match(label := _block_text(main[0])):
        notes.append(f"left out the exhibit label {label!r}")
        main.remove(main[0])
    title: str = meta.title or ""
    if not title and (title := meaningful_title(doc.get("title")) or ""):
        notes.append("no title in the page's metadata: took the page's main heading")
    elif not title and main is not None and len(main) and _reads_as_headline(first_line := _block_text(main[0])):
        title = first_line  # an EDGAR exhibit's <title> is "Document": its first line is the release's headline
        notes.append("no title in the page's metadata: took its first line, which reads as a headline")
    elif not title:
        notes.append("no title found on the page")

    blocks = [_block_text(block) for block in (main if main is not None else [])]
    prompts = [n for n, block in enumerate(blocks) if is_paywall_prompt(block)]
    # A call to subscribe with the story going on under it (a subscriber's saved page, a site's nag between paragraphs) cut
    # nothing: a Bloomberg-style page written here had been "behind a paywall" with all its text read.
    read_on = bool(prompts) and sum(len(block.split()) for block in blocks[prompts[-1] + 1:]) >= PAYWALL_READ_ON_WORDS
    if meta.paywalled or (prompts and not read_on):
        notes.append("behind a paywall: only what the page shows without a subscription was read, and the analysis covers that alone")
    elif prompts:
        notes.append("left out a call to subscribe inside the text; the text goes on after it, and was read whole")

    # trafilatura's date is its guess (it reads dates out of the text and the URL): the metadata's stands
    # instead, else a byline's or dateline's in the main text's first lines, as for a text export.
    if "date" in doc.attrib:
        del doc.attrib["date"]
    published = meta.published
    if published is None and (found := opening_date(lines := _text_lines(doc))):
        published = found[0]
        notes.append(f"no publication date in the page's metadata: dated from the opening line {lines[found[1]][:60]!r}")
    elif published is None and (day := yearless_dateline(lines, fetched)) is not None:
        published = day[0]
        notes.append(f"no publication date in the page's metadata: {day[1]}")
    elif published is None and (month := month_line_date(lines)) is not None:
        published = month[0]
        notes.append(f"no publication date in the page's metadata: dated from the opening line {lines[month[1]][:60]!r}, "
                     "which gives the month only: taken as its first day")
    elif published is None:
        notes.append("no publication date in the page's metadata or its opening lines: left undated")
    if published:
        doc.set("date", published.isoformat())
    # The page's headline repeated as the body's first block is the title, not text.
    first = main[0] if main is not None and len(main) else None
    site_after_title = None
    if first is not None and first.tag in ("head", "p"):
        headline = "".join(first.itertext())
        # "Lynas lifts output | Example News" over a headline "Lynas lifts output": a site's name no
        # metadata named (a page saved to disk, say) is cut at the separator the headline ends at.
        cut = next((m for m in _TITLE_SEPARATOR.finditer(title) if _same_text(headline, title[: m.start()])), None)
        if cut is not None:
            notes.append(f"title without {title[cut.end():]!r}, which follows the page's headline")
            site_after_title = _TITLE_SEPARATOR.split(title[cut.end():])[-1].strip()  # "Notes | Kestrel Metals Notes": the last
            title = title[: cut.start()].strip()
        if _same_text(headline, title):
            main.remove(first)
    canonical = doc.get("url") or fetched.url
    # A page saved to disk with no site in its metadata or address: the name its title gives after the headline
    # ("Phalaborwa: the numbers behind the pilot | Kestrel Metals Notes" was published by its folder, "in").
    title_site = (site_after_title if site_after_title and _SITE_NAME.match(site_after_title)
                  and site_after_title.lower() not in _SECTION_WORDS else None)
    return RawItem(
        # A page saved to disk is published by its site, the host of the URL it says it came from, or
        # else whom its opening names; never its file's name.
        # A page shared from Drive or filed on EDGAR is no page of theirs: its own opening names its publisher.
        source=meta.site or (None if names_no_publisher(canonical) else urlsplit(canonical or "").netloc) or file_publisher(
            _text_lines(doc), Path(fetched.filename or "") if fetched.url else Path(fetched.source), notes, hint="", sender=sender, title=title,
            title_site=title_site),
        source_url=source_address(fetched),  # a saved page's file by its resolved path, as `assay remove` and `ingest` name it
        url=doc.get("url") or fetched.url,
        title=title,
        # A page with no author in its metadata (a clipped note's, a saved page's) may name one in a byline over its text.
        author=meta.author or byline_author(_text_lines(doc)),
        published=published,
        categories=[c for c in (doc.get("categories") or "").split(";") if c],
        content=lxml.etree.tostring(doc, encoding="unicode"),
        content_format="extracted",
        notes=notes,
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
        page = decode(fetched) if text is None else text
        if listed := filing_index_items(fetched, page):  # an SEC filing's index: the documents it lists
            return None, listed
        item = extract_page(page, fetched)
        item.notes.extend(decoding_notes(page))  # "decoded as cp1252 (guessed)"
        if fetched.url is None and source_suffix(fetched) not in self.suffixes:
            item.notes.append(f"read as an HTML page, by its markup, though named {source_suffix(fetched) or 'without a suffix'}")
        return None, [item]
