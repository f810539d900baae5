"""The `analyse` flow: for each article, statements → kind decider → LLM summary → corpus cross-check → store.

An analysis is keyed by everything that produces it (`assay.analysis.analysis_key`): with all of it
unchanged there is nothing to do and no LLM call is made. Calls to an LLM server go through a
Prefect global concurrency limit ("assay-llm") where a Prefect server runs, so workers on several
machines share its budget (without one, a limit within the process: `llm_slot`);
a failed call (rate limit, 5xx, timeout) is retried with exponential backoff and jitter; an answer
that is invalid twice fails the article, and nothing of it is stored.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from prefect import flow, get_client, task
from prefect.cache_policies import NO_CACHE
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectAlreadyExists, TerminationSignal
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from assay.aliases import AliasBook
from assay.analysis import analyse_article
from assay.flows.ingest import state_error
from assay.flows.progress import report_progress
from assay.flows.watch import alert_watchers
from assay.language import english_reason
from assay.llm_log import LLMCallLogger
from assay.llms import backend_fault, model_name
from assay.runtime import STOP_REQUESTED, prefect_server_set
from assay.services import services
from assay.settings import Settings, get_settings
from assay.statements import Statement
from assay.store.registry import Registry
from assay.types import AnalyseReport, AnalyseResult

LLM_LIMIT = "assay-llm"


def prompt_chars(settings: Settings) -> int:
    """Characters of body the summary prompt can hold: the context less the answer and the prompt's
    own words, at 3 characters a token (English runs nearer 4 on Qwen's tokenizer: a margin)."""
    return max(2000, (settings.llm_context_tokens - settings.llm_max_tokens - 700) * 3)


def _retryable(task: Any, task_run: Any, state: Any) -> bool:
    """Only transport trouble is worth a retry: rate limits, 5xx, timeouts, lost connections.
    An invalid answer was already sent back once; a missing model will not appear by waiting."""
    import openai

    error = state_error(state)
    return isinstance(error, (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError))


@task(name="analyse-article", cache_policy=NO_CACHE, retry_jitter_factor=0.5, retry_condition_fn=_retryable)
def analyse_one(article_id: str, prompt_overrides: list[str], settings: Settings) -> AnalyseResult:
    made = services(settings)
    registry = made.registry
    article = registry.get(article_id)
    if article is None:
        return AnalyseResult(article_id=article_id, status="failed", error="no such article")
    not_english = english_reason(f"{article.title}\n{article.body}")
    if not_english:  # said per article rather than analysed into nonsense
        return AnalyseResult(article_id=article.id, title=article.title, status="skipped",
                             error=f"analysis is English-only for now, and {not_english}")
    prompts = made.analysis_prompts(prompt_overrides)
    # A reply to the same input by the same model is read back, not asked again: a release that changes
    # only the rules around the model re-analyses every article at the cost of those rules alone.
    model = made.chat_model(cache=made.analysis_cache())
    key = made.analysis_key(article.content_hash, article.source, prompts, model_name(model))
    if registry.has_analysis(article.id, key):
        return AnalyseResult(article_id=article.id, title=article.title, status="unchanged")
    if full := registry.too_full():  # said before the model runs, not after, for every article of the batch
        return AnalyseResult(article_id=article.id, title=article.title, status="failed", error=full)
    # Its turn at the model first, then its claim: an article still waiting for its turn is not held from other workers.
    with llm_slot(settings):
        if STOP_REQUESTED.is_set():  # Ctrl-C while it waited for its turn: not begun
            return AnalyseResult(article_id=article.id, title=article.title, status="skipped",
                                 error="not begun: stopped by Ctrl-C (run the command again)")
        with claimed(registry, article.id, key, settings.analysis_lease_s) as worker:
            if worker is None:
                return AnalyseResult(article_id=article.id, title=article.title, status="busy")
            if registry.has_analysis(article.id, key):  # stored by the claim's previous holder just before it let go
                return AnalyseResult(article_id=article.id, title=article.title, status="unchanged")
            analysis = analyse_article(
                article, model=model, prompts=prompts, decider=made.kind_decider, embedder=made.embedder,
                crosscheck=made.crosscheck, callbacks=[LLMCallLogger(registry, local=settings.llm == "local")],
                min_support=settings.prose_min_support, names_margin=settings.prose_names_margin, max_prompt_chars=prompt_chars(settings), aliases=AliasBook.load(settings.home),
            )
            if not registry.record_analysis(analysis, key, claimed_by=worker):
                return AnalyseResult(article_id=article.id, title=article.title, status="busy",
                                     error="its claim lapsed while analysing and another worker took it: not stored")
    return AnalyseResult(
        article_id=article.id, title=article.title, status="analysed",
        llm_calls=analysis.provenance.llm_calls, seconds=sum(analysis.provenance.timings_s.values()),
    )


def llm_slot(settings: Settings) -> AbstractContextManager[object]:
    """A slot of the global limit on calls to the LLM server. A local model is not shared: each
    process has its own behind its own lock (assay/llms.py), and a limit shared through Prefect's
    database would only make workers on separate cores wait for each other (measured:
    `benchmarks/scale.py`, two workers no faster than one). Within a process one article at a time
    has the local model: its calls share a prompt prefix that llama.cpp's one KV cache keeps only while
    no other article's call comes between (three short articles ingested together: each name probe
    took 3.3-5 s interleaved, 0.3 s in a row).

    Without a Prefect server (PREFECT_API_URL), calls are limited within this process instead: Prefect's
    temporary server keeps a slot's lease in its own memory and runs no service that revokes expired
    ones, so a process killed while holding a slot left it taken for good, and every later analysis
    waited for it (seen here: an `assay analyse` stopped by Ctrl-C twice)."""
    if settings.llm == "local":
        return _LOCAL_ARTICLE
    if not shared_llm_limit():
        with _LIMITS_LOCK:
            return _LLM_CALLS_HERE.setdefault(settings.llm_concurrency, threading.BoundedSemaphore(settings.llm_concurrency))
    return concurrency(LLM_LIMIT, occupy=1)


def shared_llm_limit() -> bool:
    """Whether calls to an LLM server take slots of the Prefect global limit: only where a Prefect server runs."""
    return prefect_server_set()


_LOCAL_ARTICLE = threading.Lock()
_LLM_CALLS_HERE: dict[int, threading.BoundedSemaphore] = {}
_LIMITS_LOCK = threading.Lock()


def claimant() -> str:
    """Who claims: host, process and the process's id space (for people reading the claims table, and
    for `holder_died`), and a nonce, so that two flows in one process are two claimants too."""
    return f"{socket.gethostname()}:{os.getpid()}:{_process_space()}:{uuid.uuid4().hex[:8]}"


@cache  # the boot and the namespace are this process's for its life
def _process_space() -> str:
    """The id space process ids are numbered in: this boot of this machine and, on Linux, the pid namespace
    (containers sharing their host's name number their processes apart; cloned machines often share a
    name, and every host's first namespace has the same number, but never a boot id). "host" where
    neither can be read: the host's name alone then says whose processes these are."""
    parts = []
    with suppress(OSError):
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip().replace("-", "")[:12])
    with suppress(OSError):
        parts.append(os.readlink("/proc/self/ns/pid").removeprefix("pid:").strip("[]"))
    return ".".join(parts) or "host"


