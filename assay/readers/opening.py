"""What a file's opening lines say of it: who published it and when. A text export, a Word document,
a PDF or a page saved without metadata carries neither, and the folder it was saved in ("Downloads")
is no publisher.

When (`opening_date`): a dateline or date line in the first five lines ("Published 24 February
2026", "VANCOUVER, Feb. 3, 2026 (GLOBE NEWSWIRE)"), never a period's end or a date in a sentence.

Who (`publisher`), in order: the agency a wire or state-media dateline names ("SYDNEY, Feb 10 (Reuters) -", under a
release's deck too); the issuer a release distributor's dateline introduces ("… (GLOBE NEWSWIRE) -- Borealis Critical Metals Corp.
(TSXV: BCM)"), else the distributor; a masthead line ("Harbourline Securities | Equity Research |
17 February 2026", "Frontier Rivers Watch — Report summary", "Associated Press"); a staff byline
("By Global Times Staff Reporters", "By CGTN's Liu Fang") or one naming its outlet ("By Global Times", "By Zhong
Sheng (People's Daily)"); the issuer a release opens with
("Red Ochre Rare Earths Limited (“Red Ochre” or “the Company”) is pleased to…"). None of them: None,
and the caller falls back to the folder's name.

A masthead's name must read as an organisation's (a word such as Review, Securities, Institute,
Ministry, Daily), so that a subtitle, a section label or a person's title is not taken for one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assay.aliases import LEGAL_FORMS, names_an_actor, trade_names
from assay.statements import (
    BYLINE_WITH_OUTLET,
    DATELINE,
    DAY_DATE,
    MONTHS,
    PRICE_REPORTERS,
    dated_by,
    dateline_end,
    is_furniture_line,
)
from assay.transcripts import interviewer, turns
from assay.types import Fetched

# The agency or distributor a wire, state-media or release dateline names ("SYDNEY, Feb 10 (Reuters) -",
# "(Xinhua) --", "/PRNewswire/", "新华社北京2月10日电").
_DATELINE_AGENCIES = [
    (re.compile(r"\((?:Xinhua)\)|^新华社|新华社\S{0,12}电"), "Xinhua"),
    (re.compile(r"\(Reuters\)"), "Reuters"),
    (re.compile(r"\((?:AP|Associated Press)\)"), "AP"),
    (re.compile(r"\(AFP\)"), "AFP"),
    (re.compile(r"\(Bloomberg\)"), "Bloomberg"),
    (re.compile(r"\(Interfax\)|/Interfax/|^Интерфакс|[(/]Интерфакс[)/]"), "Interfax"),
    (re.compile(r"\(Kyodo\)"), "Kyodo"),
    # Asia's and Europe's national agencies, as their English services write them ("SEOUL, Nov. 26 (Yonhap) --")
    # ("ASTANA, December 3. /TASS/."): in brackets or between slashes
    # (in capitals too, as Antara's English service writes itself: "Jakarta (ANTARA) -")
    *((re.compile(rf"\({name}\)|/{name}/", re.IGNORECASE), name) for name in ("Yonhap", "Jiji", "Bernama", "TASS", "PTI", "Antara", "dpa", "ANSA", "EFE")),
    (re.compile(r"\(GLOBE NEWSWIRE\)", re.IGNORECASE), "GlobeNewswire"),
    (re.compile(r"\(BUSINESS WIRE\)", re.IGNORECASE), "Business Wire"),
    (re.compile(r"/PRNewswire/", re.IGNORECASE), "PR Newswire"),
    # Canada's juniors' distributors: "Vancouver, British Columbia--(Newsfile Corp. - December 1, 2026) - Aclara…",
    # "VANCOUVER, BC / ACCESSWIRE / December 1, 2026 / …", "TORONTO, Dec. 1, 2026 /CNW/ - …".
    (re.compile(r"\(Newsfile Corp\.", re.IGNORECASE), "Newsfile"),
    (re.compile(r"/\s*ACCESSWIRE\s*/", re.IGNORECASE), "ACCESSWIRE"),
    (re.compile(r"/CNW/"), "Canada Newswire"),
]
# Distributors carry a company's own release: the company is its publisher.
_DISTRIBUTORS = {"GlobeNewswire", "Business Wire", "PR Newswire", "Newsfile", "ACCESSWIRE", "Canada Newswire"}
# Wire services under their full names, as a masthead or byline line writes them.
_AGENCY_NAMES = {"associated press": "AP", "agence france-presse": "AFP", "agence france presse": "AFP"}
# The metals trade's price reporters and press, whose names hold no organisation's word ("Fastmarkets,
# November 27, 2026" over a price report was published by its folder), as they write them (`statements.PRICE_REPORTERS`).
_TRADE_OUTLETS = {name.lower(): name for name in PRICE_REPORTERS}

DATE_LINE = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
    rf"{DAY_DATE}"
    # and its time, as a terminal's export stamps a story: "2026-11-27 08:14:22.512 GMT"
    r"(?:,?\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AP]M)?(?:\s+(?:GMT|UTC|[A-Z]{2,4}T|[+-]\d{2}:?\d{2}))?)?"
    r"|^(?:published|posted|updated|date|release time)\b\s*:?",
    re.IGNORECASE,
)
# A byline that is only names ("By Melanie Burton and Ernest Scheyder"), never "By 2030, demand…".
NAMES_ONLY_BYLINE = re.compile(r"^(?:[Bb]y|BY|Par|Por|Von):?\s+[A-Z][\w.'’-]*(?:,?\s+(?:and|et|y|e|und)?\s*[A-Z][\w.'’-]*){0,6}$")  # French, Spanish, Portuguese, German too


def byline_names(byline: str) -> str | None:
    """The names of a byline a source gives apart ("By Melanie Burton" -> "Melanie Burton", AP's "By MARY
    SMITH" -> "Mary Smith"); else the byline as written ("Jane Doe, Commodities Correspondent"); None for none."""
    byline = byline.strip()
    if not byline:
        return None
    named = byline if byline[:3].lower() in ("by ", "by:") else f"By {byline}"
    if not NAMES_ONLY_BYLINE.match(named):
        return byline
    names = named[3:].strip()
    return title_case(names).replace(" And ", " and ") if names.isupper() else names

# Words an organisation's name holds and a person's, a place's or a section label's does not.
_ORGANISATION_WORDS = re.compile(
    r"\b(?:Press|News|Newswire|Daily|Times|Post|Journal|Herald|Gazette|Tribune|Ledger|Review|Weekly|Monthly|Magazine|"
    r"Report|Reporter|Observer|Chronicle|Telegraph|Insider|Watch|Monitor|Wire|Network|Media|Broadcasting|Television|Radio|"
    r"Securities|Capital|Markets|Bank|Partners|Associates|Advisory|Advisors|Consulting|Research|Analytics|Intelligence|"
    r"Institute|Institution|Foundation|Council|Centre|Center|Forum|Society|Association|Alliance|Coalition|Initiative|"
    r"University|Ministry|Department|Office|Agency|Commission|Bureau|Administration|Authority|Government|Parliament|Survey|"
    r"White House|Committee|Senate|Treasury|"
    r"Group|Limited|Ltd|Inc|Corp|Corporation|Company|plc|AG|SA|GmbH)\b\.?"
)
# A document's kind, not who publishes it: "Quarterly Activities Report", "Annual Report", and with the
# period it covers, as an ASX miner titles its quarterly ("September Quarter Activities Report" had
# published a lithium miner's report, its issuer's line "PLS Group Limited (ASX: PLS)" above it).
_DOCUMENT = re.compile(r"^(?:(?:quarterly|annual|half[- ]year(?:ly)?|interim|activities|sustainability|financial|investor|technical|"
                       r"research|market|progress|monthly|weekly|quarter|production|operations|operating|exploration|"
                       r"(?:jan|febr)uary|march|april|may|june|july|august|september|october|november|december)\s+)+(?:report|review|update)$", re.I)
_DOMAIN = re.compile(r"^[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*\.(?:com|net|org|news|io|co|info|gov|au|ca|uk|cn)$", re.IGNORECASE)
# A masthead's parts that are labels, not names: the piece's genre or section.
_LABEL = re.compile(
    r"^(?:opinion|commentary|comment|analysis|editorial|feature|column|news|exclusive|interview|insight|briefing|"
    r"(?:equity |market |sector )?research|market (?:note|brief|update|commentary)|report(?: summary)?|"
    r"(?:joint )?(?:press |media |news )?release|(?:asx |company )?announcement|for immediate release|immediate release|"
    # A media statement, and its Malay and Indonesian labels over it ("KENYATAAN MEDIA" over "MEDIA STATEMENT", Malaysia's way).
    r"(?:press |media )statement|kenyataan (?:media|akhbar)|siaran (?:pers|media|akhbar)|"
    r"written (?:questions?|answers?)(?:,? answers?)?(?: and statements)?|"  # a parliament's written questions, as its site heads them
    r"(?:(?:company|corporate|conference call|call) )?participants|"  # a transcript's list of who speaks
    # The London Stock Exchange's RNS numbers each announcement over it: "RNS Number : 4821T" (it had been the title).
    r"rns number\s*:\s*[A-Z0-9]{4,6})\b",
    re.IGNORECASE,
)
# "NYSE American: UUUU" and "TSX-V: UCU" too, as US and Canadian miners write their listings.
# Asia's exchanges too, with their numeric codes: "EcoPro BM Co., Ltd. (KOSDAQ: 247540)" (a release written here had been
# published by PR Newswire, its distributor).
EXCHANGES = (r"ASX|TSX(?:-?V)?|NYSE(?:\s(?:American|MKT|Arca))?|NASDAQ|Nasdaq|OTCQ[XB]|OTC|LSE|AIM|CSE|HKEX|SGX|JSE|FSE|"
             r"KOSDAQ|KOSPI|KRX|TYO|TSE|SSE|SZSE|NSE|BSE|TWSE|IDX|SET|Bursa|Tadawul|ADX|DFM|QSE|EGX")
# A joint listing writes its exchanges together: "Mkango Resources Ltd. (AIM/TSX-V: MKA)".
_TICKER = re.compile(rf"\b(?:{EXCHANGES})(?:\s*/\s*(?:{EXCHANGES}))*\s*:\s*[A-Z0-9.]{{1,6}}\b")
_SMALL_WORDS = {"of", "and", "the", "for", "in", "on", "de", "du", "des", "la", "le", "&", "at", "to"}
# Spanish, French and others' particles too: "Corporación Nacional del Cobre de Chile", "Sociedad Química y Minera".
_NAME = r"(?:The\s)?[A-Z][\w&.,'’\-]*(?:\s(?:[A-Z][\w&.,'’\-]*|of|and|&|the|for|de|del|la|y|du|des|da|do|von|van|der)){0,7}?"
# A release's issuer: its name, then its ticker, its defined short name ("“Red Ochre” or “the Company”")
# or ", a …" / "today announced" / "is pleased to"; a short name in brackets may come first: "Saudi Arabian
# Mining Company (Ma'aden) (Tadawul: 1211) today announced".
_ISSUER = re.compile(
    rf"(?P<name>{_NAME})(?:,)?\s(?:\((?:[“\"]|the\s+[“\"](?:Company|Group|Issuer)\b|{_TICKER.pattern})|\([A-Z][A-Za-z'’.\-]{{1,19}}\)\s+(?:today\b|\((?:{_TICKER.pattern})\))|(?:an?|the)\s|today\s|is pleased to\b|announced\b|announces\b)"
)
_RATING_AGENCY = re.compile(
    r"(?P<name>Fitch Ratings|Moody's Ratings|Moody's Investors Service|S&P Global Ratings|Morningstar DBRS|DBRS Morningstar"
    r"|Kroll Bond Rating Agency|Scope Ratings|Japan Credit Rating Agency)(?:\s*\([^)]{1,30}\))?\s+(?:has|have|today|said)\b")
_SAID_ISSUER = re.compile(rf"(?P<name>{_NAME}),?\s(?:said|says)\b")
_AFTER_DATELINE_DASH = re.compile(r"(?:--|—|–|\s-\s)\s*")
_STAFF_BYLINE = re.compile(r"^[Bb]y\s+(?P<name>.+?)(?:\s+[Ss]taff(?:\s+(?:[Rr]eporters?|[Ww]riters?))?|['’]s\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3})\s*$")
_RELEASE_CUE = re.compile(r"is pleased to (?:announce|present|report|provide)|\btoday announced\b|\bannounced today\b|\bannounces\b")


def dateline_agency(lines: list[str]) -> str | None:
    """The agency the first paragraph's dateline names, if it names one; a byline or a date line
    above it ("By Melanie Burton") is passed over, as wire copy puts one there, and so are a pasted
    page's "Updated 2 hours ago" and photo captions."""
    filled = [line.strip() for line in lines if line.strip()]
    deck = False
    for n, line in enumerate(filled):
        agency = _agency_in(line)
        passed_over = NAMES_ONLY_BYLINE.match(line[:120]) or DATE_LINE.fullmatch(line[:120]) or _UPDATED.match(line[:120]) or is_furniture_line(line)
        # A release's deck, or a headline too long to be read as its title, right above the dateline's
        # paragraph: one line that ends no sentence ("Round led by Halvard Capital…; funds to build … in Ohio").
        if (not agency and not passed_over and not deck and n + 1 < len(filled) and _agency_in(filled[n + 1])
                and not _ENDS_SENTENCE.search(line) and len(line.split()) <= _DECK_WORDS and not dateline_end(line)):
            deck = True
            continue
        if agency or not passed_over:
            return agency
    return None


def _agency_in(line: str) -> str | None:
    """The agency a dateline at the start of the line names: a known one anywhere in the dateline, else
    the outlet a dateline's brackets name ("SYDNEY (Fastmarkets) -", "LONDON, Nov 3 (Argus) -")."""
    known = next((name for pattern, name in _DATELINE_AGENCIES if pattern.search(line[:120])), None)
    if known or not (end := dateline_end(line)):
        return known
    if (found := DATELINE.match(line)) and (reporter := found["outlet"]):
        return _AGENCY_NAMES.get(reporter.lower(), reporter)  # a price reporter's "SMM, Dec 3: …"
    if found and found["agency"] and found["agency"][0] not in "(/":
        return found["agency"]  # named without brackets: Kyodo's "TOKYO, Dec. 4 Kyodo -"
    outlet = _DATELINE_OUTLET.search(line[:end])
    return outlet["name"] if outlet and not _ROLE_ONLY.match(outlet["name"]) else None


# An outlet's name in a dateline's brackets: a few capitalised words, never a ticker ("(ASX: LYC)") or a date,
# or its site's address ("JOHANNESBURG (miningweekly.com) –", a trade weekly's story written here).
_DATELINE_OUTLET = re.compile(r"\((?P<name>[A-Z][\w&.'’-]*(?:\s[A-Z][\w&.'’-]*){0,3}|[a-z][\w-]*(?:\.[a-z][\w-]*)*\.(?:com|net|org|news|co\.za|com\.au|co\.uk|ca|au))\)")
# A byline's role, not an outlet's name: "By Staff Reporter", "Our Correspondent", "Editorial Board".
_ROLE_ONLY = re.compile(
    r"^(?:(?:our|the|staff|special|senior|chief|editorial|own|reporters?|writers?|correspondents?|"
    r"editors?|board|desk|team)(?:\s+|$))+$", re.IGNORECASE)


_ENDS_SENTENCE = re.compile(r"[.!?。！？][\"”’)\]]*$")
_DECK_WORDS = 60


_UPDATED = re.compile(r"^(?:updated|published|posted)\b[^.!?]{0,40}$", re.I)


def _head(lines: list[str], limit: int = 8) -> tuple[list[str], str]:
    """The short lines above the body (masthead, byline, date, labels) and the body's first paragraph."""
    head: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if len(line) > 160 or (len(line) > 90 and line.endswith((".", "”", '"'))):
            return head, line
        head.append(line)
        if len(head) >= limit:
            break
    return head, ""


_STATE_BODY = re.compile(r"^(?:The\s+)?(?:Ministry|Department|Office|Commission|Bureau|Administration|Agency|State Council|General Office)\b")


def _organisation(text: str) -> str | None:
    """`text` when it reads as an organisation's name: a few capitalised words, one of them an
    organisation's word, or a web domain ("Mining.com"). A name in capitals, as a letterhead or a
    scanned notice's running header sets it, is given in title case."""
    stripped = text.strip(" .,:;|—–-")
    # "MOJAVE MAGNETICS CORP." keeps the full stop of its legal form's abbreviation.
    text = stripped + "." if text.rstrip().endswith(".") and stripped.split()[-1:] and stripped.split()[-1].lower() in _LEGAL_FORMS else stripped
    if _DOMAIN.match(text):
        return text
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 8 and all(c.isupper() for c in letters) and (cased := title_case(text)) != text:
        return _organisation(cased)
    words = text.split()
    # A state body's full name runs longer: "Ministry of Industry and Information Technology of the People's Republic of China".
    if not 1 <= len(words) <= (12 if _STATE_BODY.match(text) else 9) or _LABEL.match(text) or _ROLE_ONLY.match(text) or DATE_LINE.match(text) or _TICKER.search(text) or any(c.isdigit() for c in text):
        return None
    if known := _AGENCY_NAMES.get(text.lower()) or _TRADE_OUTLETS.get(text.lower()):
        return known
    if not all(w[0].isupper() or w.lower() in _SMALL_WORDS or not w[0].isalpha() for w in words):
        return None
    return text if _ORGANISATION_WORDS.search(text) and not _DOCUMENT.match(text) else None


# Each form as the first of its spellings writes it: "plc", not "PLC".
_LEGAL_FORMS = {form.lower(): form for form in reversed([*LEGAL_FORMS.split("|"), "Pty", "Co"])}


def title_case(text: str) -> str:
    """"MINISTRY OF COMMERCE OF THE PEOPLE'S REPUBLIC OF CHINA" as "Ministry of Commerce of the
    People's Republic of China"; a short word with no vowel ("USGS") or one with a full stop ("U.S.")
    stays as written."""
    words = text.split()
    cased = []
    for i, word in enumerate(words):
        if i and word.lower() in _SMALL_WORDS:
            cased.append(word.lower())
        elif (bare := word.rstrip(".,")).lower() in _LEGAL_FORMS:  # "CO.," as "Co.,"
            cased.append(_LEGAL_FORMS[bare.lower()] + word[len(bare):])
        elif "." in word or not re.search(r"[AEIOUY]", word):
            cased.append(word)
        else:  # each part of a hyphenated word: "HIGH-PERFORMANCE" as "High-Performance"
            cased.append("-".join(part[:1] + part[1:].lower() for part in word.split("-")))
    return " ".join(cased)


def is_site_name(text: str) -> bool:
    """A web site's name as its masthead writes it: "Mining.com", "MINING.COM"."""
    return bool(_DOMAIN.match(text.strip()))


# A month of a year, as an issue's date: "February 2026".
_MONTH_YEAR = r"[A-Z][a-z]{2,8}\.?\s+\d{4}"
# A date ending a line or a title after a separator, as a magazine prints its issue (", February 3,
# 2026", ", February 2026") and a report its date ("… Price Watch — 28 November 2026"); a date inside a
# headline's sentence is none.
# A date in brackets ends a title too: "MOFCOM Regular Press Conference (December 4, 2026)".
_TRAILING_DATE = re.compile(rf"(?:(?:\s[—–|·-]|,|:)\s+|\s\()(?P<date>{DAY_DATE}|{_MONTH_YEAR})\)?\s*$")
# A title's day after "For" or "on": the Pentagon's daily "Contracts For Nov. 24, 2026" (written here, thirty-fourth session, had
# been undated) and a ministry's "… Regular Press Conference on December 4, 2026"; in a sentence it is what happened that day.
_TITLE_DAY = re.compile(rf"\s(?i:for|on)\s+(?P<date>{DAY_DATE})\s*$")


# A byline that names its outlet, alone or after the writer: "By Global Times", "By Zhong Sheng (People's
# Daily) 08:56, March 09, 2026". Two of the outside set's commentaries were published by their folder.
_BYLINE_OUTLET = re.compile(
    r"^[Bb]y\s+(?:(?P<alone>[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*){0,4})\s*$"
    r"|[^()]{2,60}?\((?P<outlet>[A-Z][\w'’&.-]*(?:\s+[A-Z][\w'’&.-]*){0,4})\))"
)
_STATE_OUTLETS = frozenset({"xinhua", "global times", "china daily", "people's daily", "cgtn", "cctv"})


def _byline_outlet(line: str) -> str | None:
    found = _BYLINE_OUTLET.match(line)
    name = (found["alone"] or found["outlet"]) if found else None
    if name and (name.lower().replace("’", "'") in _STATE_OUTLETS | _BYLINE_OUTLETS or _organisation(name)):
        return _AGENCY_NAMES.get(name.lower(), name)
    return None


_MASTHEAD_PARTS = re.compile(r"\s+\|\s+|\s+[—–]\s+|\s+-\s+|\s{3,}")


# A Chinese portal's line under the headline names the paper the story is from: "Source: Baotou Daily  2026-11-28 09:15
# Font size: large medium small", as a browser translates "来源：包头日报" (a story written here had been published by
# "files"); and a page copied from Wikipedia says so under its title.
_SOURCE_LINE = re.compile(r"^(?:Source|来源)\s*[:：]\s*(?P<name>[^\W\d][\w&'’.-]*(?: [^\W\d][\w&'’.-]*){0,5})\s*(?P<day>(?:19|20)\d\d-\d\d-\d\d)?")
_ENCYCLOPEDIA = re.compile(r"^From Wikipedia, the free encyclopedia$", re.IGNORECASE)


def _masthead(head: list[str]) -> str | None:
    """The first organisation a short line above the body names, alone or among a masthead's parts
    ("Opinion | The Midland Ledger | February 2, 2026"); a byline's reporter is passed over."""
    for line in head:
        if _ENCYCLOPEDIA.match(line):
            return "Wikipedia"
        if (found := _SOURCE_LINE.match(line)) and (found["day"] or _organisation(found["name"])):
            return _AGENCY_NAMES.get(found["name"].lower(), found["name"])
        if posted := role_byline(line):
            return posted[1]
        # "Posted by Sarah Lindqvist, Nordic Metals Review, 4 December 2026" (a conference write-up written here had been published by its folder)
        if (dated := BYLINE_WITH_OUTLET.match(line)) and not _STATE_BODY.match(dated["outlet"]):
            return dated["outlet"]
        staff = _STAFF_BYLINE.match(line)
        if staff and "|" not in line:
            name = staff.group("name").strip()
            return _AGENCY_NAMES.get(name.lower(), name)
        if outlet := _byline_outlet(line):
            return outlet
        parts = _MASTHEAD_PARTS.split(line)  # a text export's header spaces its parts apart
        for part in parts:
            # A date line naming the desk or outlet behind it: "Published 27 November 2026 by Mineral Facts Desk".
            if (desk := dated_by(part)) and (_organisation(desk) or _NO_PERSON.search(desk)):
                return _AGENCY_NAMES.get(desk.lower(), desk)
            if NAMES_ONLY_BYLINE.match(part) or part.lower().startswith("by "):
                continue
            if name := _organisation(_TRAILING_DATE.sub("", part)):  # "Critical Materials Review, February 3, 2026"
                return name
    return None


# A short line between the byline and the day names the outlet ("By Tomás Ferreira" / "Mining Explained" / "1 December 2026"),
# and so does a name of one word over the day ("Stockhead" / "December 3, 2026"), where it is no section's label: texts written
# here (thirty-third session) had been published by their folder.
_ONE_WORD_OUTLET = re.compile(r"^[A-Z][\w.&'’-]{2,30}$")
_SECTION_LABELS = frozenset("opinion analysis explainer exclusive updated breaking commentary editorial news feature features markets "
                            "podcast video live interview review column letters letter insight comment brief briefing factbox".split())


def _outlet_over_day(head: list[str], text: str) -> str | None:
    """The outlet a short line over the day names, below a byline, in one word (`_ONE_WORD_OUTLET`), or one that the text
    has people work at ("said Clara Ng, senior campaigner at Global Witness": a campaign group's release written here)."""
    for above, line, below in zip(["", *head], head, head[1:]):
        if not DATE_LINE.match(below) or DATE_LINE.match(line) or line.lower().strip(" :") in _SECTION_LABELS or any(c.isdigit() for c in line):
            continue
        bylined = bool(NAMES_ONLY_BYLINE.match(above)) and not _STAFF_BYLINE.match(above)
        words = line.split()
        named = 1 <= len(words) <= 5 and all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)
        if _ONE_WORD_OUTLET.match(line) or (named and (bylined or re.search(rf"\b(?:at|with) {re.escape(line)}\b", text))):
            return line
    return None


