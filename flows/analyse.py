"""The `analyse` flow: for each article, statements → classifiers → LLM summary → corpus cross-check → store.

An analysis is keyed by the article's content hash, the prompt versions, the
classifier version and the model: with all four unchanged there is nothing to
do and no LLM call is made. LLM calls go through a Prefect global concurrency
limit ("assay-llm"), so workers on several machines share one budget, and a
failed call (rate limit, 5xx, timeout) is retried with exponential backoff and
jitter; an answer that is invalid twice fails the article, and nothing of it is stored.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

from prefect import flow, get_client, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from pydantic import BaseModel, Field

from assay.analysis import ANALYSIS_PROMPTS, Analysis, analyse_article
from assay.classifier import StatementClassifiers
from assay.crosscheck import CorpusCrossCheck
from assay.llm_log import LLMCallLogger
from assay.llms import chat_model, model_name
from assay.prompts import load_prompts
from assay.settings import get_settings
from flows.ingest import _progress, embedder, state_error
from store.registry import registry_for
from store.vectors import store_for

LLM_LIMIT = "assay-llm"


class AnalyseResult(BaseModel):
    article_id: str
    title: str | None = None
    status: str = Field(description="analysed, unchanged or failed")
    error: str | None = None
    llm_calls: int = 0
    seconds: float = 0.0


class AnalyseReport(BaseModel):
    results: list[AnalyseResult] = Field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(r.status == s for r in self.results) for s in ("analysed", "unchanged", "failed")}


@cache
def classifiers() -> StatementClassifiers:
    """Loaded once per process."""
    return StatementClassifiers.load()


def cache_key(content_hash: str, prompts: dict[str, str], classifier: str, model: str) -> str:
    return hashlib.sha256(json.dumps([content_hash, prompts, classifier, model], sort_keys=True).encode()).hexdigest()


def _retryable(task, task_run, state) -> bool:  # type: ignore[no-untyped-def]
    """Only transport trouble is worth a retry: rate limits, 5xx, timeouts, lost connections.
    An invalid answer was already sent back once; a missing model will not appear by waiting."""
    import openai

    error = state_error(state)
    return isinstance(error, (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError))


@task(name="analyse-article", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=exponential_backoff(4)(3),
      retry_jitter_factor=0.5, retry_condition_fn=_retryable)
def analyse_one(article_id: str, prompt_overrides: list[str]) -> AnalyseResult:
    settings = get_settings()
    registry = registry_for(settings.registry_url)
    row = registry.get(article_id)
    if row is None:
        return AnalyseResult(article_id=article_id, status="failed", error="no such article")
    article = row.to_article()
    prompts = {name: p for name, p in load_prompts(prompt_overrides).items() if name in ANALYSIS_PROMPTS}
    model = chat_model(settings)
    versions = {name: p.version for name, p in prompts.items()}
    key = cache_key(article.content_hash, versions, classifiers().version, model_name(model))
    if registry.has_analysis(article.id, key):
        return AnalyseResult(article_id=article.id, title=article.title, status="unchanged")
    with concurrency(LLM_LIMIT, occupy=1):
        analysis: Analysis = analyse_article(
            article, model=model, prompts=prompts, classifiers=classifiers(), embedder=embedder(settings),
            crosscheck=CorpusCrossCheck(store_for(settings), embedder(settings)),
            callbacks=[LLMCallLogger(registry, local=settings.llm == "local")],
        )
    registry.record_analysis(
        article.id, key, analysis.model_dump(mode="json"), content_hash=article.content_hash,
        model=analysis.provenance.model, prompts=versions, classifier=analysis.provenance.classifier,
    )
    return AnalyseResult(
        article_id=article.id, title=article.title, status="analysed",
        llm_calls=analysis.provenance.llm_calls, seconds=sum(analysis.provenance.timings_s.values()),
    )


def ensure_llm_limit(limit: int) -> None:
    """The global concurrency limit on LLM calls, created once (it lives in the Prefect server)."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(LLM_LIMIT)
        except Exception:  # noqa: BLE001 - not found: create it
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=LLM_LIMIT, limit=limit))


@flow(name="analyse", task_runner=ThreadPoolTaskRunner(max_workers=4), validate_parameters=False)
def analyse(article_ids: list[str], prompt_overrides: list[str] | None = None) -> AnalyseReport:
    """Analyse the given articles; unchanged ones (same content, prompts, classifier, model) cost nothing."""
    settings = get_settings()
    ensure_llm_limit(settings.llm_concurrency)
    _progress("analyse", 0, len(article_ids))
    report = AnalyseReport()
    futures = [(article_id, analyse_one.submit(article_id, prompt_overrides or [])) for article_id in article_ids]
    for article_id, future in futures:
        future.wait()
        _progress("analyse", 1)
        if future.state.is_completed():
            report.results.append(future.result())
        else:
            error = future.state.result(raise_on_failure=False)
            report.results.append(AnalyseResult(article_id=article_id, status="failed", error=f"{type(error).__name__}: {error}"))
    return report
