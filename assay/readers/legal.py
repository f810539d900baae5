"""The head of a bill as Congress prints it, of a filing in a US court and of a federal contract notice.

A bill (congress.gov's and GovInfo's text): "119TH CONGRESS", "2D SESSION", "H. R. 9412", its
official title ("To prohibit …"), "IN THE HOUSE OF REPRESENTATIVES", the day it was introduced, who
introduced it, "A BILL", the official title again and the enacting clause ("Be it enacted by the
Senate and House of Representatives…"). Read as any text (a bill on rare-earth magnets, written
here), "119TH CONGRESS" had been the title, the folder the publisher, and the official title two
statements. Here the head is taken out but for who introduced it; the chamber publishes it; its
short title ("may be cited as the …") and number title it.

A filing (a complaint, a motion, an opinion): the court ("UNITED STATES DISTRICT COURT", "DISTRICT OF
DELAWARE"), the parties ("…, Plaintiffs, v. …, Defendant."), the case number, "JURY TRIAL DEMANDED",
the document's name in capitals, and at its end the signature block ("/s/ …", the firm, its address,
"Attorneys for Plaintiffs"). Read as any text (a patent complaint on magnets, written here), the court's
line had been the title, the defendant the publisher, the parties' line and the lawyer's name statements.
Here the caption and signature are taken out; the parties and the document's name title it; the party
that files it publishes it (its allegations are its claims), or the court, for its opinion or order.

A contract notice as SAM.gov shows it (the Defense Logistics Agency buying NdPr oxide for the stockpile,
written here): its title, then fields ("Notice ID: …", "Department/Ind. Agency: DEPT OF DEFENSE",
"Sub-tier: DEFENSE LOGISTICS AGENCY", "Original Published Date: Dec 01, 2026 10:15 am EST"). Read as any
text, the department's field had been the publisher and the notice undated. Here the fields are taken
out, the buying agency publishes it and the day it was published dates it.
"""

from __future__ import annotations

import re

from assay.readers.announcements import Announcement
from assay.readers.opening import date_in, title_case

_HEAD_LINES = 24

# --- a bill -----------------------------------------------------------------------------------------

_CONGRESS = re.compile(r"^\d{1,3}(?:ST|ND|RD|TH)\s+CONGRESS$", re.IGNORECASE)
_SESSION = re.compile(r"^\d(?:ST|ND|RD|TH|D)\s+SESSION$", re.IGNORECASE)
_BILL_NUMBER = re.compile(r"^(?P<number>(?:H\.\s?R\.|S\.|H\.\s?(?:J\.\s?|CON\.\s?)?RES\.|S\.\s?(?:J\.\s?|CON\.\s?)?RES\.)\s*\d{1,5})$",
                          re.IGNORECASE)
_CHAMBER = re.compile(r"^IN THE (?P<chamber>HOUSE OF REPRESENTATIVES|SENATE OF THE UNITED STATES)$", re.IGNORECASE)
_MEASURE = re.compile(r"^(?:A BILL|AN ACT|JOINT RESOLUTION|CONCURRENT RESOLUTION|RESOLUTION)$")
_ENACTING = re.compile(r"^(?:Be it enacted by\b|Resolved by\b|Resolved,)")
_SHORT_TITLE = re.compile(r"may be cited as the [\"“](?P<title>[^\"”]{4,120})[\"”]")
_SPONSOR = re.compile(r"^(?:Mr\.|Ms\.|Mrs\.)\s+(?P<name>[A-Z][A-Z'’-]+)\s.*\bintroduced\b")


