"""Rebuild `samples/rare-earth-exchanges.xml` from the flattened seed feed.

`../shared/seeds/004_*.txt` is a real WordPress RSS 2.0 feed whose XML tags were
stripped: each item is "title link comments-link pubDate guid" on one line, then
the text of `content:encoded` up to the `]]>` that closed its CDATA, then the
`wfw:commentRss` link and the `slash:comments` count. This script puts the tags
back so the demo and the tests can ingest the sample corpus like any other feed.
It was run once and its output committed; run it again only if the seed changes:

    .venv/bin/python scripts/build_sample_feed.py ../shared/seeds/004_*.txt
"""

from __future__ import annotations

import argparse
import re
import sys
from html import escape
from pathlib import Path

ITEM_HEADER = re.compile(
    r"(?P<title>[^\n]+?) (?P<link>https://rareearthexchanges\.com/news/\S+/) "
    r"(?P<comments>https://\S+) "
    r"(?P<date>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000) "
    r"(?P<guid>https://\S+) "
)
CHANNEL_HEADER = re.compile(
    r"^(?P<title>.+?) (?P<link>https://rareearthexchanges\.com) (?P<description>.+?) "
    r"(?P<date>\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d \+0000) (?P<language>[a-z]{2}-[A-Z]{2}) "
    r"(?P<period>\w+) (?P<frequency>\d+) (?P<generator>\S+) (?P<image>\S+) .+? 32 32 "
)
FEED_TAIL = re.compile(r"^(?P<comment_rss>\S+/feed/) (?P<count>\d+)$")
BULLET = re.compile(r"^(?P<indent> *)• (?P<text>.+)$")
SENTENCE_END = (".", "!", "?", ":", ";", ",", "”", '"', ")")


def is_heading(line: str) -> bool:
    """WordPress `<h2>` headings survive flattening as short lines without closing punctuation."""
    return len(line) <= 100 and len(line.split()) <= 14 and not line.endswith(SENTENCE_END)


def text_to_html(text: str) -> str:
    """Turn one flattened `content:encoded` back into the block HTML WordPress emits."""
    html: list[str] = []
    depth = 0  # open <ul> levels
    for raw in text.split("\n"):
        line = raw.rstrip()
        bullet = BULLET.match(line)
        if bullet:
            level = len(bullet["indent"]) // 2  # "  •" is level 1, "    •" level 2
            while depth < level:
                html.append("<ul>")
                depth += 1
            while depth > level:
                html.append("</ul>")
                depth -= 1
            html.append(f"<li>{escape(bullet['text'].strip(), quote=False)}</li>")
            continue
        if not line.strip():
            continue
        while depth:
            html.append("</ul>")
            depth -= 1
        stripped = line.strip()
        tag = "h2" if is_heading(stripped) else "p"
        html.append(f"<{tag}>{escape(stripped, quote=False)}</{tag}>")
    html.extend("</ul>" for _ in range(depth))
    return "\n".join(html)


def excerpt(text: str, words: int = 55) -> str:
    """WordPress's `description`: the first words of the post, then `[…]`."""
    body = " ".join(line.strip(" •") for line in text.split("\n") if line.strip())
    tokens = body.split()
    return " ".join(tokens[:words]) + (" […]" if len(tokens) > words else "")


def parse_seed(seed: str) -> tuple[dict, list[dict]]:
    channel = CHANNEL_HEADER.match(seed)
    if not channel:
        raise SystemExit("seed does not start with a WordPress channel header")
    items = []
    headers = list(ITEM_HEADER.finditer(seed, channel.end() - len(" ")))
    for header, following in zip(headers, headers[1:] + [None]):
        block = seed[header.end() : following.start() if following else len(seed)]
        content, _, tail = block.rpartition("\n]]>\n")
        tail_match = FEED_TAIL.match(tail.strip().split("\n")[0])
        if not content or not tail_match:
            raise SystemExit(f"item {header['title']!r}: no CDATA end or comment feed")
        items.append({**header.groupdict(), "content": content, **tail_match.groupdict()})
    return channel.groupdict(), items


def render(channel: dict, items: list[dict]) -> str:
    def cdata(text: str) -> str:
        assert "]]>" not in text
        return f"<![CDATA[{text}]]>"

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"'
        ' xmlns:slash="http://purl.org/rss/1.0/modules/slash/">',
        "<channel>",
        f"\t<title>{escape(channel['title'])}</title>",
        f"\t<link>{channel['link']}</link>",
        f"\t<description>{escape(channel['description'])}</description>",
        f"\t<lastBuildDate>{channel['date']}</lastBuildDate>",
        f"\t<language>{channel['language']}</language>",
        f"\t<sy:updatePeriod>{channel['period']}</sy:updatePeriod>",
        f"\t<sy:updateFrequency>{channel['frequency']}</sy:updateFrequency>",
        f"\t<generator>{escape(channel['generator'])}</generator>",
        "\t<image>",
        f"\t\t<url>{escape(channel['image'])}</url>",
        f"\t\t<title>{escape(channel['title'])}</title>",
        f"\t\t<link>{channel['link']}</link>",
        "\t\t<width>32</width>",
        "\t\t<height>32</height>",
        "\t</image>",
    ]
    for item in items:
        out += [
            "\t<item>",
            f"\t\t<title>{escape(item['title'])}</title>",
            f"\t\t<link>{escape(item['link'])}</link>",
            f"\t\t<comments>{escape(item['comments'])}</comments>",
            f"\t\t<pubDate>{item['date']}</pubDate>",
            f'\t\t<guid isPermaLink="false">{escape(item["guid"])}</guid>',
            f"\t\t<description>{cdata(excerpt(item['content']))}</description>",
            f"\t\t<content:encoded>{cdata(text_to_html(item['content']))}</content:encoded>",
            f"\t\t<wfw:commentRss>{escape(item['comment_rss'])}</wfw:commentRss>",
            f"\t\t<slash:comments>{item['count']}</slash:comments>",
            "\t</item>",
        ]
    out += ["</channel>", "</rss>", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("seed", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "samples/rare-earth-exchanges.xml")
    args = parser.parse_args(argv)
    channel, items = parse_seed(args.seed.read_text(encoding="utf-8"))
    args.out.write_text(render(channel, items), encoding="utf-8")
    print(f"{len(items)} items -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
