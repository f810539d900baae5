"""Text from pictures of text: a scanned PDF (a ministry's signed notice, a faxed release, an old filing)
and an image of an article (a screenshot shared in a chat). Before, a scanned PDF was refused with
"run OCR on it first" and an image as binary data.

Tesseract reads the text (Debian's `tesseract-ocr` with its English data, run as its command); a
PDF's pages are rendered for it by pdfium (pypdfium2, whose wheel carries the library) at `DPI`.
Both run locally: nothing is downloaded. Where Tesseract is not installed, the file is refused with
the way to install it. Tesseract's hOCR places each line (its baseline and type size), so the lines
go through the PDF reader's own layout rules: the title by its size, paragraphs by line pitch,
running headers and page numbers out, the dateline, the publisher. The ingest report says the text
was read by OCR, because a misread digit is possible and worth checking against the scan.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from assay.readers.pdf import Line
from assay.sources import SourceError
from assay.types import Fetched, RawItem, SourceKind

DPI = 300  # what Tesseract is trained for: body text 10-12 pt is 40-50 px high
SCREEN_DPI = 96.0  # an image that names no resolution: a screenshot
MAX_FRAMES = 300  # a multi-page TIFF's pages read, as a PDF's (`pdf.MAX_PAGES`)
MIN_IMAGE_WORDS = 40  # an image with fewer words read is a chart, a logo or a photo, not an article
LANGUAGES = "eng"
INSTALL = "install Tesseract (Debian and Ubuntu: apt install tesseract-ocr; macOS: brew install tesseract)"
# What images are, by their first bytes: PNG, JPEG, TIFF (either byte order), WebP, GIF; BMP below.
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a")


@functools.cache
def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def is_image(content: bytes) -> bool:
    # A BMP opens "BM", as a text may ("BMW said…"): its header's reserved bytes, zeros, tell them apart.
    return (content.startswith(IMAGE_MAGIC) or (content[:4] == b"RIFF" and content[8:12] == b"WEBP")
            or (content[:2] == b"BM" and content[6:10] == bytes(4)))


# Tesseract's OpenMP threads fight each other on a small machine: one dense page took 11.7 s with
# them and 2.3 s with one (2 cores). Pages are read one after another, each on one thread.
_ENVIRONMENT = {"OMP_THREAD_LIMIT": "1"}
PAGE_TIMEOUT_S = 300


def _hocr(image: Any) -> bytes:
    """Tesseract's hOCR of the image, run as its command is (`tesseract stdin stdout -l eng hocr`):
    pytesseract, which wraps the same command, gives no way to set the OpenMP limit for it alone."""
    png = io.BytesIO()
    image.save(png, "PNG")
    try:
        done = subprocess.run(["tesseract", "stdin", "stdout", "-l", LANGUAGES, "hocr"], input=png.getvalue(), capture_output=True,
                              env={**os.environ, **_ENVIRONMENT}, timeout=PAGE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SourceError(f"Tesseract could not read it ({exc}); {INSTALL}") from None
    if done.returncode != 0 or not done.stdout:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        raise SourceError(f"Tesseract could not read it ({(said[-1] if said else f'exit status {done.returncode}')[:200]}); "
                          f"{INSTALL}, with its English data") from None
    return done.stdout


_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_PROPERTY = re.compile(r"(\w+)\s+([^;]+)")
_CONFIDENCE = re.compile(r"\bx_wconf (\d+)")
# Tesseract's mean confidence in the words it read: an English scan 85-96, a Russian one read as
# English 47 (its letters as "NMpasutenbctBo Poccun"). Below this the text is no text to keep.
MIN_CONFIDENCE = 60


class ReadLines(list[Line]):
    """One image's lines, and Tesseract's confidence (0-100) in each word it read."""

    confidences: list[int]


def checked(pages: list[ReadLines]) -> list[ReadLines]:
    """The pages, when Tesseract read them with confidence; SourceError when it did not."""
    confidences = [c for page in pages for c in page.confidences]
    if confidences and (mean := sum(confidences) / len(confidences)) < MIN_CONFIDENCE:
        raise SourceError(f"OCR read it with little confidence (a mean of {mean:.0f} %): a scan in a language other than "
                          "English, or too faint or blurred to read; Assay reads English scans and images")
    return pages


def image_lines(image: Any, page: int, dpi: float) -> ReadLines:
    """The image's lines as Tesseract's hOCR gives them, placed as a PDF's are: each line's baseline in
    points from the bottom of the page and its type size (hOCR's `x_size`) in points."""
    import lxml.html

    root = lxml.html.fromstring(_hocr(image))
    lines = ReadLines()
    lines.confidences = [int(m[1]) for span in root.iter("span") if (m := _CONFIDENCE.search(span.get("title") or ""))]
    for span in root.iter("span"):
        if not _LINE_CLASSES & set((span.get("class") or "").split()):
            continue
        words = [w.text_content().strip() for w in span.iter("span") if "ocrx_word" in (w.get("class") or "")]
        text = " ".join(w for w in words if w)
        if not text:
            continue
        properties = {m[1]: m[2].split() for m in _PROPERTY.finditer(span.get("title") or "")}
        bottom = _number(properties, "bbox", 3) + _number(properties, "baseline", -1)
        size = _number(properties, "x_size", 0) or None
        lines.append(Line(text, page, y=(image.height - bottom) * 72 / dpi, size=size * 72 / dpi if size else None))
    return lines


def _number(properties: dict[str, list[str]], name: str, at: int) -> float:
    """One number of an hOCR property ("bbox 91 168 770 207"), 0 where it is missing or no number."""
    try:
        return float(properties.get(name, [])[at])
    except (IndexError, ValueError):
        return 0.0


# Tesseract's type size is an estimate: one notice's body lines came out 11.8 to 12.8 pt, its title's
# two lines 17.3 and 18.2. Sorted, sizes less than this ratio apart are one size, as the PDF reader's
# rules expect of a document's type (its 10.7 pt date line stayed apart, 10 % below the body).
SAME_SIZE = 1.10


def snapped(pages: Sequence[list[Line]]) -> list[list[Line]]:
    """The lines with each size replaced by the median of its group of near sizes."""
    sizes = sorted(line.size for page in pages for line in page if line.size)
    groups: list[list[float]] = []
    for size in sizes:
        if groups and size <= groups[-1][-1] * SAME_SIZE:
            groups[-1].append(size)
        else:
            groups.append([size])
    median = {size: group[len(group) // 2] for group in groups for size in group}
    for page in pages:
        for line in page:
            line.size = median.get(line.size) if line.size else None
    return list(pages)


def pdf_page_lines(content: bytes, max_pages: int) -> list[list[Line]]:
    """Each page's lines as OCR reads them, from the first `max_pages` pages rendered at `DPI`.

    A page is read by Tesseract on one thread, so pages are read side by side, one a core. pdfium is
    not thread-safe: pages are rendered here, one after another, and no more are waiting than there
    are cores (a page at 300 dpi is 9-26 MB)."""
    import pypdfium2 as pdfium

    workers = max(1, os.cpu_count() or 1)
    try:
        document = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as exc:
        raise SourceError(f"its pages could not be rendered for OCR ({exc})") from None
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="assay-ocr") as pool:
            reading: list[Future[ReadLines]] = []
            for i in range(min(len(document), max_pages)):
                if len(reading) >= workers:
                    reading[len(reading) - workers].result()  # the oldest page in flight is read before the next is rendered
                reading.append(pool.submit(image_lines, document[i].render(scale=DPI / 72).to_pil(), i + 1, DPI))
            pages = [page.result() for page in reading]
    except pdfium.PdfiumError as exc:
        raise SourceError(f"a page could not be rendered for OCR ({exc})") from None
    finally:
        document.close()
    return snapped(checked(pages))


def ocr_image(fetched: Fetched) -> RawItem:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from assay.readers.pdf import item_from_lines

    if not tesseract_available():
        raise SourceError(f"{fetched.source}: an image; Assay reads the text in one with Tesseract, which is not installed: {INSTALL}")
    try:
        with Image.open(io.BytesIO(fetched.content)) as image:
            dpi = float((image.info.get("dpi") or (SCREEN_DPI,))[0]) or SCREEN_DPI
            # A scanner's or a fax's TIFF holds a page to a frame.
            frames = [frame.copy() for _, frame in zip(range(MAX_FRAMES), ImageSequence.Iterator(image))]
        pages = snapped(checked([image_lines(frame, number, dpi) for number, frame in enumerate(frames, 1)]))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise SourceError(f"{fetched.source}: a damaged, unreadable or oversized image ({exc})") from None
    except SourceError as exc:
        raise SourceError(f"{fetched.source}: {exc}") from None
    if (words := sum(len(line.text.split()) for page in pages for line in page)) < MIN_IMAGE_WORDS:
        raise SourceError(f"{fetched.source}: an image with too little text to be an article ({words} words read): "
                          "a chart, a logo or a photo? A screenshot of an article is read when its text is legible")
    notes = ["an image: its text read by OCR (Tesseract); figures may be misread, check them against the image"]
    return item_from_lines(pages, fetched, notes, None)


class ImageReader:
    """An image named by itself (a file, a link): a folder's, an archive's or a mail's images are its
    charts and logos, so no suffix is registered for them to be expanded to."""

    name = "image"
    kind = SourceKind.file
    suffixes: tuple[str, ...] = ()
    content_type = "image/png"
    binary = True
    description = "an image"

    def sniff(self, fetched: Fetched, text: str | None) -> bool:
        return is_image(fetched.content)

    def read(self, fetched: Fetched, text: str | None) -> tuple[str | None, list[RawItem]]:
        return None, [ocr_image(fetched)]
