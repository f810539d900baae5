"""A bill as Congress prints it and a complaint filed in a US court, as text and as a PDF (written here,
twenty-ninth session: neither form is in the labelled sets)."""

from __future__ import annotations

from datetime import UTC, datetime

from assay.articles import to_article
from assay.corpus import source_type
from assay.readers import parse
from assay.readers.legal import legal_head
from assay.statements import statements
from assay.types import Fetched, SourceType
from tests.one_type_pdf import one_type_pdf

BILL = [
    "119TH CONGRESS", "2D SESSION", "H. R. 9412", "",
    "To prohibit the procurement of rare earth permanent magnets produced in foreign countries of concern by the "
    "Department of Defense, and for other purposes.", "",
    "IN THE HOUSE OF REPRESENTATIVES", "", "November 17, 2026", "",
    "Mr. HALVORSEN (for himself, Ms. OKAFOR, and Mr. DUVALL) introduced the following bill; which was referred to the "
    "Committee on Armed Services", "",
    "A BILL", "",
    "To prohibit the procurement of rare earth permanent magnets produced in foreign countries of concern by the "
    "Department of Defense, and for other purposes.", "",
    "Be it enacted by the Senate and House of Representatives of the United States of America in Congress assembled,", "",
    "SECTION 1. SHORT TITLE.", "",
    'This Act may be cited as the "Secure Magnets for Defense Act of 2026".', "",
    "SEC. 3. PROHIBITION ON PROCUREMENT OF CERTAIN RARE EARTH MAGNETS.", "",
    "(a) In General.—Beginning on January 1, 2029, the Secretary of Defense may not procure any covered item that "
    "contains a rare earth permanent magnet that was sintered in a foreign country of concern.", "",
    "(c) Definitions.—In this section:", "",
    '(1) FOREIGN COUNTRY OF CONCERN.—The term "foreign country of concern" has the meaning given in section 10612(a).',
]

COMPLAINT = [
    "UNITED STATES DISTRICT COURT", "DISTRICT OF DELAWARE", "",
    "HITACHI METALS AMERICA, LTD., and PROTERIAL, LTD.,", "", "Plaintiffs,", "", "v.", "",
    "NORTHSTAR MAGNETICS, INC.,", "", "Defendant.", "",
    "C.A. No. 26-1488-XYZ", "", "JURY TRIAL DEMANDED", "",
    "COMPLAINT FOR PATENT INFRINGEMENT", "",
    'Plaintiffs Hitachi Metals America, Ltd. and Proterial, Ltd. (together, "Proterial"), for their Complaint against '
    'Defendant Northstar Magnetics, Inc. ("Northstar"), allege as follows:', "",
    "1. This is an action for infringement of United States Patent Nos. 9,837,210 and 10,522,117, which claim methods of "
    "grain boundary diffusion of dysprosium and terbium into sintered magnets.", "",
    "2. On information and belief, Northstar's magnets are made using the methods claimed in the Asserted Patents.", "",
    "Dated: November 24, 2026", "",
    "/s/ Karen L. Whitmore", "Karen L. Whitmore (No. 4471)", "MORRIS & WHITMORE LLP", "1201 North Market Street",
    "Wilmington, DE 19801", "Attorneys for Plaintiffs",
]


def _article(content: bytes, name: str, content_type: str = "text/plain"):
    (item,) = parse(Fetched(source=f"/tmp/downloads/{name}", content=content, content_type=content_type))[2]
    return to_article(item)


def test_a_bill_is_titled_by_its_short_title_and_number_and_published_by_its_chamber():
    """Before: titled "119TH CONGRESS", published by the folder, its official title two statements and its
    section headings ("PROHIBITION ON PROCUREMENT …") and run-in headings ("In General.—") in statements."""
    for article in (_article("\n".join(BILL).encode(), "hr9412.txt"), _article(one_type_pdf(BILL), "BILLS-119hr9412ih.pdf", "application/pdf")):
        assert (article.title, article.source, article.author, article.published) == (
            "Secure Magnets for Defense Act of 2026 (H. R. 9412)", "U.S. House of Representatives", "Rep. Halvorsen",
            datetime(2026, 11, 17, tzinfo=UTC))
        assert source_type(article) is SourceType.government
        said = [s.text for s in statements(article)]
        assert said[0].startswith("Mr. HALVORSEN (for himself") and not any("To prohibit" in s or "Be it enacted" in s for s in said)
        assert "Beginning on January 1, 2029, the Secretary of Defense may not procure any covered item" in said[-2]
        assert said[-1].startswith('The term "foreign country of concern" has the meaning')
        assert not any(s.isupper() or "PROHIBITION" in s or "In General" in s for s in said)


