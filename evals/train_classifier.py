"""Fit the statement classifiers (kind, attribution, evidence) on `train`; write assay/data/statement-classifiers.json.

    .venv/bin/python -m assay.evals.train_classifier

Features and C were chosen on `dev` and by leave-one-article-out over train + dev
(`python -m assay.evals.kind_features`, table in evals/README.md). Each label's probabilities are
calibrated by a temperature fitted on 5-fold out-of-fold predictions over `train`'s articles.
`test` is never looked at here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assay.articles import sample_articles
from assay.classifier import (
    DEFAULT_PATH,
    StatementClassifiers,
    Vocabulary,
    expected_calibration_error,
    features,
    macro_f1,
)
from assay.embeddings import MiniLMEmbeddings
from assay.evals.labels import LabelledArticle, LabelledStatement, load_all, load_split, quote_spans
from assay.evals.outside import load_outside
from assay.services import services
from assay.settings import get_settings
from assay.statements import Statement
from assay.types import RHETORIC_KINDS, Article

VERSION = "statements-lr-v4"
C = {"kind": 3.0, "attribution": 1.0, "evidence": 0.3, "rhetoric": 3.0}
LABEL_NAMES = ("kind", "attribution", "evidence")
# The models that weigh the statement's words (classifier.Vocabulary). Chosen on the two dev sets, pipeline
# statements, 44 outside train articles at weight 0.25 (sample dev / outside dev): the words in every model
# gave kind macro-F1 0.474 / 0.680, attribution 0.735 / 0.867, evidence 0.716 / 0.713; in kind, rhetoric and
# evidence 0.474 / 0.692, 0.725 / 0.901, 0.716 / 0.740; in none 0.443 / 0.643, 0.725 / 0.901.
WORD_LABELS = ("kind", "evidence", "rhetoric")
# Each statement of the outside set's train articles (other publishers, evals/outside.py) counts this
# much against one of the sample's. Chosen by leave-one-article-out kind macro-F1 over the sample's
# train + dev (gold spans): 0 gave 0.549, 0.25 0.549, 0.5 0.539, 1 0.523; on outside dev (pipeline
# statements, with the attribution rules) 0 gave 0.479, 0.25 0.625, 0.5 0.629, 1 0.624. Again with 44
# outside train articles (2026-12-02, no words): sample LOAO 0.25 0.552, 0.5 0.543, 1 0.507; outside dev
# (pipeline) 0.25 0.643, 0.5 0.635, 1 0.640; sample dev (pipeline) 0.443, 0.454, 0.405.
OUTSIDE_WEIGHT = 0.25


def gold_statements(article: Article, gold: LabelledArticle) -> list[Statement]:
    """The labelled statements as spans of the article's body."""
    return statement_spans(article, gold.article_id, gold.statements)


def statement_spans(article: Article, name: str, gold: Sequence[LabelledStatement]) -> list[Statement]:
    """Gold statements, found in body order, as Statements (`name` says whose quote is missing, if one is)."""
    return [Statement(article.body[a:b], a, b) for a, b in quote_spans(name, list(gold), article.body)]


Item = tuple[Article, str, Sequence[LabelledStatement]]  # an article, its group name, its gold statements


def sample_items(ids: Sequence[str]) -> list[Item]:
    labels, articles = load_all(), {a.id: a for a in sample_articles()}
    return [(articles[i], i, labels[i].statements) for i in ids]


def labelled(ids: Sequence[str], embedder: MiniLMEmbeddings, vocabulary: Vocabulary | None = None) -> tuple[np.ndarray, dict[str, list[str]], list[str]]:
    """(features, gold labels per label name, article id per row) of the given sample articles' statements."""
    return labelled_articles(sample_items(ids), embedder, vocabulary)


def labelled_articles(
    items: Sequence[Item], embedder: MiniLMEmbeddings, vocabulary: Vocabulary | None = None
) -> tuple[np.ndarray, dict[str, list[str]], list[str]]:
    """The same for any (article, group name, gold statements), in the body's order."""
    rows, targets, groups = [], {name: [] for name in C}, []  # type: ignore[var-annotated]
    for article, group, gold in items:
        found = statement_spans(article, group, gold)
        rows.append(features(article, found, embedder.forward([s.text for s in found]), vocabulary))
        for name in LABEL_NAMES:
            targets[name].extend(getattr(s, name).value for s in gold)
        targets["rhetoric"].extend("claim_or_rhetoric" if s.kind in RHETORIC_KINDS else "other" for s in gold)
        groups.extend([group] * len(found))
    return np.vstack(rows), targets, groups


def training_items(ids: Sequence[str], outside: bool = True) -> list[Item]:
    """The sample's `ids` and, with `outside`, the outside set's train articles (evals/outside.py)."""
    more = [(article, f"outside/{labels.file}", labels.statements) for article, labels in load_outside("train")] if outside else []
    return sample_items(ids) + more


def fit(ids: Sequence[str], embedder: MiniLMEmbeddings, outside: bool = True, outside_weight: float = OUTSIDE_WEIGHT) -> StatementClassifiers:
    items = training_items(ids, outside)
    vocabulary = Vocabulary.fit([s.quote for _, _, gold in items for s in gold])
    x, targets, groups = labelled_articles(items, embedder, vocabulary)
    trained_on = list(dict.fromkeys(groups))  # the sample's ids, then each outside article's group name
    weights = np.asarray([outside_weight if g.startswith("outside/") else 1.0 for g in groups])
    return StatementClassifiers.fit(x, targets, version=VERSION, trained_on=trained_on, c=C, groups=groups, weights=weights,
                                    vocabulary=vocabulary, word_labels=WORD_LABELS)


def dev_scores(model: StatementClassifiers, ids: Sequence[str], embedder: MiniLMEmbeddings) -> dict[str, float]:
    """Macro-F1 per label on the gold statements of `ids`, and the kind's expected calibration error."""
    x, gold, _ = labelled(ids, embedder, model.vocabulary)
    scores = {}
    for name in LABEL_NAMES:
        predicted = model.by_label[name].predict_features(x)
        scores[name] = macro_f1(gold[name], [label for label, _ in predicted])
        if name == "kind":
            scores["kind_ece"] = expected_calibration_error([p for _, p in predicted], [g == label for g, (label, _) in zip(gold[name], predicted)])
    return scores


def main() -> None:
    split, embedder = load_split(), services(get_settings()).embedder
    model = fit(split.train, embedder)
    model.save(DEFAULT_PATH)
    scores = ", ".join(f"{k} {v:.3f}" for k, v in dev_scores(model, split.dev, embedder).items())
    temperatures = ", ".join(f"{k} {m.temperature:.2f}" for k, m in model.by_label.items())
    print(f"{VERSION}: fitted on train; temperatures {temperatures}; dev: {scores}; wrote {DEFAULT_PATH}")


if __name__ == "__main__":
    main()
