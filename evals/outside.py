"""The outside set: articles from publishers unlike the sample feed, labelled blind, never trained on.

The 25 labelled sample articles are one publisher in one format, and a score on them says little
about a company release, wire copy or state media. `evals/data/outside/` holds plain-text articles
of those genres (`articles/*.txt`, read exactly as `assay ingest FILE` reads them) and their
statement labels (`labels/*.yaml`, LABELLING.md's fields), split into `dev` (rules and thresholds
may be chosen on it) and `test` (reported only). Its README says who wrote and who labelled them.

    .venv/bin/python -m assay.evals.outside --split dev [--json FILE]

scores the configured kind decider on the pipeline's own statements, as `assay eval` does:
detection, kind macro-F1, attribution and evidence accuracy, the per-article rhetoric share against
the labels' (Pearson r), each with a 95 % bootstrap interval over articles, and per source type.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field

from assay.analysis import label_statements, rhetoric_share
from assay.articles import to_article
from assay.classifier import label_f1, macro_f1
from assay.corpus import source_type
from assay.evals import metrics as m
from assay.evals.labels import DATA_DIR, LabelledStatement, quote_spans
from assay.readers import parse
from assay.services import services
from assay.settings import Settings, get_settings
from assay.stats import bootstrap
from assay.types import RHETORIC_KINDS, Article, Fetched

OUTSIDE_DIR = DATA_DIR / "outside"
OUTSIDE_SPLITS = ("dev", "test")


class OutsideLabels(BaseModel):
    file: str = Field(description="The article's file name under articles/.")
    genre: str = Field(description="What kind of publication it imitates, in words.")
    statements: list[LabelledStatement] = Field(description="Every check-worthy statement, in body order.")


class OutsideSplit(BaseModel):
    dev: list[str]
    test: list[str]


def read_article(path: Path) -> Article:
    """The article as `assay ingest PATH` cleans it (same reader choice, same cleaning)."""
    _, _, items = parse(Fetched(source=str(path), content=path.read_bytes(), content_type="text/plain"))
    if len(items) != 1:
        raise ValueError(f"{path}: the text reader made {len(items)} articles, expected 1")
    return to_article(items[0])


def load_outside(split: str, root: Path = OUTSIDE_DIR) -> list[tuple[Article, OutsideLabels]]:
    """(article, labels) of one split, each label's quotes checked against the clean body. `train` is
    a further set written and labelled the same way (`train-articles/`, `train-labels/`), which the
    statement classifiers are fitted on beside the sample's train split."""
    if split == "train":
        names, articles, labelled = sorted(p.stem for p in (root / "train-labels").glob("*.yaml")), "train-articles", "train-labels"
    elif split in OUTSIDE_SPLITS:
        names = getattr(OutsideSplit.model_validate(yaml.safe_load((root / "split.yaml").read_text(encoding="utf-8"))), split)
        articles, labelled = "articles", "labels"
    else:
        raise ValueError(f"outside split {split!r}: choose train, {' or '.join(OUTSIDE_SPLITS)}")
    out = []
    for name in names:
        labels = OutsideLabels.model_validate(yaml.safe_load((root / labelled / f"{name}.yaml").read_text(encoding="utf-8")))
        article = read_article(root / articles / labels.file)
        quote_spans(labels.file, labels.statements, article.body)  # raises on a quote the body lacks
        out.append((article, labels))
    return out


def gold_share(statements: Sequence[LabelledStatement]) -> float:
    return sum(s.kind in RHETORIC_KINDS for s in statements) / len(statements) if statements else 0.0


