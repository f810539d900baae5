"""What a local file's opening lines say of it (`assay/readers/opening.py`): who published it and when. The
openings are written here in the forms each kind of publisher uses; none is from the eval sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.readers.opening import byline_author, file_publisher, publisher, title_case, title_publication


def lines(text: str) -> list[str]:
    return text.strip("\n").splitlines()


@pytest.mark.parametrize(
    ("opening", "expected"),
    [
        # a broker's header: the firm, not the section or the date
        ("Kestrel Capital Markets | Equity Research | Metals & Mining | 3 March 2026\nAnalyst: Ann Lee\n\n"
         "We initiate coverage of Acme Rare Earths with a Buy rating and a target of A$1.40, as the market underprices its heavy rare earths.",
         ("Kestrel Capital Markets", "masthead")),
        # an opinion column: the label and the byline are passed over
        ("By Ann Lee\nOpinion | The Perth Ledger | March 2, 2026\n\n"
         "Canberra has finally discovered that a strategic reserve is only as strategic as the refinery that feeds it, and that is not yet built.",
         ("The Perth Ledger", "masthead")),
        # a magazine's interview: the byline, then the magazine and its issue, a comma apart
        ("By Tom Ashcroft, Senior Editor\nCritical Materials Review, February 2026\n\n"
         "Bayline Rare Earth Refining began commissioning its solvent extraction plant in Port Allen, Louisiana, in late 2025.",
         ("Critical Materials Review", "masthead")),
        ("By Tom Ashcroft\nFinancial Times, 3 February 2026\n\n"
         "Bayline Rare Earth Refining began commissioning its solvent extraction plant in Port Allen, Louisiana, in late 2025.",
         ("Financial Times", "masthead")),
        ("Hollis Minerals Advisory — Market Brief No. 7\nPublished 4 May 2026\n\n"
         "Dysprosium oxide delivered to Rotterdam traded at a premium of more than three times the Chinese domestic price in April.",
         ("Hollis Minerals Advisory", "masthead")),
        ("MINING.COM | March 3, 2026\n\nIluka Resources said on Tuesday its Eneabba refinery was half built and on budget, with first output due in 2027.",
         ("MINING.COM", "masthead")),
        # state media's staff bylines
        ("By Global Times Staff Reporters\nPublished: Feb 16, 2026 09:41 PM\n\n"
         "China's new export control guidelines are a normal, lawful step, experts told the Global Times on Monday afternoon in Beijing.",
         ("Global Times", "masthead")),
        ("By CGTN's Wang Li\n\nA new separation line in Ganzhou began operating on Wednesday, the company running it told reporters at the site.",
         ("CGTN", "masthead")),
        # a byline that names its outlet, alone or after the writer (the outside set's; they were the folder's)
        ("By Global Times\nPublished: Mar 04, 2026 10:18 PM\n\nJapan and the US on Tuesday unveiled what they called a partnership.",
         ("Global Times", "masthead")),
        ("By Zhong Sheng (People's Daily) 08:56, March 09, 2026\n\nRare earths are known as the vitamins of modern industry, and more.",
         ("People's Daily", "masthead")),
        # a wire's name on its own line under the byline, and in the dateline
        ("By Dana Ortiz\nAssociated Press\n\nIMLAY, Nev. — For most of the last 40 years, the old tungsten mine above this hamlet was a ruin, until the drill rigs came.",
         ("AP", "masthead")),
        ("By Jane Roe\n\nSYDNEY, March 4 (Reuters) - Lynas Rare Earths Ltd (ASX: LYC) today announced record output of heavy rare earths in Malaysia.",
         ("Reuters", "dateline")),
        ("МОСКВА, 10 февраля. /Интерфакс/ – Правительство России утвердило программу развития добычи редкоземельных металлов.",
         ("Interfax", "dateline")),
        # a distributor carries a company's own release: the company published it
        ('TORONTO, Feb. 3, 2026 (GLOBE NEWSWIRE) -- Acme Metals Corp. (TSXV: ACM) ("Acme" or the "Company") is pleased to report '
         "assays from its Kasba project, including 12 metres of 2.1% TREO.", ("Acme Metals Corp.", "release")),
        ("DENVER, Jan. 5, 2026 /PRNewswire/ -- Kestrel Separations, Inc., a developer of membrane separation, today announced a pilot plant.",
         ("Kestrel Separations, Inc.", "release")),
        ("NEW YORK, Jan. 5, 2026 /PRNewswire/ -- Shares of rare earth magnet makers rose sharply on Monday after the tariff decision was announced.",
         ("PR Newswire", "dateline")),
        # ... listed as US and Canadian miners write it ("NYSE American: UUUU" was no ticker: the distributor published it)
        ("LAKEWOOD, Colo., Nov. 20, 2026 /PRNewswire/ -- Energy Fuels Inc. (NYSE American: UUUU) today announced record NdPr output.",
         ("Energy Fuels Inc.", "release")),
        ("HALIFAX, Nova Scotia, Nov. 21, 2026 (GLOBE NEWSWIRE) -- Ucore Rare Metals Inc. (TSX-V: UCU) said its plant ran for 30 days.",
         ("Ucore Rare Metals Inc.", "release")),
        # ... "said" with no ticker: a distributor carries only its clients' releases (written here; it had been PR Newswire's)
        ("MINAÇU, Brazil, Dec. 3, 2026 /PRNewswire/ -- Serra Verde Mineração said on Wednesday it had shipped its first 1,200 tonnes "
         "of mixed rare earth carbonate.", ("Serra Verde Mineração", "release")),
        # ... under its deck, or under a headline too long to be read as the title (the outside set's; they were the folder's)
        ("Round led by Halvard Capital; funds to build 1,500-tonne production facility in Ohio\n\nCOLUMBUS, Ohio, Feb. 18, 2026 "
         "/PRNewswire/ -- Corvane Magnetics, Inc., a developer of permanent magnets, today announced an $86 million round.",
         ("Corvane Magnetics, Inc.", "release")),
        ("Borealis Critical Metals Intersects 42.6 Metres of 1.87% TREO Including 8.1 Metres of 4.92% TREO at Kasba Lake Project, "
         "Confirms High-Value Heavy Rare Earth Zone\n\nVANCOUVER, British Columbia, Feb. 3, 2026 (GLOBE NEWSWIRE) -- Borealis Critical "
         'Metals Corp. (TSXV: BCM) ("Borealis" or the "Company") is pleased to announce assay results.', ("Borealis Critical Metals Corp.", "release")),
        # a release without a distributor: its label, then the issuer that opens it
        ("ASX ANNOUNCEMENT\n9 March 2026\n\nKestrel Rare Earths Limited (ASX: KRE) (“Kestrel” or “the Company”) is pleased to announce the "
         "results of its definitive feasibility study.", ("Kestrel Rare Earths Limited", "release")),
        ("IMMEDIATE RELEASE\n\nThe Department of Energy (DOE) today announced $87 million for three projects to recover rare earths from coal ash.",
         ("Department of Energy", "release")),
        # a scanned notice: its letterhead in capitals, then an issuer that shares its first sentence
        ("MINISTRY OF COMMERCE OF THE PEOPLE'S REPUBLIC OF CHINA\nAnnouncement No. 18 of 2026, 9 October 2026\n\nThe Ministry of "
         "Commerce and the General Administration of Customs have decided to implement export controls.",
         ("Ministry of Commerce of the People's Republic of China", "masthead")),
        ("Announcement No. 18 of 2026\n\nThe Ministry of Commerce and the General Administration of Customs have decided to implement "
         "export controls on seven items.", ("Ministry of Commerce", "release")),
        ("U.S. GEOLOGICAL SURVEY | MINERAL COMMODITY SUMMARIES 2026\n\nDomestic production of rare earth mineral concentrates rose in 2025.",
         ("U.S. Geological Survey", "masthead")),
        # a fact check's date line, naming the desk behind it (written here)
        ("Fact check: Did the US end its dependence on Chinese rare earths?\n*Published 27 November 2026 by Mineral Facts Desk*\n\n"
         "The claim: In a speech in Ohio on 20 November, a senator said the United States had ended its dependence.",
         ("Mineral Facts Desk", "masthead")),
        # an outlet no list here knows, in its dateline's brackets; the staff byline above names a role (written here)
        ("By Staff Reporter\nOctober 15, 2026\n\nLONDON, Oct 15 (Fastmarkets) - Lynas Rare Earths said its Kalgoorlie plant produced "
         "1,480 tonnes of mixed rare earth carbonate in the September quarter, up 22% from the quarter before.", ("Fastmarkets", "dateline")),
        # Asia's national agencies, a place not in capitals (written here)
        ("POSCO signs magnet deal\n\nSeoul, Nov. 26, 2026 (Yonhap) -- POSCO International Corp. said Thursday it has signed a deal "
         "with U.S. refiner ReElement Technologies.", ("Yonhap", "dateline")),
        # a place of two words whose first has three letters (written here: the opening reader's own dateline pattern missed it)
        ("IREL to double rare earth capacity\n\nNEW DELHI, Nov 30 (PTI) -- State-run IREL (India) Ltd plans to double the capacity "
         "of its rare earth separation plant at Chatrapur, a senior company official said on Sunday.", ("PTI", "dateline")),
        # a price reporter's name and the date on a line of their own, no organisation's word in it (written here)
        ("Heavy rare earth prices slip\n\nFastmarkets, November 27, 2026\n\nChinese domestic prices for dysprosium and terbium fell "
         "this week as consumers held back purchases ahead of the next round of export licence approvals.", ("Fastmarkets", "masthead")),
        # written here (thirtieth session): Antara's own capitals, a trade weekly's site in the dateline's brackets, and a
        # state-owned miner's release whose name holds Spanish particles ("del", "y"): each had been published by its folder
        ("Indonesia to tighten nickel smelter permits\n\nJakarta (ANTARA) - The Indonesian government will stop issuing new permits "
         "for nickel pig iron smelters, the minister said.", ("Antara", "dateline")),
        ("By: Martin Creamer\n27th November 2026\n\nJOHANNESBURG (miningweekly.com) – "
         "JSE-listed Sibanye-Stillwater on Thursday reported that PGM output fell 4% to 412 000 oz.", ("miningweekly.com", "dateline")),
        ("SEOUL, Dec. 1, 2026 /PRNewswire/ -- EcoPro BM Co., Ltd. (KOSDAQ: 247540), a South Korean cathode materials maker, today "
         "announced it will invest KRW 1.2 trillion in its Hungarian plant.", ("EcoPro BM Co., Ltd.", "release")),
        ("Codelco and SQM complete joint venture\n\nSANTIAGO, Chile, December 1, 2026 -- Corporación Nacional del Cobre de Chile "
         "(\"Codelco\") and SQM today announced the completion of their partnership.", ("Corporación Nacional del Cobre de Chile", "release")),
        ("Heavy rare earth prices slip\n\nLondon, November 27, 2026\n\nChinese domestic prices for dysprosium and terbium fell "
         "this week as consumers held back purchases ahead of the next round of export licence approvals.", None),
    ],
)
def test_the_opening_names_its_publisher(opening, expected):
    assert publisher(lines(opening)) == expected


@pytest.mark.parametrize(
    "opening",
    [
        # news that opens with a company and its ticker is not that company's release
        "By Jane Roe\nMarch 3, 2026\n\nIluka Resources (ASX: ILU) shares rose 5% on Tuesday after the refinery's cost estimate held.",
        # a subtitle, a minister's title and a section label are not mastheads
        "Independent laboratory confirms purity above 99.99% in a fraction of the stages\n\n"
        "The membrane process separated terbium from dysprosium in eleven stages instead of the usual hundreds, the lab said.",
        "The Hon Jane Doe MP, Minister for Resources\nMonday, 2 February 2026\n\n"
        "The Government has signed its first offtake agreements for the strategic reserve, securing oxide from two producers.",
        "Metals & Mining | 3 March 2026\n\nNdPr oxide prices held near their floor this week as buyers waited for the export licence data.",
        # a transcript's list of who speaks ("Company" is an organisation's word)
        "MP Materials Q3 2026 Earnings Call\nNovember 6, 2026\n\nCompany Participants\nJames Litinsky - Chief Executive Officer\n\n"
        "Good afternoon, and welcome to the MP Materials third quarter 2026 earnings conference call, and thank you all for joining us.",
        # a column by a named author in no named outlet
        "Published 2 March 2026 by Richard Roe\n\nThe Pentagon's price floor for NdPr drew objections from free-market economists.",
        "By Richard Roe\nMarch 2, 2026\n\nWhen the Pentagon agreed to guarantee a minimum price for NdPr, free-market economists objected loudly.",
        "By Richard Roe (Contributor)\n\nWhen the Pentagon agreed to guarantee a minimum price for NdPr, free-market economists objected.",
        # a byline's role is no outlet ("Reporter" is an outlet's word, as in "The Hollywood Reporter")
        "By Staff Reporter\nOctober 15, 2026\n\nAustralia's Lynas Rare Earths said on Tuesday its Kalgoorlie plant produced 1,480 tonnes "
        "of mixed rare earth carbonate in the September quarter.",
        "Special Correspondent\n\nAustralia's Lynas Rare Earths said on Tuesday its Kalgoorlie plant produced 1,480 tonnes of carbonate.",
        # a dateline's brackets holding a ticker, not an outlet
        "PERTH (ASX: LYC) - Lynas Rare Earths said on Tuesday its Kalgoorlie plant produced 1,480 tonnes of mixed rare earth carbonate.",
    ],
)
def test_an_opening_that_names_no_publisher(opening):
    assert publisher(lines(opening)) is None


def test_a_file_without_a_named_publisher_takes_its_folder_unless_the_folder_is_anyones(tmp_path: Path):
    body = ["Lynas update", "", "Lynas Rare Earths produced 10,000 tonnes of NdPr oxide last year, the most it has made."]
    notes: list[str] = []
    assert file_publisher(body, tmp_path / "reuters-clips" / "lynas.txt", notes) == "reuters-clips"
    assert "folder's name" in notes[-1]
    assert file_publisher(body, tmp_path / "Downloads" / "lynas.txt", notes) == "files"
    assert file_publisher(body, tmp_path / "in" / "lynas.txt", notes) == "files"  # named for the workflow, not a publisher
    assert file_publisher(body, tmp_path / "To Read" / "lynas.txt", notes) == "files"
    # numbered copies too (a second batch written here, thirty-third session, had been published by "in2")
    assert [file_publisher(body, tmp_path / folder / "lynas.txt", notes) for folder in ("in2", "New folder (2)", "articles 3")] == ["files"] * 3
    assert file_publisher(body, tmp_path / "Mining2030" / "lynas.txt", notes) == "Mining2030"
    assert file_publisher(body, Path.home() / "lynas.txt", notes) == "files"
    assert file_publisher(body, Path("lynas.txt"), notes) == "files"
    assert "front matter" in notes[-1]  # says how to name it
    assert file_publisher(["By Ann Lee", "Opinion | The Perth Ledger", "", *body[2:]], tmp_path / "Downloads" / "x.txt", notes) == "The Perth Ledger"
    assert notes[-1] == "source taken from the masthead: The Perth Ledger"


def test_a_short_line_over_the_day_names_the_outlet_below_a_byline_or_in_one_word():
    """Texts written here (thirty-third session) had been published by their folder: "Stockhead" over the day, and "Mining
    Explained" between the writer's byline and the day. A section's label over the day is no outlet."""
    story = "Rare earths stocks had their best day in months on Wednesday, after reports that Washington was considering a price floor."
    assert publisher(lines(f"ASX rare earths stocks surge\n\nStockhead\nDecember 3, 2026\n\n{story}")) == ("Stockhead", "masthead")
    explainer = f"Explainer: heavy rare earths\n\nBy Tomás Ferreira\nMining Explained\n1 December 2026\n\n{story}"
    assert publisher(lines(explainer)) == ("Mining Explained", "masthead") and byline_author(lines(explainer)) == "Tomás Ferreira"
    assert publisher(lines(f"Prices rise\n\nOpinion\nDecember 3, 2026\n\n{story}")) is None
    # a name the text has people work at (a campaign group's release written here); not a writer's name alone over the day
    release = f"Mining sites triple\n\nGlobal Witness\n4 December 2026\n\n{story} \"It poisons rivers,\" said Clara Ng, campaigner at Global Witness."
    assert publisher(lines(release)) == ("Global Witness", "masthead")
    assert publisher(lines(f"Prices rise\n\nMarta Quintero\nDecember 3, 2026\n\n{story}")) is None


