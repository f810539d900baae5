"""Chunks embedded with a contextual header against chunks embedded alone, on the labelled questions.

    .venv/bin/python -m assay.evals.chunk_context

A page's section that never names its subject (a Wikipedia page's History: "The deposit was discovered in 1949…") is
far from a question that names it; embedding each chunk with its article's title (and its section's heading) in front,
as contextual retrieval does, is the usual remedy. Measured before changing every stored vector: for each answerable
labelled question, the hybrid retriever of `assay ask` (dense and keyword, RRF; the keyword index unchanged) over the
eval's own corpus, with the chunks' vectors recomputed in memory from each recipe, and the dense list alone; hit@5,
hit@1 and MRR@5 of the gold article per split (train, dev; test reported like the others, nothing tuned on it).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence

import numpy as np

from assay.chunking import chunk_article
from assay.evals.compare_keywords import scores
from assay.evals.labels import load_all, load_split
from assay.evals.runner import build_corpus, eval_settings
from assay.retrieval import HybridRetriever
from assay.runtime import configure_prefect, in_process_flow_settings
from assay.services import services
from assay.settings import get_settings
from assay.types import StoredChunk


class MemoryChunks:
    """The corpus's chunks with vectors from one recipe, searched exactly in memory (`ChunkSearch`)."""

    def __init__(self, chunks: list[StoredChunk], vectors: np.ndarray):
        self.by_id = {c.chunk_id: c for c in chunks}
        self.ids = [c.chunk_id for c in chunks]
        self.vectors = vectors

    def nearest(self, vectors: np.ndarray, k: int, *, exclude_article: str | None = None,
                only_articles: Sequence[str] | None = None) -> list[list[StoredChunk]]:
        similarity = self.vectors @ vectors[0]
        return [[self.by_id[self.ids[i]].model_copy(update={"similarity": float(similarity[i])}) for i in np.argsort(-similarity)[:k]]]

    def chunks(self, ids: Sequence[str]) -> list[StoredChunk]:
        return [self.by_id[i] for i in ids if i in self.by_id]

    def count(self) -> int:
        return len(self.ids)


def main() -> None:
    settings = eval_settings(get_settings())
    configure_prefect(settings)
    with in_process_flow_settings():
        build_corpus(settings)
    made = services(settings)
    chunks = [c for page in made.chunk_store.pages() for c in page]
    sections = {chunk.id: chunk.section or "" for article_id in {c.article_id for c in chunks}
                if (stored := made.registry.get(article_id)) is not None
                for chunk in chunk_article(stored.article(), settings.chunk_size, settings.chunk_overlap)}
    recipes: dict[str, Callable[[StoredChunk], str]] = {
        "text alone (shipped)": lambda c: c.text,
        "title + text": lambda c: f"{c.title}\n\n{c.text}",
        "title + section + text": lambda c: "\n\n".join(part for part in (c.title, sections.get(c.chunk_id, ""), c.text) if part),
        "publisher + title + text": lambda c: f"{c.source}: {c.title}\n\n{c.text}",
    }
    labels, split = load_all(), load_split()
    keywords = made.keyword_index()
    print("| chunk vector | split | questions | hybrid hit@5 / hit@1 / MRR@5 | dense alone hit@5 / hit@1 / MRR@5 |")
    print("|---|---|---|---|---|")
    for name, recipe in recipes.items():
        store = MemoryChunks(chunks, made.embedder.forward([recipe(c) for c in chunks]))
        retriever = HybridRetriever(store, keywords, made.registry, made.embedder)
        for part in ("train", "dev", "test"):
            hybrid, dense = [], []
            for article_id in getattr(split, part):
                for q in labels[article_id].questions:
                    if q.answerable:
                        hybrid.append(scores([h.article_id for h in retriever.search(q.question, k=5).hits], article_id))
                        nearest = store.nearest(made.embedder.forward([q.question]), 5)[0]
                        dense.append(scores([c.article_id for c in nearest], article_id))
            shown = [" / ".join(f"{statistics.mean(r[m] for r in rows):.3f}" for m in ("hit_at_5", "hit_at_1", "mrr_at_5")) for rows in (hybrid, dense)]
            print(f"| {name} | {part} | {len(hybrid)} | {shown[0]} | {shown[1]} |")


if __name__ == "__main__":
    main()
