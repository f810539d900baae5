"""SEC filings: an 8-K's complete submission file (EDGAR's `<accession>.txt`), its press-release exhibit
as a page, EDGAR's demand for a contact in the User-Agent, and Business Wire's dateline.

The submission is made here as EDGAR lays one out (its header's fields, `<DOCUMENT>` blocks with
`<TYPE>`, `<SEQUENCE>`, `<FILENAME>`, `<DESCRIPTION>` and `<TEXT>`, the main form's inline XBRL inside
`<XBRL>`, a picture uuencoded); the company and its figures are invented.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from assay.articles import to_article
from assay.readers import parse
from assay.readers.edgar import filer_name
from assay.readers.opening import opening_date, publisher
from assay.settings import Settings
from assay.sources import SourceError, fetch_url
from assay.types import Fetched
from tests.test_formats_html_pdf import HTML

FOLDER = "https://www.sec.gov/Archives/edgar/data/1990001/000199000126000088"

LETTER = """MOJAVE MAGNETICS CORP.
Letter to Shareholders

Dear Shareholders,

Our Fort Worth magnet plant shipped its first sintered magnets in October, and we expect it to reach an annual
rate of 1,000 metric tons of NdFeB magnets by the end of 2027. We believe no other company outside China can
match our cost position.
"""

EIGHT_K = """<?xml version='1.0' encoding='ASCII'?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"><head><title>mjv-20261105</title></head><body>
<div style="display:none"><ix:header><ix:hidden><ix:nonNumeric name="dei:AmendmentFlag" contextRef="c-1">false</ix:nonNumeric></ix:hidden></ix:header></div>
<div style="text-align:center"><span style="font-weight:700">UNITED STATES SECURITIES AND EXCHANGE COMMISSION</span></div>
<div style="text-align:center"><span style="font-weight:700">FORM 8-K</span></div>
<div><span>Item 2.02 Results of Operations and Financial Condition.</span></div>
<div><span>On November 5, 2026, Mojave Magnetics Corp. (the "Company") issued a press release announcing its results for the
quarter ended September 30, 2026. A copy of the press release is furnished as Exhibit 99.1 to this Current Report on Form 8-K.</span></div>
</body></html>"""


def submission(*, exhibits: bool = True, filed: str = "20261105", form: str = "8-K") -> str:
    """A complete submission text file as EDGAR serves it."""
    header = f"""<SEC-DOCUMENT>0001990001-26-000088.txt : {filed}
<SEC-HEADER>0001990001-26-000088.hdr.sgml : {filed}
<ACCEPTANCE-DATETIME>{filed}161502
ACCESSION NUMBER:		0001990001-26-000088
CONFORMED SUBMISSION TYPE:	{form}
PUBLIC DOCUMENT COUNT:		5
CONFORMED PERIOD OF REPORT:	{filed}
ITEM INFORMATION:		Results of Operations and Financial Condition
ITEM INFORMATION:		Financial Statements and Exhibits
FILED AS OF DATE:		{filed}
DATE AS OF CHANGE:		{filed}

FILER:

	COMPANY DATA:
		COMPANY CONFORMED NAME:			Mojave Magnetics Corp. / DE
		CENTRAL INDEX KEY:			0001990001
		STANDARD INDUSTRIAL CLASSIFICATION:	MINING & QUARRYING OF NONMETALLIC MINERALS (NO FUELS) [1400]
		STATE OF INCORPORATION:			DE

	FILING VALUES:
		FORM TYPE:		{form}
		SEC ACT:		1934 Act
