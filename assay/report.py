"""The report: a static site that opens from disk, for people to look at the corpus and its analyses.

`write_report` writes `index.html` (every article: date, source, title, statements by kind, a
rhetoric-share bar; sortable and filterable), one page per article under `articles/` (the generated
summary and highlights beside the publisher's, the clean text with each statement's span
highlighted in its kind's colour and its details on hover or selection, tables of entities and
figures), and a copy of the latest eval report under `eval/` when there is one.

Given the alias book (`aliases`), it writes the cross-article pages too (issue 17), all linked from
every page's header: `entities/index.html` and a page per entity (its statements grouped by kind,
newest first, each with its cross-check status and a link into its article; the spellings merged
and why), `sources/index.html` and a page per source (an inline SVG chart: the share of each kind,
and the rhetoric share per month with its 95 % interval; the profiles per source type on the
index), `search.html` (every statement of the corpus as JSON in the page, filtered as one types,
offline) and, given an embedding function (`embed`), `claims.html`: the claims repeated across
articles, each a timeline. Without `embed` there is no claims page and the index says why.

A statement whose kind the decider is not confident of (`uncertain`) is never coloured as if it
were sure: it is hatched grey with a dashed underline and a "?" and reads "probably claim (p=0.42)";
it is left out of the kind counts and of the rhetoric-share bar, which is drawn over the confident
statements with its 95 % interval and says how many were uncertain (`share_sentence`, which
`assay show` prints too).

The folder is shared with whatever else the user keeps there, so the report deletes only what it
wrote itself: `.assay-report.json` lists every file the last report wrote; a non-empty folder
without one is refused (`ReportFolderError`) unless it holds nothing but an earlier release's
report, which is adopted; nothing is written or deleted through a symbolic link; and each file is
written to a temporary file beside it and renamed into place, so a crash leaves the old file.

Everything an article holds is escaped by Jinja's autoescaping; links out of the site are made only
from http(s) URLs; each page carries its script and stylesheet inline and a Content-Security-Policy
that lets nothing else run or load, so the site needs no network and an article's markup stays text.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import re
import secrets
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pydantic import BaseModel, Field, ValidationError

from assay.aliases import AliasBook
from assay.corpus import SOURCE_TYPE_LABELS, CorpusView, SourceRules, StatementRecord, load_corpus
from assay.entities import EntityPage, entity_pages
from assay.profiles import SourceProfile, source_profiles, source_type_profiles
from assay.settings import Settings
from assay.statements import CORRECTION_NOTE
from assay.timelines import RepeatedClaim, repeated_claims
from assay.types import KIND_COLOURS, KINDS, Analysis, Article, ArticleCatalog, Revision, StatementAnalysis

log = logging.getLogger(__name__)

ARTICLES_DIR = "articles"
EVAL_DIR = "eval"
INDEX = "index.html"
EVAL_PAGE = f"{EVAL_DIR}/report.html"
ENTITIES_DIR = "entities"
SOURCES_DIR = "sources"
ENTITIES_INDEX = f"{ENTITIES_DIR}/index.html"
SOURCES_INDEX = f"{SOURCES_DIR}/index.html"
CLAIMS_PAGE = "claims.html"
SEARCH_PAGE = "search.html"
MANIFEST = ".assay-report.json"
MANIFEST_FORMAT = "assay-report/1"


class ReportFolderError(ValueError):
    """The report folder holds what is not the report's, or a link the report would write through."""


def default_report_dir(settings: Settings) -> Path:
    return settings.home / "report"


def default_eval_report(settings: Settings) -> Path:
    """Where the eval suite leaves its latest report (it may not have run yet)."""
    return settings.evals_dir / "latest" / "report.html"


# --- what the templates show -----------------------------------------------------------------


class KindCounts(BaseModel):
    """Confident statements per kind, and how many were uncertain; templates read `counts[kind]` or
    `counts.claim`. An uncertain statement's kind is a guess: it is counted apart, not under its kind."""

    by_kind: dict[str, int] = Field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    uncertain: int = 0

    @property
    def total(self) -> int:
        """The confident statements: what the kind counts and the rhetoric-share bar are over."""
        return sum(self.by_kind.values())

    @property
    def statements(self) -> int:
        return self.total + self.uncertain

    def __getitem__(self, kind: str) -> int:
        return self.by_kind[kind]

    @classmethod
    def of(cls, statements: Sequence[StatementAnalysis]) -> KindCounts:
        counts = cls()
        for statement in statements:
            if statement.uncertain:
                counts.uncertain += 1
            else:
                counts.by_kind[statement.kind.value] += 1
        return counts


def _percent(share: float, space: str) -> str:
    return f"{round(share * 100)}{space}%"


