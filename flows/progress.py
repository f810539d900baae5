"""Progress of a flow run in this process, for the CLI's bars: flows report, listeners draw."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProgressListener = Callable[[str, int, int | None], None]  # stage, advance, new total (or None)
_listeners: list[ProgressListener] = []
_listeners_lock = threading.Lock()


@contextmanager
def progress_listener(listener: ProgressListener) -> Iterator[None]:
    with _listeners_lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _listeners_lock:
            _listeners.remove(listener)


def report_progress(stage: str, advance: int = 0, total: int | None = None) -> None:
    for listener in list(_listeners):
        listener(stage, advance, total)
