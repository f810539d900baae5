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

A digest sent as HTML only (a newsletter's "top stories", Google Alerts' HTML) holds the same
headlines as links: a link on a line of its own (first in its cell, heading or paragraph, followed
by another block or a line break) is a headline, the text up to the next one its publisher and
teaser. A link inside a sentence is no headline, so an article sent as HTML stays one article.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
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


# Links a digest carries that are no articles: its own management, sharing and footer links.
_NOT_ARTICLES = re.compile(r"unsubscribe|/alerts|preferences|settings|manage|view (?:it )?(?:in (?:your|a) browser|online)|"
                           r"privacy|terms|mailto:|twitter\.com|facebook\.com|linkedin\.com/share|flag", re.I)
_BLOCKS_OF_TEXT = {"p", "div", "td", "th", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "body", "section", "article"}
_LINE_ENDS = _BLOCKS_OF_TEXT | {"br", "table", "ul", "ol", "hr"}


def html_headline_items(html: str, fetched: Fetched, published: datetime | None, notes: list[str]) -> list[RawItem] | None:
    """The headlines of a digest sent as HTML, when it holds two or more; None when it does not."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        return None
    for junk in root.xpath("//script|//style|//head"):
        junk.drop_tree()
    heads = {a: " ".join(a.text_content().split()) for a in root.iter("a") if _is_headline(a)}
    blocks: list[list[str]] = []  # each headline: its title, the text after it, its link last

    def in_a_headline(element: Any) -> bool:
        return any(ancestor in heads for ancestor in element.iterancestors())

    for element in root.iter():
        if not isinstance(element.tag, str):  # a comment
            continue
        if element in heads:
            blocks.append([heads[element], (element.get("href") or "").strip()])
        elif blocks and not in_a_headline(element) and (text := " ".join((element.text or "").split())):
            blocks[-1].insert(-1, text)
        if blocks and not in_a_headline(element) and (tail := " ".join((element.tail or "").split())):
            blocks[-1].insert(-1, tail)  # the text after an element is its parent's: after a headline, the headline's
    # A headline with no teaser stands as its own (headline_items reads a title, a teaser and a link).
    text = "\n\n".join("\n".join([block[0], *(block[1:-1] or block[:1]), f"<{block[-1]}>"]) for block in blocks)
    return headline_items(text, fetched, published, notes) if text else None


def _is_headline(link: Any) -> bool:
    """A link to an article on a line of its own: first in its block (a cell, a heading, a paragraph)
    and followed by nothing but another block or a line break. A link inside a sentence is none."""
    href, title = (link.get("href") or "").strip(), " ".join(link.text_content().split())
    if not href.startswith(("http://", "https://")) or not _WORDS.search(title) or _NOT_ARTICLES.search(f"{href} {title}"):
        return False
    node = link
    while node.getparent() is not None and node.getparent().tag not in _BLOCKS_OF_TEXT:
        if (node.tail or "").strip() or (node.getnext() is not None and node.getnext().tag not in _LINE_ENDS):
            return False
        node = node.getparent()
    container = node.getparent()
    if container is None or (node.tail or "").strip() or (node.getnext() is not None and node.getnext().tag not in _LINE_ENDS):
        return False
    return " ".join(container.text_content().split()).startswith(title)

