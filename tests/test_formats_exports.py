"""A news database's export saved as text (Factiva, Nexis): many articles in one file, each read as
its own, with the headline, publication, date and author the database gives it. (The layouts as
the databases write them; the articles written here.)"""

from __future__ import annotations

from datetime import UTC, datetime

from assay.articles import to_article
from assay.readers import parse
from assay.types import Fetched

FACTIVA = """Lynas lifts NdPr output as Kalgoorlie ramps up
By Melanie Burton
412 words
28 October 2026
10:32 GMT
Reuters News
LBA
English
Copyright 2026 Thomson Reuters. All Rights Reserved.

SYDNEY, Oct 28 (Reuters) - Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter, up 12% on the previous quarter, as its Kalgoorlie plant ramped up.

Managing director Amanda Lacaze said the company was the only commercial producer of separated heavy rare earths outside China.

Document LBA0000020261028em2s00abc




China tightens rare earth export licensing again
1,024 words
29 October 2026
Financial Times
FTCOM
English
© 2026 The Financial Times Limited. All rights reserved.

China's commerce ministry said on Wednesday it would add two more heavy rare earths to its export licensing list from December.

Analysts said the move would keep dysprosium prices outside China at a premium of three times the domestic price.

Document FTCOM00020261029em2t0003l


MP Materials begins magnet deliveries from Fort Worth
By Ernest Scheyder
380 words
30 October 2026
Reuters News
LBA
English
Copyright 2026 Thomson Reuters. All Rights Reserved.

MP Materials said on Thursday it had begun commercial deliveries of rare earth magnets from its Fort Worth plant to General Motors.

Document LBA0000020261030em2u00xyz
"""

NEXIS = """Lynas lifts NdPr output as Kalgoorlie ramps up
The Australian Financial Review
October 28, 2026 Wednesday
Copyright 2026 Fairfax Media Publications Pty Limited All Rights Reserved

Section: COMPANIES; Pg. 17
Length: 412 words
Byline: Peter Ker

Body

Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter, up 12 per cent on the previous quarter.

Managing director Amanda Lacaze said the company was the only commercial producer of separated heavy rare earths outside China.

Classification

Language: ENGLISH

Load-Date: October 28, 2026

End of Document

China adds two heavy rare earths to export list
South China Morning Post
October 29, 2026 Thursday
Copyright 2026 South China Morning Post Publishers Limited All Rights Reserved

Length: 520 words
Byline: Finbarr Bermingham

Body

China's commerce ministry said on Wednesday it would add two more heavy rare earths to its export licensing list from December.

Load-Date: October 29, 2026

End of Document
"""


def _read(text: str, name: str):
    return parse(Fetched(source=f"/tmp/exports/{name}", content=text.encode(), content_type="text/plain"))


def test_a_factiva_export_is_read_as_its_articles():
    """Read as one article, an export was every article's statements under the first headline, all
    the first publication's."""
    _, database, items = _read(FACTIVA, "factiva.txt")
    articles = [to_article(item) for item in items]
    assert database == "Factiva"
    assert [(a.title, a.source, a.published, a.author) for a in articles] == [
        ("Lynas lifts NdPr output as Kalgoorlie ramps up", "Reuters News", datetime(2026, 10, 28, tzinfo=UTC), "Melanie Burton"),
        ("China tightens rare earth export licensing again", "Financial Times", datetime(2026, 10, 29, tzinfo=UTC), None),
        ("MP Materials begins magnet deliveries from Fort Worth", "Reuters News", datetime(2026, 10, 30, tzinfo=UTC), "Ernest Scheyder"),
    ]
    assert articles[1].body.startswith("China's commerce ministry said on Wednesday")
    assert not any("Document " in a.body or "words" in a.body.split("\n")[0] or "Copyright" in a.body for a in articles)
    assert any("a Factiva export: read as its 3 articles" in note for note in items[0].notes)


