"""Word 97-2003 documents (.doc): one saved by Word itself (olefile's test file), and a company release
written here as Word lays one out (`tests/word97_doc.py`), read as `assay ingest` reads them. Before,
a .doc was refused with "save it as .docx or PDF"."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched
from tests.outlook_msg import compound_file, outlook_message
from tests.word97_doc import FOOTNOTES, RELEASE, word97_document

WORD_SAVED = Path(__file__).parent / "fixtures" / "formats" / "doc" / "test-ole-file.doc"


def read(content: bytes, name: str = "KRE release.doc"):
    return parse(Fetched(source=f"/home/analyst/Downloads/{name}", content=content, content_type="application/octet-stream"))[2]


def test_a_document_word_saved_reads_as_its_text():
    (item,) = read(WORD_SAVED.read_bytes(), "test-ole-file.doc")
    assert item.title == "Test OLE file, saved as Word 97-2003 Document."
    assert "a Word 97-2003 document" in " ".join(item.notes)


@pytest.mark.parametrize("unicode_from", [None, RELEASE.index("Managing"), 0])  # 8-bit text, a mix of pieces, UTF-16 text
def test_a_company_release_reads_as_word_shows_it(unicode_from):
    (item,) = read(word97_document(RELEASE, FOOTNOTES, unicode_from=unicode_from))
    article = to_article(item)
    assert article.title == "Kestrel Rare Earths Commissions Second Separation Circuit"
    assert article.published is not None and article.published.date().isoformat() == "2026-03-09"
    assert article.source == "Kestrel Rare Earths Limited"
    body = article.body
    assert "within its A$85 million budget.\n" in body  # the footnote's reference mark gone, and its text
    assert "Unaudited" not in body
    assert "Managing Director Sarah Lin said the circuit made Kestrel “the largest separator outside China”." in body
    assert "TC" not in body and "HYPERLINK" not in body and "More at kestrel.example/investors." in body  # a field's result, not its code
    assert "NdPr oxide: Capacity (tpa) 2,400" in body and "\x07" not in body  # its column named
    assert [s.heading for s in article.sections if s.heading] == ["Outlook"]
    assert "1 table read a row to a line" in " ".join(item.notes)


def test_a_doc_is_known_by_its_streams_whatever_its_name():
    (item,) = read(word97_document(RELEASE), "attachment")
    assert item.title == "Kestrel Rare Earths Commissions Second Separation Circuit"


def test_an_outlook_message_carrying_a_doc_is_read_as_the_message():
    message = outlook_message("Kestrel release", "Please find attached our release on the second separation circuit at Mount Weld "
                              "North, commissioned on schedule and within budget.", sender_name="Kestrel IR")
    items = read(message + word97_document(RELEASE), "Kestrel release.msg")  # the .doc's bytes inside, as an attachment's are
    assert [i.title for i in items] == ["Kestrel release"]


@pytest.mark.parametrize("content, said", [
    (word97_document(RELEASE, encrypted=True), "a password-protected Word document"),
    (word97_document(RELEASE, version=0x0065), "a Word 6 or Word 95 document, older than Assay reads"),
    (compound_file({"WordDocument": b"\x00" * 100}), "a damaged Word document"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "a damaged Word document"),
    (word97_document("\r\r"), "the Word document holds no text"),
])
def test_what_cannot_be_read_says_why(content, said):
    with pytest.raises(SourceError, match=said):
        read(content)