def share_sentence(analysis: Analysis, space: str = "\u00a0") -> str:
    """The rhetoric share as the report and `assay show` state it, e.g. "31 % claim or rhetoric
    (95 % CI 11–51 %), estimated over 40 statements; 6 uncertain". `space` goes between a number and
    its "%" (a no-break space on a page). An analysis stored before intervals has none to state."""
    counts = KindCounts.of(analysis.statements)
    uncertain = f"; {counts.uncertain} uncertain" if counts.uncertain else ""
    if not counts.statements:
        return "no statements"
    estimated = all(s.rhetoric_probability is not None for s in analysis.statements)
    if not counts.total and not estimated:
        return f"no confident statements, so no share{uncertain}"
    share = f"{_percent(analysis.rhetoric_share, space)} claim or rhetoric"
    interval = analysis.rhetoric_share_interval
    if interval is None:  # analysed by an earlier version: every statement counted, no interval kept
        return f"{share} of {counts.statements} {_plural(counts.statements)} (no interval: analysed by an earlier version){uncertain}"
    low, high = (round(bound * 100) for bound in interval)
    ci = f"(95{space}% CI {low}–{high}{space}%)"
    if estimated:  # the mean of every statement's probability, uncertain ones included
        return f"{share} {ci}, estimated over {counts.statements} {_plural(counts.statements)}{uncertain}"
    return f"{share} {ci} of {counts.total} confident {_plural(counts.total)}{uncertain}"


def _plural(n: int) -> str:
    return "statement" if n == 1 else "statements"


class Piece(BaseModel):
    text: str
    heading: bool = False


class Run(BaseModel):
    """A stretch of the body: one statement's span (statement = its index), or text between spans."""

    start: int
    end: int
    statement: int | None = None
    pieces: list[Piece]


class SourceLink(BaseModel):
    article_id: str
    title: str
    href: str | None = None
    date: str | None = None
    similarity: float
    repeat: bool = False
    claimant: bool = Field(False, description="It agrees only by repeating the statement's claimant.")
    role: str = Field("", description="What it does to the statement: corroborates it, contradicts it, or neither (related).")


class StatementView(BaseModel):
    index: int
    kind: str
    quote: str
    start: int
    end: int
    confidence: float | None = None  # None: the decider gave no probability, and none is shown
    uncertain: bool = False
    attribution: str
    evidence: str
    rationale: str
    status: str | None = None
    status_label: str | None = None
    first_seen: str | None = None
    sources: list[SourceLink] = []
    sources_label: str = ""

    @property
    def kind_label(self) -> str:
        """"claim (confidence 0.93)", or "probably claim (p=0.42)" when the kind is uncertain."""
        if self.uncertain:
            return f"probably {self.kind}" + (f" (p={self.confidence:.2f})" if self.confidence is not None else "")
        return self.kind + (f" (confidence {self.confidence:.2f})" if self.confidence is not None else "")

    @property
    def tooltip(self) -> str:
        """The mark's title: kind, attribution, evidence and the rationale, for a glance without selecting."""
        kind = f"uncertain: {self.kind_label}" if self.uncertain else self.kind
        return f"{kind} · {self.attribution} · evidence: {self.evidence}\nWhy: {self.rationale}"


class FigureView(BaseModel):
    value: str
    unit: str
    measures: str
    sentence: str
    start: int
    end: int
    statement: int | None = None  # the highlighted statement holding the figure's sentence, to link to


class IndexRow(BaseModel):
    id: str
    href: str
    title: str
    source: str
    date: str | None
    analysed: bool
    counts: KindCounts
    rhetoric_share: float
    rhetoric_share_interval: tuple[float, float] | None = None
    share_text: str = ""
    search: str


# --- placing spans by offset -------------------------------------------------------------------


def place_statements(
    body: str, statements: list[StatementAnalysis], headings: Sequence[tuple[int, int]] = ()
) -> tuple[list[Run], list[int]]:
    """Cut the body into runs at the statements' character offsets (never by searching for the quote).

    Returns the runs, whose texts join to exactly the body, and the indexes of the statements placed.
    A statement whose offsets fall outside the body or overlap an earlier one is left out and
    logged: the analysis guarantees neither happens, but one bad row must not break a page.
    Heading ranges only style text; a run may hold heading and plain pieces.
    """
    runs: list[Run] = []
    placed: list[int] = []
    position = 0
    for index in sorted(range(len(statements)), key=lambda i: (statements[i].start, statements[i].end)):
        statement = statements[index]
        if not (position <= statement.start < statement.end <= len(body)):
            log.warning("statement %d (%d-%d) is outside the body or overlaps another; not highlighted",
                        index, statement.start, statement.end)
            continue
        if statement.start > position:
            runs.append(_run(body, position, statement.start, None, headings))
        runs.append(_run(body, statement.start, statement.end, index, headings))
        placed.append(index)
        position = statement.end
    if position < len(body):
        runs.append(_run(body, position, len(body), None, headings))
    return runs, placed