def test_a_portal_s_source_line_and_wikipedia_s_tagline_name_the_publisher():
    """Written here (thirty-fourth session): a Chinese portal's story as a browser translates it ("Source: Baotou Daily  2026-11-28
    09:15  Font size: large medium small") and a page copied from Wikipedia had been published by "files". A chart's "Source:
    company data" names no publisher."""
    story = "On November 27, the reporter learned from the Baotou Rare Earth High-tech Industrial Development Zone that the project was put into production."
    portal = f"Baotou magnet project put into production\n\nSource: Baotou Daily  2026-11-28 09:15  Font size: large medium small\n\n{story}"
    assert publisher(lines(portal)) == ("Baotou Daily", "masthead")
    assert publisher(lines(f"Baotou magnet project\n\nSource: Xinhua 2026-11-28\n\n{story}")) == ("Xinhua", "masthead")
    assert publisher(lines(f"Mountain Pass Rare Earth Mine\n\nFrom Wikipedia, the free encyclopedia\n\n{story}")) == ("Wikipedia", "masthead")
    assert publisher(lines(f"Output rises\n\nSource: company data\n\n{story}")) is None


@pytest.mark.parametrize(
    ("opening", "day"),
    [
        ("ASX: KRE | ASX Announcement | 29 January 2026\n\nKestrel Rare Earths Limited is pleased to present its report.", "2026-01-29"),
        ("By Global Times Staff Reporters\nPublished: Feb 16, 2026 09:41 PM\n\nChina's guidelines are lawful, experts said.", "2026-02-16"),
        ("VANCOUVER, British Columbia, Feb. 10, 2026 (GLOBE NEWSWIRE) -- Acme Metals Corp. is pleased to report assays.", "2026-02-10"),
        ("Release time: 2026-03-12\n\nQ: Recently, the Commission proposed a local-content rule for magnets.", "2026-03-12"),
        # a period's end is not the date; a year-less wire dateline names none; nor does a date in a sentence
        ("Quarterly report for the period ended 31 December 2025\n\nOutput rose 12% in the quarter, the company said.", None),
        ("SYDNEY, March 4 (Reuters) - Lynas Rare Earths said on Wednesday it produced 3.4 tons of dysprosium oxide.", None),
        ("Lynas Rare Earths said that on March 3, 2026 it had shipped its first heavy rare earths from Malaysia to Japan.", None),
        # a label and its date ending a long line's first sentence (a weekly price report), not a date in a sentence
        ("*Weekly price review, 28 November 2026. Prices are ex-works China, VAT included, quoted in yuan per tonne.*", "2026-11-28"),
        ("China will ban the export of these technologies from 1 December 2026, the ministry said in a notice on Friday.", None),
        # Portuguese, French and German datelines (a Brazilian story written here was left undated)
        ("MINAÇU, 20 de novembro de 2026 — A mineradora Serra Verde informou que produziu 1.200 toneladas.", "2026-11-20"),
        ("PARIS, 3 mars 2026 - Solvay a annoncé l'agrandissement de son usine de La Rochelle.", "2026-03-03"),
        ("BERLIN, 20. November 2026 - Vacuumschmelze baut ein neues Werk.", "2026-11-20"),
        ("Kinshasa, le 24 novembre 2026 – L'ARECOMS a fixé le quota d'exportation de cobalt à 96 600 tonnes pour l'année 2027.", "2026-11-24"),
        # a release's place not in capitals, its day before its month, in bold (written here)
        ("**London, 1 December 2026** — Rainbow Rare Earths today announced results from its pilot plant.", "2026-12-01"),
        # the Gulf's: the country, a dash before the day, a colon after it (written here, thirty-third session)
        ("Riyadh, Saudi Arabia – 18 November 2026: Saudi Arabian Mining Company (Ma'aden) (Tadawul: 1211) today announced the "
         "signing of a binding joint venture agreement with MP Materials Corp. (NYSE: MP).", "2026-11-18"),
    ],
)
def test_the_opening_dates_the_article(opening, day):
    from assay.readers.opening import opening_date

    found = opening_date([line for line in lines(opening) if line.strip()])
    assert (found[0].date().isoformat() if found else None) == day


