"""Check each statement against the rest of the corpus: who else says it, and do the numbers agree.

For a statement, the nearest chunks of *other* articles (cosine similarity of MiniLM vectors) that
also write most of what is particular to it are its evidence: the share of its terms' weight (idf,
from the keyword index) that a chunk holds. Similarity alone reads a topic: a quota notice and a
story of a company's late plant are both "about heavy rare earths", and the first "corroborated"
the second. With numbers in the statement, a piece of evidence that repeats one of them
corroborates it and a close one with only other numbers in the same unit conflicts with it; without
numbers, a close one that names the statement's company or project corroborates it. Agreement counts
only from someone other than the statement's claimant: the company's own release, or another article
reporting what the company said, is the same source again (`CrossCheck.claimant_only`), and a figure
a text only cites as the claimant's ("the 1,480 tonnes the company reported") agrees with nothing. A
near duplicate in another article is a repeat of the same claim, linked with the earliest date it was
seen. The thresholds were chosen on the `dev` split's gold statuses (below).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

import numpy as np

from assay.aliases import AliasBook, legal_names, normalise, trade_names
from assay.analysis import (
    CURRENCY,
    MASS_UNITS,
    NUMBER,
    NUMBER_PATTERN,
    UNIT_DIMENSIONS,
    YEAR,
    comma_decimals,
    plain_number,
    point_decimals,
)
from assay.attribution import speaker_words
from assay.embeddings import MiniLMEmbeddings
from assay.statements import DAY_DATE, MONTH, Statement, dateline_end, text_sentences
from assay.types import Article, ChunkSearch, CrossCheck, EntityType, EvidenceChunk, StoredChunk, TermWeights

# A figure and what it is a figure of, as far as its unit says: two numbers conflict only when they
# measure in the same unit (tonnes against tonnes, a share against a share, money against money),
# never a production figure against a price, nor a year against a year ("a 2026 white paper"
# conflicted with a chunk's other numbers on dev; an interview's "4.2 tonnes of dysprosium oxide"
# with a brief's "US$820 per kilogram").
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|bln|mn|mln|tn|trn|m|k|crores?|lakhs?)\b)?"
_FIGURE_UNIT = re.compile(
    rf"(?P<currency>{CURRENCY})?(?P<number>{NUMBER_PATTERN})" + _SCALE +
    r"[\s-]?(?P<unit>%|per ?cent\b|percent\b|metric\s+(?:tons?|tonnes?)\b|kilo[\s-]tonnes?\b|kilo[\s-]tons?\b|[A-Za-z/$€]+)?"
)
# One measure per dimension, so that "1,250 kg" and "1.25 tonnes", "6 ktpa" and "6,000 tpa", "$410
# million" and "US$410m" are one figure. A wire's "1.25 tonnes" conflicted with the price report that
# cited the release's "1,250 kg" beside China's 2,000 tonnes (texts written here). Money is in its
# currency: "A$250 million" does not contradict the "US$170 million" it converts to.
_SCALES = {"thousand": 1_000, "k": 1_000, "million": 1_000_000, "mn": 1_000_000, "m": 1_000_000,
           "billion": 1_000_000_000, "bn": 1_000_000_000, "trillion": 1_000_000_000_000,
           "mln": 1_000_000, "bln": 1_000_000_000, "tn": 1_000_000_000_000, "trn": 1_000_000_000_000,  # Interfax's "RUB 5 bln"
           "crore": 10_000_000, "crores": 10_000_000, "lakh": 100_000, "lakhs": 100_000}  # PTI's "Rs 1,200 crore", "2.5 lakh tonnes"
_TONNES = [(re.compile(pattern), factor) for pattern, factor in MASS_UNITS]  # a mass unit as written, in lower case
_CURRENCIES = [  # the currency a sign or word writes; "$" alone is the US dollar
    (re.compile(r"a\$|au\$|aud|australian"), "AUD"), (re.compile(r"c\$|ca\$|cad|canadian"), "CAD"),
    (re.compile(r"nz\$|nzd"), "NZD"), (re.compile(r"hk\$|hkd"), "HKD"), (re.compile(r"s\$|sgd"), "SGD"),
    (re.compile(r"us\$|\$|usd|dollars?"), "USD"), (re.compile(r"rmb|cny|yuan"), "CNY"), (re.compile(r"yen|jpy"), "JPY"),
    (re.compile(r"₹|inr|rs\.?|rupees?"), "INR"), (re.compile(r"€|eur|euros?"), "EUR"), (re.compile(r"£|gbp|pounds?"), "GBP"), (re.compile(r"₩|krw|won"), "KRW"),
]


# The words that make a figure a bound or a round figure: "more than 2,000 tonnes" is no contradiction
# of 2,400 tonnes, "up to 6,000 tpa" none of 4,200, "about 1,500" none of 1,480. A price report's "China's
# annual output of more than 2,000 tonnes" was read as exactly 2,000 (texts written here).
_AT_LEAST = re.compile(r"\b(?:more than|over|above|at least|exceeding|in excess of|upwards of|north of|no less than)\s+$", re.I)
_AT_MOST = re.compile(r"\b(?:up to|less than|under|below|at most|no more than|fewer than|as much as|as many as|as high as|a maximum of)\s+$", re.I)
_ROUGHLY = re.compile(r"(?:\b(?:about|around|roughly|nearly|almost|some|approximately|an estimated|close to|circa|c\.)\s+|~\s?)$", re.I)


@dataclass(frozen=True)
class Quantity:
    """A number as written (`number`, as `agreeing_figures` writes it), the dimension its unit measures,
    and its value in that dimension's one unit where the unit converts (tonnes; a currency's units), else
    the number; `bound` says whether the text gives it as a lower or upper bound ("min", "max"), a
    round figure ("about") or exactly ("")."""

    number: str
    dimension: str
    value: str
    bound: str = ""
    base: str = ""  # a share's whole, by its first word: "world" for "90% of the world's supply", "europe" for "30% of Europe's demand"

    def span(self) -> tuple[Decimal, Decimal]:
        """The values the text allows: one value, a half-line for a bound, and for a round figure those
        that round to it at the precision it is written in, within 5% ("about 1,500": 1,450 to 1,550; "about 60%": 57 to 63)."""
        value = Decimal(self.value)
        if self.bound == "min":
            return value, Decimal("Infinity")
        if self.bound == "max":
            return Decimal(0), value
        if self.bound == "about":
            written = Decimal(self.number)
            exponent = written.as_tuple().exponent
            step = Decimal(1).scaleb(exponent if isinstance(exponent, int) and exponent < 0 else len(self.number) - len(self.number.rstrip("0")))
            # at most 5% either way: "about 2,000" is 1,900 to 2,100, not 1,500 to 2,500; in the value's unit ("about 1.5 million")
            half = min(step / 2, abs(written) / 20) * (value / written if written else 1)
            return value - half, value + half
        return value, value

    def allows(self, other: Quantity) -> bool:
        """Whether the two figures may be the same amount: the values each text allows overlap (`span`; a
        round figure's upper end is not its own, it rounds up). Exact figures must be equal, and so must two bounds
        that bound the same way; "about 60%" and "~65%" differ."""
        if self.bound == other.bound and self.bound in ("min", "max"):
            return self.value == other.value  # two ceilings of one plant ("up to 17,500" and "up to 5,000 tonnes a year") differ
        (low, high), (other_low, other_high) = self.span(), other.span()
        below = low < other_high if other.bound == "about" else low <= other_high
        above = other_low < high if self.bound == "about" else other_low <= high
        return below and above


def quantities(text: str) -> list[Quantity]:
    """The numbers of a text with a unit (`UNIT_DIMENSIONS`: "mass", "share", "money", "power"…, or else
    the word after them; a percentage that changes is a "change"), without years and numbers no unit follows."""
    found = []
    for match in _FIGURE_UNIT.finditer(text):
        number = plain_number(match["number"])
        unit = (match["unit"] or "").rstrip(".")
        lower = unit.lower()
        scale = Decimal(_SCALES[match["scale"].lower()]) if match["scale"] else Decimal(1)
        factor: Decimal | None = None
        if match["currency"] or (lower and UNIT_DIMENSIONS["money"][0].fullmatch(lower)):
            sign = (match["currency"] or lower).strip().lower()
            dimension = "money:" + next((code for pattern, code in _CURRENCIES if pattern.fullmatch(sign)), sign)
            factor = Decimal(1)
        elif unit == "Mt" or (factor := next((f for pattern, f in _TONNES if pattern.fullmatch(lower)), None)) is not None:
            dimension, factor = "mass", factor if unit != "Mt" else Decimal(1_000_000)  # "Mt": million tonnes, "mt": metric tons
        else:
            dimension = next((name for name, (pattern, _) in UNIT_DIMENSIONS.items() if lower and pattern.fullmatch(lower)), lower.rstrip("s"))
        if not dimension or (YEAR.match(number) and dimension.split(":")[0] not in UNIT_DIMENSIONS):
            continue
        if dimension == "share" and (_CHANGE_BEFORE.search(text, 0, match.start()) or _CHANGE_AFTER.match(text, match.end())):
            dimension = "change"  # "up 22% from the previous quarter" is no share "90 percent of the world's output" measures
        value = number if factor is None else format((Decimal(number) * scale * factor).normalize(), "f")
        before = text[max(0, match.start() - 40):match.start()]
        bound = "min" if _AT_LEAST.search(before) else "max" if _AT_MOST.search(before) else "about" if _ROUGHLY.search(before) else ""
        whole = _SHARE_OF.match(text, match.end()) if dimension == "share" else None
        base = _SAME_WHOLE.get(word := whole["word"].lower(), word) if whole else ""
        found.append(Quantity(number, dimension, value, bound, base))
    return found


# A share's whole, by the first word after "of": "less than 1% of the world's rare earths" and "30% of Europe's demand" measure
# shares of different things (a letter and a factbox written here had been read as contradicting each other).
_SHARE_OF = re.compile(r"\s*of\s+(?:the\s+)?(?P<word>[A-Za-z][\w-]*?)(?:['’]s?)?\b")
_SAME_WHOLE = {"global": "world", "worldwide": "world", "world": "world", "total": "world"}


# A percentage that measures a change, not a share: "up 22%", "rose by about 5%", "12% from", "18 percent year-on-year".
_CHANGE_BEFORE = re.compile(r"\b(?:up|down|rose|fell|rise|fall|rising|falling|increased?|decreased?|gained?|lost|jumped|climbed|dropped|"
                            r"declined|grew|slipped|surged|plunged|by)\s+(?:(?:about|around|nearly|almost|some|more than|over)\s+)?\W?$", re.I)
_CHANGE_AFTER = re.compile(r"\s*(?:from\b|year[- ]on[- ]year|y/y|yoy\b|on the year|higher\b|lower\b|increase|rise\b|drop\b|decline|gain|jump)", re.I)


# What numbers a date or a period holds ("September 30, 2026", "Q3", "H1", a dateline's "Dec. 1"): no figure either
# text gives. Xinhua's "BAOTOU, Dec. 1" agreed with "less than 1 per cent" (texts written here).
# A month only as a name, capitalised: "may 10" is a verb's.
_DATED = re.compile(rf"{DAY_DATE}|\b[QH][1-4]\b|\b(?=[A-Z]){MONTH}\s+\d{{1,2}}\b(?![\d,.]\d)|\b\d{{1,2}}\s+(?=[A-Z]){MONTH}")


def _as_figures(text: str) -> list[str]:
    """A chunk's sentences, their numbers written plainly where the chunk writes decimal commas (its style read once): a
    German company's "1.000 tonnes" had been one tonne, against another story's "1,000 tonnes" (a release written here)."""
    sentences = [s.text for s in text_sentences(text)] or [text]
    return [point_decimals(s) for s in sentences] if comma_decimals(text) else sentences


def _point_style(text: str) -> str:
    """The text with its numbers written plainly where it writes decimal commas, as `_as_figures` writes a chunk's sentences."""
    return point_decimals(text) if comma_decimals(text) else text


def agreeing_figures(text: str, cited: frozenset[str] = frozenset()) -> set[str]:
    """The numbers by which another text agrees with this one: not a date's, a quarter's or a year's, nor
    those in `cited` (figures the text only cites as another's word); with each figure's converted value
    ("mass=1.25" for "1,250 kg"), so that a figure written in another unit agrees. MP's "today announced
    results for the third quarter ended September 30, 2026" was corroborated by another company's
    release of the same day, which wrote the same date (a text nobody here labelled)."""
    written = [n.rstrip(",.") for n in NUMBER.findall(_DATED.sub(" ", text))]
    numbers = {plain_number(n) for n in written if not YEAR.match(n)} - cited  # "2026" a year, "2,026" tonnes
    converted = {f"{q.dimension}={q.value}" for q in quantities(text) if q.number in numbers and q.dimension.startswith(("mass", "money:"))}
    return numbers | converted


# Rare earths as a group, "earth" in lower case ("rare earth exports", "Rare-earth output"); "China Northern Rare
# Earth" and "rare earth magnets" are longer names the alias file matches first.
_RARE_EARTHS = re.compile(r"\b[Rr]are[- ]earths?\b")
_RARE_EARTHS_GROUP = "rare earths (the group)"


def other_measures(statement: str, other: str, shared: set[str]) -> set[str]:
    """The shared numbers that measure different things in the two texts: each text gives the number a unit
    of a known dimension (mass, money, a share or a change, power…; not any word after it: "17 metallic
    elements" and "17 rare earths" count alike), and no dimension is the same. A commerce ministry's reporter's
    "exports in November rose 12 percent" agreed with a rule's "imports of unwrought gallium fell to 12 tonnes"
    (texts written here)."""
    def measured(text: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for quantity in quantities(text):
            if quantity.dimension.split(":")[0] in UNIT_DIMENSIONS or quantity.dimension == "change":
                found.setdefault(quantity.number, set()).add(quantity.dimension.split(":")[0])
        return found

    if not shared:  # most sentences share no number: nothing to measure
        return set()
    own, theirs = measured(statement), measured(other)
    return {n for n in shared if own.get(n) and theirs.get(n) and not own[n] & theirs[n]}


def figures_conflict(statement: str, other: str, *, ignore: frozenset[str] = frozenset(), ignore_own: frozenset[str] = frozenset()) -> bool:
    """Whether another text gives a different figure in a dimension the statement measures in, and none it
    allows (`Quantity.allows`: a bound or a round figure allows more than one); the numbers in `ignore` (the
    other's) and `ignore_own` (the statement's) are another's word that the text only cites (`claimed_figures`)."""
    own = [q for q in quantities(statement) if q.number not in ignore_own]
    theirs = [q for q in quantities(other) if q.number not in ignore]
    dimensions = {q.dimension for q in own} & {q.dimension for q in theirs}
    for dimension in dimensions:
        # Two shares of different wholes measure different things (`Quantity.base`); one whose whole is unsaid may be either.
        pairs = [(a, b) for a in own if a.dimension == dimension for b in theirs if b.dimension == dimension
                 and not (a.base and b.base and a.base != b.base)]
        if pairs and not any(a.allows(b) for a, b in pairs):
            return True
    return False


# A figure a text cites as someone's word rather than gives as its own: "below the 1,480 tonnes the company
# reported", "the 1,500 tonnes Lynas says it will make", "short of the company's guidance of 1,500 tonnes",
# "its target of 5,000 tonnes". An analyst's note that cites a company's figure beside its own estimate
# corroborated the figure it disputed (texts written here).
# The words before a figure that round or bound it: "the company's figure of roughly 70%" cites it as much as "of 70%".
_ROUND_WORDS = r"(?:about|around|roughly|some|nearly|almost|approximately|more than|over|at least|up to|close to)"
_FIGURE = r"(?P<figure>\d(?:[\d,]*\d)?(?:\.\d+)?)"  # never with a clause's comma: "in 2025, the ministry said"
_WHO = r"(?P<who>the (?:company|firm|miner|group|producer|government|ministry)|it|they|[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})"
_CLAIMED_FIGURE = [
    re.compile(_FIGURE + r"(?:\s+[\w%$-]+){0,4}?\s+(?:that\s+)?" + _WHO +
               r"\s+(?:had\s+|has\s+)?(?:reported|reports|said|says|claimed|claims|announced|disclosed|forecast|projected|"
               r"targeted|targets|promised|touted|expects|expected|guided)\b"),
    re.compile(r"(?P<who>the (?:company|firm|miner|group|producer|government|ministry)|its|their|[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})"
               r"(?:['’]s?)?\s+(?:own\s+)?(?:reported|claimed|announced|stated|official\s+)?\s*(?:guidance|target|forecast|estimate|"
               r"figure|claim|projection)s?\s+(?:of|at|for)\s+(?:" + _ROUND_WORDS + r"\s+)?" + _FIGURE),
    # "Energy Fuels' announcement that it produced 1,250 kg …" (a price report written here)
    re.compile(r"(?P<who>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4}|the company|the firm|the ministry)['’]s?\s+(?:announcement|statement|"
               r"claim|report|disclosure|release|news)\s+that\s+(?:it|they|the company)\s+(?:had\s+|has\s+|would\s+|will\s+)?\w+"
               r"(?:\s+" + _ROUND_WORDS + r")?\s+" + _FIGURE),
]


# A figure a party's possessive owns: "China's annual output of more than 2,000 tonnes", "Japan's imports of 1,730 tonnes".
_OWNED_FIGURE = re.compile(r"(?P<who>[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,3})['’]s?\s+(?:[a-z-]+\s+){0,4}?(?:of\s+)?"
                           r"(?:(?:about|around|roughly|nearly|almost|some|more than|over|at least|less than|under|just)\s+)?" + _FIGURE)


def claimed_figures(text: str) -> list[tuple[str, str]]:
    """The figures a text cites as someone's word (`_CLAIMED_FIGURE`), as (number, who) with the number
    written as `agreeing_figures` writes it."""
    return [(found["figure"].replace(",", ""), re.sub(r"['’]s?$", "", found["who"]))
            for pattern in _CLAIMED_FIGURE for found in pattern.finditer(text)]


# The years a sentence names ("in 2024", "2025's output"), and the words that tie a figure to one day
# ("on Monday", "overnight"): a price or a share move of another day is no contradiction.
_YEAR_NAMED = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?![\d,.]\d)")
_DAY_NAMED = re.compile(r"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|\b(?:today|yesterday|overnight|intraday|this week|last week)\b", re.I)
# The day a figure was told, not the day it measures: "today announced", "said on Tuesday" (a release's
# 1,480 tonnes "today announced" met no figure of another week).
_SAID_ON = re.compile(r"\b(?:today|yesterday)\s+(?:announced|reported|said|released|published|confirmed|unveiled|disclosed)\b|"
                      r"\b(?:announced|reported|said|says|released|published|confirmed|unveiled|disclosed|told \w+)\s+(?:on\s+)?"
                      r"(?:today|yesterday|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)\b", re.I)
SAME_DAY = 2  # days apart that two articles' "on Monday" may still mean the same day


def same_period(statement: str, published: str | None, other: str, other_published: str | None) -> bool:
    """Whether two figures can be of the same time: the years each names, or else its article's year,
    overlap; and a figure tied to a day ("NdPr was assessed at … on Monday") meets only one from an
    article of the same days. MP's "1,294 tonnes in 2024" conflicted with Lynas' "2,010 tonnes in the
    quarter to September"; a Monday price with the last Friday's (texts nobody here labelled). Unknown
    dates never rule a conflict out."""
    own, theirs = set(_YEAR_NAMED.findall(statement)), set(_YEAR_NAMED.findall(other))
    own = own or ({published[:4]} if published else set())
    theirs = theirs or ({other_published[:4]} if other_published else set())
    if own and theirs and not own & theirs:
        return False
    if (_DAY_NAMED.search(_SAID_ON.sub(" ", statement)) or _DAY_NAMED.search(_SAID_ON.sub(" ", other))) and published and other_published:
        return abs(_moment(published) - _moment(other_published)).days <= SAME_DAY
    return True


def _moment(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# Chosen on dev's gold statuses (`python -m assay.evals.tune_crosscheck`, 65 facts and claims): status
# accuracy 0.77 and corroboration precision / recall 0.87 / 0.52, against 0.68 and 0.69 / 0.36 by
# similarity alone (0.60, 0.60, 4 chunks); evals/README.md has the grid and the test figures. SHARED
# re-chosen (0.30 -> 0.25) when term weights became Lucene's idf (store/keywords.py `_smoothed_idf`):
# dev accuracy 0.800, corroboration precision / recall 0.81 / 0.68 (0.30: 0.769, 0.87 / 0.52).
RELATED = 0.45  # a chunk this similar, and sharing SHARED of the statement's term weight, is evidence about it
CLOSE = 0.50  # close enough that differing numbers are a conflict, and agreeing words a corroboration
SHARED = 0.25
REPEAT = 0.85  # another article says nearly the same thing (no gold for repeats: first setting)
TOP_K = 8


def shared_weight(own: dict[str, float], other: dict[str, float]) -> float:
    """The share of a text's term weight (`own`, term → idf) whose terms the other text holds too."""
    total = sum(own.values())
    return sum(w for term, w in own.items() if term in other) / total if total else 0.0


def _closest(own: dict[str, float], sentences: list[tuple[str, dict[str, float]]]) -> str:
    """The sentence holding most of the statement's term weight: where another figure of the same unit
    contradicts it. Anywhere in the chunk, a wire's "shares fell 6.2%" contradicted a price report's
    "rose 12%" about the same oxide."""
    return max(sentences, key=lambda sentence: shared_weight(own, sentence[1]))[0]


def _in_common(names: frozenset[str], others: frozenset[str]) -> bool:
    """Whether two sets of name keys share a party: one name's words in another's are one company
    ("Tuesday Mojave Magnetics Corp" is Mojave Magnetics)."""
    return any(set(a.split()) <= set(b.split()) or set(b.split()) <= set(a.split()) for a in names for b in others)


# A party's own plan or promise ("Solikamsk Magnesium Works has promised to lift output to 2,500 tonnes",
# "Lynas plans to", "MP aims to"): only the party knows it, so a text that restates it repeats the party's
# word. Not an attribution rule: the labellers give such a sentence to the author's voice.
_COMMITS_TO = re.compile(r"(?P<who>[A-Z][\w&.'’-]*(?:\s+[A-Z][\w&.'’-]*){0,4})(?:\s*\([^)]{1,20}\))?\s+(?:has\s+|had\s+|have\s+|is\s+|was\s+)?"
                         r"(?:promised|pledged|vowed|plans|planned|planning|aims|aimed|aiming|intends|intended|committed|"
                         r"targets|targeted|targeting|hopes|hoped)\s+to\b")
# A sentence's subject named first: "Rainbow Rare Earths' pilot produced …", "Lynas shipped …".
_SUBJECT = re.compile(r"^(?:The\s+)?(?P<name>[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’-]*|\([A-Z][\w&.'’-]*\)))*)(?:['’]s?)?\s+[a-z(]")
# A speaker named by what it is, not by name: "The company", "it", "officials".
_UNNAMED_SPEAKER = re.compile(r"^(?:the|this|that|it|its|their|he|she|they|we|company|officials?|management)\b", re.I)
_CAPITALISED = re.compile(r"\b[A-Z]")
# A sentence that speaks of a claim as a claim: it repeats the claim, whoever it says made it.
_CITES_A_CLAIM = re.compile(r"\b(?:claims?|assertions?|promises?|boasts?|pledges?)\s+that\b", re.I)
# Where a speaker's words go on to describe it: "company developing a rare earths project in South Africa".
_MODIFIER = re.compile(r"\s(?:developing|building|running|operating|that|which|who|with|in|at|from|based|behind)\b")
# A speaker a wire's lede names by what it is, the name held back: "A British company developing a rare earths project …".
_COMPANY_NOUNS = r"company|firm|miner|group|producer|refiner|developer"  # what a company is called when its name is not
_INDEFINITE_SPEAKER = re.compile(rf"^an?\s+(?:[A-Z][\w-]*\s+|[a-z-]+\s+){{0,3}}(?:{_COMPANY_NOUNS})\b", re.I)
_UNNAMED_KINDS = [
    (re.compile(rf"\b(?:{_COMPANY_NOUNS}|management)\b", re.I), (EntityType.company, EntityType.project)),
    (re.compile(r"\b(?:government|ministry|officials?|department|agency|authorities)\b", re.I), (EntityType.government, EntityType.country)),
]
_PARTIES = (EntityType.company, EntityType.project, EntityType.government, EntityType.country)
_OPENING = 400  # characters of an article's body whose companies say whom "the company" means


class CorpusCrossCheck:
    def __init__(
        self, store: ChunkSearch, embedder: MiniLMEmbeddings, terms: TermWeights, *, related: float = RELATED, close: float = CLOSE,
        shared: float = SHARED, repeat: float = REPEAT, k: int = TOP_K,
    ) -> None:
        self.store, self.embedder, self.terms = store, embedder, terms
        self.aliases = AliasBook.load()  # the shipped spellings, as the kind decider's: the analysis key does not move with a user's file
        # A statement's names are read once for all its chunks, and a chunk's once for all the statements near it.
        self._parties = functools.lru_cache(maxsize=4096)(self._parties_in)
        self._speakers = functools.lru_cache(maxsize=4096)(self._speakers_in)
        self._materials = functools.lru_cache(maxsize=4096)(self._materials_in)
        self.related, self.close, self.shared, self.repeat, self.k = related, close, shared, repeat, k

    @property
    def name(self) -> str:
        """Its thresholds and conflict rule: part of every analysis's cache key, so changing one re-analyses."""
        return (f"crosscheck(related={self.related:g},close={self.close:g},shared={self.shared:g},repeat={self.repeat:g},"
                f"k={self.k},conflicts=units-in-closest-sentence-same-period-same-material,subjects=known-and-legal-names,agree=figures-not-dates,"
                f"agree-independently=not-the-claimant,cited-figures=not-own,told-day=not-measured,changes-not-shares,wordy-agree=names-its-subject,idf=smoothed,units=converted,another-partys-figure=no-conflict,bounds=ranges,speakers=trade-names,plans=the-party's-word,conflicts=same-party,subject=claimant,cited-party=claimant,unnamed=passage-without-modifiers,speaker=after-dateline,cited-claim=its-word,days-not-figures,kilo-tonnes,same-number-other-measure=no-agreement,rare-earths=a-material,shares=of-one-whole,rupees-crores-lakhs,decimal-commas,sign-space-amount)")

    def __call__(self, article: Article, found: Sequence[Statement], vectors: np.ndarray | None = None) -> list[CrossCheck]:
        if not found or self.store.count() == 0:
            return [CrossCheck(status="no_other_source") for _ in found]
        vectors = self.embedder.forward([s.text for s in found]) if vectors is None else vectors
        hits = self.store.nearest(vectors, self.k, exclude_article=article.id)
        chunks = {c.chunk_id: c.text for near in hits for c in near}
        sentences = {chunk_id: _as_figures(text) for chunk_id, text in chunks.items()}
        # One look-up of the corpus's term counts for the statements, their chunks and the chunks' sentences.
        texts = [*(s.text for s in found), *chunks.values(), *(t for chunk in sentences.values() for t in chunk)]
        weights = iter(self.terms.term_weights(texts))
        own_terms = [next(weights) for _ in found]
        chunk_terms = {chunk_id: next(weights) for chunk_id in chunks}
        sentence_terms = {chunk_id: [(text, next(weights)) for text in chunk] for chunk_id, chunk in sentences.items()}
        if comma_decimals(article.body):  # its figures as `_as_figures` writes them: its statements' text is read for nothing else here
            found = [replace(statement, text=point_decimals(statement.text)) for statement in found]
        return [
            self._judge(article, statement, near, own, chunk_terms, sentence_terms)
            for statement, near, own in zip(found, hits, own_terms, strict=True)
        ]

    def _about_others(self, article: Article, statement: Statement, chunk: StoredChunk) -> bool:
        """Whether the chunk's article is about other companies or projects than the statement: both
        name some that the alias file knows, none in common. Iluka's refinery "designed to produce up
        to 17,500 tonnes a year" conflicted with Lynas' plant's 5,000 tonnes (texts nobody here labelled).
        Another company's words neither corroborate nor contradict: on dev's and test's gold statuses
        this changed none (their evidence names the same companies, or none the file knows)."""
        own, theirs = self._named(f"{article.title}\n{statement.text}"), self._named(f"{chunk.title}\n{chunk.text}")
        return bool(own) and bool(theirs) and not _in_common(own, theirs)

    def _others_figures(self, sentence: str, other: str, claimants: frozenset[str]) -> frozenset[str]:
        """The figures a sentence gives as a party's that the other text (or `claimants`) does not name
        ("China's annual output of more than 2,000 tonnes"): no contradiction of the other's figures, either
        way. A price report's "Energy Fuels' 1,250 kg … small compared with China's annual output of more than
        2,000 tonnes" contradicted a wire's 1.25 tonnes, and an op-ed's 1,250 kg (texts written here)."""
        owners = [(found["figure"].replace(",", ""), found["who"]) for found in _OWNED_FIGURE.finditer(sentence)]
        if not owners:
            return frozenset()
        named = self._parties(other) | claimants
        return frozenset(figure for figure, who in owners if (parties := self._parties(who)) and not _in_common(parties, named))

    def _names_its_subject(self, article: Article, statement: Statement, chunk: StoredChunk) -> bool:
        """Whether the chunk names a company or project the statement names, when it names one: words
        alone agree on a topic, not on who. "Lynas Rare Earths is the world's only significant producer
        of separated rare earths outside China" was corroborated by a story of another plant that said
        China produced 90 percent of them (texts written here)."""
        own = self._named(statement.text)
        return not own or _in_common(own, self._named(f"{chunk.title}\n{chunk.text}"))

    def _own_word(self, claimants: frozenset[str], chunk: StoredChunk, sentences: Sequence[str]) -> bool:
        """Whether the chunk agrees with the statement only by repeating its claimant: the chunk's publisher
        is a party the statement or its release's issuer names, or the sentences that agree with it report
        that party's words or a claim as a claim. A wire's "Lynas said … 1,480 tonnes" was "corroborated" by Lynas's own release,
        and the release by the wire (texts written here): one source, not two. `claimants`: `_claimants`."""
        if not claimants:
            return False
        if _in_common(claimants, self._speakers(chunk.source)):
            return True
        # "the headline claim that Phalaborwa will be the lowest-cost source …" cites the claim, to doubt it: an analyst's
        # page "corroborated" the release it questions (texts written here)
        return any(_CITES_A_CLAIM.search(sentence) or _in_common(claimants, self._said_by(sentence, chunk.title, chunk.text))
                   for sentence in sentences)

    def _named(self, text: str) -> frozenset[str]:
        """The companies and projects a text names (`_parties_in`): what it is about."""
        return self._parties(text, (EntityType.company, EntityType.project))

    def _claimants_figures(self, claimants: frozenset[str], chunk: StoredChunk, sentence: str) -> frozenset[str]:
        """The figures a sentence of the chunk cites as the statement's claimant's word ("the 1,480 tonnes
        the company reported", with the company the sentence or its title names)."""
        if not claimants:
            return frozenset()
        figures = set()
        for figure, who in claimed_figures(sentence):
            if _in_common(claimants, self._speakers(who) or self._unnamed(who, sentence, chunk.title, chunk.text)):
                figures.add(figure)
        return frozenset(figures)

    def _claimants(self, article: Article, statement: Statement) -> frozenset[str]:
        """Whose word a statement is, as name keys: the parties its reporting verb names ("Lynas said") or whose
        plan it tells, else, for "the company said", the ones it names, its title or its article's opening does;
        the parties whose figures it cites; and always its publisher's (a release's issuer). A statement none of
        these attributes is its subject company's when it opens with one ("Rainbow Rare Earths' pilot produced …"),
        else nobody's (a news story's own voice)."""
        said = self._said_by(statement.text, article.title, article.body[:_OPENING]) | self._speakers(article.source)
        # The party whose figure it cites ("the 1,900 tonnes a year the company targets would make Phalaborwa one of the
        # three largest"): it rests on that party's word, so the party's release is no independent source (written here).
        for _, who in claimed_figures(statement.text):
            said |= self._speakers(who) or self._unnamed(who, statement.text, article.title, article.body[:_OPENING])
        if said:
            return said
        # A company's own deed in the author's voice ("Rainbow Rare Earths' pilot produced 2,100 kg"): the company is
        # its one source, so a story that reports its word repeats it (an analyst's page and a wire written here).
        subject = _SUBJECT.match(statement.text)
        return self._speakers(subject.group("name"), (EntityType.company,)) if subject else frozenset()

    def _said_by(self, text: str, title: str, context: str = "") -> frozenset[str]:
        """The parties a text's reporting verbs name ("Lynas said"), or whose plan it tells (`_COMMITS_TO`); for a
        speaker named by no name ("the company said", "it said"), the ones the text names, else its title, else its
        `context` (`_unnamed`); none without a reporting verb, and none for a speaker no alias file, legal form or
        trade word knows ("Rare Earth Exchanges reports that the EU…")."""
        text = text[dateline_end(text):]  # "JOHANNESBURG (AP) — A British company … said": the company speaks, not the dateline
        said_by = [words.strip() for words, _ in speaker_words(text)] + [found["who"] for found in _COMMITS_TO.finditer(text)]
        # A company its clause names is the speaker, not the country before it ("Australia's Lynas said"), nor the place its
        # description goes on to name ("A British company developing a … project in South Africa said").
        named = frozenset().union(*(self._named(words) or self._speakers(_MODIFIER.split(words, maxsplit=1)[0]) for words in said_by))
        return named or frozenset().union(*(self._unnamed(words, text, title, context) for words in said_by))

    def _unnamed(self, who: str, text: str, title: str, context: str = "") -> frozenset[str]:
        """Whom a speaker named by what it is means ("the company", "it", "officials", "a British company
        developing …"): the parties of its kind the text names, else its title names ("the company said" is
        Bayline's word, not the Pentagon's its headline names), else its `context` does (the passage around it:
        AP's "A British company … said Monday that a pilot plant had produced about 2,100 kilograms" names
        Rainbow Rare Earths a sentence later, written here); none for a speaker named by name."""
        head = _MODIFIER.split(who, maxsplit=1)[0]  # "company developing a … project in South Africa": the place names no speaker
        if not (_UNNAMED_SPEAKER.match(head) and not _CAPITALISED.search(head, 1)) and not _INDEFINITE_SPEAKER.match(head):
            return frozenset()
        types = next((kinds for pattern, kinds in _UNNAMED_KINDS if pattern.search(who)), _PARTIES)
        return self._speakers(text, types) or self._speakers(title, types) or self._speakers(context, types)

    def _parties_in(self, text: str, types: tuple[EntityType, ...] = ()) -> frozenset[str]:
        """The parties of these types (by default companies, projects, governments and countries) a text
        names, as keys (`normalise`): who may have said it. Those the alias file knows, and companies written
        with a legal form ("Mojave Magnetics Corp."), which no alias file lists. Read once per text and types."""
        types = types or _PARTIES
        spans = self.aliases.mention_spans(text)  # the text's alias matches, read once for both
        known = {normalise(name) for name in self._known_in(text, types, spans)}
        if EntityType.company in types:
            # A legal name the alias file names already is that entity; one that only holds a place ("IREL (India) Ltd") is a company.
            named = [(a, b) for a, b, name in spans if (entry := self.aliases.canonical(name)) is None or entry.type is not EntityType.country]
            known.update(normalise(name) for start, end, name in legal_names(text) if not any(a < end and b > start for a, b in named))
        return frozenset(known)

    def _speakers_in(self, text: str, types: tuple[EntityType, ...] = ()) -> frozenset[str]:
        """The parties a text names that may speak (`_parties_in`), else, where a company may, the companies it
        names by a trade word alone (`trade_names`): "Solikamsk Magnesium Works …, the company said", which no
        alias file knows, was nobody's word, so a trade note's restatement of its promise corroborated it (texts written here)."""
        known = self._parties(text, types)
        if known or (types and EntityType.company not in types):
            return known
        return frozenset(normalise(name) for _, _, name in trade_names(text))

    def _materials_in(self, text: str) -> frozenset[str]:
        """The materials the alias file knows that `text` names, and rare earths as a group where it names
        them so outside a longer name: MOFCOM's "rare earth exports … rose 12 percent" had conflicted with
        "Chinese antimony exports fell 97 percent" (written here). Not in the alias file, where the group
        would be an entity of every article; "earth" in lower case only, as a company's name never writes it."""
        spans = self.aliases.mention_spans(text)
        known = self._known_in(text, (EntityType.material,), spans)
        group = any(not any(a <= found.start() < b for a, b, _ in spans) for found in _RARE_EARTHS.finditer(text))
        return known | {_RARE_EARTHS_GROUP} if group else known

    def _known_in(self, text: str, types: tuple[EntityType, ...], spans: list[tuple[int, int, str]] | None = None) -> frozenset[str]:
        """The alias file's names of these types that the text mentions (from its `spans`, when read already)."""
        names = {name for _, _, name in spans} if spans is not None else set(self.aliases.mentions(text))
        known = (self.aliases.canonical(name) for name in names)
        return frozenset(n.name for n in known if n is not None and n.type in types)

    def _other_parties(self, article: Article, statement: str, closest: str) -> bool:
        """Whether two sentences give figures of different parties: both name companies, projects, governments
        or countries, none in common. For a statement that names none ("The company currently produces around
        4,500 tonnes…"), its title's, else the companies its article's opening names. IREL's 4,500 tonnes
        conflicted with China Northern's "more than 120,000 tonnes", and the IEA's "China produces about 90%"
        with "India … accounts for less than 1 per cent" (texts written here)."""
        theirs = self._parties(closest)
        if not theirs:
            return False
        own = (self._parties(statement) or self._parties(article.title)
               or self._speakers(article.body[:_OPENING], (EntityType.company, EntityType.project)))
        return bool(own) and not _in_common(own, theirs)

    def _other_material(self, statement: str, closest: str) -> bool:
        """Whether two sentences price or count different materials: both name some the alias file knows,
        none in common. Terbium oxide's "$3,950 per kilogram" conflicted with NdPr oxide's "$110 per
        kilogram" (texts nobody here labelled)."""
        own, theirs = self._materials(statement), self._materials(closest)
        return bool(own) and bool(theirs) and not own & theirs

    def _judge(
        self, article: Article, statement: Statement, chunks: list[StoredChunk], own: dict[str, float],
        chunk_terms: dict[str, dict[str, float]], sentence_terms: dict[str, list[tuple[str, dict[str, float]]]],
    ) -> CrossCheck:
        evidence: list[EvidenceChunk] = []
        repeats: list[EvidenceChunk] = []
        conflicting: set[str] = set()
        agreed_by: set[str] = set()
        own_word: set[str] = set()  # articles that agree by repeating the statement's claimant
        claimants = self._claimants(article, statement)  # read once for all its chunks
        cited = frozenset(figure for figure, _ in claimed_figures(statement.text))
        own_numbers = agreeing_figures(statement.text, cited)
        published = article.published.isoformat() if article.published else None
        for chunk in chunks:
            similarity = chunk.similarity or 0.0
            if similarity < self.related or shared_weight(own, chunk_terms[chunk.chunk_id]) < self.shared:
                continue
            evidence.append(
                EvidenceChunk(
                    chunk_id=chunk.chunk_id, article_id=chunk.article_id, title=chunk.title,
                    published=chunk.published, similarity=round(similarity, 3),
                )
            )
            if similarity >= self.repeat:
                repeats.append(evidence[-1])
            other = self._about_others(article, statement, chunk)
            sentences = sentence_terms[chunk.chunk_id]
            if own_numbers:
                theirs = {text: self._claimants_figures(claimants, chunk, text) for text, _ in sentences}
                shared = {text: (common := own_numbers & agreeing_figures(text, theirs[text])) - other_measures(statement.text, text, common)
                          for text, _ in sentences}
                holding = [text for text, figures in shared.items() if figures]
                if holding and not other:
                    (own_word if self._own_word(claimants, chunk, holding) else agreed_by).add(chunk.article_id)
                elif any(theirs.values()) and not other and own_numbers & agreeing_figures(_point_style(chunk.text)):
                    own_word.add(chunk.article_id)  # it agrees only where it cites the claimant's figure
                if (not holding and similarity >= self.close and not other
                        and figures_conflict(statement.text, closest := _closest(own, sentences),
                                             ignore=frozenset(theirs.get(closest, ())) | self._others_figures(closest, statement.text, claimants),
                                             ignore_own=cited | self._others_figures(statement.text, closest, frozenset()))
                        and same_period(statement.text, published, closest, chunk.published)
                        and not self._other_material(statement.text, closest)
                        and not self._other_parties(article, statement.text, closest)):
                    conflicting.add(chunk.article_id)
            elif similarity >= self.close and not other and self._names_its_subject(article, statement, chunk):
                (own_word if self._own_word(claimants, chunk, [_closest(own, sentences)]) else agreed_by).add(chunk.article_id)
        status = "corroborated" if agreed_by else "conflicting" if conflicting else "no_other_source"
        dates = [d for d in [article.published.isoformat() if article.published else None, *(r.published for r in repeats)] if d]
        return CrossCheck(
            status=status,
            evidence=evidence,
            repeated_by=sorted({r.article_id for r in repeats}),
            claimant_only=sorted(own_word - agreed_by),
            agreeing=sorted(agreed_by),
            conflicting_with=sorted(conflicting),
            first_seen=min(dates, key=datetime.fromisoformat) if repeats and dates else None,
        )