def _run(body: str, start: int, end: int, statement: int | None, headings: Sequence[tuple[int, int]]) -> Run:
    cuts = sorted({start, end, *(p for a, b in headings for p in (a, b) if start < p < end)})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        heading = any(h_start <= a and b <= h_end for h_start, h_end in headings)
        pieces.append(Piece(text=body[a:b], heading=heading))
    return Run(start=start, end=end, statement=statement, pieces=pieces)


def heading_ranges(article: Article) -> list[tuple[int, int]]:
    """Where each section's heading line sits in the body (cleaning keeps it as the first line)."""
    ranges = []
    for section in article.sections:
        if section.heading and article.body.startswith(section.heading, section.start):
            ranges.append((section.start, section.start + len(section.heading)))
    return ranges


# --- building the views --------------------------------------------------------------------------

_SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def page_name(article_id: str) -> str:
    """A file name for the article's page; ids are hex hashes, anything else is hashed again."""
    if _SAFE_NAME.fullmatch(article_id):
        return f"{article_id}.html"
    return f"{hashlib.sha256(article_id.encode()).hexdigest()[:32]}.html"


def external_link(url: str | None) -> str | None:
    """Only http(s) URLs become links: escaping does not stop a `javascript:` href from running."""
    if not url:
        return None
    return url if urlparse(url.strip()).scheme.lower() in ("http", "https") else None


def _date(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value).date().isoformat()
        except ValueError:
            return value[:10]
    return value.date().isoformat()


_SOURCES_LABEL = {  # each link says which of them corroborate or contradict it; the rest are related
    "corroborated": "Corroborating and related articles",
    "conflicting": "Conflicting and related articles",
    "no_other_source": "Related articles",
}


def statement_views(statements: list[StatementAnalysis], known: dict[str, str]) -> list[StatementView]:
    """Statements as the page shows them; `known` maps article ids in the site to their page names."""
    views = []
    for index, statement in enumerate(statements):
        check = statement.crosscheck
        sources: dict[str, SourceLink] = {}
        if check is not None:
            repeats = set(check.repeated_by)
            for chunk in check.evidence:  # several chunks of one article: one link, its best similarity
                seen = sources.get(chunk.article_id)
                if seen is None or chunk.similarity > seen.similarity:
                    sources[chunk.article_id] = SourceLink(
                        article_id=chunk.article_id, title=chunk.title, href=known.get(chunk.article_id),
                        date=_date(chunk.published), similarity=chunk.similarity, repeat=chunk.article_id in repeats,
                        claimant=chunk.article_id in check.claimant_only,
                        role="corroborates it" if chunk.article_id in check.agreeing else
                             "contradicts it" if chunk.article_id in check.conflicting_with else "",
                    )
        views.append(
            StatementView(
                index=index, kind=statement.kind.value, quote=statement.quote, start=statement.start, end=statement.end,
                confidence=statement.kind_confidence, uncertain=statement.uncertain,
                attribution=statement.attribution.value.replace("_", " "),
                evidence=statement.evidence.value.replace("_", "-"),
                rationale=statement.rationale,
                status=check.status if check else None,
                status_label=check.label if check else None,
                first_seen=_date(check.first_seen) if check and check.first_seen else None,
                sources=sorted(sources.values(), key=lambda s: -s.similarity),
                sources_label=_SOURCES_LABEL[check.status] if check else "",
            )
        )
    return views


def figure_views(analysis: Analysis, placed: list[int]) -> list[FigureView]:
    views = []
    for figure in analysis.figures:
        # The figure's sentence may be cut into several statements: link the one holding the number.
        number_at = figure.start + max(figure.sentence.find(figure.value), 0)
        holder = next((i for i in placed if analysis.statements[i].start <= number_at < analysis.statements[i].end), None)
        fields = figure.model_dump(include={"value", "unit", "measures", "sentence", "start", "end"})
        views.append(FigureView(**fields, statement=holder))
    return views


def load_analysis(catalog: ArticleCatalog, article_id: str) -> tuple[Analysis | None, str]:
    """The article's latest analysis, or None with the reason the page shows instead."""
    try:
        analysis = catalog.latest_analysis(article_id)
    except ValidationError as exc:  # written by a version whose analysis cannot be read as today's
        log.warning("analysis of %s does not fit the current schema: %s", article_id, exc)
        return None, f"its stored analysis does not fit this version of Assay (run `assay analyse {article_id}`)."
    if analysis is None:
        return None, f"not analysed yet (run `assay analyse {article_id}`)."
    return analysis, ""


# --- the cross-article pages (issue 17) --------------------------------------------------------------


def view_page_name(slug: str) -> str:
    """A file name for an entity's or a source's page; a slug that is not plainly safe, or that would be
    its folder's index, is hashed."""
    if _SAFE_NAME.fullmatch(slug) and slug.lower() != "index":
        return f"{slug}.html"
    return f"{hashlib.sha256(slug.encode()).hexdigest()[:32]}.html"


