"""Evernote's export (.enex): the notes an analyst clipped from the web, each an article.

An export is XML: one `<note>` per note, with its title, when it was made, its tags, the address
it was clipped from (`note-attributes/source-url`) and its text as ENML, an XHTML dialect, inside
`<content>`. Read as text, an export was turned away as program code (its markup); each note is
now read as the page it was clipped from (`assay/readers/html.py`): its byline or dateline dates
it and its address names its site and is its identity, as if that page had been ingested.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape

import lxml.etree

from assay.readers.feed import xml_root
from assay.readers.html import extract_page
from assay.sources import SourceError, decode, decoding_notes, source_address
from assay.types import Fetched, RawItem, SourceKind

# ENML's body: its `<en-note>` element, after the XML declaration and doctype Evernote writes.
_EN_NOTE = re.compile(r"<en-note\b[^>]*>(?P<body>.*)</en-note>", re.DOTALL)
# A part the user encrypted in Evernote: its text is a cipher's base64, no words.
_ENCRYPTED = re.compile(r"<en-crypt\b[^>]*>.*?</en-crypt>", re.DOTALL)
# No entity is expanded and nothing is fetched: the export's DTD is named by URL.
_PARSER = lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True, recover=False)


def _when(value: str | None) -> datetime | None:
    """Evernote's timestamp ("20261203T081200Z"), in UTC."""
    try:
        return datetime.strptime((value or "").strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def _note_item(note: lxml.etree._Element, fetched: Fetched) -> RawItem:
    title = (note.findtext("title") or "").strip()
    address = (note.findtext("note-attributes/source-url") or "").strip()
    url = address if address.startswith(("http://", "https://")) else None
    enml = note.findtext("content") or ""
    body = found["body"] if (found := _EN_NOTE.search(enml)) else enml
    body, encrypted = _ENCRYPTED.subn("", body)
    page = f"<html><head><title>{escape(title)}</title></head><body><article>{body}</article></body></html>"
    item = extract_page(page, fetched.model_copy(update={"url": url, "content_type": "text/html", "filename": None}))
    item.source_url = source_address(fetched)  # `assay remove` names the export, as it names a feed
    item.title = item.title or title
    item.categories = [tag.text.strip() for tag in note.findall("tag") if tag.text and tag.text.strip()] or item.categories
    # `note-attributes/author` is whoever made the note (the analyst who clipped it), not the article's writer.
    if item.published is None and (saved := _when(note.findtext("created"))) is not None:
        item.published = saved
        item.notes.append("no date in the clipped text: dated by the day the note was made")
    item.notes.append("a note clipped to Evernote" + (f" from {url}" if url else ""))
    if encrypted:
        item.notes.append("its encrypted text left out: decrypt it in Evernote and export the note again to have it read")
    return item


class EnexReader:
    name = "evernote"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".enex",)
    content_type = "application/enex+xml"
    binary = False
    description = "an Evernote export"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        # By its root, whatever its name: a page saved as .enex is read as the page it is.
        return text is not None and xml_root(text[:4000]) == "en-export"

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        content = decode(fetched) if text is None else text
        try:
            root = lxml.etree.fromstring(str(content).encode(), _PARSER)
        except lxml.etree.XMLSyntaxError as exc:
            why = (exc.msg or "").splitlines()[0] if exc.msg else "cut short"
            raise SourceError(f"{fetched.source}: an Evernote export that is not well-formed XML (line {exc.lineno}: {why}): "
                              "export the notes again") from None
        items: list[RawItem] = []
        empty: list[str] = []
        for note in root.iter("note"):
            try:
                items.append(_note_item(note, fetched))
            except SourceError:  # a note of only an image or an attachment: the others are still read
                empty.append((note.findtext("title") or "untitled").strip())
        if not items:
            raise SourceError(f"{fetched.source}: an Evernote export with no note that holds text")
        if empty:
            items[0].notes.append(f"notes with no text left out: {', '.join(repr(t) for t in empty)}")
        for item in items:
            item.notes.extend(decoding_notes(content))
        return None, items
