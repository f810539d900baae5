"""A .zip of articles, as a news database's download of a result list or a bulk mailing gives them.
Before, a .zip was refused as "binary data, not text"."""

from __future__ import annotations

import io
import zipfile

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched
from tests.test_formats_docx import kestrel_release
from tests.test_formats_rtf import NOTE

WIRE = ("SYDNEY, Oct 28 (Reuters) - Lynas Rare Earths said on Tuesday it produced 2,204 tonnes of NdPr in the September quarter, "
        "up 12% on the previous quarter, as its Kalgoorlie plant ramped up.\n\nThe company said it expected to reach nameplate "
        "capacity by the middle of 2027.\n")


def zipped(files: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def read(content: bytes, name: str = "Files (3).zip"):
    return parse(Fetched(source=f"/home/analyst/Downloads/{name}", content=content, content_type="application/zip"))[2]


def test_a_download_of_articles_is_read_file_by_file():
    items = read(zipped({
        "Kestrel release.docx": kestrel_release(), "lynas-note.rtf": NOTE, "Reuters/lynas-quarter.txt": WIRE.encode(),
        "__MACOSX/._lynas-note.rtf": b"\x00\x05\x16\x07", ".DS_Store": b"\x00\x00", "chart.png": b"\x89PNG\r\n\x1a\n",
    }))
    articles = [to_article(item) for item in items]
    assert [(a.title[:30], a.source) for a in articles] == [
        ("Kestrel Rare Earths Commission", "Kestrel Rare Earths Limited"), ("Lynas lifts NdPr output as Kal", "files"),
        ("Lynas Rare Earths said on Tues", "Reuters"),
    ]
    assert items[2].source_url.endswith("Downloads/Files (3).zip/Reuters/lynas-quarter.txt")
    # The archive's own name is the service's, not a publisher: an unnamed note is "files", as in Downloads.
    notes = " ".join(items[0].notes)
    assert "read 3 of the 4 files in the .zip" in notes and "chart.png: not a format articles come in" in notes


def test_a_name_that_climbs_out_of_the_archive_stays_inside_it():
    (item,) = read(zipped({"../../etc/lynas.txt": WIRE.encode()}))
    assert item.source_url.endswith("Downloads/Files (3).zip/etc/lynas.txt")


@pytest.mark.parametrize("content, said", [
    (zipped({"bomb.txt": b"\x00" * 5_000_000}), "unpacks to 5,000,000 bytes .*unpack it yourself"),
    (b"PK\x03\x04" + b"\x00" * 64, "a damaged .zip archive"),
    (zipped({"data.json": b'{"company": "Lynas"}'}), r"no article in the .zip could be read \(1 files; the first: data.json: not a format"),
    (zipped({"data.csv": b"company,output\nLynas,2000\n"}), r"the first: data.csv: a table with no column of article texts or links"),
    (zipped({}), "no article in the .zip could be read"),
])
def test_what_cannot_be_read_says_why(content, said):
    with pytest.raises(SourceError, match=said):
        read(content)


def test_a_word_document_is_still_read_as_one():
    (item,) = read(kestrel_release(), "release.docx")
    assert "Kestrel" in item.title or "Kestrel" in item.content


@pytest.mark.parametrize("files, said", [
    ({"mimetype": b"application/vnd.oasis.opendocument.presentation", "content.xml": b"<office:document-content/>"},
     r"an OpenDocument presentation \(\.odp\).*save it as \.pptx or PDF"),
    ({"mimetype": b"application/epub+zip", "META-INF/container.xml": b"<container/>"}, "an EPUB e-book"),
    ({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}, r"not a readable Excel workbook"),
])
def test_an_office_package_no_reader_reads_is_named_with_the_way_out(files, said):
    with pytest.raises(SourceError, match=said):
        read(zipped(files, zipfile.ZIP_STORED), "report")


def test_a_wire_service_s_zip_of_ninjs_stories_is_read():
    """A wire service's batch as a .zip of ninjs `.json` files (and its manifest) gives the stories, as a
    drop folder of them does. Before, each was skipped: "not a format articles come in (.json)"."""
    from pathlib import Path

    story = (Path(__file__).parent / "fixtures" / "formats" / "wire" / "ap-ninjs.json").read_bytes()
    items = read(zipped({"batch/ap-ninjs.json": story, "manifest.json": b'{"batch": 41, "files": 1}'}), "ap-batch.zip")
    (article,) = [to_article(item) for item in items]
    assert article.title == "Pentagon signs heavy rare earths deal with Texas refiner"
    assert "manifest.json: not a format articles come in" in " ".join(items[0].notes)