def score_outside(settings: Settings, split: str) -> dict[str, Any]:
    """Scores of the configured decider on the split's articles (see the module's docstring)."""
    made = services(settings)
    decider, embedder = made.kind_decider, made.embedder
    per_article: list[dict[str, Any]] = []
    for article, labels in load_outside(split):
        found, _, decided = label_statements(article, decider, embedder)
        gold_spans = quote_spans(labels.file, labels.statements, article.body)
        pairs = m.match_spans([(s.start, s.end) for s in found], gold_spans)
        matched = [(labels.statements[j], decided[i]) for i, j in pairs]
        per_article.append({
            "file": labels.file, "genre": labels.genre, "source_type": source_type(article).value,
            "found": len(found), "gold": len(gold_spans), "matched": len(pairs),
            "kinds": [(g.kind.value, d.kind.value) for g, d in matched],
            "attributions": [(g.attribution.value, d.attribution.value) for g, d in matched],
            "evidence": [(g.evidence.value, d.evidence.value) for g, d in matched],
            "share": (gold_share(labels.statements), rhetoric_share(decided, decider.share_error_sd)[0]),
        })
    return {"decider": decider.name, "split": split, **summarise(per_article),
            "by_source_type": {t: summarise([a for a in per_article if a["source_type"] == t])
                               for t in sorted({a["source_type"] for a in per_article})},
            "per_article": [{k: v for k, v in a.items() if k not in ("kinds", "attributions", "evidence")} for a in per_article]}


def summarise(per_article: list[dict[str, Any]]) -> dict[str, Any]:
    """Pooled scores with 95 % intervals from resampling whole articles."""

    def pooled(key: str) -> list[tuple[str, str]]:
        return [pair for a in per_article for pair in a[key]]

    def kind_f1(chosen: list[dict[str, Any]]) -> float | None:
        pairs = [p for a in chosen for p in a["kinds"]]
        return macro_f1([g for g, _ in pairs], [p for _, p in pairs]) if pairs else None

    def accuracy(key: str) -> Any:
        def value(chosen: list[dict[str, Any]]) -> float | None:
            pairs = [p for a in chosen for p in a[key]]
            return sum(g == p for g, p in pairs) / len(pairs) if pairs else None
        return value

    def detection(chosen: list[dict[str, Any]]) -> float | None:
        found, gold, matched = (sum(a[k] for a in chosen) for k in ("found", "gold", "matched"))
        return m.prf(matched, found, gold)[2] if gold else None

    def labelled_detection(chosen: list[dict[str, Any]]) -> float | None:
        found, gold = (sum(a[k] for a in chosen) for k in ("found", "gold"))
        right = sum(g == p for a in chosen for g, p in a["kinds"])
        return m.prf(right, found, gold)[2] if gold else None

    def pearson(chosen: list[dict[str, Any]]) -> float | None:
        return m.pearson([a["share"] for a in chosen])

    scores = {"articles": len(per_article), "matched_statements": sum(a["matched"] for a in per_article)}
    for name, statistic in (("detection_f1", detection), ("labelled_detection_f1", labelled_detection), ("kind_macro_f1", kind_f1), ("attribution_accuracy", accuracy("attributions")),
                            ("evidence_accuracy", accuracy("evidence")), ("rhetoric_share_r", pearson)):
        value = statistic(per_article)
        interval = bootstrap(per_article, statistic) if len(per_article) > 1 else None
        scores[name] = {"value": None if value is None else round(value, 3),
                        "interval": None if interval is None else [round(v, 3) for v in interval]}
    kinds = pooled("kinds")
    scores["kind_f1"] = {k: round(v, 3) for k, v in label_f1([g for g, _ in kinds], [p for _, p in kinds]).items()}
    scores["rhetoric_share_mean"] = [round(sum(a["share"][i] for a in per_article) / len(per_article), 3) for i in (0, 1)] if per_article else None
    return scores


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=OUTSIDE_SPLITS, default="dev")
    parser.add_argument("--json", type=Path, default=None, help="Also write the scores to this file.")
    args = parser.parse_args(argv)
    scores = score_outside(get_settings(), args.split)
    text = json.dumps(scores, indent=2, ensure_ascii=False)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
