"""One article's analysis: a structured summary and a real-vs-rhetoric breakdown grounded in its text.

Division of labour, from what was measured (see assay/classifier.py):
- code finds the statements and their exact offsets (assay/statements.py);
- a kind decider (assay/kinds.py; today small classifiers fitted on the labelled `train` split)
  decides kind, attribution, evidence;
- the LLM writes the summary and highlights and picks entities and figures;
- code checks the LLM: every number it writes must be in the body (else one repair
  retry, then the article fails); every summary sentence and highlight must quote only words the
  body has, name only what it names, be supported by one of its sentences and not make the publisher
  the subject (assay/grounding.py; else one repair retry, then the sentence is dropped; when nothing
  of the summary is left, the article's own central sentences stand in, marked); entities or figures not in the body, section headings
  and phrases as entities are dropped;
- the corpus cross-check compares each fact and claim with the other articles in Chroma.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Annotated, ClassVar, Protocol

import numpy as np
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, Field, StringConstraints

from assay.aliases import AliasBook, shipped_book, typed_once
from assay.attribution import quotation_spans
from assay.embeddings import MiniLMEmbeddings
from assay.grounding import (
    ProseGrounding,
    as_the_body_types,
    as_the_body_writes,
    bare_name,
    entity_rejected,
    initials_as_written,
    joined_names,
    normalise,
    prose_units,
)
from assay.kinds import KindDecider
from assay.llm_log import UsageCounter
from assay.llms import StructuredOutputError, model_name, structured, yes_probability
from assay.prompts import PromptFile
from assay.settings import Settings
from assay.statements import (
    SKIPPED_HEADING,
    SPLITTER_VERSION,
    Statement,
    dateline_end,
    introduces_a_list,
    is_boilerplate,
    is_furniture_line,
    is_question,
    post_number_end,
    run_in_heading_end,
    sentences,
    statements,
    text_sentences,
    trim_span,
    word_stems,
)
from assay.transcripts import QA_LABEL, QUESTION_LABEL, address_end, is_procedure, turns
from assay.types import (
    FIGURE_MAX_CHARS,
    MEASURES_MAX_CHARS,
    RHETORIC_KINDS,
    Analysis,
    Article,
    CrossCheck,
    Entity,
    EntityType,
    Figure,
    FigureReply,
    Kind,
    Provenance,
    StatementAnalysis,
    StatementLabels,
)

# The prompts an analysis uses: its cache key and provenance name only these, so releasing another
# prompt (the answer prompt, say) does not make every analysis stale.
ANALYSIS_PROMPTS = ("summary", "says")
# The support a summary sentence or highlight needs when the caller names none (measured: assay/settings.py).
PROSE_MIN_SUPPORT: float = Settings.model_fields["prose_min_support"].default
PROSE_NAMES_MARGIN: float | None = Settings.model_fields["prose_names_margin"].default

# --- what the LLM fills (caps keep grammar-constrained output finite) ---------------------------

Short = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class SummaryReply(BaseModel):
    """summary@1: one list of typed entities, written after the summary. Measured: the 1.5B model
    closes both lists empty once it has written the prose."""

    summary: str = Field(min_length=40, max_length=700)
    highlights: list[Short] = Field(min_length=3, max_length=5)
    entities: list[Entity] = Field(default_factory=list, max_length=15)
    figures: list[FigureReply] = Field(default_factory=list, max_length=8)

    def entity_list(self) -> list[Entity]:
        return list(self.entities)


Name = Annotated[str, StringConstraints(min_length=2, max_length=60)]


class SummaryReplyV2(BaseModel):
    """summary@2: names and figures first, while the model is still reading the article, as plain
    lists per entity type (fewer tokens than typed objects). Every field is required because
    llama.cpp's schema grammar puts optional fields after required ones, whatever their order."""

    companies: list[Name] = Field(max_length=4)
    governments: list[Name] = Field(max_length=3, description="Governments and agencies.")
    countries: list[Name] = Field(max_length=4)
    materials: list[Name] = Field(max_length=4, description="Elements and materials: NdPr, Dy, NdFeB ...")
    projects: list[Name] = Field(max_length=3, description="Projects and sites.")
    figures: list[FigureReply] = Field(max_length=3)
    summary: str = Field(min_length=40, max_length=400)
    highlights: list[Annotated[str, StringConstraints(min_length=10, max_length=140)]] = Field(min_length=3, max_length=3)

    def entity_list(self) -> list[Entity]:
        return typed_entities(self.companies, self.governments, self.countries, self.materials, self.projects)


def typed_entities(companies: list[str], governments: list[str], countries: list[str], materials: list[str], projects: list[str]) -> list[Entity]:
    """The per-type name lists of summary@2 and later as typed entities, each name once per type."""
    typed = [(companies, EntityType.company), (governments, EntityType.government), (countries, EntityType.country),
             (materials, EntityType.material), (projects, EntityType.project)]
    return [Entity(name=name, type=kind) for names, kind in typed for name in dict.fromkeys(names)]


class SummaryReplyV3(SummaryReplyV2):
    """summary@3: summary@2 in fewer tokens, for the 25 s budget (`benchmarks/analyse.py`): at most
    3 names of a type (2 agencies, 2 projects) and shorter prose. Same fields, same order."""

    companies: list[Name] = Field(max_length=3)
    governments: list[Name] = Field(max_length=2, description="Governments and agencies.")
    countries: list[Name] = Field(max_length=3)
    materials: list[Name] = Field(max_length=3, description="Elements and materials: NdPr, Dy, NdFeB ...")
    projects: list[Name] = Field(max_length=2, description="Projects and sites.")
    summary: str = Field(min_length=40, max_length=320)
    highlights: list[Annotated[str, StringConstraints(min_length=10, max_length=110)]] = Field(min_length=3, max_length=3)


class SummaryReplyV4(SummaryReplyV3):
    """summary@4: summary@3 with highlights a reader can act on: one full sentence each with the
    point's specifics (who, what, how much), as publishers write them (about 25 words), instead of
    12-word labels that matched no publisher highlight."""

    highlights: list[Annotated[str, StringConstraints(min_length=20, max_length=220)]] = Field(min_length=3, max_length=3)


