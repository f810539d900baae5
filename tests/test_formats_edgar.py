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
