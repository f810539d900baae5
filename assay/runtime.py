"""Process set-up that must happen before Prefect is imported."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from assay.settings import Settings

# Set by the CLI's first Ctrl-C: work still waiting for its turn (an article waiting for the local model)
# is not begun, while the one in hand is finished and kept.
STOP_REQUESTED = threading.Event()


def prefect_server_set() -> bool:
    """Whether a Prefect server is named (PREFECT_API_URL): else Prefect runs its temporary one in this process."""
    return bool(os.environ.get("PREFECT_API_URL"))


# What is on this machine: never sent through a proxy.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def loopback_without_proxy() -> None:
    """Add this machine's names to NO_PROXY where the environment names a proxy and NO_PROXY leaves them out.

    Every HTTP client here (Prefect's, OpenAI's, Chroma's, httpx's) sends each request through the proxy that
    HTTP_PROXY / HTTPS_PROXY / ALL_PROXY name, loopback included, unless NO_PROXY says otherwise. Seen here with
    a proxy set and no NO_PROXY, as on many office machines: every command that runs a flow waited 97 s for
    Prefect's temporary server on 127.0.0.1, through the proxy, then said it "did not start"; an LLM or Chroma
    server on loopback was as unreachable. Feeds and pages still go through the proxy."""
    import urllib.request

    proxies = urllib.request.getproxies_environment()  # as httpx reads them: lower case wins over upper
    if not any(proxies.get(scheme) for scheme in ("http", "https", "all")):
        return
    listed = [host.strip() for host in proxies.get("no", "").split(",") if host.strip()]
    missing = [host for host in LOOPBACK_HOSTS if host not in listed]
    if "*" in listed or not missing:
        return
    os.environ["NO_PROXY"] = os.environ["no_proxy"] = ",".join([*listed, *missing])


def configure_prefect(settings: Settings, *, quiet: bool = True) -> None:
    """Keep Prefect's local state under ASSAY_HOME and its telemetry off, unless the user chose otherwise.

    A real Prefect server is used when PREFECT_API_URL is set; otherwise Prefect
    starts a temporary local one (about 10 s per process).
    """
    loopback_without_proxy()  # the temporary server, and `assay serve`'s, are on 127.0.0.1
    (settings.home / "prefect").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_HOME", str(settings.home / "prefect"))
    # A concurrency slot's lease on disk, not in the server's memory: a server started again (`assay serve`'s,
    # each time) then still knows a killed holder's lease and revokes it when it expires, where in memory
    # the slot stayed taken for good.
    os.environ.setdefault("PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE", "prefect.server.concurrency.lease_storage.filesystem")
    # Prefect keeps every flow run, its task runs and logs for good (events 7 days): about 25 KB a poll of
    # the sample feed (measured), 2.4 MB a day for `assay serve` polling every 15 minutes, never shrinking.
    # Its server's vacuum service deletes finished runs older than ASSAY_PREFECT_HISTORY_DAYS; the corpus
    # is in the registry, not there.
    os.environ.setdefault("PREFECT_SERVER_SERVICES_DB_VACUUM_ENABLED", "events,flow_runs")
    os.environ.setdefault("PREFECT_SERVER_SERVICES_DB_VACUUM_RETENTION_PERIOD", str(settings.prefect_history_days * 86400))
    # The temporary API server has 20 s to start by default; on a busy 2-core machine that is not always enough.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    if quiet and not os.environ.get("ASSAY_DEBUG"):
        # The CLI reports every failed item and article itself, in one line each; Prefect's own
        # logs would add a traceback per failed task run. `assay --debug` keeps them.
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "CRITICAL")
        # The temporary server logs harmless shutdown races as errors when the CLI exits.
        os.environ.setdefault("PREFECT_LOGGING_SERVER_LEVEL", "CRITICAL")
        # So do loggers outside Prefect's tree, through the console handler it gives the root logger:
        # its services ("EventsWorker - Still processing items") and SQLAlchemy's pool (a traceback for
        # a rollback cancelled at exit). Not the root logger itself: Assay's own warnings go through it.
        for name in _NOISY_AT_EXIT:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        # The temporary server is a subprocess (`uvicorn … prefect.server.api.server:create_app`) that
        # configures its logging from Prefect's file alone: the levels above do not reach it, and its
        # pool's cancelled rollback printed a traceback after a successful `assay ingest` (1 run in 5).
        if (quiet_config := _quiet_logging_config(settings.home / "prefect")) is not None:
            os.environ.setdefault("PREFECT_LOGGING_SETTINGS_PATH", str(quiet_config))


FORGET_BATCH = 200  # runs deleted per command at most: a home's first trim is spread over a few commands


def forget_old_runs(settings: Settings) -> int:
    """Delete the temporary Prefect server's finished flow runs older than ASSAY_PREFECT_HISTORY_DAYS, with
    their task runs, states and logs; returns how many. That server runs no vacuum service (measured: a
    40-day-old run stayed), so a home that only ever ingests by command kept every run, about 45 KB an
    ingested item. A named server (yours, or `assay serve`'s, whose vacuum does this) is left alone.
    A trim is a saving, never a fault: any failure is logged and the command goes on."""
    if prefect_server_set():
        return 0
    try:
        from prefect.client.orchestration import get_client
        from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterEndTime

        cutoff = datetime.now(UTC) - timedelta(days=settings.prefect_history_days)
        with get_client(sync_client=True) as client:
            old = client.read_flow_runs(flow_run_filter=FlowRunFilter(end_time=FlowRunFilterEndTime(before_=cutoff)), limit=FORGET_BATCH)
            for run in old:
                client.delete_flow_run(run.id)
        return len(old)
    except Exception as exc:  # noqa: BLE001 - see the docstring
        logging.getLogger(__name__).debug("Prefect's old runs not trimmed: %s", exc)
        return 0


# Seen under the one-line report of `assay ingest /nonexistent.txt`: the warning on every run, the
# traceback in 1 run of 4. Prefect names its services' loggers by their class.
_NOISY_AT_EXIT = ("EventsWorker", "APILogWorker", "sqlalchemy.pool")


def _quiet_logging_config(folder: Path) -> Path | None:
    """Prefect's own logging configuration with the `_NOISY_AT_EXIT` loggers at CRITICAL, written to
    `folder` (Assay's PREFECT_HOME) for every process Prefect starts; None where it cannot be written
    (a read-only home), and Prefect's default stands."""
    import importlib.util

    import yaml

    spec = importlib.util.find_spec("prefect")  # found, not imported: configure_prefect runs before Prefect loads
    if spec is None or spec.origin is None:
        return None
    config = yaml.safe_load((Path(spec.origin).parent / "logging" / "logging.yml").read_text(encoding="utf-8"))
    config.setdefault("loggers", {}).update({name: {"level": "CRITICAL"} for name in _NOISY_AT_EXIT})
    text = yaml.safe_dump(config, sort_keys=False)
    path = folder / "logging-quiet.yml"  # not Prefect's default name, which `assay --debug` would read too
    try:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            partial = folder / f".logging-quiet.yml.{os.getpid()}"
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)  # whole or not at all, for a process reading it now
    except OSError:
        return None
    return path


@contextmanager
def in_process_flow_settings() -> Iterator[None]:
    """Settings for a flow run inside this process against Prefect's temporary local API.

    Flow-run heartbeats let a server notice a run that crashed elsewhere; here the
    run and the temporary API live and die with this process, and the heartbeat
    thread's 1 s sleep adds about a second to every run's exit. With a real
    server (PREFECT_API_URL) heartbeats stay on.
    """
    if prefect_server_set():
        yield
        return
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    _start_temporary_server()
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def _start_temporary_server() -> None:
    """Start Prefect's temporary API server now, from the main thread, so that it dies with this process.

    Prefect starts it as a subprocess on first use and stops it at exit; a process killed by SIGKILL (an
    out-of-memory kill, `timeout -s KILL`) runs no exit hook, and each such `assay ingest` left its server
    serving (seen here). Started here, the subprocess gets `die_with_parent`, as `assay serve`'s server
    does: Linux sends the signal when the thread that started it ends, hence the main thread, which ends
    only with the process. Prefect then finds it running and uses it."""
    import threading

    from prefect.server.api import server as prefect_server
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():  # a profile's server, or none wanted
        return
    found = prefect_server.SubprocessASGIServer()  # one per process: Prefect's own calls get this one
    if found.running or threading.current_thread() is not threading.main_thread() or not sys.platform.startswith("linux"):
        return  # elsewhere Prefect starts it on first use, as before (Windows has no preexec_fn)
    popen = subprocess.Popen

    def dying_with_parent(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
        kwargs.setdefault("preexec_fn", die_with_parent)
        return popen(*args, **kwargs)

    subprocess.Popen = dying_with_parent  # type: ignore[misc,assignment]  # for this one start only; Prefect calls `subprocess.Popen`
    try:
        found.start()
    finally:
        subprocess.Popen = popen  # type: ignore[misc]


@contextmanager
def prefect_api(settings: Settings, *, startup_timeout_s: float = 90.0) -> Iterator[str]:
    """A Prefect API that can schedule: PREFECT_API_URL if set, else a local `prefect server` for this process.

    Prefect's ephemeral in-process API runs no scheduler, so a served deployment
    would never run there; `assay serve` starts a real server instead, with its
    database under ASSAY_HOME, and stops it on exit.
    """
    if prefect_server_set():
        yield os.environ["PREFECT_API_URL"]
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = open(settings.home / "prefect" / "server.log", "ab")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("prefect")), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
        preexec_fn=die_with_parent,
    )
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"prefect server exited with {server.returncode}; see {log.name}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"prefect server did not answer within {startup_timeout_s:g} s; see {log.name}")
            time.sleep(0.5)
        os.environ["PREFECT_API_URL"] = url
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def die_with_parent() -> None:
    """Linux: the process gets SIGTERM when the one that started it dies, even by SIGKILL, so none is left
    behind (`assay serve`'s server, the tests' PostgreSQL). Call it after any change of user: that clears it."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
