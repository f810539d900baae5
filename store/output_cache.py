"""Model outputs kept by their exact input (so the prompt version) and the model with its
parameters: LangChain's cache interface, in one SQLite file under ASSAY_HOME.

Analyses use it (`ASSAY_HOME/llm-cache.sqlite`): a new release's splitter, attribution or
cross-check changes an analysis's key and so re-analyses every article, but the summary's input is
the same, and the model is not asked again (an embedded model takes 10-25 s an article). Evals keep
their own (`ASSAY_HOME/evals/llm-cache.sqlite`): an eval re-run, or the released side of a gate
after an earlier eval, costs no LLM call. Answers are never cached: they stream, and each question
is asked for a fresh reading of the corpus.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.load import dumps, loads
from langchain_core.outputs import Generation

from assay.llm_log import CACHED

log = logging.getLogger(__name__)


class SQLiteOutputCache(BaseCache):
    """A cache is a saving, never a fault: a home where it cannot be opened or written (read-only, a
    disk full, another process holding the lock too long) asks the model instead."""

    def __init__(self, path: Path):
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        self._db: sqlite3.Connection | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
            self._db.execute("CREATE TABLE IF NOT EXISTS outputs (key TEXT PRIMARY KEY, generations TEXT NOT NULL)")
        except (OSError, sqlite3.Error) as exc:
            log.warning("model outputs are not cached: %s cannot be opened (%s)", path, exc)
            self._db = None

    @staticmethod
    def _key(prompt: str, llm_string: str) -> str:
        return hashlib.sha256(f"{llm_string}\x00{prompt}".encode()).hexdigest()

    def lookup(self, prompt: str, llm_string: str) -> Sequence[Generation] | None:
        row = None
        if self._db is not None:
            try:
                with self._lock:
                    row = self._db.execute("SELECT generations FROM outputs WHERE key = ?", (self._key(prompt, llm_string),)).fetchone()
            except sqlite3.Error as exc:
                log.warning("model output cache not read (%s)", exc)
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # langchain_core.load is marked beta; the cache is ours to rebuild
            generations = loads(row[0], allowed_objects="core")
        for generation in generations:  # the call log counts calls the model answered, not replies read back
            generation.generation_info = {**(generation.generation_info or {}), CACHED: True}
        return generations

    def update(self, prompt: str, llm_string: str, return_val: Sequence[Generation]) -> None:
        if self._db is None:
            return
        try:
            with self._lock, self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO outputs (key, generations) VALUES (?, ?)", (self._key(prompt, llm_string), dumps(list(return_val)))
                )
        except sqlite3.Error as exc:
            log.warning("model output not cached (%s)", exc)

    def clear(self, **kwargs: Any) -> None:
        if self._db is not None:
            with self._lock, self._db:
                self._db.execute("DELETE FROM outputs")
