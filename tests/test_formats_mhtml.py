"""Web pages saved as one file (.mhtml), as Chrome writes them: read as the page, not as an email."""

from __future__ import annotations

import quopri

from assay.articles import to_article
from assay.readers import parse, supported_suffixes
from assay.types import Fetched

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Lynas lifts NdPr output 12% as Kalgoorlie ramps up | Mining Weekly</title>
<meta property="og:site_name" content="Mining Weekly"><meta property="article:published_time" content="2026-10-28T08:00:00Z"></head>
<body><nav>Home | Markets | Commodities</nav><article><h1>Lynas lifts NdPr output 12% as Kalgoorlie ramps up</h1>
<p>PERTH (miningweekly.com) – Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter, up 12% on the
previous quarter, as its Kalgoorlie plant continued to ramp up towards nameplate capacity.</p>
<p>Managing director Amanda Lacaze called it “a turning point for the Western supply chain”.</p>
<p>Revenue rose to A$201.6-million from A$133.2-million a year earlier, on higher prices and volumes.</p>
</article><footer>© 2026 Creamer Media</footer></body></html>"""
URL = "https://www.miningweekly.com/article/lynas-lifts-ndpr-output-2026-10-28"


def saved_page(html: str = PAGE) -> bytes:
    """Chrome's "Save as… Webpage, Single File": the page quoted-printable without a charset, then its stylesheet."""
    page = quopri.encodestring(html.encode()).decode()
    return (f"From: <Saved by Blink>\nSnapshot-Content-Location: {URL}\nSubject: Lynas lifts NdPr output 12% | Mining Weekly\n"
            "Date: Wed, 28 Oct 2026 10:12:03 -0000\nMIME-Version: 1.0\nContent-Type: multipart/related;\n\ttype=\"text/html\";\n"
            "\tboundary=\"----MultipartBoundary--abc----\"\n\n\n------MultipartBoundary--abc----\nContent-Type: text/html\n"
            f"Content-Transfer-Encoding: quoted-printable\nContent-Location: {URL}\n\n{page}\n------MultipartBoundary--abc----\n"
            "Content-Type: text/css\nContent-Location: cid:css-1@mhtml.blink\n\nbody { font-family: Arial; }\n"
            "------MultipartBoundary--abc------\n").replace("\n", "\r\n").encode()


def test_a_page_saved_as_one_file_is_read_as_the_page_it_is():
    """Read as an email it was titled with its browser tab, its dashes and quotation marks were "���"
    (the part names no charset; the page's <meta> says UTF-8), and its stylesheet was "1 attachment
    not read"."""
    kind, _, (item,) = parse(Fetched(source="/tmp/Downloads/lynas.mhtml", content=saved_page()))
    article = to_article(item)
    assert article.title == "Lynas lifts NdPr output 12% as Kalgoorlie ramps up"
    assert "(miningweekly.com) – Lynas" in article.body and "“a turning point for the Western supply chain”" in article.body
    assert "\ufffd" not in article.body and "Home | Markets" not in article.body
    assert (article.url, article.source) == (URL, "Mining Weekly")  # the same article as the page ingested by its URL
    assert not any("attachment" in note for note in item.notes)


def test_a_saved_page_is_known_by_its_headers_and_its_suffixes():
    _, _, (item,) = parse(Fetched(source="/tmp/Downloads/lynas.mht.bak", content=saved_page()))  # no suffix to go by
    assert item.url == URL
    assert ".mhtml" in supported_suffixes() and ".mht" in supported_suffixes()  # a folder's saved pages are ingested


def test_an_email_s_html_part_without_a_charset_is_read_by_its_page_s_own():
    """The same fault in a newsletter: its only part is HTML, quoted-printable, naming no charset."""
    body = quopri.encodestring(PAGE.encode()).decode()
    message = ("From: Mining Weekly <news@miningweekly.com>\nTo: analyst@example.com\nSubject: Lynas lifts NdPr output 12%\n"
               "Date: Wed, 28 Oct 2026 10:12:03 -0000\nMIME-Version: 1.0\nContent-Type: text/html\n"
               f"Content-Transfer-Encoding: quoted-printable\n\n{body}\n").encode()
    _, _, (item,) = parse(Fetched(source="/tmp/mail/lynas.eml", content=message))
    assert "“a turning point for the Western supply chain”" in to_article(item).body
