"""The head of a journal's research article and of a page of the USGS Mineral Commodity Summaries.

A research article, as pdftotext or a copy of the publisher's page gives it: the journal's citation
line ("Journal of Sustainable Metallurgy (2026) 12:1441–1458"), its DOI, a label ("RESEARCH ARTICLE"),
the title, the authors with their affiliations' marks ("Maria K. Lindqvist¹ · Tomás Herrera²"), the
history ("Received: … / Accepted: … / Published online: …"), the copyright, then the abstract. Read
as any text, the citation line had been the title, the folder the publisher, the history a statement
and the paper undated (written here). Here the head is taken out, the journal publishes it, the
authors write it and the day it was published dates it.

A page of the USGS Mineral Commodity Summaries, the reference analysts check a country's output and
reserves against: its running head ("U.S. Geological Survey, Mineral Commodity Summaries, January
2027"), the commodity in capitals with a footnote's mark ("RARE EARTHS¹"), the fields, and "Prepared
by …" with the specialist's telephone and address. Read as any text, the running head had been the
title, the folder the publisher and the page undated; the specialist's line went as a contact line.

A patent as Google Patents shows it (a rare-earth recovery method, written here): its page's title
("US20260187342A1 - Method for … - Google Patents"), the title again, the abstract, the inventors, the
assignee and the application's events ("2026-07-02 Publication of US20260187342A1"). Read as any text,
the page's title was the title, the folder the publisher, the assignee's name and an event statements
and the patent undated. Here the assignee publishes it (what it says of its invention is its claim),
the inventors write it and its publication dates it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from assay.readers.announcements import Announcement
from assay.readers.opening import date_in, title_case
from assay.statements import MONTHS

_HEAD_LINES = 16  # the head comes before the abstract
_ABSTRACT = re.compile(r"^(?:abstract|summary)\b\s*[:.]?", re.IGNORECASE)
_DOI = re.compile(r"(?:https?://(?:dx\.)?doi\.org/|\bdoi:?\s*)10\.\d{4,9}/\S+", re.IGNORECASE)
# "Journal of Sustainable Metallurgy (2026) 12:1441–1458" (Springer), "Resources Policy 89 (2026) 104512" (Elsevier).
_CITATION = re.compile(r"^(?P<journal>[A-Z][^\d()]{3,80}?)\s+(?:\((?:19|20)\d\d\)\s*\d+\s*[:(]|\d+\s*\((?:19|20)\d\d\)\s*\d+)")
_ELSEVIER_LINES = re.compile(r"^(?:contents lists available at\b|journal homepage:)", re.IGNORECASE)
_LABEL = re.compile(r"^(?:research|original|review|full[- ]length|regular)\s+(?:article|paper)|^(?:article|review|short communication|"
                    r"research paper|original paper|perspective|communication)$", re.IGNORECASE)
_HISTORY = re.compile(r"^(?:received|accepted|revised|published(?:\s+online)?|available\s+online|first\s+published)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:published(?:\s+online)?|available\s+online|first\s+published)\s*:?\s*(?P<rest>.+)", re.IGNORECASE)
_REFERENCES = re.compile(r"^(?:references|bibliography|literature cited|works cited)\s*:?$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)\s|copyright\b)", re.IGNORECASE)
# An author with the marks of their affiliations: "Maria K. Lindqvist¹", "Wen Zhao1,3", "T. Herrera*".
_MARKS = re.compile(r"(?:[¹²³⁴⁵⁶⁷⁸⁹⁰ᵃᵇᶜ*†‡§]|(?<=[a-z])\d(?:,\d)*)+")
_AUTHOR = re.compile(r"[A-Z][\w'’-]*\.?(?:\s+(?:[A-Z][\w'’-]*\.?|van|von|de|da|del|di|le)){1,3}")
_AUTHOR_SEPARATORS = re.compile(r"\s*[·•,;]\s*(?:and\s+)?|\s+and\s+")


def _authors(line: str) -> str | None:
    """The names on an authors' line, joined by commas, when every part of it is a person's name."""
    names = [part.strip() for part in _AUTHOR_SEPARATORS.split(_MARKS.sub("", line)) if part.strip()]
    if not names or len(names) > 30 or not all(_AUTHOR.fullmatch(name) for name in names):
        return None
    return ", ".join(names)


def _research_article(lines: list[str], filled: list[int]) -> Announcement | None:
    """A journal article's head, when its opening lines hold a DOI or a history line and an abstract follows."""
    marked = [i for i in filled if _DOI.search(lines[i]) or _HISTORY.match(lines[i].strip())]
    abstract = next((i for i in filled if _ABSTRACT.match(lines[i].strip())), None)
    if not marked or abstract is None or abstract < marked[0]:
        return None
    head = [i for i in filled if i < abstract]
    dropped: set[int] = set()
    journal = authors = title = None
    days: dict[bool, datetime] = {}  # the history's days: True, the day it was published; False, the last other one
    title_end = -1  # the title's last line: a long title wraps onto the next, above its authors
    for i in head:
        text = lines[i].strip()
        if citation := _CITATION.match(text):
            journal = journal or citation["journal"].strip()
        elif _ELSEVIER_LINES.match(text) or (_DOI.search(text) and len(_DOI.sub("", text).split()) <= 2):
            pass
        elif _HISTORY.match(text):
            # The day it was published, else the history's last day ("Received: … / Accepted: 14 October 2026"), on one
            # line or on a line each.
            after = _PUBLISHED.search(text)
            if dated := date_in(after["rest"] if after else text.split("/")[-1]):
                days[after is not None] = dated[0]
        elif _COPYRIGHT.match(text) or _LABEL.match(text):
            pass
        elif title is not None and authors is None and (named := _authors(text)) and (
                i != title_end + 1 or _MARKS.search(text) or _AUTHOR_SEPARATORS.search(text)):  # not a title's second line
            authors = named
        elif title is None or (authors is None and i == title_end + 1):
            title = f"{title} {text}" if title else text
            title_end = i
        else:
            continue  # an affiliation or another line of the head: left in the text
        dropped.add(i)
    if title is None:
        return None
    published = days.get(True) or days.get(False)
    notes = ["read as a research article: its journal's citation line, DOI, history and copyright left out"]
    # Its references: the works it cites are no part of what it says (their publishers had been entities of the analysis).
    if (references := next((i for i in range(abstract, len(lines)) if _REFERENCES.match(lines[i].strip())), None)) is not None:
        dropped.update(range(references, len(lines)))
        notes.append("left out its references")
    if journal:
        notes.append(f"source: the journal, {journal}")
    if published:
        notes.append(f"dated from its history, {published.date().isoformat()}")
    return Announcement(title, journal, published, dropped, notes, author=authors)


