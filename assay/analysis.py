"""One article's analysis: a structured summary and a real-vs-rhetoric breakdown grounded in its text.

Division of labour, from what was measured (see assay/classifier.py):
- code finds the statements and their exact offsets (assay/statements.py);
- small classifiers fitted on the labelled `train` split decide kind, attribution, evidence;
- the LLM writes the summary and highlights and picks entities and figures;
- code checks the LLM: every number it writes must be in the body (else one repair
  retry, then the article fails), and entities or figures not in the body are dropped;
- the corpus cross-check compares each fact and claim with the other articles in Chroma.
"""

from __future__ import annotations

import functools
import re
import time
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field, StringConstraints

from assay.classifier import StatementClassifiers, surface_features
from assay.embeddings import MiniLMEmbeddings
from assay.llm_log import UsageCounter
from assay.llms import model_name, structured
from assay.prompts import PromptFile
from assay.statements import Statement, statements, text_sentences
from assay.types import Article, Attribution, Evidence, Kind

# The prompts an analysis uses: its cache key and provenance name only these, so releasing another
# prompt (the answer prompt, say) does not make every analysis stale.
ANALYSIS_PROMPTS = ("summary",)

# --- what the LLM fills (caps keep grammar-constrained output finite) ---------------------------

Short = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class EntityType(StrEnum):
    company = "company"
    government = "government"
    country = "country"
    material = "material"
    project = "project"
    person = "person"
    other = "other"


class DraftEntity(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    type: EntityType


class DraftFigure(BaseModel):
    value: str = Field(min_length=1, max_length=24, description="The number exactly as the article writes it.")
    unit: str = Field("", max_length=24)
    measures: str = Field(min_length=1, max_length=80)


class SummaryDraft(BaseModel):
    """summary@1: one list of typed entities, written after the summary. Measured: the 1.5B model
    closes both lists empty once it has written the prose."""

    summary: str = Field(min_length=40, max_length=700)
    highlights: list[Short] = Field(min_length=3, max_length=5)
    entities: list[DraftEntity] = Field(default_factory=list, max_length=15)
    figures: list[DraftFigure] = Field(default_factory=list, max_length=8)

    def entity_list(self) -> list[DraftEntity]:
        return list(self.entities)


Name = Annotated[str, StringConstraints(min_length=2, max_length=60)]


class SummaryDraftV2(BaseModel):
    """summary@2: names and figures first, while the model is still reading the article, as plain
    lists per entity type (fewer tokens than typed objects). Every field is required because
    llama.cpp's schema grammar puts optional fields after required ones, whatever their order."""

    companies: list[Name] = Field(max_length=4)
    governments: list[Name] = Field(max_length=3, description="Governments and agencies.")
    countries: list[Name] = Field(max_length=4)
    materials: list[Name] = Field(max_length=4, description="Elements and materials: NdPr, Dy, NdFeB ...")
    projects: list[Name] = Field(max_length=3, description="Projects and sites.")
    figures: list[DraftFigure] = Field(max_length=3)
    summary: str = Field(min_length=40, max_length=400)
    highlights: list[Annotated[str, StringConstraints(min_length=10, max_length=140)]] = Field(min_length=3, max_length=3)

    def entity_list(self) -> list[DraftEntity]:
        typed = [
            (self.companies, EntityType.company), (self.governments, EntityType.government),
            (self.countries, EntityType.country), (self.materials, EntityType.material), (self.projects, EntityType.project),
        ]
        return [DraftEntity(name=name, type=kind) for names, kind in typed for name in dict.fromkeys(names)]


class SummaryDraftV3(SummaryDraftV2):
    """summary@3: summary@2 in fewer tokens, for the 25 s budget (`benchmarks/analyse.py`): at most
    3 names of a type (2 agencies, 2 projects) and shorter prose. Same fields, same order."""

    companies: list[Name] = Field(max_length=3)
    governments: list[Name] = Field(max_length=2, description="Governments and agencies.")
    countries: list[Name] = Field(max_length=3)
    materials: list[Name] = Field(max_length=3, description="Elements and materials: NdPr, Dy, NdFeB ...")
    projects: list[Name] = Field(max_length=2, description="Projects and sites.")
    summary: str = Field(min_length=40, max_length=320)
    highlights: list[Annotated[str, StringConstraints(min_length=10, max_length=110)]] = Field(min_length=3, max_length=3)


# --- the analysis as stored ---------------------------------------------------------------------


class Figure(DraftFigure):
    sentence: str = Field(description="The body sentence the number comes from (found by code).")
    start: int
    end: int


class EvidenceChunk(BaseModel):
    chunk_id: str
    article_id: str
    title: str
    published: str | None = None
    similarity: float


class CrossCheck(BaseModel):
    status: Literal["corroborated", "conflicting", "no_other_source"]
    evidence: list[EvidenceChunk] = Field(default_factory=list)
    repeated_by: list[str] = Field(default_factory=list, description="Articles that say nearly the same thing.")
    first_seen: str | None = Field(None, description="Earliest publication date among this article and its repeats.")


class StatementAnalysis(BaseModel):
    quote: str = Field(description="Exact span of the clean body.")
    start: int
    end: int
    kind: Kind
    kind_confidence: float
    attribution: Attribution
    evidence: Evidence
    rationale: str
    crosscheck: CrossCheck | None = Field(None, description="For facts and claims only.")


class Provenance(BaseModel):
    model: str
    prompts: dict[str, str]
    classifier: str
    kind_decided_by: Literal["classifier"] = "classifier"
    timings_s: dict[str, float]
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0
    repair_retries: int = 0
    analysed_at: datetime


class Analysis(BaseModel):
    article_id: str
    content_hash: str
    summary: str
    highlights: list[str]
    entities: list[DraftEntity]
    figures: list[Figure]
    claims: list[StatementAnalysis]
    rhetoric_share: float = Field(description="Share of statements that are claim or rhetoric.")
    provenance: Provenance


# --- grounding ------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    """Numbers as written, without thousands separators: '11,200' and '11200' are the same figure."""
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}