def holder_died(worker: str) -> bool:
    """True when the claim's holder is a process of this host's id space that no longer runs: killed
    outright (kill -9, out of memory, a closed terminal), it left a lease that would otherwise keep its
    articles "being analysed by another worker" until the lease lapsed. A holder elsewhere, one named
    the old way (host:pid:nonce), or a process id since reused waits for its lease, as before."""
    host, pid, space, _ = ([*worker.split(":"), "", "", ""])[:4]
    if host != socket.gethostname() or space != _process_space() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    return not _process_runs(int(pid))


def _process_runs(pid: int) -> bool:
    if os.name != "posix":  # on Windows os.kill(pid, 0) would end the process, not ask about it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, say: it runs
        return True
    try:  # an exited process its parent has not yet reaped keeps its id as a zombie
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


@contextmanager
def claimed(registry: Registry, article_id: str, cache_key: str, lease_s: float) -> Iterator[str | None]:
    """Hold the article's claim while the block runs, yielding the claimant (None: another holds it).

    A thread renews the lease every third of it, so a slow analysis keeps its article and a killed
    worker's lapses within `lease_s`. The claim ends with the analysis's commit, or is released if
    the block fails; a worker killed outright leaves only a lease that lapses.
    """
    worker = claimant()
    if not registry.claim_analysis(article_id, cache_key, worker, lease_s):
        holder = registry.claims().get(article_id)
        if holder is None or not holder_died(holder) or not registry.take_over_claim(article_id, holder, cache_key, worker, lease_s):
            yield None
            return
    done = threading.Event()

    def renew() -> None:
        while not done.wait(lease_s / 3):
            try:
                if not registry.renew_claim(article_id, worker, lease_s):
                    return  # lapsed and taken: record_analysis will refuse to store
            except Exception as exc:  # noqa: BLE001 - a failed renewal is retried at the next beat
                logging.getLogger(__name__).warning("could not renew the claim on %s: %s", article_id, exc)

    beat = threading.Thread(target=renew, name=f"claim-{article_id[:8]}", daemon=True)
    beat.start()
    try:
        yield worker
    finally:
        done.set()
        beat.join()
        registry.release_claim(article_id, worker)  # a no-op after record_analysis, which ended it


