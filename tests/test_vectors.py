"""The chunk store's search settings, on the embedded Chroma (the server's are checked in test_ingest_flow)."""

from __future__ import annotations

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from assay.settings import Settings
from assay.store.vectors import ChunkStore


def test_a_store_made_with_chromas_default_search_gets_the_configured_one_and_keeps_its_chunks(tmp_path):
    settings = Settings(home=tmp_path / "home")
    settings.chroma_path.mkdir(parents=True)
    # A collection as an earlier Assay made it: Chroma's own ef_search (100).
    made = chromadb.PersistentClient(path=str(settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False))
    vectors = np.random.default_rng(0).normal(size=(30, 8)).astype(np.float32)
    made.get_or_create_collection(settings.chroma_collection, metadata={"hnsw:space": "cosine"}, embedding_function=None).add(
        ids=[f"c{i}" for i in range(30)], embeddings=vectors, documents=["text"] * 30, metadatas=[{"article_id": "a"}] * 30)
    assert made.get_collection(settings.chroma_collection).configuration["hnsw"]["ef_search"] == 100
    made.close()  # released, not left to the collector; the store still retries Chroma's own brief lock (`_while_busy`)

    store = ChunkStore(settings)
    assert ef_search(store) == settings.chroma_ef_search == 400
    assert store.count() == 30
    assert [c.chunk_id for c in store.nearest(vectors[:1], 3)[0]][0] == "c0"
    # A user's own value is applied the same way, and opening again changes nothing.
    tuned = Settings(home=tmp_path / "home", chroma_ef_search=50)
    assert ef_search(ChunkStore(tuned)) == 50
    assert ef_search(ChunkStore(tuned)) == 50


LOCKED = "Database error: error returned from database: (code: 5) database is locked"


class _Failing:
    """A Chroma call that fails with `message` its first `times` calls, then answers."""

    def __init__(self, message: str, times: int) -> None:
        self.message, self.times, self.calls = message, times, 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.times:
            raise chromadb.errors.InternalError(self.message)
        return "done"


def test_a_write_chroma_finds_locked_is_made_again_and_any_other_fault_is_raised_at_once(monkeypatch):
    import pytest

    from assay.store import vectors

    monkeypatch.setattr(vectors.time, "sleep", lambda s: None)
    twice = _Failing(LOCKED, 2)
    assert vectors._while_busy(twice) == "done" and twice.calls == 3
    always = _Failing(LOCKED, 100)
    with pytest.raises(chromadb.errors.InternalError, match="locked"):
        vectors._while_busy(always)
    assert always.calls == 5  # then it fails loudly: a lock that lasts is not Chroma's brief own
    damaged = _Failing("Failed to apply logs to the hnsw segment writer", 100)
    with pytest.raises(chromadb.errors.InternalError, match="hnsw"):
        vectors._while_busy(damaged)
    assert damaged.calls == 1


def ef_search(store: ChunkStore) -> int:
    with store._use() as collection:
        return int(collection.configuration["hnsw"]["ef_search"])


def test_a_turn_that_cannot_write_its_bookkeeping_gives_the_lock_back(tmp_path, monkeypatch):
    import errno

    import pytest

    from assay.store.vectors import EmbeddedFolder

    settings = Settings(home=tmp_path / "home")
    store = ChunkStore(settings)
    folder = EmbeddedFolder.of(settings.chroma_path)

    def disk_full(generation: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(folder, "_write_turn", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.delete(["a-chunk"])  # a write: it always raises the generation in the turn file
    assert not folder._lock.is_locked  # another process may take its turn
    monkeypatch.undo()
    assert store.count() == 0


def test_a_write_to_a_disk_without_room_is_refused_before_chroma_hangs_in_it(tmp_path, monkeypatch):
    """Seen here filling a disk (a small tmpfs) with `assay ingest`: embedded Chroma's upsert never returned, holding
    Python's interpreter lock; a write now first asks for room, says how much, and writes nothing; reading goes on."""
    import shutil
    from datetime import UTC, datetime

    from assay.cli import fault_line
    from assay.store.vectors import CHROMA_MIN_FREE, ChunkStoreFull
    from assay.types import Article, Chunk, Section

    store = ChunkStore(Settings(home=tmp_path / "home"))
    article = Article(id="a" * 16, url=None, title="t", source="s", source_url="s", body="x" * 4,
                      published=datetime(2026, 1, 1, tzinfo=UTC), sections=[Section(heading=None, start=0, end=4)])
    chunks = [Chunk(id=f"c{i}", article_id=article.id, index=i, text=f"chunk {i}", start=i, end=i + 1) for i in range(2)]
    vectors = np.random.default_rng(0).normal(size=(2, 8)).astype(np.float32)
    store.upsert([(article, chunks[:1], vectors[:1])])
    real = shutil.disk_usage
    monkeypatch.setattr("assay.store.disk.shutil.disk_usage", lambda path: real(path)._replace(free=CHROMA_MIN_FREE - 1))
    with pytest.raises(ChunkStoreFull) as raised:
        store.upsert([(article, chunks[1:], vectors[1:])])
    assert fault_line(raised.value).startswith(f"no space left for the chunk store {store._folder.path}: 64 MiB free, ")
    assert fault_line(raised.value).endswith("free some space and run the command again")
    assert store.count() == 1 and store.chunk_ids(article.id) == {"c0"}
    monkeypatch.setattr("assay.store.disk.shutil.disk_usage", real)
    store.upsert([(article, chunks[1:], vectors[1:])])
    assert store.chunk_ids(article.id) == {"c0", "c1"}


def test_chroma_failing_to_open_a_folder_on_a_full_disk_says_so_and_never_calls_it_damaged(tmp_path, monkeypatch):
    """Seen on a full disk: Chroma's "database or disk is full" had been read as a damaged store (whose fix, moving it
    aside and rebuilding, would cost every vector for nothing), and the next client got Chroma's half-started system."""
    import shutil

    from assay.store import vectors
    from assay.store.vectors import ChunkStoreDamaged, ChunkStoreFull

    path = tmp_path / "chroma"
    faults = iter(["error returned from database: (code: 13) database or disk is full", "file is not a database"])

    def failing(path: str, settings: ChromaSettings) -> None:
        vectors.SharedSystemClient._identifier_to_system[path] = "a system that never started"
        raise chromadb.errors.InternalError(next(faults))

    monkeypatch.setattr(vectors.chromadb, "PersistentClient", failing)
    real = shutil.disk_usage
    monkeypatch.setattr("assay.store.disk.shutil.disk_usage", lambda p: real(p)._replace(free=0))
    with pytest.raises(ChunkStoreFull, match=r"^no space left for the chunk store .*: 0 MiB free, 64 MiB needed"):
        vectors._persistent_client(path)
    assert str(path) not in vectors.SharedSystemClient._identifier_to_system
    with pytest.raises(ChunkStoreDamaged):
        vectors._persistent_client(path)