class _Loaded:
    """The catalog as the report already read it: each analysis read once, one that does not fit read as none."""

    def __init__(self, rows: list, analyses: dict[str, Analysis]):
        self.rows, self.analyses = rows, analyses

    def articles(self) -> list:
        return self.rows

    def latest_analysis(self, article_id: str) -> Analysis | None:
        return self.analyses.get(article_id)

    def writers(self, article_ids: Collection[str]) -> dict[str, str]:
        return {row.id: row.author for row in self.rows if row.id in article_ids and row.author}


@dataclass
class CorpusPages:
    """What the cross-article pages show, worked out before anything is written (the manifest lists them first)."""

    corpus: CorpusView
    aliases: AliasBook
    known: dict[str, str]  # article id -> its page name
    entities: list[tuple[EntityPage, str]]  # each entity (its page's content) and its page's file name
    sources: list[tuple[SourceProfile, str]]
    source_types: list[SourceProfile]
    claims: list[RepeatedClaim] | None  # None: no embedding function, so no claims page
    anchors: dict[tuple[str, int, int], int] = field(default_factory=dict)  # (article, start, end) -> statement index

    @property
    def files(self) -> set[str]:
        files = {ENTITIES_INDEX, SOURCES_INDEX, SEARCH_PAGE, *([CLAIMS_PAGE] if self.claims is not None else [])}
        files |= {f"{ENTITIES_DIR}/{name}" for _, name in self.entities}
        files |= {f"{SOURCES_DIR}/{name}" for _, name in self.sources}
        return files

    def nav(self) -> list[tuple[str, str]]:
        """The header's links, relative to the site's root."""
        links = [("Articles", INDEX), ("Entities", ENTITIES_INDEX), ("Sources", SOURCES_INDEX)]
        if self.claims is not None:
            links.append(("Repeated claims", CLAIMS_PAGE))
        return [*links, ("Search statements", SEARCH_PAGE)]

    def statement_href(self, record: StatementRecord, root: str) -> str:
        """The statement in its article's page (which selects it)."""
        page = f"{root}{ARTICLES_DIR}/{self.known[record.article_id]}"
        index = self.anchors.get((record.article_id, record.start, record.end))
        return page if index is None else f"{page}#c{index}"

    @cached_property
    def titles(self) -> dict[str, str]:
        """Article id -> title: made once, not once for each of a report's statements (4 s at 1,000 articles)."""
        return {a.id: a.title for a in self.corpus.articles}

    def evidence_links(self, record: StatementRecord, root: str) -> list[tuple[str, str | None]]:
        """The articles that corroborate or contradict the statement: (title, its page, or None when it is not in the site)."""
        return [(self.titles.get(other, other), f"{root}{ARTICLES_DIR}/{self.known[other]}" if other in self.known else None)
                for other in record.corroborated_by if other != record.article_id]

    def entity_links(self, root: str) -> dict[str, str]:
        """Every spelling the alias book knows of an entity with a page -> that page."""
        pages = {summary.name: name for summary, name in self.entities}
        links: dict[str, str] = {}
        for named in self.aliases.entities():
            if named.name in pages:
                for spelling in (named.name, *named.variants):
                    links.setdefault(spelling, f"{root}{ENTITIES_DIR}/{pages[named.name]}")
        return links

    def entity_href(self, name: str, root: str) -> str | None:
        named = self.aliases.canonical(name)
        pages = {summary.name: page for summary, page in self.entities}
        page = pages.get(named.name if named else name)
        return f"{root}{ENTITIES_DIR}/{page}" if page else None


def corpus_pages(
    rows: list, analyses: dict[str, Analysis], known: dict[str, str], aliases: AliasBook, rules: SourceRules | None,
    embed: Callable[[list[str]], np.ndarray] | None,
) -> CorpusPages:
    corpus = load_corpus(_Loaded(rows, analyses), aliases, rules)
    entities = [(page, view_page_name(page.slug)) for page in entity_pages(corpus, aliases)]
    sources = [(profile, view_page_name(profile.slug)) for profile in source_profiles(corpus)]
    claims = repeated_claims(corpus, embed) if embed is not None else None
    anchors = {(article_id, s.start, s.end): i for article_id, analysis in analyses.items() for i, s in enumerate(analysis.statements)}
    return CorpusPages(corpus=corpus, aliases=aliases, known=known, entities=entities, sources=sources,
                       source_types=source_type_profiles(corpus), claims=claims, anchors=anchors)


class ChartSegment(BaseModel):
    kind: str
    x: float
    width: float
    label: str


class ChartPeriod(BaseModel):
    period: str
    x: float
    label: str  # the tooltip
    y: float | None = None  # None: no share that month
    low: float | None = None
    high: float | None = None