class SummaryReplyV5(BaseModel):
    """summary@5: summary@3's names, figures and summary, no highlights: those are the article's own
    key sentences, chosen by code (`key_sentences`). Measured on the sample's train + dev (20
    articles): highlight coverage F1 0.49 with them against 0.22 with summary@4's written
    highlights and 0.36 for the lead-3 baseline; and the model writes 80-160 fewer tokens. Its fields
    repeat summary@3's on purpose: a released schema never changes when a later one does."""

    companies: list[Name] = Field(max_length=3)
    governments: list[Name] = Field(max_length=2, description="Governments and agencies.")
    countries: list[Name] = Field(max_length=3)
    materials: list[Name] = Field(max_length=3, description="Elements and materials: NdPr, Dy, NdFeB ...")
    projects: list[Name] = Field(max_length=2, description="Projects and sites.")
    figures: list[FigureReply] = Field(max_length=3)
    summary: str = Field(min_length=40, max_length=320)

    highlights: ClassVar[list[str]] = []  # written by no model: see key_sentences

    def entity_list(self) -> list[Entity]:
        return typed_entities(self.companies, self.governments, self.countries, self.materials, self.projects)


SummaryReplies = SummaryReply | SummaryReplyV2 | SummaryReplyV5


# A release's legal and contact sections echo its content words, so centrality would pick them.
# The splitter's skipped sections, and those that hold no key sentence though their statements count:
# contacts, notes to editors, a competent or qualified person's statement, "About …".
_BOILERPLATE_HEADING = re.compile(SKIPPED_HEADING.pattern + r"|cautionary|\bcontacts?\b|notes? to editors|competent person|qualified person|^about\b", re.I)
_BULLET = re.compile(r"^[•\-–*]\s+")
# The version of `key_sentences`'s choice: part of the analysis key, so changing it re-analyses.
KEY_SENTENCES_VERSION = "14"  # 2: the splitter's boilerplate rule; 3: its narrower form; 4: no dateline; 5: five, not three;
# 6: no footnote, source or dated kicker line; 7: no transcript procedure, disclaimer, table header row, question or speaker label;
# 8: no name a speaker addresses; 9: no addressees, issue line, colophon, post number, emoji, hashtags, hearing label,
# footnote marker or notes section; 10: no list's introduction ("Lynas Rare Earths Ltd:"); 11: a quotation's sentences are one;
# 12: no numbered heading's words; 13: a summary of the article's own sentences none that opens by pointing back ("Its chief executive…")
# 14: no highlight that opens with a pronoun ("He estimated in an interview that…")
# How many key sentences an analysis shows. The sample's publisher writes 5.45 highlights an article;
# coverage F1 of the central k (highlights alone, train / dev): k=3 0.512 / 0.372, 4 0.542 / 0.416,
# 5 0.538 / 0.460, 6 0.539 / 0.515; lead-k stays at 0.32-0.34 / 0.36-0.42 (evals/README.md).
HIGHLIGHTS = 5
# The version of what code makes of the reply's names, figures and prose (`typed_once`, `_figure`, `tidy_cut`): part of the key too.
NAMES_VERSION = "39"  # 1: a name typed once; a unit the value carries shown once; initials spelt as the body spells them;
# 2: a figure as the body writes it, what it measures in its sentence, no years; 3: a summary's unfinished last sentence dropped;
# 4: a figure's value holds a number; 5: a title before a name the body writes after it is that name, and a call's
# holder may be its summary's subject (grounding); 6: "NPV" is the body's "NPV8"; a province or state is no country;
# 7: a name's trailing comma; a name ending in a common noun, a title or a person by their title, a demonym are no company;
# a state body's name typed a company is a government's; 8: a name is whole words of the body ("U. S." is not in
# "industry"), a name the body writes another way is spelt as it does, spellings of one entity are one; a figure's initials
# 9: a title inside a name, written short ("MP Materials CEO James Litinsky"), is the body's; a company's name typed a
# government is a company's; an entity is spelt as the body writes it letter for letter where it can ("EU", not "E.U.")
# 10: a firm's name typed a project ("Adamas Intelligence", or one with a legal form or trade word) is a company's
# 11: a state or province typed a company ("California") is no entity
# 12: a name the body follows with a person's role ("He Yongqian, spokesperson for…") is no company or government; a
# state body's name typed a country ("U.S. Geological Survey") is a government's
# 13: a firm whose analysts the body quotes ("Analysts at Macquarie said…") typed a government or country is a company
# 14: a material and its measure ("NdPr output") is no project, nor a town and its state ("Port Allen, Louisiana"); a
# refiner's name ("… Refining", "… Separations") typed a project is a company's, a university's no company's; the alias
# file's new materials type themselves
# 15: a port a price report names ("cif Rotterdam") is no country; the US departments by their short names ("Defense
# Department") and the USGS are the alias file's governments; a figure the reply gives no unit shows the one its
# sentence writes ("1.25 tonnes")
# 16: a currency's sign ("US$326 million") names no country
# 17: one list of mass units (`MASS_UNITS`): "kg", "kilotonnes", "mtpa" are mass wherever a unit's dimension is read
# 18: China's State Council and General Administration of Customs are the alias file's governments
# 19: "270 kilo tonnes" is 270,000 tonnes, not 270 kilos
# 20: the US Bureau of Industry and Security ("BIS"), China's foreign ministry and Japan's METI are governments in the alias file
# 21: two names given as one ("Australia and Canada") are two; a peer ("Baroness Cole of Meadowbank") is no organisation;
# "neodymium-iron-boron magnets" are rare earth magnets in the alias file; India's states are places within a country
# 22: a figure longer than a figure's length is none (the analysis had failed on it)
# 23: a person by title and name ("Prime Minister Anthony Albanese of Australia") is no company; what is done with a
# material ("rare earth mining") is no material; the alias file's analysts' firms and price reporters
# 24: an office ("Secretary of Defense") or a law ("Critical Raw Materials Act") is no company, a facility ("cracking and
# leaching plant") no material, a name the body writes only in lower case ("qualifying country") no name
# 25: a state organ typed a project ("Korea Customs Service", "KOMIR") is a government; "… Authority" and "… Service" are state
# names; a prefecture or province by its word ("Fukui Prefecture") is no country
# 26: a joint venture or a deposit is no material, a stock exchange no government; a summary that gives a speaker's
# first-person words as its own is sent back (grounding); a technology or a process is no material
# 27: India's union territories ("Jammu and Kashmir", "Ladakh") are no countries
# 28: prose drawing on words the body quotes, naming no speaker, is sent back (grounding.restated_quotation)
# 29: a generic word ("ore", "metals", "raw materials") is no material
# 30: a product ("power seats", "speakers") is no material, an industry's association no government, a "Union Minister for …"
# an office
# 31: a place of two or three words is named by its demonym ("South African" by "South Africa")
# 32: a summary sentence that gives as certain what its best supporting body words hedge ("would", "if confirmed") is repaired or dropped
# 33: "oxide" or "concentrate" alone is no material, nor an expansion ("Kalgoorlie and Malaysian expansions"); a prose sentence
# the body says with its own names and half its words is not faulted by the model's contrast of names
# 34: a decimal comma and full stops between thousands read as their writers mean ("EUR 85,5 million" had been 855 million)
# 35: a currency sign with a space before its amount ("US$ 5 million") is the figure's currency
# 36: an activity alone ("mining", "recycling") is no material
# 37: the world's countries in the alias file (7 had been), so the model's "Mexico" as a company is a country
# 38: a sector ("energy", "defense"), "alloys" or generators are no material, a list of names no one entity ("Lynas, Iluka and MP Materials"),
# a person the body gives a role before the name ("geographer Julie Michelle Klinger") no company
# 39: a company without the country written before it ("Germany's Vacuumschmelze GmbH"); a capital typed a company ("Beijing") a government,
# an armed group ("Kachin Independence Army") typed a project other; a supply chain, markets or industries no material; a name
# without the short name in brackets after it ("Ministry of Commerce (MOFCOM)");
# a figure whose "measures" is only its unit ("percentage", "tonnes") measures the words of its clause before it


