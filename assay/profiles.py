"""Source profiles: per source and per source type, the share of each kind and the rhetoric share
over time, each with a 95 % interval from resampling articles."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assay.corpus import CorpusView, SourceType


class ProfilePeriod(BaseModel):
    period: str = Field(description="Calendar month, YYYY-MM.")
    articles: int
    statements: int
    rhetoric_share: float | None = None
    interval: tuple[float, float] | None = None


class SourceProfile(BaseModel):
    name: str = Field(description="The source's name, or the source type's label for a type's profile.")
    source_type: SourceType
    slug: str = Field(description="File-name-safe and unique: the report's sources/<slug>.html.")
    articles: int
    statements: int
    kind_shares: dict[str, float] = Field(default_factory=dict, description="Share of the confident statements per kind.")
    uncertain: int = 0
    rhetoric_share: float | None = None
    interval: tuple[float, float] | None = None
    periods: list[ProfilePeriod] = Field(default_factory=list, description="Oldest first.")


def source_profiles(corpus: CorpusView) -> list[SourceProfile]:
    """One profile per source, most articles first."""
    raise NotImplementedError


def source_type_profiles(corpus: CorpusView) -> list[SourceProfile]:
    """One profile per source type present in the corpus."""
    raise NotImplementedError