class Chart(BaseModel):
    """A source's chart in SVG coordinates; the template draws it (and escapes every text)."""

    title: str
    width: int = 640
    height: int = 250
    left: int = 48
    right: int = 628
    bar_y: int = 18
    bar_height: int = 22
    top: int = 76
    bottom: int = 206
    segments: list[ChartSegment]
    periods: list[ChartPeriod]
    step: float
    y_ticks: list[tuple[float, str]]
    line: str  # polyline points through the months that have a share
    band: str  # polygon points of the interval, over the months that have one
    overall: str


def _pct(share: float) -> str:
    return f"{round(share * 100)} %"


def source_chart(profile: SourceProfile) -> Chart:
    """The kind shares as one stacked bar, then the rhetoric share per month with its 95 % interval."""
    left, right, top, bottom = 48, 628, 76, 206
    width = right - left
    confident = profile.statements - profile.uncertain
    segments, x = [], float(left)
    for kind in KINDS:
        share = profile.kind_shares.get(kind, 0.0)
        segments.append(ChartSegment(kind=kind, x=round(x, 2), width=round(share * width, 2),
                                     label=f"{kind}: {_pct(share)} of {confident} confident {_plural(confident)}"))
        x += share * width

    def y_of(share: float) -> float:
        return round(bottom - share * (bottom - top), 2)

    n = max(len(profile.periods), 1)
    step = width / n
    periods = []
    for i, p in enumerate(profile.periods):
        centre = round(left + (i + 0.5) * step, 2)
        counts = f"{p.statements} {_plural(p.statements)} in {p.articles} article{'' if p.articles == 1 else 's'}"
        if p.rhetoric_share is None:
            periods.append(ChartPeriod(period=p.period, x=centre, label=f"{p.period}: no confident statements ({counts})"))
            continue
        ci = f" (95 % CI {_pct(p.interval[0])}–{_pct(p.interval[1])})" if p.interval else ""
        periods.append(ChartPeriod(
            period=p.period, x=centre, y=y_of(p.rhetoric_share), label=f"{p.period}: {_pct(p.rhetoric_share)} claim or rhetoric{ci}, {counts}",
            low=y_of(p.interval[0]) if p.interval else None, high=y_of(p.interval[1]) if p.interval else None,
        ))
    shown = [p for p in periods if p.y is not None]
    banded = [p for p in shown if p.low is not None and p.high is not None]
    band = " ".join(f"{p.x},{p.high}" for p in banded) + " " + " ".join(f"{p.x},{p.low}" for p in reversed(banded))
    if profile.rhetoric_share is None:
        overall = "no confident statements, so no rhetoric share"
    else:
        ci = f" (95 % CI {_pct(profile.interval[0])}–{_pct(profile.interval[1])})" if profile.interval else ""
        overall = f"{_pct(profile.rhetoric_share)} claim or rhetoric{ci} over {profile.statements} {_plural(profile.statements)}"
    return Chart(
        title=f"{profile.name}: kinds of statement, and the rhetoric share per month", segments=segments, periods=periods,
        step=round(step, 2), y_ticks=[(y_of(v), f"{round(v * 100)} %") for v in (0.0, 0.25, 0.5, 0.75, 1.0)],
        line=" ".join(f"{p.x},{p.y}" for p in shown), band=band.strip() if len(banded) > 1 else "", overall=overall,
    )


def search_data(pages: CorpusPages) -> dict[str, object]:
    """The statements of the whole corpus as the search page's script reads them (short keys: a big corpus)."""
    statements = []
    for r in pages.corpus.statements:
        statements.append({
            "q": r.quote, "k": r.kind.value, "u": r.uncertain, "s": r.source, "t": SOURCE_TYPE_LABELS[r.source_type],
            "ti": r.title, "d": _date(r.when), "e": r.entities, "c": r.crosscheck_label,
            "h": pages.statement_href(r, ""),
        })
    spellings = {named.name: sorted(named.variants) for named in pages.aliases.entities()}
    return {"statements": statements, "spellings": {name: spellings.get(name, []) for name in
                                                    {e for r in pages.corpus.statements for e in r.entities}}}


# --- rendering -------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Autoescape every template: article text is untrusted, whatever file it ends up in.
    return Environment(loader=PackageLoader("assay", "report_assets"), autoescape=True, undefined=StrictUndefined)


def kind_css() -> str:
    """The kinds' colours as CSS custom properties, from KIND_COLOURS: .k-KIND classes (a sure kind:
    background and underline) and .u-KIND classes (an uncertain one: only its dashed underline)."""
    variables = " ".join(f"--{kind.value}: {c.light}; --{kind.value}-strong: {c.strong};" for kind, c in KIND_COLOURS.items())
    classes = "\n".join(f".k-{kind.value} {{ --k: var(--{kind.value}); --ks: var(--{kind.value}-strong); }}" for kind in KIND_COLOURS)
    guesses = "\n".join(f".u-{kind.value} {{ --ks: var(--{kind.value}-strong); }}" for kind in KIND_COLOURS)
    return f":root {{ {variables} }}\n{classes}\n{guesses}\n"


