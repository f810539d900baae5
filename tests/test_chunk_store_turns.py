"""Several processes on one embedded chunk store (store/vectors.py's `EmbeddedFolder`).

Embedded Chroma keeps its graph in each process's memory and writes it back whole. Before turns,
two `assay ingest` into one home left a store whose vectors could not be read (`assay backup`
failed) while `assay doctor` counted every chunk; two writers of 1,500 chunks each, as below, left
chunks their own vector no longer finds. Everything here is real: separate Python processes, the
real `ChunkStore` on embedded Chroma in a temporary folder.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from assay.cli import fault_line
from assay.settings import Settings
from assay.store.vectors import ChunkStore, ChunkStoreBusy

pytestmark = pytest.mark.slow

PER_WRITER = 1500  # past Chroma's sync threshold (1,000), so each writer writes its graph back mid-run
BATCH = 100

# One process's part: `write SEED` stores PER_WRITER chunks of random vectors in batches, as an
# ingest does article by article; `read SEED` asks nearest-chunk questions meanwhile, as `assay ask`
# or the cross-check do; `hold SECONDS` keeps a turn, as a long call (a backup's walk) does.
WORKER = textwrap.dedent("""
    import sys, time
    import numpy as np
    from datetime import UTC, datetime
    from assay.settings import Settings
    from assay.store.vectors import ChunkStore
    from assay.types import Article, Chunk, Section

    home, role, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    store = ChunkStore(Settings(home=home, chroma_url=None, database_url=None))

    def vectors(seed, n):
        v = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    if role == "write":
        seed = int(arg)
        all_vectors = vectors(seed, PER_WRITER)
        for start in range(0, PER_WRITER, BATCH):
            article = Article(id=f"{seed:04x}{start:012x}", url=None, title="t", source="s", source_url="s", body="x" * BATCH,
                              published=datetime(2026, 1, 1, tzinfo=UTC), sections=[Section(heading=None, start=0, end=BATCH)])
            chunks = [Chunk(id=f"w{seed}-{start + i}", article_id=article.id, index=i, text=f"chunk {start + i}", start=i, end=i + 1)
                      for i in range(BATCH)]
            store.upsert([(article, chunks, all_vectors[start:start + BATCH])])
            time.sleep(0.01)
    elif role == "read":
        question = vectors(int(arg), 1)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and store.count() < 2 * PER_WRITER:
            store.nearest(question, 5)
            time.sleep(0.01)
    elif role == "hold":
        with store._use():
            print("holding", flush=True)
            time.sleep(float(arg))
    print(role, "done", flush=True)
""").replace("PER_WRITER", str(PER_WRITER)).replace("BATCH", str(BATCH))


def start(home: Path, role: str, arg: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WORKER, str(home), role, arg], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def vectors(seed: int, n: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_two_writers_and_a_reader_at_once_keep_every_chunk_readable_and_found(tmp_path):
    home = tmp_path / "home"
    workers = [start(home, "write", "1"), start(home, "write", "2"), start(home, "read", "3")]
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err[-2000:]
        assert "Traceback" not in err, err[-2000:]

    store = ChunkStore(Settings(home=home, chroma_url=None, database_url=None))
    assert store.count() == 2 * PER_WRITER
    records = [r for r in store.records()]  # every vector can be read back: a damaged graph fails here
    assert sum(len(r.ids) for r in records) == 2 * PER_WRITER
    for seed in (1, 2):
        found = store.nearest(vectors(seed, PER_WRITER), 1)
        assert [hits[0].chunk_id for hits in found] == [f"w{seed}-{i}" for i in range(PER_WRITER)]


def test_a_process_waits_for_anothers_turn_and_gives_up_in_one_line_naming_it(tmp_path, caplog):
    home = tmp_path / "home"
    ChunkStore(Settings(home=home, chroma_url=None, database_url=None))  # the store exists
    holder = start(home, "hold", "6")
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"

    began = time.monotonic()
    with pytest.raises(ChunkStoreBusy) as busy:
        ChunkStore(Settings(home=home, chroma_url=None, database_url=None, chroma_wait_s=0.5))
    assert 0.5 <= time.monotonic() - began < 3
    said = fault_line(busy.value)
    assert said == str(busy.value) and "\n" not in said
    assert f"process {holder.pid} (`-c {home} hold 6`)" in said and "ASSAY_CHROMA_WAIT_S" in said and "ASSAY_CHROMA_URL" in said

    # A patient one says once that it waits, then goes on when the turn is given back.
    with caplog.at_level("WARNING"):
        assert ChunkStore(Settings(home=home, chroma_url=None, database_url=None, chroma_wait_s=30)).count() == 0
    waiting = [r.getMessage() for r in caplog.records if "waiting for" in r.getMessage()]
    assert len(waiting) == 1 and f"process {holder.pid}" in waiting[0]
    holder.communicate(timeout=30)
    assert holder.returncode == 0
