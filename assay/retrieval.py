"""Hybrid retrieval: dense search in Chroma plus BM25 keyword search, fused by reciprocal rank fusion.

Dense search finds paraphrases; keyword search finds what embeddings blur (tickers, "NdFeB",
"Dy2O3", figures, names). RRF needs no score calibration between the two: each list votes
1/(RRF_K + rank) for its chunks.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

import numpy as np
from pydantic import BaseModel, Field

from assay.embeddings import MiniLMEmbeddings
from assay.settings import Settings
from store.keywords import keyword_index
from store.registry import Registry, as_utc
from store.vectors import ChunkStore

RRF_K = 60  # the constant of Cormack et al. (2009); ranks past ~60 barely count


class Filters(BaseModel):
    since: date | None = Field(None, description="Only articles published on or after this day.")
    until: date | None = Field(None, description="Only articles published on or before this day.")
    source: str | None = Field(None, description="Only articles whose source (feed title or site) contains this, any case.")
    entity: str | None = Field(None, description="Only articles that mention this name, or list it among their analysed entities.")

    def any(self) -> bool:
        return any(v is not None for v in (self.since, self.until, self.source, self.entity))


class Hit(BaseModel):
    chunk_id: str
    article_id: str
    text: str
    start: int = Field(description="Offset of the chunk in its article's clean body.")
    end: int
    title: str
    url: str | None = None
    published: str | None = None
    dense_similarity: float | None = Field(None, description="Cosine similarity to the question, if dense search found it.")
    keyword_score: float | None = Field(None, description="BM25 score, if keyword search found it.")
    dense_rank: int | None = None
    keyword_rank: int | None = None
    rrf: float = Field(description="Reciprocal rank fusion score: the order of the hits.")


class Retrieval(BaseModel):
    hits: list[Hit]
    best_dense_similarity: float = Field(description="Highest cosine similarity among dense candidates (0 if none).")


def allowed_articles(registry: Registry, filters: Filters) -> set[str] | None:
    """Article ids that pass the filters; None when there are no filters."""
    if not filters.any():
        return None
    since = datetime.combine(filters.since, time.min, timezone.utc) if filters.since else None
    until = datetime.combine(filters.until, time.max, timezone.utc) if filters.until else None
    name = re.compile(rf"(?<!\w){re.escape(filters.entity)}(?!\w)", re.I) if filters.entity else None
    allowed = set()
    for row in registry.list():
        published = as_utc(row.published)
        if (since or until) and published is None:
            continue
        if since and published < since or until and published > until:
            continue
        if filters.source and filters.source.lower() not in f"{row.source} {row.source_url}".lower():
            continue
        if name and not name.search(f"{row.title}\n{row.body}") and not _lists_entity(registry, row.id, filters.entity or ""):
            continue
        allowed.add(row.id)
    return allowed


def _lists_entity(registry: Registry, article_id: str, entity: str) -> bool:
    analysis = registry.latest_analysis(article_id) or {}
    return any(e.get("name", "").lower() == entity.lower() for e in analysis.get("entities", []))


class HybridRetriever:
    def __init__(self, settings: Settings, store: ChunkStore, registry: Registry, embedder: MiniLMEmbeddings):
        self.store, self.registry, self.embedder = store, registry, embedder
        self.keywords = keyword_index(store, settings.home / "keywords")

    def search(self, question: str, k: int = 5, filters: Filters | None = None, candidates: int | None = None) -> Retrieval:
        """The k best chunks for the question; each list contributes its `candidates` best (default 4k, at least 20)."""
        filters = filters or Filters()
        allowed = allowed_articles(self.registry, filters)
        if allowed is not None and not allowed:
            return Retrieval(hits=[], best_dense_similarity=0.0)
        n = candidates or max(4 * k, 20)
        hits: dict[str, Hit] = {}

        vector = np.asarray(self.embedder.forward([question])[0], dtype=np.float32)
        where = {"article_id": {"$in": sorted(allowed)}} if allowed is not None else None
        dense = self.store.collection.query(
            query_embeddings=[vector], n_results=min(n, max(self.store.count(), 1)), where=where,
            include=["documents", "metadatas", "distances"],
        )
        for rank, (chunk_id, text, meta, distance) in enumerate(
            zip(dense["ids"][0], dense["documents"][0], dense["metadatas"][0], dense["distances"][0]), start=1
        ):
            hits[chunk_id] = _hit(chunk_id, text, meta, rrf=1 / (RRF_K + rank), dense_similarity=round(1 - float(distance), 4), dense_rank=rank)
        best = max((h.dense_similarity or 0.0 for h in hits.values()), default=0.0)

        keyword_hits = self.keywords.search(question, n, allowed)
        missing = [h.chunk_id for h in keyword_hits if h.chunk_id not in hits]
        fetched = self.store.collection.get(ids=missing, include=["documents", "metadatas"]) if missing else None
        found = {i: (d, m) for i, d, m in zip(fetched["ids"], fetched["documents"], fetched["metadatas"])} if fetched else {}
        for rank, keyword_hit in enumerate(keyword_hits, start=1):
            vote = 1 / (RRF_K + rank)
            if keyword_hit.chunk_id in hits:
                hit = hits[keyword_hit.chunk_id]
                hit.rrf += vote
                hit.keyword_score, hit.keyword_rank = round(keyword_hit.score, 4), rank
            elif keyword_hit.chunk_id in found:  # the index can briefly lag a deletion in Chroma
                text, meta = found[keyword_hit.chunk_id]
                hits[keyword_hit.chunk_id] = _hit(keyword_hit.chunk_id, text, meta, rrf=vote, keyword_score=round(keyword_hit.score, 4), keyword_rank=rank)

        ranked = sorted(hits.values(), key=lambda h: -h.rrf)[:k]
        return Retrieval(hits=ranked, best_dense_similarity=best)


def _hit(chunk_id: str, text: str, meta: dict, **scores: float | int) -> Hit:
    return Hit(
        chunk_id=chunk_id, article_id=str(meta["article_id"]), text=text, start=int(meta["start"]), end=int(meta["end"]),
        title=str(meta["title"]), url=meta.get("url"), published=meta.get("published"), **scores,
    )