@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """The inline stylesheet and script (package files, so trusted) and the CSP naming their hashes."""
    folder = resources.files("assay") / "report_assets"
    css = kind_css() + (folder / "report.css").read_text(encoding="utf-8")
    js = (folder / "report.js").read_text(encoding="utf-8")

    def digest(text: str) -> str:
        return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()

    csp = (
        f"default-src 'none'; script-src '{digest(js)}'; style-src '{digest(css)}'; "
        "base-uri 'none'; form-action 'none'"
    )
    return {"css": Markup(css), "js": Markup(js), "csp": csp}


def _render(template: str, nav: Sequence[tuple[str, str]] = (), **context: object) -> str:
    """`nav`: the header's links (label, path from the site's root); none when there are no cross-article pages."""
    return _environment().get_template(template).render(**_assets(), kinds=KINDS, nav=nav, **context)


def render_article(
    article: Article, analysis: Analysis | None, known: dict[str, str], missing: str = "", *,
    nav: Sequence[tuple[str, str]] = (), entity_links: dict[str, str] | None = None, revisions: Sequence[Revision] = (),
) -> str:
    """One article's page; `known` maps the ids of articles in the site to their page names, and
    `entity_links` the spellings of entities that have a page to that page; `revisions`, what its later
    versions changed, newest first."""
    statements = analysis.statements if analysis else []
    runs, placed = place_statements(article.body, statements, heading_ranges(article))
    return _render(
        "article.html",
        nav=nav,
        entity_links=entity_links or {},
        root="../",
        article=article,
        date=_date(article.published),
        link=external_link(article.url),
        corrections=[note.removeprefix(CORRECTION_NOTE) for note in article.reading_notes if note.startswith(CORRECTION_NOTE)],
        analysis=analysis,
        missing=missing,
        counts=KindCounts.of(statements),
        share_text=share_sentence(analysis) if analysis else "",
        statements=statement_views(statements, known),
        runs=runs,
        figures=figure_views(analysis, placed) if analysis else [],
        revisions=revisions,
    )


def render_index(rows: list[IndexRow], eval_href: str | None, pages: CorpusPages | None = None) -> str:
    return _render(
        "index.html",
        nav=pages.nav() if pages else (),
        pages=pages,
        root="",
        rows=rows,
        analysed=sum(r.analysed for r in rows),
        sources=sorted({r.source for r in rows}),
        eval_href=eval_href,
        written=datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    )


def render_entity_index(pages: CorpusPages) -> str:
    return _render("entities.html", nav=pages.nav(), root="../", entities=pages.entities)


def render_entity(pages: CorpusPages, page: EntityPage) -> str:
    groups = [(kind, page.groups[kind]) for kind in (*KINDS, "uncertain") if page.groups.get(kind)]
    groups += [(kind, records) for kind, records in page.groups.items() if kind not in (*KINDS, "uncertain") and records]
    return _render("entity.html", nav=pages.nav(), root="../", entity=page, groups=groups, pages=pages, date=_date)


def render_source_index(pages: CorpusPages) -> str:
    return _render("sources.html", nav=pages.nav(), root="../", sources=pages.sources,
                   types=[(profile, source_chart(profile)) for profile in pages.source_types], type_labels=SOURCE_TYPE_LABELS)


def render_source(pages: CorpusPages, profile: SourceProfile) -> str:
    return _render("source.html", nav=pages.nav(), root="../", profile=profile, chart=source_chart(profile),
                   type_labels=SOURCE_TYPE_LABELS)


def render_claims(pages: CorpusPages) -> str:
    return _render("claims.html", nav=pages.nav(), root="", claims=pages.claims or [], pages=pages, date=_date)


def render_search(pages: CorpusPages) -> str:
    return _render("search.html", nav=pages.nav(), root="", data=search_data(pages), total=len(pages.corpus.statements))


