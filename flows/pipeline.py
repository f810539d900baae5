"""The `ingest-and-analyse` flow: what `assay ingest` runs and what `assay serve` polls on a schedule.

Ingestion and analysis stay two flows (each runs on its own too: `assay analyse`, the eval corpus);
this one runs their bodies in turn in one flow run, analysing what the ingest found new or changed.
"""

from __future__ import annotations

from prefect import flow
from prefect.task_runners import ThreadPoolTaskRunner

from assay.flows.analyse import analyse_articles
from assay.flows.ingest import ingest_sources
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
) -> PipelineReport:
    settings = settings or get_settings()
    ingested = ingest_sources(sources, SourceKind(expect) if expect else None, settings)
    fresh = [r.article_id for r in ingested.results if r.status in (ItemStatus.new, ItemStatus.updated) and r.article_id]
    analysed = analyse_articles(fresh, prompt_overrides or [], settings) if fresh and analyse_new else None
    return PipelineReport(ingest=ingested, analysis=analysed)
