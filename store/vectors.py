"""Chunks and their embeddings in Chroma: embedded PersistentClient, or a server by URL.

Embedded Chroma is one process's database: each client holds the HNSW graph in memory and writes it
back whole, so two processes using one folder at once lose each other's chunks. Measured here: two
`assay ingest` of 200 files each into one home left a graph Chroma could no longer read vectors
from (`assay backup` failed), while `assay doctor` counted every chunk. So a process touches an
embedded folder only in its turn (`EmbeddedFolder`): an exclusive lock on `chroma.lock` beside it,
held for one call of the store (one upsert, one query, one walk through every page), and the
folder opened afresh first whenever another process has written since this one last did. A second
`assay` command waits for the first's call to end; a Chroma server (ASSAY_CHROMA_URL) needs none of
this and serves many processes at once.

The only module that speaks Chroma's API: the rest of Assay asks for nearest chunks, chunks by
id and pages of all chunks (`assay.types.ChunkSearch`). Vectors always come from Assay's own
embedder: Chroma's default embedding function downloads a model, so nothing here ever passes
`query_texts` or lets Chroma embed.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import chromadb
import numpy as np
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings
from filelock import FileLock, Timeout

from assay.settings import Settings
from assay.store.disk import free_bytes
from assay.types import Article, Chunk, StoredChunk, path_text

PAGE = 5000  # chunks per `get`: one huge `get` hits SQLite's variable limit
# Embedded Chroma writing to a full disk never returns: `assay ingest` onto a disk with 256 KiB left waited in its upsert
# for ten minutes, holding Python's interpreter lock, so that not even Ctrl-C stopped it (measured here, Chroma 1.x). So a
# write first needs this much room, and as much again as the largest graph file, which Chroma rewrites as it grows.
CHROMA_MIN_FREE = 64 * 1024 * 1024
_DISK_FULL = re.compile(r"database or disk is full|no space left", re.I)
TURN_NOTICE_S = 2.0  # a wait for another process's turn longer than this is said once, as a warning
log = logging.getLogger(__name__)


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


class ChunkStoreFull(StoreError):
    """Too little room on the embedded folder's disk to write safely."""


class ChunksMissing(StoreError):
    """A chunk store that holds none of the chunks the registry lists (its folder deleted or moved, a
    server's collection dropped): `assay doctor --repair` stores them again from the registry."""


class ChunkStoreBusy(StoreError):
    """Another process kept its turn at an embedded chunk store longer than this one would wait."""


def chroma_client(settings: Settings) -> Any:  # chromadb.ClientAPI; chromadb's stubs make it Any anyway
    """A client of the Chroma server, or of the embedded folder: use the embedded one only in a turn."""
    if settings.chroma_url:
        host, port, ssl = settings.chroma_host_port
        try:
            return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=_chroma_settings())
        except Exception as exc:  # chromadb raises ValueError or httpx errors for a server that is not there
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_url} ({type(exc).__name__}): is it running? (ASSAY_CHROMA_URL)"
            ) from exc
    return _persistent_client(settings.chroma_path)


def _chroma_settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False)  # a new one for each client: Chroma's clients write their own into it


def _persistent_client(path: Path) -> Any:
    if not path.exists() and path.parent.exists() and not os.access(path.parent, os.W_OK):
        raise ChunkStoreReadOnly(_no_store_here(path))
    path.mkdir(parents=True, exist_ok=True)
    if not os.access(path, os.W_OK) or any(not os.access(f, os.W_OK) for f in path.glob("*.sqlite3")):
        raise ChunkStoreReadOnly(_read_only(path))
    try:
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
    except chromadb.errors.InternalError as exc:
        # Chroma keeps the system it failed to start and hands it to the folder's next client, which then fails with
        # "'RustBindingsAPI' object has no attribute 'bindings'" (seen on a full disk): let it go.
        SharedSystemClient._identifier_to_system.pop(str(path), None)
        raise _store_fault(path, exc) from exc


