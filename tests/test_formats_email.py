"""Saved emails: messages made here with Python's `email` package as a newsletter, a news alert and a
forwarded wire story would be saved (.eml), then read as `assay ingest` reads them."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from assay.readers import content_type_for, parse
from assay.types import Fetched

BODY = ("Lynas Rare Earths said on Tuesday it produced 3.4 tonnes of dysprosium oxide in Malaysia in January and February, "
        "the first heavy rare earths separated outside China at commercial scale.\n\nThe company said terbium output would "
        "follow in the second quarter.\n")


def message(subject: str = "Lynas lifts heavy rare earths output", sender: str = '"Mining Weekly" <news@miningweekly.example>',
            plain: str | None = BODY, html: str | None = None, attachment: bytes | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Date"] = sender, "analyst@example.com", subject, "Tue, 3 Mar 2026 08:15:00 +0000"
    if plain is not None:
        mail.set_content(plain)
    if html is not None:
        if plain is None:
            mail.set_content(html, subtype="html")
        else:
            mail.add_alternative(html, subtype="html")
    if attachment is not None:
        mail.add_attachment(attachment, maintype="application", subtype="pdf", filename="report.pdf")
    return bytes(mail)


def read(content: bytes, name: str = "Downloads/alert.eml"):
    kind, _, (item,) = parse(Fetched(source=name, content=content, content_type=content_type_for(".eml" if name.endswith(".eml") else ".txt")))
    return kind, item


def test_a_newsletter_is_titled_by_its_subject_published_by_its_sender_on_the_day_sent():
    kind, item = read(message(subject="Fwd: Lynas lifts heavy rare earths output"))
    assert kind.value == "file"
    assert (item.title, item.source) == ("Lynas lifts heavy rare earths output", "Mining Weekly")
    assert item.published is not None and item.published.isoformat() == "2026-03-03T08:15:00+00:00"
    assert item.content.startswith("Lynas Rare Earths said on Tuesday") and "From:" not in item.content


def test_a_forwarded_wire_story_keeps_its_dateline_agency_and_date():
    story = "SYDNEY, March 2, 2026 (Reuters) - " + BODY
    _, item = read(message(plain=story))
    assert item.source == "Reuters" and item.published is not None and item.published.date().isoformat() == "2026-03-02"


def test_a_newsletter_s_signature_block_is_no_part_of_its_text():
    """Seen on a newsletter nobody here labelled: the subscription footer under the "--" line was
    analysed as a statement ("You are receiving this because you subscribed…")."""
    footer = ("--\nYou are receiving this because you subscribed at miningweekly.example.\nUnsubscribe | Manage preferences\n"
              "Mining Weekly, 12 Harbour Lane, Singapore 049315\n")
    _, item = read(message(plain=BODY + "\n" + footer))
    assert "terbium output would follow" in item.content and "subscribed" not in item.content and "Unsubscribe" not in item.content
    assert "removed the signature block under the '-- ' line" in item.notes
    # A story forwarded under the forwarder's own signature is long, and is kept whole.
    forwarded = "FYI, see below.\n-- \nJane\n\n---------- Forwarded message ---------\n\n" + (BODY + "\n") * 6
    _, item = read(message(plain=forwarded))
    assert item.content.count("terbium output would follow") == 6


def test_an_html_only_alert_is_read_as_a_page_and_an_attachment_it_cannot_read_is_named():
    html = f"<html><body><article><h1>Alert</h1><p>{BODY.splitlines()[0]}</p><p>{BODY.splitlines()[2]}</p></article></body></html>"
    _, item = read(message(plain=None, html=html, attachment=b"%PDF-1.4 not read here"))
    assert item.title == "Lynas lifts heavy rare earths output" and "3.4 tonnes of dysprosium" in item.content
    assert any(note.startswith("1 attachment not read: report.pdf (not a readable PDF") for note in item.notes)


def with_attachments(plain: str, files: dict[str, bytes], sender: str = '"Mining Weekly" <news@miningweekly.example>',
                     forwarded: bytes | None = None) -> bytes:
    from email import message_from_bytes
    from email import policy as policies

    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"], mail["Date"] = sender, "analyst@example.com", "Today's reading", "Tue, 3 Mar 2026 08:15:00 +0000"
    mail.set_content(plain)
    for name, data in files.items():
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    if forwarded is not None:  # Outlook's "Forward as attachment": the message itself, as message/rfc822
        mail.add_attachment(message_from_bytes(forwarded, policy=policies.default))
    return bytes(mail)


def items_of(content: bytes, name: str = "/home/analyst/Mail/reading.eml"):
    return parse(Fetched(source=name, content=content, content_type="message/rfc822"))[2]


def test_attachments_that_are_articles_are_read_and_a_cover_note_is_not():
    baotou = b"Baotou update\n\nChina Northern Rare Earth raised its smelting capacity to 11,200 tons a year, the company said.\n"
    items = items_of(with_attachments("Hi all, two items for today's meeting attached. Best, Jane", {
        "baotou.txt": baotou, "logo.png": b"\x89PNG"}, sender='"China Northern Rare Earth IR" <ir@cnre.example>',
        forwarded=message(subject="Lynas lifts heavy rare earths output")))
    assert [(i.title, i.source) for i in items] == [("Baotou update", "China Northern Rare Earth IR"),  # its text names no publisher: the sender
                                                    ("Lynas lifts heavy rare earths output", "Mining Weekly")]  # the forwarded message's own sender
    notes = " ".join(items[0].notes)
    assert "read 2 articles from its attachments" in notes and "1 attachment not read: logo.png (not a format articles come in)" in notes
    assert "the folder's name" not in notes  # the mail is no folder the user named


def test_a_mail_that_is_an_article_keeps_it_beside_its_attachments():
    story = "SYDNEY, March 2, 2026 (Reuters) - " + BODY * 3
    items = items_of(with_attachments(story, {"baotou.md": b"# Baotou update\n\nChina Northern Rare Earth raised its smelting capacity to 11,200 tons a year.\n"}))
    assert [i.title for i in items] == ["Today's reading", "Baotou update"] and items[0].source == "Reuters"
    # An HTML newsletter's article is kept beside its attachment too; a short HTML note is a cover note.
    html = "<html><body><article><h1>Lynas</h1>" + f"<p>{BODY}</p>" * 3 + "</article></body></html>"
    note = "<html><head><style>p {color: red}</style></head><body><p>Attached, as promised.</p></body></html>"
    baotou = {"baotou.md": b"# Baotou update\n\nChina Northern Rare Earth raised its smelting capacity to 11,200 tons a year.\n"}
    for body, expected in ((html, 2), (note, 1)):
        mail = EmailMessage()
        mail["From"], mail["Subject"], mail["Date"] = "news@miningweekly.example", "Today's reading", "Tue, 3 Mar 2026 08:15:00 +0000"
        mail.set_content(body, subtype="html")
        mail.add_attachment(baotou["baotou.md"], maintype="application", subtype="octet-stream", filename="baotou.md")
        assert len(items_of(bytes(mail))) == expected


def test_a_saved_message_without_its_suffix_is_still_read_as_one():
    _, item = read(message(), name="notes/alert.txt")
    assert item.title == "Lynas lifts heavy rare earths output" and "Subject:" not in item.content


@pytest.mark.parametrize("text", ["From: a desk note, not a message\n\nLynas said output rose.", "Subject: rare earths\nLynas said output rose."])
def test_text_that_opens_with_a_header_like_line_is_text(text):
    _, item = read(text.encode(), name="notes/desk.txt")
    assert "Lynas said output rose." in item.content


def test_a_plain_part_with_only_chrome_gives_way_to_the_html_part_or_to_a_clear_error():
    chrome = "View this email in your browser\n--\nYou are receiving this because you subscribed.\nUnsubscribe\n"
    html = f"<html><body><article><p>{BODY.splitlines()[0]}</p></article></body></html>"
    _, item = read(message(plain=chrome, html=html))
    assert "3.4 tonnes of dysprosium" in item.content and "the plain-text part is nearly empty: read the HTML part" in item.notes
    from assay.sources import SourceError

    with pytest.raises(SourceError, match="an email with no text to read"):
        read(message(plain=chrome))


ALERT = [
    {"title": "China's rare earth magnet exports fall 12% in October", "publisher": "Reuters", "url": "https://www.reuters.com/markets/magnets/",
     "teaser": "China's exports of rare earth magnets fell 12% in October from a month earlier, customs data showed on Friday, as export licences slowed ..."},
    {"title": "Lynas lifts Kalgoorlie rare earth output", "publisher": "MINING.COM", "url": "https://www.mining.com/lynas-lifts/?utm_source=alert",
     "teaser": "Lynas Rare Earths said its Kalgoorlie plant produced 2,204 tonnes of NdPr in the quarter, up 12% on the previous quarter ..."},
]


def test_an_alert_email_is_its_headlines_each_to_be_read_from_its_page():
    """Google Alerts' mail was one article of the sender's: titled "Google Alert - rare earth",
    published by "=== News", its click-tracker links and "Unsubscribe" lines among its statements."""
    from tests.conftest import google_alerts_email

    _, _, items = parse(Fetched(source="alert.eml", content=google_alerts_email(ALERT), content_type="message/rfc822"))
    assert [(i.title, i.source, i.url) for i in items] == [
        ("China's rare earth magnet exports fall 12% in October", "Reuters", "https://www.reuters.com/markets/magnets/"),
        ("Lynas lifts Kalgoorlie rare earth output", "MINING.COM", "https://www.mining.com/lynas-lifts/?utm_source=alert"),
    ]
    assert all(i.read_at_url and i.published.isoformat() == "2026-11-30T09:01:00+00:00" for i in items)
    assert items[0].content.startswith("China's exports") and "google.com" not in items[0].content
    assert "an email of 2 headlines" in " ".join(items[0].notes)


def test_a_newsletter_with_one_link_is_still_one_article():
    plain = BODY + "\nRead the full story\non our website, with charts and the company's filing.\n<https://www.miningweekly.example/lynas>\n"
    _, _, (item,) = parse(Fetched(source="note.eml", content=message(plain=plain), content_type="message/rfc822"))
    assert not item.read_at_url and item.title == "Lynas lifts heavy rare earths output" and "3.4 tonnes" in item.content


def test_a_reading_list_in_a_mail_or_a_file_is_the_articles_it_links_to():
    """A colleague's mail of links, and the same links pasted into a text file: each was one article
    titled with an address, its body addresses."""
    links = ("Hi team, worth a read this week:\n\n"
             "- Lynas lifts heavy rare earths output: https://www.reuters.com/markets/lynas-heavy/\n"
             "2. [MP Materials ships magnets](https://www.mining.com/mp-ships/)\n"
             "<https://www.google.com/url?rct=j&sa=t&url=https://www.ft.com/content/abc&ct=ga>\n\n"
             "Best,\nTom\n")
    _, _, items = parse(Fetched(source="reads.eml", content=message(subject="Reading", plain=links), content_type="message/rfc822"))
    assert [(i.title, i.url, i.source) for i in items] == [
        ("Lynas lifts heavy rare earths output", "https://www.reuters.com/markets/lynas-heavy/", "www.reuters.com"),
        ("MP Materials ships magnets", "https://www.mining.com/mp-ships/", "www.mining.com"),
        ("", "https://www.ft.com/content/abc", "www.ft.com"),  # a bare link: its page gives the title
    ]
    assert all(i.read_at_url for i in items) and "a list of 3 links" in " ".join(items[0].notes)
    _, _, in_a_file = parse(Fetched(source="/home/analyst/reads.txt", content=links.encode(), content_type="text/plain"))
    assert [i.url for i in in_a_file] == [i.url for i in items] and in_a_file[0].published is None


@pytest.mark.parametrize("text", [
    # Prose that cites links stays an article.
    "Lynas lifts output\n\nLynas said output rose 12%, https://lynas.com/q3, as the plant ramped up.\n\nMP Materials "
    "shipped magnets (https://mpmaterials.com/news) to GM.\n\nAnalysts expect more.\n\nPrices rose.\n\nThe end.\n",
    "Sources\n\nhttps://lynas.com/q3 and https://mpmaterials.com/news both say output rose.\n",
])
def test_text_that_cites_links_is_an_article(text):
    _, _, (item,) = parse(Fetched(source="/home/analyst/note.txt", content=text.encode(), content_type="text/plain"))
    assert not item.read_at_url


def html_digest(results: list[dict]) -> str:
    """Google Alerts' HTML, as its mail lays each result out: the tracked link around the title, then
    the publisher and the teaser in blocks of their own; a footer of links to manage the alert."""
    from urllib.parse import urlencode

    rows = "".join(
        "<tr><td style='padding:0'><a href='https://www.google.com/url?" + urlencode({"rct": "j", "sa": "t", "url": r["url"], "ct": "ga"})
        + f"' itemprop='url'><span itemprop='name'>{r['title']}</span></a>"
        f"<div itemprop='publisher'><span itemprop='name'>{r['publisher']}</span></div>"
        f"<div itemprop='description'>{r['teaser']}</div>"
        "<a href='https://www.google.com/alerts/feedback?ffu=x'><img src='cid:flag' alt=''></a> <a href='https://www.google.com/alerts/feedback?x'>Flag as irrelevant</a></td></tr>"
        for r in results)
    return ("<html><head><style>td {font: 14px Arial}</style></head><body><table><tr><td><b>NEWS</b></td></tr>" + rows +
            "<tr><td><a href='https://www.google.com/alerts/remove?s=AB2'>Unsubscribe</a> | "
            "<a href='https://www.google.com/alerts?source=alertsmail'>View all your alerts</a><br>"
            "You have received this email because you have subscribed to Google Alerts.</td></tr></table></body></html>")


def test_a_digest_sent_as_html_only_is_its_headlines_and_an_html_article_is_one_article():
    results = [{"title": "China's rare earth magnet exports <b>fall</b> 12% in October", "publisher": "Reuters",
                "url": "https://www.reuters.com/markets/commodities/china-magnets-2026-11-20/", "teaser": "China's exports of rare earth magnets fell…"},
               {"title": "Lynas lifts Kalgoorlie output", "publisher": "MINING.COM",
                "url": "https://www.mining.com/lynas-kalgoorlie/", "teaser": "Lynas Rare Earths said its Kalgoorlie plant…"}]
    items = items_of(message(subject="Google Alert - rare earth", sender="Google Alerts <googlealerts-noreply@google.com>",
                             plain=None, html=html_digest(results)))
    assert [(i.title, i.source, i.url, i.read_at_url) for i in items] == [
        ("China's rare earth magnet exports fall 12% in October", "Reuters", results[0]["url"], True),
        ("Lynas lifts Kalgoorlie output", "MINING.COM", results[1]["url"], True)]
    assert "an email of 2 headlines: each article is read from its page" in items[0].notes
    # A newsletter's article with links in its sentences, and one paragraph that opens with a link, is one article.
    article = ("<html><body><h1>Lynas lifts heavy rare earths output</h1><p>Lynas Rare Earths said on Tuesday, "
               "<a href='https://lynas.example/asx'>in a statement to the ASX</a>, that it produced 3.4 tonnes of dysprosium oxide.</p>"
               "<p><a href='https://lynas.example/'>Lynas Rare Earths</a> said terbium output would follow in the second quarter, "
               "and that the Malaysian plant ran at 80% of its design capacity in February.</p></body></html>")
    (item,) = items_of(message(plain=None, html=article))
    assert item.title == "Lynas lifts heavy rare earths output" and not item.read_at_url