# A byline that gives the writer's post at an outlet, Nikkei Asia's way: "KENJI SATO, Nikkei staff writer",
# "Jane Doe, Nikkei Asia correspondent". Before, the story had no writer and was published by its folder.
_ROLE_BYLINE = re.compile(r"^(?P<name>[A-Z][A-Za-z.'’-]+(?:\s+[A-Z][A-Za-z.'’-]+){1,3}),\s+(?P<outlet>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,3})\s+"
                          r"(?:(?:senior|chief|deputy|staff|contributing)\s+)?(?:staff\s+writers?|writers?|correspondents?|reporters?|editors?)$")


def role_byline(line: str) -> tuple[str, str] | None:
    """(writer, outlet) of a byline that gives the writer's post at the outlet (`_ROLE_BYLINE`); a name in capitals is title-cased."""
    found = _ROLE_BYLINE.match(line.strip())
    if found is None:
        return None
    name = found["name"]
    return (name.title() if name.isupper() else name), found["outlet"]


# An op-ed's byline gives its writer's post elsewhere: "By Maria Alvarez, senior fellow at the Lowy Institute" (written here,
# thirty-first session: the piece had no writer). The post's organisation is no publisher of the piece.
_POSTED_ELSEWHERE = re.compile(r"^(?:[Bb]y|BY):?\s+(?P<name>[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}),\s+(?:an?\s+|the\s+)?"
                               r"[a-z][a-z -]{2,50}?\s+(?:at|of|with|for)\s+(?:the\s+)?[A-Z][^,;]{1,80}$")

