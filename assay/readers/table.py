"""A table of articles, a row each: what media-monitoring tools and news APIs export (a .csv, .tsv or
Excel workbook of headline, date, outlet, link and often the text; or a news API's JSON, a record each). Before, such a .csv was one
article titled with its first row, its cells for statements, and a workbook was refused.

The header row says which column is what, by the names these exports use (`_ROLES`): a title, a text,
a link, a date, a publisher, an author. A row with a text of its own is that article: read as a text
file is (its dateline, its Highlights, its date line), titled by its title cell, and dated and
published by its cells where they say. A row with only a teaser and a link is read from its page, as
a feed's teaser is, but a social-media post (a row linking to X, LinkedIn, Weibo…) is its own text,
titled by its author and opening words. A row with neither is left out, and the report counts it. Python's `csv` reads
a .csv as Excel writes it, its delimiter (a comma, Excel's semicolon in much of Europe, a tab) the one
its header line uses; openpyxl reads a workbook's first sheet with a text or link column.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import PurePath
from urllib.parse import urlsplit

from assay.readers.archive import ZIP_MAGIC, zip_holds
from assay.readers.html import parse_date
from assay.readers.text import JSON_DATA, read_text_file
from assay.sources import SourceError, decode, decoding_notes, source_address, source_suffix, unwrapped_link
from assay.types import Fetched, RawItem, SourceKind

# A body longer than csv's default 128 KB field limit is one long article, not a damaged file.
csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))

# The column names exports use for each role, normalised (lower case, words joined by one space).
_ROLES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading", "article title", "story title", "subject", "name"),
    "text": ("text", "body", "content", "full text", "article text", "article body", "article", "story", "body text",
             "content text", "article content"),
    "teaser": ("summary", "description", "snippet", "hit sentence", "excerpt", "abstract", "lead", "opening text", "teaser"),
    "url": ("url", "link", "article url", "permalink", "source url", "story url", "web url", "href", "document identifier"),
    "published": ("date", "published", "published at", "publication date", "published date", "pub date", "pubdate",
                  "date published", "datetime", "date time", "time", "timestamp", "publish date", "story date"),
    "source": ("source", "publisher", "outlet", "publication", "source name", "media outlet", "site", "media", "source title",
               "news source", "domain"),
    "author": ("author", "authors", "byline", "writer"),
}
# A row's text shorter than this is a teaser: the article is read from its link, if it has one.
MIN_TEXT_WORDS = 40
# A post (X, LinkedIn, Weibo, Truth Social…) is its own text: its page opens only in a browser, and a
# minister's or a company's post is what an analyst follows. A post of fewer words is a reaction.
MIN_POST_WORDS = 8
_SOCIAL_SITES = frozenset("x.com twitter.com facebook.com linkedin.com instagram.com threads.net truthsocial.com weibo.com weibo.cn "
                          "bsky.app reddit.com mastodon.social t.me".split())
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def _site(link: str) -> str:
    return re.sub(r"^(?:www|mobile|m)\.", "", (urlsplit(link).hostname or "").lower())


def _normalised(name: str) -> str:
    """"publishedAt", "Published_At" and "published at" alike."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()).split())


def _columns(header: list[str]) -> dict[str, int]:
    """Each role's column: the first header cell that names it."""
    names = [_normalised(cell) for cell in header]
    found: dict[str, int] = {}
    for role, accepted in _ROLES.items():
        for i, name in enumerate(names):
            if name in accepted and i not in found.values():
                found[role] = i
                break
    return found


_EPOCH = re.compile(r"1[0-9]{9}(?:[0-9]{3})?")  # 2001-09 to 2286: ten digits of seconds, or thirteen of milliseconds


