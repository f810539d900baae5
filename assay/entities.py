"""Entity pages: every statement about one company, government, country, material or project across
the corpus, grouped by kind, newest first, with its cross-check status and its article."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from assay.aliases import AliasBook
from assay.corpus import CorpusView, StatementRecord
from assay.types import EntityType


class EntityVariant(BaseModel):
    spelling: str
    why: str = Field(description='Why it is this entity: "alias file", "same name after normalisation" or "as written".')


class EntitySummary(BaseModel):
    name: str = Field(description="Canonical name.")
    type: EntityType
    slug: str = Field(description="File-name-safe and unique: the report's entities/<slug>.html.")
    variants: list[EntityVariant] = Field(default_factory=list)
    statements: int = 0
    articles: int = 0
    counts: dict[str, int] = Field(default_factory=dict, description="Statements per kind (uncertain ones under 'uncertain').")
    latest: datetime | None = None


class EntityPage(EntitySummary):
    groups: dict[str, list[StatementRecord]] = Field(
        default_factory=dict, description="Kind -> its statements, newest first; 'uncertain' holds those of no confident kind."
    )


def entity_slug(name: str) -> str:
    raise NotImplementedError


def entity_summaries(corpus: CorpusView, aliases: AliasBook) -> list[EntitySummary]:
    """Entities named by at least one statement, most statements first."""
    raise NotImplementedError


def entity_page(corpus: CorpusView, aliases: AliasBook, name: str) -> EntityPage | None:
    """The page of the entity any of whose spellings is `name`; None when the corpus has none."""
    raise NotImplementedError
