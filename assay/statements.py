"""Check-worthy statements of a clean body, found by code with exact offsets (never quoted by a model).

A body is cut into sentences, then a sentence is cut again where it joins two
statements with a dash, a semicolon or a colon, because the labelling guide
counts "a fact and a slogan" as two statements. Headings, source lines and
fragments too short to assert anything are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assay.types import Article

# Words that end with a full stop without ending the sentence.
_ABBREVIATIONS = {
    "u.s", "u.k", "e.u", "u.n", "e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "prof", "st", "no", "inc", "corp",
    "ltd", "co", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
    "est", "fig", "al", "gov", "sen", "rep", "gen", "dept", "u.s.a", "d.c", "p.m", "a.m", "ph.d",
}
# A sentence ends at a full stop, question or exclamation mark (and any closing quotes) followed by
# space and a capital (Latin, Greek, Cyrillic), a digit or a letter of a script without case (Arabic,
# Hebrew); at an Arabic question mark or Urdu full stop followed by space; and at a CJK full stop,
# question or exclamation mark (。！？), which need no space after them.
_SENTENCE_END = re.compile(
    r"[.!?…]+[\"”’)\]]*\s+(?=[\"“‘(\[«]?[A-Z0-9$£€•\u0391-\u03a9\u0410-\u042f\u0401\u0590-\u05ff\u0600-\u06ff])"
    r"|[؟۔]+[\"”’)\]»]*\s+"
    r"|[。！？]+[」』”’\"）)\]]*\s*"
)
_CLAUSE_BREAK = re.compile(r"\s*(?:—|–|--|;)\s*|:\s+(?=[a-z“\"])")
_SKIP_LINE = re.compile(r"^(?:sources?|disclosure|photo|image|credit)\b", re.I)
# A wire or release dateline opening a paragraph: "BEIJING, Feb. 10 (Xinhua) --", "SYDNEY, Feb 10 (Reuters) -",
# "LAS VEGAS, March 03, 2026 (GLOBE NEWSWIRE) --", "NEW YORK, Jan. 5, 2026 /PRNewswire/ --". It says where and
# when the story was filed, nothing to check: the statement starts after it. A city in capitals and a
# date or an agency are both required, so "US, China agree" is never taken for one.
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’\- ]{1,40}(?:,\s*[A-Z][A-Za-z.'’\- ]{1,30})?,\s*"
    rf"(?:(?P<date>{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?)\s*)?"
    r"(?P<agency>\([^()]{2,40}\)|/[^/]{2,40}/)?"
    r"\s*(?:—|–|--|-)\s+"
)
MIN_WORDS = 4
# Part of every analysis's cache key: bump it when a change here changes which spans are statements.
SPLITTER_VERSION = "2"  # 2: datelines are not statements


@dataclass(frozen=True)
class Statement:
    text: str
    start: int
    end: int


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at `dot` belongs to an abbreviation or an initial ("J.D.", "U.S.")."""
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().rstrip(".")
    return token in _ABBREVIATIONS or len(token) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", token))


def sentences(text: str, offset: int = 0) -> list[Statement]:
    """Sentences of one paragraph, with offsets into the body."""
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        dot = match.start()
        if text[dot] == "." and _is_abbreviation(text, dot):
            continue
        end = match.end() - (len(match.group()) - len(match.group().rstrip()))
        out.append((start, end))
        start = match.end()
    if text[start:].strip():
        out.append((start, len(text.rstrip())))
    return [Statement(text[a:b], offset + a, offset + b) for a, b in out if text[a:b].strip()]


def text_sentences(text: str, offset: int = 0) -> list[Statement]:
    """Sentences of a text whose lines are paragraphs (a body, a chunk), with offsets into the body."""
    found, position = [], offset
    for line in text.split("\n"):
        found.extend(sentences(line, position))
        position += len(line) + 1
    return found


def clauses(sentence: Statement) -> list[Statement]:
    """Cut a sentence where a dash, semicolon or colon joins two statements that each stand alone."""
    pieces, start = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        left = sentence.text[start : match.start()]
        right = sentence.text[match.end() :]
        if len(left.split()) >= MIN_WORDS and len(right.split()) >= MIN_WORDS:
            pieces.append((start, match.start()))
            start = match.end()
    pieces.append((start, len(sentence.text)))
    return [Statement(sentence.text[a:b], sentence.start + a, sentence.start + b) for a, b in pieces]


def statements(article: Article) -> list[Statement]:
    """Every candidate statement of the body, in order, each an exact span of it."""
    headings = {s.heading for s in article.sections if s.heading}
    found: list[Statement] = []
    position = 0
    for line in article.body.split("\n"):
        start, position = position, position + len(line) + 1
        text = line.strip()
        if not text or text in headings or _SKIP_LINE.match(text):
            continue
        lead = len(line) - len(line.lstrip()) + (2 if text.startswith("• ") else 0)
        dateline = _DATELINE.match(line[lead:])
        if dateline and (dateline.group("date") or dateline.group("agency")):
            lead += dateline.end()
        for sentence in sentences(line[lead:], start + lead):
            found.extend(c for c in clauses(sentence) if len(c.text.split()) >= MIN_WORDS)
    return found
