"""Listed companies' announcements in the layout the Hong Kong exchange prescribes, as text and as a PDF
(made here with fpdf2; the company, its figures and its directors are invented): the exchange's
disclaimer, the issuer's block and the closing are no statements; the issuer publishes it; its
capitals are its title and its closing dates it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.readers.announcements import exchange_announcement
from assay.statements import statements
from assay.types import Fetched
from tests.one_type_pdf import one_type_pdf

DISCLAIMER = ("Hong Kong Exchanges and Clearing Limited and The Stock Exchange of Hong Kong Limited take no responsibility for the contents "
              "of this announcement, make no representation as to its accuracy or completeness and expressly disclaim any liability "
              "whatsoever for any loss howsoever arising from or in reliance upon the whole or any part of the contents of this announcement.")
BODY = [
    'This announcement is made by Jade River Magnet Technology Co., Ltd. (the "Company", together with its subsidiaries, the "Group") '
    "on a voluntary basis to inform the shareholders of the Company and potential investors of the latest business development of the Group.",
    'The board of directors of the Company (the "Board") is pleased to announce that the first phase of the Group\'s high-performance NdFeB '
    "magnet project in Baotou, Inner Mongolia, with a designed capacity of 20,000 tonnes a year, commenced trial production on 3 November 2026. "
    "The Board believes the project will make the Group one of the largest producers of high-performance magnets in the world.",
    "Shareholders and potential investors are advised to exercise caution when dealing in the securities of the Company.",
]


def hkex_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(25, 20)
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    pdf.multi_cell(160, 4, DISCLAIMER, align="J")
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(160, 8, "JADE RIVER MAGNET TECHNOLOGY CO., LTD.", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    pdf.cell(160, 5, "(A joint stock company incorporated in the People's Republic of China with limited liability)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(160, 5, "(Stock Code: 6699)", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 12)
    for line in ("VOLUNTARY ANNOUNCEMENT", "PROGRESS OF THE BAOTOU HIGH-PERFORMANCE MAGNET PROJECT"):
        pdf.cell(160, 6, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", size=11)
    for paragraph in BODY:
        pdf.multi_cell(160, 5.5, paragraph, align="J")
        pdf.ln(4)
    for line in ("By order of the Board", "Jade River Magnet Technology Co., Ltd.", "Cai Xiaoming", "Chairman"):
        pdf.cell(160, 5.5, line, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(160, 5.5, "Ganzhou, the PRC, 5 November 2026", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(160, 5.5, "As at the date of this announcement, the Board comprises Mr. Cai Xiaoming, Ms. Hu Zhijuan and Mr. Li Wei as "
                   "executive directors, and Ms. Yuan Jiali, Mr. Xu Feng and Mr. Zhou Hang as independent non-executive directors.")
    return bytes(pdf.output())


def hkex_text() -> str:
    """The same announcement as text, its Chinese name under its English one, as a copy from the PDF gives it."""
    return "\n\n".join([
        DISCLAIMER,
        "JADE RIVER MAGNET TECHNOLOGY CO., LTD.\n翡河磁材科技股份有限公司\n"
        "(A joint stock company incorporated in the People's Republic of China with limited liability)\n(Stock Code: 6699)",
        "VOLUNTARY ANNOUNCEMENT\nPROGRESS OF THE BAOTOU HIGH-PERFORMANCE MAGNET PROJECT",
        *BODY,
        "By order of the Board\nJade River Magnet Technology Co., Ltd.\nCai Xiaoming\nChairman",
        "Ganzhou, the PRC, 5 November 2026",
        "As at the date of this announcement, the Board comprises Mr. Cai Xiaoming and Mr. Li Wei as executive directors.",
    ]) + "\n"


URL = "https://www1.hkexnews.hk/listedco/listconews/sehk/2026/1105/2026110500123.pdf"


@pytest.mark.parametrize("fetched", [
    pytest.param(Fetched(source=URL, url=URL, content=hkex_pdf(), content_type="application/pdf"), id="PDF from HKEXnews"),
    pytest.param(Fetched(source="/home/analyst/Downloads/6699.txt", content=hkex_text().encode(), content_type="text/plain"), id="text"),
])
def test_an_hkex_announcement_is_published_by_its_issuer_titled_and_dated(fetched):
    _, _, (item,) = parse(fetched)
    article = to_article(item)
    assert (article.title, article.source, article.published) == (
        "Voluntary Announcement: Progress of the Baotou High-Performance Magnet Project", "Jade River Magnet Technology Co., Ltd.",
        datetime(2026, 11, 5, tzinfo=UTC))
    found = [s.text for s in statements(article)]
    # The set phrases ("This announcement is made by … on a voluntary basis", the caution to investors) are no statements either.
    assert found == ["The board of directors of the Company (the \"Board\") is pleased to announce that the first phase of the Group's "
                     "high-performance NdFeB magnet project in Baotou, Inner Mongolia, with a designed capacity of 20,000 tonnes a year, "
                     "commenced trial production on 3 November 2026.",
                     "The Board believes the project will make the Group one of the largest producers of high-performance magnets in the world."]
    for furniture in ("take no responsibility", "Stock Code", "incorporated in", "By order of the Board", "Cai Xiaoming", "翡河"):
        assert furniture not in article.body
    assert "left out the exchange's disclaimer" in item.notes


def test_a_singapore_catalist_disclaimer_is_an_exchanges_too():
    lines = ["This announcement has been reviewed by the Company's sponsor, Harbour Street Capital Pte. Ltd. It has not been examined or",
             "approved by the Singapore Exchange Securities Trading Limited (the \"SGX-ST\"). The SGX-ST assumes no responsibility for the",
             "contents of this announcement, including the accuracy of any of the statements or opinions made or reports contained in it.",
             "", "STRAITS RARE METALS LIMITED", "(Company Registration No. 201912345K)", "(Incorporated in the Republic of Singapore)", "",
             "COMMENCEMENT OF PILOT SEPARATION PLANT", "",
             "The Board of Directors of Straits Rare Metals Limited is pleased to announce that its pilot plant in Johor began operating."]
    found = exchange_announcement(lines)
    assert found is not None and (found.title, found.issuer) == ("Commencement of Pilot Separation Plant", "Straits Rare Metals Limited")
    assert [line for i, line in enumerate(lines) if i not in found.dropped and line] == [lines[-1]]


def test_other_text_is_no_announcement():
    wire = ["Lynas lifts output", "", "SYDNEY, March 4 (Reuters) - Lynas Rare Earths said on Wednesday it produced 3.4 tons of dysprosium."]
    assert exchange_announcement(wire) is None


@pytest.mark.slow
def test_an_announcement_and_a_paywalled_page_saved_in_a_folder_ingest_as_read(ingest, assay_home, tmp_path):
    """Through the ingest flow: the HKEX announcement's PDF published by its issuer and dated by its closing,
    a saved paywalled page with its note kept on the article."""
    from assay.store.registry import Registry
    from tests.test_formats_html_pdf import HTML

    folder = tmp_path / "Downloads"
    folder.mkdir()
    (folder / "2026110500123.pdf").write_bytes(hkex_pdf())
    (folder / "ndpr-prices.html").write_bytes((HTML / "paywalled.html").read_bytes())
    assert ingest([str(folder)]).counts["new"] == 2
    rows = {r.title: r for r in Registry(assay_home.registry_url).articles()}
    announcement = rows["Voluntary Announcement: Progress of the Baotou High-Performance Magnet Project"]
    assert (announcement.source, announcement.published.date().isoformat()) == ("Jade River Magnet Technology Co., Ltd.", "2026-11-05")
    assert "take no responsibility" not in announcement.body and "Stock Code" not in announcement.body
    paywalled = rows["China's NdPr oxide prices jump as Myanmar supply tightens"]
    assert paywalled.source == "Fastmarkets" and "Subscribe to continue reading" not in paywalled.body
    assert any(note.startswith("behind a paywall") for note in paywalled.reading_notes)


# --- an ASX announcement, behind the ASX's terms page ---------------------------------------------

ASX_PARAGRAPHS = [
    ("b", "Kalgoorlie cracking and leaching plant reaches nameplate; first heavy rare earths from Malaysia"),
    ("n", "Tasman Rare Earths Limited (ASX: TRE, OTC: TRERF) (Tasman or the Company) is pleased to report that its Kalgoorlie "
          "Rare Earths Processing Facility reached its nameplate rate of 12,000 tonnes a year of rare earth carbonate in October."),
    ("n", "Highlights"),
    ("n", "- Record quarterly NdPr production of 2,204 tonnes, up 12% on the September quarter."),
    ("n", "- First separated dysprosium oxide produced at the Kuantan plant in Malaysia."),
    ("n", "- Average selling price of A$62.4/kg, compared with A$58.1/kg in the previous quarter."),
    ("n", "Managing Director and CEO Sarah Whitfield said: \"Reaching nameplate at Kalgoorlie makes Tasman the only producer of "
          "separated heavy rare earths outside China, and we believe demand from magnet makers will outstrip supply for years.\""),
    ("n", "This announcement has been authorised for release by the Board of Tasman Rare Earths Limited."),
    ("b", "For further information please contact:"),
    ("n", "Investor Relations: Jane Doe, +61 8 6241 3800, ir@tasmanre.example"),
    ("b", "About Tasman Rare Earths"),
    ("n", "Tasman Rare Earths is a producer of separated rare earth materials with operations in Western Australia and Malaysia."),
]


def asx_pdf() -> bytes:
    """An ASX announcement as companies typeset one: the letterhead, "ASX ANNOUNCEMENT" and the date, the title."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 9)
    pdf.cell(170, 5, "TASMAN RARE EARTHS LIMITED", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=8)
    pdf.cell(170, 4, "ABN 27 009 066 648 | Level 1, 385 Hay Street, Perth WA 6000", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(170, 6, "ASX ANNOUNCEMENT", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    pdf.cell(170, 6, "5 November 2026", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    for style, text in ASX_PARAGRAPHS:
        if style == "b":
            pdf.set_font("Helvetica", "B", 14 if text == ASX_PARAGRAPHS[0][1] else 11)
        else:
            pdf.set_font("Helvetica", size=10)
        pdf.multi_cell(170, 5.5, text)
        pdf.ln(3)
    return bytes(pdf.output())


# The terms page as the ASX serves it before an announcement's PDF (its form, as public scrapers of it record it).
ASX_TERMS = b"""<html><head><title>ASX - Access to this site</title></head><body><h2>Access to this site</h2>
<p>Access to and use of this site is subject to the terms and conditions of use.</p>
<form name="showAnnouncementPDFForm" method="post" action="/asx/v2/statistics/announcementTerms.do">
<input value="Decline" onclick="window.close();return false;" type="submit">
<input value="Agree and proceed" type="submit">
<input name="pdfURL" value="https://announcements.asx.com.au/asxpdf/20261105/pdf/06q8f2k1l9x3zb.pdf" type="hidden">
</form></body></html>"""
ASX_LINK = "https://www.asx.com.au/asx/v2/statistics/displayAnnouncement.do?display=pdf&idsId=02991234"
ASX_PDF_URL = "https://announcements.asx.com.au/asxpdf/20261105/pdf/06q8f2k1l9x3zb.pdf"


def test_the_asx_terms_page_names_its_announcement():
    from assay.sources import asx_terms_document

    page = Fetched(source=ASX_LINK, url=ASX_LINK, content=ASX_TERMS, content_type="text/html")
    assert asx_terms_document(page) == ASX_PDF_URL
    assert asx_terms_document(page.model_copy(update={"url": "https://example.com/terms"})) is None  # only the ASX's
    assert asx_terms_document(page.model_copy(update={"content": b"<html><p>Lynas lifts output.</p></html>"})) is None


@pytest.fixture
def asx(monkeypatch):
    """www.asx.com.au and announcements.asx.com.au, faked: the terms page, then the PDF at its own address."""
    import httpx

    def answer(request: httpx.Request) -> httpx.Response:
        if str(request.url) == ASX_LINK:
            return httpx.Response(200, headers={"content-type": "text/html;charset=UTF-8"}, stream=httpx.ByteStream(ASX_TERMS))
        if str(request.url) == ASX_PDF_URL:
            return httpx.Response(200, headers={"content-type": "application/pdf"}, stream=httpx.ByteStream(asx_pdf()))
        return httpx.Response(404, stream=httpx.ByteStream(b"not found"))

    real = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda *a, **k: real(*a, **{**k, "transport": httpx.MockTransport(answer)}))


@pytest.mark.slow
def test_an_asx_announcement_link_ingests_the_announcement_behind_the_terms_page(asx, ingest, assay_home):
    """The link the ASX's announcement lists give: its terms page had been the article; the PDF it names
    is, published by the company its letterhead names (the ASX is no publisher) and dated by its date line."""
    from assay.store.registry import Registry

    assert ingest([ASX_LINK]).counts["new"] == 1
    (row,) = Registry(assay_home.registry_url).articles()
    assert (row.url, row.source, row.published.date().isoformat()) == (ASX_PDF_URL, "Tasman Rare Earths Limited", "2026-11-05")
    assert row.title.startswith("Kalgoorlie cracking and leaching plant reaches nameplate")
    assert "Access to this site" not in row.body and "12,000 tonnes a year" in row.body
    assert ingest([ASX_PDF_URL]).counts["unchanged"] == 1  # the PDF's own address: the same article


def test_an_asx_announcements_letterhead_is_out_of_its_text():
    _, _, (item,) = parse(Fetched(source=ASX_PDF_URL, url=ASX_PDF_URL, content=asx_pdf(), content_type="application/pdf"))
    article = to_article(item)
    assert article.body.startswith("Tasman Rare Earths Limited (ASX: TRE, OTC: TRERF)")
    assert not {"TASMAN RARE EARTHS LIMITED", "ASX ANNOUNCEMENT"} & {s.heading for s in article.sections}
    assert article.source == "Tasman Rare Earths Limited" and article.published == datetime(2026, 11, 5, tzinfo=UTC)


def _pdf_article(lines: list[str]):
    (item,) = parse(Fetched(source="/tmp/filings/notice.pdf", content=one_type_pdf(lines), content_type="application/pdf"))[2]
    return to_article(item)


def test_a_shanghai_listed_company_s_announcement_as_a_pdf():
    """Written here (twenty-seventh session): China Northern Rare Earth's quarterly concentrate price, its title wrapped
    over two lines. Its header had been its title, the guarantee and the closing statements; now the company
    publishes it, its wrapped title is whole and its closing dates it."""
    article = _pdf_article([
        "Securities Code: 600111    Securities Abbreviation: Northern Rare Earth    Announcement No.: 2026-071", "",
        "China Northern Rare Earth (Group) High-Tech Co., Ltd.",
        "Announcement on Adjusting the Price of Rare Earth Concentrate in the Related-Party Transaction for the First Quarter",
        "of 2027", "",
        "The Board of Directors and all directors of the Company guarantee that there are no false records, misleading statements "
        "or major omissions in the contents of this announcement.", "",
        "The adjusted price represents an increase of 4.6% compared with the price of RMB 18,269 per ton in the fourth quarter of 2026.", "",
        "It is hereby announced.", "", "Board of Directors of China Northern Rare Earth (Group) High-Tech Co., Ltd.", "December 5, 2026"])
    assert (article.title, article.source, article.published) == (
        "Announcement on Adjusting the Price of Rare Earth Concentrate in the Related-Party Transaction for the First Quarter of 2027",
        "China Northern Rare Earth (Group) High-Tech Co., Ltd.", datetime(2026, 12, 5, tzinfo=UTC))
    assert [s.text for s in statements(article)] == [
        "The adjusted price represents an increase of 4.6% compared with the price of RMB 18,269 per ton in the fourth quarter of 2026."]


def test_a_trade_commission_s_determination_as_a_pdf():
    """Written here (twenty-seventh session): its address line under the letterhead had been the title, and it was
    undated; the title is the line under the address and the case number, and "Issued: …" at its end dates it."""
    article = _pdf_article([
        "UNITED STATES INTERNATIONAL TRADE COMMISSION", "Washington, DC 20436", "", "Investigation No. 731-TA-1712 (Final)", "",
        "Sintered Neodymium-Iron-Boron Magnets from China", "", "DETERMINATION", "",
        "On the basis of the record developed in the subject investigation, the Commission determines that an industry in the "
        "United States is materially injured by reason of imports of sintered neodymium-iron-boron magnets from China.", "",
        "By order of the Commission.", "", "Issued: December 2, 2026"])
    assert (article.title, article.source, article.published) == (
        "Sintered Neodymium-Iron-Boron Magnets from China", "United States International Trade Commission", datetime(2026, 12, 2, tzinfo=UTC))
