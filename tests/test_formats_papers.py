"""A journal's research article and a page of the USGS Mineral Commodity Summaries, as text and as a PDF
(written here, twenty-eighth session: neither form is in the labelled sets)."""

from __future__ import annotations

from datetime import UTC, datetime

from assay.articles import to_article
from assay.corpus import source_type
from assay.readers import parse
from assay.statements import statements
from assay.types import Fetched, SourceType
from tests.one_type_pdf import one_type_pdf

PAPER = [
    "Journal of Sustainable Metallurgy (2026) 12:1441-1458", "https://doi.org/10.1007/s40831-026-01012-7", "",
    "RESEARCH ARTICLE", "",
    "Hydrogen Decrepitation Recycling of End-of-Life NdFeB Magnets: Yield, Energy Use and Cost at Pilot Scale", "",
    "Maria K. Lindqvist¹ · Tomás Herrera² · Wen Zhao¹,³", "",
    "Received: 2 June 2026 / Accepted: 14 October 2026 / Published online: 3 November 2026", "",
    "© The Minerals, Metals & Materials Society 2026", "",
    "Abstract", "",
    "We report results from a 50 kg per batch hydrogen decrepitation pilot line operated for 14 months. "
    "Energy use was 18 kWh per kilogram of magnet, about 70 percent less than primary production.", "",
    "1 Introduction", "",
    "Fewer than 1 percent of rare earths in end-of-life products are currently recycled [3].", "",
    "Acknowledgements This work was funded by the EU Horizon Europe programme under grant 101091234.", "",
    "References", "",
    "1. Adamas Intelligence (2026) Rare Earth Magnet Market Outlook to 2040. Adamas Intelligence, Toronto",
]
USGS = """U.S. Geological Survey, Mineral Commodity Summaries, January 2027

RARE EARTHS¹
[Data in metric tons of rare-earth-oxide (REO) equivalent content unless otherwise specified]

Domestic Production and Use: Rare earths were mined by one company in 2026.

Salient Statistics—United States:          2024     2025     2026e
Production, mine                          45,000   48,000   51,000
Imports:
  Compounds and metals                     7,400    7,800    8,300
Exports:
  Compounds and metals                     1,800    2,100    2,500

World Mine Production and Reserves:
                               Mine production         Reserves³
                               2025        2026e
United States                  48,000      51,000      1,900,000
China                         270,000     280,000     44,000,000
World total (rounded)         376,000     390,000     90,000,000

e Estimated. NA Not available. — Zero.
¹Data include lanthanides and yttrium but exclude most scandium.
³See Appendix C for resource and reserve definitions.

Prepared by Daniel J. Cordier [(703) 648–4968, dcordier@usgs.gov]
"""


def _text_article(text: str, name: str = "saved.txt"):
    (item,) = parse(Fetched(source=f"/tmp/downloads/{name}", content=text.encode(), content_type="text/plain"))[2]
    return to_article(item)


def test_a_research_article_is_published_by_its_journal_written_by_its_authors_and_dated():
    """Before: titled by the journal's citation line, published by the folder, undated, its history a statement."""
    article = _text_article("\n".join(PAPER), "paper.txt")
    assert (article.title, article.source, article.author, article.published) == (
        "Hydrogen Decrepitation Recycling of End-of-Life NdFeB Magnets: Yield, Energy Use and Cost at Pilot Scale",
        "Journal of Sustainable Metallurgy", "Maria K. Lindqvist, Tomás Herrera, Wen Zhao", datetime(2026, 11, 3, tzinfo=UTC))
    assert source_type(article) is SourceType.analyst
    assert [s.text for s in statements(article)] == [
        "We report results from a 50 kg per batch hydrogen decrepitation pilot line operated for 14 months.",
        "Energy use was 18 kWh per kilogram of magnet, about 70 percent less than primary production.",
        "Fewer than 1 percent of rare earths in end-of-life products are currently recycled [3]."]
    assert "Adamas" not in article.body  # its references are no part of what it says


def test_a_paper_s_history_on_a_line_each_is_dated_by_the_day_it_was_published():
    lines = [line for line in PAPER if not line.startswith("Received")]
    at = lines.index("Abstract")
    dated = lines[:at] + ["Published online: 3 November 2026", "Accepted: 14 October 2026", ""] + lines[at:]
    assert _text_article("\n".join(dated)).published == datetime(2026, 11, 3, tzinfo=UTC)
    accepted = lines[:at] + ["Received: 2 June 2026", "Accepted: 14 October 2026", ""] + lines[at:]
    assert _text_article("\n".join(accepted)).published == datetime(2026, 10, 14, tzinfo=UTC)  # unpublished: its last day


