"""How far two people agree on the kinds: the ceiling any kind classifier can be measured against.

The dev and test articles' statements were labelled a second time, blind: the second annotator saw
LABELLING.md and the articles with their numbered statements (the same spans), never the first
labels (`data/second/labels.yaml`, how it was made in `data/README.md`). This prints Cohen's kappa
and macro-F1 between the two, per split and pooled, and the confusion between them.

    .venv/bin/python -m assay.evals.agreement
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field
from sklearn.metrics import cohen_kappa_score

from assay.classifier import macro_f1
from assay.evals.labels import DATA_DIR, LabelledArticle, load_all, load_split
from assay.evals.metrics import confusion
from assay.types import KINDS, Kind

SECOND_LABELS = DATA_DIR / "second" / "labels.yaml"


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


def main() -> None:
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
