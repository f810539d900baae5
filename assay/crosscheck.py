"""Check each statement against the rest of the corpus: who else says it, and do the numbers agree.

For a statement, the nearest chunks of *other* articles (cosine similarity of
MiniLM vectors) are its evidence. With numbers in the statement, a chunk that
repeats one of them corroborates it and a close chunk with only other numbers
conflicts with it; without numbers, a close chunk corroborates it. A near
duplicate in another article is a repeat of the same claim, linked with the
earliest date it was seen. The similarity thresholds were chosen on the `dev`
split's gold statuses (below).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from assay.analysis import numbers
from assay.embeddings import MiniLMEmbeddings
from assay.statements import Statement
from assay.types import Article, ChunkSearch, CrossCheck, EvidenceChunk, StoredChunk

# Chosen on dev's gold statuses (`python -m assay.evals.tune_crosscheck`, 65 facts and claims): status
# accuracy 0.66 and corroboration precision / recall 0.69 / 0.36, against 0.58 and 0.43 / 0.12
# with the first settings (0.55, 0.70); on test 0.83 against 0.75 (all "no other source": 0.72).
RELATED = 0.60  # a chunk this similar is evidence about the statement
CLOSE = 0.60  # close enough that differing numbers are a conflict
REPEAT = 0.85  # another article says nearly the same thing (no gold for repeats: first setting)
TOP_K = 4


class CorpusCrossCheck:
    def __init__(
        self, store: ChunkSearch, embedder: MiniLMEmbeddings, *, related: float = RELATED, close: float = CLOSE, repeat: float = REPEAT
    ) -> None:
        self.store, self.embedder = store, embedder
        self.related, self.close, self.repeat = related, close, repeat

    @property
    def name(self) -> str:
        """Its thresholds: part of every analysis's cache key, so changing one re-analyses."""
        return f"crosscheck(related={self.related:g},close={self.close:g},repeat={self.repeat:g},k={TOP_K})"

    def __call__(self, article: Article, found: Sequence[Statement], vectors: np.ndarray | None = None) -> list[CrossCheck]:
        if not found or self.store.count() == 0:
            return [CrossCheck(status="no_other_source") for _ in found]
        vectors = self.embedder.forward([s.text for s in found]) if vectors is None else vectors
        hits = self.store.nearest(vectors, TOP_K, exclude_article=article.id)
        return [self._judge(article, statement, chunks) for statement, chunks in zip(found, hits)]

    def _judge(self, article: Article, statement: Statement, chunks: list[StoredChunk]) -> CrossCheck:
        evidence: list[EvidenceChunk] = []
        repeats: list[EvidenceChunk] = []
        agreeing = conflicting = False
        own_numbers = numbers(statement.text)
        for chunk in chunks:
            similarity = chunk.similarity or 0.0
            if similarity < self.related:
                continue
            evidence.append(
                EvidenceChunk(
                    chunk_id=chunk.chunk_id, article_id=chunk.article_id, title=chunk.title,
                    published=chunk.published, similarity=round(similarity, 3),
                )
            )
            if similarity >= self.repeat:
                repeats.append(evidence[-1])
            if own_numbers:
                if own_numbers & numbers(chunk.text):
                    agreeing = True
                elif similarity >= self.close and numbers(chunk.text):
                    conflicting = True
            elif similarity >= self.close:
                agreeing = True
        status = "corroborated" if agreeing else "conflicting" if conflicting else "no_other_source"
        dates = [d for d in [article.published.isoformat() if article.published else None, *(r.published for r in repeats)] if d]
        return CrossCheck(
            status=status,
            evidence=evidence,
            repeated_by=sorted({r.article_id for r in repeats}),
            first_seen=min(dates, key=datetime.fromisoformat) if repeats and dates else None,
        )