def _day_first(values: list[str]) -> bool | None:
    """Whether the column's numeric dates ("27/11/2026", "11/27/2026") put the day first: True or
    False when some date says so (a first number over 12, or a second), None when none does."""
    firsts, seconds = [], []
    for value in values:
        if match := _NUMERIC_DATE.match(value.strip()):
            firsts.append(int(match[1]))
            seconds.append(int(match[2]))
    if any(n > 12 for n in firsts):
        return True
    if any(n > 12 for n in seconds):
        return False
    return None


def _date(value: str, day_first: bool | None) -> datetime | None:
    if _EPOCH.fullmatch(value.strip()):  # a news API's Unix time, in seconds or milliseconds ("1764490500")
        return datetime.fromtimestamp(int(value.strip()[:10]), UTC)
    if match := _NUMERIC_DATE.match(value.strip()):
        if day_first is None:
            return None  # "03/04/2026": March or April, and nothing in the column says which
        day, month = (int(match[1]), int(match[2])) if day_first else (int(match[2]), int(match[1]))
        try:
            return datetime(int(match[3]), month, day, int(match[4] or 0), int(match[5] or 0), int(match[6] or 0), tzinfo=UTC)
        except ValueError:
            return None
    return parse_date(value)


def _delimiter(header: str, fetched: Fetched) -> str:
    """The delimiter the header line uses most: a comma, Excel's semicolon (where a comma is the decimal
    mark), a tab or a bar. csv.Sniffer guesses from the whole sample and misreads quoted texts."""
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ("\t" if source_suffix(fetched) == ".tsv" else ",")


def _rows(text: str, fetched: Fetched) -> list[list[str]]:
    header = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return [row for row in csv.reader(io.StringIO(text), csv.excel, delimiter=_delimiter(header, fetched))
                if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise SourceError(f"{fetched.source}: not a readable table ({exc}): export it again as CSV") from None


def table_items(fetched: Fetched, rows: list[list[str]], read_notes: list[str], what: str = "a table of {} rows") -> list[RawItem]:
    """The articles a table's rows hold (its first row the header); `read_notes` say how the file was
    read, `what` what its rows are (a JSON file's are "{} article records")."""
    if not rows:
        raise SourceError(f"{fetched.source}: an empty table")
    header, rows = rows[0], rows[1:]
    columns = _columns(header)
    if not {"text", "url"} & columns.keys():
        shown = ", ".join(cell.strip() for cell in header[:8] if cell.strip()) or "none"
        raise SourceError(f"{fetched.source}: a table with no column of article texts or links (its columns: {shown}): "
                          "export the articles with their text (a Text, Body or Content column) or their link (URL)")
    day_first = _day_first([row[columns["published"]] for row in rows if "published" in columns and len(row) > columns["published"]])

    def cell(row: list[str], role: str) -> str:
        at = columns.get(role)
        return " ".join(row[at].split()) if at is not None and at < len(row) else ""

    items: list[RawItem] = []
    left_out = from_pages = undated = 0
    name = PurePath(fetched.source).name
    for number, row in enumerate(rows, 2):
        title, url, published_cell = cell(row, "title"), cell(row, "url"), cell(row, "published")
        source, author = cell(row, "source"), cell(row, "author") or None
        body = row[columns["text"]].strip() if "text" in columns and columns["text"] < len(row) else ""
        published = _date(published_cell, day_first) if published_cell else None
        undated += bool(published_cell) and published is None
        link = unwrapped_link(url) if url.startswith(("http://", "https://")) else None
        post = link is not None and _site(link) in _SOCIAL_SITES and len(body.split()) >= MIN_POST_WORDS
        if post and not title:  # a post has no headline: its author and its opening words stand for one
            words = body.split()
            title = f"{author or source or _site(link or '')}: {' '.join(words[:12])}{'…' * (len(words) > 12)}"
        if len(body.split()) >= MIN_TEXT_WORDS or post:
            # The row's text read as a text file is (its dateline names the agency, its date line dates it),
            # under its own title; the row's cells, where they say, outrank what the text guesses.
            written = f"# {title}\n\n{body}\n" if title else f"{body}\n"
            # Named without its folder: a folder may name the publisher of its files, never of a table's rows.
            item = read_text_file(written, Fetched(source=f"{name}#row-{number}", content=b"", content_type="text/markdown"))
            item.source_url = source_address(fetched)
            item.notes = [n for n in item.notes if not n.startswith(("no date in its opening", "source:"))]
            updates = {"url": link or item.url, "published": published or item.published, "author": author or item.author}
            if source or (post and author):  # a post is published by its author
                updates["source"] = source or author
            elif item.source == "files" and link:  # no outlet named: the link's site
                updates["source"] = link.split("/")[2].removeprefix("www.")
            items.append(item.model_copy(update=updates))
        elif link:
            from_pages += 1
            items.append(RawItem(
                source=source or link.split("/")[2].removeprefix("www."), source_url=source_address(fetched), url=link,
                title=title, author=author, published=published, content=cell(row, "teaser") or body or title,
                content_format="text", read_at_url=True,
            ))
        else:
            left_out += 1
    if not items:
        raise SourceError(f"{fetched.source}: no row of the table holds an article's text ({MIN_TEXT_WORDS} words or more) "
                          "or a link to one")
    roles = ", ".join(f"{role} from {header[at].strip()!r}" for role, at in columns.items())
    notes = [*read_notes, f"{name}: {what.format(len(rows))} ({roles})"]
    if from_pages:
        notes.append(f"{from_pages} row{'s' * (from_pages > 1)} with only a teaser: read from {'their pages' if from_pages > 1 else 'its page'}")
    if left_out:
        notes.append(f"{left_out} row{'s' * (left_out > 1)} with neither a text nor a link left out")
    if undated:
        notes.append(f"{undated} date{'s' * (undated > 1)} not read (a date like 03/04/2026 is ambiguous when no date in the column "
                     "has a day over 12): left undated")
    items[0].notes = [*notes, *items[0].notes]
    return items


class TableReader:
    name = "table"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".csv", ".tsv")
    content_type = "text/csv"
    binary = False
    description = "a table of articles (.csv)"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return source_suffix(fetched) in self.suffixes or fetched.content_type.startswith(("text/csv", "text/tab-separated-values"))

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        text = decode(fetched) if text is None else text
        return None, table_items(fetched, _rows(text, fetched), decoding_notes(text))