# A sentence that opens by pointing back ("Its chief executive … told delegates…") needs the one before it: no summary alone.
_POINTS_BACK = re.compile(r"^[\"“(]?(?:It|Its|He|His|She|Her|They|Their|Them|This|That|These|Those|Such|Both|Neither)\b")
# A highlight is read alone, as a bullet: one that opens with a pronoun does not say who ("He estimated in an interview
# that Europe held less than three months of magnet inventory", a wire written here; "It noted that Shenghe…"). A
# demonstrative may name what it points at ("This Rare Earth Exchanges analysis reviews…"), so it stays. Sample
# highlight coverage F1 (highlights alone), train 0.540 -> 0.532, dev 0.460 -> 0.479: level; 6 of 75 train and
# 1 of 25 dev highlights had opened with one.
_OPENS_WITH_PRONOUN = re.compile(r"^[\"“(]?(?:It|Its|He|His|She|Her|They|Their|Them)\b")


def key_sentences(article: Article, embedder: MiniLMEmbeddings, k: int = HIGHLIGHTS, standalone: bool = False) -> list[str]:
    """The article's k most central sentences, in its order: those closest (MiniLM cosine) to the mean
    of all its sentences, as exact quotes (a bullet's mark dropped). Headings, fragments under 6
    words, runs over 400 characters (a flattened list, not a sentence), an interview's questions and
    legal or contact boilerplate are left out. Chosen on the sample's train + dev
    against the publisher's highlights (coverage F1): centrality 0.51 / 0.37 (train / dev), with a
    bonus for coming early 0.41 / 0.38, maximal marginal relevance 0.50 / 0.40, the first three
    sentences 0.34 / 0.42; capping sentences at 300 characters cost 0.02 / 0.14, at 400 nothing."""
    headings = {s.heading for s in article.sections if s.heading}
    boilerplate = [(s.start, s.end) for s in article.sections if s.heading and _BOILERPLATE_HEADING.search(s.heading)]
    body = article.body
    spoken = turns(body)
    sentences = whole_quotations(body, text_sentences(body))
    # A speaker's name before their words ("James Litinsky: We produced…") is no part of a highlight.
    said = [body[max([s.start, *(t.start for t in spoken if s.start < t.start < s.end)]) : s.end] for s in sentences]
    candidates = [_as_highlight(text[address_end(spoken, text, s.start) :]) for s, text in zip(sentences, said)
                  if s.text not in headings and len(s.text.split()) >= 6 and len(s.text) <= 400 and not is_question(s.text)
                  and not is_boilerplate(s.text) and not any(a <= s.start < b for a, b in boilerplate)
                  and not is_procedure(spoken, text, s.start)
                  and not is_furniture_line(line := body[body.rfind("\n", 0, s.start) + 1 : s.end])
                  and line.strip() not in headings  # a numbered heading's words ("1. Heavy rare earths are the new bottleneck")
                  and not QUESTION_LABEL.match(line)]  # "Q: Feedstock has been a problem…": the interviewer's lead-in
    candidates = [c for c in candidates if not introduces_a_list(c)]  # a wire brief's "Lynas Rare Earths Ltd:" over its items
    # A summary of the article's own sentences (a conference write-up written here, thirty-fifth session) or a highlight.
    needs_before = _POINTS_BACK if standalone else _OPENS_WITH_PRONOUN
    candidates = [c for c in candidates if not needs_before.match(c)] or candidates
    if len(candidates) <= k:
        return candidates
    vectors = np.asarray(embedder.forward(candidates))
    centre = vectors.mean(axis=0)
    centre /= np.linalg.norm(centre) or 1.0
    return [candidates[i] for i in sorted(np.argsort(-(vectors @ centre))[:k])]


def whole_quotations(body: str, sentences: list[Statement]) -> list[Statement]:
    """The sentences with those of one quotation joined: a highlight that quotes stops where the quotation does. An
    Automotive News story written here had two highlights, "\"Automakers treated magnets like a commodity." and "They are
    now learning that a $3 part can stop a $50,000 vehicle,\" he said.", each with one quotation mark."""
    quotes = quotation_spans(body)
    joined: list[Statement] = []
    for sentence in sentences:
        previous = joined[-1] if joined else None
        if previous is not None and any(a < sentence.start < b and a < previous.end for a, b in quotes if b > previous.start):
            joined[-1] = Statement(text=body[previous.start : sentence.end], start=previous.start, end=sentence.end)
        else:
            joined.append(sentence)
    return joined


def _as_highlight(sentence: str) -> str:
    """The sentence without a bullet's mark, an opening dateline ("DARWIN, March 3, 2026 /PRNewswire/ --"),
    an interview's "A:" or a run-in heading ("SUMMARY:", a rule's), which say nothing: still an exact quote of the body."""
    text = _BULLET.sub("", sentence)
    text = text[dateline_end(text) :]
    text = text[qa.end() :] if (qa := QA_LABEL.match(text)) else text  # "A: We produced…"
    text = text[run_in_heading_end(text) :]
    text = text[post_number_end(text) :]  # "1/ MOFCOM approved… 🚨"
    start, end = trim_span(text)
    return text[start:end]


# --- grounding ------------------------------------------------------------------------------------