def _bill(lines: list[str], filled: list[int]) -> Announcement | None:
    opening = filled[:4]
    if not any(_CONGRESS.match(lines[i].strip()) for i in opening):
        return None
    number_at = next((i for i in opening if _BILL_NUMBER.match(lines[i].strip())), None)
    if number_at is None:
        return None
    number = " ".join(lines[number_at].split())
    dropped = {i for i in opening if i <= number_at}
    official = chamber = published = sponsor = None
    head = filled[filled.index(number_at) + 1 : _HEAD_LINES]
    n = 0
    while n < len(head):
        i, text = head[n], lines[head[n]].strip()
        n += 1
        if _ENACTING.match(text):
            dropped.add(i)
            break
        if text.startswith("To "):  # the official title, printed twice; a PDF wraps it onto lines in lower case
            while n < len(head) and not text.endswith(".") and lines[head[n]].strip()[:1].islower():
                text = f"{text} {lines[head[n]].strip()}"
                dropped.add(head[n])
                n += 1
            official = official or text
        if found := _CHAMBER.match(text):
            chamber = found["chamber"]
        elif published is None and (day := date_in(text)) is not None and len(text) <= 40:
            published = day[0]
        elif sponsor_line := _SPONSOR.match(text):
            sponsor = title_case(sponsor_line["name"])
            continue  # who introduced it and where it was sent: a fact about the bill, kept
        elif not (text == official or _MEASURE.match(text)):
            continue
        dropped.add(i)
    short = next((found["title"] for line in lines if (found := _SHORT_TITLE.search(line))), None)
    title = f"{short} ({number})" if short else f"{number}: {official}" if official else number
    issuer = ("U.S. Senate" if (chamber or "").upper().startswith("SENATE") or number.upper().startswith("S.")
              else "U.S. House of Representatives")
    notes = [f"read as a bill: its number, session, official title and enacting clause left out; published by the {issuer}"]
    if published:
        notes.append(f"dated by the day it was introduced, {published.date().isoformat()}")
    member = "Sen." if issuer == "U.S. Senate" else "Rep."
    return Announcement(title, issuer, published, dropped, notes, author=f"{member} {sponsor}" if sponsor else None)


# --- a court filing ---------------------------------------------------------------------------------

_COURT = re.compile(r"^(?:IN THE\s+)?(?P<court>(?:UNITED STATES|U\.S\.)\s+(?:DISTRICT|BANKRUPTCY)\s+COURT|UNITED STATES COURT OF [A-Z ]+"
                    r"|SUPREME COURT OF [A-Z ]+|[A-Z ]+ (?:SUPERIOR|CIRCUIT|DISTRICT) COURT)\b", re.IGNORECASE)
_DISTRICT = re.compile(r"^(?:FOR THE\s+)?(?:[A-Z]+ )?DISTRICT OF [A-Z ]+$", re.IGNORECASE)
_ROLE = re.compile(r"^(?P<role>Plaintiffs?|Defendants?|Petitioners?|Respondents?|Appellants?|Appellees?)[,.]?$", re.IGNORECASE)
_VERSUS = re.compile(r"^(?:v\.?|vs\.?)$", re.IGNORECASE)
_CASE_NUMBER = re.compile(r"^(?:C\.\s?A\.|Civil Action|Case|Docket)\s+No\.", re.IGNORECASE)
_CAPTION_NOTE = re.compile(r"^(?:JURY TRIAL DEMANDED|DEMAND FOR JURY TRIAL|REDACTED\b.*|PUBLIC VERSION|FILED UNDER SEAL)$", re.IGNORECASE)
_DOCUMENT = re.compile(r"^(?:[A-Z'’,]+\s+){0,3}(?:COMPLAINT|ANSWER|MOTION|MEMORANDUM|OPINION|ORDER|JUDGMENT|BRIEF|PETITION)\b[^a-z]*$")
_COURT_SPEAKS = re.compile(r"^(?:MEMORANDUM\s+)?(?:OPINION|ORDER|JUDGMENT)\b")
_DEFINED_PARTY = re.compile(r"\((?:together|collectively),?\s+(?:the\s+)?[\"“](?P<name>[^\"”]{2,40})[\"”]\)")
_SIGNATURE = re.compile(r"^/s/\s")
_COUNSEL_FOR = re.compile(r"^(?:Attorneys?|Counsel) for (?P<role>Plaintiffs?|Defendants?|Petitioners?|Respondents?)\b", re.IGNORECASE)


def _parties(names: list[str]) -> list[str]:
    """The parties a caption names on one side: "HITACHI METALS AMERICA, LTD., and PROTERIAL, LTD.," →
    ["Hitachi Metals America, Ltd.", "Proterial, Ltd."]."""
    parties = re.split(r",?\s+and\s+|;\s*", " ".join(names), flags=re.IGNORECASE)
    return [title_case(party.strip(" ,")) for party in parties if party.strip(" ,")] or ["unnamed party"]


