"""An SEC filing's complete submission text file (EDGAR's `<accession number>.txt`): the filing's header
and each of its documents, one after the other, in SGML. A company's news is in its press-release
exhibits (types EX-99.1, EX-99.2 … on an 8-K or a 6-K): each is an article, read by the reader its
own file name calls for (HTML, or plain text in older filings). A filing with no such exhibit (an 8-K
announcing a director's departure) is read as its main document. Pictures, XBRL data and the cover
form beside the exhibits are no articles.

Read as text, a submission had been one article of SGML tags, the filing's header and uuencoded
pictures. Each exhibit keeps the address EDGAR gives it (the submission's folder and the exhibit's
file name), so an exhibit ingested from the submission and from its own page is one article; its
publisher is whom its text names, else the filer; undated text takes the day it was filed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from assay.sources import SourceError, source_address
from assay.types import Fetched, RawItem, SourceKind

# The submission's first tag, after the PEM envelope of filings before 2002's.
_SUBMISSION = re.compile(r"^\s*(?:-----BEGIN PRIVACY-ENHANCED MESSAGE-----.{0,3000}?)?<SEC-DOCUMENT>", re.DOTALL)
_DOCUMENT = re.compile(r"<DOCUMENT>(.*?)</DOCUMENT>", re.DOTALL)
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.DOTALL)
_PRESS_RELEASE_TYPES = re.compile(r"^EX-99(?:\.\d+)?[A-Z]?$", re.IGNORECASE)  # "additional exhibits": releases, letters, decks
_READ_SUFFIXES = {".htm", ".html", ".txt"}


def _field(block: str, name: str) -> str:
    found = re.search(rf"^<{name}>([^\n<]*)", block, re.MULTILINE)
    return found[1].strip() if found else ""


def _header_value(header: str, name: str) -> str:
    found = re.search(rf"^\s*{name}:\s*(.+?)\s*$", header, re.MULTILINE)
    return found[1] if found else ""


def filer_name(header: str) -> str | None:
    """The filer's name as EDGAR conforms it, without the state it is incorporated in ("MP Materials
    Corp. / DE"); a name in capitals ("LYNAS CORP LTD") is kept as it is, since its case cannot be guessed."""
    name = _header_value(header, "COMPANY CONFORMED NAME")
    return re.sub(r"\s*/[A-Z]{2,3}/?\s*$|\s+/\s*[A-Z]{2,3}\s*$", "", name).strip() or None


def _filed(header: str) -> datetime | None:
    value = _header_value(header, "FILED AS OF DATE")
    try:
        return datetime.strptime(value, "%Y%m%d").replace(tzinfo=UTC) if value else None
    except ValueError:
        return None


def _document_text(block: str) -> str:
    """A document's text, without the <XBRL> or <PDF> wrappers EDGAR puts around some."""
    found = _TEXT.search(block)
    text = found[1] if found else ""
    return re.sub(r"^\s*<(?:XBRL|XML)>\s*|\s*</(?:XBRL|XML)>\s*$", "", text)


