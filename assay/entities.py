"""Entity pages: every statement about one company, government, country, material or project across
the corpus, grouped by kind, newest first, with its cross-check status and its article."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from assay.aliases import AliasBook, Named
from assay.corpus import CorpusView, StatementRecord, ascii_words
from assay.types import KINDS, EntityType

UNCERTAIN = "uncertain"
GROUPS = [*KINDS, UNCERTAIN]  # the order of an entity page's groups and counts


class EntityVariant(BaseModel):
    spelling: str
    why: str = Field(description='Why it is this entity: "alias file", "same name after normalisation" or "as written".')


class AliasSuggestion(BaseModel):
    """A spelling filed apart that looks like a variant of this entity: not merged, for a person to add
    to the alias file ($ASSAY_HOME/aliases.toml) if it is one."""

    spelling: str
    filed_as: str = Field(description="The entity it is filed under now.")
    why: str = Field(description='e.g. "acronym of \'China Northern Rare Earth\'", "first words of \'MP Materials\'".')


class EntitySummary(BaseModel):
    name: str = Field(description="Canonical name.")
    type: EntityType
    slug: str = Field(description="File-name-safe and unique: the report's entities/<slug>.html.")
    variants: list[EntityVariant] = Field(default_factory=list)
    statements: int = 0
    articles: int = 0
    counts: dict[str, int] = Field(default_factory=dict, description="Statements per kind (uncertain ones under 'uncertain').")
    latest: datetime | None = None
    suggestions: list[AliasSuggestion] = Field(
        default_factory=list, description="Entities in the corpus that may be this one; never merged without the alias file."
    )


class EntityPage(EntitySummary):
    groups: dict[str, list[StatementRecord]] = Field(
        default_factory=dict, description="Kind -> its statements, newest first; 'uncertain' holds those of no confident kind."
    )


def entity_slug(name: str) -> str:
    """ASCII letters, digits and hyphens only, then a short hash of the exact name: two names that
    slugify alike ("Lynas" and "LYNAS!") still get two pages, and markup never reaches a file name."""
    words = ascii_words(name, 40) or "entity"
    return f"{words}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"


def entity_summaries(corpus: CorpusView, aliases: AliasBook) -> list[EntitySummary]:
    """Entities named by at least one statement, most statements first."""
    by_entity = _statements_by_entity(corpus.statements)
    suggested = _suggestions(aliases, by_entity)
    summaries = [_summary(aliases, name, found, suggested.get(name, [])) for name, found in by_entity.items()]
    return sorted(summaries, key=lambda s: (-s.statements, s.name.casefold()))


def entity_page(corpus: CorpusView, aliases: AliasBook, name: str) -> EntityPage | None:
    """The page of the entity any of whose spellings is `name`; None when the corpus has none."""
    named = aliases.canonical(name.strip())
    by_entity = _statements_by_entity(corpus.statements)
    if named is None:  # the report links pages by slug; accept one here too
        named = next((aliases.canonical(n) for n in by_entity if entity_slug(n) == name.strip()), None)
    if named is None or named.name not in by_entity:
        return None
    return _page(aliases, named.name, by_entity[named.name], _suggestions(aliases, by_entity).get(named.name, []))


def entity_pages(corpus: CorpusView, aliases: AliasBook) -> list[EntityPage]:
    """Every entity's page, in `entity_summaries`' order. The corpus is grouped by entity, and the look-alike
    spellings found, once for all of them: once per page, a report of 1,000 articles spent 14 s on it."""
    by_entity = _statements_by_entity(corpus.statements)
    suggested = _suggestions(aliases, by_entity)
    pages = [_page(aliases, name, found, suggested.get(name, [])) for name, found in by_entity.items()]
    return sorted(pages, key=lambda p: (-p.statements, p.name.casefold()))


def _page(aliases: AliasBook, name: str, found: list[StatementRecord], suggestions: list[AliasSuggestion]) -> EntityPage:
    summary = _summary(aliases, name, found, suggestions)
    groups = {group: newest_first(mine) for group in GROUPS if (mine := [s for s in found if _group(s) == group])}
    return EntityPage(**summary.model_dump(), groups=groups)


def _statements_by_entity(statements: Iterable[StatementRecord]) -> dict[str, list[StatementRecord]]:
    by_entity: dict[str, list[StatementRecord]] = {}
    for statement in statements:
        for name in dict.fromkeys(statement.names_and_speaker):  # "the company claims" too
            by_entity.setdefault(name, []).append(statement)
    return by_entity


def _group(statement: StatementRecord) -> str:
    return UNCERTAIN if statement.uncertain else statement.kind.value


_OLDEST = datetime.min.replace(tzinfo=UTC)


def _instant(when: datetime | None) -> datetime:
    """Comparable whatever the source wrote: naive dates are taken as UTC, undated ones sort last."""
    if when is None:
        return _OLDEST
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def newest_first(statements: list[StatementRecord]) -> list[StatementRecord]:
    ordered = sorted(statements, key=lambda s: (s.article_id, s.start))  # stable order within one article and date
    return sorted(ordered, key=lambda s: _instant(s.when), reverse=True)


def _summary(aliases: AliasBook, name: str, found: list[StatementRecord], suggestions: list[AliasSuggestion]) -> EntitySummary:
    named = aliases.canonical(name) or Named(name, EntityType.other, {name: "as written"})
    counts = {group: n for group in GROUPS if (n := sum(1 for s in found if _group(s) == group))}
    dates = [s.when for s in found if s.when is not None]
    return EntitySummary(
        name=named.name, type=named.type, slug=entity_slug(named.name),
        variants=[EntityVariant(spelling=spelling, why=why) for spelling, why in named.variants.items()],
        statements=len(found), articles=len({s.article_id for s in found}), counts=counts,
        latest=max(dates, key=_instant) if dates else None, suggestions=suggestions,
    )


def _suggestions(aliases: AliasBook, by_entity: dict[str, list[StatementRecord]]) -> dict[str, list[AliasSuggestion]]:
    """By the entity a spelling may belong to: only among entities the corpus's statements name."""
    found: dict[str, list[AliasSuggestion]] = {}
    for s in aliases.suggestions(by_entity):
        found.setdefault(s.maybe, []).append(AliasSuggestion(spelling=s.spelling, filed_as=s.filed_as, why=s.why))
    return found