# A number as written: "11,200", "0.82", and with spaces between its thousands, as South African, French
# and SI style sets them ("412 000 oz", "R22 450/4Eoz", a mining weekly's story written here: read as
# "412" and "000", its summary's "412,000 oz" had been a number the article does not give); and as German,
# French or Brazilian writers set it in English, full stops between its thousands and a decimal comma
# ("1.000.000", "1.234,5"; a German release written here: "EUR 85,5 million" had been 855 million).
NUMBER_PATTERN = (r"\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?![\d,.]?\d)"
                  r"|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?(?![\d.]?\d)|\d{1,3}\.\d{3},\d+(?!\d)"
                  r"|\d[\d,]*(?:\.\d+)?")
NUMBER = re.compile(NUMBER_PATTERN)
_SEPARATORS = re.compile(r"[, \u00a0\u202f\u2009]")
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
# A comma with one or two figures after it is a decimal comma: thousands come in threes, and lakhs
# ("2,50,000") in twos only before a last three.
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
# How a text marks its decimals: a comma where it writes a decimal comma or full stops between thousands
# ("85,5", "1.234.567") and never a decimal point ("0.82"; not a day's "03.12.2026").
_COMMA_DECIMAL_CUE = re.compile(r"(?<![\d.,])(?:\d+,\d{1,2}|\d{1,3}(?:\.\d{3}){2,})(?![\d.,]?\d)")
_POINT_DECIMAL_CUE = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.,]?\d)|\d,\d{3}\.\d")


def comma_decimals(text: str) -> bool:
    """Whether the text writes its decimals with a comma, so that "1.000 tonnes" is a thousand tonnes."""
    return bool(_COMMA_DECIMAL_CUE.search(text)) and not _POINT_DECIMAL_CUE.search(text)


def plain_number(written: str, comma_decimal: bool = False) -> str:
    """A number without its thousands separators and a full stop after it, its decimals after a point:
    "11,200" and "11 200" are "11200", "85,5" is "85.5", and so is "1.000" "1000" in a text that writes
    decimal commas (`comma_decimals`)."""
    written = written.rstrip(".")
    if _DECIMAL_COMMA.fullmatch(written):
        return written.replace(",", ".")
    if _DOTTED_THOUSANDS.fullmatch(written) and (comma_decimal or written.count(".") > 1 or "," in written):
        return written.replace(".", "").replace(",", ".")
    return _SEPARATORS.sub("", written)


def point_decimals(text: str) -> str:
    """The text with each number written plainly, as read in a text that writes decimal commas ("1.000 tonnes" as "1000
    tonnes", "EUR 85,5 million" as "EUR 85.5 million"), for checks that read one sentence at a time; a comma or full stop
    after a number ("in 2025, the ministry") stays."""
    def plain(found: re.Match[str]) -> str:
        written = found.group()
        number = written.rstrip(",.")
        return plain_number(number, comma_decimal=True) + written[len(number):]
    return NUMBER.sub(plain, text)


def numbers(text: str, comma_decimal: bool = False) -> set[str]:
    """Numbers as written, without thousands separators: '11,200' and '11200' are the same figure."""
    return {plain_number(n, comma_decimal) for n in NUMBER.findall(text)}


# A number written as a share: "100%", "70 percent", "5 per cent".
_PERCENT_AFTER = re.compile(r"^\s?(?:%|-?\s?percent(?:age points?)?\b|per\s?cent\b)", re.I)


def _number_uses(text: str, comma_decimal: bool) -> dict[str, set[bool]]:
    """Each number of the text, without thousands separators, and whether each use of it is a share (`_PERCENT_AFTER`)."""
    uses: dict[str, set[bool]] = {}
    for found in NUMBER.finditer(text):
        uses.setdefault(plain_number(found.group(), comma_decimal), set()).add(bool(_PERCENT_AFTER.match(text[found.end() :])))
    return uses


def unsupported_numbers(text: str, support: str) -> set[str]:
    """The numbers of `text` that `support` does not hold as the same kind of figure: a share only by a share, an amount
    only by a number that is no share. "Meridian paid $100 million" is not held by "its 100%-owned project" (an answer the
    model invented, written here). Both are read as `support` writes decimals: the model copies its "1.000 tonnes"."""
    comma_decimal = comma_decimals(support)
    held = _number_uses(support, comma_decimal)
    return {number for number, shares in _number_uses(text, comma_decimal).items() if not shares <= held.get(number, set())}


def ungrounded_numbers(reply: SummaryReplies, body: str) -> set[str]:
    """Numbers in the prose that the body does not have: worth a repair retry. A figure whose value is
    not in the body is simply dropped (measured: the model repeats an invented figure when asked again)."""
    written = " ".join(prose(reply))
    return unsupported_numbers(written, body)


def prose(reply: SummaryReplies) -> list[str]:
    """The summary and highlights as stored: prose the length cap cut off is tidied first, so the
    junk a small model writes against the cap ("capital stepping 2") is dropped, not retried (a
    highlight cut mid-way is "")."""
    summary_cap, highlight_cap = _length_caps(type(reply))
    return [
        tidy_cut(reply.summary, summary_cap, sentences_only=True),
        *(tidy_cut(h, highlight_cap, sentences_only=False) for h in reply.highlights),
    ]


@functools.cache
def _length_caps(schema: type[BaseModel]) -> tuple[int, int]:
    properties = schema.model_json_schema()["properties"]
    highlights = properties.get("highlights", {"items": {"maxLength": 0}})
    return properties["summary"]["maxLength"], highlights["items"]["maxLength"]


def summary_reply(value: BaseModel) -> SummaryReplies:
    """The structured answer as the summary reply it must be (a prompt names its schema by module path)."""
    if not isinstance(value, (SummaryReply, SummaryReplyV2, SummaryReplyV5)):
        raise TypeError(f"{type(value).__name__} is not a summary reply schema")
    return value


def _numbers_fault(reply: SummaryReplies, body: str) -> str | None:
    missing = ungrounded_numbers(reply, body)
    return f"these numbers are not in the article: {sorted(missing)}; use only numbers the article gives" if missing else None


def _schema_only(reply: BaseModel) -> None:
    """The repaired answer's check: its schema only. What is still ungrounded in it, numbers too, is
    dropped sentence by sentence after (`grounded_prose`), not failed: seen on a slide deck, the model
    twice wrote "revenue increased by 33%" (it was 53 %), and the whole analysis failed for that one
    sentence."""


def _prose_check(grounding: ProseGrounding) -> Callable[[BaseModel], None]:
    """The first answer's check: numbers, and every summary sentence and highlight (assay/grounding.py),
    in one message naming each fault, so the repair can fix them all at once."""

    def check(answer: BaseModel) -> None:
        reply = summary_reply(answer)
        summary, *highlights = prose(reply)
        faults = [f for f in [_numbers_fault(reply, grounding.article.body)] if f]
        if not summary:
            faults.append("the summary was cut off by the length cap: write 2 short sentences")
        units = prose_units(summary, highlights)
        faults += [f"“{text}” {why}" for text, why in zip(units, grounding.problems(units)) if why]
        if faults:
            raise ValueError(
                "; ".join(faults) + ". Write only what the article says, names as it writes them and quotes copied exactly"
            )

    return check


