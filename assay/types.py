"""The data that moves through ingestion, as pydantic models whose fields document it."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal, NamedTuple, Protocol

import numpy as np
from pydantic import BaseModel, Field, computed_field, field_validator, model_validator

# The labels of the real-vs-rhetoric breakdown, defined once here as LABELLING.md defines them.


class Kind(StrEnum):
    fact = "fact"
    claim = "claim"
    rhetoric = "rhetoric"
    opinion = "opinion"


KINDS = [kind.value for kind in Kind]  # fact, claim, rhetoric, opinion: the order every table and view uses
class KindColour(NamedTuple):
    strong: str  # text in the terminal, underlines and bar segments in the report
    light: str  # highlight backgrounds in the report, light enough to read black text on


# One colour per kind, for the terminal and the report alike.
KIND_COLOURS = {
    Kind.fact: KindColour(strong="#2e7d32", light="#b8e6b8"),
    Kind.claim: KindColour(strong="#b28704", light="#fbe7a1"),
    Kind.rhetoric: KindColour(strong="#c62828", light="#f6b8b8"),
    Kind.opinion: KindColour(strong="#00838f", light="#b3e5ee"),
}
# The kinds that make up an article's rhetoric share: what is asserted without support, or spun.
RHETORIC_KINDS = (Kind.claim, Kind.rhetoric)


class Attribution(StrEnum):
    company = "company"
    state_media = "state_media"
    government = "government"
    third_party = "third_party"
    author = "author"


class Evidence(StrEnum):
    none = "none"
    self_reported = "self_reported"
    document = "document"
    independent = "independent"


class SourceKind(StrEnum):
    feed = "feed"
    page = "page"
    file = "file"


class Fetched(BaseModel):
    """The bytes of one source, as they came off the network or the disk."""

    source: str = Field(description="What the user named: a URL or a path.")
    url: str | None = Field(None, description="Final URL after redirects (a shared file's share link); None for local files.")
    filename: str | None = Field(None, description="The file name the server gave (Content-Disposition), if any.")
    content: bytes = Field(b"", repr=False)
    content_type: str = Field("", description="HTTP Content-Type, or one guessed from the file suffix.")
    charset: str | None = Field(None, description="Charset the server declared, if any.")
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = Field(False, description="A conditional GET answered 304: nothing new.")
    modified: datetime | None = Field(
        None, description="When the file last changed (its mtime), or the page (Last-Modified, else when it was fetched): "
        "the year a wire dateline without one is read in.")
    notes: list[str] = Field(default_factory=list, description="What fetching did that the ingest report says (read from an archived copy).")


class RawItem(BaseModel):
    """One article as a source offers it, before cleaning."""

    source: str = Field(description="Feed title, site host or file name: who published this.")
    source_url: str = Field(description="The feed, page or file this item came from.")
    url: str | None = Field(None, description="Canonical URL of the article, if it has one.")
    guid: str | None = Field(None, description="The feed's guid/id for this item.")
    story_id: str | None = Field(
        None, description="A wire story's id, the same in each version the provider sends (NITF's doc-id, NewsML-G2's guid): "
                          "its identity when it has no URL, so an update replaces the version before."
    )
    title: str = ""
    author: str | None = None
    published: datetime | None = None
    categories: list[str] = Field(default_factory=list)
    content: str = Field("", repr=False, description="The article text as given.")
    content_format: Literal["html", "text", "markdown", "extracted"] = Field(
        "html", description="How to read `content`; `extracted` is trafilatura's XML of a whole page."
    )
    notes: list[str] = Field(
        default_factory=list, description="What a reader guessed or repaired (an encoding, a missing title), for the ingest report."
    )
    read_at_url: bool = Field(
        False, description="`content` is only a headline's teaser (an alert email's): ingest reads the article from `url`."
    )


class Section(BaseModel):
    heading: str | None = Field(description="Section heading; None for text before the first heading.")
    start: int = Field(description="Offset of the section's first character in the clean body.")
    end: int = Field(description="Offset just past the section's last character.")


class Article(BaseModel):
    """A clean article: what is chunked, embedded, analysed and shown."""

    id: str = Field(description="Hash of the canonical URL, or of the content when there is no URL.")
    url: str | None = None
    guid: str | None = None
    title: str
    author: str | None = None
    published: datetime | None = None
    source: str
    source_url: str
    categories: list[str] = Field(default_factory=list)
    highlights: list[str] = Field(
        default_factory=list, description="The publisher's Highlights bullets, never part of the body."
    )
    body: str = Field(description="Clean text: paragraphs split by blank lines, list items as '• ' lines.")
    sections: list[Section] = Field(default_factory=list)
    reading_notes: list[str] = Field(
        default_factory=list,
        description="How the text was read: its reader's notes (read by OCR, an encoding guessed, where the date came from). Not content.",
    )
    read_by: str | None = Field(
        None, description="Which reading of the sources made it (`assay.articles.READER_VERSION`), kept with each version. Not content.")

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to serialise a property
    @property
    def content_hash(self) -> str:
        """Changes when anything a reader or the analysis sees changes: the headings too (the classifier
        reads a statement's section), so a reader that learns a file's headings updates it on the next
        ingest. Sections without headings add nothing: a plain text's hash is what it always was."""
        parts = [self.title, self.published.isoformat() if self.published else "", *self.highlights, self.body]
        if any(s.heading for s in self.sections):
            parts += [f"\x1e{s.heading or ''}\x1e{s.start}" for s in self.sections]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Chunk(BaseModel):
    id: str = Field(description="Deterministic: article id, position and a hash of the text.")
    article_id: str
    index: int
    text: str
    start: int = Field(description="Offset into the article's clean body.")
    end: int
    section: str | None = None

    def metadata(self, article: Article) -> dict[str, str | int | float | bool]:
        """Chroma metadata: scalars only, so missing values are left out rather than None."""
        meta: dict[str, str | int | float | bool] = {
            "article_id": self.article_id,
            "chunk_index": self.index,
            "title": article.title,
            "source": article.source,
            "start": self.start,
            "end": self.end,
        }
        if article.url:
            meta["url"] = article.url
        if article.published:
            meta["published"] = article.published.isoformat()
            meta["published_ts"] = int(article.published.timestamp())
        if self.section:
            meta["section"] = self.section
        return meta


class ItemStatus(StrEnum):
    new = "new"
    updated = "updated"
    unchanged = "unchanged"
    duplicate = "duplicate"
    removed = "removed"  # an article the user removed (`assay remove`), offered again by a feed or a folder: kept out
    failed = "failed"


def path_text(path: str) -> str:
    """A file's path as text that can be stored and printed. Python reads a file name whose bytes are not UTF-8
    (an old Windows share's "B\xf6rse.txt", a zip's cp437 names unpacked) with lone surrogates, which no database
    or UTF-8 terminal takes: a folder holding one such file had failed its whole ingest ("surrogates not allowed").
    Those bytes become \\xNN escapes; any other path is itself (the round trip leaves UTF-8 as it is)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class ItemResult(BaseModel):
    """What ingestion did with one item (or with a whole source that failed before its items)."""

    location: str = Field(description="The item's URL, or the feed, page, file or folder the user named.")
    status: ItemStatus
    article_id: str | None = None
    title: str | None = None
    url: str | None = None
    chunks: int = Field(0, description="Chunks embedded and stored for this item in this run.")
    error: str | None = None
    feed: str | None = Field(None, description="The feed this item came from, as it was named.")
    guid: str | None = None
    notes: list[str] = Field(default_factory=list, description="What was guessed or repaired on the way in.")

    @field_validator("location", "feed")
    @classmethod
    def _text(cls, value: str | None) -> str | None:  # a file's name as the report prints it
        return None if value is None else path_text(value)


class IngestReport(BaseModel):
    results: list[ItemResult] = Field(default_factory=list)
    not_modified: list[str] = Field(default_factory=list, description="Feeds that answered 304.")
    fetched: list[str] = Field(default_factory=list, description="Every URL fetched, in order, including pages linked from feeds.")
    unread: list[str] = Field(
        default_factory=list, description="Files of a named folder in no format Assay reads by name: left out, and named here."
    )

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to serialise a property
    @property
    def counts(self) -> dict[str, int]:
        return {status.value: sum(r.status == status for r in self.results) for status in ItemStatus}

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to serialise a property
    @property
    def chunks_embedded(self) -> int:
        return sum(r.chunks for r in self.results)

    def summary_line(self) -> str:
        # "0 removed" on every ingest would say nothing: the kept-out count shows when there is one.
        return ", ".join(f"{n} {status}" for status, n in self.counts.items() if n or status != ItemStatus.removed)


class AnalyseResult(BaseModel):
    article_id: str
    title: str | None = None
    status: Literal["analysed", "unchanged", "skipped", "busy", "failed"] = Field(
        description="busy: another worker holds the article's claim and is analysing it"
    )
    error: str | None = None
    llm_calls: int = 0
    seconds: float = 0.0


class AnalyseReport(BaseModel):
    results: list[AnalyseResult] = Field(default_factory=list)
    rechecked: list[str] = Field(
        default_factory=list, description="Articles analysed earlier whose cross-checks these analyses changed (corroborated or contradicted since)."
    )

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to serialise a property
    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in ("analysed", "unchanged", "skipped", "busy", "failed")}


class Deployed(BaseModel):
    """A deployment `assay deploy` registered with the Prefect server."""

    name: str = Field(description="flow/deployment, as `prefect deployment run` takes it")
    id: str
    pool: str
    schedule: str | None = None
    triggered_by: list[str] = Field(default_factory=list, description="events that start a run")


class PipelineReport(BaseModel):
    """What `assay ingest` (and each scheduled poll) did: ingestion, then analysis of what is new or changed."""

    ingest: IngestReport
    analysis: AnalyseReport | None = Field(None, description="None when nothing was new or analysis was off.")

    @property
    def failed(self) -> int:
        return self.ingest.counts["failed"] + (self.analysis.counts["failed"] if self.analysis else 0)


class Version(BaseModel):
    """One version of an article as the registry keeps it."""

    version: int
    read_at: datetime
    title: str
    body: str
    read_by: str | None = Field(None, description="The reading of the sources that made it; None: stored before it was kept.")


class TextChange(BaseModel):
    """A sentence one version of an article had and the next changed, added or took out."""

    kind: Literal["changed", "added", "removed"]
    before: str | None = Field(None, description="As the earlier version had it; None for an added sentence.")
    after: str | None = Field(None, description="As the later version has it; None for a removed one.")
    figures: list[tuple[str, str]] = Field(
        default_factory=list, description="For a changed sentence, each figure the earlier had and the later has instead (\"1.5\" -> \"1.6\").")


class Revision(BaseModel):
    """What changed in an article from one version to the next (a correction, an agency's update, a quiet edit)."""

    version: int = Field(description="The later version's number; the earlier is the one before it.")
    at: datetime = Field(description="When the later version was read.")
    reread: bool = Field(False, description="A newer reading of the sources made the later version: some of the changes may be "
                                            "Assay's reading, not the publisher's edit.")
    title_before: str | None = Field(None, description="The earlier title, when the title changed.")
    changes: list[TextChange] = Field(default_factory=list)


class StoredArticle(Article):
    """An article as the registry holds it: the article and its record."""

    version: int = 1
    status: str = Field("ingested", description="ingested or analysed")
    chunk_count: int = 0
    first_seen: datetime | None = None
    updated_at: datetime | None = None

    def article(self) -> Article:
        return Article.model_validate(self.model_dump(include=set(Article.model_fields)))


class RemovedArticle(BaseModel):
    """An article the user took out of the corpus (`assay remove`). Its source is untouched; a feed or
    a folder that offers it again is not read into the corpus, a page or file named on its own is."""

    article_id: str
    title: str
    location: str = Field(description="Its URL, or the path of the file it was read from.")
    removed_at: datetime
    read_from: str | None = Field(default=None, description="The feed, page or file it was read from (None if removed before this was kept).")


class RemoveReport(BaseModel):
    removed: list[RemovedArticle] = Field(default_factory=list)
    already: list[RemovedArticle] = Field(default_factory=list, description="Named, and removed before: nothing to do.")
    chunks: int = Field(0, description="Chunks taken out of the vector store and the keyword index.")
    rechecked: list[str] = Field(
        default_factory=list, description="Articles whose cross-checks changed: the removed articles were evidence in them."
    )


# --- the analysis of one article, as stored -----------------------------------------------------


class SourceType(StrEnum):
    """What published an article, which decides whose voice its unattributed sentences are."""

    company_release = "company_release"
    state_media = "state_media"
    wire = "wire"
    analyst = "analyst"
    government = "government"
    news = "news"  # no rule placed it: a newspaper, a trade site, a blog


class EntityType(StrEnum):
    company = "company"
    government = "government"
    country = "country"
    material = "material"
    project = "project"
    person = "person"
    other = "other"


# Whom an entity of each type speaks as: a company as a company, a state or its agency as the government
# ("the government says" is a government's or a country's). Other types speak for no one.
SPEAKER_ATTRIBUTION: dict[EntityType, Attribution] = {
    EntityType.company: Attribution.company, EntityType.government: Attribution.government, EntityType.country: Attribution.government,
}


class Entity(BaseModel):
    name: str = Field(min_length=1, max_length=60)
    type: EntityType


FIGURE_MAX_CHARS = 24  # "US$1.2 billion", "640,000 yuan/t": longer is a phrase, not a figure


MEASURES_MAX_CHARS = 80  # what a figure measures, as the report's and `assay show`'s figure lines show it


class FigureReply(BaseModel):
    """A key figure as the LLM names it."""

    value: str = Field(min_length=1, max_length=FIGURE_MAX_CHARS, description="The number exactly as the article writes it.")
    unit: str = Field("", max_length=FIGURE_MAX_CHARS)
    measures: str = Field(min_length=1, max_length=MEASURES_MAX_CHARS)


class Figure(FigureReply):
    sentence: str = Field(description="The body sentence the number comes from (found by code).")
    start: int
    end: int


class EvidenceChunk(BaseModel):
    chunk_id: str
    article_id: str
    title: str
    published: str | None = None
    similarity: float


CrossCheckStatus = Literal["corroborated", "conflicting", "no_other_source"]
_CROSSCHECK_LABELS: dict[str, str] = {"corroborated": "corroborated", "conflicting": "conflicting", "no_other_source": "no other source"}


def crosscheck_label(status: CrossCheckStatus, claimant_only: bool = False) -> str:
    """A cross-check's verdict in words; with no other source but articles that repeat the claimant, says so."""
    return "no independent source: only the claimant's word" if status == "no_other_source" and claimant_only else _CROSSCHECK_LABELS[status]


class CrossCheck(BaseModel):
    status: CrossCheckStatus
    evidence: list[EvidenceChunk] = Field(default_factory=list)
    repeated_by: list[str] = Field(default_factory=list, description="Articles that say nearly the same thing.")
    claimant_only: list[str] = Field(
        default_factory=list, description="Articles that agree only by repeating the statement's claimant (its own release, "
        "or its words reported): no independent source, so the status stays no_other_source.")
    agreeing: list[str] = Field(default_factory=list, description="Articles that corroborate it (the rest of `evidence` is related only).")
    conflicting_with: list[str] = Field(default_factory=list, description="Articles that contradict it.")

    @property
    def verdict_articles(self) -> list[str]:
        """The articles behind the status: those that corroborate it, else those that contradict it, else
        the related ones (all of `evidence` for an analysis made before the two lists were kept)."""
        if self.status == "corroborated" and self.agreeing:
            return list(self.agreeing)
        if self.status == "conflicting" and self.conflicting_with:
            return list(self.conflicting_with)
        related = {e.article_id for e in self.evidence}
        return sorted(related if self.status != "no_other_source" else related - set(self.claimant_only))

    @property
    def label(self) -> str:
        return crosscheck_label(self.status, bool(self.claimant_only))
    first_seen: str | None = Field(None, description="Earliest publication date among this article and its repeats.")


class StatementLabels(BaseModel):
    """What a kind decider (assay/kinds.py) says of one statement."""

    kind: Kind
    kind_confidence: float | None = Field(
        description="Calibrated probability of the kind; None when the decider gives none (an LLM without log-probabilities, "
        "or a rule that settled the kind: a first-person judgement)."
    )
    uncertain: bool = Field(
        False, description="The decider is not confident of the kind: shown as uncertain, left out of the rhetoric share."
    )
    rhetoric_probability: float | None = Field(
        None, description="Calibrated probability that the statement is claim or rhetoric: the rhetoric share is their mean."
    )
    attribution: Attribution
    evidence: Evidence
    rationale: str = Field(description="The cues that decided the kind, in words.")


class StatementAnalysis(StatementLabels):
    quote: str = Field(description="Exact span of the clean body.")
    start: int
    end: int
    crosscheck: CrossCheck | None = Field(None, description="For facts and claims only.")


class Provenance(BaseModel):
    model: str
    prompts: dict[str, str]
    kind_decided_by: str = Field(description="The kind decider, with its version (assay/kinds.py).")
    splitter: str = Field("", description="Version of the statement splitter.")
    crosscheck: str = Field("", description="The cross-check's thresholds.")
    timings_s: dict[str, float]
    input_tokens: int = 0
    output_tokens: int = 0
    llm_calls: int = 0
    repair_retries: int = 0
    summary_read_chars: int | None = Field(
        None, description="Set when the body was too long for the model's context: the summary was written from its first N characters."
    )
    prose_dropped: list[str] = Field(
        default_factory=list,
        description="Summary sentences and highlights left out as not grounded in the body after the repair retry (or cut off by the length cap), each with why in brackets.",
    )
    summary_from_article: bool = Field(
        False, description="Nothing of the model's summary was grounded in the body after the repair retry: the summary is the article's own most central sentences, quoted exactly.",
    )
    analysed_at: datetime
    crosschecked_at: datetime | None = Field(
        None, description="When the cross-check was run again because later articles may corroborate or contradict it."
    )

    @model_validator(mode="before")
    @classmethod
    def _earlier_versions(cls, data: Any) -> Any:
        """Earlier analyses said kind_decided_by="classifier" and gave its version as "classifier"."""
        if isinstance(data, dict) and "classifier" in data and data.get("kind_decided_by", "classifier") == "classifier":
            data = {**data, "kind_decided_by": f"classifier@{data['classifier']}"}
        return data


class Analysis(BaseModel):
    article_id: str
    content_hash: str
    summary: str
    highlights: list[str]
    entities: list[Entity]
    figures: list[Figure]
    statements: list[StatementAnalysis] = Field(description="Every check-worthy statement, of every kind.")
    rhetoric_share: float = Field(
        description="Estimated share of the statements that are claim or rhetoric (the mean of their probabilities; "
        "counted over the confident labels where the decider gives none)."
    )
    rhetoric_share_interval: tuple[float, float] | None = Field(
        None, description="95 % interval of the rhetoric share; None in earlier analyses."
    )
    provenance: Provenance

    @model_validator(mode="before")
    @classmethod
    def _earlier_versions(cls, data: Any) -> Any:
        """Analyses stored by earlier versions kept statements under "claims" and named the classifier apart."""
        if isinstance(data, dict) and "statements" not in data and "claims" in data:
            data = {**data, "statements": data["claims"]}
        return data

    def crosschecked_against(self, *, repeats: bool = False) -> set[str]:
        """The other articles its cross-checks cite as evidence (and, with `repeats`, as repeating a statement)."""
        return {a for s in self.statements if s.crosscheck
                for a in [*(e.article_id for e in s.crosscheck.evidence), *(s.crosscheck.repeated_by if repeats else [])]}


# --- what the domain asks of the store (store/ implements these) ---------------------------------


class ChunkRef(BaseModel):
    """A stored chunk and what a reader needs to cite it."""

    chunk_id: str
    article_id: str
    text: str
    start: int = Field(description="Offset of the chunk in its article's clean body.")
    end: int
    title: str
    url: str | None = None
    published: str | None = None
    source: str = Field("", description="The article's publisher.")


class StoredChunk(ChunkRef):
    """A chunk as the chunk store hands it back."""

    similarity: float | None = Field(None, description="Cosine similarity to the query, for nearest-chunk searches.")


class ChunkSearch(Protocol):
    """Nearest chunks by vector, and chunks by id: the chunk store as the domain sees it."""

    def nearest(
        self, vectors: np.ndarray, k: int, *, exclude_article: str | None = None, only_articles: Sequence[str] | None = None
    ) -> list[list[StoredChunk]]: ...

    def chunks(self, ids: Sequence[str]) -> list[StoredChunk]: ...

    def count(self) -> int: ...


class KeywordHit(BaseModel):
    chunk_id: str
    score: float


class KeywordSearch(Protocol):
    def search(self, query: str, k: int, article_ids: set[str] | None = None) -> list[KeywordHit]: ...


class TermWeights(Protocol):
    """Each text's terms, weighed by how rare they are in the corpus (idf): the keyword index."""

    def term_weights(self, texts: Sequence[str]) -> list[dict[str, float]]: ...


class ArticleCatalog(Protocol):
    """Articles and their analyses: the registry as the domain sees it."""

    def articles(self) -> list[StoredArticle]: ...

    def latest_analysis(self, article_id: str) -> Analysis | None: ...

    def writers(self, article_ids: Collection[str]) -> dict[str, str]:
        """The bylines of these articles, by id: those that have one."""
        ...


class CallLog(Protocol):
    """Where every LLM call is logged (the registry)."""

    def log_llm_call(self, **fields: Any) -> None: ...