def ungrounded_numbers(draft: SummaryDraft | SummaryDraftV2, body: str) -> set[str]:
    """Numbers in the prose that the body does not have: worth a repair retry. A figure whose value is
    not in the body is simply dropped (measured: the model repeats an invented figure when asked again)."""
    written = " ".join(prose(draft))
    return numbers(written) - numbers(body)


def prose(draft: SummaryDraft | SummaryDraftV2) -> list[str]:
    """The summary and highlights as stored: prose the length cap cut off is tidied first, so the
    junk a small model writes against the cap ("capital stepping 2") is dropped, not retried."""
    summary_cap, highlight_cap = _length_caps(type(draft))
    return [
        tidy_cut(draft.summary, summary_cap, sentences_only=True),
        *(tidy_cut(h, highlight_cap, sentences_only=False) for h in draft.highlights),
    ]


@functools.cache
def _length_caps(schema: type[BaseModel]) -> tuple[int, int]:
    properties = schema.model_json_schema()["properties"]
    return properties["summary"]["maxLength"], properties["highlights"]["items"]["maxLength"]


def _grounding_check(body: str):  # type: ignore[no-untyped-def]
    def check(draft: SummaryDraft | SummaryDraftV2) -> None:
        missing = ungrounded_numbers(draft, body)
        if missing:
            raise ValueError(f"these numbers are not in the article: {sorted(missing)}; use only numbers the article gives")

    return check


def _figure(draft: DraftFigure, body: str) -> Figure | None:
    # The value as a whole number of the body: "1" must not match inside "2015".
    match = re.search(rf"(?<![\w.,]){re.escape(draft.value.strip())}(?![\w]|[.,]\d)", body)
    if match is None:
        return None
    position = match.start()
    sentence = next((s for s in text_sentences(body) if s.start <= position < s.end), None)
    if sentence is None:
        return None
    return Figure(**draft.model_dump(), sentence=sentence.text, start=sentence.start, end=sentence.end)