def failure_reason(error: object, settings: Settings) -> str:
    """One line a user can act on, whatever failed: the LLM server down, a timeout, an invalid answer."""
    if (said := backend_fault(error, settings)) is not None:
        return said
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:300] if text else ''}"


def ensure_llm_limit(limit: int) -> None:
    """The global concurrency limit on LLM calls, created once (it lives in the Prefect server)."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(LLM_LIMIT)
        except Exception:  # noqa: BLE001 - not found: create it
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=LLM_LIMIT, limit=limit))
            except ObjectAlreadyExists:  # Prefect's name for the server's 409
                pass  # two runs starting at once both found none; the other made it first, which is all this wants


# Prefect types TaskRunner as invariant in its future type, so its own ThreadPoolTaskRunner does not fit the
# flow decorator's annotation; the ignore goes when Prefect fixes that.
@flow(name="analyse", task_runner=ThreadPoolTaskRunner(max_workers=4), validate_parameters=False)  # type: ignore[arg-type]
def analyse(article_ids: list[str], prompt_overrides: list[str] | None = None, settings: Settings | None = None) -> AnalyseReport:
    """Analyse the given articles; unchanged ones (same content, prompts, decider, model...) cost nothing."""
    return analyse_articles(article_ids, prompt_overrides or [], settings or get_settings())


def analyse_articles(article_ids: list[str], prompt_overrides: list[str], settings: Settings) -> AnalyseReport:
    """The analyse flow's body; the ingest-and-analyse flow runs it too, after ingesting."""
    if shared_llm_limit():
        ensure_llm_limit(settings.llm_concurrency)
    report_progress("analyse", 0, len(article_ids))
    report = AnalyseReport()
    task = _analyse_task(settings)
    futures = [(article_id, task.submit(article_id, prompt_overrides, settings)) for article_id in article_ids]
    try:
        for article_id, future in futures:
            report.results.append(_outcome(article_id, future, settings))
            report_progress("analyse", 1)
    except (KeyboardInterrupt, TerminationSignal):
        # Leaving the flow waits for every task submitted. Prefect turns SIGTERM into TerminationSignal here, and only
        # then hands it to the CLI's handler: all the articles waiting for the model were analysed first (seen here).
        STOP_REQUESTED.set()
        raise
    _after_analyses(report, settings)
    return report


def _analysed(report: AnalyseReport) -> list[str]:
    return [r.article_id for r in report.results if r.status == "analysed"]


def _after_analyses(report: AnalyseReport, settings: Settings) -> None:
    """What new analyses change elsewhere: earlier articles' cross-checks, then the watchers' alerts."""
    report.rechecked = recheck_related(_analysed(report), settings)
    alert_watchers(_analysed(report), settings)