def _cell_text(value: object) -> str:
    """A workbook cell as its text: a date as ISO 8601 (Excel stores dates as numbers, openpyxl gives them back as dates)."""
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, (datetime, date)) else str(value)


def workbook_rows(content: bytes, source: str) -> tuple[list[list[str]], list[str]]:
    """The rows of the workbook's first sheet whose header names a text or link column (else its first
    sheet), and a note naming the sheet."""
    from openpyxl import load_workbook

    sheets: list[tuple[str, list[list[str]]]] = []
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)  # data_only: a formula's last value
        try:
            for sheet in book.worksheets:
                rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
                rows = [row for row in rows if any(cell.strip() for cell in row)]
                sheets.append((sheet.title, rows))
                if rows and {"text", "url"} & _columns(rows[0]).keys():
                    return rows, [f"read the sheet {sheet.title!r}"] if len(book.worksheets) > 1 else []
        finally:
            book.close()
    except Exception as exc:  # noqa: BLE001  (openpyxl raises zipfile, KeyError, ValueError and its own errors for a damaged file)
        raise SourceError(f"{source}: not a readable Excel workbook ({type(exc).__name__}): open and save it again in Excel, "
                          "or export it as CSV") from None
    if not sheets:
        raise SourceError(f"{source}: an Excel workbook with no sheets")
    return sheets[0][1], []


class WorkbookReader:
    name = "workbook"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".xlsx",)
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    binary = True
    description = "an Excel workbook of articles"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return zip_holds(fetched.content, "xl/workbook.xml") or (source_suffix(fetched) == ".xlsx" and fetched.content.startswith(ZIP_MAGIC))

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        rows, notes = workbook_rows(fetched.content, fetched.source)
        return None, table_items(fetched, rows, notes)


