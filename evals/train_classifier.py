"""Fit the statement classifiers (kind, attribution, evidence) on `train`; write assay/data/statement-classifiers.json.

    .venv/bin/python -m assay.evals.train_classifier

C per label was chosen on `dev` (macro-F1, class-balanced logistic regression, C in 0.3 / 1 / 3):
kind 0.52 / 0.51 / 0.47, attribution 0.43 / 0.44 / 0.42, evidence 0.51 / 0.50 / 0.48.
`test` is never looked at here.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.classifier import DEFAULT_PATH, StatementClassifiers, macro_f1
from assay.embeddings import MiniLMEmbeddings
from assay.evals.labels import load_all, load_split
from assay.services import services
from assay.settings import get_settings

VERSION = "statements-lr-v1"
C = {"kind": 0.3, "attribution": 1.0, "evidence": 0.3}


def labelled(ids: list[str]) -> tuple[list[str], dict[str, Sequence[str]]]:
    """Quotes of the given articles and their gold labels."""
    labels = load_all()
    statements = [s for i in ids for s in labels[i].statements]
    targets: dict[str, Sequence[str]] = {name: [getattr(s, name).value for s in statements] for name in C}
    return [s.quote for s in statements], targets


def fit(ids: list[str], embedder: MiniLMEmbeddings) -> StatementClassifiers:
    texts, targets = labelled(ids)
    return StatementClassifiers.fit(texts, targets, embedder, version=VERSION, trained_on=ids, c=C)


def dev_scores(model: StatementClassifiers, ids: list[str], embedder: MiniLMEmbeddings) -> dict[str, float]:
    texts, gold = labelled(ids)
    predicted = model.predict(texts, embedder)
    return {name: macro_f1(gold[name], [p[name][0] for p in predicted]) for name in C}


def main() -> None:
    split, embedder = load_split(), services(get_settings()).embedder
    model = fit(split.train, embedder)
    model.save(DEFAULT_PATH)
    scores = ", ".join(f"{k} {v:.3f}" for k, v in dev_scores(model, split.dev, embedder).items())
    print(f"{VERSION}: fitted on {len(labelled(split.train)[0])} train statements; dev macro-F1: {scores}; wrote {DEFAULT_PATH}")


if __name__ == "__main__":
    main()
