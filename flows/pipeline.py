"""The `ingest-and-analyse` flow: what `assay ingest` runs and what `assay serve` polls on a schedule.

Ingestion and analysis stay two flows (each runs on its own too: `assay analyse`, the eval corpus);
this one runs their bodies in turn in one flow run, analysing what the ingest found new or changed.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger
from prefect.task_runners import ThreadPoolTaskRunner

from assay.aliases import AliasBook
from assay.corpus import SourceRules, load_corpus
from assay.digest import DIGESTS_DIR, build_digest, write_digest_files
from assay.flows.analyse import analyse_articles
from assay.flows.ingest import ingest_sources
from assay.services import services
from assay.settings import MAX_FETCH_CONCURRENCY, Settings, get_settings
from assay.types import ItemStatus, PipelineReport, SourceKind


# The ingest flow's runner: fetches are bounded by fetch_concurrency, LLM calls by the global "assay-llm" limit.
# (The ignore: Prefect types TaskRunner as invariant in its future type; see flows/ingest.py.)
@flow(name="ingest-and-analyse", task_runner=ThreadPoolTaskRunner(max_workers=MAX_FETCH_CONCURRENCY), validate_parameters=False)  # type: ignore[arg-type]
def ingest_and_analyse(
    sources: list[str],
    expect: SourceKind | None = None,
    analyse_new: bool = True,
    prompt_overrides: list[str] | None = None,
    settings: Settings | None = None,
    poll: bool = False,
) -> PipelineReport:
    settings = settings or get_settings()
    ingested = ingest_sources(sources, SourceKind(expect) if expect else None, settings)
    fresh = [r.article_id for r in ingested.results if r.status in (ItemStatus.new, ItemStatus.updated) and r.article_id]
    analysed = analyse_articles(fresh, prompt_overrides or [], settings) if fresh and analyse_new else None
    if poll and fresh and settings.digest_after_poll:
        write_poll_digest(fresh, settings)
    return PipelineReport(ingest=ingested, analysis=analysed)


def write_poll_digest(article_ids: list[str], settings: Settings) -> list[Path]:
    """The digest of the articles one poll stored, written to ASSAY_HOME/digests (`digest_after_poll`).
    The poll's own articles rather than a time window: polls that overlap or lag neither repeat nor miss one.
    A digest that cannot be written is logged, not raised: the poll's articles are stored and analysed all the same."""
    registry = services(settings).registry
    try:
        aliases = AliasBook.load(settings.home)
        view = load_corpus(registry, aliases, SourceRules.load(settings.home), article_ids=article_ids)
        titles = {a.id: a.title for a in registry.articles()}
        types = {n.name: n.type for n in aliases.entities()}
        return write_digest_files(build_digest(view, titles=titles, types=types, top=settings.digest_top), settings.home / DIGESTS_DIR)
    except (OSError, ValueError) as exc:
        get_run_logger().warning("the digest of this poll was not written: %s", exc)
        return []
