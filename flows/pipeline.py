"""The `ingest-and-analyse` flow: what `assay ingest` runs and what `assay serve` polls on a schedule.

Ingestion and analysis stay two flows (each runs on its own too: `assay analyse`, the eval corpus);
this one runs them in turn, analysing the articles the ingest found new or changed.
"""

from __future__ import annotations

from prefect import flow

from assay.flows.analyse import analyse
from assay.flows.ingest import ingest
from assay.settings import Settings, get_settings
from assay.types import ItemStatus, PipelineReport, SourceKind


@flow(name="ingest-and-analyse", validate_parameters=False)
def ingest_and_analyse(
    sources: list[str],
    expect: SourceKind | None = None,
    analyse_new: bool = True,
    prompt_overrides: list[str] | None = None,
    settings: Settings | None = None,
) -> PipelineReport:
    settings = settings or get_settings()
    ingested = ingest(sources, expect, settings)
    fresh = [r.article_id for r in ingested.results if r.status in (ItemStatus.new, ItemStatus.updated) and r.article_id]
    analysed = analyse(fresh, prompt_overrides, settings) if fresh and analyse_new else None
    return PipelineReport(ingest=ingested, analysis=analysed)
