"""A small learned classifier for a statement's kind (fact / claim / rhetoric / opinion).

Measured before this was written (issue 4): the embedded 1.5B model labelling all
sentences in one JSON answer scored macro-F1 0.10, one sentence at a time with
log-probabilities 0.28, and logistic regression on MiniLM sentence embeddings
plus five surface features 0.51. So kinds come from this model, fitted on the
`train` split of the hand-labelled corpus only; it is saved as a small JSON file
(coefficients, not a pickle) so it is versioned, diffable and safe to load.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from assay.embeddings import MiniLMEmbeddings

KINDS = ("fact", "claim", "rhetoric", "opinion")
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "kind-classifier.json"

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


def features(texts: Sequence[str], embedder: MiniLMEmbeddings) -> np.ndarray:
    vectors = embedder.forward(list(texts))
    surface = np.asarray([surface_features(t) for t in texts], dtype=np.float32)
    return np.hstack([vectors, surface])


@dataclass
class KindClassifier:
    """Multinomial logistic regression over [MiniLM embedding, surface features]."""

    version: str
    coef: np.ndarray  # [kinds, features]
    intercept: np.ndarray  # [kinds]
    trained_on: list[str]  # article ids
    params: dict

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        logits = x @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def predict(self, texts: Sequence[str], embedder: MiniLMEmbeddings) -> list[tuple[str, float]]:
        """(kind, probability) per text."""
        if not texts:
            return []
        probs = self.probabilities(features(texts, embedder))
        return [(KINDS[i], float(p[i])) for p, i in zip(probs, probs.argmax(axis=1))]

    @classmethod
    def fit(
        cls, texts: Sequence[str], kinds: Sequence[str], embedder: MiniLMEmbeddings, *,
        version: str, trained_on: list[str], c: float = 1.0,
    ) -> "KindClassifier":
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
        model.fit(features(texts, embedder), [KINDS.index(k) for k in kinds])
        order = list(model.classes_)  # rows in KINDS order even if a class were missing
        coef = np.zeros((len(KINDS), model.coef_.shape[1]))
        intercept = np.full(len(KINDS), -1e9)
        for row, label in enumerate(order):
            coef[label], intercept[label] = model.coef_[row], model.intercept_[row]
        return cls(version=version, coef=coef, intercept=intercept, trained_on=sorted(trained_on), params={"C": c})

    def save(self, path: Path = DEFAULT_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": self.version, "kinds": KINDS, "features": f"all-MiniLM-L6-v2 (384) + {list(SURFACE_FEATURES)}",
            "params": self.params, "trained_on": self.trained_on,
            "intercept": [round(float(v), 6) for v in self.intercept],
            "coef": [[round(float(v), 6) for v in row] for row in self.coef],
        }
        path.write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> "KindClassifier":
        data = json.loads(path.read_text())
        return cls(
            version=data["version"], coef=np.asarray(data["coef"]), intercept=np.asarray(data["intercept"]),
            trained_on=data["trained_on"], params=data["params"],
        )


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    scores = []
    for kind in KINDS:
        tp = sum(g == p == kind for g, p in zip(gold, predicted))
        fp = sum(p == kind != g for g, p in zip(gold, predicted))
        fn = sum(g == kind != p for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)
