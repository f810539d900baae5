"""From a source's HTML or text to a clean article body with its sections and Highlights.

Everything a source says is first turned into blocks (heading, paragraph, list
item), so the rules below (mojibake, boilerplate, Highlights) are written once
for feeds, pages and files alike.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
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


# Han, kana, Hangul and CJK punctuation: text in which full-width forms (，？！（）) are the normal
# punctuation, not stray wide characters.
_CJK = re.compile("[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def repair_text(text: str) -> str:
    """Mojibake, markup leftovers and spacing, fixed without touching the words."""
    # ftfy narrows full-width characters ("？" to "?"): right for a stray "％" in English, wrong for Chinese.
    text = ftfy.fix_text(text, uncurl_quotes=False, fix_line_breaks=True, fix_character_width=not _CJK.search(text))
    text = _undo_thai_mojibake(text)
    text = _CDATA_LEFTOVER.sub("", text)
    text = _WP_COMMENT.sub("", text)
    text = _OPENS_IN_NEW_TAB.sub("", text)
    return _SPACES.sub(" ", text).strip()


# A wire story's version tag, which its provider puts before the headline of each version sent
# again ("UPDATE 2-", "CORRECTED-", "REFILE-", "RPT-"): no words of the title. A genre tag
# ("EXCLUSIVE-", "ANALYSIS-") says what the story is, and stays.
_VERSION_TAG = re.compile(r"^(?:UPDATE(?:\s+\d+)?|UPDATED|CORRECTED|CORRECTION|REFILE|RPT|REPEAT|\d+(?:ST|ND|RD|TH)\s+LD(?:-Writethru)?)\s*[-–—:]\s*(?=\S)")


def without_version_tag(title: str) -> str:
    """"CORRECTED-UPDATE 1-China raises quota" as "China raises quota"."""
    while match := _VERSION_TAG.match(title):
        title = title[match.end():]
    return title


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
      # A page's links to its other stories, set in the text: "Read more: What the new licences mean…"
      # ("Watch:" is not one: a briefing's "Watch: MP Materials reports on Thursday" is its content.)
      | (?:read\ more|also\ read|read\ also|see\ also|related|recommended|read\ next|more\ on\ this|further\ reading)
        \s*[:|–—-]\s*(?:\S+\s+){0,24}\S+
      # An advertisement's slot: "Advertisement · Scroll to continue", "Story continues below advertisement"
      | advertisement(?:\s*[·•|–—-]?\s*scroll\ to\ continue(?:\ with\ content)?)?
      | scroll\ to\ continue(?:\ with\ content)?
      # A photo's caption ending in its credit, set as a paragraph: "Rare earth. Photo: VCG" (a Global Times page written here)
      | (?:[^\n]{0,200}?[.!?]\s+)?(?:file\ )?(?:photo|photograph|picture|image)s?(?:\ by|\ courtesy\ of)?\s*:\s*[\w/.&'’\ -]{1,50}
      | (?:the\ )?(?:story|article)\ continues\ (?:below|after)(?:\ (?:this\ )?(?:advertisement|ad))?
      # A page that draws its text with JavaScript tells a reader without it so (its <noscript>):
      # "You need to enable JavaScript to run this app.", "JavaScript is disabled in your browser."
      | (?:[\w',]+\ ){0,8}(?:enable|turn\ on|activate|allow)\ javascript(?:\ (?:in|on|and|to|for)\ [\w\ ,']{0,60})?[.!]?
      | javascript\ is\ (?:disabled|required|not\ enabled|off)[\w\ ,.']{0,80}
      | (?:this\ )?(?:site|page|app|website)\ requires\ javascript[\w\ ,.']{0,60}
    )$""",
    re.I | re.X,
)


# A paywall's prompt where the text stops: "Subscribe to continue reading", "Already a subscriber? Sign in".
_PAYWALL_PROMPT = re.compile(
    r"\bsubscribe (?:now |today )?to (?:continue|keep) reading\b|\balready (?:a subscriber|a member|have an account)\b"
    r"|\b(?:this|the full|the rest of this) (?:article|story|content|report) is (?:only |exclusively )?(?:available|reserved) "
    r"(?:to|for) (?:\w+ ){0,3}(?:subscribers|members|clients)\b"
    r"|\bto (?:continue reading|read (?:the|this) (?:full|rest of the|whole|entire) (?:article|story))\b.{0,80}\b(?:subscribe|sign in|log in|register)\b"
    r"|\byou have (?:reached|used) (?:your|the|all your) (?:free )?(?:article|monthly|story) ?(?:limit|articles)\b",
    re.I,
)
PAYWALL_PROMPT_MAX_WORDS = 40  # a prompt is short: a paragraph of the article that mentions subscribers is not one


# The notice a page that draws its text with JavaScript shows a reader without it (the boilerplate above drops it).
JS_NOTICE = re.compile(r"\b(?:enable|turn on|activate|allow) javascript\b|\bjavascript is (?:disabled|required|not enabled|off)\b"
                       r"|\brequires javascript\b", re.I)


def is_paywall_prompt(text: str) -> bool:
    return len(text.split()) <= PAYWALL_PROMPT_MAX_WORDS and bool(_PAYWALL_PROMPT.search(text))


def is_boilerplate(text: str) -> bool:
    return not text or bool(_BOILERPLATE.match(text)) or is_paywall_prompt(text)


# --- blocks from each format -------------------------------------------------

