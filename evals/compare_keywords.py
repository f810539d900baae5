"""Keyword search before and after issue 16: the in-memory bm25s index against the keyword index in
the registry's database (SQLite FTS5 here), on the labelled questions.

    .venv/bin/python -m assay.evals.compare_keywords [--json]

For each answerable labelled question, the chunks retrieved for it either hold its gold article
among the first 5 (hit@5) or first (hit@1), and the reciprocal rank of its first chunk in the top 5
(MRR@5) is scored, as `assay eval` scores ask retrieval. Two ways of retrieving, each with either
index: (a) keyword search alone, (b) the hybrid retriever that `assay ask` uses (dense and keyword,
fused by RRF). On the eval's own corpus (ASSAY_HOME/evals/corpus, built by the ingest flow), for
dev, train+dev and test: nothing here is tuned (FTS5's bm25() takes no k1 or b), test is reported
like the others. Intervals: 95 % bootstrap over articles (`evals.metrics.bootstrap`); the difference
(SQL index minus bm25s) is resampled paired. bm25s is a dev dependency, used only here.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
from collections.abc import Callable
from dataclasses import asdict, dataclass

import bm25s
import numpy as np

from assay.evals import metrics as m
from assay.evals.labels import load_all, load_split
from assay.evals.runner import build_corpus, eval_settings
from assay.retrieval import HybridRetriever
from assay.runtime import configure_prefect, in_process_flow_settings
from assay.services import services
from assay.settings import get_settings
from assay.store.keywords import keyword_tokens
from assay.store.vectors import ChunkStore
from assay.types import KeywordHit, KeywordSearch

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
K = 5  # chunks retrieved per question, as `assay ask` (ASSAY_ASK_K) and `assay eval`
METRICS = ("hit_at_5", "hit_at_1", "mrr_at_5")
SPLITS = {"dev": ("dev",), "train+dev": ("train", "dev"), "test": ("test",)}


class Bm25sIndex:
    """The keyword index of the release before (store/keywords.py until issue 16): bm25s (Lucene's
    BM25, k1 1.5, b 0.75) over every chunk in Chroma, in memory, with the same tokens."""

    def __init__(self, store: ChunkStore):
        chunks = [c for page in store.pages() for c in page]
        self.ids = [c.chunk_id for c in chunks]
        self.article_ids = np.asarray([c.article_id for c in chunks])
        self.retriever = bm25s.BM25()
        # bm25s needs at least one token per document; an empty chunk gets a token that never matches.
        self.retriever.index([keyword_tokens(c.text) or ["\x00"] for c in chunks], show_progress=False)

    def search(self, query: str, k: int, article_ids: set[str] | None = None) -> list[KeywordHit]:
        tokens = [t for t in keyword_tokens(query) if t in self.retriever.vocab_dict]
        if not tokens or not self.ids:
            return []
        scores = self.retriever.get_scores(tokens)
        if article_ids is not None:
            scores = np.where(np.isin(self.article_ids, list(article_ids)), scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [KeywordHit(chunk_id=self.ids[i], score=float(scores[i])) for i in top if scores[i] > 0]


def scores(ranked_articles: list[str], gold: str) -> dict[str, float]:
    """hit@5, hit@1 and MRR@5 of one question, from the article ids of its retrieved chunks, best first."""
    ranks = [i for i, article_id in enumerate(ranked_articles[:K], start=1) if article_id == gold]
    return {"hit_at_5": float(bool(ranks)), "hit_at_1": float(ranks[:1] == [1]), "mrr_at_5": 1 / ranks[0] if ranks else 0.0}


Retrieve = Callable[[str], list[str]]  # question -> article ids of the retrieved chunks, best first
# Per article: per question, the scores with bm25s and with the SQL index.
Paired = list[list[tuple[dict[str, float], dict[str, float]]]]


@dataclass
class Compared:
    """One metric over one split's questions, with either index."""

    bm25s: float
    sql: float
    bm25s_ci: tuple[float, float] | None
    sql_ci: tuple[float, float] | None
    difference_ci: tuple[float, float] | None  # SQL index minus bm25s, resampled paired


def pooled(sample: Paired, metric: str, side: int) -> float:
    return statistics.fmean(pair[side][metric] for article in sample for pair in article)


def compare(items: Paired, metric: str) -> Compared:
    def side(which: int) -> Callable[[Paired], float]:
        return lambda sample: pooled(sample, metric, which)

    return Compared(
        bm25s=pooled(items, metric, 0), sql=pooled(items, metric, 1),
        bm25s_ci=m.bootstrap(items, side(0), rounds=2000), sql_ci=m.bootstrap(items, side(1), rounds=2000),
        difference_ci=m.bootstrap(items, lambda sample: pooled(sample, metric, 1) - pooled(sample, metric, 0), rounds=2000),
    )


def shown(value: float, ci: tuple[float, float] | None, sign: str = "") -> str:
    return f"{value:{sign}.2f}" + (f" [{ci[0]:{sign}.2f}, {ci[1]:{sign}.2f}]" if ci else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    settings = eval_settings(get_settings())
    configure_prefect(settings)
    with in_process_flow_settings():
        build_corpus(settings)
    made = services(settings)
    store, sql = made.chunk_store, made.keyword_index()
    old = Bm25sIndex(store)
    owner = store.chunk_article_ids()
    labels, split = load_all(), load_split()

    def keyword_only(index: KeywordSearch) -> Retrieve:
        return lambda question: [owner[h.chunk_id] for h in index.search(question, K)]

    def hybrid(index: KeywordSearch) -> Retrieve:
        retriever = HybridRetriever(store, index, made.registry, made.embedder)
        return lambda question: [h.article_id for h in retriever.search(question, k=K).hits]

    rows: list[tuple[str, str, int, dict[str, Compared]]] = []  # search, split, questions, metric -> comparison
    for search, make in (("keyword only", keyword_only), ("hybrid", hybrid)):
        before, after = make(old), make(sql)
        per_article = {
            article_id: [(scores(before(q.question), article_id), scores(after(q.question), article_id))
                         for q in labels[article_id].questions if q.answerable]
            for article_id in labels
        }
        for name, parts in SPLITS.items():
            items = [per_article[a] for part in parts for a in getattr(split, part)]
            rows.append((search, name, sum(map(len, items)), {metric: compare(items, metric) for metric in METRICS}))
    if args.json:
        print(json.dumps([{"search": search, "split": name, "questions": n, **{k: asdict(v) for k, v in got.items()}}
                          for search, name, n, got in rows], indent=2))
        return
    print("| search | split | questions | metric | bm25s | SQL index | SQL − bm25s |")
    print("|---|---|---|---|---|---|---|")
    for search, name, n, got in rows:
        for metric, c in got.items():
            print(f"| {search} | {name} | {n} | {metric.replace('_at_', '@')} | {shown(c.bm25s, c.bm25s_ci)} "
                  f"| {shown(c.sql, c.sql_ci)} | {shown(c.sql - c.bm25s, c.difference_ci, '+')} |")


if __name__ == "__main__":
    main()