def test_a_court_complaint_is_published_by_the_party_that_files_it_and_titled_by_its_parties():
    """Before: titled "UNITED STATES DISTRICT COURT", published by the defendant, the plaintiffs' line and the lawyer's
    name statements, and "Patent Nos." the end of a sentence."""
    article = _article("\n".join(COMPLAINT).encode(), "complaint.txt")
    assert (article.title, article.source, article.published) == (
        "Hitachi Metals America, Ltd. v. Northstar Magnetics, Inc.: Complaint for Patent Infringement", "Proterial, Ltd.",
        datetime(2026, 11, 24, tzinfo=UTC))
    assert source_type(article) is SourceType.company_release  # its allegations are the plaintiff's claims
    said = [s.text for s in statements(article)]
    assert said[1].startswith("This is an action for infringement of United States Patent Nos. 9,837,210 and 10,522,117")
    assert not any("HITACHI" in s or "Whitmore" in s or "Wilmington" in s for s in said)


def test_a_court_s_own_opinion_is_published_by_the_court_and_other_texts_have_no_legal_head():
    opinion = [*COMPLAINT[:17], "MEMORANDUM OPINION", "", "Plaintiffs allege that Northstar infringes two patents.", ""]
    head = legal_head(opinion)
    assert head is not None and head.issuer == "United States District Court for the District of Delaware"
    assert head.title == "Hitachi Metals America, Ltd. v. Northstar Magnetics, Inc.: Memorandum Opinion"
    # A story that opens with a court's name is no filing: it names no parties' roles.
    story = ["UNITED STATES DISTRICT COURT rules for Proterial", "", "A federal court ruled on Tuesday that Northstar infringed two patents."]
    assert legal_head(story) is None
    assert legal_head(["119TH CONGRESS looks at magnets", "", "Congress will vote on a magnets bill next week."]) is None


def test_a_federal_register_notice_is_titled_by_its_heading_whatever_its_regulation_number():
    notice = ("Federal Register / Vol. 91, No. 229 / Tuesday, December 1, 2026 / Notices\n\nDEPARTMENT OF COMMERCE\n\n"
              "Bureau of Industry and Security\n\n[Docket No. 261124-0301]\n\nRIN 0694-XC142\n\n"
              "Notice of Request for Public Comments on Section 232 National Security Investigation of Imports of Magnets\n\n"
              "AGENCY: Bureau of Industry and Security, Commerce.\n\nSUMMARY: On November 20, 2026, the Secretary of Commerce "
              "initiated an investigation under section 232 of the Trade Expansion Act of 1962, as amended, to determine the "
              "effects on the national security of imports of magnets.\n\n(i) The current and projected demand for magnets;\n\n"
              "(ii) The extent to which domestic production can meet domestic demand;\n")
    article = _article(notice.encode(), "notice.txt")
    assert article.title.startswith("Notice of Request for Public Comments on Section 232")  # it had been "RIN 0694-XC142"
    said = [s.text for s in statements(article)]
    # "…, as amended, to determine" had been cut into two; a list's roman numerals are its items' marks, as its letters are.
    assert said[0].endswith("as amended, to determine the effects on the national security of imports of magnets.")
    assert said[1:] == ["The current and projected demand for magnets;", "The extent to which domestic production can meet domestic demand;"]


NOTICE = """Rare Earth Oxides for the National Defense Stockpile

Contract Opportunity

Notice ID: SP8000-27-R-0003
Department/Ind. Agency: DEPT OF DEFENSE
Sub-tier: DEFENSE LOGISTICS AGENCY
Office: DLA STRATEGIC MATERIALS

General Information
Contract Opportunity Type: Solicitation (Original)
Original Published Date: Dec 01, 2026 10:15 am EST
Original Response Date: Jan 15, 2027 03:00 pm EST

Description

DLA Strategic Materials intends to purchase up to 150 metric tons of NdPr oxide for the National Defense Stockpile.
"""


def test_a_contract_notice_is_published_by_the_agency_that_buys_and_dated_by_its_publication():
    """Before: published by "Department/Ind. Agency: DEPT OF DEFENSE" (its field's line), typed news, undated."""
    article = _article(NOTICE.encode(), "sam-notice.txt")
    assert (article.title, article.source, article.published) == (
        "Rare Earth Oxides for the National Defense Stockpile", "Defense Logistics Agency", datetime(2026, 12, 1, tzinfo=UTC))
    assert source_type(article) is SourceType.government
    assert [s.text for s in statements(article)] == [
        "DLA Strategic Materials intends to purchase up to 150 metric tons of NdPr oxide for the National Defense Stockpile."]
    untitled = NOTICE.split("\n", 2)[2]  # copied from under its title: named by its type and number
    assert _article(untitled.encode(), "notice.txt").title == "Solicitation SP8000-27-R-0003"
