"""Keyword search over the chunks (BM25 via bm25s): local Chroma has none, and tickers, "NdFeB",
"Dy2O3", figures and names are where dense vectors are weakest.

The index is built from the chunks in Chroma, kept on disk under ASSAY_HOME, and rebuilt when the
set of chunk ids changes (a signature of the ids), so Chroma stays the one source of truth.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path

import bm25s
import numpy as np

from assay.store.vectors import ChunkStore
from assay.types import KeywordHit

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG

# Words that carry no meaning for keyword matching; kept short so that "us", "may", "china" survive.
STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have how in into is it its of on or "
    "that the their them there these they this those to was were what when where which who whom why will "
    "with would about after before than then so if not no".split()
)
# Words, codes like Dy2O3 or NdFeB, and numbers with their separators ("6,000", "1.5").
_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*")


def keyword_tokens(text: str) -> list[str]:
    """Lower-cased words and numbers; "6,000" and "6000" are the same token."""
    out = []
    for match in _TOKEN.findall(text.lower()):
        token = match.replace(",", "") if any(c.isdigit() for c in match) else match
        if token not in STOPWORDS:
            out.append(token)
    return out


class KeywordIndex:
    def __init__(self, ids: list[str], article_ids: list[str], retriever: bm25s.BM25, signature: str):
        self.ids = ids
        self.article_ids = np.asarray(article_ids)
        self.retriever = retriever
        self.signature = signature

    @classmethod
    def build(cls, ids: Sequence[str], texts: Sequence[str], article_ids: Sequence[str]) -> KeywordIndex:
        retriever = bm25s.BM25()
        # bm25s needs at least one token per document; an empty chunk gets a token that never matches.
        retriever.index([keyword_tokens(t) or ["\x00"] for t in texts], show_progress=False)
        return cls(list(ids), list(article_ids), retriever, signature_of(ids))

    def search(self, query: str, k: int, article_ids: set[str] | None = None) -> list[KeywordHit]:
        """Best k chunks by BM25, optionally only from the given articles; chunks scoring 0 are left out."""
        tokens = [t for t in keyword_tokens(query) if t in self.retriever.vocab_dict]
        if not tokens or not self.ids:
            return []
        scores = self.retriever.get_scores(tokens)
        if article_ids is not None:
            scores = np.where(np.isin(self.article_ids, list(article_ids)), scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [KeywordHit(chunk_id=self.ids[i], score=float(scores[i])) for i in top if scores[i] > 0]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.retriever.save(str(folder / "bm25"))
        (folder / "chunks.json").write_text(
            json.dumps({"signature": self.signature, "ids": self.ids, "article_ids": self.article_ids.tolist()})
        )

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex | None:
        try:
            meta = json.loads((folder / "chunks.json").read_text())
            retriever = bm25s.BM25.load(str(folder / "bm25"))
        except (OSError, ValueError, KeyError):
            return None  # absent or half-written: rebuilt from Chroma
        return cls(meta["ids"], meta["article_ids"], retriever, meta["signature"])


def signature_of(ids: Sequence[str]) -> str:
    digest = hashlib.sha256()
    for chunk_id in sorted(ids):
        digest.update(chunk_id.encode() + b"\n")
    return digest.hexdigest()[:16]


_lock = threading.Lock()
_loaded: dict[str, KeywordIndex] = {}


def keyword_index(store: ChunkStore, folder: Path) -> KeywordIndex:
    """The index for the chunks Chroma holds now: from memory, from disk, or rebuilt (and saved)."""
    with _lock:
        ids = store.ids()
        signature = signature_of(ids)
        cached = _loaded.get(str(folder)) or KeywordIndex.load(folder)
        if cached is None or cached.signature != signature:
            rows = [c for page in store.pages() for c in page]
            cached = KeywordIndex.build([c.chunk_id for c in rows], [c.text for c in rows], [c.article_id for c in rows])
            cached.save(folder)
        _loaded[str(folder)] = cached
        return cached
