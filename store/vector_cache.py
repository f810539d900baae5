"""Statement vectors kept in the registry: repeated claims (`assay claims --repeated`, the report's
claims page) compare every assertion of the corpus, and MiniLM over 34,000 statements costs about
40 s here. Each text is embedded once per model; later calls read its vector back."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import numpy as np

from assay.store.registry import Registry


class CachedEmbedding:
    """`embed` with its vectors kept in `registry`, keyed by `model` and the text."""

    def __init__(self, registry: Registry, embed: Callable[[list[str]], np.ndarray], model: str):
        self.registry, self.embed, self.model = registry, embed, model
        self.embedded = 0  # texts this instance had to embed (the rest were read back)

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{self.model}\x1f{text}".encode()).hexdigest()

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        stored = self.registry.statement_vectors(set(keys))
        vectors = {k: np.frombuffer(v, dtype=np.float32) for k, v in stored.items()}
        missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in vectors}
        if missing:
            fresh = np.asarray(self.embed(list(missing.values())), dtype=np.float32)
            self.embedded += len(missing)
            new = dict(zip(missing, fresh, strict=True))
            self.registry.store_statement_vectors({k: v.tobytes() for k, v in new.items()})
            vectors.update(new)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([vectors[k] for k in keys])