def test_a_text_file_is_dated_by_its_opening_unless_its_front_matter_dates_it():
    from assay.readers import parse
    from assay.types import Fetched

    text = "Kestrel lifts output\n\nBy Ann Lee\nMarch 3, 2026\n\nKestrel Rare Earths lifted NdPr output 12% in the quarter.\n"
    _, _, (item,) = parse(Fetched(source="clips/kestrel.txt", content=text.encode(), content_type="text/plain"))
    assert item.published is not None and item.published.date().isoformat() == "2026-03-03"
    assert "dated from the opening line 'March 3, 2026'" in item.notes
    dated = "---\ndate: 2026-03-05\n---\n" + text
    _, _, (item,) = parse(Fetched(source="clips/kestrel.md", content=dated.encode(), content_type="text/markdown"))
    assert item.published is not None and item.published.date().isoformat() == "2026-03-05"


def test_a_masthead_in_capitals_of_acronyms_alone_is_no_organisation_and_no_loop():
    assert publisher(lines("BHP NRG CRM\n\nLynas Rare Earths said it produced 3.4 tons of dysprosium oxide in Malaysia.")) is None



@pytest.mark.parametrize(
    ("opening", "author"),
    [
        ("Rare earths rally\nBy Melanie Burton and Ernest Scheyder\n\nSYDNEY, Feb 10 (Reuters) - Lynas said.", "Melanie Burton and Ernest Scheyder"),
        ("Lynas lifts output\nBy Jane Doe, Reuters\n\nLynas Rare Earths said on Tuesday it had lifted output.", "Jane Doe"),  # the outlet left out
        ("Opinion | The Midland Ledger | By Sam Ortiz | February 2, 2026\n\nPrice floors are back in fashion.", "Sam Ortiz"),
        # in a Markdown file's italics (written here, forty-fourth session: it had no writer, and the line was a statement)
        ("# The West's rare earth plan\n\n*By Helen Thorne | Opinion | November 30, 2026*\n\nAnother week, another deal.", "Helen Thorne"),
        ("Sibanye lifts lithium hopes\n\nBy: Martin Creamer\n27th November 2026\n\nJOHANNESBURG (miningweekly.com) – Output fell.", "Martin Creamer"),
        # an op-ed's writer with a post elsewhere (written here, thirty-first session: it had no writer)
        ("Opinion: The West's heavy rare earth problem\n\nBy Maria Alvarez, senior fellow at the Lowy Institute\n\nNovember 29, 2026\n\n"
         "Every electric car sold in Europe depends on a war zone.", "Maria Alvarez"),
        # no person: a staff byline, an outlet, a site, a board, or a sentence that opens with "By"
        ("By Global Times Staff Reporters\nPublished: Feb 16, 2026\n\nChina's guidelines are lawful, experts said.", None),
        ("Title\nBy Reuters\n\nLynas said.", None),
        ("Title\nBy Mining.com\n\nLynas said.", None),
        ("Title\nBy The Editorial Board\n\nPrice floors are back.", None),
        ("By 2030, demand for NdPr oxide will double, the agency said in its outlook published on Monday in Paris.", None),
        # a letter to the editor's writer and where they write from (written here, thirty-third session); not an outlet or a company
        ("Letter: Stockpiles are no substitute for a refining industry\n\nFrom Helen Okafor, London SW1, UK\n\nYour editorial errs.",
         "Helen Okafor"),
        ("Letter: Rare earths\n\nFrom Lynas Rare Earths, Perth\n\nYour editorial errs.", None),
    ],
)
def test_a_byline_names_the_author(opening, author):
    assert byline_author(lines(opening)) == author


