"""Plain text and Markdown files, as analysts export and save them.

Metadata comes from YAML front matter when there is one (title, date, url, source, author);
otherwise the title is the first line when it reads as one (see `_title`). The title line and the
front matter are taken out of the text, so the body starts with the article itself. A file fetched
by URL keeps its URL as its identity; a local file is known by its path and its folder.
"""

from __future__ import annotations

import email.utils
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from assay.cleaning import (
    BULLET_LINE,
    ENDS_SENTENCE,
    LINE_BREAKS,
    TextLayout,
    blocks_for,
    clean_blocks,
    display_width,
    mostly_capitalised,
    text_layout,
)
from assay.readers.announcements import exchange_announcement
from assay.readers.chats import chat_export, without_message_header
from assay.readers.exports import export_items
from assay.readers.feed_text import feed_text_items
from assay.readers.headlines import link_list_items
from assay.readers.html import is_html_markup, looks_like_html, parse_date
from assay.readers.legal import legal_head
from assay.readers.opening import (
    CJK_DATELINE,
    DATE_LINE,
    NAMES_ONLY_BYLINE,
    POSTAL_LINE,
    ROLE_LINE,
    byline_author,
    closing_date,
    date_in,
    file_publisher,
    is_site_name,
    letterhead,
    month_line_date,
    opening_date,
    release_label,
    title_date,
    yearless_dateline,
)
from assay.readers.papers import paper_head
from assay.readers.pdf import Line, remove_page_furniture, running_lines
from assay.sources import SourceError, decode, decoding_notes, publisher_host, source_suffix
from assay.statements import (
    CREDIT_LINE,
    PAGE_FURNITURE,
    RULE_PREAMBLE,
    SALUTATION,
    dateline_end,
    post_number_end,
    publisher_correction,
    sentences,
    trim_span,
)
from assay.types import Fetched, RawItem, SourceKind

_FORMATS = {".txt": "text", ".md": "markdown", ".markdown": "markdown"}
_MARKDOWN_TYPES = ("text/markdown", "text/x-markdown")

# Lines that name a part of the article, never its title.
SECTION_LABELS = {
    "highlights", "key highlights", "summary", "key points", "abstract", "overview", "introduction", "background",
    "key takeaways", "takeaways", "tl;dr", "tldr", "executive summary", "contents", "table of contents", "notes",
    "摘要", "要点", "内容提要", "概要", "导读",
}
_BYLINE = re.compile(r"^by\s+\S", re.IGNORECASE)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")
TITLE_FROM_SENTENCE_MAX = 120


@dataclass
class _FrontMatter:
    title: str | None = None
    published: datetime | None = None
    url: str | None = None
    source: str | None = None
    author: str | None = None
    categories: list[str] = field(default_factory=list)
    title_is_text: bool = False
    """The title is the text's first sentence (a post's, which has no headline): it stays in the body."""
    saved: datetime | None = None
    """When the note was made or the page clipped (a Notion page's Created, a clipping's `created:`): the date of last resort."""


def named_as_text(fetched: Fetched) -> bool:
    """A local file named .txt or .md: its name wins over an XML content type or HTML inside the text."""
    return fetched.url is None and source_suffix(fetched) in _FORMATS


def _format(fetched: Fetched) -> str:
    if source_suffix(fetched) in _FORMATS:
        return _FORMATS[source_suffix(fetched)]
    return "markdown" if fetched.content_type in _MARKDOWN_TYPES else "text"


# --- front matter ------------------------------------------------------------------


def _split_front_matter(lines: list[str], notes: list[str]) -> tuple[_FrontMatter, list[str]]:
    """YAML between a `---` first line and the next `---` (or `...`) line: read and taken out.
    Malformed YAML is dropped with a note; a block that is not a mapping is left in the text."""
    if not lines or lines[0].strip() != "---":
        return _FrontMatter(), lines
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        return _FrontMatter(), lines
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except (yaml.YAMLError, ValueError) as exc:  # PyYAML raises ValueError for impossible dates (2026-02-30)
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 2}" if where is not None else ""
        notes.append(f"front matter ignored: not valid YAML{at}")
        return _FrontMatter(), lines[end + 1 :]
    if data is None:
        return _FrontMatter(), lines[end + 1 :]
    if not isinstance(data, dict):
        notes.append("front matter ignored: not a list of fields")
        return _FrontMatter(), lines
    return _read_front_matter({str(k).strip().lower(): v for k, v in data.items()}, notes), lines[end + 1 :]


# A text export's header lines, the front matter without its `---` ("Title: …", "Author: …", "Date: …"),
# as note-taking apps and scrapers write them. Only these keys, so a mail's "From:" or a transcript's
# "Moderator:" is never read as one.
_HEADER_LINE = re.compile(
    r"^\s*(title|headline|author|authors|by|byline|date|published|source|publisher|url|link|tags|keywords|categories)\s*:\s*(\S.*?)\s*$",
    re.IGNORECASE,
)


# A Notion page exported as Markdown: its "# Title", then its properties a line each, named as the
# user named them ("Created: December 4, 2026 9:12 AM", "URL: …", "Status: To read").
_MARKDOWN_TITLE = re.compile(r"^#\s+(\S.*?)\s*#*\s*$")
_PROPERTY_LINE = re.compile(r"^([A-Z][\w'’-]*(?: [\w'’-]+){0,2})\s*:\s*(\S.*?)\s*$")
_PROPERTY_KEYS = {"created", "url", "author", "authors", "tags", "source", "published", "date"}


def _field_lines(lines: list[str], start: int, pattern: re.Pattern[str]) -> tuple[dict[str, str], int]:
    """The "Key: value" lines from `start` on, each key once, by their lower-case keys; and where they end."""
    fields: dict[str, str] = {}
    end = start
    while end < len(lines) and (match := pattern.match(lines[end].strip())) and match[1].lower() not in fields:
        fields[match[1].lower()] = match[2]
        end += 1
    return fields, end