def _store_fault(path: Path, exc: Exception) -> StoreError:
    """Chroma's fault opening a folder: a full disk ("database or disk is full", which is no damage: a store moved
    aside for it would be rebuilt for nothing) or a damaged store."""
    if _DISK_FULL.search(str(exc)):
        return ChunkStoreFull(_no_room(path, free_bytes(path) or 0, CHROMA_MIN_FREE))
    return ChunkStoreDamaged(_damaged(path, exc))


def _no_room(path: Path, free: int, needed: int) -> str:
    return (f"no space left for the chunk store {path}: {free / 2**20:.0f} MiB free, {needed / 2**20:.0f} MiB needed to write "
            "safely (embedded Chroma never returns from a write to a full disk): free some space and run the command again")


def _no_store_here(path: Path) -> str:
    return f"the data folder {path.parent} is read-only: there is no chunk store in it yet, and none can be made"


def _read_only(path: Path) -> str:
    # Embedded Chroma writes to its SQLite file even to read; it fails deep inside with "attempt to write a readonly database".
    return (f"the chunk store {path} is read-only, and embedded Chroma needs write access even to read: "
            "`assay articles`, `show` and `report` still work; give this user write access to use the others")


def _damaged(path: Path, exc: Exception) -> str:
    return (f"the chunk store {path} is damaged ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}): move it away and run "
            "`assay doctor --repair` to rebuild it from the registry, or restore a backup (`assay backup`)")


