"""Web pages saved as one file (.mhtml, .mht): Chrome's and Edge's "Save as… Webpage, Single File".

The file is a MIME message (Python's `email` parses it) whose first HTML part is the page and whose
other parts are its stylesheets and images. Read as an email, the saved page came out titled with
its browser tab ("Lynas lifts NdPr output 12% … | Mining Weekly"), its dashes and quotation marks
as "���" (the HTML part names no charset; the page's own `<meta charset>` says UTF-8), a stylesheet
counted as an attachment not read, and a `.mhtml` in a folder was not ingested at all. Read as the
page it is, it gets the page rules (`assay/readers/html.py`), and the address it was saved from
(`Snapshot-Content-Location`) is its identity, as if ingested by that URL.
"""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage, MIMEPart
from email.parser import BytesParser

from assay.readers.html import extract_page
from assay.readers.mail import html_of
from assay.sources import SourceError, decoding_notes, source_address, source_suffix
from assay.types import Fetched, RawItem, SourceKind

_SAVED_PAGE = re.compile(rb"^(?:Snapshot-Content-Location:|Content-Type:\s*multipart/related;[^\n]*\n?[^\n]*text/html)", re.I | re.M)


def looks_like_saved_page(content: bytes) -> bool:
    """A MIME message holding a saved page: Chrome's `Snapshot-Content-Location` header, or a
    multipart/related message whose root is HTML, in its headers."""
    head = content[:4000].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    return b"MIME-Version:" in head and bool(_SAVED_PAGE.search(head))


def read_saved_page(fetched: Fetched) -> RawItem:
    message = BytesParser(policy=policy.default).parsebytes(fetched.content)
    if not isinstance(message, EmailMessage):  # the default policy always makes one; the check is for the type checker
        raise SourceError(f"{fetched.source}: not a readable saved page")
    page = next((part for part in message.walk() if part.get_content_type() == "text/html"), None)
    if not isinstance(page, MIMEPart) or not str(page.get_payload()).strip():
        raise SourceError(f"{fetched.source}: a saved page with no HTML in it; save the page again, or as .html")
    html = html_of(page, fetched.source)
    location = str(message.get("Snapshot-Content-Location") or page.get("Content-Location") or "")
    url = location if location.startswith(("http://", "https://")) else None
    item = extract_page(str(html), fetched.model_copy(update={"url": url, "content_type": "text/html"}))
    item.source_url = url or source_address(fetched)
    item.notes.extend(decoding_notes(html))
    item.notes.append("a web page saved as one file" + (f", from {url}" if url else ""))
    return item


class MhtmlReader:
    name = "mhtml"
    kind = SourceKind.page
    suffixes: tuple[str, ...] = (".mhtml", ".mht")
    content_type = "multipart/related"
    binary = True
    description = "a web page saved as one file"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return source_suffix(fetched) in self.suffixes or looks_like_saved_page(fetched.content)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, [read_saved_page(fetched)]