# Where a news API's response keeps its list of article records ({"status": "ok", "articles": [...]}).
_RECORD_DEPTH = 3


def _records(value: object, depth: int = 0) -> list[dict[str, object]] | None:
    """The first list of objects in a JSON value: the value itself, or under a key, a level or three down."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return value
    if isinstance(value, dict) and depth < _RECORD_DEPTH:
        return next((found for v in value.values() if (found := _records(v, depth + 1))), None)
    return None


def _flattened(record: dict[str, object], prefix: str = "") -> dict[str, str]:
    """A record's fields as cells: a nested object's by its path ({"source": {"name": …}} is "source name"),
    a list of names joined ("authors": ["A", "B"] is "A, B")."""
    cells: dict[str, str] = {}
    for key, value in record.items():
        name = f"{prefix} {key}".strip()
        if isinstance(value, dict):
            cells.update(_flattened(value, name))
        elif isinstance(value, list):
            cells[name] = ", ".join(str(v.get("name", "")) if isinstance(v, dict) else str(v) for v in value if v is not None)
        elif value is not None:
            cells[name] = str(value)
    return cells


def json_value(text: str) -> tuple[object, list[str]]:
    """The value of a JSON document, or of a JSON Lines file the list of its lines' objects, and notes;
    a line that is not JSON (a download cut off in its last record) is left out with a note. ValueError,
    saying where, when it is neither."""
    try:
        return json.loads(text), []
    except ValueError as whole:
        objects, bad = [], []
        lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
        for number, line in lines:
            try:
                value = json.loads(line)
            except ValueError:
                bad.append(number)
                continue
            objects.append(value)
        if len([o for o in objects if isinstance(o, dict)]) < max(2, len(lines) / 2):  # one document, cut off or broken
            raise whole
        shown = ", ".join(map(str, bad[:5])) + (" …" if len(bad) > 5 else "")
        return objects, [f"line{'s' * (len(bad) > 1)} {shown} not valid JSON: left out"] if bad else []


def json_rows(value: object) -> list[list[str]] | None:
    """A JSON value's article records as a table's rows, the header first; None when it holds no
    records with a text or a link field, so it is other data."""
    records = _records(value)
    if not records:
        return None
    flat = [_flattened(record) for record in records]
    header = list(dict.fromkeys(name for cells in flat for name in cells))
    if not {"text", "url"} & _columns(header).keys():
        return None
    return [header, *([cells.get(name, "") for name in header] for cells in flat)]


class JsonArticlesReader:
    """A news API's response or export saved as JSON (NewsAPI's {"articles": [{"title", "content", "url",
    "publishedAt", "source": {"name"}}]}), or as JSON Lines: each record is a table's row. A file named
    as JSON that holds other data, or that is not valid JSON (cut off in its download), is refused
    saying so, never read as a text."""

    name = "json-articles"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = ()  # as for a JSON Feed: a folder's .json files are data more often; named ones are sniffed
    content_type = "application/json"
    binary = False
    description = "a news API's articles as JSON"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        named = source_suffix(fetched) in (".json", ".jsonl", ".ndjson") or fetched.content_type.startswith(
            ("application/json", "application/x-ndjson", "application/jsonl"))
        return named and (decode(fetched) if text is None else text).lstrip()[:1] in ("{", "[")

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        text = decode(fetched) if text is None else text
        try:
            value, notes = json_value(text)
        except ValueError as exc:
            raise SourceError(f"{fetched.source}: not valid JSON ({exc}): the file may be cut off; export or download it again") from None
        rows = json_rows(value)
        if rows is None:
            raise SourceError(f"{fetched.source}: {JSON_DATA}")
        return None, table_items(fetched, rows, [*decoding_notes(text), *notes], "{} article records")
