"""A feed saved as text: an RSS feed's XML with its tags stripped (a browser's "save as text", a
scraper's text dump, `xmllint --xpath 'string()'`). Each item's title, link, date and guid run
together on one line and its content follows on the lines below:

    Energy Fuels-ASM Deal Maps a Western Detour … https://…/energy-fuels-asm-deal…/ https://forum…/3439/ Sat, 07 Feb 2026 00:26:24 +0000 https://…/energy-fuels-asm-deal…/ Highlights
      • MST Access reports Energy Fuels' acquisition …

The sample feed's own text dump (`../shared/seeds/`) was read as one article of 1,014 statements,
titled with the channel's header line and undated. Read as items, it is the feed's 25 articles, with
the feed's links (so the same ids as the XML feed's items), titles and dates.

`sed 's/<[^>]*>//g'` leaves each of those fields on a line of its own instead; such runs are joined
into the one line first (`_fields_joined`).

An item's line is found by a link (with the comments link after it) followed at once by an RFC 822
date with its time and zone: prose does not write that, so an article quoting a feed's line stays an
article (two such lines are needed).
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from assay.sources import source_address
from assay.types import Fetched, RawItem

_RFC822 = (r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
           r"\d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|GMT|UTC|[A-Z]{3})")
_ITEM_LINE = re.compile(rf"^(?P<lead>.*?)\s*(?P<link>https?://\S+)(?:\s+https?://\S+)*\s+(?P<date>{_RFC822})\s*(?P<rest>.*)$")
_URL = re.compile(r"https?://\S+")
# What the XML leaves after an item's content: a CDATA end, the comments feed and its count.
_ITEM_TAIL = re.compile(r"^(?:\]\]>|(?:https?://\S+|\d+)(?:\s+(?:https?://\S+|\d+))*)$")


def _date(written: str) -> datetime | None:
    try:
        return parsedate_to_datetime(written)
    except (TypeError, ValueError):  # a zone it does not know: left undated, not a failed file
        return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("’", "").replace("'", "")).strip("-")


def _title(lead: str, link: str) -> str:
    """The item's title from the text before its link. The first item's line also carries the
    channel's header (its title, link, date, generator, image…): the title is the end of it whose
    words make the link's last path segment, else what follows the header's last link or number."""
    lead = lead.strip()
    if not _URL.search(lead):
        return lead
    segment = _slug(urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1])
    starts = [0, *(m.end() for m in re.finditer(r"\s+", lead))]
    for start in starts:
        if segment and _slug(lead[start:]) == segment:
            return lead[start:]
    after = re.split(r"(?:https?://\S+|\s\d+)(?=\s|$)", lead)[-1]
    return after.strip()


_URL_LINE = re.compile(r"^https?://\S+$")
_DATE_LINE = re.compile(rf"^{_RFC822}$")


def _fields_joined(lines: list[str]) -> tuple[str, list[str]]:
    """A dump with one field to a line, what `sed 's/<[^>]*>//g'` leaves of a feed's XML: an item's
    title, link, comments link, date and guid each stand on a line of their own. Each such run is
    joined into the one line the one-line dump has; the channel's title is the first line's, there
    before its link. Lines of any other text are returned as they are, with no channel title."""
    fields = [line.strip() for line in lines]
    dates = [i for i, line in enumerate(fields) if _DATE_LINE.match(line) and i >= 2 and _URL_LINE.match(fields[i - 1])]
    if len(dates) < 2:
        return "", lines
    out: list[str] = []
    taken = 0
    for at in dates:
        start = at - 1
        while start > taken and _URL_LINE.match(fields[start - 1]):
            start -= 1
        title = start - 1  # the item's title stands above its link
        if title < taken or not fields[title] or _URL_LINE.match(fields[title]):
            continue
        end = at + 1 + (at + 1 < len(fields) and _URL_LINE.match(fields[at + 1]) is not None)  # its guid
        out.extend(lines[taken:title])
        out.append(html.unescape(" ".join(fields[title:end])))
        taken = end
    out.extend(lines[taken:])
    channel = next((line for line in fields[: dates[0]] if line), "")
    return html.unescape(channel), out


def feed_text_items(text: str, fetched: Fetched, notes: list[str]) -> tuple[str, list[RawItem]] | None:
    """(the channel's title, its items) when `text` is a feed saved as text; None when it is not."""
    channel, lines = _fields_joined(text.split("\n"))
    heads = [(i, match) for i, line in enumerate(lines) if (match := _ITEM_LINE.match(line.strip()))]
    if len(heads) < 2:
        return None
    first = lines[heads[0][0]].strip()
    if not channel and heads[0][0] == 0 and _URL.search(heads[0][1]["lead"]):
        channel = first[: first.index("http")].strip()
    channel = channel or urlsplit(heads[0][1]["link"]).netloc
    items: list[RawItem] = []
    for (at, head), following in zip(heads, [*heads[1:], None]):
        body = lines[at + 1 : following[0] if following else len(lines)]
        while body and (not body[-1].strip() or _ITEM_TAIL.match(body[-1].strip())):
            body.pop()
        guid = _URL.match(head["rest"])
        rest = _URL.sub("", head["rest"]).strip()  # the guid, then the content's first words ("Highlights")
        content = "\n".join([rest, *body] if rest else body).strip("\n").removesuffix("]]>")  # sed leaves CDATA's end on the last line
        items.append(RawItem(
            source=channel,
            source_url=source_address(fetched),
            url=head["link"],
            guid=guid.group() if guid else head["link"],
            title=_title(head["lead"], head["link"]),
            published=_date(head["date"]),
            content=content,
            content_format="text",
            notes=notes if items else [*notes, f"a feed saved as text: read as its {len(heads)} items"],  # said once
        ))
    return channel, items
