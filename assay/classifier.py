"""Small learned classifiers for a statement's kind, attribution and evidence.

Measured before this was written (issue 4): the embedded 1.5B model labelling all
sentences in one JSON answer scored macro-F1 0.10, one sentence at a time with
log-probabilities 0.28, and logistic regression on MiniLM sentence embeddings
plus five surface features 0.51. So kinds come from this model, fitted on the
`train` split of the hand-labelled corpus only. Attribution and evidence use the
same model on the same features (dev macro-F1 0.44 and 0.51 against 0.15 and 0.19
for the majority label). They are saved as one small JSON file (coefficients, not
a pickle) so they are versioned, diffable and safe to load.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assay.embeddings import MiniLMEmbeddings
from assay.types import Attribution, Evidence, Kind

LABELS = {name: tuple(v.value for v in enum) for name, enum in (("kind", Kind), ("attribution", Attribution), ("evidence", Evidence))}
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "statement-classifiers.json"

_DIGIT = re.compile(r"\d")
_REPORTING = re.compile(
    r"\b(?:said|says|say|stated|states|reported|reports|announced|announces|according to|told|noted|notes|"
    r"confirmed|disclosed|claims?|claimed|argues?|argued|contends?|asserts?|emphasi[sz]ed|stressed|touted)\b",
    re.I,
)
_SUPERLATIVE = re.compile(
    r"\b(?:first|largest|biggest|most|best|leading|unprecedented|world[’']s|breakthrough|landmark|historic|"
    r"only|major|key|critical|strategic|\w+est)\b",
    re.I,
)
_HEDGE = re.compile(
    r"\b(?:could|may|might|would|should|likely|unlikely|expected|expects?|aims?|plans?|targets?|hopes?|"
    r"perhaps|possibly|seems?|appears?|suggests?|will|must|risks?)\b",
    re.I,
)
SURFACE_FEATURES = ("has_digit", "reporting_verb", "superlative", "hedge", "log_words")


def surface_features(text: str) -> list[float]:
    """Five cues a reader uses: numbers, who-says verbs, superlatives, hedges, length."""
    return [
        float(bool(_DIGIT.search(text))),
        float(bool(_REPORTING.search(text))),
        float(len(_SUPERLATIVE.findall(text)) > 0),
        float(len(_HEDGE.findall(text)) > 0),
        math.log1p(len(text.split())) / 4.0,
    ]


def features(texts: Sequence[str], embedder: MiniLMEmbeddings, vectors: np.ndarray | None = None) -> np.ndarray:
    """[MiniLM vector, surface features] per text; pass `vectors` when the texts are already embedded."""
    vectors = embedder.forward(list(texts)) if vectors is None else vectors
    surface = np.asarray([surface_features(t) for t in texts], dtype=np.float32)
    return np.hstack([vectors, surface])


@dataclass
class LabelClassifier:
    """Multinomial logistic regression over [MiniLM embedding, surface features] for one label set."""

    labels: tuple[str, ...]
    coef: np.ndarray  # [labels, features]
    intercept: np.ndarray  # [labels]
    params: dict

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict_features(self, x: np.ndarray) -> list[tuple[str, float]]:
        """(label, probability) per row of features."""
        probs = self.probabilities(x)
        return [(self.labels[i], float(p[i])) for p, i in zip(probs, probs.argmax(axis=1))]

    @classmethod
    def fit(cls, x: np.ndarray, y: Sequence[str], labels: tuple[str, ...], *, c: float) -> LabelClassifier:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        model.fit(x, [labels.index(v) for v in y])
        coef = np.zeros((len(labels), x.shape[1]))
        intercept = np.full(len(labels), -1e9)  # a label never seen in training is never predicted
        for row, label in enumerate(model.classes_):
            coef[label], intercept[label] = model.coef_[row], model.intercept_[row]
        return cls(labels=labels, coef=coef, intercept=intercept, params={"C": c, "class_weight": "balanced"})

    def to_json(self) -> dict:
        return {
            "labels": list(self.labels), "params": self.params,
            "intercept": [round(float(v), 6) for v in self.intercept],
            "coef": [[round(float(v), 6) for v in row] for row in self.coef],
        }

    @classmethod
    def from_json(cls, data: dict) -> LabelClassifier:
        return cls(labels=tuple(data["labels"]), coef=np.asarray(data["coef"]), intercept=np.asarray(data["intercept"]), params=data["params"])


@dataclass
class StatementClassifiers:
    """Kind, attribution and evidence classifiers fitted together on one split, versioned as one file."""

    version: str
    trained_on: list[str]  # article ids
    by_label: dict[str, LabelClassifier]

    def predict(
        self, texts: Sequence[str], embedder: MiniLMEmbeddings, vectors: np.ndarray | None = None
    ) -> list[dict[str, tuple[str, float]]]:
        """Per text: {"kind": (label, p), "attribution": (...), "evidence": (...)}."""
        if not texts:
            return []
        x = features(texts, embedder, vectors)
        columns = {name: model.predict_features(x) for name, model in self.by_label.items()}
        return [{name: columns[name][i] for name in columns} for i in range(len(texts))]

    @classmethod
    def fit(
        cls, texts: Sequence[str], targets: dict[str, Sequence[str]], embedder: MiniLMEmbeddings, *,
        version: str, trained_on: list[str], c: dict[str, float],
    ) -> StatementClassifiers:
        x = features(texts, embedder)
        models = {name: LabelClassifier.fit(x, y, LABELS[name], c=c[name]) for name, y in targets.items()}
        return cls(version=version, trained_on=sorted(trained_on), by_label=models)

    def save(self, path: Path = DEFAULT_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": self.version, "features": f"all-MiniLM-L6-v2 (384) + {list(SURFACE_FEATURES)}",
            "trained_on": self.trained_on, "models": {name: m.to_json() for name, m in self.by_label.items()},
        }
        path.write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> StatementClassifiers:
        data = json.loads(path.read_text())
        models = {name: LabelClassifier.from_json(m) for name, m in data["models"].items()}
        return cls(version=data["version"], trained_on=data["trained_on"], by_label=models)


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean F1 over the labels that occur in gold or predictions."""
    scores = []
    for kind in sorted(set(gold) | set(predicted)):
        tp = sum(g == p == kind for g, p in zip(gold, predicted))
        fp = sum(p == kind != g for g, p in zip(gold, predicted))
        fn = sum(g == kind != p for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)
