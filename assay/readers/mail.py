"""Saved emails (.eml): newsletters and news alerts that analysts keep or forward.

Python's `email` package parses the message; its Subject is the title, its Date the publication
date and its sender's display name ("Mining Weekly" <news@…>) the source. The body is the plain-text
part, read as a text export, or as its headlines when it is an alert's or a digest's list of them
(`assay/readers/headlines.py`); a message with only an HTML part is read as a page.

An attachment in a format articles come in (a release as PDF or Word, a forwarded message, a deck)
is read as the file would be and is an article of its own; its publisher, when its text names none,
is the sender. The body beside such attachments is only a cover note ("Please find attached…")
unless it is long enough to be an article itself (`COVER_NOTE_WORDS`). Other attachments (a logo,
a spreadsheet of figures) are named in the report.
"""

from __future__ import annotations

import re
from datetime import datetime
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import PurePosixPath

from assay.cleaning import html_blocks
from assay.readers.headlines import headline_items, html_headline_items, link_list_items
from assay.readers.html import extract_page
from assay.readers.text import read_text_file
from assay.sources import Decoded, SourceError, decode, decoding_notes, source_suffix
from assay.types import Fetched, RawItem, SourceKind

# The headers a saved message opens with (RFC 5322), each "Name: value" on its own line.
_HEADER = re.compile(rb"^(?:From|To|Subject|Date|Received|Return-Path|Message-ID|MIME-Version|Delivered-To|Reply-To):[ \t]", re.I | re.M)


def looks_like_email(content: bytes) -> bool:
    """At least three message headers in the first lines, before the first blank line."""
    head = content[:4000].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return len(_HEADER.findall(head)) >= 3


_MIN_WORDS = 12  # fewer words than a sentence or two: no article
# Beside attachments that are articles, a body shorter than this is their cover note: "Please find
# attached our quarterly report…" and a signature run 20 to 50 words.
COVER_NOTE_WORDS = 60

# The signature delimiter (RFC 3676: "-- " on a line of its own; often saved without its space).
_SIGNATURE = re.compile(r"^--[ \t]?$", re.M)


def _without_signature(text: str) -> tuple[str, bool]:
    """The text above its signature block: the last delimiter line, when only a short block follows it
    (a newsletter's subscription footer and address). A forwarded story that follows the forwarder's
    own signature is long, and is kept."""
    delimiters = list(_SIGNATURE.finditer(text))
    if not delimiters:
        return text, False
    last = delimiters[-1]
    block = [line for line in text[last.end():].splitlines() if line.strip()]
    if len(block) > 12 or sum(map(len, block)) > 800:
        return text, False
    return text[: last.start()].rstrip() + "\n", True


