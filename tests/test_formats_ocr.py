"""Pictures of text: a scanned notice (a PDF of page images, as a scanner or a fax makes one) and a
screenshot of an article, drawn here with Pillow and read by Tesseract as `assay ingest` reads them.
Before, the one was refused with "run OCR on it first" and the other as binary data. Tests that need
Tesseract skip where it is not installed (`make test` installs Debian's `tesseract-ocr`)."""

from __future__ import annotations

import io
import textwrap

import pytest

from assay.articles import to_article
from assay.readers import ocr, parse
from assay.sources import SourceError
from assay.types import Fetched

needs_tesseract = pytest.mark.skipif(not ocr.tesseract_available(), reason="Tesseract is not installed (apt install tesseract-ocr)")

NOTICE = [
    ("title", "Announcement on Export Controls for Certain Rare Earth Items"),
    ("text", "Announcement No. 18 of 2026, 9 October 2026"),
    ("text", "The Ministry of Commerce and the General Administration of Customs have decided to implement export controls "
             "on seven medium and heavy rare earth items, including samarium, gadolinium, terbium, dysprosium, lutetium, scandium "
             "and yttrium. Exporters shall apply for a licence before shipping any of these items."),
    ("text", "In 2025, China exported 58,142 tonnes of rare earth products, according to customs data, and the controls cover "
             "about 3,200 tonnes of that total."),
    ("page", ""),
    ("text", "The measures take effect on 1 December 2026. Applications will be decided within 45 working days."),
]


def page_images(blocks: list[tuple[str, str]], header: str = "MINISTRY OF COMMERCE OF THE PEOPLE'S REPUBLIC OF CHINA") -> list:
    """A4 pages at 150 dpi, as a scanner makes them: a running header, the blocks, a page number."""
    from PIL import Image, ImageDraw, ImageFont

    pages: list[list[tuple[str, str]]] = [[]]
    for kind, text in blocks:
        if kind == "page":
            pages.append([])
        else:
            pages[-1].append((kind, text))
    images = []
    for number, page in enumerate(pages, 1):
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        draw.text((90, 60), header, fill=0, font=ImageFont.load_default(size=22))
        y = 160
        for kind, text in page:
            font = ImageFont.load_default(size=40 if kind == "title" else 28)
            for line in textwrap.wrap(text, 42 if kind == "title" else 66):
                draw.text((90, y), line, fill=0, font=font)
                y += 52 if kind == "title" else 40
            y += 30
        draw.text((580, 1680), f"Page {number} of {len(pages)}", fill=0, font=ImageFont.load_default(size=22))
        images.append(image)
    return images


def scanned_pdf(blocks: list[tuple[str, str]] = NOTICE) -> bytes:
    first, *rest = page_images(blocks)
    out = io.BytesIO()
    first.save(out, "PDF", resolution=150, save_all=True, append_images=rest)
    return out.getvalue()


def screenshot(blocks: list[tuple[str, str]]) -> bytes:
    out = io.BytesIO()
    page_images(blocks, header="")[0].crop((0, 0, 1240, 900)).save(out, "PNG")
    return out.getvalue()


def read(content: bytes, name: str):
    return parse(Fetched(source=f"/home/analyst/Downloads/{name}", content=content, content_type="application/octet-stream"))[2]


@needs_tesseract
def test_a_scanned_notice_is_read_by_ocr():
    (item,) = read(scanned_pdf(), "MOFCOM announcement 18.pdf")
    article = to_article(item)
    assert article.title == "Announcement on Export Controls for Certain Rare Earth Items"  # its two lines in the larger type
    assert article.source == "Ministry of Commerce of the People's Republic of China"  # the running header, in title case
    assert article.published is not None and article.published.date().isoformat() == "2026-10-09"
    assert "shall apply for a licence before shipping" in article.body  # a paragraph across lines, as a PDF's is joined
    assert "58,142 tonnes" in article.body and "3,200 tonnes" in article.body and "45 working days" in article.body
    assert "Page 1 of 2" not in article.body and "MINISTRY OF COMMERCE OF THE" not in article.body  # the running header and page numbers
    assert "samarium, gadolinium, terbium, dysprosium" in article.body
    assert item.notes[0] == "a scanned PDF of 2 pages: its text read by OCR (Tesseract); figures may be misread, check them against the scan"


@needs_tesseract
def test_a_screenshot_of_an_article_is_read_by_ocr_and_a_chart_is_not_an_article():
    shot = screenshot([("title", "Lynas posts record NdPr output"),
                       ("text", "SYDNEY, Nov 27 (Reuters) - Lynas Rare Earths said on Friday its Malaysian plant produced 3,200 tonnes of "
                                "NdPr oxide in the September quarter, a record, as its heavy rare earths circuit ramped up. Chief "
                                "executive Amanda Lacaze said the result showed a supply chain outside China was possible.")])
    (item,) = read(shot, "Screenshot 2026-11-27 at 09.14.png")
    article = to_article(item)
    assert article.title == "Lynas posts record NdPr output" and article.source == "Reuters"
    assert "3,200 tonnes of NdPr oxide" in article.body
    with pytest.raises(SourceError, match=r"an image with too little text to be an article \(\d+ words read\)"):
        read(screenshot([("title", "NdPr oxide price, US$/kg")]), "chart.png")


def test_without_tesseract_a_scan_and_an_image_say_how_to_install_it(monkeypatch):
    monkeypatch.setattr(ocr, "tesseract_available", lambda: False)
    with pytest.raises(SourceError, match=r"a scanned PDF with no text layer: install Tesseract \(Debian and Ubuntu: apt install tesseract-ocr"):
        read(scanned_pdf(NOTICE[:2]), "scan.pdf")
    with pytest.raises(SourceError, match=r"an image; Assay reads the text in one with Tesseract, which is not installed"):
        read(screenshot(NOTICE[:2]), "shot.png")