def _filing(lines: list[str], filled: list[int]) -> Announcement | None:
    court_at = next((i for i in filled[:3] if _COURT.match(lines[i].strip())), None)
    if court_at is None:
        return None
    court = title_case(_COURT.match(lines[court_at].strip())["court"])  # type: ignore[index]  # matched just above
    dropped = {court_at}
    sides: dict[str, list[str]] = {}
    names: list[str] = []
    document_at = None
    for i in filled[filled.index(court_at) + 1 : _HEAD_LINES]:
        text = lines[i].strip()
        if _DISTRICT.match(text) and not sides and not names:
            court = f"{court} for the {title_case(text.removeprefix('FOR THE ').strip())}"
        elif role := _ROLE.match(text):
            sides.setdefault(role["role"].lower().rstrip("s"), names)
            names = []
        elif _VERSUS.match(text) or _CASE_NUMBER.match(text) or _CAPTION_NOTE.match(text):
            pass
        elif _DOCUMENT.match(text) and sides:
            document_at = i
            dropped.add(i)
            break
        else:
            names.append(text)
        dropped.add(i)
    if document_at is None or len(sides) < 2:
        return None
    first, second = (_parties(names)[0] for names in sides.values())
    document = lines[document_at].strip()
    title = f"{first} v. {second}: {title_case(document)}"
    # Who files it: the court, for its own opinion or order; else the side its counsel signs for, the
    # plaintiffs for a complaint. Its allegations are that party's claims.
    signed = next((found["role"].lower().rstrip("s") for line in lines if (found := _COUNSEL_FOR.match(line.strip()))), None)
    side = signed or ("plaintiff" if document.startswith("COMPLAINT") else next(iter(sides)))
    # The side's party its text names them by ("(together, "Proterial")"), in its legal name: "Proterial, Ltd.".
    filers = _parties(sides.get(side, []))
    defined = _DEFINED_PARTY.search(" ".join(lines))
    issuer = court if _COURT_SPEAKS.match(document) else next(
        (party for party in filers if defined and party.lower().startswith(defined["name"].lower())), filers[0])
    published = None
    signature = next((i for i in range(len(lines)) if _SIGNATURE.match(lines[i].strip())), None)
    if signature is not None and len(lines) - signature <= 15:
        dropped.update(range(signature, len(lines)))
    for i in range(len(lines) - 1, max(document_at, len(lines) - 20), -1):
        if lines[i].strip().lower().startswith(("dated:", "date:", "dated ")) and (day := date_in(lines[i])) is not None:
            published = day[0]
            dropped.add(i)
            break
    notes = [f"read as a court filing: its caption and signature left out; published by {issuer}, which files it"]
    if published:
        notes.append(f"dated by the day it was signed, {published.date().isoformat()}")
    return Announcement(title, issuer, published, dropped, notes)


# --- a contract notice ------------------------------------------------------------------------------

_NOTICE_FIELD = re.compile(r"^(?P<key>Notice ID|Related Notice|Department/Ind\.? Agency|Sub-tier|Office|Contract Opportunity Type"
                           r"|(?:Original |Updated )?Published Date|(?:Original |Updated )?Response Date|(?:Original )?Inactive Date"
                           r"|Inactive Policy|Product Service Code|NAICS Code|Place of Performance|(?:Original )?Set Aside)\s*:\s*(?P<value>.*)$",
                           re.IGNORECASE)
_NOTICE_LABEL = re.compile(r"^(?:Contract Opportunity|General Information|Classification|Active|Inactive|Archived)$", re.IGNORECASE)


def _contract_notice(lines: list[str], filled: list[int]) -> Announcement | None:
    fields = {i: found for i in filled[:30] if (found := _NOTICE_FIELD.match(lines[i].strip()))}
    values = {found["key"].lower().replace(".", ""): found["value"].strip() for found in fields.values()}
    if "notice id" not in values or not values.keys() & {"department/ind agency", "sub-tier", "office"}:
        return None
    dropped = set(fields) | {i for i in filled[:30] if _NOTICE_LABEL.match(lines[i].strip())}
    title_at = next((i for i in filled if i not in dropped), None)
    title = None
    if title_at is not None and title_at < min(fields):
        title = lines[title_at].strip()
        dropped.add(title_at)
    kind = re.sub(r"\s*\(.*\)$", "", values.get("contract opportunity type", "")) or "Contract notice"
    title = title or f"{kind} {values['notice id']}"
    agency = values.get("sub-tier") or values.get("department/ind agency") or ""
    issuer = title_case(agency.title()) if agency else None
    day = next((date_in(values[key]) for key in ("original published date", "published date", "updated published date") if key in values), None)
    notes = [f"read as a contract notice: its fields left out; published by {issuer}, the agency that buys"]
    if day:
        notes.append(f"dated by the day it was published, {day[0].date().isoformat()}")
    return Announcement(title, issuer, day[0] if day else None, dropped, notes)


def legal_head(lines: list[str]) -> Announcement | None:
    """The head of a bill, a court filing or a contract notice that `lines` hold; None for any other text."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return _bill(lines, filled) or _filing(lines, filled) or _contract_notice(lines, filled)
