"""Serve the ingest-and-analyse flow as scheduled deployments that poll feeds and folders and analyse what is new.

`Flow.serve()` would do, but Prefect 3.8's runner neither stops on SIGTERM (its
handler never awaits its own stop) nor on Ctrl-C (the cancelled start is
swallowed), which leaves `assay serve` unkillable short of SIGKILL. So the
runner runs on a thread of its own and the main thread owns the signals.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from datetime import timedelta

from prefect.runner import Runner

from assay.flows.pipeline import ingest_and_analyse
from assay.types import SourceKind


def _pause_said_by_assay(record: logging.LogRecord) -> bool:
    """`assay serve` says "Stopped; the deployment is paused." itself: Prefect's runner said it again in two
    INFO lines after it (seen here)."""
    return not record.getMessage().startswith(("Pausing all deployments", "All deployments have been paused"))


def serve_polls(feeds: list[str], *, folders: list[str] | None = None, name: str, interval: timedelta,
                stop: threading.Event | None = None) -> str:
    """Register the deployments (the feeds', the folders'), poll on schedule until SIGINT/SIGTERM (or
    `stop`), then pause them. Returns the first deployment's id."""
    stop = stop or threading.Event()
    # One poll at a time: a poll that runs past the interval (a first one loading the models, a big
    # backlog) is not overlapped by the next, which would ingest and analyse the same new articles again.
    runner = Runner(name=name, pause_on_shutdown=True, limit=1)
    ids = []
    if feeds:
        ids.append(runner.add_flow(
            ingest_and_analyse, name=name, interval=interval, parameters={"sources": feeds, "expect": SourceKind.feed.value, "poll": True}))
    if folders:  # any file a folder holds, read as `assay ingest FOLDER` reads it
        ids.append(runner.add_flow(
            ingest_and_analyse, name=f"{name}-folders", interval=interval, parameters={"sources": folders, "expect": None, "poll": True}))
    deployment_id = ids[0]
    logging.getLogger("prefect.runner").addFilter(_pause_said_by_assay)
    loop = asyncio.new_event_loop()
    worker = threading.Thread(target=loop.run_until_complete, args=(runner.start(),), name="assay-runner", daemon=True)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
    worker.start()
    while not stop.wait(0.5) and worker.is_alive():
        pass
    if worker.is_alive():
        asyncio.run_coroutine_threadsafe(runner.astop(), loop).result(timeout=60)
        worker.join(timeout=60)
    return str(deployment_id)