# A letter to the editor's writer and where they write from: "From Helen Okafor, London SW1, UK" (a letter written here).
_LETTER_FROM = re.compile(r"^From\s+(?P<name>[^,]{3,60}),\s+[A-Z][^.;:]{1,80}$")

# The outlets a byline names after its reporter ("By Jane Doe, Reuters"): the dateline agencies'.
_BYLINE_OUTLETS = {name.lower() for _, name in _DATELINE_AGENCIES} | set(_AGENCY_NAMES)


def byline_author(lines: list[str]) -> str | None:
    """The reporters a byline above the body names ("By Melanie Burton and Ernest Scheyder"), without
    the outlet it may add ("By Jane Doe, Reuters"); None for a staff byline, which names no person."""
    head, _ = _head(lines)
    for line in (line.strip(" *_") for line in head):  # set in italics or bold: "*By Helen Thorne | Opinion | November 30, 2026*"
        if posted := role_byline(line):
            return posted[0]
        if elsewhere := _POSTED_ELSEWHERE.match(line):
            return elsewhere["name"]
        if dated := BYLINE_WITH_OUTLET.match(line):
            return dated["name"]
        if (letter := _LETTER_FROM.match(line)) and _NAME_ALONE.match(letter["name"]) and not _organisation(letter["name"]) \
                and not names_an_actor(letter["name"]):
            return letter["name"]
        for part in re.split(r"\s+\|\s+|\s+[—–]\s+|\s{3,}", line):
            if not NAMES_ONLY_BYLINE.match(part) or _STAFF_BYLINE.match(part):
                continue
            names = [n.strip() for n in part.split(None, 1)[1].split(",")]
            while len(names) > 1 and (names[-1].lower() in _BYLINE_OUTLETS or _organisation(names[-1])):
                names.pop()
            author = ", ".join(names)
            return None if author.lower() in _BYLINE_OUTLETS or _organisation(author) or _NO_PERSON.search(author) else author
    # A name alone over the day, as a newsletter's post is pasted ("Marta Quintero" over "Dec 3, 2026"): a
    # person's, when no word of it is written in lower case in the text ("Prices Rise Again" over a day is a dek).
    text = " ".join(lines)
    for line, below in zip(head, head[1:]):
        if _NAME_ALONE.match(line) and ROLE_LINE.match(below) and not _organisation(line):  # "Nick Evans" over "Resources reporter"
            return line
        if (_NAME_ALONE.match(line) and DATE_LINE.match(below) and not _organisation(line) and not _NO_PERSON.search(line)
                and not names_an_actor(line) and not trade_names(line)  # "Benchmark Minerals", "Rio Tinto": organisations
                and not any(re.search(rf"\b{re.escape(word.lower())}\b", text) for word in line.split() if word[0].isupper())):
            return line
    return None


