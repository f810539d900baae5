"""Lists of articles by their links.

An email of headlines (an alert, a news digest): each headline a title, often its publisher's name,
a teaser and a link to the article, parted by blank lines. Google Alerts' mail writes them so:

    China's rare earth magnet exports fall 12% in October
    Reuters
    China's exports of rare earth magnets fell 12% in October from a month
    earlier, customs data showed on Friday, as ...
    <https://www.google.com/url?rct=j&sa=t&url=https://www.reuters.com/…&ct=ga&usg=…>

Read as one article it was the sender's: titled "Google Alert - rare earth", published by "=== News",
its links and "Unsubscribe" lines for statements. Read as headlines, each is an item at its
article's own address (the click tracker taken off), and ingest reads the article from its page, as
it does for a feed's teaser (`RawItem.read_at_url`).

A list of links (a reading list pasted into a text file or a mail, a link to a line, perhaps with its
title, a bullet or a number) is the articles at those links in the same way. Read as one article it
was a title made of an address and a body of addresses.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from assay.cleaning import BULLET_LINE, ENDS_SENTENCE
from assay.sources import source_address, unwrapped_link
from assay.types import Fetched, RawItem

_LINK_LINE = re.compile(r"^<?(https?://[^\s<>]+)>?$")
_BLOCKS = re.compile(r"\n[ \t]*\n")
_WORDS = re.compile(r"[^\W\d_]{2,}\W+[^\W\d_]{2,}")  # two words of letters: a title, not a rule of dashes


def _is_name(line: str) -> bool:
    """A publisher's name on a line of its own ("Reuters", "MINING.COM"), not a teaser's first line."""
    return len(line.split()) <= 6 and not ENDS_SENTENCE.search(line) and line[:1].isupper() and not _LINK_LINE.match(line)


def headline_items(text: str, fetched: Fetched, published: datetime | None, notes: list[str]) -> list[RawItem] | None:
    """The headlines, when `text` is two or more of them; None when it is not."""
    items: list[RawItem] = []
    for block in _BLOCKS.split(text):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        link = _LINK_LINE.match(lines[-1]) if len(lines) >= 3 else None  # a title and a teaser at least, then the link
        if link is None or not _WORDS.search(lines[0]) or lines[-2].endswith(":"):
            continue  # a rule above a footer's link, or a link's label ("Unsubscribe from this alert:")
        url = unwrapped_link(link[1])
        title, rest = lines[0], lines[1:-1]
        named = rest[0] if len(rest) >= 2 and _is_name(rest[0]) else None
        items.append(RawItem(
            source=named or urlsplit(url).netloc,  # a host gives way to the name the article's page gives
            source_url=source_address(fetched),
            url=url,
            title=title,
            published=published,
            content=" ".join(rest[1:] if named else rest),
            content_format="text",
            read_at_url=True,
        ))
    if len(items) < 2:
        return None
    items[0].notes = [*notes, f"an email of {len(items)} headlines: each article is read from its page"]
    return items


_ANY_LINK = re.compile(r"<?(https?://[^\s<>\]]+)>?")
# A list's lines that hold no link: a greeting, an introduction or a sign-off, a few at most.
MAX_LINES_WITHOUT_A_LINK = 3
MAX_TITLE_WORDS = 20  # more beside a link is prose that cites it


def link_list_items(text: str, fetched: Fetched, published: datetime | None, notes: list[str]) -> list[RawItem] | None:
    """The articles a list of links names, when `text` is one (two links or more, one to a line, with at
    most a few lines of no link); None when it is not."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    items: list[RawItem] = []
    without = 0
    for line in lines:
        links = _ANY_LINK.findall(line)
        if not links:
            without += 1
            continue
        bulleted = BULLET_LINE.match(line)
        title = " ".join(_ANY_LINK.sub(" ", bulleted["text"] if bulleted else line).replace("[", " ").replace("]", " ").replace("()", " ").split())
        title = title.strip(" -–—:|()")
        if len(links) > 1 or len(title.split()) > MAX_TITLE_WORDS:
            return None
        url = unwrapped_link(links[0].rstrip(".,;:)"))
        items.append(RawItem(
            source=urlsplit(url).netloc,  # its page names its publisher
            source_url=source_address(fetched),
            url=url,
            title=title,  # none beside a bare link: its page's
            published=published,
            content=title,
            content_format="text",
            read_at_url=True,
        ))
    if len(items) < 2 or without > MAX_LINES_WITHOUT_A_LINK:
        return None
    items[0].notes = [*notes, f"a list of {len(items)} links: each article is read from its page"]
    return items
