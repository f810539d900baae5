"""Choose the corpus cross-check's similarity thresholds on `dev`, against the gold statuses.

    .venv/bin/python -m assay.evals.tune_crosscheck [--split dev]

Prints, for each setting of the thresholds (`related`: a chunk this similar is evidence when it also
holds `shared` of the statement's term weight; `close`: close enough that differing numbers conflict
and agreeing words corroborate), the accuracy of the status and the precision and recall of
`corroborated`, pooled over the split's gold facts and claims, for 4 and 8 nearest chunks. `shared`
0 is similarity alone. The chosen setting is in `assay/crosscheck.py`; `test` is only reported.
"""

from __future__ import annotations

import argparse
import itertools

from assay.crosscheck import CorpusCrossCheck
from assay.evals import metrics as m
from assay.evals.labels import load_all, load_split
from assay.evals.runner import EVAL_SPLITS, build_corpus, crosscheck_statuses, eval_settings
from assay.runtime import configure_prefect, in_process_flow_settings
from assay.services import services
from assay.settings import get_settings

RELATED = (0.45, 0.5, 0.55, 0.6, 0.65)
CLOSE = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
SHARED = (0.0, 0.2, 0.25, 0.3, 0.35)
NEAREST = (4, 8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=EVAL_SPLITS)
    split = parser.parse_args().split
    settings = eval_settings(get_settings())
    configure_prefect(settings)
    with in_process_flow_settings():
        articles = build_corpus(settings)
    made = services(settings)
    store, embedder = made.chunk_store, made.embedder
    labels = load_all()
    ids = [i for i in getattr(load_split(), split) if labels[i].crosscheck is not None]
    terms = made.keyword_index()
    print(f"{'k':>2} {'related':>8} {'close':>6} {'shared':>7} {'accuracy':>9} {'corr. precision':>16} {'corr. recall':>13}")
    for k, related, close, shared in itertools.product(NEAREST, RELATED, CLOSE, SHARED):
        if close < related:
            continue
        check = CorpusCrossCheck(store, embedder, terms, related=related, close=close, shared=shared, k=k)
        gold, predicted = [], []
        for article_id in ids:
            g, p = crosscheck_statuses(articles[article_id], labels[article_id], check)
            gold += g
            predicted += p
        scores = m.crosscheck_scores(gold, predicted)
        print(f"{k:>2} {related:>8} {close:>6} {shared:>7} {scores['crosscheck_accuracy']:>9.3f} "
              f"{scores['corroboration_precision']:>16.3f} {scores['corroboration_recall']:>13.3f}")
    print(f"{len(gold)} gold statements of {len(ids)} {split} articles")


if __name__ == "__main__":
    main()