# A writer's post on a line of its own under their name, as a pasted page's byline sets it: "Nick Evans" over "Resources reporter".
ROLE_LINE = re.compile(r"^(?:[A-Z][\w&-]*\s+){0,3}(?:reporter|writer|editor|correspondent|columnist|journalist|contributor)$", re.I)
_NAME_WORD = r"[A-Z][a-zà-ÿ'’]+(?:-[A-Z]?[a-zà-ÿ]+)?"  # "Quintero", "O’Neill", "Jean-Luc"
_NAME_ALONE = re.compile(rf"^{_NAME_WORD}(?:\s+[A-Z]\.)?(?:\s+(?:(?:de|van|von|da|del|di|le)\s+)?{_NAME_WORD}){{1,2}}$")


_NO_PERSON = re.compile(r"\b(?:staff|editors?|editorial|newsroom|desk|team|correspondents?)\b", re.I)


def letterhead(line: str) -> str | None:
    """The organisation a line on its own names, as a letterhead or a masthead does; None for another line."""
    return _masthead([line])


# Business Wire's dateline, its date included when it has one: "SAN JOSE, Calif.--(BUSINESS WIRE)--Jan. 24, 2026--";
# Newsfile's, the date in its brackets: "Vancouver, British Columbia--(Newsfile Corp. - December 1, 2026) - "; ACCESSWIRE's
# between slashes: "VANCOUVER, BC / ACCESSWIRE / December 1, 2026 / ".
_DISTRIBUTOR_DATELINE = re.compile(
    r"^.{0,80}?(?:\(BUSINESS WIRE\)\s*(?:--|—|–)\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}\s*(?:--|—|–)\s*)?"
    r"|\(Newsfile Corp\.\s*[-–—]\s*[^()]{0,30}\)\s*(?:--|—|–|-)\s*|/\s*ACCESSWIRE\s*/\s*[^/]{0,30}/\s*)", re.IGNORECASE)


