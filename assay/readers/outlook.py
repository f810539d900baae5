"""Outlook messages (.msg): what Outlook saves a mail as, dragged to a folder or through Save As.

A .msg is an OLE compound file (olefile reads it) whose properties are streams named by their tags
(MS-OXMSG): the subject, the sender, the plain and HTML bodies and, for a mail received, the headers
it came with. They are put together as the message Outlook received and read as a saved email
(`assay/readers/mail.py`): a newsletter, a forwarded story or an alert's headlines alike, and its
attachments as a saved email's are. Before, a .msg was refused as "a Word 97-2003 (.doc) or other old
Office file".
"""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import Parser
from email.utils import format_datetime, formataddr

import olefile

from assay.readers.mail import read_email
from assay.sources import SourceError, decode, source_suffix
from assay.types import Fetched, RawItem, SourceKind

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PROPERTIES = "__properties_version1.0"
PROPERTY_STREAM = "__substg1.0_".encode("utf-16-le")  # in a compound file's directory: the name of a message's property
_SUBMIT_TIME = 0x0039  # PR_CLIENT_SUBMIT_TIME, a PT_SYSTIME among the fixed-length properties
_TOP_HEADER = 32  # bytes before a top-level message's fixed-length property entries


def _string(ole: olefile.OleFileIO, tag: str, storage: str = "") -> str | None:
    """A string property (of the message, or of an attachment's `storage`): Unicode (001F), else in the
    message's 8-bit code page (001E), read as cp1252."""
    for kind, codec in (("001F", "utf-16-le"), ("001E", "cp1252")):
        if ole.exists(f"{storage}__substg1.0_{tag}{kind}"):
            return ole.openstream(f"{storage}__substg1.0_{tag}{kind}").read().decode(codec, errors="replace").rstrip("\0")
    return None


def _submitted(ole: olefile.OleFileIO) -> datetime | None:
    """When the message was sent, from its fixed-length properties (16 bytes each: type, id, flags, value)."""
    if not ole.exists(_PROPERTIES):
        return None
    data = ole.openstream(_PROPERTIES).read()
    for at in range(_TOP_HEADER, len(data) - 15, 16):
        kind, tag, _, value = struct.unpack_from("<HHIQ", data, at)
        if (kind, tag) == (0x0040, _SUBMIT_TIME) and value:
            return datetime(1601, 1, 1, tzinfo=UTC) + timedelta(microseconds=value // 10)
    return None


def _html(ole: olefile.OleFileIO, source: str) -> str | None:
    if ole.exists("__substg1.0_10130102"):  # binary: the page's own bytes, decoded as a fetched page is (its <meta charset>…)
        data = ole.openstream("__substg1.0_10130102").read().rstrip(b"\0")
        return str(decode(Fetched(source=source, content=data, content_type="text/html")))
    return _string(ole, "1013")


def _attach(ole: olefile.OleFileIO, message: EmailMessage) -> None:
    """The files the message carries (each a storage of its own: its bytes, PR_ATTACH_DATA_BIN, and its
    file name, PR_ATTACH_LONG_FILENAME or the 8.3 one), attached to `message` as a saved email's are.
    An attached Outlook item (PR_ATTACH_DATA_OBJ, a storage of its own) is named, not read."""
    storages = sorted({entry[0] for entry in ole.listdir(streams=False, storages=True) if entry[0].startswith("__attach_version1.0_")})
    for number, storage in enumerate(storages, 1):
        name = _string(ole, "3707", f"{storage}/") or _string(ole, "3704", f"{storage}/") or f"attachment {number}"
        data_stream = f"{storage}/__substg1.0_37010102"
        if ole.exists(data_stream):
            message.add_attachment(ole.openstream(data_stream).read(), maintype="application", subtype="octet-stream", filename=name)
        else:  # an embedded message or object: named in the report as not read
            message.add_attachment(b"", maintype="application", subtype="octet-stream", filename=f"{name} (an attached Outlook item)")


def as_email(fetched: Fetched) -> bytes:
    """The message a .msg holds, with its attachments, as the RFC 822 bytes a saved email is."""
    try:
        return _as_email(fetched)
    except _DAMAGED as exc:  # olefile's own error, or a truncated stream's
        raise SourceError(f"{fetched.source}: a damaged Outlook message ({exc}): save it from Outlook again") from None


_DAMAGED = (OSError, ValueError, struct.error, IndexError, EOFError)


def _as_email(fetched: Fetched) -> bytes:
    with olefile.OleFileIO(io.BytesIO(fetched.content)) as ole:
        if not ole.exists(_PROPERTIES):
            raise SourceError(f"{fetched.source}: an old Office file, not an Outlook message: save it as .docx or PDF")
        received = Parser(policy=policy.default).parsestr(_string(ole, "007D") or "", headersonly=True)
        message = EmailMessage()
        sender = received.get("from") or formataddr((_string(ole, "0C1A") or "", _string(ole, "0C1F") or ""))
        if sender:
            message["From"] = sender
        message["Subject"] = _string(ole, "0037") or received.get("subject") or ""
        sent = received.get("date") or (format_datetime(when) if (when := _submitted(ole)) else None)
        if sent:
            message["Date"] = sent
        plain, html = _string(ole, "1000"), _html(ole, fetched.source)
        if plain is None and html is None:
            raise SourceError(f"{fetched.source}: an Outlook message with no text or HTML body to read")
        message.set_content(plain if plain is not None else html or "", subtype="plain" if plain is not None else "html")
        if plain is not None and html is not None:
            message.add_alternative(html, subtype="html")
        _attach(ole, message)
        return bytes(message)


class OutlookReader:
    name = "outlook"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = (".msg",)
    content_type = "application/vnd.ms-outlook"
    binary = True
    description = "an Outlook message"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        # An OLE file is a .doc, .xls or .msg alike: a message's directory names its property streams.
        return fetched.content.startswith(OLE_MAGIC) and (source_suffix(fetched) == ".msg" or PROPERTY_STREAM in fetched.content)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, read_email(fetched.model_copy(update={"content": as_email(fetched), "content_type": "message/rfc822"}))
