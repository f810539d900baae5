"""A news database's export saved as text: Factiva's and Nexis's, where analysts collect their reading.

One file holds many articles. Factiva ends each with its accession number ("Document
FTCOM00020260110e21a0003l") and opens it with the headline, a byline, a word count, the date, the
publication and a copyright line (or, in its "plus Indexing" layout, gives each under a field code:
HD, BY, PD, SN, LP, TD); Nexis ends each with "End of Document" and opens it with the
headline, the publication, the date, a copyright line and "Length:" / "Byline:" fields, the text
under a "Body" line. Read as one article, such a file is a hundred articles' statements under the
first headline, all the first publication's. Read as its articles, each has its own headline,
publication, date and author, as the database gives them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from assay.readers.opening import byline_names, date_in
from assay.sources import source_address
from assay.types import Fetched, RawItem

_FACTIVA_END = re.compile(r"^(?:AN\s+)?Document [A-Za-z0-9]{16,}\s*$", re.M)
# Factiva's "plus Indexing" layout: each field under its two- or three-letter code ("HD", "BY", "PD",
# "SN", "LP" for the lead paragraphs, "TD" for the rest), a value running on over the lines after it.
_FIELD = re.compile(r"^(?P<code>[A-Z]{2,3})(?:\t+|\s{2,}|\s*$)(?P<value>.*)$")
_FIELD_CODES = frozenset("HD BY WC PD ET SN SC ED PG VOL LA CY LP TD CT RF CO IN NS RE IPC IPD PUB AN CX".split())
_NEXIS_END = re.compile(r"^\s*End of Document\s*$", re.M)
_WORDS = re.compile(r"^[\d,]+ words$", re.I)
_TIME = re.compile(r"^\d{1,2}:\d{2}(?:\s*[AP]M)?(?:\s+[A-Z]{2,4})?$", re.I)
_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)", re.I)
_NEXIS_FIELD = re.compile(r"^(?P<field>Section|Length|Byline|Dateline|Highlight|Load-Date|Language|Publication-Type|Journal Code)\s*:\s*(?P<value>.*)$", re.I)
_NEXIS_TAIL = re.compile(r"^(?:Classification|Load-Date|Graphic|Notes|Language|Publication-Type|Subject|Company|Geographic)\b", re.I)


@dataclass
class _Article:
    title: str
    source: str | None
    published: datetime | None
    author: str | None
    body: list[str]


def _factiva(chunk: list[str]) -> _Article | None:
    """Headline, [byline], "512 words", date, [time], publication, [code, language], copyright; then the text."""
    lines = [line.strip() for line in chunk]
    filled = [i for i, line in enumerate(lines) if line]
    if not filled:
        return None
    title_at = filled[0]
    words_at = next((i for i in filled[1:12] if _WORDS.match(lines[i])), None)
    if words_at is None:
        return None
    byline = " ".join(lines[i] for i in filled[1:] if i < words_at)
    after = [i for i in filled if i > words_at]
    date = next(((i, found[0]) for i in after[:3] if (found := date_in(lines[i]))), None)
    meta_end = next((i for i in after[:8] if _COPYRIGHT.match(lines[i])), None)
    if date is None and meta_end is None:
        return None
    # The publication follows the date (and its time); without the date line, the word count.
    publication = next((lines[i] for i in after if i > (date[0] if date else words_at) and not _TIME.match(lines[i])), None)
    start = (meta_end if meta_end is not None else date[0] + 1 if date else words_at + 1) + 1
    return _Article(lines[title_at], publication, date[1] if date else None, byline_names(byline), chunk[start:])


def _factiva_fields(chunk: list[str]) -> dict[str, list[str]]:
    """The fields of a "plus Indexing" article, each its lines (blank lines kept: paragraphs)."""
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in chunk:
        field = _FIELD.match(line)
        if field and field["code"] in _FIELD_CODES:
            current = fields.setdefault(field["code"], [])
            current.append(field["value"].strip())
        elif current is not None:
            current.append(line.strip())
    return fields


def _factiva_indexed(chunk: list[str]) -> _Article | None:
    fields = _factiva_fields(chunk)
    if not {"HD", "SN"} <= fields.keys() or not ({"LP", "TD"} & fields.keys()):
        return None
    title = " ".join(" ".join(fields["HD"]).split())
    found = date_in(" ".join(fields.get("PD", [])))
    byline = " ".join(" ".join(fields.get("BY", [])).split())
    body = [*fields.get("LP", []), "", *fields.get("TD", [])]
    return _Article(title, " ".join(" ".join(fields["SN"]).split()), found[0] if found else None,
                    byline_names(byline), body)


def _nexis(chunk: list[str]) -> _Article | None:
    """Headline, publication, date, copyright, fields ("Length: 512 words", "Byline: …"), "Body", the
    text, then the index fields ("Classification", "Load-Date: …")."""
    lines = [line.strip() for line in chunk]
    body_at = next((i for i, line in enumerate(lines) if line.lower() == "body"), None)
    filled = [i for i, line in enumerate(lines[: body_at if body_at is not None else 0]) if line]
    if body_at is None or len(filled) < 2:
        return None
    date = next((found[0] for i in filled[1:6] if (found := date_in(lines[i]))), None)
    fields = {m["field"].lower(): m["value"].strip() for i in filled if (m := _NEXIS_FIELD.match(lines[i]))}
    body = chunk[body_at + 1 :]
    end = next((i for i, line in enumerate(body) if _NEXIS_TAIL.match(line.strip())), len(body))
    author = fields.get("byline") or None
    return _Article(lines[filled[0]], lines[filled[1]], date, author, body[:end])


def export_items(text: str, fetched: Fetched, notes: list[str], dated: datetime | None = None) -> tuple[str, list[RawItem]] | None:
    """(the database's name, its articles) when `text` is a Factiva or Nexis export of two or more
    articles; None when it is not. `dated`: the date a reader took out of the text as the file's
    (a PDF's dateline), which is its first article's."""
    readers: tuple[tuple[str, re.Pattern[str], Callable[[list[str]], _Article | None]], ...] = (
        ("Factiva", _FACTIVA_END, lambda chunk: _factiva(chunk) or _factiva_indexed(chunk)), ("Nexis", _NEXIS_END, _nexis))
    for database, end, read in readers:
        ends = list(end.finditer(text))
        if len(ends) < 2:
            continue
        starts = [0, *(m.end() for m in ends[:-1])]
        found = [read(text[a : m.start()].split("\n")) for a, m in zip(starts, ends)]
        articles = [a for a in found if a is not None and "\n".join(a.body).strip()]
        if len(articles) < 2:
            continue
        source_url = source_address(fetched)
        said = f"a {database} export: read as its {len(articles)} articles" + (f" ({len(found) - len(articles)} unreadable left out)" if len(articles) < len(found) else "")
        return database, [
            RawItem(
                source=article.source or database, source_url=source_url, title=article.title, author=article.author,
                published=article.published or (dated if i == 0 else None), content="\n".join(article.body).strip("\n"), content_format="text",
                notes=notes if i else [*notes, said],  # said once
            )
            for i, article in enumerate(articles)
        ]
    return None