</SEC-HEADER>
"""

    def document(kind: str, sequence: int, name: str, text: str, wrap: str = "") -> str:
        body = f"<{wrap}>\n{text}\n</{wrap}>" if wrap else text
        return f"<DOCUMENT>\n<TYPE>{kind}\n<SEQUENCE>{sequence}\n<FILENAME>{name}\n<DESCRIPTION>{kind}\n<TEXT>\n{body}\n</TEXT>\n</DOCUMENT>\n"

    documents = [document(form, 1, "mjv-20261105.htm", EIGHT_K, wrap="XBRL")]
    if exhibits:
        documents += [document("EX-99.1", 2, "mjv-20261105xex991.htm", (HTML / "sec_exhibit.html").read_text()),
                      document("EX-99.2", 3, "mjv-20261105xex992.txt", LETTER)]
    documents += [document("GRAPHIC", 4, "logo.jpg", "begin 644 logo.jpg\nM_]C_X``02D9)1@`!`0```0`!``#_VP!#``@&!@<&!0@'!P<)\"0@*#!0-\n`\nend"),
                  document("EX-101.SCH", 5, "mjv-20261105.xsd", "<xs:schema/>", wrap="XBRL")]
    return header + "".join(documents) + "</SEC-DOCUMENT>\n"


BLUE_ROW = ' class="blueRow"'


def filing_index(*, exhibits: bool = True) -> str:
    """A filing's index page as EDGAR lays it out: the form's name, its dates, a table of its documents."""
    rows = [("1", "8-K", "/ix?doc=/Archives/edgar/data/1990001/000199000126000088/mjv-20261105.htm", "mjv-20261105.htm", "8-K", "48134")]
    if exhibits:
        rows += [("2", "EX-99.1", "/Archives/edgar/data/1990001/000199000126000088/mjv-20261105xex991.htm", "mjv-20261105xex991.htm", "EX-99.1", "281922"),
                 ("3", "EX-99.2", "/Archives/edgar/data/1990001/000199000126000088/mjv-20261105xex992.txt", "mjv-20261105xex992.txt", "EX-99.2", "1022")]
    rows += [("4", "GRAPHIC", "/Archives/edgar/data/1990001/000199000126000088/logo.jpg", "logo.jpg", "GRAPHIC", "8110"),
             ("", "XBRL TAXONOMY EXTENSION SCHEMA DOCUMENT", "/Archives/edgar/data/1990001/000199000126000088/mjv-20261105.xsd", "mjv-20261105.xsd", "EX-101.SCH", "3120")]
    table = "".join(
        f'<tr{BLUE_ROW * (i % 2)}><td scope="row">{seq}</td><td scope="row">{description}</td>'
        f'<td scope="row"><a href="{href}">{name}</a></td><td scope="row">{kind}</td><td scope="row">{size}</td></tr>'
        for i, (seq, description, href, name, kind, size) in enumerate(rows))
    return ('<!DOCTYPE html><html><head><title>EDGAR Filing Documents for 0001990001-26-000088</title></head><body>'
            '<div id="PageTitle">Filing Detail</div><div id="formDiv"><div id="formHeader"><div id="formName"><strong>Form 8-K</strong>'
            ' - Current report:</div><div id="secNum"><strong>SEC Accession <acronym title="Number">No.</acronym></strong> 0001990001-26-000088</div></div>'
            '<div class="formContent"><div class="formGrouping"><div class="infoHead">Filing Date</div><div class="info">2026-11-05</div>'
            '<div class="infoHead">Accepted</div><div class="info">2026-11-05 16:15:02</div></div>'
            '<div class="formGrouping"><div class="infoHead">Items</div><div class="info">Item 2.02: Results of Operations and Financial Condition</div></div></div>'
            '<div style="padding: 4px 0px 4px 0px; font-size: 12px; margin: 0px 2px 0px 5px; width: 100%; overflow:hidden">'
            '<p>Document Format Files</p><table class="tableFile" summary="Document Format Files">'
            '<tr><th scope="col">Seq</th><th scope="col">Description</th><th scope="col">Document</th><th scope="col">Type</th><th scope="col">Size</th></tr>'
            f'{table}</table></div></div><div class="companyInfo"><span class="companyName">Mojave Magnetics Corp. / DE (Filer) '
            '<acronym title="Central Index Key">CIK</acronym>: <a href="/cgi-bin/browse-edgar?action=getcompany&amp;CIK=0001990001">0001990001 '
            '(see all company filings)</a></span></div></body></html>')


def test_a_filing_index_names_its_press_releases_to_read_from_their_pages():
    url = f"{FOLDER}/0001990001-26-000088-index.htm"
    _, _, items = parse(Fetched(source=url, url=url, content=filing_index().encode(), content_type="text/html"))
    assert [(i.url, i.read_at_url, i.published) for i in items] == [
        (f"{FOLDER}/mjv-20261105xex991.htm", True, datetime(2026, 11, 5, tzinfo=UTC)),
        (f"{FOLDER}/mjv-20261105xex992.txt", True, datetime(2026, 11, 5, tzinfo=UTC))]
    assert "an SEC Form 8-K filing's index: its EX-99.1, EX-99.2 read from their own page" in items[0].notes
    _, _, (form,) = parse(Fetched(source=url, url=url, content=filing_index(exhibits=False).encode(), content_type="text/html"))
    assert form.url == f"{FOLDER}/mjv-20261105.htm"  # the document, not the inline-XBRL viewer around it


def test_a_submission_is_its_press_release_exhibits():
    fetched = Fetched(source=f"{FOLDER}/0001990001-26-000088.txt", url=f"{FOLDER}/0001990001-26-000088.txt",
                      content=submission().encode(), content_type="text/plain")
    _, _, items = parse(fetched)
    release, letter = (to_article(item) for item in items)
    assert (release.title, release.source, release.published) == (
        "Mojave Magnetics Reports Third Quarter 2026 Results", "Mojave Magnetics Corp.", datetime(2026, 11, 5, tzinfo=UTC))
    assert release.url == f"{FOLDER}/mjv-20261105xex991.htm"  # the exhibit's own address: one article either way
    assert "Forward-Looking Statements" in [s.heading for s in release.sections]
    assert "<TYPE>" not in release.body and "FORM 8-K" not in release.body and "begin 644" not in release.body
    # The letter's letterhead in capitals names its company and stands over its title; undated, it takes the filing's day.
    assert (letter.title, letter.source, letter.published, letter.url) == (
        "Letter to Shareholders", "Mojave Magnetics Corp.", datetime(2026, 11, 5, tzinfo=UTC), f"{FOLDER}/mjv-20261105xex992.txt")
    assert "1,000 metric tons" in letter.body
    assert any("an SEC 8-K filing's EX-99.1" in note for note in items[0].notes)
    assert {item.source_url for item in items} == {fetched.url}


def test_an_exhibit_that_names_nobody_is_published_by_the_filer():
    unsigned = submission().replace(LETTER, LETTER.replace("MOJAVE MAGNETICS CORP.\n", ""))
    _, _, (_, letter) = parse(Fetched(source="0001990001-26-000088.txt", content=unsigned.encode(), content_type="text/plain"))
    assert letter.source == "Mojave Magnetics Corp." and "source: the filer, Mojave Magnetics Corp." in letter.notes


def test_a_filing_with_no_exhibit_is_its_main_document_and_one_with_nothing_to_read_says_so(tmp_path):
    path = tmp_path / "0001990001-26-000088.txt"
    path.write_text(submission(exhibits=False))
    _, _, (item,) = parse(Fetched(source=str(path), content=path.read_bytes(), content_type="text/plain"))
    assert "issued a press release announcing its results" in item.content and item.url is None
    assert item.source == "Mojave Magnetics Corp."  # not the file's "folder", its accession number
    bare = submission(exhibits=False).replace("mjv-20261105.htm", "mjv-20261105.xml")
    with pytest.raises(SourceError, match="an SEC 8-K filing with no press release \\(EX-99\\) or main document in HTML or text"):
        parse(Fetched(source="filing.txt", content=bare.encode(), content_type="text/plain"))


@pytest.mark.parametrize("conformed, name", [
    ("MP Materials Corp. / DE", "MP Materials Corp."),
    ("ENERGY FUELS INC", "ENERGY FUELS INC"),
    ("USA Rare Earth, Inc./DE/", "USA Rare Earth, Inc."),
])
def test_the_filer_is_named_without_its_state(conformed, name):
    assert filer_name(f"		COMPANY CONFORMED NAME:			{conformed}\n") == name


@pytest.mark.parametrize("opening, issuer, date", [
    ("LAS VEGAS--(BUSINESS WIRE)--MP Materials Corp. (NYSE: MP) (“MP Materials” or the “Company”), the largest producer of rare earth "
     "materials in the Western Hemisphere, today announced its results.", "MP Materials Corp.", None),
    ("SAN JOSE, Calif.--(BUSINESS WIRE)--Jan. 24, 2026--Niron Magnetics, Inc. today announced that it will build its second "
     "iron nitride magnet plant in Minnesota.", "Niron Magnetics, Inc.", datetime(2026, 1, 24, tzinfo=UTC)),
])
def test_business_wire_datelines_name_the_issuer_and_the_date(opening, issuer, date):
    assert publisher(["A headline", opening]) == (issuer, "release")
    found = opening_date(["A headline", opening])
    assert (found[0] if found else None) == date


def _sec(status: int, seen: list[httpx.Request]):
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, stream=httpx.ByteStream(b"Your Request Originated from an Undeclared Automated Tool"))
    return answer


@pytest.fixture
def sec(monkeypatch):
    """sec.gov, faked: it answers every request with the status the test sets."""
    real, state = httpx.Client, {"status": 403, "seen": []}
    monkeypatch.setattr(httpx, "Client", lambda *a, **k: real(*a, **{**k, "transport": httpx.MockTransport(_sec(state["status"], state["seen"]))}))
    return state


def test_the_sec_gets_a_contact_when_one_is_set_and_a_refusal_says_how_to_set_it(sec):
    url = f"{FOLDER}/mjv-20261105xex991.htm"
    with pytest.raises(SourceError, match="the SEC refuses automated requests that name no contact: set ASSAY_CONTACT_EMAIL"):
        fetch_url(url, Settings())
    with pytest.raises(SourceError, match="it allows 10 requests a second"):
        fetch_url(url, Settings(contact_email="analyst@example.com"))
    assert [r.headers["user-agent"].endswith(" analyst@example.com") for r in sec["seen"]] == [False, True]
    with pytest.raises(ValueError, match="contact_email"):
        Settings(contact_email="not an address")


def test_no_other_site_gets_the_contact(sec):
    sec["status"] = 200
    fetch_url("https://www.reuters.com/markets/commodities/", Settings(contact_email="analyst@example.com"))
    assert "analyst@example.com" not in sec["seen"][-1].headers["user-agent"]


@pytest.mark.slow
def test_a_submission_saved_in_a_folder_ingests_as_its_exhibits(ingest, assay_home, tmp_path):
    from assay.store.registry import Registry

    folder = tmp_path / "filings"
    folder.mkdir()
    (folder / "0001990001-26-000088.txt").write_text(submission())
    report = ingest([str(folder)])
    assert report.counts["new"] == 2, report
    titles = {r.title: r.source for r in Registry(assay_home.registry_url).articles()}
    assert titles == {"Mojave Magnetics Reports Third Quarter 2026 Results": "Mojave Magnetics Corp.",
                      "Letter to Shareholders": "Mojave Magnetics Corp."}
    assert ingest([str(folder)]).counts["unchanged"] == 2


# A company's filings as EDGAR's Atom feed gives them ("browse-edgar?action=getcompany&CIK=…&type=8-K&output=atom"):
# each entry a filing, its link the filing's index page.
COMPANY_FEED = f"""<?xml version="1.0" encoding="ISO-8859-1" ?>
<feed xmlns="http://www.w3.org/2005/Atom">
<author><email>webmaster@sec.gov</email><name>Webmaster</name></author>
<id>https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&amp;CIK=0001990001&amp;type=8-K</id>
<title>MOJAVE MAGNETICS CORP.  (0001990001)</title>
<updated>2026-11-05T16:15:02-05:00</updated>
<entry>
<category label="form type" scheme="https://www.sec.gov/" term="8-K" />
<content type="text/xml">
<accession-number>0001990001-26-000088</accession-number>
<filing-date>2026-11-05</filing-date>
<filing-href>{FOLDER}/0001990001-26-000088-index.htm</filing-href>
<filing-type>8-K</filing-type>
<form-name>Current report</form-name>
<items-desc>items 2.02 and 9.01</items-desc>
<size>300 KB</size>
</content>
<id>urn:tag:sec.gov,2008:accession-number=0001990001-26-000088</id>
<link href="{FOLDER}/0001990001-26-000088-index.htm" rel="alternate" type="text/html" />
<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; 2026-11-05 &lt;b&gt;AccNo:&lt;/b&gt; 0001990001-26-000088 &lt;b&gt;Size:&lt;/b&gt; 300 KB&lt;br&gt;Item 2.02: Results of Operations and Financial Condition</summary>
<title>8-K  - Current report</title>
<updated>2026-11-05T16:15:02-05:00</updated>
</entry>
</feed>
"""


@pytest.fixture
def edgar(monkeypatch):
    """www.sec.gov, faked: a filing's index page and its documents."""
    pages = {
        "/Archives/edgar/data/1990001/000199000126000088/0001990001-26-000088-index.htm": (filing_index(), "text/html"),
        "/Archives/edgar/data/1990001/000199000126000088/mjv-20261105xex991.htm": ((HTML / "sec_exhibit.html").read_text(), "text/html"),
        "/Archives/edgar/data/1990001/000199000126000088/mjv-20261105xex992.txt": (LETTER, "text/plain"),
        "/cgi-bin/browse-edgar": (COMPANY_FEED, "application/atom+xml"),
    }

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.host != "www.sec.gov" or request.url.path not in pages:
            return httpx.Response(404, stream=httpx.ByteStream(b"not found"))
        body, kind = pages[request.url.path]
        return httpx.Response(200, headers={"content-type": kind}, stream=httpx.ByteStream(body.encode()))

    real = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda *a, **k: real(*a, **{**k, "transport": httpx.MockTransport(answer)}))