class EmbeddedFolder:
    """One embedded Chroma folder as this process uses it: its client, and its turns.

    A turn holds `<folder>.lock` (filelock's flock), shared by this process's threads (the ingest
    flow's tasks write from several at once) and given back when the last of them is done.
    `<folder>.turn` holds the folder's generation, raised by every write, and who holds the turn: a
    turn that finds the generation moved since this process's last look opens the folder again, so
    the graph in memory is the one on disk and a write never puts back a graph that lacks another
    process's chunks. Both files sit beside the folder, so that they outlive a damaged folder moved away.
    """

    _folders: dict[Path, EmbeddedFolder] = {}
    _folders_lock = threading.Lock()

    @classmethod
    def of(cls, path: Path) -> EmbeddedFolder:
        key = path.absolute()
        with cls._folders_lock:
            if key not in cls._folders:
                cls._folders[key] = cls(key)
            return cls._folders[key]

    def __init__(self, path: Path):
        self.path = path
        self._lock = FileLock(path.with_name(path.name + ".lock"), thread_local=False)
        self._turn_file = path.with_name(path.name + ".turn")
        self._mutex = threading.RLock()
        self._users = 0
        self._client: Any = None
        self._seen: int | None = None  # the generation the open client holds
        self._collections: dict[Hashable, Any] = {}
        self._warned = False
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200] if sys.argv and sys.argv[0] else "python"
        command = path_text(command)  # a file named in undecodable bytes had failed `assay remove FILE` here
        self._me = f"process {os.getpid()} (`{command}`)"

    @contextmanager
    def turn(self, *, wait_s: float, writes: bool = False) -> Iterator[Any]:
        """The open client, for as long as the block runs; `writes` raises the generation first,
        so that a write that fails half-way still sends every other process back to the disk."""
        with self._mutex:
            if self._users == 0:
                self._take(wait_s)
            self._users += 1
            try:
                generation, holder = self._read_turn()  # one read a turn: a turn is taken for every call
                if self._users == 1 and holder != self._me:
                    self._write_turn(generation)  # names this process as the holder, for whoever waits
                if self._client is None or generation != self._seen:
                    self._reopen(generation)
                if writes:
                    self._seen = generation + 1
                    self._write_turn(self._seen)
            except BaseException:
                self._give_back()
                raise
        try:
            yield self._client
        finally:
            with self._mutex:
                self._give_back()

    @property
    def client(self) -> Any:
        return self._client

    def collection(self, key: Hashable, open_collection: Callable[[Any], Any]) -> Any:
        """The collection `open_collection` opens with the open client, once per client (call within a turn)."""
        with self._mutex:
            if key not in self._collections:
                self._collections[key] = open_collection(self._client)
            return self._collections[key]

    def close(self) -> None:
        """Let go of the folder's files (call within a turn): the next turn opens them again."""
        if self._client is not None:
            self._client.close()  # the last client of this folder in the process: Chroma drops its graph
            self._client = None
        self._collections.clear()

    def _take(self, wait_s: float) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._lock.acquire(timeout=min(wait_s, TURN_NOTICE_S), poll_interval=0.01)
            except Timeout:
                if wait_s <= TURN_NOTICE_S:
                    raise
                if not self._warned:  # once a process: a long command may wait at many turns
                    log.warning("waiting for %s to finish with the chunk store %s (embedded Chroma serves one process at a time)",
                                self._holder(), self.path)
                    self._warned = True
                self._lock.acquire(timeout=wait_s - TURN_NOTICE_S, poll_interval=0.01)
        except Timeout:
            raise ChunkStoreBusy(
                f"the chunk store {self.path} is still in use by {self._holder()} after {wait_s:g} s: embedded Chroma serves one "
                "process at a time; run the command again when that one ends, raise ASSAY_CHROMA_WAIT_S, or share a Chroma "
                "server (ASSAY_CHROMA_URL)") from None
        except PermissionError as exc:
            raise ChunkStoreReadOnly(_read_only(self.path) if self.path.exists() else _no_store_here(self.path)) from exc

    def _give_back(self) -> None:
        self._users -= 1
        if self._users == 0:
            self._lock.release()

    def _reopen(self, generation: int) -> None:
        self.close()
        self._client = _persistent_client(self.path)
        self._seen = generation

    def _read_turn(self) -> tuple[int, str]:
        """The generation and who holds (or last held) the turn."""
        try:
            lines = self._turn_file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            lines = []
        generation = int(lines[0]) if lines and lines[0].isdigit() else 0  # a torn write reads as a move: the folder is opened again
        return generation, lines[1] if len(lines) > 1 else "another process"

    def _holder(self) -> str:
        return self._read_turn()[1]

    def _write_turn(self, generation: int) -> None:
        self._turn_file.write_text(f"{generation}\n{self._me}\n", encoding="utf-8")


