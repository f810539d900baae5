"""Assay scaled out on real engines, all started here on loopback: a Prefect server (on PostgreSQL),
PostgreSQL for the registry, a Chroma server, and two Prefect process workers running the
deployments `assay deploy` registers. The sample feed is ingested; each article's event triggers
its analysis on whichever worker is free; one worker is killed mid-analysis; the backlog sweep
finishes its article; every article ends with exactly one analysis.

The LLM is `ExtractiveLLM` (tests/conftest.py), an OpenAI-compatible server on loopback; everything
else is the real code path, process boundaries included.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import REPO, SAMPLE_FEED, ExtractiveLLM

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(check, timeout_s: float, what: str, processes: list[subprocess.Popen] = ()) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for process in processes:
            assert process.poll() is None, f"{process.args[:3]} exited while waiting for {what}"
        if check():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def test_two_workers_analyse_each_article_once_and_a_killed_workers_article_is_taken_again(tmp_path, postgres_server, chroma_server):
    registry_url = postgres_server.new_database()
    prefect_db = postgres_server.new_database().replace("+psycopg", "+asyncpg")
    llm = ExtractiveLLM(delay_s=1.5)  # time enough to kill a worker mid-analysis
    api_port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ASSAY_", "PREFECT_"))} | {
        "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_UI_ENABLED": "false",
        "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": f"http://127.0.0.1:{api_port}/api",
        "PREFECT_API_DATABASE_CONNECTION_URL": prefect_db, "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        # Heartbeats every 30 s (the least Prefect allows): the killed worker's flow run is marked
        # Crashed by `assay deploy`'s automation after 90 s without one.
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",
        "ASSAY_HOME": str(tmp_path / "home"), "ASSAY_DATABASE_URL": registry_url, "ASSAY_CHROMA_URL": chroma_server,
        "ASSAY_LLM": "openai", "ASSAY_LLM_BASE_URL": llm.url, "ASSAY_LLM_MODEL": "extractive", "OPENAI_API_KEY": "test-key",
        "ASSAY_LLM_CONCURRENCY": "2", "ASSAY_ANALYSIS_LEASE_S": "6",
    }
    if "XDG_CACHE_HOME" in os.environ:
        env["XDG_CACHE_HOME"] = os.environ["XDG_CACHE_HOME"]  # where `make setup` put the models
    logs = tmp_path / "logs"
    logs.mkdir()
    started: list[subprocess.Popen] = []

    def start(name: str, *command: str) -> subprocess.Popen:
        log = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append(process)
        return process

    def run(*command: str) -> str:
        done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        return done.stdout

    engine = create_engine(registry_url)

    def analysed() -> dict[str, int]:
        with engine.connect() as connection:
            return dict(connection.execute(text("SELECT article_id, count(*) FROM analyses GROUP BY article_id")).tuples().all())

    try:
        server = start("server", str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(api_port))
        _wait_for(lambda: _healthy(env["PREFECT_API_URL"]), 180, "the Prefect server", [server])
        deployed = json.loads(run(str(BIN / "assay"), "deploy", "--pool", "scale", "--json"))
        assert {d["name"] for d in deployed} == {"analyse/assay", "analyse-backlog/assay", "ingest/assay"}
        assert next(d for d in deployed if d["name"] == "analyse/assay")["triggered_by"] == ["assay.article.new", "assay.article.updated"]
        workers = [start(f"worker{n}", str(BIN / "prefect"), "worker", "start", "--pool", "scale", "--name", f"worker{n}", "--limit", "1")
                   for n in (1, 2)]

        # Ingest here, analyse nowhere here: the events go to the server, which starts the analyses on the workers.
        report = json.loads(run(str(BIN / "assay"), "ingest", "--no-analyse", "--json", str(SAMPLE_FEED)))
        articles = report["counts"]["new"]
        assert articles == 25

        # Kill worker 1 and its flow run (a process of its own session) while that holds an article's claim.
        victim = workers[0]

        def victim_claim() -> tuple[str, int] | None:
            with engine.connect() as connection:
                for article_id, worker in connection.execute(text("SELECT article_id, worker FROM analysis_claims")).tuples():
                    pid = int(worker.split(":")[1])  # host:pid:space:nonce
                    if victim.pid in _ancestors(pid):
                        return article_id, pid
            return None

        _wait_for(lambda: victim_claim() is not None, 300, "worker 1 to claim an article", [server, *workers])
        killed_article, flow_run_pid = victim_claim() or ("", 0)
        os.killpg(victim.pid, signal.SIGKILL)
        os.killpg(os.getpgid(flow_run_pid), signal.SIGKILL)
        victim.wait(timeout=30)
        assert killed_article not in analysed()

        # Worker 2 drains the triggered runs; the sweep (scheduled hourly; run now) takes the killed
        # worker's article once its lease lapses.
        _wait_for(lambda: len(analysed()) >= articles - 1, 600, "the other articles' analyses", [server, workers[1]])
        run(str(BIN / "prefect"), "deployment", "run", "analyse-backlog/assay")
        _wait_for(lambda: len(analysed()) == articles, 300, "the killed worker's article", [server, workers[1]])

        # No flow run is left "Running": the killed one stopped sending heartbeats and was marked Crashed.
        def runs_in(state: str) -> int:
            found = httpx.post(f"{env['PREFECT_API_URL']}/flow_runs/filter",
                               json={"flow_runs": {"state": {"type": {"any_": [state]}}}}, timeout=30)
            return len(found.json())

        _wait_for(lambda: runs_in("RUNNING") == 0 and runs_in("CRASHED") >= 1, 300, "the killed flow run to be marked Crashed",
                  [server, workers[1]])
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        engine.dispose()

    counts = analysed()
    assert len(counts) == articles and set(counts.values()) == {1}, f"analysed more than once: {counts}"
    assert killed_article in counts
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM analysis_claims")).scalar() == 0
        statuses = connection.execute(text("SELECT status, count(*) FROM articles GROUP BY status")).tuples().all()
    assert statuses == [("analysed", articles)]
    # One LLM call per analysis, plus at most the one the killed worker had in flight; and at most one
    # who-did-what probe each, since this server gives no log-probabilities.
    assert articles <= llm.calls - llm.probes <= articles + 1 and llm.probes <= articles + 1


def _healthy(api_url: str) -> bool:
    try:
        return httpx.get(f"{api_url}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _ancestors(pid: int) -> list[int]:
    """The process's parent, its parent's parent... (from /proc)."""
    found = []
    while pid > 1:
        try:
            pid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
        found.append(pid)
    return found