def release_issuer(text: str) -> str | None:
    """The organisation a release's first sentence opens with, after its dateline if it has one."""
    if wire := _DISTRIBUTOR_DATELINE.match(text):
        opening = text[wire.end():]
    elif end := dateline_end(text):
        opening = text[end:]
    else:
        dash = _AFTER_DATELINE_DASH.search(text[:160])
        opening = text[dash.end():] if dash else text
    # "This announcement is made by Jade River Magnet Technology Co., Ltd. (the “Company”…": an exchange announcement's opening.
    opening = re.sub(r"^(?:Today,?\s+|This (?:announcement|press release|release) is made by\s+)", "", opening)
    found = _ISSUER.match(opening)
    if not found and _agency_in(text) in _DISTRIBUTORS:
        # A distributor carries only its clients' releases, so one that opens "Serra Verde Mineração said on Wednesday"
        # is its issuer's too (a PR Newswire release written here); in a wire story the one who said is a source.
        found = _SAID_ISSUER.match(opening)
    if not found:
        return None
    name = re.sub(r"(?:\s+(?:and|of|for|the|&))+$", "", found.group("name").strip(" ,"))  # "The Ministry of Commerce and the …"
    name = re.sub(r"^The\s+(?=(?:U\.S\.|US|UK|Australian|European)?\s*(?:Department|Ministry|Office|Commission|Agency)\b)", "", name)
    return name if 1 <= len(name.split()) <= 8 else None


# A release's issuer on a line of its own with its ticker: "Kestrel Rare Earths Limited (ASX: KRE)".
_ISSUER_LINE = re.compile(rf"^(?P<name>{_NAME})\s*\((?:{_TICKER.pattern})\)$")


# A state body's name in Malay or Indonesian over its English one ("KEMENTERIAN PELABURAN, PERDAGANGAN DAN INDUSTRI"
# over "MINISTRY OF INVESTMENT, TRADE AND INDUSTRY"): it had been the title of a Malaysian ministry's statement.
_NATIVE_STATE_BODY = re.compile(r"^(?:kementerian|kementrian|jabatan|lembaga|badan)\b", re.IGNORECASE)


_PROVIDED_BY = re.compile(rf"^(?:news|content|release) (?:provided|distributed) by\s+(?P<name>{_NAME})\.?$", re.IGNORECASE)


def release_label(line: str) -> bool:
    """Whether a line is only a release's label ("ASX ANNOUNCEMENT", "MEDIA RELEASE"), its issuer
    and ticker ("Kestrel Rare Earths Limited (ASX: KRE)") or a state body's name in Malay or Indonesian
    over its English one: what a release prints above its title."""
    text = line.strip()
    label = _LABEL.match(text)
    return bool((label and not text[label.end() :].strip(" :|-—–")) or _ISSUER_LINE.match(text) or _NATIVE_STATE_BODY.match(text))


