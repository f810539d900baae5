"""Claim timelines: one assertion repeated across articles, shown once: when it first appeared, who
repeated it and when, and whether later articles corroborated or contradicted it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from assay.corpus import CorpusView, StatementRecord


class Appearance(BaseModel):
    statement: StatementRecord
    similarity: float = Field(description="Cosine similarity to the first appearance (1.0 for the first itself).")


class RepeatedClaim(BaseModel):
    id: str = Field(description="Stable: the first appearance's statement id.")
    quote: str = Field(description="The first appearance's words.")
    first_seen: datetime | None
    appearances: list[Appearance] = Field(description="Oldest first; the first appearance included.")
    verdict: Literal["corroborated", "contradicted", "contested", "unverified"] = Field(
        description="What later articles did: corroborated it, contradicted it, both, or neither."
    )
    sources: list[str] = Field(default_factory=list, description="Who repeated it, in order of first appearance.")


def repeated_claims(corpus: CorpusView, embed: Callable[[list[str]], np.ndarray]) -> list[RepeatedClaim]:
    """Assertions (facts and claims) said in at least two articles, most repeated first."""
    raise NotImplementedError