def write_report(
    out_dir: Path, catalog: ArticleCatalog, eval_report: Path | None = None, *, aliases: AliasBook | None = None,
    rules: SourceRules | None = None, embed: Callable[[list[str]], np.ndarray] | None = None,
    history: Callable[[str], list[Revision]] | None = None,
) -> Path:
    """Write the site into `out_dir` and return its index.html.

    Only what the report wrote is replaced or removed: index.html, the article pages (pages of
    articles no longer in the corpus are removed), eval/report.html and the cross-article pages, as
    the folder's manifest lists them; anything else there is left alone. `eval_report` is copied in
    and linked when it exists. Given `aliases` (with `rules` for source types), the entity, source
    and search pages are written too, and given `embed` as well, the repeated claims' page. Given
    `history`, an article read in several versions shows what each changed.
    Raises ReportFolderError, before writing anything, for a folder that is not empty and not a
    report, or that has a symbolic link where the report would write.
    """
    out_dir = Path(out_dir)
    rows = catalog.articles()
    known = {row.id: page_name(row.id) for row in rows}
    loaded = {row.id: load_analysis(catalog, row.id) for row in rows}
    pages = None
    if aliases is not None:
        analyses = {article_id: analysis for article_id, (analysis, _) in loaded.items() if analysis is not None}
        pages = corpus_pages(rows, analyses, known, aliases, rules, embed)
    has_eval = eval_report is not None and Path(eval_report).is_file()
    planned = {INDEX, *(f"{ARTICLES_DIR}/{name}" for name in known.values()), *([EVAL_PAGE] if has_eval else [])}
    planned |= pages.files if pages else set()

    earlier = _claim(out_dir)
    _refuse_links(out_dir, planned)
    (out_dir / ARTICLES_DIR).mkdir(parents=True, exist_ok=True)
    # Listed before they are written: a report that stops half-way leaves a folder the next one still owns.
    _write_manifest(out_dir, earlier | planned)

    nav = pages.nav() if pages else []
    entity_links = pages.entity_links("../") if pages else {}
    index_rows = []
    for row in rows:
        article = row.article()
        analysis, missing = loaded[row.id]
        changed = history(row.id) if history is not None and row.version > 1 else []
        page = render_article(article, analysis, known, missing, nav=nav, entity_links=entity_links, revisions=changed)
        _write_file(out_dir / ARTICLES_DIR / known[row.id], page)
        counts = KindCounts.of(analysis.statements) if analysis else KindCounts()
        entities = " ".join(e.name for e in analysis.entities) if analysis else ""
        index_rows.append(
            IndexRow(
                id=row.id, href=f"{ARTICLES_DIR}/{known[row.id]}", title=article.title, source=article.source,
                date=_date(article.published), analysed=analysis is not None, counts=counts,
                rhetoric_share=analysis.rhetoric_share if analysis else 0.0,
                rhetoric_share_interval=analysis.rhetoric_share_interval if analysis else None,
                share_text=share_sentence(analysis) if analysis else "",
                search=" ".join([article.title, article.source, entities]).lower(),
            )
        )

    if pages is not None:
        _write_corpus_pages(out_dir, pages)

    eval_href = None
    if has_eval:
        assert eval_report is not None
        (out_dir / EVAL_DIR).mkdir(exist_ok=True)
        _write_file(out_dir / EVAL_PAGE, Path(eval_report).read_bytes())
        eval_href = EVAL_PAGE

    index = out_dir / INDEX
    _write_file(index, render_index(index_rows, eval_href, pages))
    _write_manifest(out_dir, planned)
    _remove_stale(out_dir, earlier - planned)
    return index


def _write_corpus_pages(out_dir: Path, pages: CorpusPages) -> None:
    (out_dir / ENTITIES_DIR).mkdir(exist_ok=True)
    (out_dir / SOURCES_DIR).mkdir(exist_ok=True)
    for page, name in pages.entities:
        _write_file(out_dir / ENTITIES_DIR / name, render_entity(pages, page))
    _write_file(out_dir / ENTITIES_INDEX, render_entity_index(pages))
    for profile, name in pages.sources:
        _write_file(out_dir / SOURCES_DIR / name, render_source(pages, profile))
    _write_file(out_dir / SOURCES_INDEX, render_source_index(pages))
    if pages.claims is not None:
        _write_file(out_dir / CLAIMS_PAGE, render_claims(pages))
    _write_file(out_dir / SEARCH_PAGE, render_search(pages))


# --- owning the folder -------------------------------------------------------------------------------

_PAGE_FILE = re.compile(r"[A-Za-z0-9_-]{1,64}\.html")  # what page_name() makes
_TEMP_FILE = re.compile(r"\..+\.assay-tmp-[0-9a-f]{8}")  # what _write_file writes first
_MARK = "· Assay</title>"  # in the <head> of every page the templates make (base.html)
_NOT_A_REPORT = "is not empty and is not an Assay report: choose an empty folder or an earlier report's folder"


def _owned(path: str) -> bool:
    """The only paths a report writes: whatever else a manifest might say is never touched."""
    folder, _, name = path.partition("/")
    if path in (INDEX, EVAL_PAGE, CLAIMS_PAGE, SEARCH_PAGE):
        return True
    return folder in (ARTICLES_DIR, ENTITIES_DIR, SOURCES_DIR) and _PAGE_FILE.fullmatch(name) is not None