def publisher(lines: list[str]) -> tuple[str, str] | None:
    """The publisher the opening lines name, and where it was read ("dateline", "masthead",
    "release"); None when they name none."""
    agency = dateline_agency(lines)
    head, body = _head(lines)
    if agency and agency not in _DISTRIBUTORS:
        return agency, "dateline"
    if agency:  # a distributor's: the release's issuer opens the dateline's paragraph (a deck may stand above it)
        dated = next((line.strip() for line in lines if _agency_in(line.strip()) == agency), body)
        issuer = release_issuer(dated) if dated else None
        return (issuer, "release") if issuer else (agency, "dateline")
    if name := _masthead(head) or _outlet_over_day(head, "\n".join(lines)):
        return name, "masthead"
    # A distributor's page names whose release it carries: "News Provided By Aclara Resources Inc."
    if provided := next((found["name"] for line in head if (found := _PROVIDED_BY.match(line))), None):
        return provided, "release"
    # Alone on its line, or beside the day in bold: "**Kestrel Rare Earths Limited (ASX: KRE) — 27 November 2026**"
    # (a chairman's address to the AGM, written here).
    if issuer := next((found["name"] for line in head for part in _MASTHEAD_PARTS.split(line.strip(" *_"))
                       if (found := _ISSUER_LINE.match(part.strip(" *_")))), None):
        return issuer, "release"
    # A rating agency's action opens with the agency after its dateline ("Fitch Ratings - Sydney - 03 Dec 2026: Fitch
    # Ratings has affirmed…"): a rating action written here had been published by "files".
    if body and (rating := _RATING_AGENCY.match(body[dateline_end(body):])):
        return rating["name"], "release"
    release = any(_LABEL.match(line) or _TICKER.search(line) for line in head) or bool(_RELEASE_CUE.search(body[:300]))
    if release and body and (issuer := release_issuer(body)):
        return issuer, "release"
    return None


# --- what: a title from metadata ------------------------------------------------------------

_FILE_NAME = re.compile(r"\.(?:docx?|pdf|pptx?|xlsx?|rtf|odt|txt|indd|qxd|tex|html?|pages|key)\s*$", re.IGNORECASE)
_NOT_A_TITLE = re.compile(r"^(?:untitled.*|document\d*|title|slide \d+|presentation\d*|microsoft word.*|powerpoint presentation|\W*)$", re.IGNORECASE)
# A filing's exhibit label ("Exhibit 99.1", "EX-99.1", "ex991"): the filing's furniture, no title.
EXHIBIT_LABEL = re.compile(r"^(?:exhibit|ex)[\s.-]*\d+(?:[.-]?\d+)?$", re.IGNORECASE)


def meaningful_title(title: str | None, file_name: str = "") -> str | None:
    """A title from metadata (a PDF's /Title, a page's <title>) when it names the document: not "Untitled",
    "Document", a file name or an exhibit's label."""
    title = re.sub(r"\s+", " ", title or "").strip()
    if not title or _NOT_A_TITLE.match(title) or EXHIBIT_LABEL.match(title) or _FILE_NAME.search(title) or "\\" in title or title.count("/") > 1:
        return None
    if file_name and title.lower() == Path(file_name).stem.lower():
        return None
    return title if re.search(r"[A-Za-z]{3}", title) else None



# --- when: the date in the opening lines ---------------------------------------------------------

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATES = [
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|\.|er)?\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}\b", re.IGNORECASE),
    re.compile(rf"\b{_YEAR}-(?P<month>\d\d)-(?P<day>\d\d)\b"),
]
# What may come before a dateline's date on its line: "PERTH, Australia," or "Date:".
# Business Wire's dateline puts the date after its tag: "LAS VEGAS--(BUSINESS WIRE)--November 5, 2026--".
_DATELINE_PREFIX = re.compile(
    r"^(?:(?:date[d]?|issued|released?|published)\s*:?\s*|[A-Z][\w .'’()-]*,\s*(?:le\s+|el\s+|am\s+)?|[-–—|/]\s*|Federal Register\s*/\s*Vol\.\s*\d+,\s*No\.\s*\d+\s*/\s*"
    r"|[A-Z][\w .,'’]*(?:--|—|–)\s*\([A-Z][A-Za-z .]+\)\s*(?:--|—|–)\s*"
    r"|[A-Z][\w .'’]*(?:--|—|–)\s*\(Newsfile Corp\.\s*[-–—]\s*|[A-Z][\w .'’]*/\s*ACCESSWIRE\s*/\s*)*$",
    re.IGNORECASE,
)
# Before a date that is no document's: a period's ("the quarter ended 31 December"), when a question was put to a
# parliament ("tabled on 20 November 2026": it is published when it is answered).
_PERIOD = re.compile(r"\b(?:ended|ending|to|until|from|as at|period|quarter|year|between|tabled on|asked on)\s*$", re.IGNORECASE)
# A parliament's written answer, dated below its question: "Answered on 3 December 2026 by Baroness Cole".
_ANSWERED = re.compile(r"^answered on\b", re.IGNORECASE)
_DATELINE_LINES = 5  # a date further down is text, not the document's date


def date_in(line: str) -> tuple[datetime, re.Match[str]] | None:
    for pattern in _DATES:
        for match in pattern.finditer(line):
            month = match["month"]
            number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
            try:
                return datetime(int(match["year"]), number, int(match["day"]), tzinfo=UTC), match
            except ValueError:
                continue
    return None


def opening_date(texts: list[str]) -> tuple[datetime, int] | None:
    """The date of a dateline ("PERTH, Australia, March 3, 2026 --", "29 January 2026", "Published 24
    February 2026") in the first lines, and the line's index; a date further down, inside a sentence
    or ending a period ("the quarter ended 31 December 2025") is text, not the document's date; a written
    answer's day is the line that says when it was answered, below the question."""
    answered = next(((found[0], i) for i, text in enumerate(texts[:12]) if _ANSWERED.match(text.strip()) and (found := date_in(text))), None)
    if answered:
        return answered
    for index, text in enumerate(texts[:_DATELINE_LINES]):
        text = text.strip()
        found = date_in(text)
        if not found:
            continue
        date, match = found
        before = text[: match.start()]
        if _PERIOD.search(before):
            continue
        if len(text) <= 80 or _DATELINE_PREFIX.match(before) or dateline_end(text) >= match.end():
            return date, index
        # A label and its date end the line's first sentence: "*Weekly price review, 28 November 2026.
        # Prices are ex-works China.*" (a price report nobody here labelled was left undated).
        if match.end() <= 80 and re.match(r"[.*_]*(?:\s|$)", text[match.end() :]) and _TRAILING_DATE.search(text[: match.end()]):
            return date, index
        # A masthead's parts between bars, one of them the day, alone or labelled: "Fact sheet | Department of Industry,
        # Science and Resources | Updated 1 December 2026" (a government's fact sheet written here had been undated).
        for part in text.split(" | ")[1:]:
            part = part.strip()
            if len(part) <= 40 and (in_part := date_in(part)) and (not part[: in_part[1].start()].strip() or DATE_LINE.match(part)):
                return in_part[0], index
    return None


