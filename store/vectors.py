"""Chunks and their embeddings in Chroma: embedded PersistentClient, or a server by URL.

Vectors always come from Assay's own embedder: Chroma's default embedding
function downloads a model, so nothing here ever passes `query_texts` or lets
Chroma embed.
"""

from __future__ import annotations

from typing import Sequence

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

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
        return set(self.collection.get(where={"article_id": article_id}, include=[])["ids"])

    def upsert(self, article: Article, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        if not chunks:
            return
        self.collection.upsert(
            ids=[c.id for c in chunks],
            embeddings=[list(map(float, e)) for e in embeddings],
            documents=[c.text for c in chunks],
            metadatas=[c.metadata(article) for c in chunks],  # type: ignore[misc]
        )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def count(self) -> int:
        return self.collection.count()

    def vectorstore(self, embeddings: Embeddings) -> Chroma:
        """The same collection as a LangChain vector store, for retrieval."""
        return Chroma(client=self.client, collection_name=self.name, embedding_function=embeddings)
