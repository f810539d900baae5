"""Fit the kind classifier on the `train` split and write `assay/data/kind-classifier.json`.

    .venv/bin/python -m evals.train_classifier [--c 0.3]

C was chosen on `dev` (macro-F1 over C in 0.1, 0.3, 1, 3, 10: 0.44, 0.52, 0.51, 0.47, 0.53; the
smallest C within noise of the best). `test` is never looked at here.
"""

from __future__ import annotations

import argparse

from assay.classifier import DEFAULT_PATH, KindClassifier, macro_f1
from assay.embeddings import MiniLMEmbeddings
from evals.labels import load_all, load_split

VERSION = "kind-lr-v1"


def statements(ids: list[str]) -> tuple[list[str], list[str]]:
    labels = load_all()
    claims = [c for i in ids for c in labels[i].claims]
    return [c.quote for c in claims], [c.kind.value for c in claims]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--c", type=float, default=0.3, help="inverse regularisation strength")
    args = parser.parse_args()
    split, embedder = load_split(), MiniLMEmbeddings()
    texts, kinds = statements(split.train)
    model = KindClassifier.fit(texts, kinds, embedder, version=VERSION, trained_on=split.train, c=args.c)
    dev_texts, dev_kinds = statements(split.dev)
    score = macro_f1(dev_kinds, [k for k, _ in model.predict(dev_texts, embedder)])
    model.save(DEFAULT_PATH)
    print(f"{VERSION}: fitted on {len(texts)} train statements; dev macro-F1 {score:.3f}; wrote {DEFAULT_PATH}")


if __name__ == "__main__":
    main()