class ChunkStore:
    def __init__(self, settings: Settings):
        self.name = settings.chroma_collection
        self._ef_search = settings.chroma_ef_search
        self._wait_s = settings.chroma_wait_s
        self._damaged_path = None if settings.chroma_url else settings.chroma_path
        self._folder = None if settings.chroma_url else EmbeddedFolder.of(settings.chroma_path)
        self._server: Any = None
        self._server_url = settings.chroma_url
        if self._folder is None:
            self._server = chroma_client(settings)
            self._server_collection = self._open_collection(self._server)
        else:
            with self._use():
                pass  # opened now, so a read-only or damaged folder is said at once

    @property
    def client(self) -> Any:
        """Chroma's client (an embedded folder's only within a turn)."""
        return self._server if self._folder is None else self._folder.client

    @contextmanager
    def _use(self, *, writes: bool = False) -> Iterator[Any]:
        """The collection, in this process's turn at an embedded folder (a server needs no turn)."""
        if self._folder is None:
            yield self._server_collection
            return
        with self._folder.turn(wait_s=self._wait_s, writes=writes):
            if writes:
                _room_to_write(self._folder.path)
            yield self._folder.collection((self.name, self._ef_search), self._open_collection)

    def _open_collection(self, client: Any) -> Any:
        try:
            # Cosine, because MiniLM vectors are normalised and compared by angle.
            collection = client.get_or_create_collection(self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None)
        except chromadb.errors.InternalError as exc:  # embedded Chroma's SQLite file is not a database, or its disk is full
            if self._damaged_path is None:
                raise
            raise _store_fault(self._damaged_path, exc) from exc
        # Chroma's default ef_search (100) let embedded Chroma return a different top 20 for the same
        # question in about one process of ten (its graph is rebuilt on load, in no fixed order), and
        # so a different answer: 400 gave the exact top 20 in 20 of 20 processes on the eval corpus.
        # It is one of the settings Chroma lets an existing collection change.
        hnsw = (collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != self._ef_search:
            _while_busy(lambda: collection.modify(configuration={"hnsw": {"ef_search": self._ef_search}}))
        return collection

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
        with self._use() as collection:
            got = collection.query(
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
        with self._use() as collection:
            got = collection.get(ids=list(ids), include=["documents", "metadatas"])
        return [_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def pages(self, page: int = PAGE) -> Iterator[list[StoredChunk]]:
        """Every chunk, a page at a time."""
        for got in self._pages(["documents", "metadatas"], page):
            yield [_chunk(i, d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"])]

    def ids(self, page: int = PAGE) -> list[str]:
        """Every chunk id (reads nothing else: cheap even at 100k chunks)."""
        return [chunk_id for got in self._pages([], page) for chunk_id in got["ids"]]

    def _pages(self, include: list[str], page: int) -> Iterator[Any]:
        # One turn for the whole walk: offsets into a collection another process changes meanwhile
        # would skip or repeat chunks.
        with self._use() as collection:
            offset = 0
            while True:
                got = collection.get(include=include, limit=page, offset=offset)
                yield got
                if len(got["ids"]) < page:
                    return
                offset += page

    def chunk_ids(self, article_id: str) -> set[str]:
        return self.chunk_ids_by_article([article_id])[article_id]

    def chunk_ids_by_article(self, article_ids: Sequence[str]) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {a: set() for a in article_ids}
        if article_ids:
            with self._use() as collection:
                got = collection.get(where={"article_id": {"$in": list(article_ids)}}, include=["metadatas"])
            for chunk_id, meta in zip(got["ids"], got["metadatas"] or []):
                found[str(meta["article_id"])].add(chunk_id)
        return found

    def count(self) -> int:
        with self._use() as collection:
            return int(collection.count())

    def chunk_article_ids(self, ids: Sequence[str] | None = None, page: int = PAGE) -> dict[str, str]:
        """The article id of every chunk (of the chunks with these ids, when given); "" for a chunk without one."""
        if ids is not None:
            found: dict[str, str] = {}
            with self._use() as collection:
                for start in range(0, len(ids), page):
                    found.update(_owners(collection.get(ids=list(ids[start : start + page]), include=["metadatas"])))
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

    def unreadable_vectors(self, page: int = 1000) -> int:
        """Chunks whose vectors the store cannot give back: its graph is damaged (two processes
        wrote one embedded folder at once, before turns), though counts and queries still answer."""

        def unreadable(collection: Any, ids: list[str]) -> int:
            try:
                collection.get(ids=ids, include=["embeddings"])
                return 0
            except chromadb.errors.InternalError:  # which of them: halves, down to the chunk
                if len(ids) == 1:
                    return 1
                return unreadable(collection, ids[: len(ids) // 2]) + unreadable(collection, ids[len(ids) // 2 :])

        with self._use() as collection:
            ids = [chunk_id for got in self._pages([], PAGE) for chunk_id in got["ids"]]
            return sum(unreadable(collection, ids[start : start + page]) for start in range(0, len(ids), page))

    # --- writing ---------------------------------------------------------------------------

    def release(self) -> None:
        """Let go of an embedded folder's files, so that they can be removed (a failed backup's copy)."""
        if self._folder is not None:
            with self._folder.turn(wait_s=self._wait_s, writes=True):
                self._folder.close()

    def move_aside(self) -> Path:
        """Rename a damaged embedded folder (nothing is deleted) so that an empty one takes its place;
        returns where it went. Every process opens the new one at its next turn."""
        if self._folder is None:
            raise StoreError(f"the Chroma server at {self._server_url} holds a damaged collection {self.name!r}: "
                             "restore it from a backup (`assay backup`), or delete the collection and run `assay doctor --repair`")
        with self._folder.turn(wait_s=self._wait_s, writes=True):
            self._folder.close()
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = self._folder.path.with_name(f"{self._folder.path.name}.damaged-{stamp}")
            self._folder.path.rename(aside)
            return aside

    def upsert(self, batch: Sequence[tuple[Article, Sequence[Chunk], np.ndarray]]) -> None:
        """Chunks of several articles in one call: one write is much cheaper than one per article."""
        rows = [(article, chunk, vector) for article, chunks, vectors in batch for chunk, vector in zip(chunks, vectors, strict=True)]
        if not rows:
            return
        with self._use(writes=True) as collection:
            collection.upsert(
                ids=[c.id for _, c, _ in rows],
                embeddings=np.asarray([v for _, _, v in rows], dtype=np.float32),
                documents=[c.text for _, c, _ in rows],
                metadatas=[c.metadata(a) for a, c, _ in rows],
            )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self._use(writes=True) as collection:
                collection.delete(ids=list(ids))

    def add_records(self, records: ChunkRecords) -> None:
        """Chunks as `records` gave them, vectors included (nothing is embedded again)."""
        with self._use(writes=True) as collection:
            step = max(1, min(PAGE, int(self.client.get_max_batch_size())))
            for start in range(0, len(records.ids), step):
                end = start + step
                collection.upsert(
                    ids=records.ids[start:end], embeddings=records.embeddings[start:end],
                    documents=records.documents[start:end], metadatas=records.metadatas[start:end],
                )


def _room_to_write(path: Path) -> None:
    """Raise `ChunkStoreFull` unless the disk holding the embedded folder has room for a write (`CHROMA_MIN_FREE`)."""
    free = free_bytes(path)
    needed = CHROMA_MIN_FREE + max((graph.stat().st_size for graph in path.glob("*/data_level0.bin")), default=0)
    if free is not None and free < needed:
        raise ChunkStoreFull(_no_room(path, free, needed))


def _while_busy(call: Callable[[], Any], tries: int = 5) -> Any:
    """`call`, again while embedded Chroma's SQLite says it is busy.

    Right after a folder is opened, Chroma's own background work on it can hold SQLite's write
    lock, and Chroma then fails a write at once with "database is locked" (code 5) instead of
    waiting. Measured on the pattern of a folder last written by another client (an older Assay's,
    or a script's): 10 opens in 300 failed so on a loaded 2-core machine, none with this retry, each
    at its first repeat. Our turn keeps other processes out, so the lock is Chroma's own and lasts
    milliseconds; the call (an idempotent configuration change) is simply made again.
    """
    for attempt in range(tries):
        try:
            return call()
        except chromadb.errors.InternalError as exc:
            if "database is locked" not in str(exc) or attempt == tries - 1:
                raise
            time.sleep(0.05 * 2**attempt)
    return None


def _owners(got: Any) -> dict[str, str]:
    return {chunk_id: str((meta or {}).get("article_id", "")) for chunk_id, meta in zip(got["ids"], got["metadatas"] or [])}


def _chunk(chunk_id: str, text: str | None, meta: Mapping[str, Any], similarity: float | None = None) -> StoredChunk:
    return StoredChunk(
        chunk_id=chunk_id, article_id=str(meta["article_id"]), text=text or "", start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)), title=str(meta.get("title", "")), source=str(meta.get("source", "")),
        url=meta.get("url"), published=meta.get("published"), similarity=similarity,
    )