def test_a_nexis_export_is_read_as_its_articles():
    _, database, items = _read(NEXIS, "nexis.txt")
    articles = [to_article(item) for item in items]
    assert database == "Nexis"
    assert [(a.title, a.source, a.published, a.author) for a in articles] == [
        ("Lynas lifts NdPr output as Kalgoorlie ramps up", "The Australian Financial Review", datetime(2026, 10, 28, tzinfo=UTC), "Peter Ker"),
        ("China adds two heavy rare earths to export list", "South China Morning Post", datetime(2026, 10, 29, tzinfo=UTC), "Finbarr Bermingham"),
    ]
    assert articles[0].body.endswith("outside China.")  # the index fields after the text are left out
    assert not any("Load-Date" in a.body or "Classification" in a.body or "Length:" in a.body for a in articles)


def test_one_article_of_an_export_is_read_as_a_text():
    """One "End of Document" is an article's own words, or an export of one: read as a text file."""
    one = NEXIS.split("End of Document")[0] + "End of Document\n"
    _, _, items = _read(one, "one.txt")
    assert len(items) == 1 and items[0].title == "Lynas lifts NdPr output as Kalgoorlie ramps up"


def test_an_export_saved_as_pdf_or_word_is_read_as_its_articles():
    """Factiva and Nexis also save exports as PDF and Word. The PDF reader takes the first article's
    date line for the file's dateline, and that date stays the first article's."""
    import io

    import docx
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    document = docx.Document()
    for line in FACTIVA.split("\n"):
        if line.strip():
            pdf.multi_cell(180, 5, line.replace("©", "(c)"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            document.add_paragraph(line)
        else:
            pdf.ln(4)
    word = io.BytesIO()
    document.save(word)
    for name, content in (("export.pdf", bytes(pdf.output())), ("export.docx", word.getvalue())):
        _, database, items = parse(Fetched(source=f"/tmp/exports/{name}", content=content))
        articles = [to_article(item) for item in items]
        assert database == "Factiva", name
        assert [(a.title, a.source, a.published) for a in articles][0] == (
            "Lynas lifts NdPr output as Kalgoorlie ramps up", "Reuters News", datetime(2026, 10, 28, tzinfo=UTC)), name
        assert [a.title for a in articles][1:] == ["China tightens rare earth export licensing again",
                                                   "MP Materials begins magnet deliveries from Fort Worth"], name


def test_factiva_s_indexed_layout_is_read_by_its_field_codes():
    indexed = ("HD\tLynas lifts NdPr output as Kalgoorlie ramps up\nBY\tBy Melanie Burton\nWC\t412 words\nPD\t28 October 2026\n"
               "SN\tReuters News\nLA\tEnglish\nCY\tCopyright 2026 Thomson Reuters.\nLP\tSYDNEY, Oct 28 (Reuters) - Lynas Rare Earths "
               "produced 2,204 tonnes of NdPr in the quarter.\n\nTD\tManaging director Amanda Lacaze said output would rise.\n\n"
               "It expects the Texas plant to proceed only with an offtake.\nCO\tlynasc : Lynas Rare Earths Ltd\n"
               "AN\tDocument LBA0000020261028em2s00abc\n\n"
               "HD\tChina tightens rare earth export licensing again\nWC\t1,024 words\nPD\t29 October 2026\nSN\tFinancial Times\n"
               "LP\tChina's commerce ministry said it would add two more heavy rare earths to its list.\n"
               "AN\tDocument FTCOM00020261029em2t0003l\n")
    _, database, items = _read(indexed, "indexed.txt")
    articles = [to_article(item) for item in items]
    assert database == "Factiva"
    assert [(a.title, a.source, a.published, a.author) for a in articles] == [
        ("Lynas lifts NdPr output as Kalgoorlie ramps up", "Reuters News", datetime(2026, 10, 28, tzinfo=UTC), "Melanie Burton"),
        ("China tightens rare earth export licensing again", "Financial Times", datetime(2026, 10, 29, tzinfo=UTC), None),
    ]
    assert articles[0].body.endswith("It expects the Texas plant to proceed only with an offtake.")
    assert "lynasc" not in articles[0].body and "Document" not in articles[0].body