def _claim(out_dir: Path) -> set[str]:
    """The files an earlier report wrote in `out_dir` (relative paths); refuses a folder that is someone else's."""
    if out_dir.is_symlink() and not out_dir.exists():
        raise ReportFolderError(f"{out_dir} is a link to nothing: choose an empty folder or an earlier report's folder")
    if not out_dir.exists():
        return set()
    if not out_dir.is_dir():
        raise ReportFolderError(f"{out_dir} is not a folder: choose an empty folder or an earlier report's folder")
    manifest = out_dir / MANIFEST
    if manifest.is_symlink() or manifest.exists():
        earlier = _read_manifest(manifest)
    elif not any(not _TEMP_FILE.fullmatch(entry.name) for entry in out_dir.iterdir()):
        earlier = set()  # empty, or all a first report left when it stopped
    else:
        adopted = _earlier_release_report(out_dir)
        if adopted is None:
            raise ReportFolderError(f"{out_dir} {_NOT_A_REPORT}")
        log.info("adopting the report in %s written by an earlier release of Assay", out_dir)
        earlier = adopted
    _remove_temporaries(out_dir)
    return earlier


def _read_manifest(manifest: Path) -> set[str]:
    if manifest.is_symlink():
        raise ReportFolderError(f"{manifest} is a symbolic link: remove it or choose another folder")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("files"), list):
            raise ValueError(f"not an {MANIFEST_FORMAT} manifest")
    except (OSError, ValueError) as exc:
        raise ReportFolderError(
            f"{manifest} cannot be read as a report manifest ({exc}): choose an empty folder, "
            "or move the manifest away if nothing in the folder is yours"
        ) from exc
    return {path for path in data["files"] if isinstance(path, str) and _owned(path)}


def _earlier_release_report(out_dir: Path) -> set[str] | None:
    """The files of a report written before manifests (index.html, article pages, eval/report.html,
    each a page of Assay's templates but the copied eval report), or None if anything else is there."""
    found: set[str] = set()
    for entry in out_dir.iterdir():
        if entry.is_symlink():
            return None
        if entry.name == INDEX and _our_page(entry):
            found.add(INDEX)
        elif entry.name == ARTICLES_DIR and entry.is_dir():
            for page in entry.iterdir():
                if page.is_symlink() or not _PAGE_FILE.fullmatch(page.name) or not _our_page(page):
                    return None
                found.add(f"{ARTICLES_DIR}/{page.name}")
        elif entry.name == EVAL_DIR and entry.is_dir():
            for page in entry.iterdir():
                if page.is_symlink() or page.name != "report.html" or not page.is_file():
                    return None
                found.add(EVAL_PAGE)
        else:
            return None
    return found


def _our_page(path: Path) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as f:
        return _MARK.encode() in f.read(8192)


def _refuse_links(out_dir: Path, planned: Iterable[str]) -> None:
    """Nothing is written through a symbolic link, nor over something that is not a file."""
    for folder in (ARTICLES_DIR, EVAL_DIR, ENTITIES_DIR, SOURCES_DIR):
        path = out_dir / folder
        if path.is_symlink():
            raise ReportFolderError(f"{path} is a symbolic link: the report writes nothing through links; remove it or choose another folder")
        if path.exists() and not path.is_dir():
            raise ReportFolderError(f"{path} is not a folder: move it away or choose another folder")
    for relative in (MANIFEST, *planned):
        path = out_dir / relative
        if path.is_symlink():
            raise ReportFolderError(f"{path} is a symbolic link: the report writes nothing through links; remove it or choose another folder")
        if path.exists() and not path.is_file():
            raise ReportFolderError(f"{path} is in the way (it is not a file): move it away or choose another folder")


def _write_file(path: Path, content: str | bytes) -> None:
    """Write beside the file, then rename over it: a crash leaves the old file, never half a new one."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    while True:
        temporary = path.with_name(f".{path.name}.assay-tmp-{secrets.token_hex(4)}")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_manifest(out_dir: Path, files: set[str]) -> None:
    manifest = {"format": MANIFEST_FORMAT, "written_by": "assay report", "files": sorted(files)}
    _write_file(out_dir / MANIFEST, json.dumps(manifest, indent=1) + "\n")


def _remove_temporaries(out_dir: Path) -> None:
    """Temporary files a stopped report left behind (only ours: named by _write_file, plain files)."""
    for folder in (out_dir, *(out_dir / name for name in (ARTICLES_DIR, EVAL_DIR, ENTITIES_DIR, SOURCES_DIR))):
        if folder.is_symlink() or not folder.is_dir():
            continue
        for path in folder.iterdir():
            if _TEMP_FILE.fullmatch(path.name) and not path.is_symlink() and path.is_file():
                path.unlink()


def _remove_stale(out_dir: Path, stale: set[str]) -> None:
    """Files the last report wrote that this one did not: plain files only, never through a link."""
    emptied = set()
    for relative in sorted(stale):
        path = out_dir / relative
        if path.parent.is_symlink() or path.is_symlink() or not path.is_file():
            continue
        path.unlink()
        emptied.add(path.parent)
    for folder in (out_dir / EVAL_DIR, out_dir / ENTITIES_DIR, out_dir / SOURCES_DIR):
        if folder in emptied and not any(folder.iterdir()):
            folder.rmdir()  # a folder the report made for its pages, now empty
