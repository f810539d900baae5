"""Chunks and their embeddings in Chroma: embedded PersistentClient, or a server by URL.

Vectors always come from Assay's own embedder: Chroma's default embedding
function downloads a model, so nothing here ever passes `query_texts` or lets
Chroma embed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Sequence

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from assay.settings import Settings
from assay.types import Article, Chunk


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        host, port, ssl = settings.chroma_host_port
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=chroma_settings)
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class ChunkStore:
    def __init__(self, settings: Settings):
        self.client = chroma_client(settings)
        self.name = settings.chroma_collection
        # Cosine, because MiniLM vectors are normalised and compared by angle.
        self.collection = self.client.get_or_create_collection(
            self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
        )

    def chunk_ids(self, article_id: str) -> set[str]:
        return self.chunk_ids_by_article([article_id])[article_id]

    def chunk_ids_by_article(self, article_ids: Sequence[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {a: set() for a in article_ids}
        if article_ids:
            got = self.collection.get(where={"article_id": {"$in": list(article_ids)}}, include=["metadatas"])
            for chunk_id, meta in zip(got["ids"], got["metadatas"] or []):
                found[str(meta["article_id"])].add(chunk_id)
        return found

    def upsert(self, batch: Sequence[tuple[Article, Sequence[Chunk], Sequence[Sequence[float]]]]) -> None:
        """Chunks of several articles in one call: one write is much cheaper than one per article."""
        rows = [(article, chunk, vector) for article, chunks, vectors in batch for chunk, vector in zip(chunks, vectors, strict=True)]
        if not rows:
            return
        self.collection.upsert(
            ids=[c.id for _, c, _ in rows],
            embeddings=np.asarray([v for _, _, v in rows], dtype=np.float32),
            documents=[c.text for _, c, _ in rows],
            metadatas=[c.metadata(a) for a, c, _ in rows],  # type: ignore[misc]
        )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def count(self) -> int:
        return self.collection.count()


@lru_cache(maxsize=8)
def _store_for(chroma_url: str | None, chroma_path: str, collection: str) -> ChunkStore:
    return ChunkStore(Settings(chroma_url=chroma_url, home=Path(chroma_path).parent, chroma_collection=collection))


def store_for(settings: Settings) -> ChunkStore:
    """One client and collection handle per process and place: opening them costs ~0.1 s."""
    return _store_for(settings.chroma_url, str(settings.chroma_path), settings.chroma_collection)
