"""RTF documents (Factiva's default download, WordPad's and TextEdit's format), read through striprtf as text."""

from __future__ import annotations

from datetime import UTC, datetime

from assay.articles import to_article
from assay.readers import parse
from assay.types import Fetched

NOTE = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0 Times New Roman;}}\f0\fs24 "
        rb"{\b Lynas lifts NdPr output as Kalgoorlie ramps up}\par\par "
        rb"Lynas Rare Earths produced 2,204 tonnes of NdPr in the September quarter \u8211? up 12% on the previous quarter.\par\par "
        rb"Managing director Amanda Lacaze called it \'93a turning point for the Western supply chain\'94.\par }")


def test_an_rtf_note_is_read_as_text():
    """An RTF file had been refused ("save it as .docx, PDF or plain text")."""
    _, _, (item,) = parse(Fetched(source="/tmp/notes/lynas.rtf", content=NOTE))
    article = to_article(item)
    assert article.title == "Lynas lifts NdPr output as Kalgoorlie ramps up"
    assert "September quarter – up 12%" in article.body and "“a turning point for the Western supply chain”" in article.body
    assert "\\par" not in article.body and "fonttbl" not in article.body


def test_a_factiva_download_in_rtf_is_read_as_its_articles():
    def rtf(lines: list[str]) -> bytes:
        return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Arial;}}\\f0 " + "".join(f"{line}\\par " for line in lines) + "}").encode()

    export = rtf(["Lynas lifts NdPr output as Kalgoorlie ramps up", "By Melanie Burton", "412 words", "28 October 2026", "Reuters News",
                  "LBA", "English", "Copyright 2026 Thomson Reuters. All Rights Reserved.", "",
                  "SYDNEY, Oct 28 (Reuters) - Lynas Rare Earths produced 2,204 tonnes of NdPr in the quarter.", "",
                  "Document LBA0000020261028em2s00abc", "", "China tightens rare earth export licensing again", "1,024 words",
                  "29 October 2026", "Financial Times", "FTCOM", "English", "(c) 2026 The Financial Times Limited.", "",
                  "China's commerce ministry said it would add two more heavy rare earths to its list.", "",
                  "Document FTCOM00020261029em2t0003l"])
    _, database, items = parse(Fetched(source="/tmp/exports/Factiva-20261030.rtf", content=export))
    assert database == "Factiva"
    assert [(to_article(i).title, to_article(i).source, to_article(i).published) for i in items] == [
        ("Lynas lifts NdPr output as Kalgoorlie ramps up", "Reuters News", datetime(2026, 10, 28, tzinfo=UTC)),
        ("China tightens rare earth export licensing again", "Financial Times", datetime(2026, 10, 29, tzinfo=UTC)),
    ]
