"""Choose `prose_min_support` on `dev`: the cosine a summary sentence or highlight needs with its best
supporting body sentence (assay/grounding.py).

    .venv/bin/python -m assay.evals.tune_prose_support [--split dev]

Support is the best cosine with a body sentence, clause or piece (`assay.grounding.support_units`).
Supported prose: the sentences of the publisher's own highlights, against their article's body (true,
abstractive prose, harder than the model's, which copies more). Unsupported prose: the same sentences
against each other article of the split (on-topic, about rare earths, but not what that article
says). Prints both distributions and, per threshold, the share of supported prose kept and of
unsupported prose caught. The chosen threshold is set in `assay/settings.py`; `test` is only reported.
"""

from __future__ import annotations

import argparse

import numpy as np

from assay.articles import sample_articles
from assay.embeddings import MiniLMEmbeddings
from assay.evals.labels import load_all, load_split
from assay.evals.runner import EVAL_SPLITS
from assay.grounding import ProseGrounding
from assay.settings import get_settings
from assay.statements import sentences

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.475, 0.5, 0.525, 0.55, 0.6)


def support_distributions(split: str, embedder: MiniLMEmbeddings) -> tuple[np.ndarray, np.ndarray]:
    """(supported, unsupported) best-support cosines of the split's gold highlight sentences."""
    articles = {a.id: a for a in sample_articles()}
    labels = load_all()
    ids = getattr(load_split(), split)
    grounding = {i: ProseGrounding(articles[i], embedder, 0.0) for i in ids}
    supported: list[float] = []
    unsupported: list[float] = []
    for article_id in ids:
        prose = [s.text for h in labels[article_id].highlights for s in sentences(h)]
        supported += grounding[article_id].support(prose)
        for other in ids:
            if other != article_id:
                unsupported += grounding[other].support(prose)
    return np.array(supported), np.array(unsupported)


def describe(values: np.ndarray) -> str:
    p5, p10, p25, p50, p75, p90, p95 = np.percentile(values, [5, 10, 25, 50, 75, 90, 95])
    return (f"n={len(values)} min {values.min():.3f} p5 {p5:.3f} p10 {p10:.3f} p25 {p25:.3f} median {p50:.3f} "
            f"p75 {p75:.3f} p90 {p90:.3f} p95 {p95:.3f} max {values.max():.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=EVAL_SPLITS)
    split = parser.parse_args().split
    supported, unsupported = support_distributions(split, MiniLMEmbeddings(batch_size=get_settings().embed_batch_size))
    print(f"supported   (own article):    {describe(supported)}")
    print(f"unsupported (other articles): {describe(unsupported)}")
    print(f"{'threshold':>9} {'supported kept':>15} {'unsupported caught':>19}")
    for threshold in THRESHOLDS:
        print(f"{threshold:>9} {(supported >= threshold).mean():>15.3f} {(unsupported < threshold).mean():>19.3f}")


if __name__ == "__main__":
    main()