class NameSupport(BaseModel):
    """The says@ probe's reading of the names in a sentence: the model's probability that the article
    says the sentence as written, and the best of the copies naming another entity (or one name alone)."""

    name: str = Field(description="The name or joined names as the sentence writes them.")
    written: float = Field(ge=0, le=1)
    instead: str = Field(description="What the best copy names instead.")
    alternative: float = Field(ge=0, le=1)
    alone: bool = Field(False, description="The copy names one of two joined names alone.")

    def fault(self, margin: float) -> str | None:
        """What is wrong, in words the model can act on, when the copy is ahead by more than `margin` log-odds."""
        if _logit(self.alternative) <= _logit(self.written) + margin:
            return None
        if self.alone:
            return f"says {self.name} where the article points to {self.instead} alone: name only who in the article did it"
        return f"says {self.name} where the article points to {self.instead}: name who in the article did it"


# The most names of one type tried in place of a name (the article's most mentioned first): each is a probe.
WHO_DID_WHAT_TRIES = 4
# What joins two names into one subject: "Lynas and Iluka", "Lynas & Iluka", "Lynas, Iluka".
_JOINED = re.compile(r"\s+(?:and|&)\s+|,\s+(?:and\s+)?")


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def who_did_what(
    model: BaseChatModel, messages: list[BaseMessage], probe: PromptFile, article: Article, margin: float, config: RunnableConfig | None = None
) -> Callable[[str], str | None]:
    """A check of who did what in a sentence of prose, by contrast: for each name the shipped alias file
    knows, the model's yes-probability that the article says the sentence, against the same sentence
    with that name replaced by each other name of the same type the article mentions. A copy ahead by
    more than `margin` (in log-odds) means the sentence named the wrong one ("Iluka signed…" where
    Lynas did). Two names of a type joined ("Lynas and Iluka signed…") are tried each alone too: one
    alone ahead by the margin means the sentence joined two stories (where only Lynas did). Sentence
    vectors cannot see either: a swapped name moves the cosine by nothing (evals/README.md, "Who did
    what"). None when the backend gives no log-probabilities."""
    book = shipped_book()
    counts: dict[str, int] = {}
    written_as: dict[str, str] = {}
    for start, end, name in book.mention_spans(article.body):
        counts[name] = counts.get(name, 0) + 1
        written_as.setdefault(name, article.body[start:end])
    type_of = {named.name: named.type for name in {*counts} if (named := book.canonical(name))}
    seen: dict[str, float | None] = {}

    def says(text: str) -> float | None:
        if None in seen.values():  # the backend gave no log-probabilities once: it will not the next time, so ask no more
            return None
        if text not in seen:
            seen[text] = yes_probability(model, [*messages, *probe.template().format_messages(claim=text)], probe.logged(config))
        return seen[text]

    def check(text: str) -> str | None:
        spans = _separate(book.mention_spans(text))
        named = {name for _, _, name in spans}
        for (start, end, name), (start2, end2, name2) in zip(spans, spans[1:]):
            if type_of.get(name) is not type_of.get(name2) or not _JOINED.fullmatch(text[end:start2]) or (written := says(text)) is None:
                continue
            alone = [(p, text[a:b]) for a, b in ((start, end), (start2, end2)) if (p := says(text[:start] + text[a:b] + text[end2:])) is not None]
            if alone and (fault := NameSupport(name=text[start:end2], written=written, instead=max(alone)[1], alternative=max(alone)[0],
                                               alone=True).fault(margin)):
                return fault
        for start, end, name in spans:
            kind = type_of.get(name) or (known.type if (known := book.canonical(name)) else None)
            others = sorted((n for n in counts if n not in named and type_of.get(n) is kind), key=lambda n: -counts[n])[:WHO_DID_WHAT_TRIES]
            if not others or (written := says(text)) is None:
                continue
            tried = [(p, written_as[n]) for n in others if (p := says(text[:start] + written_as[n] + text[end:])) is not None]
            if tried and (fault := NameSupport(name=text[start:end], written=written, instead=max(tried)[1], alternative=max(tried)[0]).fault(margin)):
                return fault
        return None

    return check