def _exhibit_address(fetched: Fetched, file_name: str) -> str | None:
    """Where EDGAR serves a document of a submission fetched from it: the submission's folder and the
    document's name. None for a submission read from disk."""
    if not fetched.url:
        return None
    parts = urlsplit(fetched.url)
    folder = parts.path.rsplit("/", 1)[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{folder}/{file_name}", "", ""))


def submission_items(fetched: Fetched, text: str) -> list[RawItem]:
    from assay.readers import parse_inner  # the registry holds this reader too

    header = text[: text.find("</SEC-HEADER>")] if "</SEC-HEADER>" in text else text[:5000]
    form = _header_value(header, "CONFORMED SUBMISSION TYPE") or "filing"
    filer, filed = filer_name(header), _filed(header)
    documents = [(block, _field(block, "TYPE"), _field(block, "FILENAME")) for block in _DOCUMENT.findall(text)]
    readable = [(block, kind, name) for block, kind, name in documents if PurePosixPath(name.lower()).suffix in _READ_SUFFIXES]
    releases = [d for d in readable if _PRESS_RELEASE_TYPES.match(d[1])]
    chosen = releases or [d for d in readable if d[1].upper() == form.upper()][:1]
    if not chosen:
        raise SourceError(f"{fetched.source}: an SEC {form} filing with no press release (EX-99) or main document in HTML or text: "
                          "ingest the exhibit's own page from the filing's index instead")
    items: list[RawItem] = []
    for block, kind, name in chosen:
        try:
            found = parse_inner(fetched, name, PurePosixPath(name.lower()).suffix, _document_text(block).encode())
        except SourceError as exc:
            raise SourceError(f"{fetched.source}: its {kind} ({name}) cannot be read: {exc}") from None
        for item in found:
            notes = [*item.notes, f"an SEC {form} filing's {kind} ({name})"]
            update: dict[str, object] = {}
            if filer and (item.source == "files" or not releases):  # the form is the filer's; an exhibit naming nobody too
                notes = [n for n in notes if not n.startswith(("source: ", 'source: "files"'))] + [f"source: the filer, {filer}"]
                update["source"] = filer
            if not releases:  # the form's masthead is the SEC's: its items say what it reports
                reported = "; ".join(re.findall(r"^ITEM INFORMATION:\s*(.+?)\s*$", header, re.MULTILINE))
                update["title"] = f"{filer or 'SEC filing'}, {form}" + (f": {reported}" if reported else "")
            if item.published is None and filed:
                notes.append(f"dated the day it was filed, {filed.date().isoformat()}")
                update["published"] = filed
            if address := _exhibit_address(fetched, name):
                update["url"] = address
            items.append(item.model_copy(update={**update, "notes": notes}))
    return items


# --- a filing's index page ------------------------------------------------------------------------
# What EDGAR's search leads to ("…-index.htm"): the filing's form, dates and filer over a table of its
# documents (Seq, Description, Document, Type, Size). Read as a page, the table had been the article.


def _cell_text(cell: lxml.html.HtmlElement) -> str:
    return " ".join(cell.text_content().split())


def filing_index_items(fetched: Fetched, html: str) -> list[RawItem] | None:
    """The press-release exhibits (else the main document) a filing's index page lists, each to be
    read from its own page; None for any other page."""
    if 'class="tableFile"' not in html:
        return None
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    tables = root.xpath('//table[contains(concat(" ", @class, " "), " tableFile ")][contains(@summary, "Document")]')
    if not tables:
        return None
    rows = []  # (type, address) of each document
    for row in tables[0].xpath(".//tr[td]"):
        cells, links = row.xpath("./td"), row.xpath(".//a[@href]")
        if len(cells) < 4 or not links:
            continue
        href = re.sub(r"^/ix\?doc=", "", links[0].get("href"))  # the inline-XBRL viewer's link: the document itself
        address = urljoin(fetched.url or "https://www.sec.gov/", href)
        rows.append((_cell_text(cells[3]), address))
    readable = [(kind, address) for kind, address in rows if PurePosixPath(urlsplit(address).path.lower()).suffix in _READ_SUFFIXES]
    chosen = [r for r in readable if _PRESS_RELEASE_TYPES.match(r[0])] or readable[:1]
    if not chosen:
        raise SourceError(f"{fetched.source}: an SEC filing's index that lists no press release (EX-99) or main document in HTML or text")
    form = next((" ".join(x.text_content().split()) for x in root.xpath('//div[@id="formName"]/strong')), "filing")
    filed = None
    for head in root.xpath('//div[@class="infoHead"]'):
        if _cell_text(head).lower() == "filing date" and (value := head.getnext()) is not None:
            try:
                filed = datetime.strptime(_cell_text(value), "%Y-%m-%d").replace(tzinfo=UTC)
            except ValueError:
                pass
    items = [RawItem(
        source=urlsplit(address).netloc,  # its page names its publisher
        source_url=source_address(fetched),
        url=address,
        title="",  # its page's
        published=filed,
        content=kind,
        content_format="text",
        read_at_url=True,
    ) for kind, address in chosen]
    items[0].notes = [f"an SEC {form} filing's index: its {', '.join(kind for kind, _ in chosen)} read from {'their' if len(chosen) > 1 else 'its'} own page"]
    return items


class EdgarReader:
    name = "edgar"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = ()  # a submission is a .txt: the text reader's suffix; its first tag says what it is
    content_type = "text/plain"
    binary = False
    description = "an SEC filing's complete submission file"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return text is not None and _SUBMISSION.match(text[:4000]) is not None

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, submission_items(fetched, str(text or ""))
