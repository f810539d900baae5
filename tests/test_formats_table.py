"""Tables of articles (.csv, .tsv), written here as media-monitoring tools and news APIs export them,
read as `assay ingest` reads them. Before, such a file was one article titled with its first row."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.sources import SourceError
from assay.types import Fetched

LYNAS = ("SYDNEY, Nov 27 (Reuters) - Lynas Rare Earths said on Friday its Malaysian plant produced 3,200 tonnes of NdPr oxide "
         "in the September quarter, a record for the company, as it ramped up its heavy rare earths circuit.\n\n"
         "Chief executive Amanda Lacaze said the result \"proves that a supply chain outside China is possible\". Analysts at "
         "Macquarie said the figure was in line with their forecast.")
BAOTOU = ("China Northern Rare Earth raised its annual rare-earth metal capacity to 11,200 tons at its Baotou smelter, the company "
          "said on Monday. The expansion follows a 2025 plan approved by the Inner Mongolia government, and the company expects "
          "the upgraded line to reach full output in 2027, it said in a filing to the Shanghai exchange.")


def export(rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8")


MONITORING = [
    ["Date", "Headline", "Source", "URL", "Hit Sentence", "Full Text", "Author"],
    ["27/11/2026 09:14", "Lynas posts record NdPr output", "Reuters", "https://www.reuters.com/markets/lynas-record", "Lynas said…", LYNAS, "Byron Kaye"],
    ["23/11/2026", "Baotou smelter expands", "", "", "", BAOTOU, ""],
    ["25/11/2026", "MP Materials ships magnets", "Mining.com", "https://www.mining.com/mp-magnets/", "MP Materials said it shipped…", "", ""],
    ["26/11/2026", "An item with nothing to read", "Argus", "", "", "", ""],
]


def read(content: bytes, name: str = "Meltwater export 2026-11-30.csv"):
    return parse(Fetched(source=f"/home/analyst/Downloads/{name}", content=content, content_type="application/octet-stream"))[2]


def test_a_monitoring_export_is_its_articles():
    items = read(export(MONITORING, bom=True))
    assert [i.title for i in items] == ["Lynas posts record NdPr output", "Baotou smelter expands", "MP Materials ships magnets"]
    lynas, baotou, mp = items
    article = to_article(lynas)
    assert (article.source, article.url, article.author) == ("Reuters", "https://www.reuters.com/markets/lynas-record", "Byron Kaye")
    assert article.published.isoformat() == "2026-11-27T09:14:00+00:00"  # day first: 27 says so
    assert "Malaysian plant produced 3,200 tonnes" in article.body and "\n\nChief executive" in article.body
    assert not lynas.read_at_url
    # No outlet and no link: the text itself names no publisher beyond what a text file's would; its date cell dates it.
    assert baotou.published.date().isoformat() == "2026-11-23" and "11,200 tons" in baotou.content and baotou.url is None
    # A teaser and a link: read from its page, as a feed's teaser is.
    assert mp.read_at_url and (mp.url, mp.source) == ("https://www.mining.com/mp-magnets/", "Mining.com")
    notes = " ".join(lynas.notes)
    assert "a table of 4 rows" in notes and "title from 'Headline'" in notes and "text from 'Full Text'" in notes
    assert "1 row with only a teaser: read from its page" in notes and "1 row with neither a text nor a link left out" in notes


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    """An .xlsx as Excel saves one (XlsxWriter writes the format; dates as Excel's date numbers)."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    dated = book.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, dated)
                else:
                    sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def test_an_excel_export_is_read_from_its_sheet_of_articles():
    summary = [["Search", "Mentions"], ["rare earth", 1204]]  # a tool's first sheet: the search's totals
    articles = [MONITORING[0], [datetime(2026, 11, 27, 9, 14), *MONITORING[1][1:]], [datetime(2026, 11, 23), *MONITORING[2][1:]]]
    items = read(workbook({"Summary": summary, "Articles": articles}), "Talkwalker export.xlsx")
    assert [i.title for i in items] == ["Lynas posts record NdPr output", "Baotou smelter expands"]
    assert items[0].published.isoformat() == "2026-11-27T09:14:00+00:00" and items[0].source == "Reuters"
    assert "read the sheet 'Articles'" in " ".join(items[0].notes)


def test_a_workbook_of_figures_is_named_with_the_way_out():
    with pytest.raises(SourceError, match=r"a table with no column of article texts or links \(its columns: Ticker, Price\)"):
        read(workbook({"Prices": [["Ticker", "Price"], ["LYC", 7.12]]}), "prices.xlsx")


def test_excel_s_semicolons_month_first_dates_and_a_text_over_lines():
    rows = [["Published Date", "Title", "Body", "Link"],
            ["11/27/2026", "Lynas posts record NdPr output", LYNAS, "https://www.reuters.com/markets/lynas-record"],
            ["11/03/2026", "Baotou smelter expands", BAOTOU, ""]]
    items = read(export(rows, delimiter=";"), "export.csv")
    assert [i.published.date().isoformat() for i in items] == ["2026-11-27", "2026-11-03"]
    assert "\n" in LYNAS and "Chief executive Amanda Lacaze" in to_article(items[0]).body


def test_a_date_no_cell_settles_is_left_undated_and_said_so():
    rows = [["date", "title", "text"], ["03/04/2026", "Baotou smelter expands", BAOTOU]]
    (item,) = read(export(rows))
    assert item.published is None and "1 date not read" in " ".join(item.notes)


def test_a_tab_separated_export_is_read():
    rows = [["pubDate", "title", "link", "content"],
            ["2026-11-27T09:14:00Z", "Lynas posts record NdPr output", "https://www.reuters.com/x", LYNAS.replace("\n\n", " ")]]
    (item,) = read(export(rows, delimiter="\t"), "news.tsv")
    assert item.title == "Lynas posts record NdPr output" and item.published.isoformat().startswith("2026-11-27T09:14")


def test_a_news_api_s_export_reads_its_truncated_texts_from_their_pages():
    rows = [["source.name", "author", "title", "description", "url", "urlToImage", "publishedAt", "content"],
            ["Reuters", "Byron Kaye", "Lynas posts record NdPr output", "Lynas said…", "https://www.reuters.com/x", "https://img/x.jpg",
             "2026-11-27T09:14:00Z", "SYDNEY (Reuters) - Lynas Rare Earths said on Friday its Malaysian plant… [+2140 chars]"]]
    (item,) = read(export(rows), "newsapi.csv")
    assert item.read_at_url and (item.source, item.author, item.url) == ("Reuters", "Byron Kaye", "https://www.reuters.com/x")
    assert item.published.isoformat() == "2026-11-27T09:14:00+00:00" and item.content == "Lynas said…"


def test_a_social_listening_export_keeps_each_post_as_its_own_text():
    rows = [["Date", "Author", "Text", "URL"],
            ["2026-11-27", "@USTradeRep", "Productive talks with Japan and the EU today on critical minerals: price floors and "
             "coordinated stockpiles are on the table.", "https://x.com/USTradeRep/status/1994"],
            ["2026-11-27", "@someone", "Wow, big news!", "https://x.com/someone/status/1995"]]
    post, reaction = read(export(rows), "Brandwatch export.csv")
    assert not post.read_at_url and post.title == "@USTradeRep: Productive talks with Japan and the EU today on critical minerals: price…"
    assert post.source == "@USTradeRep"  # a post is published by its author
    assert "coordinated stockpiles are on the table" in to_article(post).body and post.url == "https://x.com/USTradeRep/status/1994"
    assert reaction.read_at_url  # a few words are a reaction, not a post to analyse: its page is tried, as any row's


@pytest.mark.parametrize("content, said", [
    (export([["Ticker", "Price", "Change"], ["LYC", "7.12", "+1.2%"]]), r"a table with no column of article texts or links \(its columns: Ticker, Price, Change\)"),
    (export([["Title", "Text"], ["Short", "Too short to be an article."]]), "no row of the table holds an article's text"),
    (b"\n\n", "empty"),
])
def test_what_cannot_be_read_says_why(content, said):
    with pytest.raises(SourceError, match=said):
        read(content)
