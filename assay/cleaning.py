"""From a source's HTML or text to a clean article body with its sections and Highlights.

Everything a source says is first turned into blocks (heading, paragraph, list
item), so the rules below (mojibake, boilerplate, Highlights) are written once
for feeds, pages and files alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import ftfy
import lxml.etree
import lxml.html
import markdown

from assay.types import Section

BlockKind = Literal["heading", "paragraph", "item"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # nesting depth of list items


# --- text repair -------------------------------------------------------------

# ftfy undoes UTF-8 read as cp1252/latin-1 ("â€™"), but not as Thai windows-874
# ("โ€™", "ยฐ"), which real articles carry too. windows-874 leaves some bytes
# undefined; the mojibake we see fills them from cp1252 (0x99 -> "™").
def _windows_874_sloppy() -> dict[str, int]:
    char_to_byte: dict[str, int] = {}
    for byte in range(0x80, 0x100):
        for codec in ("cp874", "cp1252", "latin-1"):
            try:
                char_to_byte.setdefault(bytes([byte]).decode(codec), byte)
                break
            except UnicodeDecodeError:
                continue
    return char_to_byte


_CP874_BYTES = _windows_874_sloppy()
_CP874_RUN = re.compile("[" + re.escape("".join(_CP874_BYTES)) + "]{2,}")
_THAI = re.compile("[\u0e00-\u0e7f]")


def _undo_thai_mojibake(text: str) -> str:
    def repair(match: re.Match[str]) -> str:
        run = match.group()
        if not _THAI.search(run):
            return run
        try:
            return bytes(_CP874_BYTES[c] for c in run).decode("utf-8")
        except UnicodeDecodeError:
            return run  # real Thai text, or not this kind of damage

    return _CP874_RUN.sub(repair, text)


_OPENS_IN_NEW_TAB = re.compile(r"\s*\(opens in a new tab\)")
_CDATA_LEFTOVER = re.compile(r"<!\[CDATA\[|\]\]>")
_WP_COMMENT = re.compile(r"©?<?!--\s*/?wp:[^>]*-->|<!--.*?-->", re.S)
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")


def repair_text(text: str) -> str:
    """Mojibake, markup leftovers and spacing, fixed without touching the words."""
    text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True)
    text = _undo_thai_mojibake(text)
    text = _CDATA_LEFTOVER.sub("", text)
    text = _WP_COMMENT.sub("", text)
    text = _OPENS_IN_NEW_TAB.sub("", text)
    return _SPACES.sub(" ", text).strip()


# --- boilerplate -------------------------------------------------------------

_BOILERPLATE = re.compile(
    r"""^(?:
        leave\ a\ (?:reply|comment).*
      | \d+\ comments?
      | no\ (?:replies|comments)\ yet\.?
      | join\ the\ full\ discussion.*
      | (?:share|share\ this|related\ posts?|read\ more|continue\ reading)[:.…]?
      | you\ must\ be\ logged\ in\ to\ post\ a\ comment\.?
      | cancel\ reply
    )$""",
    re.I | re.X,
)


def is_boilerplate(text: str) -> bool:
    return not text or bool(_BOILERPLATE.match(text))


# --- blocks from each format -------------------------------------------------

_BLOCK_TAGS = {"p", "div", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption", "section", "article"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"script", "style", "noscript", "nav", "footer", "form", "button", "svg", "iframe", "template"}


def _own_text(element: lxml.html.HtmlElement) -> str:
    """Text of an element without the text of nested lists (they become their own items)."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            parts.append(child.tail or "")
            continue
        if child.tag not in ("ul", "ol") and child.tag not in _SKIP_TAGS:
            parts.append(_own_text(child) if child.tag not in _BLOCK_TAGS else "")
        parts.append(child.tail or "")
    return "".join(parts)