def _notion_properties(lines: list[str], notes: list[str]) -> tuple[_FrontMatter, list[str]]:
    """A Markdown title over two or more property lines, one of them a page's (`_PROPERTY_KEYS`): the
    properties read as front matter and taken out, each one (a "Status" too, no text of the article)."""
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if first == len(lines) or not (title := _MARKDOWN_TITLE.match(lines[first])):
        return _FrontMatter(), lines
    fields, end = _field_lines(lines, next((i for i in range(first + 1, len(lines)) if lines[i].strip()), len(lines)), _PROPERTY_LINE)
    if len(fields) < 2 or not fields.keys() & _PROPERTY_KEYS:
        return _FrontMatter(), lines
    notes.append(f"metadata read from its properties ({', '.join(k.capitalize() for k in fields)})")
    return _read_front_matter({"title": title[1], **fields}, notes), lines[end:]


def _split_header_lines(lines: list[str], notes: list[str]) -> tuple[_FrontMatter, list[str]]:
    """Two or more header lines at the top, one of them a title or a date: read as front matter and
    taken out; anything else is left as it is."""
    fields, end = _field_lines(lines, next((i for i, line in enumerate(lines) if line.strip()), len(lines)), _HEADER_LINE)
    if len(fields) < 2 or not fields.keys() & {"title", "headline", "date", "published"}:
        return _FrontMatter(), lines
    fields["author"] = fields.get("author") or fields.get("by") or ""
    notes.append(f"metadata read from its header lines ({', '.join(k.capitalize() for k in fields if fields[k])})")
    return _read_front_matter(fields, notes), lines[end:]


# A message forwarded and pasted or saved as text: Gmail's "---------- Forwarded message ---------", Apple Mail's "Begin forwarded
# message:", Outlook's "-----Original Message-----", then its header lines (a newsletter written here, thirty-fourth session, had
# been titled by the separator and published by "From: Magnet Metals Weekly <editor@…>").
_FORWARDED = re.compile(r"^(?:-{2,}\s*(?:forwarded message|original message)\s*-{2,}|begin forwarded message:)$", re.IGNORECASE)
_MAIL_HEADER = re.compile(r"^\s*(from|date|sent|subject|to|cc|reply-to)\s*:\s*(\S.*?)\s*$", re.IGNORECASE)


def _forwarded_message(lines: list[str], notes: list[str]) -> tuple[_FrontMatter, list[str]]:
    """A forwarded message's header (`_FORWARDED`) read as front matter: its subject the title (without "Fwd:"), its sender's
    name the publisher, its date the day; the separator and header lines taken out. Anything else is left as it is."""
    first = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    if first == len(lines) or not _FORWARDED.match(lines[first].strip()):
        return _FrontMatter(), lines
    fields, end = _field_lines(lines, first + 1, _MAIL_HEADER)
    if not fields.keys() & {"from", "subject"}:
        return _FrontMatter(), lines
    name = email.utils.parseaddr(fields.get("from", ""))[0].strip()
    sender = name if name and "@" not in name else None  # an address alone names nobody
    subject = re.sub(r"^(?:(?:fwd?|fw|re)\s*:\s*)+", "", fields.get("subject", ""), flags=re.IGNORECASE).strip() or None
    day = fields.get("date") or fields.get("sent")
    published = parse_date(re.sub(r"\s+at\s+", " ", day)) if day else None  # Gmail's "Fri, Dec 4, 2026 at 7:02 AM"
    notes.append("read as a forwarded message: " + ", ".join(f"{k} from its {h}" for k, h, v in (
        ("title", "subject", subject), ("source", "sender", sender), ("date", "date line", published)) if v))
    return _FrontMatter(title=subject, source=sender, published=published), lines[end:]


def _first(meta: dict[str, Any], *keys: str) -> Any:
    return next((meta[k] for k in keys if meta.get(k) not in (None, "", [])), None)


# An Obsidian note's link to another note: "[[Priya Natarajan]]", "[[people/priya|Priya Natarajan]]" (its web clipper's author line).
_WIKILINK = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]|]*)\]\]")
# An Obsidian callout's marker: "> [!summary]", "> [!quote]-". The words under it are the note's.
_CALLOUT = re.compile(r"^(\s*>\s*)\[![\w-]+\][+-]?\s*")


def _read_front_matter(meta: dict[str, Any], notes: list[str]) -> _FrontMatter:
    title = _first(meta, "title", "headline")
    url = _first(meta, "url", "link", "canonical_url", "canonical")
    source = _first(meta, "source", "publisher", "site", "outlet")
    if isinstance(source, str) and source.strip().startswith(("http://", "https://")):
        url, source = url or source.strip(), None  # Obsidian's web clipper writes the page's address as "source"
    author = _first(meta, "author", "authors", "byline")
    if isinstance(author, list):
        author = ", ".join(_WIKILINK.sub(r"\1", str(a.get("name", a) if isinstance(a, dict) else a)) for a in author)
    elif isinstance(author, dict):
        author = author.get("name")
    elif isinstance(author, str):
        author = _WIKILINK.sub(r"\1", author)
    tags = _first(meta, "tags", "categories", "keywords")
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    raw_date = _first(meta, "date", "published", "pubdate", "published_at", "datetime")
    published = _to_datetime(raw_date)
    if raw_date is not None and published is None:
        notes.append(f"front matter date {raw_date!r} not understood")
    if url is not None and not str(url).startswith(("http://", "https://")):
        notes.append(f"front matter url {url!r} ignored: not an http(s) URL")
        url = None
    # When the note was made or the page clipped (Notion's "Created", Obsidian's and Joplin's `created:`), not published:
    # it dates the article only when its text does not.
    saved = _to_datetime(_first(meta, "created", "clipped", "saved"))
    return _FrontMatter(
        saved=saved,
        title=str(title).strip() if title is not None else None,
        published=published,
        url=str(url).strip() if url else None,
        source=str(source).strip() if source is not None else None,
        author=str(author).strip() if author else None,
        categories=[str(t) for t in tags if str(t).strip()] if isinstance(tags, list) else [],
    )