def _separate(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Mentions in text order, the longer of two that overlap ("MP Materials" over "MP")."""
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def grounded_prose(reply: SummaryReplies, grounding: ProseGrounding) -> tuple[str, list[str], list[str]]:
    """(summary, highlights, dropped): the prose without the sentences and highlights that are still
    not grounded after the repair retry, and what was dropped, each with why. The summary is ""
    when nothing of it is left."""
    summary, *highlights = prose(reply)
    dropped = [f"{h.strip()} [cut off by the length cap]" for h, kept in zip(reply.highlights, highlights) if h.strip() and not kept]
    summary_sentences = [s.text for s in sentences(summary)]
    highlights = [h for h in highlights if h]
    units = summary_sentences + highlights
    problems: list[str | None] = []
    for text, problem in zip(units, grounding.problems(units)):
        invented = unsupported_numbers(text, grounding.article.body)
        reasons = [w for w in (problem, f"gives numbers the article does not: {', '.join(sorted(invented))}" if invented else None) if w]
        problems.append("; ".join(reasons) or None)
    dropped += [f"{text} [{why}]" for text, why in zip(units, problems) if why]
    kept_summary = [s for s, why in zip(summary_sentences, problems) if not why]
    kept_highlights: list[str] = []
    for highlight, why in zip(highlights, problems[len(summary_sentences) :]):
        if why:
            continue
        if any(normalise(highlight) == normalise(kept) for kept in kept_highlights):  # measured: a small model repeats one
            dropped.append(f"{highlight} [repeats an earlier highlight]")
            continue
        kept_highlights.append(highlight)
    return " ".join(kept_summary), kept_highlights, dropped


# What the body writes around a figure's number: a currency before it, a scale word, a percent sign
# or a per-unit after it ("$9 billion", "1%", "$50,000/tonne"); the figure shows them as written.
# A currency as it is written before an amount: "US$", "A$", "NZ$", "€", "RMB ", and with a space after a sign
# ("US$ 5 million", "€ 85 million"), which had been no money at all to the cross-check.
CURRENCY = r"(?:[A-Z]{1,3})?[$€£¥₩₹][ \u00a0]?|\b(?:USD|RMB|CNY|AUD|CAD|EUR|GBP|JPY|KRW|INR)\s?|\bRs\.?\s?"  # Indian texts' "Rs 1,200 crore"
_CURRENCY_BEFORE = re.compile(rf"(?:{CURRENCY})$")
_AFTER_NUMBER = re.compile(r"(?:\s?(?:%|per\s?cent\b)|\s?(?:thousand|million|billion|trillion|bn)\b(?:\s?(?:%|per\s?cent\b))?)?(?:/[^\W\d_]+)?",
                           re.I)
# A unit the value's own sign already shows: a currency before it, a percent after it.
_SHOWN_BY_THE_VALUE = re.compile(r"^(?:(?:us|u\.s\.|australian|canadian)\s)?(?:\$|£|€|¥|usd|rmb|cny|aud|eur|gbp|yuan|euros?|pounds?(?: sterling)?|dollars?"
                             r"|us dollars|in dollars|(?:per\s?cent|percent|pct|%))$", re.I)
# A year or a fiscal year is a date, not a figure ("2026–27" budget): measured, the 1.5B model picks them.
YEAR = re.compile(r"^(?:FY\s?)?(?:19|20)\d\d(?:\s?[–/-]\s?(?:19|20)?\d\d)?$")
_FIGURE_STOPWORDS = frozenset("the and for total number amount value figure share rate level size with from that this their into over".split())


def _words_in(words: str, sentence: str) -> bool:
    """Whether a content word of `words` (3 letters or digits or more, matched on its first 5) is in the sentence:
    what a figure measures must be said there ("A$" or "tonnage" for a recycling rate is not)."""
    stems = word_stems(words, 3) - {w[:5] for w in _FIGURE_STOPWORDS}
    return bool(stems & word_stems(sentence, 3))


# Units by the dimension they measure, with the words a figure of that dimension may be said to
# measure: what a figure measures may be the dimension its unit already says ("800°C" — "temperature"),
# not a word of its sentence; and the cross-check reads two numbers as conflicting only in one dimension.
_QUANTITY = "capacity output production volume tonnage supply demand shipments quantity"
# The mass units as texts write them (in lower case; "Mt", million tonnes, is told from "mt", metric tons, by its
# case where that matters) and each one's worth in tonnes: one list for the dimension a figure measures
# (`UNIT_DIMENSIONS`), the unit a reply left off (`_UNIT_AFTER`) and the cross-check's conversions (`crosscheck.quantities`).
MASS_UNITS: list[tuple[str, Decimal]] = [  # "kilo tonnes" before "kilo": the first that matches is the unit read
    (r"kt|ktpa|kilo[\s-]?tonnes?|kilo[\s-]?tons?", Decimal(1_000)),  # India's government writes "270 kilo tonnes"
    (r"metric\s+(?:tons?|tonnes?)|tonnes?|tons?|t|mt|tpa|tpy|t/y|t/yr", Decimal(1)),
    (r"kg|kgs|kilos?|kilograms?|kilogrammes?", Decimal("0.001")),
    (r"mtpa|mmt", Decimal(1_000_000)),
]
_MASS_UNIT = "|".join(pattern for pattern, _ in MASS_UNITS)
UNIT_DIMENSIONS: dict[str, tuple[re.Pattern[str], frozenset[str]]] = {
    name: (re.compile(unit, re.I), frozenset(words.split())) for name, unit, words in (
        ("temperature", r"°|℃|degrees", "temperature heat"),
        ("money", r"[$€£¥₩₹]|\b(?:usd|rmb|cny|aud|eur|gbp|jpy|krw|inr|yuan|yen|won|rupees?|dollars?|euros?|pounds?)\b",
         "price prices cost costs value worth investment funding financing loan revenue spending budget grant capital"),
        ("share", r"%|\bper\s?cent\b|\bpercent\b", "share percentage proportion rate growth increase decline rise fall"),
        ("duration", r"\b(?:days?|weeks?|months?|years?)\b", "duration time period timeline deadline"),
        ("mass", rf"\b(?:{_MASS_UNIT})\b", _QUANTITY),
        ("power", r"\b(?:mw|gw|gwh)\b", _QUANTITY),
    )
}


def _measures_dimension(measures: str, value: str) -> bool:
    words = {w.lower() for w in re.findall(r"[^\W\d_]+", measures)}
    return any(pattern.search(value) and words & dimension for pattern, dimension in UNIT_DIMENSIONS.values())


_BARE_MEASURES = frozenset("amount number figure value quantity total percentage percent units unit volume".split())


def _names_only_its_unit(measures: str, value: str) -> bool:
    """Whether what a figure measures, as the model wrote it, is only its unit or dimension ("62% — percentage",
    "1,240 tonnes — tonnes": a wire story written here, forty-fourth session), which tells a reader nothing."""
    words = [w.lower() for w in re.findall(r"[^\W\d_]+", measures)]
    dimensions = set().union(*(d for pattern, d in UNIT_DIMENSIONS.values() if pattern.search(value)))
    return bool(words) and all(w in _BARE_MEASURES or w in dimensions or re.search(rf"(?<![^\W\d_]){re.escape(w)}", value, re.I) for w in words)


# Where a figure's clause opens: the sentence's start, or a comma, semicolon, colon or dash before the figure.
_CLAUSE_OPENING = re.compile(r".*(?:[,;:]|\s[—–-])\s+", re.S)
MEASURED_MAX_WORDS = 10


def _measured_in(sentence: str, at: int) -> str:
    """The words of the figure's clause before it, at most `MEASURED_MAX_WORDS` of them and `MEASURES_MAX_CHARS` characters
    ("China's imports of rare earths from Myanmar fell" for "62%"); "" where fewer than two."""
    before = sentence[:at]
    opened = _CLAUSE_OPENING.match(before)
    words = before[opened.end() if opened else 0 :].split()[-MEASURED_MAX_WORDS:]
    while words and len(" ".join(words)) > MEASURES_MAX_CHARS:  # long words: the nearest ones (a test article's had failed the analysis)
        words = words[1:]
    measured = " ".join(words).strip(" ,;:—–-")
    return measured if len(words) >= 2 and measured else ""


def _figure(reply: FigureReply, body: str) -> Figure | None:
    """The figure as the body writes it, or None. Its value must hold a digit and be a whole number of the body ("1" does
    not match inside "2015"), not a year, and what it measures must share a word with its sentence or
    be the dimension its unit says (measured on train + dev: "1" of "1%" recycling rates read as
    "tonnage" is dropped; "800°C" as a "temperature" stays); the reply's
    unit is kept only where the sentence writes it after the value (a currency the value shows, or
    "number", is dropped)."""
    if not re.search(r"\d", reply.value):
        return None  # "prices — of the whole industry" (seen on an interview nobody here labelled): no figure
    match = re.search(rf"(?<![\w.,]){re.escape(reply.value.strip())}(?![\w]|[.,]\d)", body)
    if match is None:
        return None
    sentence = next((s for s in text_sentences(body) if s.start <= match.start() < s.end), None)
    if sentence is None:
        return None
    before = _CURRENCY_BEFORE.search(body[max(sentence.start, match.start() - 5) : match.start()])
    after = _AFTER_NUMBER.match(body, match.end())
    start = before.start() + max(sentence.start, match.start() - 5) if before else match.start()
    value = body[start : after.end() if after else match.end()]
    # The sign before and the words after can take a reply's value past a figure's length ("$21 per kilogram at
    # 1,000" from "21 per kilogram at 1,000", seen on a research paper written here): then it is no figure, and the
    # analysis had failed on it.
    if YEAR.match(value) or len(value) > FIGURE_MAX_CHARS:
        return None
    if not (_words_in(reply.measures, sentence.text) or _measures_dimension(reply.measures, f"{value} {reply.unit}")):
        return None
    unit = reply.unit.strip()
    following = body[after.end() if after else match.end() : sentence.end][:40].lower()
    stem = unit[:-1] if len(unit) > 2 and unit.endswith("s") else unit  # "tonnes" also names "tonne"
    if _SHOWN_BY_THE_VALUE.match(unit) and (before or "%" in value or "cent" in value.lower()):
        unit = ""  # "$9 billion" with unit "USD"; "5%" with unit "percent"
    elif stem and re.search(rf"(?<![^\W\d_]){re.escape(stem)}(?:e?s)?(?![^\W\d_])", value, re.I):
        unit = ""  # "212,000 tonnes" with unit "tonne" would read "212,000 tonnes tonne"
    elif (last := value.split()[-1:]) and unit.lower().startswith(last[0].lower() + " "):
        unit = unit[len(last[0]) + 1 :]  # "1.2 million" with "million tonnes": "tonnes"
    if unit and not re.match(rf"\s*(?:of\s+)?{re.escape(unit.lower().rstrip('s') or unit.lower())}", following):
        unit = ""  # a unit the sentence does not write after the value ("number"; "of rare earths" before it)
    if not unit and not _shows_its_unit(value) and (written := _UNIT_AFTER.match(body, after.end() if after else match.end())):
        unit = written["unit"]  # the unit the sentence writes, where the reply gave none: "1.25" read "1.25 tonnes"
    measures = reply.measures
    if _names_only_its_unit(measures, value) and (measured := _measured_in(sentence.text, start - sentence.start)):
        measures = measured
    return Figure(value=value, unit=unit, measures=measures, sentence=sentence.text, start=sentence.start, end=sentence.end)


# A unit of measure written right after a value: "1.25 tonnes", "6,000 metric tons", "20 MW".
_UNIT_AFTER = re.compile(rf"[\s-]?(?P<unit>{_MASS_UNIT}|mw|gw|gwh)\b", re.I)


def _shows_its_unit(value: str) -> bool:
    """Whether a figure's value already shows what it counts in: a currency, a percentage (`UNIT_DIMENSIONS`) or a per-unit."""
    return "/" in value or any(UNIT_DIMENSIONS[name][0].search(value) for name in ("money", "share"))


_CLAUSE_END = re.compile(r"[,;:]\s|\s[–—]\s")
_DANGLING = re.compile(
    r"(?<!\S)(?:and|or|but|of|the|a|an|to|for|with|in|on|at|by|from|as|such as|including|than|that|its|their)[\s,;:–—-]*$"
)


def tidy_cut(text: str, limit: int, *, sentences_only: bool) -> str:
    """Prose the length cap cut mid-way (the grammar stops a string at `limit` characters), or that
    ends in an ellipsis or a dangling word ("applications such as"), is tidied, never ended with "…".
    A summary ends at its last whole sentence, or, when the cap cut its first, at its last whole
    clause of 8 words or more, with a full stop (the 1.5B model writes one 320-character sentence
    for some articles). A bullet cut mid-way is dropped (""): a clause cut out of its list reads as
    a whole point ("for wind, solar"). Other prose is the model's own and stays."""
    at_cap, ellipsis = len(text) >= limit, text.rstrip().endswith(("…", "..."))
    text = text.strip().strip("\u200b").strip()
    dangling = _DANGLING.search(text) is not None  # "...applications such as": stopped mid-way under the cap
    if text and sentences_only and text[-1] not in ".!?\"'’”)" and not (at_cap or ellipsis or dangling):
        # A summary whose last sentence has no stop was cut: seen where the model opened a quotation
        # ('The company calls Pela Ema "the only…'), which ends a JSON string. Its whole sentences stay.
        whole = sentences(text)[:-1]
        return text[: whole[-1].end].strip() if whole else text
    if not text or not (at_cap or ellipsis or dangling) or (text[-1] in ".!?\"'’”)" and not ellipsis):
        return text
    if not sentences_only:
        return ""
    whole = sentences(text)[:-1]  # the last one is the one cut
    if whole:
        return text[: whole[-1].end].strip()
    clauses = [text[: m.start()].rstrip() for m in _CLAUSE_END.finditer(text)]
    return next((c + "." for c in reversed(clauses) if len(c.split()) >= 8), "")


# --- the analysis ---------------------------------------------------------------------------------


class CrossChecker(Protocol):
    """The corpus cross-check (assay/crosscheck.py): one result per statement."""

    @property
    def name(self) -> str: ...

    def __call__(self, article: Article, found: Sequence[Statement], vectors: np.ndarray | None = None) -> list[CrossCheck]: ...


def label_statements(
    article: Article, decider: KindDecider, embedder: MiniLMEmbeddings
) -> tuple[list[Statement], np.ndarray, list[StatementLabels]]:
    """The breakdown's LLM-free half: statements, their vectors (embedded once: the decider and the
    cross-check share them) and the decider's labels per statement."""
    found: list[Statement] = statements(article)
    vectors = embedder.forward([s.text for s in found])
    return found, vectors, decider.decide(article, found, vectors)


def analysis_key(
    content_hash: str, prompts: dict[str, str], decider: str, crosscheck: str, model: str, prose_min_support: float,
    prose_names_margin: float | None = None, source: str | None = None,
) -> str:
    """Everything that changes an analysis's output: same key, same analysis, no LLM call. The publisher
    is no content but decides whose voice the article's own sentences are (a company's release)."""
    parts = [content_hash, prompts, decider, SPLITTER_VERSION, crosscheck, model, prose_min_support, KEY_SENTENCES_VERSION, NAMES_VERSION]
    parts.append(prose_names_margin)
    if source is not None:
        parts.append(source)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def analyse_article(
    article: Article,
    *,
    model: BaseChatModel,
    prompts: dict[str, PromptFile],
    decider: KindDecider,
    embedder: MiniLMEmbeddings,
    crosscheck: CrossChecker | None = None,
    callbacks: list[BaseCallbackHandler] | None = None,
    min_support: float = PROSE_MIN_SUPPORT,
    names_margin: float | None = PROSE_NAMES_MARGIN,
    max_prompt_chars: int | None = None,
    aliases: AliasBook | None = None,
) -> Analysis:
    """Analyse one article (entities typed as `aliases`, by default the shipped alias file, types them); raises StructuredOutputError if the LLM's answer is invalid twice, or
    grounds nothing of the summary in an article with no sentence to stand in for it. A body longer than `max_prompt_chars` (what fits the model's
    context) is summarised from its opening part; statements are still found in all of it."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    found, vectors, labels = label_statements(article, decider, embedder)
    timings["classify"] = time.perf_counter() - started

    prompt = prompts["summary"]
    read = opening(article.body, max_prompt_chars)
    messages = prompt.template().format_messages(title=article.title, body=read)
    usage = UsageCounter()
    config: RunnableConfig = {
        "callbacks": [*(callbacks or []), usage],
        "metadata": {"prompt": prompt.name, "prompt_version": prompt.version, "article_id": article.id},
    }
    started = time.perf_counter()
    probe = prompts.get("says")
    names_check = who_did_what(model, messages, probe, article, names_margin, config) if probe and names_margin is not None else None
    grounding = ProseGrounding(article, embedder, min_support, names_check)
    answer, retries = structured(
        model, messages, prompt.reply_schema(), config, check=_prose_check(grounding), recheck=_schema_only
    )
    reply = summary_reply(answer)
    summary, highlights, dropped = grounded_prose(reply, grounding)
    timings["llm"] = time.perf_counter() - started
    # Nothing of the model's summary held (a one-line item the 1.5B model padded with "an Australian
    # company"): the article's own central sentences, marked as such, rather than no analysis at all.
    summary_from_article = not summary
    if summary_from_article:
        summary = " ".join(key_sentences(article, embedder, k=2, standalone=True))
        if not summary:
            raise StructuredOutputError(f"nothing of the summary is grounded in the article: {'; '.join(dropped) or 'it was cut off'}")
    if isinstance(reply, SummaryReplyV5):  # the article's own key sentences: exact quotes, grounded as they are
        highlights = key_sentences(article, embedder)

    book = aliases or AliasBook.load()
    # "Clarios, "; "U. S." where the body writes "United States"
    named = [e.model_copy(update={"name": as_the_body_writes(e.name.strip().rstrip(",;:").strip(), article.body, book)})
             for joined in reply.entity_list() for e in (bare_name(part, book) for part in joined_names(joined, book))]
    found_entities = [as_the_body_types(e, article.body) for e in named if entity_rejected(e, article, book) is None]  # invented names, headings, phrases, titles
    entities = [e.model_copy(update={"name": initials_as_written(e.name, article.body)}) for e in typed_once(found_entities, book)]
    summary = initials_as_written(summary, article.body)
    figures = [f.model_copy(update={"measures": initials_as_written(f.measures, article.body)})
               for f in (_figure(d, article.body) for d in reply.figures) if f is not None]

    started = time.perf_counter()
    checks: Sequence[CrossCheck | None] = crosscheck(article, found, vectors) if crosscheck else [None] * len(found)
    timings["crosscheck"] = time.perf_counter() - started

    analysed = [
        StatementAnalysis(
            quote=s.text, start=s.start, end=s.end, **label.model_dump(),
            crosscheck=check if label.kind in (Kind.fact, Kind.claim) else None,
        )
        for s, label, check in zip(found, labels, checks)
    ]
    share, share_interval = rhetoric_share(labels, decider.share_error_sd)
    return Analysis(
        article_id=article.id,
        content_hash=article.content_hash,
        summary=summary,
        highlights=highlights,
        entities=entities,
        figures=figures,
        statements=analysed,
        rhetoric_share=share,
        rhetoric_share_interval=share_interval,
        provenance=Provenance(
            model=model_name(model),
            prompts={name: prompts[name].version for name in ANALYSIS_PROMPTS if name != "says" or names_check},  # the prompts it ran
            kind_decided_by=decider.name,
            splitter=SPLITTER_VERSION,
            crosscheck=crosscheck.name if crosscheck else "",
            timings_s={k: round(v, 3) for k, v in timings.items()},
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            llm_calls=usage.calls,
            repair_retries=retries,
            prose_dropped=dropped,
            summary_from_article=summary_from_article,
            summary_read_chars=len(read) if len(read) < len(article.body) else None,
            analysed_at=datetime.now().astimezone(),
        ),
    )


def opening(body: str, max_chars: int | None) -> str:
    """The body, or its opening up to `max_chars`, cut at the last paragraph (else sentence) end."""
    if max_chars is None or len(body) <= max_chars:
        return body
    cut = body[:max_chars]
    end = max(cut.rfind("\n"), cut.rfind(". ") + 1)
    return cut[:end].rstrip() if end > max_chars // 2 else cut


def rhetoric_share(labels: Sequence[StatementLabels], error_sd: float = 0.0, z: float = 1.96) -> tuple[float, tuple[float, float] | None]:
    """(share of the statements that are claim or rhetoric, its 95 % interval).

    When the decider gives each statement's probability of being claim or rhetoric, the share is their
    mean: counting the labels instead made the share track the classifier's class weights (0.31 on
    average against 0.22 true). Its interval adds the estimator's measured error (`error_sd`, from
    held-out articles) to the sampling spread of the statements themselves. Otherwise the share counts
    the confident labels, with a Wilson interval."""
    if labels and all(s.rhetoric_probability is not None for s in labels):
        p = np.asarray([s.rhetoric_probability for s in labels], dtype=float)
        share = float(p.mean())
        half = z * float(np.sqrt(error_sd**2 + (p * (1 - p)).sum() / len(p) ** 2))
        return round(share, 3), (round(max(0.0, share - half), 3), round(min(1.0, share + half), 3))
    sure = [s for s in labels if not s.uncertain]
    n = len(sure)
    if not n:
        return 0.0, None
    share = sum(s.kind in RHETORIC_KINDS for s in sure) / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((share * (1 - share) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    return round(share, 3), (round(max(0.0, centre - half), 3), round(min(1.0, centre + half), 3))
