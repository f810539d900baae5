"""A listed company's announcement in the layout the Hong Kong and Singapore exchanges prescribe (and a
Tokyo-listed company's notice and a Shanghai- or Shenzhen-listed one's, below):
the exchange's disclaimer first, then the issuer's name in capitals (its Chinese name, where it
incorporated, its stock code), the announcement's title in capitals ("VOLUNTARY ANNOUNCEMENT" over
its subject), the text, and at the end "By order of the Board", the signer, the place and date, and
who sits on the board.

Read as any text, the disclaimer had been the title and a statement, the folder the publisher, the
board's names statements and the article undated (its date is at the end). Here the disclaimer,
the issuer's block and the closing are taken out of the text, the issuer is the publisher, the
capitals are the title and the closing's date dates it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from assay.readers.opening import date_in, title_case

_DISCLAIMER = re.compile(
    r"(?:takes?|assumes?)\s+no\s+responsibility\s+for\s+the\s+(?:contents|accuracy\s+of\s+any\s+of\s+the\s+statements)\s+"
    r"(?:of|made\s+or\s+reports\s+contained\s+in)\s+this\s+(?:announcement|document|circular|notice)",
    re.IGNORECASE,
)
_INCORPORATED = re.compile(r"^\(?\s*(?:an?\s+)?(?:[\w-]+\s+){0,4}?(?:incorporated|established|registered|continued)\b.*\)\s*\*?$", re.IGNORECASE)
_CODE_NAMES = r"(?:(?:H\s+shares?\s+)?stock\s+codes?|stock\s+short\s+name|SGX\s+code|HKEX\s+code|(?:company\s+)?registration\s+(?:no|number)\.?)"
# "(Stock Code: 6699)", "Stock code: 6699", "(Company Registration No. 201912345K)": never a sentence ("Stock codes are…").
_STOCK_CODE = re.compile(rf"^(?:\(\s*{_CODE_NAMES}\s*[:：]?|{_CODE_NAMES}\s*[:：])\s*\w", re.IGNORECASE)
_BY_ORDER = re.compile(r"^(?:By\s+order\s+of\s+the\s+Board|On\s+behalf\s+of\s+the\s+Board)\b", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_OPENING_LINES = 16  # the disclaimer and the issuer's block come before the text


@dataclass
class Announcement:
    title: str | None
    issuer: str | None
    published: datetime | None
    dropped: set[int]
    """The indices of the lines taken out: the disclaimer, the issuer's block, the title, the closing."""
    notes: list[str] = field(default_factory=list)
    author: str | None = None  # a research paper's authors (`papers.paper_head`)


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha() and not _CJK.match(c)]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def _mostly_chinese(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(bool(_CJK.match(c)) for c in letters) >= 0.6 * len(letters)


def _issuer_detail(rest: list[str]) -> bool:
    """Whether the next line with text is the issuer's Chinese name, incorporation or stock code: the
    line before it is still the issuer's name, wrapped."""
    following = next((x.strip() for x in rest if x.strip()), "")
    return bool(_mostly_chinese(following) or _INCORPORATED.match(following) or _STOCK_CODE.match(following))


# A Tokyo-listed company's notice (its "timely disclosure" in English): the date, then labelled lines
# naming the company, its representative, its securities code and whom to ask, then the title ("Notice
# Regarding Investment in …"). Read as any text, "Company name: DOWA HOLDINGS CO., LTD." had been its
# title, "Inquiries: Kenji Tanaka, General Manager…" its publisher and the securities code a statement.
_NOTICE_FIELD = re.compile(
    r"^\(?\s*(?:company(?:['’]s)? name|name of (?:the )?(?:listed )?company|listed company|(?:name (?:and title )?of )?representative|"
    r"(?:securities |stock )?code(?: number| no\.?)?|listed (?:stock )?exchanges?|stock exchange listings?|contact(?: person)?|"
    r"inquir(?:ies|y)|(?:tel(?:ephone)?|phone)(?: number)?|url)\s*[:：]", re.IGNORECASE)
_COMPANY_FIELD = re.compile(r"^(?:company(?:['’]s)? name|name of (?:the )?(?:listed )?company|listed company)\s*[:：]\s*(?P<name>\S.*)$", re.IGNORECASE)


def _tokyo_notice(lines: list[str]) -> Announcement | None:
    """A Tokyo-listed company's notice, when its opening lines name the company in a labelled field;
    the date and the fields are taken out, the company is the publisher and the line under them the title."""
    filled = [i for i, line in enumerate(lines) if line.strip()][:_OPENING_LINES]
    block: list[int] = []
    for i in filled:
        text = lines[i].strip()
        short_date = len(text) <= 40 and date_in(text) is not None
        if not (short_date or _NOTICE_FIELD.match(text) or (block and text.startswith("(") and text.endswith(")"))):
            break
        block.append(i)
    company = next((found["name"].strip() for i in block if (found := _COMPANY_FIELD.match(lines[i].strip()))), None)
    if company is None or sum(bool(_NOTICE_FIELD.match(lines[i].strip())) for i in block) < 2:
        return None
    issuer = title_case(company) if _capitals(company) else company
    published = next((dated[0] for i in block if (dated := date_in(lines[i]))), None)
    dropped = set(block)
    title_at = next((i for i in range(block[-1] + 1, len(lines)) if lines[i].strip()), None)
    title = None
    if title_at is not None and len(lines[title_at].strip()) <= 150 and not lines[title_at].rstrip().endswith("."):
        title = lines[title_at].strip()
        dropped.add(title_at)
    notes = ["left out the notice's fields (the company, its representative, its code, whom to ask)",
             f"source: the company its notice names, {issuer}"]
    if published:
        notes.append(f"dated from its opening, {published.date().isoformat()}")
    return Announcement(title, issuer, published, dropped, notes)


# A Shanghai- or Shenzhen-listed company's announcement in English: a header of fields ("Securities Code: 600111
# Securities Abbreviation: Northern Rare Earth Announcement No.: 2026-071"), the company, the title ("Announcement on
# …"), the board's guarantee that nothing in it is false, the text, and "It is hereby announced." over the board's
# name and the day. Read as any text, the header had been the title, the guarantee two statements, the closing a
# statement and the announcement undated (written here).
_MAINLAND_HEADER = re.compile(
    r"(?:securities|stock)\s+(?:code|abbreviation|short\s+name)\s*[:：].{0,120}?(?:announcement|notice|serial)\s+no|证券代码", re.IGNORECASE)
_ABBREVIATION = re.compile(r"(?:securities|stock)\s+(?:abbreviation|short\s+name)\s*[:：]\s*(?P<name>.+?)\s*(?:(?:announcement|notice|serial)\s+no|$)",
                           re.IGNORECASE)
_LEGAL_FORM = re.compile(r"\b(?:Co\.,?\s*Ltd\.?|Company\s+Limited|Limited|Corporation|Inc\.)\s*$|股份有限公司$", re.IGNORECASE)
_GUARANTEE = re.compile(r"\bguarantees?\b.{0,160}\b(?:false records?|misleading statements?)", re.IGNORECASE | re.DOTALL)
_HEREBY = re.compile(r"^(?:it is )?hereby (?:announced|notified)\.?$|^(?:this is|we hereby make) (?:the|this) announcement\.?$|^特此公告", re.IGNORECASE)


def _paragraph_end(lines: list[str], start: int, blank_lines_part_paragraphs: bool) -> int:
    """The index after the paragraph that starts at `start`: up to a blank line, or, where blank lines part
    nothing (a PDF's), up to the line that ends a sentence."""
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
        if not blank_lines_part_paragraphs and lines[end - 1].rstrip().endswith("."):
            break
    return end


def _closed(found: Announcement, lines: list[str], closing: int | None, what: str) -> Announcement:
    """`found` with its closing out, from the line at `closing` to the end (`what` it holds, in words), dated
    by the first short line there that gives a day, and its notes on who issues it and when."""
    if closing is not None:
        for j in range(closing, len(lines)):
            dated = date_in(lines[j])
            if dated and found.published is None and len(lines[j].strip()) <= 80:
                found.published = dated[0]
            found.dropped.add(j)
        found.notes.append(f"left out the closing ({what})")
    if found.issuer:
        found.notes.append(f"source: the issuer its announcement names, {found.issuer}")
    if found.published:
        found.notes.append(f"dated from its closing, {found.published.date().isoformat()}")
    return found


def _mainland_notice(lines: list[str], blank_lines_part_paragraphs: bool) -> Announcement | None:
    """A Shanghai- or Shenzhen-listed company's announcement, when a line near the top holds its code, its
    abbreviation and the announcement's number: the header, the company's line, the title, the board's
    guarantee and the closing are taken out; the company publishes it and the closing's day dates it."""
    filled = [i for i, line in enumerate(lines) if line.strip()][:_OPENING_LINES]
    header = next((i for i in filled if _MAINLAND_HEADER.search(lines[i])), None)
    if header is None:
        return None
    dropped = {header}
    after = [i for i in filled if i > header]
    while after and re.fullmatch(r"[\w./:-]{1,20}", lines[after[0]].strip()) and re.search(r"\d", lines[after[0]]):
        dropped.add(after.pop(0))  # the header's number, wrapped onto a line of its own ("2026-071") in a PDF
    issuer = None
    if after and _LEGAL_FORM.search(lines[after[0]].strip()):
        issuer = lines[after[0]].strip()
        dropped.add(after.pop(0))
    elif abbreviation := _ABBREVIATION.search(lines[header]):
        issuer = abbreviation["name"].strip()
    title = None
    if after and len(lines[after[0]].strip()) <= 200 and not lines[after[0]].rstrip().endswith("."):
        title = lines[after[0]].strip()
        dropped.add(after.pop(0))
        # A PDF wraps a long title: "…for the First Quarter" over "of 2027", a line no heading or sentence opens so.
        while after and re.match(r"[a-z0-9(]", lines[after[0]].strip()) and not lines[after[0]].rstrip().endswith("."):
            title += " " + lines[after[0]].strip()
            dropped.add(after.pop(0))
    notes = ["left out the announcement's header (its code, abbreviation and number)"]
    if guarantee := next((i for i in after[:4] if _GUARANTEE.search(" ".join(lines[i : i + 4]))), None):
        dropped.update(range(guarantee, _paragraph_end(lines, guarantee, blank_lines_part_paragraphs)))
        notes.append("left out the board's guarantee that nothing in it is false")
    closing = next((j for j in range(max(dropped) + 1, len(lines)) if _HEREBY.match(lines[j].strip())), None)
    return _closed(Announcement(title, issuer, None, dropped, notes), lines, closing, "\"It is hereby announced.\", the board's name and the day")


def exchange_announcement(lines: list[str], *, blank_lines_part_paragraphs: bool = True) -> Announcement | None:
    """The announcement `lines` hold, when they open with an exchange's disclaimer or an issuer's
    stock code, or with a Tokyo-listed company's fields or a mainland-listed one's header; None for any other text. A PDF's lines have no
    blank lines between paragraphs (`blank_lines_part_paragraphs=False`): its disclaimer, one sentence,
    ends at the line that ends it."""
    if notice := _tokyo_notice(lines) or _mainland_notice(lines, blank_lines_part_paragraphs):
        return notice
    filled = [i for i, line in enumerate(lines) if line.strip()][:_OPENING_LINES]
    disclaimer = next((i for i in filled if _DISCLAIMER.search(" ".join(lines[i : i + 4]))), None)
    code = next((i for i in filled if _STOCK_CODE.match(lines[i].strip())), None)
    if disclaimer is None and code is None:
        return None
    notes: list[str] = []
    dropped: set[int] = set()
    start = 0
    if disclaimer is not None:  # its paragraph, hard-wrapped or not
        end = _paragraph_end(lines, disclaimer, blank_lines_part_paragraphs)
        dropped.update(range(disclaimer, end))
        start = end
        notes.append("left out the exchange's disclaimer")
    # The issuer's block: its name in capitals (on one line or two), its Chinese name, where it was
    # incorporated, its stock code.
    issuer_lines: list[str] = []
    past_name = False  # the name's lines come first; the capitals after the block are the title
    i = start
    while i < len(lines):
        text = lines[i].strip()
        if text:
            if _mostly_chinese(text) or _INCORPORATED.match(text) or _STOCK_CODE.match(text):
                past_name = True
            elif _capitals(text) and not past_name and (not issuer_lines or _issuer_detail(lines[i + 1 :])):
                issuer_lines.append(text)
            else:
                break
            dropped.add(i)
        i += 1
    issuer = title_case(" ".join(issuer_lines).rstrip("*").strip()) if issuer_lines else None
    # The title: the lines in capitals under the issuer's block ("VOLUNTARY ANNOUNCEMENT" over its subject).
    heads: list[str] = []
    while i < len(lines) and (not lines[i].strip() or _capitals(lines[i].strip())):
        if lines[i].strip():
            heads.append(title_case(lines[i].strip()))
            dropped.add(i)
        i += 1
    title = ": ".join(heads) if heads else None
    # The closing: the signature, the place and date, the board's members, a footnote.
    closing = next((j for j in range(i, len(lines)) if _BY_ORDER.match(lines[j].strip())), None)
    return _closed(Announcement(title, issuer, None, dropped, notes), lines, closing, "the signature, the board's members")