def _to_datetime(value: Any) -> datetime | None:
    """A date or date-time as YAML gives it (or a string, read by `parse_date`): timezone-aware, in UTC."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        return parse_date(value)  # as a page's metadata is read
    else:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- title -----------------------------------------------------------------------------


def _heading_text(line: str) -> str:
    match = _MARKDOWN_HEADING.match(line)
    return match["text"].strip() if match else line.strip()


def _is_label(line: str) -> bool:
    return _heading_text(line).strip("*_ ").rstrip(":：").strip().lower() in SECTION_LABELS


def is_dateline(line: str) -> bool:
    return bool(dateline_end(line) or CJK_DATELINE.match(line) or DATE_LINE.match(line) or _BYLINE.match(line))


def _looks_like_title(line: str, following: str | None, layout: TextLayout) -> bool:
    """The first line as a title: not a section label, a bullet, a dateline or a byline; at most
    150 columns; not a long line (over 80 columns) ending a sentence, unless it is in title case (a
    headline asking a question); and not the first line of a
    paragraph that carries on into the next (`following`, the line right under it, if not blank)."""
    text = _heading_text(line)
    width = display_width(text)
    if not text or _is_label(line) or BULLET_LINE.match(line) or is_dateline(text) or width > 150:
        return False
    if width > 80 and ENDS_SENTENCE.search(text) and not mostly_capitalised(text):
        return False
    if text.endswith((",", ";", "，", "；", "、")) or (text.endswith("-") and text[-2:-1].isalpha()):
        return False
    if following is None or _MARKDOWN_HEADING.match(line) or is_dateline(following.strip()):
        return True
    following = following.strip()
    if following[:1].islower() and not ENDS_SENTENCE.search(text):
        return False  # the sentence goes on
    if layout.wrapped and not ENDS_SENTENCE.search(text) and not mostly_capitalised(text):
        first_word = following.split(maxsplit=1)[0]
        return width + 1 + display_width(first_word) <= layout.width  # else the editor wrapped it here
    return True


def _first_sentence(lines: list[str], fmt: str) -> str | None:
    """The first sentence of the body's first paragraph, without its dateline, cut at a word."""
    clean = clean_blocks(blocks_for("\n".join(lines), fmt))
    headings = {s.heading for s in clean.sections if s.heading}
    paragraph = next(
        (
            p
            for p in (line.strip() for line in clean.body.split("\n"))
            if p and p not in headings and not p.startswith("• ") and not (len(p) < 60 and (DATE_LINE.match(p) or _BYLINE.match(p)))
        ),
        None,
    )
    if not paragraph:
        return None
    paragraph = CJK_DATELINE.sub("", paragraph[dateline_end(paragraph):], count=1).strip()
    paragraph = paragraph[post_number_end(paragraph) :]  # a thread's "1/" numbers its post, and titles nothing
    found = sentences(paragraph)
    sentence = found[0].text.strip() if found else paragraph
    if len(sentence) <= TITLE_FROM_SENTENCE_MAX:
        return sentence
    cut = sentence[:TITLE_FROM_SENTENCE_MAX]
    if not sentence[TITLE_FROM_SENTENCE_MAX].isspace() and " " in cut[TITLE_FROM_SENTENCE_MAX // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-–—") + "…"


def _masthead_line(text: str) -> bool:
    """A research note's or newsletter's masthead: its publisher, labels and day between bars
    ("Harbourline Securities | Morning Note | 3 December 2026"), or a publisher and a release's label
    between dashes too ("European Commission - Press release"); either had been taken for the title."""
    parts = [p.strip() for p in text.split(" | ")]
    if (len(parts) >= 2 and letterhead(parts[0]) == parts[0] and any(DATE_LINE.match(p) for p in parts[1:])
            and all(DATE_LINE.match(p) or len(p.split()) <= 3 for p in parts[1:])):
        return True
    # Dashes only before a release's label: a headline may hold a dash ("Lynas — Kalgoorlie restarts"), and so may
    # a title with its day ("Department Press Briefing – December 3, 2026").
    parts = [p.strip() for p in re.split(r"\s+[|—–-]\s+", text)]
    return (len(parts) >= 2 and letterhead(parts[0]) == parts[0] and any(release_label(p) for p in parts[1:])
            and all(release_label(p) or DATE_LINE.match(p) for p in parts[1:]))


_SALUTATION = re.compile(rf"^{SALUTATION}$")
_HONOURED_ADDRESSEE = re.compile(r"^(?:The\s+)?(?:Honou?rable|Hon\.)\s+[A-Z]")
# A publication's name: one to four capitalised words ("Axios Markets", "The Oxide Letter"), no figure, no stop.
_OUTLET_NAME = re.compile(r"^(?:The\s)?[A-Z][\w&'’.-]*(?:\s[A-Z][\w&'’.-]*){0,3}$")


def _title(lines: list[str], fmt: str, given: str | None, stem: str, notes: list[str], given_is_text: bool = False) -> tuple[str, list[str]]:
    """The title and the lines left for the body. In this order: the front matter's title (its
    line, if the text repeats it first, is dropped, unless `given_is_text`: a post's first sentence); the first line when `_looks_like_title`
    (dropped from the body); the first Markdown heading; the first sentence; the file name."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return given or stem, lines
    end = first + 1
    if fmt == "markdown" and end < len(lines) and _SETEXT_UNDERLINE.match(lines[end]) and lines[end].strip():
        end += 1  # "Title" over "=====": one heading
    line = lines[first]
    following = lines[end] if end < len(lines) and lines[end].strip() else None
    if given:
        if not given_is_text and " ".join(_heading_text(line).split()).casefold() == " ".join(given.split()).casefold():
            return given, lines[:first] + lines[end:]
        return given, lines
    layout = text_layout("\n".join(lines))  # once: it reads the whole text
    # A letter to an office holder has no title: its addressee's block ("The Honorable Howard Lutnick" / "Secretary of
    # Commerce" / …) had been the title of senators' letter written here (thirty-fifth session); what it asks is its first sentence.
    opening_lines = [i for i, x in enumerate(lines) if x.strip()][:15]
    salutation = next((i for i in opening_lines if _SALUTATION.match(lines[i].strip())), None)
    if salutation is not None and any(_HONOURED_ADDRESSEE.match(lines[i].strip()) for i in opening_lines if i < salutation) \
            and (sentence := _first_sentence(lines[salutation + 1 :], fmt)):
        notes.append("a letter to an office holder: the title is its first sentence after the salutation")
        return sentence, lines
    # What a letterhead or a release prints above its title: a letterhead ("MOJAVE MAGNETICS CORP.", a
    # ministry's name in any case), a release's label ("ASX ANNOUNCEMENT"), its date, its issuer and
    # ticker ("Kestrel Rare Earths Limited (ASX: KRE)"). The title is the first line under them that
    # reads as one, as the PDF reader reads a letterhead; they stay in the text to name the publisher.
    def above_title(text: str) -> bool:
        text = text.strip()
        name = letterhead(text)
        return (release_label(text) or bool(DATE_LINE.match(text)) or (name is not None and (text.isupper() or name == text))
                or _masthead_line(text) or bool(RULE_PREAMBLE.match(text)) or bool(POSTAL_LINE.match(text)))

    # A newsletter's name over its byline and day, the headline under them ("Axios Markets" / "By Emily Peck…" /
    # "Dec 3, 2026" / "The price floor that built…"): the name had been the title, and the publisher the folder.
    opening = [i for i, x in enumerate(lines) if x.strip()][:5]
    headline = lines[opening[3]].strip() if len(opening) == 5 else ""
    over_byline = (bool(headline) and _OUTLET_NAME.match(line.strip()) is not None
                   and NAMES_ONLY_BYLINE.match(lines[opening[1]].strip()) is not None and DATE_LINE.match(lines[opening[2]].strip()) is not None
                   and 5 <= len(headline.split()) <= 20 and not headline.endswith((".", "!", "?", ":"))
                   and _looks_like_title(headline, lines[opening[4]], layout))
    if above_title(line) or over_byline:
        title_at = first
        for _ in range(6):  # a rule's preamble runs to six lines
            title_at = next((i for i in range(title_at + 1, len(lines)) if lines[i].strip()), len(lines))
            if over_byline and title_at in opening[1:3]:
                continue
            if title_at == len(lines) or not above_title(lines[title_at]):
                break
            # A headline in capitals right over the dateline is the title, though it names an organisation: a Malaysian
            # ministry's "GOVERNMENT APPROVES LYNAS MALAYSIA'S HEAVY RARE EARTHS EXPANSION" had been passed over.
            after = next((i for i in range(title_at + 1, len(lines)) if lines[i].strip()), None)
            text = lines[title_at].strip()
            if (after is not None and dateline_end(lines[after].strip()) and letterhead(text) and not release_label(text)
                    and not DATE_LINE.match(text)):
                break
        below = title_at + 1 if title_at + 1 < len(lines) and lines[title_at + 1].strip() else None
        if title_at < len(lines) and _looks_like_title(lines[title_at], lines[below] if below is not None else None, layout):
            notes.append(f"the title is the first line under {line.strip()!r}")
            return _heading_text(lines[title_at]), lines[:title_at] + lines[title_at + 1 :]
    if _looks_like_title(line, following, layout):
        rest = lines[:first] + lines[end:]
        # A file of one line is its own title and body: taking the title out would leave nothing.
        return _heading_text(line), rest if any(x.strip() for x in rest) else lines
    heading = next(
        (_heading_text(x) for x in lines if _MARKDOWN_HEADING.match(x) and not _is_label(x)), None
    )
    if heading:
        return heading, lines
    sentence = _first_sentence(lines, fmt)
    if sentence:
        notes.append("no title line: the title is the first sentence")
        return sentence, lines
    notes.append("no title line: the title is the file name")
    return stem, lines


# --- the reader ------------------------------------------------------------------------

# The outlet a story asks its readers to subscribe to: "Subscribe to BNamericas for the latest news…" (written here,
# thirty-fourth session: its name over the headline had been the title, and the story published by "files").
_SUBSCRIBE_TO = re.compile(r"^(?:Subscribe|Sign up) to (?P<name>[A-Z][\w.&'’-]*(?: [A-Z][\w.&'’-]*){0,3})(?: for\b| today\b|[.!]?$)")


def _subscribed_outlet(lines: list[str], meta: _FrontMatter, notes: list[str]) -> list[str]:
    """The lines without a first line that names the outlet the text asks its readers to subscribe to (`_SUBSCRIBE_TO`), which
    is then the publisher where nothing else names one."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    outlets = {found["name"] for line in lines if (found := _SUBSCRIBE_TO.match(line.strip()))}
    if first is None or lines[first].strip() not in outlets:
        return lines
    if meta.source is None:
        meta.source = lines[first].strip()
        notes.append(f"source: the outlet over the headline that the text asks its readers to subscribe to, {meta.source}")
    return lines[:first] + lines[first + 1 :]




def _without_page_furniture(text: str, notes: list[str]) -> tuple[str, list[str]]:
    """A text whose pages a form feed parts (`pdftotext`'s output, a printout saved as text): its
    running headers, footers and page numbers out (the PDF reader's rules), a paragraph a page break
    cut in two joined again, and the running header's lines, which may name the publisher. Seen on a
    quarterly report through `pdftotext`: "Page 1 of 4" and the header were statements, and "…reflecting
    higher prices and" / "volumes." two paragraphs."""
    pages = text.split("\f")
    if len([page for page in pages if page.strip()]) < 2:
        return text, []
    read = [[Line(line, number) for line in page.split("\n")] for number, page in enumerate(pages)]
    cleaned, removed = remove_page_furniture(read)
    if not removed:
        return text, []
    kept = {id(line) for page in cleaned for line in page}
    header = [line.text.strip() for line in running_lines(read, cleaned, top=True)]
    out = ""
    for page in read:
        body = "\n".join(line.text for line in page if id(line) in kept or not line.text.strip()).strip("\n")
        if not body.strip():
            continue
        # A page that ends mid-sentence runs on into the next: one paragraph, not two.
        last = out.rstrip().rsplit("\n", 1)[-1].strip()
        joint = "\n" if len(last) >= 40 and not ENDS_SENTENCE.search(last) else "\n\n"  # a wrapped line, as the page's own
        out = out + joint + body.strip() if out else body
    notes.append(f"removed {removed} running header, footer and page-number lines of its {len(cleaned)} pages")
    return out, header


# A page copied from a browser and pasted into a text file brings the site's chrome with it: its menu
# above the article ("Skip to main content", "World", "Business", "Sign In") and its links below
# ("Suggested Topics:", "Read Next", "Share", "Facebook"). Seen on a wire story pasted so: titled "Skip
# to main content", published by "Markets" (a menu item), undated (its date line was 13 lines down).
_SKIP_LINK = re.compile(r"^skip to (?:the )?(?:main )?(?:content|navigation|article)\b", re.I)
_CREDIT = re.compile(CREDIT_LINE, re.I)
# A wire story's contacts under its credit line ("To contact the reporters on this story:", "Alfred Cang in Singapore at
# acang@bloomberg.net", "©2026 Bloomberg L.P."): footer, as menus are.
_CONTACT_LINE = re.compile(r"^to contact the\b|\b[\w.+-]+@[\w-]+\.[\w.]+\b|^(?:©|\(c\)\s|copyright\b)", re.I)
_RAIL_LABEL = re.compile(r"^(?:most (?:read|popular|viewed)(?: (?:from|on) .{1,40})?|related (?:stories|articles|coverage|news)"
                         r"|recommended(?: for you| stories)?|trending(?: now)?|you (?:may|might) also like|read next)\s*:?$"
                         r"|^more from (?-i:[A-Z])[^:]{0,40}$", re.I)  # "More from Bloomberg", not "More from the interview:"


def _is_menu_line(line: str) -> bool:
    """A menu's or a share bar's line: a few words, no figure, no sentence's end, no list's mark (an
    article's closing list of short items, "• Dysprosium", is its own)."""
    words = line.split()
    return 0 < len(words) <= 3 and not re.search(r"\d|[.!?,;]$|^[•*·▪–-]", line.strip())


def _menu_under_title(lines: list[str], filled: list[int]) -> set[int]:
    """A browser's paste of a news page puts the page's buttons and section label between the headline and the byline
    ("Save", "Share", "Gift this article", "Mining", then "Nick Evans" over "Resources reporter"; the Australian Financial
    Review's layout, written here): four or more menu lines right under the first line, the byline among them kept. They had
    stayed in the text, and pushed its date line past the lines a date is read from."""
    run = list(itertools.takewhile(lambda i: _is_menu_line(lines[i]), filled[1:]))
    if len(run) < 4:
        return set()
    byline = {i for i, below in itertools.pairwise(run) if ROLE_LINE.match(lines[below].strip()) and not ROLE_LINE.match(lines[i].strip())}
    return set(run) - byline - {below for i, below in itertools.pairwise(run) if i in byline}


def _without_page_chrome(lines: list[str], notes: list[str]) -> tuple[list[str], list[str]]:
    """The lines without a pasted page's menu above the article and its links below it: four or more
    menu lines in a row at the top, or after a skip link ("Skip to main content") every menu run in
    the first 25 lines; at the bottom, four or more in a row, or, after a wire story's credit line
    ("Reporting by …; Editing by …"), lines mostly of menus. Also the menu's lines that name a site
    ("MINING.COM"), which may name the publisher."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    start = 0
    # A run of menu lines at the top; after a skip link, the last such run in the first 25 lines (a
    # site's tagline may stand between two menus).
    skip = bool(filled) and bool(_SKIP_LINK.match(lines[filled[0]].strip()))
    run = 0
    for n, i in enumerate(filled[: 25 if skip else len(filled)]):
        if _is_menu_line(lines[i]) or (n == 0 and skip):
            run += 1
            continue
        if run >= 4 or (skip and n == run):
            # A short title set apart from its text by a blank line ("Lynas update") ends the run, and stays.
            last = filled[n - 1]
            start = last if n > 1 and not lines[last + 1].strip() and not (skip and n == 1) else i
        if not skip:  # without a skip link only a run at the very top is a menu, never one further down
            break
        run = 0
    under_title = _menu_under_title(lines, filled) if not start and not skip else set()
    end = len(lines)
    tail = [i for i in filled if i >= start]
    trailing = next((n for n, i in enumerate(reversed(tail)) if not _is_menu_line(lines[i])), len(tail))
    if trailing >= 4:
        end = tail[-trailing]
    credit = next((i for i in reversed(tail) if _CREDIT.match(lines[i].strip())), None)
    if credit is not None and credit < end:
        after = [i for i in tail if credit < i < end]
        if after and sum(_is_menu_line(lines[i]) or len(lines[i].split()) <= 4 or bool(_CONTACT_LINE.search(lines[i])) for i in after) >= 0.6 * len(after):
            end = credit + 1
    # Its photo captions and sign-up calls, before the layout joins them to the paragraph under them.
    captions = {i for i in filled if start <= i < end and PAGE_FURNITURE.search(lines[i].strip())} | under_title
    corrections = [note for i in sorted(captions) if (note := publisher_correction(lines[i]))]
    notes.extend(corrections)  # left out of the text as the captions are, but said
    # A rail of other stories' headlines inside the text ("Most Read from Bloomberg" over them): up to a line that ends a sentence.
    for n, i in enumerate(filled):
        if start <= i < end and _RAIL_LABEL.match(lines[i].strip()):
            captions.add(i)
            for j in filled[n + 1 : n + 8]:
                if lines[j].rstrip().endswith((".", "!", "?", '"', "”", ":")) or len(lines[j].split()) > 16:
                    break
                captions.add(j)
    if start or end < len(lines) or len(captions) > len(corrections):
        notes.append(f"left out a pasted page's menus, links and captions: {len([i for i in filled if i < start])} lines above "
                     f"the article, {len([i for i in filled if i >= end])} below, {len(captions) - len(corrections)} within")
    if start or end < len(lines) or captions:
        sites = [lines[i].strip() for i in filled if i < start and is_site_name(lines[i].strip())]
        return [line for i, line in enumerate(lines[:end]) if i >= start and i not in captions], sites
    return lines, []


# A social post's header as it is copied: "Ray Kessler (@raykessler_metals) · Nov 30, 2026",
# "Ray Kessler @raykessler_metals · 2h".
_POST_HEADER = re.compile(r"^(?P<name>[^@()\n·|]{2,60}?)(?:\s+|\s*\()(?P<handle>@\w{2,30})\)?\s*(?:[·•|–—-]\s*(?P<when>.{1,40}))?$")
# A thread as unrolling services and exports head it: "Thread by @REminingwatch (Rare Earth Mining Watch) on 28 Nov 2026".
_THREAD_HEADER = re.compile(r"^(?i:thread|posts?|tweets?)\s+(?i:by|from)\s+(?P<handle>@\w{2,30})(?:\s*\((?P<name>[^()\n]{2,60})\))?"
                            r"(?:\s+(?:on|[·•|–—-])\s*(?P<when>.{1,40}))?$")


# A professional network's post as it is copied: "Jane Okafor • 2nd", the author's headline, then when
# it was posted, relative to the day it was copied ("3d • Edited"), so no date.
_NETWORK_NAME = re.compile(r"^(?P<name>[^•·|@\n]{2,60}?)\s+[•·]\s+(?:1st|2nd|3rd\+?|Following|Author|Premium)\b")
_POSTED_AGO = re.compile(r"^\d{1,2}\s?(?:s|m|min|h|hr|d|w|wk|mo|y|yr)s?\b\.?(?:\s+ago)?\s*(?:[•·].*)?$")
# A forum's post as it is copied: its community ("r/RareEarths"), "Posted by u/separation_guy", when ("3 hr. ago"), then its title.
_COMMUNITY = re.compile(r"^r/\w{2,30}$")
_POSTED_BY = re.compile(r"^(?:posted by\s+)?(?P<user>u/[\w-]{2,30})\b", re.I)
# A company page's post: the company's name, its followers ("48,211 followers"), then when ("3d • Edited").
_FOLLOWERS = re.compile(r"^[\d.,]+\s?[KkMm]?\s+followers$", re.I)


def _forum_header(lines: list[str], filled: list[int]) -> tuple[int, str] | None:
    """Where a forum post's header ("r/RareEarths", "Posted by u/separation_guy", "3 hr. ago") ends, and who
    posted it; None for another text."""
    if len(filled) < 2 or not _COMMUNITY.match(lines[filled[0]].strip()) or not (poster := _POSTED_BY.match(lines[filled[1]].strip())):
        return None
    ago = [i for i in filled[2:3] if _POSTED_AGO.match(lines[i].strip())]
    return (ago or filled[1:2])[0], poster["user"]


def _social_post(lines: list[str], meta: _FrontMatter, fmt: str, notes: list[str]) -> list[str]:
    """A copied social post or thread: its header gives the author, the account that published it and
    its date (a network post's header: its author, their headline and how long ago it was posted), and
    is out of the body; its title is its first sentence, which stays in the body (a post has no
    headline). Other texts are returned as they are."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if not filled or meta.title:
        return lines
    first, top = filled[0], lines[filled[0]].strip()
    if header := _POST_HEADER.match(top):
        name, account, when, dropped = header["name"].strip(), header["handle"], header["when"], {first}
    elif thread := _THREAD_HEADER.match(top):
        name, account, when, dropped = (thread["name"] or thread["handle"]).strip(), thread["handle"], thread["when"], {first}
    elif (network := _NETWORK_NAME.match(top)) and (ago := next((i for i in filled[1:3] if _POSTED_AGO.match(lines[i].strip())), None)):
        name, when, dropped = network["name"].strip(), None, set(range(first, ago + 1))
        account = name
        notes.append("the headline under the author's name: " + " ".join(lines[i].strip() for i in filled[1:3] if i < ago)[:120])
    elif (len(filled) > 2 and len(top) <= 60 and _FOLLOWERS.match(lines[filled[1]].strip())
          and (ago := next((i for i in filled[2:4] if _POSTED_AGO.match(lines[i].strip())), None))):
        name, account, when, dropped = top, top, None, set(range(first, ago + 1))
    elif (forum := _forum_header(lines, filled)) and (title_at := next((i for i in filled if i > forum[0]), None)) is not None:
        # The title under the header is the post's own: it stays the title, out of the text, as a page's headline.
        rest = [line for i, line in enumerate(lines) if i > title_at or not lines[i].strip()]
        meta.author, meta.source = meta.author or forum[1], meta.source or top
        meta.title = lines[title_at].strip()
        notes.append(f"a forum post's header {top!r}: by {meta.author}, published by {meta.source}, undated (it says when relative to the copy)")
        return rest
    else:
        return lines
    rest = [line for i, line in enumerate(lines) if i not in dropped]
    meta.author = meta.author or name
    meta.source = meta.source or account
    if meta.published is None and when and (found := date_in(when)):
        meta.published = found[0]
    sentence = _first_sentence(rest, fmt)
    meta.title = sentence[slice(*trim_span(sentence))] if sentence else account
    meta.title_is_text = bool(sentence)
    notes.append(f"a social post's header {top[:60]!r}: by {meta.author}, published by {meta.source}"
                 + ("" if meta.published else ", undated"))
    return rest


_WHATSAPP_FILE = re.compile(r"^WhatsApp Chat (?:with|-)\s+(?P<name>.+)$", re.IGNORECASE)


def _chat(lines: list[str], meta: _FrontMatter, notes: list[str]) -> list[str] | None:
    """A chat's or a channel's messages (`chats.chat_export`), each a paragraph without its header; a sender's name
    opens its message where several speak. One sender writes and publishes it; the first message dates it; its
    title is its first sentence. None for any other text."""
    chat = chat_export(lines) if not meta.title else None
    if chat is None:
        return None
    senders = chat.senders
    one = len(senders) == 1
    rest: list[str] = []
    for message in chat.messages:
        spoken = message.lines if one else [f"{message.sender}: {message.lines[0]}", *message.lines[1:]]
        rest.extend([*spoken, ""])
    meta.source = meta.source or (senders[0] if one else None)
    meta.author = meta.author or (senders[0] if one else None)
    meta.published = meta.published or chat.first_sent()
    sentence = _first_sentence(chat.messages[0].lines, "markdown")  # without its sender's name; a paragraph, full stop or not
    meta.title, meta.title_is_text = (sentence[slice(*trim_span(sentence))], True) if sentence else (senders[0], False)
    notes.append(f"a chat's {len(chat.messages)} messages from {', '.join(senders[:3])}{' and others' if len(senders) > 3 else ''}, "
                 f"each a paragraph without its time and sender; days read {'day' if chat.day_first else 'month'} first"
                 + ("" if meta.published else ", undated"))
    return rest


# A newsletter's sign-off that names it: "Thanks for reading The Oxide Letter! Subscribe for free…" (Substack's).
_THANKS_FOR_READING = re.compile(r"^(?i:thanks?(?: you)? for reading)\s+(?P<name>(?:The\s+)?[A-Z][\w'’&-]*(?:\s+[A-Z][\w'’&-]*){0,5})\s*[!.]")


def _newsletter_name(lines: list[str], meta: _FrontMatter, notes: list[str]) -> list[str]:
    """A newsletter post pasted from its page: the sign-off names the newsletter, which publishes it, and the
    same name over the title is its masthead, not the title (a Substack post's "The Oxide Letter" had been
    the title, and its folder the publisher). Other texts are returned as they are."""
    name = next((found["name"] for line in lines if (found := _THANKS_FOR_READING.match(line.strip()))), None)
    if name is None:
        return lines
    meta.source = meta.source or name
    notes.append(f"source: the newsletter its sign-off names, {name}")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and _heading_text(lines[first]).casefold() == name.casefold():
        notes.append(f"left out the newsletter's name over the title, {name!r}")
        return lines[:first] + lines[first + 1 :]
    return lines


def read_text_file(text: str, fetched: Fetched, sender: str | None = None, masthead: Sequence[str] = ()) -> RawItem:
    """One article from a text export. `sender`: who mailed it; `masthead`: lines a reader took out
    of the text that may name the publisher (a deck's footer), as `file_publisher` reads them."""
    notes = decoding_notes(text)
    fmt = _format(fetched)
    paged, header = _without_page_furniture(str(text).removeprefix("\ufeff"), notes)
    lines = [line.rstrip() for line in LINE_BREAKS.split(paged)]
    meta, lines = _split_front_matter(lines, notes)
    lines = _subscribed_outlet(lines, meta, notes)
    if meta == _FrontMatter():
        meta, lines = _notion_properties(lines, notes)
    if meta == _FrontMatter():
        meta, lines = _forwarded_message(lines, notes)
    if meta == _FrontMatter():
        meta, lines = _split_header_lines(lines, notes)
    # An exchange announcement's disclaimer, issuer and closing; a research paper's or a USGS summary's head.
    if announcement := exchange_announcement(lines) or paper_head(lines) or legal_head(lines):
        lines = [line for i, line in enumerate(lines) if i not in announcement.dropped]
        notes.extend(announcement.notes)
        meta.title, meta.source = meta.title or announcement.title, meta.source or announcement.issuer
        meta.published, meta.author = meta.published or announcement.published, meta.author or announcement.author
    if fmt == "markdown":
        lines = [_CALLOUT.sub(r"\1", line) for line in lines]
    lines, sites = _without_page_chrome(lines, notes)
    if (messages := _chat(lines, meta, notes)) is not None:
        lines, fmt = messages, "markdown"  # a message is a paragraph, never a heading for want of a full stop
        # WhatsApp names its export after the group: "WhatsApp Chat with Rare Earth Traders.txt".
        if meta.source is None and (group := _WHATSAPP_FILE.match(Path(fetched.filename or fetched.source).stem)):
            meta.source = group["name"].strip()
    else:
        lines = _social_post(lines, meta, fmt, notes)
    lines = _newsletter_name(lines, meta, notes)
    name = Path(fetched.filename or (urlsplit(fetched.source).path if fetched.url else fetched.source))
    title, lines = _title(lines, fmt, meta.title, name.stem or fetched.source, notes, meta.title_is_text)
    published = meta.published
    if published is None:  # a text export keeps its date in a dateline or a date line under the title
        opening = [line for line in lines if line.strip()]
        found = opening_date(opening)
        if found:
            published = found[0]
            notes.append(f"dated from the opening line {opening[found[1]].strip()[:60]!r}")
        elif (published := title_date(title)) is not None:
            notes.append(f"dated from its title {title[:60]!r}")
        elif month := month_line_date(opening):
            published = month[0]
            notes.append(f"dated from the opening line {opening[month[1]].strip()[:60]!r}, which gives the month only: "
                         f"taken as its first day (to give another, start the file with a front matter `date:` line)")
        elif (day := yearless_dateline(opening, fetched)) is not None:
            published = day[0]
            notes.append(f"{day[1]} (to give another, start the file with a front matter `date:` line)")
        elif closing := closing_date(opening):
            published = closing[0]
            notes.append(f"dated from its closing line {opening[closing[1]].strip()[:60]!r}")
        elif meta.saved is not None:
            published = meta.saved
            notes.append("no date in its text: dated by the day the note was made or the page clipped (its Created property)")
        else:
            notes.append("no date in its opening lines: left undated (a front matter `date:` line dates it)")
    if fetched.url:  # fetched over HTTP: the URL is its identity, so an edited page stays one article
        url: str | None = fetched.url
        path, source_url = Path(name.name), fetched.url  # a shared file's name, in no folder of the user's
    else:
        path = Path(fetched.source)
        url, source_url = None, str(path.resolve())
    copied_from = publisher_host(Fetched(source=meta.url, url=meta.url)) if meta.url else None
    source = meta.source or publisher_host(fetched) or file_publisher(
        lines, path, notes, sender=sender, title=title, masthead=[*masthead, *header, *sites], site=copied_from)
    return RawItem(
        source=meta.source or source,
        source_url=source_url,
        url=meta.url or url,
        title=title,
        author=meta.author or byline_author(lines),
        published=published,
        categories=meta.categories,
        content="\n".join(lines).strip("\n"),
        content_format="markdown" if fmt == "markdown" else "text",
        notes=notes,
    )


# Characters that program code, configuration and data are dense in and prose is not (parentheses are
# common in both). Measured here, a link's address left out and its words kept: the 25 sample articles
# and the 32 outside articles hold at most 0.4 % of them, these Markdown docs 0.7 %; every non-empty
# Python file of Assay's own 2.4-9 %, its Makefile 2.4 %, pyproject.toml and YAML more.
_CODE_CHARACTERS = frozenset("{}[];=<>_\\")
_LINK_OR_ADDRESS = re.compile(r"\[([^\]]*)\]\([^)\s]*\)|<?https?://\S+|\S+@\S+\.\w+")
CODE_SHARE = 0.02
_FRONT_MATTER_BLOCK = re.compile(r"\A\ufeff?---\n.*?\n---\n", re.DOTALL)
_QUOTE_MARKS = re.compile(r"^\s*(?:>\s*)+|\[!\w[\w-]*\][+-]?|\[\[|\]\]")


JSON_DATA = ("is JSON data, not an article, a JSON Feed or a news API's articles (records with a text or link field): "
             "leave it out, or save the article's own text")


def code_reason(text: str) -> str | None:
    """Why a text file is no article but code or data (a script or a config file in a folder of
    articles), in a user's words; None for prose. Analysed, such a file became statements of code."""
    if text.lstrip()[:1] in ("{", "["):
        try:
            json.loads(text)
            return JSON_DATA
        except ValueError:
            pass  # a paragraph that opens with a bracket
    # Marks prose files carry that code is dense in too: a Markdown quote's ">", an Obsidian note's front matter, links
    # ("[[Priya Natarajan]]") and callouts ("[!quote]"), a chat's headers ("Rare Earth Alerts, [04.12.26 09:14]"). A short
    # channel copy and a clipping were turned away as code (written here).
    prose = "\n".join(_QUOTE_MARKS.sub("", without_message_header(line)) for line in _FRONT_MATTER_BLOCK.sub("", text).splitlines())
    shown = [c for c in _LINK_OR_ADDRESS.sub(r" \1 ", prose) if not c.isspace()]
    if len(shown) < 200:  # a short note says too little to judge by
        return None
    share = sum(c in _CODE_CHARACTERS for c in shown) / len(shown)
    if share < CODE_SHARE:
        return None
    return (f"reads as program code or data, not an article ({share:.0%} of its characters are brackets, braces, "
            f"'=', '<', '>' or '_'; articles have under 1 %): leave it out, or save the article's own text")


class TextReader:
    name = "text"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = tuple(_FORMATS)
    content_type = "text/plain"
    binary = False
    description = "plain text"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        text = decode(fetched) if text is None else text
        if named_as_text(fetched):
            # A page saved under a text name ("curl … > article.txt") opens with its markup: it is HTML.
            return not is_html_markup(text)
        return fetched.content_type.startswith("text/") and not looks_like_html(fetched, text)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        text = decode(fetched) if text is None else text
        if reason := code_reason(text):
            raise SourceError(f"{fetched.source}: {reason}")
        plain = str(text).removeprefix("\ufeff")
        if found := feed_text_items(plain, fetched, decoding_notes(text)) or export_items(plain, fetched, decoding_notes(text)):
            return found  # many articles in one file: a feed saved as text, a news database's export
        if links := link_list_items(plain, fetched, None, decoding_notes(text)):
            return None, links  # a reading list: the articles at its links
        return None, [read_text_file(text, fetched)]