# A letterhead's address under its name: "Washington, DC 20436", "Canberra ACT 2600" (a US agency's determination written here).
POSTAL_LINE = re.compile(r"^[A-Z][\w.' -]{1,40},?\s+(?:[A-Z]{2,3}|D\.C\.)\s+\d{4,5}(?:-\d{4})?$")


# The day an order or a determination is signed, at its end: "Issued: December 2, 2026", "Dated this 2nd day…" is not
# read (no date pattern), "Done at Brussels, 11 April 2024".
_CLOSING_DATE = re.compile(r"^(?:issued|dated|signed|adopted|done at [A-Z][\w -]{1,30})\s*(?:on\b|:|,)?\s*", re.IGNORECASE)


def closing_date(texts: list[str]) -> tuple[datetime, int] | None:
    """The day a closing line in the last lines gives ("Issued: December 2, 2026"), and the line's index."""
    filled = [i for i, text in enumerate(texts) if text.strip()][-8:]
    for index in reversed(filled):
        text = texts[index].strip()
        if len(text) <= 60 and (lead := _CLOSING_DATE.match(text)) and (found := date_in(text)) and found[1].start() <= lead.end() + 12:
            return found[0], index
    return None


# A date line that gives only the month ("November 2026", "Published: Nov. 2026"), as outlooks, fact
# sheets and monthly reports are dated: the whole line, so "in November 2026 the plant…" is text.
_MONTH_LINE = re.compile(rf"^[*_]*(?:(?:published|posted|updated|date|issued|released)\b\s*:?\s*)?{_MONTH}\s+{_YEAR}[*_.]*$", re.IGNORECASE)


def month_line_date(texts: list[str]) -> tuple[datetime, int] | None:
    """The first day of the month a date line in the first lines gives alone, or a masthead's last part
    ("Center for Strategic Minerals Policy | Policy Brief No. 14 | November 2026": a think tank's brief
    written here had been undated), and the line's index."""
    for index, text in enumerate(texts[:_DATELINE_LINES]):
        parts = re.split(r"\s+\|\s+", text.strip())
        if found := _MONTH_LINE.match(text.strip()) or (len(parts) > 1 and _MONTH_LINE.match(parts[-1])):
            return datetime(int(found["year"]), MONTHS[found["month"].lower().rstrip(".")], 1, tzinfo=UTC), index
    return None


# "新华社北京2月10日电（记者 王某）": agency, place and date, then the reporter.
CJK_DATELINE = re.compile(r"^[^\s，。]{0,16}?(?P<month>\d{1,2})月(?P<day>\d{1,2})日(?:电|讯)\s*(?:[（(][^）)\n]{0,30}[）)])?\s*")
# "Dec 1", and the day first as European wires write it ("SANTIAGO, 4 dic (Reuters) -", "PARIS, 4 déc. (Reuters) -").
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})\b|\b(?P<day_first>\d{{1,2}})\.?\s+(?:de\s+)?{_MONTH.replace('<month>', '<month_after>')}", re.IGNORECASE)
_DATELINE_AHEAD = timedelta(days=2)  # a dateline may run ahead of the file's clock by a time zone or two


def yearless_dateline(texts: list[str], fetched: Fetched) -> tuple[datetime, str] | None:
    """The day of a wire dateline in the first lines that gives the day and not the year ("SYDNEY,
    Dec 1 (Reuters) -", "新华社北京12月2日电"), in the year that puts it on or before the file's or
    page's last change, as a reader of the wire takes it, and the note that says so; None without a
    clock to read the year from, and for a day no calendar has ("Feb 30")."""
    if fetched.modified is None:
        return None
    for text in texts[:_DATELINE_LINES]:
        line = text.strip()
        found = CJK_DATELINE.match(line) or _MONTH_DAY.search(line[:dateline_end(line)])
        if not found:
            continue
        groups = found.groupdict()
        month, day_of_month = groups.get("month") or groups["month_after"], groups.get("day") or groups["day_first"]
        number = int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]
        for year in (fetched.modified.year, fetched.modified.year - 1):
            try:
                day = datetime(year, number, int(day_of_month), tzinfo=UTC)
            except ValueError:
                return None
            if day <= fetched.modified + _DATELINE_AHEAD:
                changed = "the page was fetched or last changed" if fetched.url else "the file was last changed"
                return day, (f"dated from the dateline {line[:40]!r}, which gives no year: {year}, the year that puts it on "
                             f"or before {fetched.modified:%Y-%m-%d}, when {changed}")
    return None


def title_date(title: str) -> datetime | None:
    """The day a title ends with after a separator ("Asian Rare Earth Price Watch — 28 November 2026");
    None for any other title, and for a month alone."""
    found = _TRAILING_DATE.search(title.strip()) or _TITLE_DAY.search(title.strip())
    dated = date_in(found["date"]) if found else None
    return dated[0] if dated else None


# A call transcript's title names the company holding the call: "MP Materials Corp. (MP) Q3 2026
# Earnings Call Transcript", "Lynas Rare Earths Ltd FY2026 Results Briefing".
_CALL_TITLE = re.compile(
    r"^(?P<name>[A-Z][\w&.,'’-]*(?:\s+(?:[A-Z][\w&.,'’-]*|&|of|and|de)){0,6}?)\s+(?:\([A-Z0-9.:]{1,12}\)\s+)?"
    r"(?i:(?:Q[1-4]|H[12]|FY\s?\d{2,4}|\d{4}|first|second|third|fourth|full[- ]year|half[- ]year|annual|quarterly)\b"
    r".{0,40}\b(?:earnings|results|investor)\b.{0,20}\b(?:call|conference|webcast|day|briefing)\b)"
)


# A hearing's title opens with the committee that held it: "Senate Armed Services Committee, Subcommittee
# on Readiness", "Senate Economics Legislation Committee — Estimates", "House Select Committee on the CCP".
_HEARING_TITLE = re.compile(r"^(?P<name>(?:[A-Z][\w&'’-]*\s+){1,6}(?:Committee|Subcommittee|Commission)(?:\s+on(?:\s+(?:the\s+)?[A-Z][\w&'’-]*)+)?)(?=$|[,:;]|\s+[—–-]\s)")