@pytest.mark.parametrize(
    ("title", "publication"),
    [
        ("The Magnet Ledger — Week 48", "The Magnet Ledger"),
        ("Critical Materials Review: February 2026", "Critical Materials Review"),
        ("Rare Earth Weekly | Issue 12", "Rare Earth Weekly"),
        ("Mining Journal - 3 March 2026", "Mining Journal"),
        # headlines: no issue after the name, or no publication before it
        ("Lynas — Week 48 output rises", None),
        ("Lynas lifts output: March 2026", None),
        ("Rare Earth Weekly", None),
    ],
)
def test_a_periodical_s_title_names_the_publication(title, publication):
    assert title_publication(title) == publication


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("BAOTOU, Dec. 1 (Xinhua) -- China Northern Rare Earth produced more than 120,000 tonnes.", "2026-12-01"),
        # a place whose first word has three letters: the opening reader's own pattern missed it (written here)
        ("NEW DELHI, Nov 30 (PTI) -- State-run IREL (India) Ltd plans to double its capacity.", "2026-11-30"),
        # PTI as news sites print it, with no dash after its name (written here, thirty-sixth session: undated)
        ("New Delhi, Dec 1 (PTI) State-run IREL (India) Ltd will invest Rs 1,200 crore in its Odisha plant.", "2026-12-01"),
        ("NEW YORK, Dec 10 (Reuters) - Shares of MP Materials rose 6% on Friday.", "2025-12-10"),  # after the file's clock: a year back
        ("TOKYO/BEIJING, Dec 4 (Reuters) - Japan and the United States voiced concern.", "2026-12-04"),  # filed from two cities (written here)
        ("ASTANA, December 3. /TASS/. Kazakhstan and Russia have agreed.", "2026-12-03"),
        ("SMM, Dec 3: Spot prices of NdPr oxide in China were flat.", "2026-12-03"),
        # a Spanish wire's day before its abbreviated month (written here, twenty-sixth session): it had been undated
        ("TOKYO, Dec. 1 Kyodo - Japan and the United States agreed Thursday to cooperate on gallium recycling.", "2026-12-01"),
        ("SANTIAGO, 1 dic (Reuters) - Los gobiernos de Chile y Argentina firmaron el jueves un memorando.", "2026-12-01"),
        ("PARIS, 30 nov. (Reuters) - Le groupe a annoncé.", "2026-11-30"),
        ("US, China agree - to hold more talks on rare earth exports on Dec 1.", None),
        ("US/China agree - to hold more talks on rare earth exports on Dec 1.", None),
    ],
)
def test_a_yearless_wire_dateline_dates_the_article_by_the_files_clock(line, day):
    from datetime import UTC, datetime

    from assay.readers.opening import yearless_dateline
    from assay.types import Fetched

    fetched = Fetched(source="clips/x.txt", content=b"", content_type="text/plain", modified=datetime(2026, 12, 2, tzinfo=UTC))
    found = yearless_dateline(["Headline", line], fetched)
    assert (found[0].date().isoformat() if found else None) == day


