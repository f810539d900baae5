"""Chunks and their embeddings in Chroma: embedded PersistentClient, or a server by URL.

The only module that speaks Chroma's API: the rest of Assay asks for nearest chunks, chunks by
id and pages of all chunks (`assay.types.ChunkSearch`). Vectors always come from Assay's own
embedder: Chroma's default embedding function downloads a model, so nothing here ever passes
`query_texts` or lets Chroma embed.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from assay.settings import Settings
from assay.types import Article, Chunk, StoredChunk

PAGE = 5000  # chunks per `get`: one huge `get` hits SQLite's variable limit


class ChunkRecords(NamedTuple):
    """Chunks exactly as Chroma holds them, vectors included: what a backup copies."""

    ids: list[str]
    embeddings: np.ndarray
    documents: list[str]
    metadatas: list[dict[str, Any]]


class StoreError(RuntimeError):
    """The chunk store cannot be reached or opened; the message names the cause and the fix."""


class ChunkStoreReadOnly(StoreError):
    """An embedded chunk store in a folder this user may not write: the registry can still be read."""


class ChunkStoreDamaged(StoreError):
    """An embedded chunk store whose files are not a database: the registry can still be read, and
    `assay doctor --repair` rebuilds the chunks from it once the damaged folder is moved away."""


def chroma_client(settings: Settings) -> Any:  # chromadb.ClientAPI; chromadb's stubs make it Any anyway
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        host, port, ssl = settings.chroma_host_port
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
        except Exception as exc:  # chromadb raises ValueError or httpx errors for a server that is not there
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({type(exc).__name__}): is it running? (ASSAY_CHROMA_URL)"
            ) from exc
    path = settings.chroma_path
    if not path.exists() and path.parent.exists() and not os.access(path.parent, os.W_OK):
        raise ChunkStoreReadOnly(f"the data folder {path.parent} is read-only: there is no chunk store in it yet, and none can be made")
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK) or any(not os.access(f, os.W_OK) for f in path.glob("*.sqlite3")):
        # Embedded Chroma writes to its SQLite file even to read; it fails deep inside with "attempt to write a readonly database".
        raise ChunkStoreReadOnly(
            f"the chunk store {path} is read-only, and embedded Chroma needs write access even to read: "
            "`assay articles`, `show` and `report` still work; give this user write access to use the others"
        )
    try:
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except chromadb.errors.InternalError as exc:
        raise ChunkStoreDamaged(_damaged(path, exc)) from exc


def _damaged(path: Path, exc: Exception) -> str:
    return (f"the chunk store {path} is damaged ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}): move it away and run "
            "`assay doctor --repair` to rebuild it from the registry, or restore a backup (`assay backup`)")


class ChunkStore:
    def __init__(self, settings: Settings):
        self.client = chroma_client(settings)
        self.name = settings.chroma_collection
        try:
            # Cosine, because MiniLM vectors are normalised and compared by angle.
            self._collection = self.client.get_or_create_collection(
                self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
        except chromadb.errors.InternalError as exc:  # embedded Chroma's SQLite file is not a database
            if settings.chroma_url:
                raise
            raise ChunkStoreDamaged(_damaged(settings.chroma_path, exc)) from exc
        # Chroma's default ef_search (100) let embedded Chroma return a different top 20 for the same
        # question in about one process of ten (its graph is rebuilt on load, in no fixed order), and
        # so a different answer: 400 gave the exact top 20 in 20 of 20 processes on the eval corpus.
        # It is one of the settings Chroma lets an existing collection change.
        hnsw = (self._collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != settings.chroma_ef_search:
            self._collection.modify(configuration={"hnsw": {"ef_search": settings.chroma_ef_search}})

    # --- reading ---------------------------------------------------------------------------

    def nearest(
        self, vectors: np.ndarray, k: int, *, exclude_article: str | None = None, only_articles: Sequence[str] | None = None
    ) -> list[list[StoredChunk]]:
        """The k nearest chunks to each vector, best first, with their cosine similarity."""
        if len(vectors) == 0:
            return []
        where: dict[str, Any] | None = None
        if exclude_article is not None:
            where = {"article_id": {"$ne": exclude_article}}
        elif only_articles is not None:
            where = {"article_id": {"$in": sorted(only_articles)}}
        # n_results may exceed the chunks stored (Chroma returns what there is); counting them first
        # cost 43 ms a query at 1M chunks, twenty times the HNSW search itself.
        got = self._collection.query(
            query_embeddings=np.asarray(vectors, dtype=np.float32), n_results=max(1, k), where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            [_chunk(i, d, m, similarity=1.0 - float(distance)) for i, d, m, distance in zip(ids, docs, metas, distances)]
            for ids, docs, metas, distances in zip(got["ids"], got["documents"], got["metadatas"], got["distances"])
        ]

    def chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        """The chunks with these ids that exist, in no particular order."""
        if not ids:
            return []
        got = self._collection.get(ids=list(ids), include=["documents", "metadatas"])
        return [_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def pages(self, page: int = PAGE) -> Iterator[list[StoredChunk]]:
        """Every chunk, a page at a time."""
        for got in self._pages(["documents", "metadatas"], page):
            yield [_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def ids(self, page: int = PAGE) -> list[str]:
        """Every chunk id (reads nothing else: cheap even at 100k chunks)."""
        return [chunk_id for got in self._pages([], page) for chunk_id in got["ids"]]

    def _pages(self, include: list[str], page: int) -> Iterator[Any]:
        offset = 0
        while True:
            got = self._collection.get(include=include, limit=page, offset=offset)
            yield got
            if len(got["ids"]) < page:
                return
            offset += page

    def chunk_ids(self, article_id: str) -> set[str]:
        return self.chunk_ids_by_article([article_id])[article_id]

    def chunk_ids_by_article(self, article_ids: Sequence[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {a: set() for a in article_ids}
        if article_ids:
            got = self._collection.get(where={"article_id": {"$in": list(article_ids)}}, include=["metadatas"])
            for chunk_id, meta in zip(got["ids"], got["metadatas"] or []):
                found[str(meta["article_id"])].add(chunk_id)
        return found

    def count(self) -> int:
        return int(self._collection.count())

    def chunk_article_ids(self, ids: Sequence[str] | None = None, page: int = PAGE) -> dict[str, str]:
        """The article id of every chunk (of the chunks with these ids, when given); "" for a chunk without one."""
        if ids is not None:
            found: dict[str, str] = {}
            for start in range(0, len(ids), page):
                got = self._collection.get(ids=list(ids[start : start + page]), include=["metadatas"])
                found.update(_owners(got))
            return found
        return {chunk_id: owner for got in self._pages(["metadatas"], page) for chunk_id, owner in _owners(got).items()}

    def article_chunk_counts(self, page: int = PAGE) -> dict[str, int]:
        """Chunks held per article id (reads metadata only)."""
        return dict(Counter(self.chunk_article_ids(page=page).values()))

    def records(self, page: int = PAGE) -> Iterator[ChunkRecords]:
        """Every chunk with its vector, text and metadata, a page at a time (for backups)."""
        for got in self._pages(["embeddings", "documents", "metadatas"], page):
            if got["ids"]:
                yield ChunkRecords(
                    ids=list(got["ids"]),
                    embeddings=np.asarray(got["embeddings"], dtype=np.float32),
                    documents=[d or "" for d in got["documents"] or []],
                    metadatas=[dict(m or {}) for m in got["metadatas"] or []],
                )

    # --- writing ---------------------------------------------------------------------------

    def upsert(self, batch: Sequence[tuple[Article, Sequence[Chunk], np.ndarray]]) -> None:
        """Chunks of several articles in one call: one write is much cheaper than one per article."""
        rows = [(article, chunk, vector) for article, chunks, vectors in batch for chunk, vector in zip(chunks, vectors, strict=True)]
        if not rows:
            return
        self._collection.upsert(
            ids=[c.id for _, c, _ in rows],
            embeddings=np.asarray([v for _, _, v in rows], dtype=np.float32),
            documents=[c.text for _, c, _ in rows],
            metadatas=[c.metadata(a) for a, c, _ in rows],
        )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._collection.delete(ids=list(ids))

    def add_records(self, records: ChunkRecords) -> None:
        """Chunks as `records` gave them, vectors included (nothing is embedded again)."""
        step = max(1, min(PAGE, int(self.client.get_max_batch_size())))
        for start in range(0, len(records.ids), step):
            end = start + step
            self._collection.upsert(
                ids=records.ids[start:end], embeddings=records.embeddings[start:end],
                documents=records.documents[start:end], metadatas=records.metadatas[start:end],
            )


def _owners(got: Any) -> dict[str, str]:
    return {chunk_id: str((meta or {}).get("article_id", "")) for chunk_id, meta in zip(got["ids"], got["metadatas"] or [])}


def _chunk(chunk_id: str, text: str | None, meta: Mapping[str, Any], similarity: float | None = None) -> StoredChunk:
    return StoredChunk(
        chunk_id=chunk_id, article_id=str(meta["article_id"]), text=text or "", start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)), title=str(meta.get("title", "")), source=str(meta.get("source", "")),
        url=meta.get("url"), published=meta.get("published"), similarity=similarity,
    )