# A press conference's title names the ministry whose spokesperson holds it: "Foreign Ministry Spokesperson Lin
# Jian's Regular Press Conference on December 4, 2026", "Ministry of Commerce Spokesperson He Yadong's Remarks…".
_BRIEFING_TITLE = re.compile(
    r"^(?P<name>(?:[A-Z][\w'’-]*\s+){0,4}(?:Ministry|Department|Office|Commission|Council|Bureau|Administration)"
    r"(?:\s+of(?:\s+(?:the\s+)?[A-Z][\w'’-]*)+)?|MOFCOM|MOFA|MIIT)\s+(?:Spokes(?:person|man|woman)\b|(?:Regular\s+)?Press Conference\b)")


def call_holder(title: str) -> str | None:
    """The company a call transcript's title says held the call, the committee a hearing's title names,
    or the ministry whose spokesperson holds a press conference."""
    found = _CALL_TITLE.match(title.strip()) or _HEARING_TITLE.match(title.strip()) or _BRIEFING_TITLE.match(title.strip())
    return found["name"].strip(" ,-") if found else None


# Folders people save anything in: their name says nothing of who published what is in them. Nor does one named for
# what it holds or where it is in a workflow ("in", "articles", "to read"): eight texts written here, in a folder "in",
# had each been published by "in" (thirty-first session).
_GENERIC_FOLDERS = {"downloads", "download", "desktop", "documents", "my documents", "tmp", "temp", "home", "inbox", "files", "new folder", "pasted",
                    "in", "input", "inputs", "incoming", "new", "articles", "news", "stories", "texts", "text", "docs", "pdfs", "clippings",
                    "clips", "to read", "toread", "reading", "misc", "scratch", "saved", "attachments", "uploads", "batch"}


# Their numbered copies name no publisher either: "in2", "articles 3", "New folder (2)", "downloads-1" (a second batch written here).
_NUMBERED = re.compile(r"[\s_-]*(?:\(\d+\)|\d+)$")


# A periodical's issue as its title names it after the publication: "The Magnet Ledger — Week 48".
_ISSUE_PART = re.compile(rf"^(?:(?:Week|Issue|No\.|Vol\.?|Volume|Edition|Number)\s*#?\d+|{DAY_DATE}|{_MONTH_YEAR})$")


# A show's episode as its title names it: "Critical Metals Weekly, Episode 112: The Antimony Shock", "The Magnet Hour Ep. 7 — …".
_EPISODE = re.compile(r"^(?P<show>[A-Z][^,:|—–]{2,60}?)\s*(?:[,:|—–-]\s*)?(?:Episode|Ep\.?)\s*#?\d+\b")


# Briefings whose title names no one, as their publisher titles each of them: the State Department's
# "Department Press Briefing – December 3, 2026" (a briefing written here had been published by "Department Press Briefing").
_TITLED_BRIEFINGS = {"department press briefing": "U.S. Department of State"}


# A legislative act of the European Union, as the Official Journal titles it: "REGULATION (EU) 2024/1252 OF THE
# EUROPEAN PARLIAMENT AND OF THE COUNCIL", "Commission Implementing Regulation (EU) 2025/112".
_EU_ACT = re.compile(r"^(?:COMMISSION\s+|COUNCIL\s+)?(?:(?:IMPLEMENTING|DELEGATED)\s+)?(?:REGULATION|DIRECTIVE|DECISION)\s*\((?:EU|EC|EEC|Euratom)\)",
                     re.IGNORECASE)


def title_publication(title: str) -> str | None:
    """The publication a title names with one of its issues or episodes ("The Magnet Ledger — Week 48",
    "Critical Materials Review: February 2026", "Critical Metals Weekly, Episode 112: …"), or the Union whose act it
    is ("REGULATION (EU) 2024/1252 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL"); None for a headline."""
    if _EU_ACT.match(title.strip()):
        return "European Union"
    episode = _EPISODE.match(title.strip())
    if episode and all(w[0].isupper() or w in _SMALL_WORDS for w in episode["show"].split()):
        return episode["show"]
    parts = re.split(r"\s+[—–|-]\s+|:\s+", title.strip())
    if len(parts) == 2 and _ISSUE_PART.match(parts[1].strip()):
        return _TITLED_BRIEFINGS.get(parts[0].strip().lower()) or _organisation(parts[0])
    return None


def file_publisher(
    lines: list[str], path: Path, notes: list[str], hint: str = "; front matter's `source:` can", sender: str | None = None,
    title: str | None = None, masthead: Sequence[str] = (), site: str | None = None, title_site: str | None = None,
) -> str:
    """A local file's publisher: the one its opening lines name, else the `sender` of the message
    that carried it, else the company a call transcript's `title` names, else the outlet that asks an
    interview's questions, else the `site` of the address it was copied from (front matter's `url:`),
    else the `title_site` a saved page's title names after its headline ("… | Kestrel Metals Notes"),
    else its folder's name (a folder per publisher is how people file articles), else "files"; `notes`
    says which. `masthead`:
    lines a reader took out of the text that may name the publisher (a PDF's running header and
    footer, a pasted page's site), read before the opening lines unless those open with a wire
    dateline, which names the story's publisher ("SYDNEY, Oct 28 (Reuters) -" under a print header)."""
    found = publisher(lines if dateline_agency(lines) else [*masthead, *lines])
    if found:
        name, where = found
        notes.append(f"source taken from the {where}: {name}")
        return name
    if title and (publication := title_publication(title)):
        notes.append(f"source taken from the title: {publication}")
        return publication
    if sender:
        notes.append(f"source: the sender, {sender}")
        return sender
    text = "\n".join(lines).replace("**", "")  # the turns as the body will read them: Markdown's "**Lacaze:**" is "Lacaze:"
    if title and turns(text) and (holder := call_holder(title)):  # a transcript, not a headline about a call
        notes.append(f"source: who held the call, the hearing or the press conference, as the title names it: {holder}")
        return holder
    if asking := interviewer(text):
        notes.append(f"source: the outlet that asks the interview's questions, {asking}")
        return asking
    if site:
        notes.append(f"source: the site of the address it was copied from, {site}")
        return site
    if title_site:
        notes.append(f"source: the site's name after the headline in the page's title, {title_site!r}")
        return title_site
    folder = path.parent.name
    # A .zip's name is the service's that made it ("Files (100).zip"), a mail's its subject's (an
    # attachment's "folder") and an SEC submission's its accession number: none is a folder the user named.
    if folder and _NUMBERED.sub("", folder.lower()) not in _GENERIC_FOLDERS and not folder.lower().endswith((".zip", ".eml", ".msg", ".txt")) and path.parent.resolve() != Path.home():
        notes.append(f"source: the folder's name, {folder!r} (the opening names no publisher)")
        return folder
    notes.append(f"source: \"files\" (neither the opening nor the folder names a publisher{hint})")
    return "files"