def test_a_research_article_as_a_pdf():
    (item,) = parse(Fetched(source="/tmp/downloads/paper.pdf", content=one_type_pdf(PAPER), content_type="application/pdf"))[2]
    article = to_article(item)
    assert (article.title, article.source, article.author, article.published) == (
        "Hydrogen Decrepitation Recycling of End-of-Life NdFeB Magnets: Yield, Energy Use and Cost at Pilot Scale",
        "Journal of Sustainable Metallurgy", "Maria K. Lindqvist, Tomás Herrera, Wen Zhao", datetime(2026, 11, 3, tzinfo=UTC))
    assert not any("Received" in s.text or "doi.org" in s.text for s in statements(article))


def test_a_story_that_cites_a_paper_is_no_paper():
    """A DOI in a story's text, with no abstract under it, leaves the story as it is."""
    story = ("Recycling could cover a tenth of Europe's magnet demand\n\nBy Ana Ruiz\nNovember 4, 2026\n\n"
             "A study published this week (https://doi.org/10.1007/s40831-026-01012-7) found recycling cut energy use by 70 percent.\n")
    article = _text_article(story)
    assert (article.title, article.author) == ("Recycling could cover a tenth of Europe's magnet demand", "Ana Ruiz")
    assert source_type(article) is SourceType.news


def test_a_usgs_summary_page_is_the_survey_s_with_its_tables_named_and_its_footnotes_no_statements():
    """Before: titled by its running head, published by the folder, undated; the imports and exports rows were both
    "Compounds and metals", the world table's figures named no column, and the legend and footnotes were statements."""
    article = _text_article(USGS, "mcs2027-rare-earths.txt")
    assert (article.title, article.source, article.author, article.published) == (
        "Rare Earths (Mineral Commodity Summaries, January 2027)", "U.S. Geological Survey", "Daniel J. Cordier",
        datetime(2027, 1, 1, tzinfo=UTC))
    assert source_type(article) is SourceType.government
    assert [s.text for s in statements(article)] == [
        "Rare earths were mined by one company in 2026.",
        "Production, mine: 2024 45,000; 2025 48,000; 2026e 51,000",
        "Imports – Compounds and metals: 2024 7,400; 2025 7,800; 2026e 8,300",
        "Exports – Compounds and metals: 2024 1,800; 2025 2,100; 2026e 2,500",
        "United States: Mine production 2025 48,000; Mine production 2026e 51,000; Reserves³ 1,900,000",
        "China: Mine production 2025 270,000; Mine production 2026e 280,000; Reserves³ 44,000,000",
        "World total (rounded): Mine production 2025 376,000; Mine production 2026e 390,000; Reserves³ 90,000,000"]


def test_a_label_over_rows_not_set_in_under_it_stays_a_line_of_its_own():
    """Only rows set in under a label ending in a colon carry it; a label over rows at its own margin names none."""
    from assay.cleaning import text_blocks

    flat = ("                      2026      2025\nRevenue               84.2      62.9\nExpenses:\n"
            "Cost of sales         70.1      58.3\nNet loss             (12.4)    (18.1)")
    assert text_blocks(flat)[0].text.split("\n")[1:3] == ["Expenses:", "Cost of sales: 2026 70.1; 2025 58.3"]


PATENT = """US20260187342A1 - Method for recovering rare earth elements from magnet swarf by selective chlorination - Google Patents

Method for recovering rare earth elements from magnet swarf by selective chlorination

Abstract
A method for recovering rare earth elements from magnet grinding swarf comprises oxidative roasting and selective chlorination, recovering more than 95% of the neodymium.

Inventors: Chen Wei, Liu Fang, Zhang Hao
Current Assignee: Ganzhou Rare Earth Research Institute Co., Ltd.
Application US18/902,114 events
2025-06-30 Application filed by Ganzhou Rare Earth Research Institute Co., Ltd.
2026-07-02 Publication of US20260187342A1
Status: Pending

Description
The present invention recovers rare earths with less acid than processes in current use.
"""


def test_a_patent_s_page_is_published_by_its_assignee_written_by_its_inventors_and_dated_by_its_publication():
    """Written here (twenty-ninth session). Before: titled by the page's title with "Google Patents", published by the
    folder, undated; the assignee's name and the application's events were statements."""
    article = _text_article(PATENT, "patent.txt")
    assert (article.title, article.source, article.author, article.published) == (
        "Method for recovering rare earth elements from magnet swarf by selective chlorination (US20260187342A1)",
        "Ganzhou Rare Earth Research Institute Co., Ltd.", "Chen Wei, Liu Fang, Zhang Hao", datetime(2026, 7, 2, tzinfo=UTC))
    assert source_type(article) is SourceType.company_release  # what it says of its invention is the assignee's claim
    said = [s.text for s in statements(article)]
    assert said[0].startswith("A method for recovering rare earth elements") and "recovering more than 95%" in said[1]
    assert said[2:] == ["The present invention recovers rare earths with less acid than processes in current use."]
