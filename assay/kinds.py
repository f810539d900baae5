"""Who decides a statement's kind (and its attribution, evidence and rationale): the seam.

Statements are always cut by code (assay/statements.py); a `KindDecider` only labels them. The
default decider is the small calibrated classifiers fitted on the `train` split (assay/classifier.py);
`assay/llm_kinds.py` asks an LLM instead. The decider's `name` goes into every analysis's provenance
and cache key, so switching deciders re-analyses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from assay.classifier import CUE_NAMES, StatementClassifiers, cue_words, features
from assay.statements import Statement
from assay.types import Article, Attribution, Evidence, Kind, StatementLabels


class KindDecider(Protocol):
    @property
    def name(self) -> str:
        """What decided, with its version: e.g. "classifier@statements-lr-v2"."""
        ...

    @property
    def share_error_sd(self) -> float:
        """How far an article's estimated rhetoric share strays from the truth (standard deviation,
        measured on held-out articles); 0 when the decider gives no probabilities to estimate it from."""
        ...

    def decide(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[StatementLabels]:
        """One label set per statement, in order; `vectors` are the statements' MiniLM embeddings."""
        ...


class ClassifierKindDecider:
    """Kind, attribution and evidence from the fitted classifiers (no LLM, milliseconds per article).
    A kind whose calibrated probability is under `min_confidence` is marked uncertain."""

    def __init__(self, classifiers: StatementClassifiers, min_confidence: float):
        self.classifiers, self.min_confidence = classifiers, min_confidence

    @property
    def name(self) -> str:
        return f"classifier@{self.classifiers.version}/uncertain<{self.min_confidence:g}"

    @property
    def share_error_sd(self) -> float:
        return float(self.classifiers.by_label["rhetoric"].params.get("share_error_sd", 0.0))

    def decide(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[StatementLabels]:
        if not found:
            return []
        x = features(article, found, vectors)
        predictions = self.classifiers.predict_features(x)
        rhetoric = self.classifiers.by_label["rhetoric"].probabilities(x)[:, 1]
        kind_model = self.classifiers.by_label["kind"]
        first_cue = x.shape[1] - len(CUE_NAMES)
        labels = []
        for i, p in enumerate(predictions):
            kind, confidence = p["kind"]
            pushes = kind_model.contributions(x[i], kind, first_cue)
            labels.append(
                StatementLabels(
                    kind=Kind(kind), kind_confidence=round(confidence, 3), uncertain=confidence < self.min_confidence,
                    attribution=Attribution(p["attribution"][0]), evidence=Evidence(p["evidence"][0]),
                    rhetoric_probability=round(float(rhetoric[i]), 3),
                    rationale=rationale(article, found, i, kind, confidence, dict(zip(CUE_NAMES, pushes))),
                )
            )
        return labels


def rationale(article: Article, found: Sequence[Statement], i: int, kind: str, p: float, pushes: dict[str, float]) -> str:
    """The cues that pushed this kind above the others most (from the model's own weights), in words;
    when none did, the decision came from the sentence's wording (its embedding)."""
    words = cue_words(article, found, i)
    strongest = [name for name, push in sorted(pushes.items(), key=lambda kv: -kv[1]) if push > 0.1 and words.get(name)]
    said = list(dict.fromkeys(words[name] for name in strongest))[:3]
    because = "; ".join(said) if said else f"its wording is like the labelled {kind} examples"
    return f"{kind} (p={p:.2f}): {because}"
