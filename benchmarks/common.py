"""What each benchmark does first: a throwaway ASSAY_HOME that still uses the installed models,
Prefect configured for it; and the helpers they share to ingest the sample, grow the corpus
synthetically and print targets."""

from __future__ import annotations

import atexit
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SAMPLE_FEED = REPO / "samples" / "rare-earth-exchanges.xml"


def fresh_home(prefix: str = "assay-bench-") -> Any:
    """Point ASSAY_HOME at a new temporary folder (removed at exit); returns the settings. Models stay
    in the machine's cache, where `make setup` put them."""
    home = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    os.environ["ASSAY_HOME"] = str(home / "home")
    from assay.runtime import configure_prefect
    from assay.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    configure_prefect(settings)
    return settings


def ingest_sample(settings: Any) -> Any:
    """The sample feed through the application API, without analysis."""
    from assay import api

    return api.ingest([str(SAMPLE_FEED)], settings, analyse=False).ingest


def stored_chunks(store: Any) -> tuple[list[str], np.ndarray]:
    """The texts and vectors of every chunk in the store (nothing is embedded again)."""
    texts: list[str] = []
    vectors = []
    for records in store.records():
        texts += records.documents
        vectors.append(records.embeddings)
    return texts, np.concatenate(vectors)


def grow(made: Any, texts: list[str], vectors: np.ndarray, target: int, rng: random.Random) -> None:
    """Add synthetic chunks (8 to a synthetic article) to the chunk store and the keyword index, as
    an ingest writes them, until the store holds `target`. Each mixes three sentences of real
    chunks, with the vector of one of them plus noise (normalised): the HNSW graph and the keyword
    vocabulary grow like a real corpus's, without embedding 100k texts (about 30 minutes here)."""
    from assay.store.keywords import KeywordRow
    from assay.types import Article, Chunk

    store, keywords = made.chunk_store, made.keyword_index()
    sentences = [s for text in texts for s in text.split(". ") if len(s) > 30]
    have = store.count()
    noise = np.random.default_rng(rng.randrange(2**32))
    while have < target:
        n = min(5000, target - have)
        sources = np.asarray([rng.randrange(len(vectors)) for _ in range(n)])
        embeddings = vectors[sources] + noise.normal(0, 0.03, (n, vectors.shape[1])).astype(np.float32)
        embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
        batch, position = [], 0
        for first in range(have, have + n, 8):
            last = min(first + 8, have + n)
            chunk_texts = [". ".join(rng.sample(sentences, 3)) + "." for _ in range(first, last)]
            article = Article(id=f"syn-{first // 8}", title=f"Synthetic article {first // 8}", source="synthetic",
                              source_url="synthetic", body=" ".join(chunk_texts))
            chunks = [Chunk(id=f"syn-{i}", article_id=article.id, index=i % 8, text=t, start=0, end=len(t))
                      for i, t in zip(range(first, last), chunk_texts)]
            batch.append((article, chunks, embeddings[position : position + len(chunks)]))
            position += len(chunks)
        store.upsert(batch)
        keywords.add(KeywordRow(c.id, c.article_id, c.text) for _, chunks, _ in batch for c in chunks)
        have += n


def print_targets(targets: dict[str, bool]) -> None:
    for target, met in targets.items():
        print(f"target {'met' if met else 'MISSED'}: {target}")