def test_images_in_a_folder_are_not_articles(tmp_path):
    from assay.readers import supported_suffixes
    from assay.sources import expand_source

    (tmp_path / "chart.png").write_bytes(screenshot(NOTICE[:1]))
    (tmp_path / "note.txt").write_text("Lynas lifts output\n\nLynas Rare Earths produced 10,000 tonnes of NdPr oxide last year.\n")
    assert [p.rsplit("/", 1)[1] for p in expand_source(str(tmp_path), supported_suffixes())] == ["note.txt"]


LIBERATION = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


@needs_tesseract
def test_a_scan_in_another_script_is_refused_rather_than_kept_as_garbage():
    import os

    from PIL import Image, ImageDraw, ImageFont

    if not os.path.exists(LIBERATION):
        pytest.skip("no Cyrillic font here (Debian's fonts-liberation)")
    image = Image.new("L", (1240, 600), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(LIBERATION, 28)
    for i, line in enumerate(textwrap.wrap("Правительство России утвердило программу развития добычи редкоземельных металлов "
                                           "до 2030 года. По данным министерства, объем производства вырастет в три раза.", 60)):
        draw.text((60, 60 + 40 * i), line, fill=0, font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    with pytest.raises(SourceError, match=r"OCR read it with little confidence \(a mean of \d+ %\): a scan in a language other than English"):
        read(out.getvalue(), "scan.png")


def test_what_tesseract_reads_with_little_confidence_is_refused(monkeypatch):
    words = "".join(f"<span class='ocrx_word' title='bbox 0 0 10 10; x_wconf {c}'>word</span> " for c in (40, 52, 61) * 20)
    hocr = f"<html><body><span class='ocr_line' title='bbox 0 0 900 30; baseline 0 -5; x_size 28'>{words}</span></body></html>"
    monkeypatch.setattr(ocr, "tesseract_available", lambda: True)
    monkeypatch.setattr(ocr, "_hocr", lambda image: hocr.encode())
    with pytest.raises(SourceError, match=r"little confidence \(a mean of 51 %\)"):
        read(screenshot(NOTICE[:1]), "shot.png")


@needs_tesseract
def test_tesseract_failing_says_so_in_one_line(monkeypatch):
    monkeypatch.setattr(ocr, "LANGUAGES", "xyz")  # as a machine without the English data
    with pytest.raises(SourceError, match=r"shot\.png: Tesseract could not read it \(.+\); install Tesseract .*with its English data"):
        read(screenshot(NOTICE[:3]), "shot.png")


@needs_tesseract
def test_a_sample_article_scanned_reads_as_its_typeset_pdf():
    """A sample article typeset as a PDF (fpdf2), then scanned (each page a 150 dpi picture): read by OCR,
    it is the same article as the typeset PDF, title and figures alike."""
    import difflib
    import re

    import pypdfium2 as pdfium
    from fpdf import FPDF

    from tests.test_chunking_and_ids import sample_articles

    article = next(a for a in sample_articles() if a.id.startswith("ab348aad"))
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    latin1 = str.maketrans("‘’“”–—…", "''\"\"--.")
    pdf.multi_cell(0, 7, article.title.translate(latin1), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for paragraph in article.body.split("\n\n"):
        pdf.multi_cell(0, 5, paragraph.translate(latin1).encode("latin-1", "replace").decode("latin-1"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    typeset = bytes(pdf.output())
    document = pdfium.PdfDocument(typeset)
    first, *rest = [document[i].render(scale=150 / 72).to_pil().convert("L") for i in range(len(document))]
    scan = io.BytesIO()
    first.save(scan, "PDF", resolution=150, save_all=True, append_images=rest)
    (printed,), (scanned,) = (read(content, name)[0:1] for content, name in ((typeset, "typeset.pdf"), (scan.getvalue(), "scan.pdf")))
    printed, scanned = to_article(printed), to_article(scanned)
    assert scanned.title == printed.title
    assert difflib.SequenceMatcher(None, printed.body, scanned.body, autojunk=False).ratio() >= 0.98  # measured 1.000
    figures = re.compile(r"\d[\d,.]*\d|\d")
    assert figures.findall(scanned.body) == figures.findall(printed.body)


def test_a_text_that_opens_like_a_bitmap_is_text_and_an_oversized_image_is_refused(monkeypatch):
    (item,) = read(b"BMW said on Monday it had signed a supply deal for rare earth magnets with a Vietnamese miner.\n", "bmw.txt")
    assert item.title.startswith("BMW said on Monday")  # "BM", a bitmap's first bytes, and then text: a text
    from PIL import Image

    shot = screenshot(NOTICE[:2])
    monkeypatch.setattr(ocr, "tesseract_available", lambda: True)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # a decompression bomb, as Pillow guards against one
    with pytest.raises(SourceError, match=r"shot\.png: a damaged, unreadable or oversized image"):
        read(shot, "shot.png")


@needs_tesseract
def test_a_fax_s_multi_page_tiff_is_read_page_by_page():
    first, *rest = page_images(NOTICE)
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=rest, compression="tiff_lzw", dpi=(150, 150))
    (item,) = read(out.getvalue(), "fax.tif")
    article = to_article(item)
    assert article.title == "Announcement on Export Controls for Certain Rare Earth Items"
    assert "45 working days" in article.body and "Page 2 of 2" not in article.body  # the second frame read, its furniture out