def tidy_cut(text: str, limit: int, *, sentences_only: bool) -> str:
    """Prose the length cap cut mid-way (the grammar stops a string at `limit` characters) ends at
    its last whole sentence (summary) or word (bullet). Shorter prose is the model's own and stays."""
    cut = len(text) >= limit
    text = text.strip().strip("\u200b").strip()
    if not cut or not text or text[-1] in ".!?\"'’”)":
        return text
    if sentences_only:
        last = max(text.rfind(". "), text.rfind("? "), text.rfind("! "))
        if last > 0:
            return text[: last + 1]
    return text.rsplit(" ", 1)[0].rstrip(",;:–—-") + "…" if " " in text else text


def _rationale(text: str, kind: str, p: float) -> str:
    cues = [name for name, on in zip(("a figure", "reported speech", "superlatives", "hedging"), surface_features(text)[:4]) if on]
    return f"{kind} (p={p:.2f})" + (f"; cues: {', '.join(cues)}" if cues else "")


# --- the analysis ---------------------------------------------------------------------------------


def classify_statements(article: Article, classifiers: StatementClassifiers, embedder: MiniLMEmbeddings):  # type: ignore[no-untyped-def]
    """The breakdown's LLM-free half: statements, their vectors (embedded once: classifiers and the
    cross-check share them) and the classifiers' (label, probability) per statement."""
    found: list[Statement] = statements(article)
    vectors = embedder.forward([s.text for s in found])
    return found, vectors, classifiers.predict([s.text for s in found], embedder, vectors)


def analyse_article(
    article: Article,
    *,
    model: BaseChatModel,
    prompts: dict[str, PromptFile],
    classifiers: StatementClassifiers,
    embedder: MiniLMEmbeddings,
    crosscheck=None,  # type: ignore[no-untyped-def]  # callable(article, statements, vectors) -> list[CrossCheck]
    callbacks: list | None = None,
) -> Analysis:
    """Analyse one article; raises StructuredOutputError if the LLM's answer is invalid twice."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    found, vectors, predictions = classify_statements(article, classifiers, embedder)
    timings["classify"] = time.perf_counter() - started

    prompt = prompts["summary"]
    messages = prompt.template().format_messages(title=article.title, body=article.body)
    usage = UsageCounter()
    config = {
        "callbacks": [*(callbacks or []), usage],
        "metadata": {"prompt": prompt.name, "prompt_version": prompt.version, "article_id": article.id},
    }
    started = time.perf_counter()
    draft, retries = structured(model, messages, prompt.schema(), config, check=_grounding_check(article.body))
    timings["llm"] = time.perf_counter() - started

    summary, *highlights = prose(draft)
    body_lower = article.body.lower()
    entities = [e for e in draft.entity_list() if e.name.lower() in body_lower]  # invented names are dropped
    figures = [f for f in (_figure(d, article.body) for d in draft.figures) if f is not None]

    started = time.perf_counter()
    checks = crosscheck(article, found, vectors) if crosscheck else [None] * len(found)
    timings["crosscheck"] = time.perf_counter() - started

    claims = [
        StatementAnalysis(
            quote=s.text, start=s.start, end=s.end,
            kind=p["kind"][0], kind_confidence=round(p["kind"][1], 3),
            attribution=p["attribution"][0], evidence=p["evidence"][0],
            rationale=_rationale(s.text, p["kind"][0], p["kind"][1]),
            crosscheck=check if p["kind"][0] in ("fact", "claim") else None,
        )
        for s, p, check in zip(found, predictions, checks)
    ]
    share = sum(c.kind in ("claim", "rhetoric") for c in claims) / len(claims) if claims else 0.0
    return Analysis(
        article_id=article.id,
        content_hash=article.content_hash,
        summary=summary,
        highlights=highlights,
        entities=entities,
        figures=figures,
        claims=claims,
        rhetoric_share=round(share, 3),
        provenance=Provenance(
            model=model_name(model),
            prompts={name: prompts[name].version for name in ANALYSIS_PROMPTS},
            classifier=classifiers.version,
            timings_s={k: round(v, 3) for k, v in timings.items()},
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            llm_calls=usage.calls,
            repair_retries=retries,
            analysed_at=datetime.now().astimezone(),
        ),
    )