def test_a_gulf_release_is_published_by_its_issuer_named_with_its_short_name_and_ticker():
    from assay.readers.opening import publisher

    # written here (thirty-third session): the dateline had not been read, so the release was undated, published by its
    # folder, and its own voice the writer's rather than the company's
    opening = ["Ma'aden and MP Materials sign agreement to develop rare earth refinery in Saudi Arabia", "",
               "Riyadh, Saudi Arabia – 18 November 2026: Saudi Arabian Mining Company (Ma'aden) (Tadawul: 1211) today announced "
               "the signing of a binding joint venture agreement with MP Materials Corp. (NYSE: MP)."]
    assert publisher(opening) == ("Saudi Arabian Mining Company", "release")


def test_a_title_ending_with_its_day_after_for_or_on_dates_the_text():
    """The Pentagon's daily contracts page, written here (thirty-fourth session), had been undated: "Contracts For Nov. 24, 2026"."""
    from datetime import UTC, datetime

    from assay.readers.opening import title_date

    assert title_date("Contracts For Nov. 24, 2026") == datetime(2026, 11, 24, tzinfo=UTC)
    assert title_date("Spokesperson Lin Jian's Regular Press Conference on December 4, 2026") == datetime(2026, 12, 4, tzinfo=UTC)
    assert title_date("Outlook for December 2026") is None and title_date("Lynas sets output target for 2027") is None


def test_a_title_in_capitals_keeps_each_legal_form_as_written():
    """One list of legal forms (assay.aliases.LEGAL_FORMS) cases them: "AG" had been "Ag", "GMBH" stayed in capitals."""
    assert title_case("SIEMENS AG AND NEO MAGNETWERK GMBH SIGN WITH LYNAS RARE EARTHS PLC") == (
        "Siemens AG and Neo Magnetwerk GmbH Sign With Lynas Rare Earths plc")
