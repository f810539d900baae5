"""Score one kind decider on a labelled split, without the summary LLM call: kind macro-F1 and accuracy,
attribution and evidence accuracy over the gold statements that the code's statements match (span
IoU >= 0.5, as `assay eval` matches them), and the decider's seconds per article.

    .venv/bin/python -m assay.evals.score_decider --decider llm --split dev [--limit N] [--json FILE]

`--decider llm` asks the configured backend (ASSAY_LLM ...) through the released kinds prompt;
`classifier` is the fitted classifiers. Calls are logged in the eval home's registry.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from assay.analysis import label_statements
from assay.articles import sample_articles
from assay.classifier import label_f1, macro_f1
from assay.evals import metrics as m
from assay.evals.labels import load_all, load_split
from assay.evals.runner import EVAL_SPLITS, eval_settings
from assay.llms import StructuredOutputError
from assay.services import services
from assay.settings import Settings, get_settings
from assay.types import KINDS

Pair = tuple[str, str, str, str, str, str]  # gold and predicted kind, attribution, evidence


def score_decider(
    settings: Settings,
    decider_kind: Literal["classifier", "llm"],
    split: str = "dev",
    limit: int | None = None,
    on_article: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """The scores over the split's first `limit` articles; `on_article` gets the scores so far after each."""
    if split not in EVAL_SPLITS:
        raise ValueError(f"split {split!r}: deciders are scored on {' or '.join(EVAL_SPLITS)} (the classifier is fitted on train)")
    made = services(eval_settings(settings).model_copy(update={"kind_decider": decider_kind}))
    decider, embedder = made.kind_decider, made.embedder
    articles, labels = {a.id: a for a in sample_articles()}, load_all()
    embedder.forward(["warm up"])  # loading MiniLM is not the decider's time
    pairs: list[Pair] = []
    per_article: list[dict[str, Any]] = []
    for article_id in getattr(load_split(), split)[:limit]:
        article, gold = articles[article_id], labels[article_id]
        started = time.perf_counter()
        try:
            found, _, decided = label_statements(article, decider, embedder)
        except StructuredOutputError as error:  # scored as missing, and said so
            per_article.append({"article_id": article_id, "title": article.title, "error": str(error)[:300],
                                "seconds": round(time.perf_counter() - started, 1)})
            print(f"{article_id} failed: {error}", file=sys.stderr, flush=True)
            if on_article:
                on_article(summarise(decider.name, split, pairs, per_article))
            continue
        seconds = time.perf_counter() - started
        matched = m.match_spans([(s.start, s.end) for s in found], gold.spans(article.body))
        here = [
            (g.kind.value, d.kind.value, g.attribution.value, d.attribution.value, g.evidence.value, d.evidence.value)
            for g, d in ((gold.statements[j], decided[i]) for i, j in matched)
        ]
        pairs += here
        per_article.append({
            "article_id": article_id, "title": article.title, "statements": len(found), "gold": len(gold.statements),
            "matched": len(matched), "seconds": round(seconds, 1),
            "kind_accuracy": round(sum(p[0] == p[1] for p in here) / len(here), 3) if here else None,
        })
        print(f"{article_id} {len(found):3d} statements, {len(matched):3d} matched, {seconds:6.1f} s  {article.title[:60]}", file=sys.stderr, flush=True)
        if on_article:
            on_article(summarise(decider.name, split, pairs, per_article))
    return summarise(decider.name, split, pairs, per_article)


def summarise(decider: str, split: str, pairs: list[Pair], per_article: list[dict[str, Any]]) -> dict[str, Any]:
    gold_kinds, predicted_kinds = [p[0] for p in pairs], [p[1] for p in pairs]

    def accuracy(g: int, p: int) -> float:
        return round(sum(x[g] == x[p] for x in pairs) / len(pairs), 3) if pairs else 0.0

    f1 = label_f1(gold_kinds, predicted_kinds)
    per_kind = {kind: round(f1.get(kind, 0.0), 3) for kind in KINDS}
    return {
        "decider": decider, "split": split, "articles": len(per_article), "matched_statements": len(pairs),
        "failed_articles": sum("error" in a for a in per_article),
        "kind_macro_f1": round(macro_f1(gold_kinds, predicted_kinds), 3) if pairs else 0.0, "kind_f1": per_kind,
        "kind_accuracy": accuracy(0, 1), "attribution_accuracy": accuracy(2, 3), "evidence_accuracy": accuracy(4, 5),
        "seconds_per_article": round(sum(a["seconds"] for a in per_article) / len(per_article), 1) if per_article else 0.0,
        "predicted_kinds": dict(Counter(predicted_kinds)), "gold_kinds": dict(Counter(gold_kinds)),
        "predicted_attributions": dict(Counter(p[3] for p in pairs)),
        "per_article": per_article,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decider", choices=["classifier", "llm"], required=True)
    parser.add_argument("--split", choices=EVAL_SPLITS, default="dev")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N articles of the split.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the scores to this file.")
    args = parser.parse_args(argv)

    def write(scores: dict[str, Any]) -> None:  # after every article: a run cut short keeps what it scored
        if args.json:
            args.json.write_text(json.dumps(scores, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    scores = score_decider(get_settings(), args.decider, args.split, args.limit, on_article=write)
    print(json.dumps(scores, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
