"""The backlog: analyses shared out by claims in the registry, through the real analyse flows
(Prefect test server, Chroma, SQLite) and an LLM on loopback that answers from the article."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import article_html, rss, use_extractive_llm


@pytest.fixture
def backlog_home(ingest, assay_home, http_server, extractive_llm, monkeypatch):
    """Six articles ingested, none analysed; the LLM is the extractive one."""
    from assay.settings import get_settings

    use_extractive_llm(monkeypatch, extractive_llm, ASSAY_LLM_CONCURRENCY="2", ASSAY_ANALYSIS_LEASE_S="3")
    items = [{"title": f"Backlog {n}", "link": f"https://example.com/backlog/{n}", "html": article_html(n)} for n in range(6)]
    assert ingest([http_server.set("/backlog.xml", rss(items), content_type="application/xml")]).counts["new"] == 6
    return get_settings()


def test_two_backlog_runs_at_once_analyse_every_article_exactly_once(backlog_home, extractive_llm):
    from assay import api
    from assay.services import services

    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: api.analyse_backlog(backlog_home), range(2)))
    analysed = [r.article_id for report in reports for r in report.results if r.status == "analysed"]
    registry = services(backlog_home).registry
    assert sorted(analysed) == sorted(a.id for a in registry.articles())  # each once, between the two runs
    assert extractive_llm.calls - extractive_llm.probes == 6  # one summary each (a probe asks for log-probabilities, gets none)
    assert registry.unanalysed_ids() == [] and registry.claims(live=False) == {}
    assert api.analyse_backlog(backlog_home).results == []  # nothing left: a rerun does nothing


def test_a_lapsed_claim_is_taken_and_a_live_one_waited_for(backlog_home, extractive_llm):
    from assay import api
    from assay.services import services

    registry = services(backlog_home).registry
    dead, busy, *_ = registry.unanalysed_ids()
    registry.claim_analysis(dead, "key", "a-worker-that-died", lease_s=0.5)  # never renewed: lapses
    # Alive, but never finishes: a lease of an hour, since a loaded CI machine once took over a minute
    # to analyse the other five, and a 60 s lease lapsed before the sweep reached it.
    registry.claim_analysis(busy, "key", "a-slow-worker", lease_s=3600)
    report = api.analyse_backlog(backlog_home, max_wait_s=2)
    done = {r.article_id for r in report.results if r.status == "analysed"}
    assert dead in done and busy not in done and len(done) == 5
    assert registry.unanalysed_ids() == [busy]  # left for the next sweep, not analysed twice


def _claimant_of(pid: int) -> str:
    """A claimant as the process `pid` of this machine would have named itself."""
    import os

    from assay.flows.analyse import claimant

    host, own, space, nonce = claimant().split(":")
    assert own == str(os.getpid())
    return f"{host}:{pid}:{space}:{nonce}"


def test_a_claim_whose_process_died_is_taken_at_once_and_a_running_one_s_is_not(backlog_home, extractive_llm):
    """Seen by hand: `assay analyse --all` killed (kill -9) and run again left its two articles "being analysed by
    another worker" for the rest of their five-minute leases. A holder on this machine that no longer runs holds nothing."""
    import subprocess
    import sys

    from assay import api
    from assay.services import services

    registry = services(backlog_home).registry
    killed, running, left_by_the_dead, *rest = registry.unanalysed_ids()
    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        assert registry.claim_analysis(killed, "key", _claimant_of(exited.pid), lease_s=3600)
        holder = _claimant_of(alive.pid)
        assert registry.claim_analysis(running, "key", holder, lease_s=3600)
        report = api.analyse([killed, running], backlog_home)
        assert [r.status for r in report.results] == ["analysed", "busy"]
        assert registry.claims() == {running: holder}
        # the backlog neither waits for a dead holder's article nor takes a running one's
        assert registry.claim_analysis(left_by_the_dead, "key", _claimant_of(exited.pid), lease_s=3600)
        report = api.analyse_backlog(backlog_home, max_wait_s=1)
        assert {r.article_id for r in report.results if r.status == "analysed"} == {left_by_the_dead, *rest}
        assert registry.unanalysed_ids() == [running]
    finally:
        alive.kill()
        alive.wait()


