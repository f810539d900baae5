"""Who decides a statement's kind (and its attribution, evidence and rationale): the seam.

Statements are always cut by code (assay/statements.py); a `KindDecider` only labels them. Today's
decider is the small classifiers fitted on the `train` split (assay/classifier.py); a decider that
asks a strong LLM is one more module implementing the same protocol. The decider's `name` goes into
every analysis's provenance and cache key, so switching deciders re-analyses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from assay.classifier import StatementClassifiers, surface_features
from assay.embeddings import MiniLMEmbeddings
from assay.statements import Statement
from assay.types import Article, Attribution, Evidence, Kind, StatementLabels


class KindDecider(Protocol):
    @property
    def name(self) -> str:
        """What decided, with its version: e.g. "classifier@2026-11-20"."""
        ...

    def decide(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[StatementLabels]:
        """One label set per statement, in order; `vectors` are the statements' MiniLM embeddings."""
        ...


class ClassifierKindDecider:
    """Kind, attribution and evidence from the fitted classifiers (no LLM, milliseconds per article)."""

    def __init__(self, classifiers: StatementClassifiers, embedder: MiniLMEmbeddings):
        self.classifiers, self.embedder = classifiers, embedder

    @property
    def name(self) -> str:
        return f"classifier@{self.classifiers.version}"

    def decide(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[StatementLabels]:
        predictions = self.classifiers.predict([s.text for s in found], self.embedder, vectors)
        return [
            StatementLabels(
                kind=Kind(p["kind"][0]), kind_confidence=round(p["kind"][1], 3),
                attribution=Attribution(p["attribution"][0]), evidence=Evidence(p["evidence"][0]),
                rationale=_rationale(s.text, p["kind"][0], p["kind"][1]),
            )
            for s, p in zip(found, predictions)
        ]


def _rationale(text: str, kind: str, p: float) -> str:
    cues = [name for name, on in zip(("a figure", "reported speech", "superlatives", "hedging"), surface_features(text)[:4]) if on]
    return f"{kind} (p={p:.2f})" + (f"; cues: {', '.join(cues)}" if cues else "")