def html_of(part: MIMEPart, source: str) -> Decoded:
    """An HTML part's text, decoded as a fetched page is (`decode`: the part's charset, else the page's
    own `<meta charset>`, else UTF-8, then a guess): `get_content()` read a part that names no charset
    as ASCII, and a saved page's dashes and quotation marks came out as "���"."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        raise SourceError(f"{source}: its HTML part could not be read")
    return decode(Fetched(source=source, content=payload, content_type="text/html", charset=part.get_content_charset()))


def read_email(fetched: Fetched) -> list[RawItem]:
    message = BytesParser(policy=policy.default).parsebytes(fetched.content)
    if not isinstance(message, EmailMessage):  # the default policy always makes one; the check is for the type checker
        raise SourceError(f"{fetched.source}: not a readable email")
    notes: list[str] = []
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    subject = re.sub(r"^(?:(?:re|fwd?|aw|wg)\s*:\s*)+", "", " ".join(str(message.get("subject", "")).split()), flags=re.I)
    sender_name, sender_address = parseaddr(str(message.get("from", "")))
    # A forwarded wire story keeps its dateline's agency; a newsletter's note is published by its sender.
    sender = sender_name or sender_address.partition("@")[2] or sender_address or None
    text, signed = _without_signature(plain.get_content()) if plain is not None else ("", False)
    attached, attachment_notes = attachment_items(message, fetched, sender)
    page = html_of(html, fetched.source) if attached and plain is None and html is not None else None  # decoded once, when needed
    body_words = len(text.split()) if plain is not None else sum(len(block.text.split()) for block in html_blocks(str(page))) if page else 0
    if attached and body_words < COVER_NOTE_WORDS:
        attached[0].notes = [*attachment_notes, *attached[0].notes]
        return attached  # the cover note is no article
    if plain is not None and len(text.split()) < _MIN_WORDS:
        # A newsletter's plain part that is only "View in your browser" and its footer: the HTML part
        # holds the text, and with none there is nothing to read.
        if html is None:
            raise SourceError(f"{fetched.source}: an email with no text to read (its plain part holds only {len(text.split())} words)")
        notes.append("the plain-text part is nearly empty: read the HTML part")
        plain = None
    sent = _sent(message, notes)
    if plain is not None and (headlines := headline_items(text, fetched, sent, notes) or link_list_items(text, fetched, sent, notes)):
        headlines[0].notes.extend(attachment_notes)
        return [*headlines, *attached]  # an alert's, a digest's or a reading list's: the articles it links to, each read from its page
    if plain is not None:  # the subject as its title line, so the body keeps every line it has
        if signed:
            notes.append("removed the signature block under the '-- ' line")
        item = read_text_file(f"{subject}\n\n{text}" if subject else text,
                              fetched.model_copy(update={"content_type": "text/plain"}), sender=sender)
    elif html is not None:
        page = page if page is not None else html_of(html, fetched.source)
        if headlines := html_headline_items(str(page), fetched, sent, notes):  # a digest sent as HTML only
            headlines[0].notes.extend(attachment_notes)
            return [*headlines, *attached]
        item = extract_page(str(page), fetched.model_copy(update={"content_type": "text/html"}), sender=sender)
        item.notes.extend(decoding_notes(page))
    else:
        raise SourceError(f"{fetched.source}: an email with no text or HTML part to read")
    # The message's own headers stand in for what the text does not say: a forwarded wire story keeps
    # its dateline's date, a newsletter's note is dated the day it was sent.
    if subject and html is not None and plain is None:
        item.title = subject
    if item.published is None and sent is not None:
        item.published = sent
        notes.append("dated by the message's Date header")
    item.notes.extend([*notes, *attachment_notes])
    return [item, *attached]


def attachment_items(message: EmailMessage, fetched: Fetched, sender: str | None) -> tuple[list[RawItem], list[str]]:
    """The articles the message's attachments are, each read as the file would be, and notes naming
    the attachments not read and why."""
    from assay.readers import parse_inner, supported_suffixes  # the registry holds this reader too

    items: list[RawItem] = []
    unread: list[str] = []
    for number, part in enumerate(message.iter_attachments(), 1):
        forwarded = part.get_content_type() == "message/rfc822"  # Outlook's "Forward as attachment"
        # Its name as a file name, never a path ("../../x.pdf" is "x.pdf").
        name = PurePosixPath((part.get_filename() or "").replace("\\", "/")).name or f"attachment {number}{'.eml' if forwarded else ''}"
        suffix = ".eml" if forwarded else PurePosixPath(name).suffix.lower()  # a forwarded message is one, whatever its name
        if suffix not in supported_suffixes():
            unread.append(f"{name} (not a format articles come in)")
            continue
        try:
            content = bytes(part.get_content()) if forwarded else part.get_payload(decode=True)
        except (LookupError, TypeError, ValueError) as exc:  # a charset no codec knows, a part that is no message
            unread.append(f"{name} (could not be unpacked: {exc})")
            continue
        if not isinstance(content, bytes) or not content:
            unread.append(f"{name} (empty)")
            continue
        try:
            found = parse_inner(fetched, name, suffix, content)
        except SourceError as exc:
            unread.append(f"{name} ({exc})")
            continue
        for item in found:
            if item.source == "files" and sender:  # its text names no publisher: the sender sent it
                item.source = sender
                item.notes = [n for n in item.notes if not n.startswith('source: "files"')] + [f"source: the sender, {sender}"]
        items.extend(found)
    notes = [f"read {len(items)} article{'s' * (len(items) != 1)} from its attachments"] if items else []
    if unread:
        notes.append(f"{len(unread)} attachment{'s' * (len(unread) > 1)} not read: {'; '.join(unread)}")
    return items, notes


def _sent(message: EmailMessage, notes: list[str]) -> datetime | None:
    """When the message was sent, by its Date header."""
    if not message.get("date"):
        return None
    try:
        return parsedate_to_datetime(str(message["date"]))
    except (TypeError, ValueError):
        notes.append(f"the Date header {message.get('date')!r} is not a date: left undated")
        return None


class EmailReader:
    name = "email"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".eml",)
    content_type = "message/rfc822"
    binary = True
    description = "an email"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return source_suffix(fetched) == ".eml" or fetched.content_type == self.content_type or looks_like_email(fetched.content)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, read_email(fetched)