def html_blocks(html: str) -> list[Block]:
    """Blocks of an HTML fragment or document (feed `content:encoded`, Markdown output)."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks: list[Block] = []

    def walk(element: lxml.html.HtmlElement, depth: int) -> None:
        for child in element:
            if not isinstance(child.tag, str) or child.tag in _SKIP_TAGS:
                continue
            tag = child.tag.lower()
            if tag in _HEADING_TAGS:
                blocks.append(Block("heading", child.text_content()))
            elif tag in ("ul", "ol"):
                walk(child, depth + 1)
            elif tag == "li":
                blocks.append(Block("item", _own_text(child), level=max(depth - 1, 0)))
                for nested in child.iter("ul", "ol"):
                    if nested.getparent() is child:
                        walk(nested, depth + 1)
            elif tag in _BLOCK_TAGS and any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS | _HEADING_TAGS | {"ul", "ol"} for c in child):
                if (child.text or "").strip():
                    blocks.append(Block("paragraph", child.text))
                walk(child, depth)
            elif tag in _BLOCK_TAGS:
                blocks.append(Block("paragraph", child.text_content()))
            elif tag == "br":
                continue
            else:  # inline element at block level, e.g. a bare <a> or <strong>
                blocks.append(Block("paragraph", child.text_content()))
            if child.tail and child.tail.strip():
                blocks.append(Block("paragraph", child.tail))

    if root.text and root.text.strip():
        blocks.append(Block("paragraph", root.text))
    walk(root, 0)
    return blocks


def extracted_blocks(xml: str) -> list[Block]:
    """Blocks of trafilatura's XML output for a whole page (main text only)."""
    root = lxml.etree.fromstring(xml.encode())
    main = root.find("main")
    blocks: list[Block] = []
    if main is None:
        return blocks

    def walk(element: lxml.etree._Element, depth: int) -> None:
        for child in element:
            text = "".join(child.itertext()) if child.tag != "item" else (child.text or "")
            if child.tag == "head":
                blocks.append(Block("heading", text))
            elif child.tag == "list":
                walk(child, depth + 1)
            elif child.tag == "item":
                inline = "".join(
                    (c.text or "") + (c.tail or "") if c.tag != "list" else (c.tail or "") for c in child
                )
                blocks.append(Block("item", (child.text or "") + inline, level=max(depth - 1, 0)))
                for nested in child.findall("list"):
                    walk(nested, depth + 1)
            else:
                blocks.append(Block("paragraph", text))

    walk(main, 0)
    return blocks


_BULLET = re.compile(r"^(?P<indent>\s*)(?:[•*\-–]|\d+[.)])\s+(?P<text>\S.*)$")
_SENTENCE_END = (".", "!", "?", ":", ";", ",", "”", '"', ")", "…")


def _looks_like_heading(line: str) -> bool:
    """Plain text has no tags: a short line without closing punctuation is a heading."""
    return len(line) <= 100 and len(line.split()) <= 14 and not line.endswith(_SENTENCE_END)


def text_blocks(text: str) -> list[Block]:
    """Blocks of plain text: one paragraph per non-empty line or blank-line-separated group."""
    blocks: list[Block] = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = [line.rstrip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        bullets = [_BULLET.match(line) for line in lines]
        if all(bullets):
            indents = sorted({len(b["indent"].expandtabs(4)) for b in bullets if b})
            for b in bullets:
                assert b
                blocks.append(Block("item", b["text"], level=indents.index(len(b["indent"].expandtabs(4)))))
        elif len(lines) == 1 and _looks_like_heading(lines[0].strip()):
            blocks.append(Block("heading", lines[0]))
        else:
            blocks.append(Block("paragraph", " ".join(line.strip() for line in lines)))
    return blocks


def markdown_blocks(text: str) -> list[Block]:
    return html_blocks(markdown.markdown(text))


# --- assembly ------------------------------------------------------------------

HIGHLIGHTS_HEADINGS = {"highlights", "key highlights"}


def split_highlights(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """Take the publisher's Highlights bullets out of the body: they are a human summary, not text."""
    for i, block in enumerate(blocks):
        if block.kind in ("heading", "paragraph") and block.text.strip().rstrip(":").lower() in HIGHLIGHTS_HEADINGS:
            end = i + 1
            while end < len(blocks) and blocks[end].kind == "item":
                end += 1
            if end > i + 1:
                return [b.text for b in blocks[i + 1 : end]], blocks[:i] + blocks[end:]
    return [], blocks


@dataclass(frozen=True)
class CleanText:
    body: str
    sections: list[Section]
    highlights: list[str]


def clean_blocks(blocks: list[Block]) -> CleanText:
    """Repair every block, drop boilerplate, split off Highlights, and lay the body out with offsets."""
    repaired = [Block(b.kind, repair_text(b.text), b.level) for b in blocks]
    repaired = [b for b in repaired if not is_boilerplate(b.text)]
    highlights, body_blocks = split_highlights(repaired)
    # Trailing headings with nothing under them (a "Comments" title, say) are navigation.
    while body_blocks and body_blocks[-1].kind == "heading":
        body_blocks.pop()

    body = ""
    sections: list[Section] = []
    heading: str | None = None
    section_start = 0
    previous: Block | None = None
    for block in body_blocks:
        if body:
            body += "\n" if (block.kind == "item" and previous and previous.kind == "item") else "\n\n"
        if block.kind == "heading":
            if body.strip():
                sections.append(Section(heading=heading, start=section_start, end=len(body.rstrip())))
            heading, section_start = block.text, len(body)
        body += ("  " * block.level + "• " + block.text) if block.kind == "item" else block.text
        previous = block
    if body.strip():
        sections.append(Section(heading=heading, start=section_start, end=len(body)))
    return CleanText(body=body, sections=sections, highlights=highlights)


def blocks_for(content: str, content_format: str) -> list[Block]:
    readers = {"html": html_blocks, "extracted": extracted_blocks, "text": text_blocks, "markdown": markdown_blocks}
    return readers[content_format](content)
