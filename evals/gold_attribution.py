"""Attribution accuracy of the shipped kind decider on the gold statements' exact spans, so detection
errors do not enter: the sample's and the other publishers' train and dev articles, the ones rules
may be read on (test is never read). `--rows FILE` writes one line per statement, to diff what a rule
change moves.

    .venv/bin/python -m assay.evals.gold_attribution [--rows FILE]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from assay.articles import sample_articles
from assay.evals.labels import load_all, load_split, quote_spans
from assay.evals.outside import load_outside
from assay.services import Services
from assay.settings import Settings
from assay.statements import Statement
from assay.types import Article, Attribution


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=Path, default=None, help="Write each statement's gold and predicted attribution here (TSV).")
    args = parser.parse_args(argv)
    services = Services(Settings())
    rows: list[tuple[str, Attribution, Attribution, str]] = []

    def score(group: str, article: Article, spans: list[tuple[int, int]], gold: list[Attribution]) -> None:
        found = [Statement(article.body[a:b], a, b) for a, b in spans]
        vectors = np.asarray(services.embedder.embed_documents([s.text for s in found]))
        for statement, labels, truth in zip(found, services.kind_decider.decide(article, found, vectors), gold, strict=True):
            rows.append((group, truth, labels.attribution, " ".join(statement.text.split())[:120]))

    split, articles = load_split(), {a.id: a for a in sample_articles()}
    for article_id, labelled in sorted(load_all().items()):
        group = "train" if article_id in split.train else "dev" if article_id in split.dev else None
        if group is not None:
            article = articles[article_id]
            score(f"sample {group}", article, labelled.spans(article.body), [s.attribution for s in labelled.statements])
    for group in ("train", "dev"):
        for article, labels in load_outside(group):
            score(f"outside {group}", article, quote_spans(labels.file, labels.statements, article.body), [s.attribution for s in labels.statements])
    for group in dict.fromkeys(r[0] for r in rows):
        right = [r[1] == r[2] for r in rows if r[0] == group]
        print(f"{group:14s} {sum(right):5d} / {len(right):5d} = {sum(right) / len(right):.3f}")
    if args.rows:
        args.rows.write_text("".join(f"{g}\t{t.value}\t{p.value}\t{text}\n" for g, t, p, text in rows), encoding="utf-8")


if __name__ == "__main__":
    main()