@pytest.mark.slow
def test_a_filing_index_ingests_its_press_releases(edgar, ingest, assay_home):
    """EDGAR's index of an 8-K, where its search leads: the exhibits read from their own pages, published
    by the issuer the release names and the filer the letter's letterhead names, not by sec.gov; the
    index's table is no article, and the exhibit's own page is the same article."""
    from assay.store.registry import Registry

    index, release = f"{FOLDER}/0001990001-26-000088-index.htm", f"{FOLDER}/mjv-20261105xex991.htm"
    report = ingest([index])
    assert report.counts["new"] == 2, report.results
    rows = {r.url: (r.title, r.source, r.published.date().isoformat()) for r in Registry(assay_home.registry_url).articles()}
    assert rows == {release: ("Mojave Magnetics Reports Third Quarter 2026 Results", "Mojave Magnetics Corp.", "2026-11-05"),
                    f"{FOLDER}/mjv-20261105xex992.txt": ("Letter to Shareholders", "Mojave Magnetics Corp.", "2026-11-05")}
    assert ingest([index, release]).counts["unchanged"] == 2


@pytest.mark.slow
def test_a_companys_edgar_feed_ingests_each_filings_press_releases(edgar, ingest, assay_home):
    """EDGAR's Atom feed of a company's 8-Ks, as `assay serve --feed` would poll it: each entry links to
    its filing's index, whose exhibits are the articles (a page listing pages, followed one level)."""
    from assay.store.registry import Registry

    feed = "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0001990001&type=8-K&dateb=&owner=include&count=40&output=atom"
    report = ingest([feed])
    assert report.counts["new"] == 2 and report.counts["failed"] == 0, report.results
    titles = {r.title: r.source for r in Registry(assay_home.registry_url).articles()}
    assert titles == {"Mojave Magnetics Reports Third Quarter 2026 Results": "Mojave Magnetics Corp.",
                      "Letter to Shareholders": "Mojave Magnetics Corp."}
    # The next poll reads the feed alone: an entry taken in is not read again (three requests fewer per filing).
    again = ingest([feed])
    assert again.fetched == [feed] and again.counts["unchanged"] == 1 and again.counts["new"] == 0, again.results