_MINERAL_SUMMARY = re.compile(r"^(?P<issuer>U\.\s?S\.\s?Geological Survey),\s+(?P<series>Mineral Commodity Summaries|Mineral Industry Surveys),\s+"
                              r"(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)$")
_PREPARED_BY = re.compile(r"^Prepared by\s+(?P<name>[A-Z][\w.'’ -]{2,60}?)\s*(?:[\[(,].*)?$")


def _mineral_summary(lines: list[str], filled: list[int]) -> Announcement | None:
    """A page of the USGS Mineral Commodity Summaries: the running head out, the commodity's line the title."""
    head = next((i for i in filled[:3] if _MINERAL_SUMMARY.match(lines[i].strip())), None)
    if head is None:
        return None
    found = _MINERAL_SUMMARY.match(lines[head].strip())
    assert found is not None
    month = MONTHS.get(found["month"].lower())
    published = datetime(int(found["year"]), month, 1, tzinfo=UTC) if month else None
    dropped = {head}
    commodity = next((i for i in filled if i > head), None)
    title = f"{found['series']}, {found['month']} {found['year']}"
    if commodity is not None and len(lines[commodity].split()) <= 6:
        title = f"{title_case(_MARKS.sub('', lines[commodity].strip()))} ({title})"
        dropped.add(commodity)
    author = None
    for i, line in enumerate(lines):
        if prepared := _PREPARED_BY.match(line.strip()):
            author = prepared["name"].strip()
            dropped.add(i)
    notes = [f"read as a page of the {found['series']}: its running head left out, the issuer the publisher"]
    if published:
        notes.append(f"dated from its running head: {found['month']} {found['year']}, taken as its first day")
    return Announcement(title, found["issuer"], published, dropped, notes, author=author)


_PATENT_NUMBER = r"(?:US|EP|WO|CN|JP|KR|DE|GB|AU|CA)\s?[\d/,]{5,}\s?[A-Z]\d?"
_PATENT_PAGE = re.compile(rf"^(?P<number>{_PATENT_NUMBER})\s+-\s+(?P<title>.+?)(?:\s+-\s+Google Patents)?$")
_PATENT_FIELD = re.compile(r"^(?P<key>Inventors?|(?:Current |Original )?Assignee|Applicants?|Status|Priority date|Publication number|"
                           r"Application number|Info|Prior art date|Legal status)\s*:?\s*(?P<value>.*)$", re.IGNORECASE)
_PATENT_EVENT = re.compile(r"^(?:\d{4}-\d{2}-\d{2}\s+\S.*|Application\s+\S+\s+events)$")


def _patent(lines: list[str], filled: list[int]) -> Announcement | None:
    """A patent's page: its fields and the application's events out, its assignee the publisher."""
    page = _PATENT_PAGE.match(lines[filled[0]].strip()) if filled else None
    if page is None:
        return None
    title = page["title"].strip()
    dropped = {filled[0]}
    values: dict[str, str] = {}
    published = None
    for i in filled[1:]:
        text = lines[i].strip()
        if text == title or text == page["number"]:
            dropped.add(i)
        elif (field := _PATENT_FIELD.match(text)) and field["value"]:
            values.setdefault(field["key"].lower().removeprefix("current ").removeprefix("original "), field["value"].strip())
            dropped.add(i)
        elif _PATENT_EVENT.match(text):
            dropped.add(i)
            if "publication of" in text.lower() and (day := date_in(text)) is not None:
                published = published or day[0]
    issuer = values.get("assignee") or values.get("applicant") or values.get("applicants")
    notes = [f"read as a patent's page: its fields and events left out; published by {issuer or 'no assignee named'}, which holds it"]
    if published:
        notes.append(f"dated by its publication, {published.date().isoformat()}")
    return Announcement(f"{title} ({page['number']})", issuer, published, dropped, notes,
                        author=values.get("inventors") or values.get("inventor"))


def paper_head(lines: list[str]) -> Announcement | None:
    """The head of a research article, a USGS summary's page or a patent's page that `lines` hold; None for any other text."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return _mineral_summary(lines, filled) or _research_article(lines, filled[:_HEAD_LINES * 2]) or _patent(lines, filled)