_BLOCK_TAGS = {"p", "div", "blockquote", "pre", "td", "th", "dd", "dt", "figcaption", "section", "article"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIP_TAGS = {"script", "style", "noscript", "nav", "footer", "form", "button", "svg", "iframe", "template"}


def _own_text(element: lxml.html.HtmlElement) -> str:
    """Text of an element without the text of nested lists (they become their own items). A block
    inside it is part of it: a loose Markdown list and WordPress write `<li><p>…</p></li>`."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            parts.append(child.tail or "")
            continue
        if child.tag not in ("ul", "ol") and child.tag not in _SKIP_TAGS:
            parts.append(f" {_own_text(child)} " if child.tag in _BLOCK_TAGS else _own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _holds_blocks(element: lxml.html.HtmlElement) -> bool:
    """An element with blocks of its own inside (paragraphs, headings, lists, tables), to be walked, not
    read as one paragraph: a <div> holding only a table is that table, its rows named by their columns."""
    return any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS | _HEADING_TAGS | {"ul", "ol", "table"} for c in element)


def _own_rows(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """A table's rows, not those of the tables inside it."""
    return [row for part in table if isinstance(part.tag, str) for row in ([part] if part.tag == "tr" else part.iterchildren("tr"))]


def _own_cells(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """A table's cells in reading order, not those of the tables inside it."""
    return [cell for row in _own_rows(table) for cell in row.iterchildren("td", "th")]


# A filing's financial table, as EDGAR's HTML has it (Workiva and its kin write it so), spreads each
# figure over cells, "$" in one, "(12,400" in the next, ")" in a third, spans each header over them
# ("Three Months Ended September 30," over a year over "$ | figure | )") and pads with empty cells.
# Read cell by cell, each row was a run of bare figures ("Net loss $ (12,400 ) (18,100 ) …") that
# said none of what they were. As a grid: a column per figure, its header rows read down.
_LONE_CURRENCY = re.compile(r"^(?:[A-Z]{0,3}[$€£¥])$")
_CLOSING = re.compile(r"^(?:\)|%|\)%|%\))$")
_MAX_SPAN = 20


def _span(cell: lxml.html.HtmlElement, attribute: str = "colspan") -> int:
    value = (cell.get(attribute) or "1").strip()
    return min(max(int(value), 1), _MAX_SPAN) if value.isdigit() else 1


def _placed(rows: list[list[lxml.html.HtmlElement]], texts: list[list[str]], figures: list[bool]) -> list[list[str]]:
    """Each row's text by column, as a browser lays the cells out: a cell spanning rows fills its column
    in the rows under it; one spanning columns names each of a header's, and is one figure in a row of them."""
    carried: dict[int, tuple[str, int]] = {}  # column: (text, rows still to fill)
    placed_rows = []
    for cells, row_texts, has_figures in zip(rows, texts, figures, strict=True):
        placed: dict[int, str] = {}
        below: dict[int, tuple[str, int]] = {}
        column = 0
        for cell, text in zip(cells, row_texts, strict=True):
            while column in carried:
                column += 1
            span, down = _span(cell), _span(cell, "rowspan")
            for k in range(span):
                placed[column + k] = text if not has_figures or k == span - 1 else ""
                if down > 1:
                    below[column + k] = (placed[column + k], down - 1)
            column += span
        for at, (text, left) in carried.items():
            placed[at] = text
            if left > 1:
                below[at] = (text, left - 1)
        carried = below
        placed_rows.append(placed)
    width = max((max(placed) + 1 for placed in placed_rows if placed), default=0)
    return [[placed.get(j, "") for j in range(width)] for placed in placed_rows]


def _is_figure_row(texts: list[str]) -> bool:
    return any(_FIGURE_CELL.fullmatch(t) and not _YEAR_CELL.fullmatch(t) for t in texts[1:] if t)


def table_grid(table: lxml.html.HtmlElement) -> list[list[tuple[str, bool]]] | None:
    """A filing's table as rows of (text, is a header cell), a figure to a cell, under one header row
    read down from the rows above the figures; None for a table with no spanned cell and no figure
    split over cells, which is read as it is."""
    rows = [cells for row in _own_rows(table) if (cells := list(row.iterchildren("td", "th")))]
    texts = [[" ".join(cell.text_content().split()) for cell in cells] for cells in rows]
    spanned = any(_span(cell) > 1 or _span(cell, "rowspan") > 1 for cells in rows for cell in cells)
    if not spanned and not any(_LONE_CURRENCY.match(t) or _CLOSING.match(t) for row in texts for t in row):
        return None
    figures = [_is_figure_row(row) for row in texts]
    grid = _placed(rows, texts, figures)
    width = len(grid[0]) if grid else 0
    for cells, has_figures in zip(grid, figures, strict=True):
        if not has_figures:
            continue
        for j, text in enumerate(cells):  # "$" | "(12,400" | ")" as "$(12,400)"
            if _LONE_CURRENCY.match(text) and (k := next((k for k in range(j + 1, width) if cells[k]), None)) is not None:
                cells[k], cells[j] = text + cells[k], ""
            elif _CLOSING.match(text) and (k := next((k for k in range(j - 1, 0, -1) if cells[k]), None)) is not None:
                cells[k], cells[j] = cells[k] + text, ""
    if not any(figures):
        return None
    first = figures.index(True)
    kept = [0] + [j for j in range(1, width) if any(cells[j] for cells, f in zip(grid, figures, strict=True) if f)]
    # A row whose words are all in its first cell (spanned or not) is a section's label ("Light rare
    # earths", "Operating expenses:"), not a header's line.
    labels = [i for i, row in enumerate(texts[:first]) if row[0] and not any(row[1:])]
    heads = [cells for i, cells in enumerate(grid[:first]) if i not in labels]
    for cells in heads:  # a header's words over a column that holds no figure go to the next that does
        for j in range(1, width):
            if j not in kept and cells[j] and (k := next((k for k in kept if k > j), None)) is not None and not cells[k]:
                cells[k] = cells[j]
    header = [" ".join(dict.fromkeys(cells[j] for cells in heads if cells[j])) for j in kept]
    out = [[(text, True) for text in header]] if any(header[1:]) else []
    out.extend([(texts[i][0], False)] for i in labels)
    for cells, has_figures in zip(grid[first:], figures[first:], strict=True):
        # A row of words among the figures is a section's label too: one cell.
        out.append([(cells[j], False) for j in kept] if has_figures else [(" ".join(c for c in cells if c), False)])
    return out


def as_grid(table: lxml.html.HtmlElement) -> bool:
    """The table rewritten as `table_grid` reads it (a header row of <th>, a <td> a figure), for a
    reader that reads its cells, as trafilatura does; whether it was."""
    rows = table_grid(table)
    if rows is None:
        return False
    for child in list(table):
        table.remove(child)
    for row in rows:
        tr = lxml.html.Element("tr")
        for text, is_head in row:
            cell = lxml.html.Element("th" if is_head else "td")
            cell.text = text
            tr.append(cell)
        table.append(tr)
    return True


def lays_out(table: lxml.html.HtmlElement) -> bool:
    """A table that lays a page out (an HTML email's, a newsletter feed's) rather than holding data: a
    table inside it, or a cell with a heading or with two paragraphs or more. Read as data, a newsletter
    came out with its heading glued to its text ("Rare Earths WeeklyNdPr prices…") and each nested
    table's text repeated once for every table around it."""
    if any(True for _ in table.iterdescendants("table")):
        return True
    return any(
        any(True for _ in cell.iterdescendants(*_HEADING_TAGS))
        or sum(1 for c in cell if isinstance(c.tag, str) and c.tag in {"p", "div", "ul", "ol", "blockquote"}) >= 2
        for cell in _own_cells(table)
    )


def html_blocks(html: str) -> list[Block]:
    """Blocks of an HTML fragment or document (feed `content:encoded`, Markdown output)."""
    if not html.strip():
        return []
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    # Breaks and cells end their words: "line.<br>Next" and "<td>NdPr</td><td>2,400 t</td>" are never
    # glued into "line.Next" and "NdPr2,400 t". A break is a line break, two are a paragraph's end.
    for element in root.iter("br", "td", "th", "dt", "dd", "tr"):
        element.tail = ("\n" if element.tag in ("br", "tr") else " ") + (element.tail or "")
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
            elif tag == "table" and lays_out(child):  # an email's layout: its cells' text, in order
                for cell in _own_cells(child):
                    if not _holds_blocks(cell):
                        blocks.append(Block("paragraph", cell.text_content()))  # a cell of text alone: one paragraph
                        continue
                    if (cell.text or "").strip():
                        blocks.append(Block("paragraph", cell.text))
                    walk(cell, depth)
            elif tag == "table":  # a row per line (`table_lines`), as a page's table reads
                rows = table_grid(child) or [[(cell.text_content(), cell.tag == "th") for cell in row.iter("td", "th")] for row in child.iter("tr")]
                blocks.append(Block("paragraph", "\n".join(table_lines(rows))))
            elif tag == "pre":  # a wire's table set out in spaces: its rows, as a table's read
                blocks.append(Block("paragraph", "\n".join(spaced_tables(child.text_content().strip("\n").split("\n")))))
            elif tag == "li":
                blocks.append(Block("item", _own_text(child), level=max(depth - 1, 0)))
                for nested in child.iter("ul", "ol"):
                    if nested.getparent() is child:
                        walk(nested, depth + 1)
            elif tag in _BLOCK_TAGS and _holds_blocks(child):
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
    return [Block(b.kind, re.sub(r"[ \t]+\n", "\n", b.text), b.level) for b in blocks]


# A header's first cell that gives the unit of the figures under it, not a label ("Metric", "Segment").
_UNIT_HEADING = re.compile(r"[$€£¥]|\b(?:millions?|thousands?|billions?|tonnes?|metric tons)\b|\((?:t|mt|kt|m|bn|k)\)", re.I)


def table_lines(rows: list[list[tuple[str, bool]]]) -> list[str]:
    """A table's rows (each cell's text, and whether it is a header cell), a line each. Under a header
    row, each row of its width names its figures by their columns, as text writes an estimates row
    ("Revenue: 2025A 512; 2026E 604"): "NdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; Change 51%".
    With its cells apart, as before, the row was "NdPr oxide produced (mt) 721 477 51%": a statement that
    said none of what its figures were (seen on a results release written here). A header row that
    names the rows under it is not a line of its own; the last of several stands. Without a header row,
    for a row of another width (under a merged heading), and for a section's one-cell heading row, the
    cells apart ("NdPr oxide 612,000 +2.1%"). A header's first cell that gives the figures' unit ("($ in
    millions)") goes with each row's label: "Revenue ($ in millions): Q3 2026 84.2; …"."""
    first = [text for text, _ in rows[0]] if rows else []
    rest = [[text for text, _ in row] for row in rows[1:] if len(row) == len(first)]
    if rows and not any(is_head for row in rows for _, is_head in row) and _words_over(first) and _mostly_figures(rest):
        # No header cell marked (an older page's first row of bold <td>s): a first row of words over figures is one.
        rows = [[(text, True) for text, _ in rows[0]], *rows[1:]]
    lines: list[str] = []
    names: list[str] = []
    unit = ""  # the header's first cell when it gives the table's unit: "($ in millions)", "US$m"
    unused: list[tuple[int, str]] = []  # header rows no row under them has named yet, and where they stood

    def keep_unused() -> None:
        for shift, (at, line) in enumerate(unused):
            lines.insert(at + shift, line)
        unused.clear()

    for row in rows:
        cells = [" ".join(text.split()) for text, _ in row]
        apart = " ".join(c for c in cells if c)
        if not apart:
            continue
        if all(is_head for _, is_head in row) and len(cells) >= 2 and any(cells[1:]):
            names = cells
            unit = "" if not _UNIT_HEADING.search(cells[0]) else cells[0] if cells[0].startswith("(") else f"({cells[0]})"
            unused.append((len(lines), apart))
            continue
        if len(cells) == len(names) and any(cells[1:]):
            named = "; ".join(f"{name} {value}" if name else value for name, value in zip(names[1:], cells[1:], strict=True) if value)
            own_unit = cells[0].rstrip(":").endswith(")")  # "NdPr oxide produced (mt)": its own unit, not the header's
            label = " ".join(part for part in (cells[0].rstrip(":"), "" if own_unit else unit) if part)
            lines.append(f"{label}: {named}" if label else named)
            unused.clear()  # the header is in every row it names
        else:
            lines.append(apart)
            if sum(bool(c) for c in cells) > 1:  # a row the header does not name; not a section's label ("Light rare earths")
                keep_unused()
    keep_unused()
    return lines


# A cell that holds a figure: "2,104", "(12.4)", "34%", "A$68.4", "+2.1%", "2,400 t", "n/m", "—".
_FIGURE_CELL = re.compile(r"(?:[A-Z]{0,3}[$€£¥]\s?)?[(+\-–−]?(?:[A-Z]{0,3}[$€£¥])?\d[\d,.]*(?:\s?(?:%|x|bn|m|k|t|kt|mt|pp|bps))?\)?|n/?[ma]|[-–—]+", re.IGNORECASE)
_YEAR_CELL = re.compile(r"(?:19|20)\d\d[AEF]?")


def _heads_a_column(text: str) -> bool:
    """A cell a header holds: words ("Q3 2026", "% Change"), or a year over figures, not a figure."""
    return not _FIGURE_CELL.fullmatch(text) or bool(_YEAR_CELL.fullmatch(text))


def _words_over(first: list[str]) -> bool:
    """A first row that could head columns: words or years in a cell after its first."""
    return any(_heads_a_column(cell.strip()) for cell in first[1:] if cell.strip())


def _mostly_figures(rows: list[list[str]]) -> bool:
    """At least 60 % of the cells after each row's first hold figures (none: no)."""
    values = [cell.strip() for row in rows for cell in row[1:] if cell.strip()]
    return bool(values) and sum(bool(_FIGURE_CELL.fullmatch(v)) for v in values) >= 0.6 * len(values)


CELL_MAX_WORDS = 4  # a column's cell is a few words at most ("Q3 2026", "% Change"); longer is prose beside prose
_HEADER_MAX_LINES = 3  # a header set over more lines than this is text above a table
Cells = list[tuple[float, str]]
"""A line's pieces of text set apart, each with where it starts across the line (a PDF's points, a text file's columns)."""


@dataclass(frozen=True)
class FoundTable:
    start: int
    end: int
    headed: bool
    lines: list[str]
    """The rows as `table_lines` writes them."""
    header: list[str] | None = None
    """The header's cells, a column each (an empty corner as ""); None for a table without one."""


def _columns_line_up(lowest: list[float], highest: list[float]) -> bool:
    """Each column's cells start within their own band across the line (from `lowest` to `highest`),
    left of the next column's: a column may be aligned left or right, and still never reaches into the next."""
    return all(high < low for high, low in zip(highest, lowest[1:], strict=False))


def heads_columns(first: list[str], rest: list[list[str]]) -> bool:
    """Whether a table's first row names the columns of the rows under it: words (or years) over them,
    and under them figures, or three columns or more. Two columns of words are a list of labels and
    values ("Project | Nolans", "Location | Northern Territory"), whose first row names nothing."""
    return _words_over(first) and (_mostly_figures(rest) or len(first) >= 3)


def _header_over(line: Cells | None, rows: list[Cells]) -> bool:
    """The line is the header of these rows with its first cell empty (a table's top-left corner):
    one cell fewer than a row, words, each over its own column, right of the rows' labels."""
    if not line or len(line) != len(rows[0]) - 1 or not _words_over(["", *(text for _, text in line)]):
        return False
    rows = [row for row in rows if len(row) == len(rows[0])]  # not a section's label among them
    starts = list(zip(*([x for x, _ in row] for row in rows), strict=True))
    return all(
        max(starts[j]) < x and (j + 1 == len(line) or x < min(starts[j + 2]))  # right of the column before its own
        for j, (x, _) in enumerate(line)
    )


def _column_extents(rows: list[Cells], width: Callable[[str], float]) -> tuple[list[float], list[float]]:
    """Where each figure column's cells start, leftmost, and end, rightmost (`width`: a cell's width in the positions' unit)."""
    columns = range(1, len(rows[0]))
    return [min(row[j][0] for row in rows) for j in columns], [max(row[j][0] + width(row[j][1]) for row in rows) for j in columns]


def _partial_header(line: Cells | None, rows: list[Cells]) -> Cells | None:
    """The line as the header of these rows when it heads some of their figure columns only, each of its
    cells over one column of its own ("2025  2026e" over mine production's two columns, none over the
    reserves' third, whose heading is on the line above): the header's cells, a column each, "" over
    the columns it leaves. Widths exact (a text's columns): a cell is over a column when they overlap."""
    columns = len(rows[0]) - 1
    if not line or not 1 <= len(line) < columns or not _words_over(["", *(text for _, text in line)]):
        return None
    rows = [row for row in rows if len(row) == len(rows[0])]
    left, right = _column_extents(rows, display_width)
    if min(x for x, _ in line) <= max(row[0][0] for row in rows):  # over the labels: a title or a sentence
        return None
    over: dict[int, str] = {}
    for x, text in line:
        under = [j for j in range(columns) if x < right[j] and left[j] < x + display_width(text)]
        if len(under) != 1 or under[0] in over or (over and under[0] < max(over)):
            return None
        over[under[0]] = text
    return [(float(left[j]), over.get(j, "")) for j in range(columns)]


# The day of a heading's date wrapped onto a line of its own ("Three Months Ended September" over "30,").
_DAY_WRAPPED = re.compile(r"[0-3]?\d,")
_SPANNING_MAX_WORDS = 6  # "Three Months Ended September 30,"
_SPANNING_MAX_LINES = 2  # "Three Months Ended" over "September 30," over the header's years


def _spanning(line: Cells, rows: list[Cells], char_width: float, exact: bool) -> list[str] | None:
    """Each figure column's heading in `line`, a line above the header `rows[0]`, when the line holds
    headings over groups of the columns, side by side: one over all of them, or one over each group
    ("Three Months Ended", "Nine Months Ended"). The columns are parted into groups, in order and none
    empty, each column as near its heading as can be (`apart`); a heading must reach over its group.
    None when the line is no such line: figures, prose, a cell over the rows' labels, more headings
    than columns. With `exact` widths, a column at either end that no heading reaches ("Change" beside
    "Q3 | Q3 | Nine months") is under none ("")."""
    columns = len(rows[0]) - 1
    rows = [row for row in rows if len(row) == len(rows[0])]  # not a section's label among them
    texts = [text for _, text in line]
    if not 1 <= len(line) <= columns or columns < 2 or any(
            len(text.split()) > _SPANNING_MAX_WORDS or not (_heads_a_column(text) or _DAY_WRAPPED.fullmatch(text)) for text in texts):
        return None
    if min(x for x, _ in line) <= max(row[0][0] for row in rows[1:]):  # over the labels: a title or a sentence
        return None

    def width(text: str) -> float:
        return display_width(text) * char_width

    # Where each column's figures lie (the header's cells may hold the words of lines read already).
    left, right = _column_extents(rows[1:], width)

    def apart(x: float, text: str, j: int) -> tuple[float, float]:
        """How far a heading is from column j: the gap between them (none where it reaches over it), then
        between their middles. Figures set right under a centred heading lie right of its middle."""
        end = x + width(text)
        return max(left[j] - end, x - right[j], 0.0), abs((x + end) / 2 - (left[j] + right[j]) / 2)

    best: tuple[tuple[float, float], list[int]] | None = None
    for cuts in itertools.combinations(range(1, columns), len(line) - 1):
        bounds = [0, *cuts, columns]
        groups = list(itertools.pairwise(bounds))
        if any(x + width(text) < left[a] or x > right[b - 1] for (x, text), (a, b) in zip(line, groups, strict=True)):
            continue  # a heading that reaches over none of its group's columns
        far = [apart(x, text, j) for (x, text), (a, b) in zip(line, groups, strict=True) for j in range(a, b)]
        cost = (sum(gap for gap, _ in far), sum(middle for _, middle in far))
        if best is None or cost < best[0]:
            best = (cost, bounds)
    if best is None:
        return None
    over = [texts[g] for g, (a, b) in enumerate(itertools.pairwise(best[1])) for _ in range(a, b)]
    if exact:  # where widths are known (a text's columns), a column at either end that no heading reaches is under none
        starts, ends = line[0][0], line[-1][0] + width(line[-1][1])
        over = [heading if starts <= right[j] and left[j] <= ends else "" for j, heading in enumerate(over)]
    return over


_SECTION_LABEL_MAX_WORDS = 6


def _under_sections(rows: list[Cells]) -> list[Cells]:
    """The rows with the rows set in under a section's label that ends in a colon named by it ("Imports:" over
    "  Compounds and metals  9,000 …": "Imports – Compounds and metals"), the label's own line then gone. Before,
    the USGS summary's imports and exports were two rows called "Compounds and metals" (written here)."""
    out: list[Cells] = []
    section: tuple[float, str] | None = None
    named = False  # whether a row has carried the section's label yet
    for row in rows:
        if len(row) == 1 and row[0][1].endswith(":"):
            if section and not named:
                out.append([section])
            section, named = row[0], False
            continue
        if section and len(row) > 1 and row[0][0] > section[0]:
            row, named = [(row[0][0], f"{section[1].removesuffix(':')} – {row[0][1]}"), *row[1:]], True
        else:
            if section and not named:
                out.append([section])
            section = None
        out.append(row)
    return [*out, [section]] if section and not named else out


def _section_label(cells: Cells, figures_from: float) -> bool:
    """A line of one short cell in a table's labels' column, no sentence: a section's label among its
    rows ("Operating expenses:", "Light rare earths")."""
    return (len(cells) == 1 and cells[0][0] < figures_from and len(cells[0][1].split()) <= _SECTION_LABEL_MAX_WORDS
            and not cells[0][1].endswith((".", "!", "?")) and not _FIGURE_CELL.fullmatch(cells[0][1]))


def _continued(lines: list[Cells | None], header: list[str]) -> FoundTable | None:
    """The rows that open `lines` and carry on a table with this header from the page before: its
    number of cells, a few words in each after the first, mostly figures, and no header of their own."""
    end = 0
    while end < len(lines) and (cells := lines[end]) and len(cells) == len(header) and all(
            len(text.split()) <= CELL_MAX_WORDS for _, text in cells[1:]):
        end += 1
    rows = [[text for _, text in cells or []] for cells in lines[:end]]
    if not end or not _mostly_figures(rows) or heads_columns(rows[0], rows[1:]):
        return None
    return FoundTable(0, end, True, table_lines([[(text, True) for text in header], *([(text, False) for text in row] for row in rows)]), header)


def find_tables(
    lines: list[Cells | None], continued: list[str] | None = None, char_width: float = 1.0, char_width_exact: bool = True
) -> list[FoundTable]:
    """The tables among lines given as their cells (None: not known). A table is three lines at least,
    each with the same number of cells (two or more), every cell after the first a few words, the
    columns lined up, and figures in most of the cells under the first row: two columns of prose side
    by side are none. Its first line is a header when it holds words over the columns of figures; a
    line above with one cell fewer, over the columns, is a header with an empty corner. `continued`:
    the header of a table that ran to the foot of the page before, whose rows may open these lines
    (one or two of them are rows too), named by that header when they have none of their own.
    `char_width`: a character's width in the cells' positions' unit (a text file's columns: 1, exact; a
    PDF's points: about half the type's size, an estimate), to find where a heading's middle is."""
    found: list[FoundTable] = [table] if continued and (table := _continued(lines, continued)) else []
    i = found[0].end if found else 0
    while i < len(lines):
        first = lines[i]
        if not first or len(first) < 2:
            i += 1
            continue
        end = i + 1
        lowest = highest = [x for x, _ in first]  # where each column's cells start, leftmost and rightmost so far
        while end < len(lines) and (cells := lines[end]) is not None:
            if (_section_label(cells, lowest[1]) and end + 1 < len(lines) and (after := lines[end + 1]) and len(after) == len(first)
                    and _mostly_figures([[text for _, text in after]])):  # a row of figures under it, not another table's header
                end += 1  # "Operating expenses:" between a filing's rows: a row of the table, its one cell apart
                continue
            if len(cells) != len(first):
                break
            low, high = [min(a, x) for a, (x, _) in zip(lowest, cells, strict=True)], [max(a, x) for a, (x, _) in zip(highest, cells, strict=True)]
            if any(len(text.split()) > CELL_MAX_WORDS for _, text in cells[1:]) or not _columns_line_up(low, high):
                break
            lowest, highest, end = low, high, end + 1
        while end > i + 1 and len(lines[end - 1] or []) != len(first):  # a label the run ends on is the table's no more
            end -= 1
        if end - i < 3 or not _mostly_figures([[text for _, text in cells or []] for cells in lines[i + 1 : end] if len(cells or []) == len(first)]):
            i = end if end - i >= 3 else i + 1  # a run of lined-up words is no table, nor is any run inside it
            continue
        rows = [list(cells or []) for cells in lines[i:end]]
        start, headed = i, heads_columns([text for _, text in first], [[text for _, text in cells or []] for cells in lines[i + 1 : end]])
        if (not headed and i > 0 and (not found or found[-1].end < i) and char_width_exact
                and (partial := _partial_header(lines[i - 1], rows)) is not None):
            start, headed, rows = i - 1, True, [[(0.0, ""), *partial], *rows]
        elif not headed and i > 0 and (not found or found[-1].end < i) and _header_over(lines[i - 1], rows):
            start, headed, rows = i - 1, True, [[(0.0, ""), *(lines[i - 1] or [])], *rows]
            # A header set over lines ("2026" over "(tonnes)", "Three months ended" over "Sep 30, 2026"):
            # each column's words read down. Before, the top line stood alone and the bottom one named the figures.
            # The top line may fill the corner ("Month" over the labels).
            while (start > 0 and i - start < _HEADER_MAX_LINES and (not found or found[-1].end < start)
                   and (above := lines[start - 1]) and all(len(text.split()) <= CELL_MAX_WORDS for _, text in above)
                   and _header_over(columns := above[1:] if len(above) == len(rows[1]) else above, rows[1:])):
                corner = f"{above[0][1]} {rows[0][0][1]}".strip() if len(above) == len(rows[1]) else rows[0][0][1]
                rows[0] = [(0.0, corner), *((x, f"{top} {text}") for (x, text), (_, top) in zip(rows[0][1:], columns, strict=True))]
                start -= 1
        # Lines of headings each over a group of the columns ("Three Months Ended" over two years, "Nine
        # Months Ended" over two more; or one over all of them): each column's, read first. Before, a
        # filing's quarter and nine months were both "2026", and the line above was a heading of its own.
        header_line = start if headed else None
        while (header_line is not None and start > 0 and header_line - start < _SPANNING_MAX_LINES
               and (not found or found[-1].end < start) and (above := lines[start - 1])
               and (over := _spanning(above, rows, char_width, char_width_exact)) is not None):
            rows[0] = [rows[0][0], *((x, f"{heading} {text}".strip()) for (x, text), heading in zip(rows[0][1:], over, strict=True))]
            start -= 1
        rows = _under_sections(rows)
        found.append(FoundTable(start, end, headed, table_lines([[(text, headed and r == 0) for _, text in row] for r, row in enumerate(rows)]),
                                [text for _, text in rows[0]] if headed else None))
        i = end
    return found


def _extracted_text(element: lxml.etree._Element) -> str:
    """An element's text in trafilatura's XML, with its line breaks (`<lb/>`) as line breaks and a
    table's rows as lines (`table_lines`), never glued ("winter.Drilling")."""
    if element.tag == "table":
        rows = [[("".join(cell.itertext()), cell.get("role") == "head") for cell in row.iter("cell")] for row in element.iter("row")]
        return "\n".join(table_lines(rows))

    def text(node: lxml.etree._Element) -> str:
        structural = node.tag in ("table", "row")  # their own text and tails are the XML's indentation
        parts = [] if structural else [node.text or ""]
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            else:
                parts.append(text(child) + {"row": "\n", "cell": " "}.get(str(child.tag), ""))
            if not structural:
                parts.append(child.tail or "")
        return "".join(parts)

    return "\n".join(" ".join(line.split()) for line in spaced_tables(text(element).strip("\n").split("\n")))


# A page's standfirst, set as a heading above the text ("<h3 class="subtitle">Europe's magnet makers are
# paying 40% more than in June, and nobody is talking about it</h3>"): the article's first block, as
# long as a sentence. It is what the article says, not a section's name over all of it.
_STANDFIRST_WORDS = 8


def extracted_blocks(xml: str) -> list[Block]:
    """Blocks of trafilatura's XML output for a whole page (main text only)."""
    root = lxml.etree.fromstring(xml.encode())
    main = root.find("main")
    blocks: list[Block] = []
    if main is None:
        return blocks

    def walk(element: lxml.etree._Element, depth: int) -> None:
        for child in element:
            text = _extracted_text(child) if child.tag != "item" else (child.text or "")
            if child.tag == "head" and not (not blocks and len(text.split()) >= _STANDFIRST_WORDS):
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


# A list item a text writes with a bullet or a number ("• …", "- …", "2) …"): its indent and its text. Word's symbol
# bullets come out as "·", "▪", "o" or "" in a copy (an exchange's RNS announcement's "· US$85 million senior debt
# facility…" had been a heading each, so no statement).
BULLET_LINE = re.compile(r"^(?P<indent>\s*)(?P<mark>[•*\-–·▪◦‣■►➢]|\d+[.)]|\(\d{1,2}\)|\([a-z]\)|\((?:i{1,3}|iv|vi{0,3}|ix|x)\))\s+(?P<text>\S.*)$")  # "(1) …", "(a) …": a notice's clauses
# Closing punctuation: a line ending in one of these is not a heading.
_SENTENCE_END = (
    ".", "!", "?", ":", ";", ",", "”", '"', ")", "…",
    "。", "！", "？", "：", "；", "，", "」", "』", "）", "»", "؟", "۔", "।",
)
# Line breaks as editors on any system write them, and page breaks. (Not U+0085: "…" in cp1252 read
# as latin-1, which ftfy repairs later.)
LINE_BREAKS = re.compile(r"\r\n|[\r\n\f\v\u2028\u2029]")
# A line that ends a sentence: a full stop, question or exclamation mark in any script, then closing quotes or brackets.
ENDS_SENTENCE = re.compile(r"[.!?…。！？؟۔।][\"'”’»)\]」』）]*$")


def display_width(text: str) -> int:
    """Columns a line takes in a fixed-width editor: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# A table's row as `table_lines` writes it under a header: a label, then columns of a few words that
# end in a figure ("n/m" where there is none). Not prose, not a heading. A column's name read down a
# filing's header takes six words ("Three Months Ended September 30, 2026 $84,200").
_TABLE_VALUE = r"(?:\S+\s+){0,6}(?:\S*\d\S*|n/?[ma]|[-–—])"
TABLE_ROW = re.compile(rf"^[^;:]{{1,80}}:\s+{_TABLE_VALUE}(?:;\s+{_TABLE_VALUE})+$")
# A credit or metadata line: "Source: Xinhua | Editor: Li Wei | 2026-11-27" (seen on a state-media story
# nobody here labelled) is no heading over the story.
_LABELLED_LINE = re.compile(r"^(?:sources?|editors?|reporters?|authors?|photos?|credits?|published|updated|posted)\s*:", re.I)


def looks_like_heading(line: str) -> bool:
    """Plain text has no tags: a short line without closing punctuation is a heading, unless it is a
    credit or metadata line, or a table's row."""
    return (
        display_width(line) <= 100 and len(line.split()) <= 14 and not line.endswith(_SENTENCE_END)
        and not _LABELLED_LINE.match(line) and not TABLE_ROW.match(line)
    )


@dataclass(frozen=True)
class TextLayout:
    """How a plain-text file lays its paragraphs out: hard-wrapped at `width` columns, or not
    (one paragraph per line, or per blank-line-separated group)."""

    wrapped: bool
    width: int = 0


def _percentile(values: list[int], share: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def text_layout(text: str) -> TextLayout:
    """Whether a plain-text file is hard-wrapped, decided once for the whole file.

    The rule: look at each pair of consecutive non-blank, non-bullet lines. A line "left open"
    does not end a sentence. A file is hard-wrapped when at least two lines are left open, they
    are at least 40 % of the pairs, they are 30 columns or more (the wrap width W is the 90th
    percentile of their widths), and hardly any line (under 10 %) is much wider than W. A file
    written one paragraph per line fails the last test: its paragraphs are long lines, and what
    it leaves open are headings and titles. Anything else is not wrapped.
    """
    lines = [line.strip() for line in LINE_BREAKS.split(text)]
    prose = [line for line in lines if line and not BULLET_LINE.match(line)]
    pairs = [
        (a, b) for a, b in zip(lines, lines[1:], strict=False) if a and b and not BULLET_LINE.match(a) and not BULLET_LINE.match(b)
    ]
    open_widths = [display_width(a) for a, _ in pairs if not ENDS_SENTENCE.search(a)]
    if len(open_widths) < 2 or len(open_widths) < 0.4 * len(pairs):
        return TextLayout(wrapped=False)
    width = _percentile(open_widths, 0.9)
    too_wide = sum(display_width(line) > 1.15 * width + 5 for line in prose)
    if width < 30 or too_wide > 0.1 * len(prose):
        return TextLayout(wrapped=False)
    return TextLayout(wrapped=True, width=width)


def _starts_lowercase(line: str) -> bool:
    return line[:1].islower()


def _first_word(line: str) -> str:
    return line.split(maxsplit=1)[0] if line.split() else ""


def _continues(previous: str, line: str, layout: TextLayout) -> bool:
    """Whether `line` goes on the paragraph that `previous` is the last line of.

    Hard-wrapped: yes, unless `previous` ends a sentence (or is a heading), `line` does not start
    in lower case, and the first word of `line` would have fitted on `previous` (a wrapping editor
    only breaks a line when the next word does not fit, so a break before room runs out is a
    paragraph break). Not wrapped: only a line that plainly carries on the sentence (it starts in
    lower case after a line that does not end one) continues it; every other line is a paragraph.
    """
    previous, line = previous.strip(), line.strip()
    if _starts_lowercase(line) and not ENDS_SENTENCE.search(previous):
        return True
    if not layout.wrapped:
        return False
    closes = bool(ENDS_SENTENCE.search(previous)) or looks_like_heading(previous)
    fits = display_width(previous) + 1 + display_width(_first_word(line)) <= layout.width
    return not (closes and not _starts_lowercase(line) and fits)


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def join_lines(lines: list[str]) -> str:
    """Lines of one paragraph as one line: a space between words, none between CJK characters,
    and a word broken at a hyphen ("rare-" / "earth") kept whole."""
    joined = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if not joined:
            joined = line
        elif _is_wide(joined[-1]) and _is_wide(line[0]):
            joined += line
        elif joined.endswith("-") and joined[-2:-1].isalpha() and _starts_lowercase(line):
            joined += line
        else:
            joined += " " + line
    return joined


def spaced_tables(lines: list[str]) -> list[str]:
    """Lines where a table set out in columns of spaces (`find_tables`) is written a row to a line as
    `table_lines` writes one; every other line as it was."""
    out: list[str] = []
    done = 0
    for table in find_tables([_text_cells(line) for line in lines]):
        out.extend(lines[done : table.start])
        out.extend(table.lines)
        done = table.end
    return out + lines[done:]


_SIGN_SPACED = re.compile(r"^([A-Z]{0,3}[$€£¥])\s+(?=[(\d])")


def signs_joined(cells: Cells) -> Cells:
    """A line's cells with a figure's signs set apart joined to it, as a filing sets them ("$   84.2",
    "$ | (12,400 | )"): the currency sign goes with the figure after it, at its place ("$84.2"); a
    closing bracket or a per cent sign with the figure before it ("$(12,400)")."""
    joined: Cells = []
    for x, text in cells:
        text = _SIGN_SPACED.sub(r"\1", text)  # "$ 231.5", one space apart: one cell already
        if joined and (_LONE_CURRENCY.match(joined[-1][1]) or _CLOSING.match(text)):
            joined[-1] = (joined[-1][0], joined[-1][1] + text)  # "$84.2", as an HTML filing's cells are joined
        else:
            joined.append((x, text))
    return joined


def _text_cells(line: str) -> Cells:
    """A plain-text line's pieces set apart by two spaces or more, each with the column it starts at."""
    line = line.expandtabs(8)
    return signs_joined([(display_width(line[: m.start()]), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)])


def text_blocks(text: str) -> list[Block]:
    """Blocks of plain text, read line by line with the file's `text_layout`: a blank line always
    ends a paragraph; a bullet line is a list item (an indented or lower-case line after it carries
    it on); any other line starts a paragraph unless `_continues` says it carries on the last one.
    A one-line paragraph that looks like a heading is a heading. A table set out in columns of
    spaces is read as a page's table is (`find_tables`): the wire's "NdPr oxide produced (t)   2,104
    1,892   11%" under its header was a heading, and said none of what its figures were."""
    layout = text_layout(text)
    blocks: list[Block] = []
    paragraph: list[str] = []
    items: list[tuple[int, list[str]]] = []  # (indent, lines) of the list being read
    marks: list[str] = []  # each item's mark ("2.", "(1)")

    def end_paragraph() -> None:
        if len(paragraph) == 1 and looks_like_heading(paragraph[0].strip()):
            blocks.append(Block("heading", paragraph[0].strip()))
        elif paragraph:
            blocks.append(Block("paragraph", join_lines(paragraph)))
        paragraph.clear()

    def end_list() -> None:
        # A numbered heading over its clauses ("2. Outline of the facility" over "(1) Location: …", a
        # Tokyo-listed company's notice): a heading, not the list's first item.
        if (len(items) >= 2 and re.fullmatch(r"\d+[.)]", marks[0]) and all(m.startswith("(") for m in marks[1:])
                and len(items[0][1]) == 1 and looks_like_heading(items[0][1][0].strip())):
            blocks.append(Block("heading", items[0][1][0].strip()))
            del items[0]
        indents = sorted({indent for indent, _ in items})
        blocks.extend(Block("item", join_lines(lines), level=indents.index(indent)) for indent, lines in items)
        items.clear()
        marks.clear()

    previous = ""
    lines = _highlights_as_bullets(LINE_BREAKS.split(text))
    tables = {table.start: table for table in find_tables([_text_cells(line) for line in lines])}
    skip_to = 0
    for at, line in enumerate(lines):
        if at < skip_to:
            continue
        if table := tables.get(at):  # a table set out in columns of spaces (wire copy, pdftotext -layout): its rows
            end_paragraph()
            end_list()
            blocks.append(Block("paragraph", "\n".join(table.lines)))
            skip_to, previous = table.end, ""
            continue
        line = line.rstrip()
        bullet = BULLET_LINE.match(line)
        if not line.strip():
            end_paragraph()
            end_list()
        elif bullet:
            end_paragraph()
            items.append((len(bullet["indent"].expandtabs(4)), [bullet["text"]]))
            marks.append(bullet["mark"])
        elif items and (line[:1].isspace() or (_starts_lowercase(line.strip()) and not ENDS_SENTENCE.search(previous))):
            items[-1][1].append(line)
        else:
            end_list()
            if paragraph and not _continues(paragraph[-1], line, layout):
                end_paragraph()
            paragraph.append(line)
        previous = line.strip()
    end_paragraph()
    end_list()
    return blocks


def _highlights_as_bullets(lines: list[str]) -> list[str]:
    """A Highlights list whose bullets were lost (copied from a page, or a feed's tags stripped): the run
    of lines under the heading, up to a blank line, when each is a whole sentence, is its items. A
    line ending in ":" opens a sub-list, the next run, whatever its lines; after a sub-list the list
    goes on only with another such line. A paragraph wrapped under the heading has lines that end
    mid-sentence, and stays a paragraph."""
    head = next((i for i, line in enumerate(lines) if line.strip()), None)
    if head is None or lines[head].strip().rstrip(":").lower() not in HIGHLIGHTS_HEADINGS:
        return lines  # only a Highlights block the text opens with

    def run_at(start: int) -> tuple[int, int]:
        start = next((j for j in range(start, len(lines)) if lines[j].strip()), len(lines))
        return start, next((j for j in range(start, len(lines)) if not lines[j].strip()), len(lines))

    items: list[str] = []
    first, end = run_at(head + 1)
    run = lines[first:end]
    whole = all(ENDS_SENTENCE.search(r.rstrip()) or r.rstrip().endswith(":") for r in run)
    if not run or not whole or any(BULLET_LINE.match(r) for r in run) or (len(run) < 2 and not run[-1].rstrip().endswith(":")):
        return lines
    while run and end < len(lines):
        items.extend(f"• {r.strip()}" for r in run)
        if not run[-1].rstrip().endswith(":"):
            break
        start, end = run_at(end)  # the sub-list
        items.extend(f"  • {r.strip()}" for r in lines[start:end])
        start, after = run_at(end)
        run = lines[start:after] if after - start == 1 and lines[start].rstrip().endswith(":") and start == end + 1 else []
        end = after if run else end
    return [*lines[:first], *items, *lines[end:]]


_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_MARKDOWN_LIST_ITEM = re.compile(r"^\s{0,3}(?:[*+\-]|\d+[.)])\s+\S")
_MARKDOWN_OWN_LINE = re.compile(r"^\s{0,3}(?:#|>|\||<|[=\-]+\s*$|(?:[*_-]\s*){3,}$)|^(?:\s{4}|\t)")


def _markdown_paragraphs(text: str) -> str:
    """Blank lines where Python-Markdown needs them to see what a writer meant: before a list
    that follows a paragraph line, after a list that a paragraph follows, and, in a file written
    one paragraph per line (see `text_layout`), between its lines. Code fences, tables, quotes,
    HTML, headings and setext underlines are left as they are."""
    wrapped = text_layout(text).wrapped
    out: list[str] = []
    in_fence = False
    previous = ""
    for line in LINE_BREAKS.split(text):
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence and previous.strip() and line.strip() and not _MARKDOWN_OWN_LINE.match(line):
            prev_item, item = bool(_MARKDOWN_LIST_ITEM.match(previous)), bool(_MARKDOWN_LIST_ITEM.match(line))
            plain_previous = not prev_item and not _MARKDOWN_OWN_LINE.match(previous)
            carries_on = _starts_lowercase(line.strip()) and not ENDS_SENTENCE.search(previous.strip())
            if (
                (item and plain_previous)
                or (prev_item and not item and not line[:1].isspace() and not carries_on)
                or (not wrapped and plain_previous and not item and not carries_on)
            ):
                out.append("")
        out.append(line)
        previous = line if not in_fence else ""
    return "\n".join(out)


def _soft_breaks_as_spaces(html: str) -> str:
    """A line break inside a Markdown paragraph is a soft break (the file was wrapped): a space,
    or nothing between CJK characters. Code blocks keep their lines."""
    if not html.strip():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        in_pre = any(a.tag == "pre" for a in element.iterancestors())
        if not in_pre and element.tag != "pre" and element.text and "\n" in element.text.strip():
            element.text = _join_soft(element.text)
        if not in_pre and element.tail and "\n" in element.tail.strip():
            element.tail = _join_soft(element.tail)
    return str(lxml.html.tostring(root, encoding="unicode"))


def _join_soft(text: str) -> str:
    """Soft breaks in a run of text, keeping the spaces at its ends (they separate it from inline markup)."""
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
    return lead + join_lines([line for line in text.strip().split("\n") if line.strip()]) + trail


def markdown_blocks(text: str) -> list[Block]:
    """Blocks of Markdown. A one-line paragraph in title case with no closing punctuation, with text
    after it, is a heading: exports and releases write "About Arafura" or "Forward-Looking
    Statements" as a line of its own, not as "## …"."""
    # "tables" (built into Python-Markdown): a pipe table is rows of cells, as a page's table is, never
    # one line of pipes and dashes read as a statement.
    # "footnotes" (built in too): a reference "[^1]" is written "[1]", a marker the splitter knows, and the
    # notes go under a "Notes" heading, which it skips (seen on a Markdown analysis written here: both were
    # statements, the notes highlights).
    html = markdown.markdown(_markdown_paragraphs(text), extensions=["tables", "footnotes"], extension_configs={
        "footnotes": {"SUPERSCRIPT_TEXT": "[{}]", "BACKLINK_TEXT": "", "SEPARATOR": "-"}})
    html = html.replace('<div class="footnote">\n<hr />', '<div class="footnote"><h2>Notes</h2>', 1)
    blocks = html_blocks(_soft_breaks_as_spaces(html))
    return [
        Block("heading", b.text.strip()) if b.kind == "paragraph" and i + 1 < len(blocks) and _titled_line(b.text) else b
        for i, b in enumerate(blocks)
    ]


def _lone_item_heading(blocks: list[Block], i: int) -> bool:
    """A list of one item, no sentence, with a paragraph under it: a briefing's numbered story heading
    ("1. Lynas signs Japanese offtake", then the story), seen on a newsletter written here, where each
    became a statement that repeats its story's first sentence."""
    block = blocks[i]
    return (block.kind == "item" and 0 < i + 1 < len(blocks) and blocks[i + 1].kind == "paragraph"
            and (i == 0 or (blocks[i - 1].kind != "item" and not blocks[i - 1].text.rstrip().endswith((":", "："))))
            and looks_like_heading(block.text.strip()))


def mostly_capitalised(line: str) -> bool:
    """Title case: at least 60 % of the words of 4 letters or more start with a capital."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
    return bool(words) and sum(w[0].isupper() for w in words) / len(words) >= 0.6


def _titled_line(text: str) -> bool:
    """A heading's shape: title case, no closing punctuation, and no figure ("Shares in Lynas Rose 5%" is news)."""
    return looks_like_heading(text.strip()) and mostly_capitalised(text) and not re.search(r"[\d%$€£¥]", text)


# --- assembly ------------------------------------------------------------------

HIGHLIGHTS_HEADINGS = {"highlights", "key highlights", "synopsis"}
# A deck under its heading, one paragraph the publisher wrote to sum the story up: The Economic Times' "Synopsis" (a story written
# here, thirty-third session: its synopsis had been two statements and two highlights, repeating the lede).
_DECK_HEADINGS = {"synopsis"}
DECK_BULLETS = (2, 5)  # how many unheaded bullets over the first paragraph a summary has
DECK_BULLET_WORDS = (4, 25)  # a point of news, not a menu's item ("Markets", "Sign in") that reading the page kept


def split_highlights(blocks: list[Block]) -> tuple[list[str], list[Block]]:
    """Take the publisher's Highlights bullets out of the body: they are a human summary, not text."""
    for i, block in enumerate(blocks):
        if block.kind in ("heading", "paragraph") and block.text.strip().rstrip(":").lower() in HIGHLIGHTS_HEADINGS:
            end = i + 1
            while end < len(blocks) and blocks[end].kind == "item":
                end += 1
            if end > i + 1:
                return [b.text for b in blocks[i + 1 : end]], blocks[:i] + blocks[end:]
            if block.text.strip().rstrip(":").lower() in _DECK_HEADINGS and end < len(blocks) and blocks[end].kind == "paragraph":
                return [blocks[end].text], blocks[:i] + blocks[end + 1 :]
    # Bullets the text opens with, before its first paragraph, short and without a sentence's end: the publisher's summary
    # under the headline, unheaded (Bloomberg's "abstract": a page written here, forty-fourth session, had them as statements).
    lead = next((n for n, block in enumerate(blocks) if block.kind != "item"), len(blocks))
    if (DECK_BULLETS[0] <= lead <= DECK_BULLETS[1] and lead < len(blocks) and blocks[lead].kind == "paragraph"
            and all(DECK_BULLET_WORDS[0] <= len(b.text.split()) <= DECK_BULLET_WORDS[1] and not re.search(r"[.!?:;]$", b.text.strip())
                    for b in blocks[:lead])):
        return [b.text for b in blocks[:lead]], blocks[lead:]
    return [], blocks


@dataclass(frozen=True)
class CleanText:
    body: str
    sections: list[Section]
    highlights: list[str]


# What a chart leaves in a PDF's text (an outlook's figure written here): its axis ticks a line each ("120", "100", …
# "0"), the years under them ("2020 2022 2024 2026 2028 2030") and its unit over them ("kt", "US$/kg", "%").
_AXIS_TICK = re.compile(r"^[-–−]?\d[\d,.]{0,6}\s?%?$")
_AXIS_YEARS = re.compile(r"^(?:(?:19|20)\d\d(?:[-–/]\d{2})?e?\s+){2,}(?:19|20)\d\d(?:[-–/]\d{2})?e?$")
_AXIS_UNIT = re.compile(r"^(?:[A-Za-z$€¥/%'’]{1,4}(?:/[A-Za-z]{1,3})?|(?:US|A|C)?\$\s?(?:m|bn|/kg|/t)|thousand tonnes|tonnes|kt|Mt)$")


def without_chart_axes(blocks: list[Block]) -> list[Block]:
    """The blocks without a chart's axis: three or more ticks in a row (a line each, no words), with the years
    and the unit beside them. Numbers a line each with no label say nothing a reader could use."""
    ticks = [bool(_AXIS_TICK.match(b.text.strip())) for b in blocks]
    dropped: set[int] = set()
    i = 0
    while i < len(blocks):
        end = i
        while end < len(blocks) and ticks[end]:
            end += 1
        if end - i >= 3:
            dropped.update(range(i, end))
            if i > 0 and _AXIS_UNIT.match(blocks[i - 1].text.strip()):
                dropped.add(i - 1)
            if end < len(blocks) and _AXIS_YEARS.match(blocks[end].text.strip()):
                dropped.add(end)
        i = max(end, i + 1)
    return [b for j, b in enumerate(blocks) if j not in dropped]


def clean_blocks(blocks: list[Block]) -> CleanText:
    """Repair every block, drop boilerplate and a chart's axes, split off Highlights, and lay the body out with offsets."""
    repaired = [Block(b.kind, repair_text(b.text), b.level) for b in blocks]
    repaired = without_chart_axes([b for b in repaired if not is_boilerplate(b.text)])
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
    blocks = readers[content_format](content)
    if content_format in ("text", "markdown"):  # a page's list is tagged as one; a text's numbered heading looks like one
        blocks = [Block("heading", b.text.strip()) if _lone_item_heading(blocks, i) else b for i, b in enumerate(blocks)]
    return blocks
