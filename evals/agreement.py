"""How far two labellings agree: the ceiling any kind classifier and statement splitter can be measured against.

Kinds: the dev and test articles' statements were labelled a second time, blind: the second
annotator saw LABELLING.md and the articles with their numbered statements (the same spans), never
the first labels (`data/second/labels.yaml`, how it was made in `data/README.md`). This prints
Cohen's kappa and macro-F1 between the two, per split and pooled, and the confusion between them.

Spans: the dev and test bodies, sample and outside, were labelled a second time from scratch, with
only LABELLING.md and the clean body (`data/second/spans/`, `data/outside/second-labels/`). This
prints detection F1 between the two labellings (IoU >= 0.5, as `assay eval` matches), beside the
splitter's against each, and the kinds' agreement on the spans both chose.

    .venv/bin/python -m assay.evals.agreement
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, Field
from sklearn.metrics import cohen_kappa_score

from assay.articles import sample_articles
from assay.classifier import macro_f1
from assay.evals.labels import DATA_DIR, LabelledArticle, LabelledStatement, load_all, load_split, quote_spans
from assay.evals.metrics import confusion, match_spans, prf
from assay.evals.outside import OUTSIDE_DIR, load_outside
from assay.statements import statements
from assay.types import KINDS, Article, Kind

SECOND_LABELS = DATA_DIR / "second" / "labels.yaml"
SECOND_SPANS = DATA_DIR / "second" / "spans"


class SecondLabel(BaseModel):
    n: int = Field(ge=1, description="The statement's number in the article's gold list, from 1.")
    kind: Kind
    attribution: str | None = None
    note: str | None = None


class SecondArticle(BaseModel):
    article_id: str
    statements: list[SecondLabel]


class Agreement(BaseModel):
    statements: int
    cohen_kappa: float
    macro_f1: float
    accuracy: float
    confusion: list[list[int]] = Field(description="Rows: first labels; columns: second labels; in KINDS order.")


def load_second(path: Path = SECOND_LABELS) -> dict[str, SecondArticle]:
    articles = [SecondArticle.model_validate(a) for a in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return {a.article_id: a for a in articles}


def paired_kinds(first: dict[str, LabelledArticle], second: dict[str, SecondArticle], ids: list[str]) -> tuple[list[str], list[str]]:
    """(first kinds, second kinds) of the same statements; a statement the second pass missed is an error."""
    gold: list[str] = []
    other: list[str] = []
    for article_id in ids:
        theirs = {s.n: s.kind.value for s in second[article_id].statements}
        mine = first[article_id].statements
        if sorted(theirs) != list(range(1, len(mine) + 1)):
            raise ValueError(f"{article_id}: the second labels do not number its {len(mine)} statements 1..{len(mine)}")
        gold += [s.kind.value for s in mine]
        other += [theirs[n] for n in range(1, len(mine) + 1)]
    return gold, other


def agreement(gold: list[str], other: list[str]) -> Agreement:
    return Agreement(
        statements=len(gold), cohen_kappa=round(float(cohen_kappa_score(gold, other, labels=KINDS)), 3),
        macro_f1=round(macro_f1(gold, other), 3), accuracy=round(sum(g == o for g, o in zip(gold, other)) / len(gold), 3),
        confusion=confusion(gold, other, KINDS),
    )


class SpanAgreement(BaseModel):
    articles: int
    first: int = Field(description="Statements in the first labelling.")
    second: int = Field(description="Statements in the second labelling.")
    detection_f1: float = Field(description="Second against first, spans matched at IoU >= 0.5.")
    splitter_f1_first: float = Field(description="The splitter's statements against the first labelling.")
    splitter_f1_second: float = Field(description="The splitter's statements against the second labelling.")
    kinds: Agreement | None = Field(description="Kinds of the statements both labellings chose.")


SpanLabels = tuple[str, Article, list[LabelledStatement], list[LabelledStatement]]


def load_second_spans(split: str) -> list[SpanLabels]:
    """(name, article, first labels, second labels) of every dev or test article with a second span labelling."""
    out = []
    articles, first = {a.id: a for a in sample_articles()}, load_all()
    for article_id in getattr(load_split(), split):
        path = SECOND_SPANS / f"{article_id}.yaml"
        if path.exists():
            out.append((article_id, articles[article_id], first[article_id].statements, _statements(path)))
    for article, labels in load_outside(split):
        path = OUTSIDE_DIR / "second-labels" / f"{Path(labels.file).stem}.yaml"
        if path.exists():
            out.append((labels.file, article, labels.statements, _statements(path)))
    return out


def _statements(path: Path) -> list[LabelledStatement]:
    return [LabelledStatement.model_validate(s) for s in yaml.safe_load(path.read_text(encoding="utf-8"))]


def span_agreement(labelled: list[SpanLabels]) -> SpanAgreement:
    counts = {"first": 0, "second": 0, "both": 0, "ours_first": 0, "ours_second": 0, "ours": 0}
    first_kinds: list[str] = []
    second_kinds: list[str] = []
    for name, article, first, second in labelled:
        a, b = quote_spans(name, first, article.body), quote_spans(name, second, article.body)
        ours = [(s.start, s.end) for s in statements(article)]
        pairs = match_spans(b, a)
        counts["first"] += len(a)
        counts["second"] += len(b)
        counts["both"] += len(pairs)
        counts["ours"] += len(ours)
        counts["ours_first"] += len(match_spans(ours, a))
        counts["ours_second"] += len(match_spans(ours, b))
        first_kinds += [first[j].kind.value for _, j in pairs]
        second_kinds += [second[i].kind.value for i, _ in pairs]
    return SpanAgreement(
        articles=len(labelled), first=counts["first"], second=counts["second"],
        detection_f1=round(prf(counts["both"], counts["second"], counts["first"])[2], 3),
        splitter_f1_first=round(prf(counts["ours_first"], counts["ours"], counts["first"])[2], 3),
        splitter_f1_second=round(prf(counts["ours_second"], counts["ours"], counts["second"])[2], 3),
        kinds=agreement(first_kinds, second_kinds) if first_kinds else None,
    )


def ceiling(article_ids: list[str]) -> dict[str, float | None]:
    """How far the two labellings of these sample articles agree: the most a splitter and a kind
    decider can be expected to reach against either (None where an article has no second labelling)."""
    return dict(_ceiling(tuple(article_ids)))


@functools.lru_cache(maxsize=8)  # an eval prints it for each run it reports: the labels are read once
def _ceiling(article_ids: tuple[str, ...]) -> tuple[tuple[str, float | None], ...]:
    first, second = load_all(), load_second()
    with_spans = [(i, p) for i in article_ids if (p := SECOND_SPANS / f"{i}.yaml").exists()]
    articles = {a.id: a for a in sample_articles()} if with_spans else {}
    spans = span_agreement([(i, articles[i], first[i].statements, _statements(p)) for i, p in with_spans]) if with_spans else None
    kinds = agreement(*paired_kinds(first, second, list(article_ids))) if all(i in second for i in article_ids) and article_ids else None
    return (("detection_f1", spans.detection_f1 if spans and len(with_spans) == len(article_ids) else None),
            ("kind_macro_f1", kinds.macro_f1 if kinds else None))


def main() -> None:
    for split_name in ("dev", "test"):
        labelled = load_second_spans(split_name)
        for group, chosen in (("sample", [x for x in labelled if not x[0].endswith(".txt")]),
                              ("outside", [x for x in labelled if x[0].endswith(".txt")])):
            if not chosen:
                continue
            spans = span_agreement(chosen)
            kinds = spans.kinds
            print(f"spans {group} {split_name}: {spans.articles} articles, {spans.first} / {spans.second} statements; "
                  f"detection F1 second vs first {spans.detection_f1:.3f}; splitter vs first {spans.splitter_f1_first:.3f}, "
                  f"vs second {spans.splitter_f1_second:.3f}"
                  + (f"; kinds on shared spans: kappa {kinds.cohen_kappa:.3f}, macro-F1 {kinds.macro_f1:.3f} ({kinds.statements})" if kinds else ""))
    first, second, split = load_all(), load_second(), load_split()
    parts = {"dev": split.dev, "test": split.test, "dev+test": [*split.dev, *split.test]}
    for name, ids in parts.items():
        result = agreement(*paired_kinds(first, second, ids))
        print(f"{name:>8}: {result.statements} statements, Cohen's kappa {result.cohen_kappa:.3f}, "
              f"macro-F1 {result.macro_f1:.3f}, accuracy {result.accuracy:.3f}")
    pooled = agreement(*paired_kinds(first, second, parts["dev+test"]))
    print("\nfirst \\ second  " + "  ".join(f"{k:>8}" for k in KINDS))
    for kind, row in zip(KINDS, pooled.confusion):
        print(f"{kind:>14}  " + "  ".join(f"{n:>8}" for n in row))


if __name__ == "__main__":
    main()