def test_a_holder_died_only_when_it_is_a_process_of_this_machine_that_no_longer_runs():
    import os
    import subprocess
    import sys

    from assay.flows.analyse import claimant, holder_died

    exited = subprocess.Popen([sys.executable, "-c", "pass"])
    exited.wait()
    dead = _claimant_of(exited.pid)
    assert holder_died(dead)
    assert not holder_died(claimant())  # this process, another flow in it
    host, pid, space, nonce = dead.split(":")
    assert not holder_died(f"another-host:{pid}:{space}:{nonce}")  # its processes are not ours to see
    assert not holder_died(f"{host}:{pid}:1:{nonce}")  # nor another container's, numbered apart
    assert not holder_died(f"{host}:{pid}:{nonce}")  # named the old way: its lease decides, as before
    assert not holder_died("a-worker") and not holder_died(_claimant_of(os.getppid()))
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)  # exited, and left unreaped
    assert holder_died(_claimant_of(zombie.pid))
    zombie.wait()


def test_only_calls_to_an_llm_server_take_a_slot_of_the_global_limit(monkeypatch):
    import threading

    from assay.flows.analyse import llm_slot
    from assay.settings import Settings

    # each worker's own model: nothing shared between processes, one article at a time within one
    local = llm_slot(Settings(llm="local"))
    assert isinstance(local, type(threading.Lock())) and local is llm_slot(Settings(llm="local"))
    # an LLM server's calls: the Prefect global limit where a Prefect server runs, else a limit in this process
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")
    assert not isinstance(llm_slot(Settings(llm="openai")), (type(threading.Lock()), threading.BoundedSemaphore))
    monkeypatch.delenv("PREFECT_API_URL")
    here = llm_slot(Settings(llm="openai", llm_concurrency=2))
    assert isinstance(here, threading.BoundedSemaphore) and here is llm_slot(Settings(llm="openai", llm_concurrency=2))


def test_the_llm_limit_made_by_another_run_at_the_same_moment_is_no_fault(monkeypatch):
    """Two runs starting at once both find no limit and both create it: the second's 409 means it exists."""
    import httpx
    from prefect.exceptions import ObjectAlreadyExists, PrefectHTTPStatusError

    from assay.flows import analyse as analyse_module

    def conflict(status: int) -> Exception:
        """What Prefect's client raises for the server's answer: a 409 it names ObjectAlreadyExists."""
        request = httpx.Request("POST", "http://prefect/api/v2/concurrency_limits/")
        error = PrefectHTTPStatusError.from_httpx_error(
            httpx.HTTPStatusError("conflict", request=request, response=httpx.Response(status, request=request)))
        return ObjectAlreadyExists(http_exc=error) if status == 409 else error

    class Client:
        status = 409

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def read_global_concurrency_limit_by_name(self, name):
            raise LookupError(name)

        def create_global_concurrency_limit(self, limit):
            raise conflict(self.status)

    monkeypatch.setattr(analyse_module, "get_client", lambda sync_client: Client())
    analyse_module.ensure_llm_limit(2)  # no error
    Client.status = 500
    with pytest.raises(PrefectHTTPStatusError):
        analyse_module.ensure_llm_limit(2)


def test_a_registry_on_a_full_disk_fails_each_analysis_before_the_model_runs(backlog_home, extractive_llm, monkeypatch):
    """Seen here on a small tmpfs: a batch of analyses on a full disk ran the model for every article, then failed
    to store each. Now each says why at once, with no model call, and the next run after space is freed analyses them."""
    import shutil

    from assay import api
    from assay.services import services
    from assay.store.registry import REGISTRY_MIN_FREE

    registry = services(backlog_home).registry
    if registry.path is None:
        pytest.skip("a PostgreSQL registry's disk is its server's, which says so itself")
    ids = registry.unanalysed_ids()
    real = shutil.disk_usage
    monkeypatch.setattr("assay.store.disk.shutil.disk_usage", lambda path: real(path)._replace(free=REGISTRY_MIN_FREE - 1))
    report = api.analyse(ids, settings=backlog_home)
    assert [r.status for r in report.results] == ["failed"] * len(ids)
    assert report.results[0].error == f"no space left on the device holding {registry.where}: free some space, then run the command again"
    assert extractive_llm.calls == 0 and registry.unanalysed_ids() == ids
    monkeypatch.setattr("assay.store.disk.shutil.disk_usage", real)
    assert {r.status for r in api.analyse(ids, settings=backlog_home).results} == {"analysed"}