def recheck_related(analysed: list[str], settings: Settings) -> list[str]:
    """Cross-check again the articles analysed earlier that these new analyses found related (their
    chunks are evidence for a new statement): the new articles may corroborate or contradict them,
    and a cross-check is otherwise frozen at its own analysis, against the corpus of that day. No
    LLM call: the statements, their vectors and the corpus. Returns the articles whose cross-checks
    changed; a fault here is logged and leaves the stored cross-checks as they were."""
    made = services(settings)
    registry = made.registry
    fresh = set(analysed)
    related: set[str] = set()
    try:
        for article_id in analysed:
            if (analysis := registry.latest_analysis(article_id)) is not None:
                related |= analysis.crosschecked_against()
    except Exception as exc:  # noqa: BLE001 - a saving step: the analyses themselves are stored
        logging.getLogger(__name__).warning("earlier articles' cross-checks not refreshed: %s", exc)
        return []
    return recheck(sorted(related - fresh), settings)


def recheck(article_ids: list[str], settings: Settings) -> list[str]:
    """Cross-check these articles' statements again against the corpus as it is now (no LLM call);
    returns those whose cross-checks changed. A fault is logged and leaves that article's as they were."""
    made = services(settings)
    registry = made.registry
    changed = []
    for article_id in article_ids:
        try:
            article, analysis = registry.get(article_id), registry.latest_analysis(article_id)
            checked = [s for s in analysis.statements if s.crosscheck is not None] if analysis else []
            if article is None or not checked:
                continue
            found = [Statement(text=s.quote, start=s.start, end=s.end) for s in checked]
            now = made.crosscheck(article, found)
            if [c.model_dump() for c in now] != [s.crosscheck.model_dump() for s in checked if s.crosscheck]:
                registry.update_crosschecks(article_id, {(s.start, s.end): c for s, c in zip(found, now, strict=True)}, datetime.now(UTC))
                changed.append(article_id)
        except Exception as exc:  # noqa: BLE001 - a saving step: the analyses themselves are stored
            logging.getLogger(__name__).warning("cross-check of %s not refreshed: %s", article_id, exc)
    return changed


def _analyse_task(settings: Settings) -> Any:
    retries = settings.llm_retries
    return analyse_one.with_options(retries=retries, retry_delay_seconds=exponential_backoff(4)(retries) if retries else 0)


def _outcome(article_id: str, future: Any, settings: Settings) -> AnalyseResult:
    future.wait()
    if future.state.is_completed():
        result: AnalyseResult = future.result()
        return result
    error = future.state.result(raise_on_failure=False)
    return AnalyseResult(article_id=article_id, status="failed", error=failure_reason(error, settings))


@flow(name="analyse-backlog", validate_parameters=False)
def analyse_backlog(
    prompt_overrides: list[str] | None = None, settings: Settings | None = None, max_wait_s: float | None = None
) -> AnalyseReport:
    """Analyse every article never analysed, one at a time, alongside any number of workers doing
    the same: each takes the next article nobody holds a live claim on.

    When only articles claimed by others are left, it waits for them (polling), since a claim whose
    worker died lapses after `analysis_lease_s` and its article must still be done: the run ends
    when nothing is left, or after `max_wait_s` (default: two leases) without progress. Each article
    is tried once per run: one that fails stays for the next run rather than looping here.
    """
    settings = settings or get_settings()
    registry = services(settings).registry
    if shared_llm_limit():
        ensure_llm_limit(settings.llm_concurrency)
    patience = max_wait_s if max_wait_s is not None else 2 * settings.analysis_lease_s
    report, tried = AnalyseReport(), set[str]()
    task = _analyse_task(settings)
    waited_since: float | None = None
    while True:
        left = [i for i in registry.unanalysed_ids() if i not in tried]
        if not left:
            _after_analyses(report, settings)
            return report
        held = {i for i, worker in registry.claims().items() if not holder_died(worker)}
        free = [i for i in left if i not in held]
        if not free:  # the rest is in other workers' hands: wait for them to finish, or for a lease to lapse
            waited_since = waited_since or time.monotonic()
            if time.monotonic() - waited_since > patience:
                _after_analyses(report, settings)
                return report
            time.sleep(min(5.0, settings.analysis_lease_s / 4))
            continue
        waited_since = None
        article_id = free[0]
        tried.add(article_id)
        result = _outcome(article_id, task.submit(article_id, prompt_overrides or [], settings), settings)
        if result.status == "busy":  # taken between the look and the claim: look again later
            tried.discard(article_id)
        else:
            report.results.append(result)
