"""Model outputs kept across eval runs, keyed by the exact input (so the prompt version) and the
model with its parameters: LangChain's cache interface, in one SQLite file under ASSAY_HOME.

Only evals use it: an eval re-run, or the released side of a gate after an earlier eval, costs
no LLM call. Answers in normal use are never cached (they stream, and an analysis has its own
cache key in the registry).
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.caches import BaseCache
from langchain_core.load import dumps, loads
from langchain_core.outputs import Generation


class SQLiteOutputCache(BaseCache):
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS outputs (key TEXT PRIMARY KEY, generations TEXT NOT NULL)")
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def _key(prompt: str, llm_string: str) -> str:
        return hashlib.sha256(f"{llm_string}\x00{prompt}".encode()).hexdigest()

    def lookup(self, prompt: str, llm_string: str) -> Sequence[Generation] | None:
        with self._lock:
            row = self._db.execute("SELECT generations FROM outputs WHERE key = ?", (self._key(prompt, llm_string),)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # langchain_core.load is marked beta; the cache is ours to rebuild
            return loads(row[0], allowed_objects="core")

    def update(self, prompt: str, llm_string: str, return_val: Sequence[Generation]) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO outputs (key, generations) VALUES (?, ?)", (self._key(prompt, llm_string), dumps(list(return_val)))
            )

    def clear(self, **kwargs: Any) -> None:
        with self._lock, self._db:
            self._db.execute("DELETE FROM outputs")
