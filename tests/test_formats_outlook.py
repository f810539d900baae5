"""Outlook messages (.msg), made here as Outlook saves them (tests/outlook_msg.py), read as `assay
ingest` reads them. Before, each was refused as "a Word 97-2003 (.doc) or other old Office file"
(Word 97-2003 documents are read now: `test_formats_word97.py`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched
from tests.outlook_msg import compound_file, outlook_message

BODY = ("Lynas Rare Earths said on Tuesday it produced 3.4 tonnes of dysprosium oxide in Malaysia in January and February, "
        "the first heavy rare earths separated outside China at commercial scale.\r\n\r\nThe company said terbium output would "
        "follow in the second quarter.\r\n")


def read(content: bytes, name: str = "Lynas lifts output.msg") -> list:
    return parse(Fetched(source=f"/home/analyst/Mail/{name}", content=content, content_type="application/octet-stream"))[2]


def test_a_saved_newsletter_is_titled_by_its_subject_published_by_its_sender_on_the_day_sent():
    html = f"<html><body><p>{BODY.replace(chr(13) + chr(10) * 2, '</p><p>')}</p></body></html>".encode()
    content = outlook_message("FW: Lynas lifts heavy rare earths output", BODY, html=html, sender_name="Mining Weekly",
                              sender_address="news@miningweekly.example", sent=datetime(2026, 3, 3, 8, 15, tzinfo=UTC),
                              attached={"Lynas quarterly.pdf": b"%PDF-1.7\n", "chart.png": b"\x89PNG"})
    (item,) = read(content)
    assert any(note.startswith("2 attachments not read: Lynas quarterly.pdf (not a readable PDF") and
               note.endswith("chart.png (not a format articles come in)") for note in item.notes)
    article = to_article(item)
    assert (article.title, article.source) == ("Lynas lifts heavy rare earths output", "Mining Weekly")
    assert article.published == datetime(2026, 3, 3, 8, 15, tzinfo=UTC)
    assert article.body.startswith("Lynas Rare Earths said on Tuesday") and "terbium output" in article.body


def test_a_received_mail_with_only_html_takes_its_sender_and_date_from_the_headers_it_came_with():
    headers = ("Received: from mx.example (mx.example [192.0.2.1])\r\nFrom: \"Argus Metals\" <alerts@argus.example>\r\n"
               "Date: Wed, 4 Mar 2026 06:30:00 +0000\r\nSubject: NdPr oxide prices\r\n")
    html = (b"<html><head><meta charset='utf-8'></head><body><h1>NdPr oxide prices</h1><p>NdPr oxide rose 3% to 620,000 yuan a tonne "
            b"in China on Wednesday, the highest since May, as magnet makers restocked before the lunar new year holiday ended.</p>"
            b"<p>Dysprosium oxide was unchanged at 1,650 yuan a kilogram.</p></body></html>")
    (item,) = read(outlook_message("NdPr oxide prices", None, html=html, headers=headers), "NdPr.msg")
    article = to_article(item)
    assert (article.title, article.source) == ("NdPr oxide prices", "Argus Metals")
    assert article.published == datetime(2026, 3, 4, 6, 30, tzinfo=UTC) and "620,000 yuan" in article.body


def test_an_alert_saved_from_outlook_is_its_headlines():
    from email import message_from_bytes, policy

    from tests.conftest import google_alerts_email
    from tests.test_formats_email import ALERT

    plain = message_from_bytes(google_alerts_email(ALERT), policy=policy.default).get_content()  # its text, as Outlook keeps it
    items = read(outlook_message("Google Alert - rare earth", plain, sender_name="Google Alerts"), "Google Alert.msg")
    assert [i.title for i in items] == [a["title"] for a in ALERT] and all(i.read_at_url for i in items)


@pytest.mark.parametrize("content, name, said", [
    (compound_file({"Workbook": b"\x00" * 100}), "prices.xls", r"an old Office file \(an Excel or PowerPoint 97-2003 one\)"),
    (compound_file({"Workbook": b"\x00" * 100}), "note.msg", "an old Office file, not an Outlook message: save it as .docx or PDF"),
    (bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 600, "cut.msg", "a damaged Outlook message"),
    (outlook_message("Empty", None), "empty.msg", "an Outlook message with no text or HTML body to read"),
])
def test_what_cannot_be_read_says_why(content, name, said):
    with pytest.raises(SourceError, match=said):
        read(content, name)


def test_a_release_attached_to_a_cover_note_is_the_article():
    from tests.test_formats_docx import kestrel_release

    content = outlook_message("Kestrel: second separation circuit commissioned", "Dear investor,\r\n\r\nPlease find attached "
                              "today's ASX announcement.\r\n\r\nKind regards,\r\nInvestor Relations", sender_name="Kestrel Rare Earths IR",
                              sent=datetime(2026, 3, 9, 7, 0, tzinfo=UTC), attached={"KRE ASX announcement.docx": kestrel_release()})
    (item,) = read(content)
    article = to_article(item)
    assert (article.title, article.source) == ("Kestrel Rare Earths Commissions Second Separation Circuit", "Kestrel Rare Earths Limited")
    assert "Dear investor" not in article.body and "read 1 article from its attachments" in item.notes

