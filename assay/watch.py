"""Watchlists: entities and phrases a user follows, and the alert a matching statement raises.

An entity is watched by its canonical name (aliases.py), so watching "CNRE" follows China Northern
Rare Earth under every spelling the alias book knows, including names analyses found later. A
phrase matches a statement's exact quote case-insensitively, as whole words ("NdPr" does not match
"NdPrO"). A statement whose cross-check found another source contradicting it is flagged: its
alert's subject starts with "Conflict:".

Storing items and alerts is the registry's business; emitting events and sending notifications the
flows'. This module only decides what matches and what the alert says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from assay.aliases import AliasBook, normalise
from assay.corpus import SOURCE_TYPE_LABELS, StatementRecord
from assay.types import Entity, EntityType

MAX_WATCH_CHARS = 200  # a watch is a name or a short phrase: longer text is a paste gone wrong
QUOTE_CHARS_IN_SUBJECT = 90
DEFAULT_BLOCK_TYPE = "custom-webhook"  # ASSAY_ALERT_BLOCK without a type names a custom webhook (`assay watch notify` saves one)
BLOCK_NAME = re.compile(r"^[a-z0-9-]+$")  # what Prefect allows in a block document's name


class WatchKind(StrEnum):
    entity = "entity"
    phrase = "phrase"


class WatchItem(BaseModel):
    id: int
    kind: WatchKind
    text: str = Field(description="What the user typed.")
    canonical: str | None = Field(None, description="For an entity: its canonical name when it was added.")
    created_at: datetime | None = None

    @property
    def label(self) -> str:
        return self.canonical or self.text if self.kind is WatchKind.entity else f'"{self.text}"'


class WatchSpec(BaseModel):
    """A watch item before it is stored: what it is, and the key two spellings of one item share."""

    kind: WatchKind
    text: str
    canonical: str | None = None
    key: str = Field(description="Unique per kind: the normalised canonical name, or the phrase casefolded.")


class AlertMessage(BaseModel):
    subject: str
    body: str


class NewAlert(BaseModel):
    """An alert to record (once per watch item and statement)."""

    watch_id: int
    article_id: str
    statement_id: str = Field(description="article_id:start-end, as StatementRecord.id.")
    conflict: bool
    subject: str
    body: str


class WatchAlert(NewAlert):
    """A recorded alert and where its notification stands."""

    id: int
    watch: str = Field(description="The watch item's label.")
    created_at: datetime | None = None
    sent_at: datetime | None = Field(None, description="None until a notification went out.")
    error: str | None = Field(None, description="Why the last send failed; it is tried again on the next run.")
    attempts: int = 0


class AlertRun(BaseModel):
    """What one alert step did after an analysis run."""

    matched: int = 0
    recorded: int = Field(0, description="New alerts (a statement already alerted on is not alerted again).")
    sent: int = 0
    failed: int = 0
    errors: list[str] = Field(default_factory=list)


class WatchError(ValueError):
    """A watch item cannot be added or found; the message names the fix."""


def phrase_key(text: str) -> str:
    return " ".join(text.casefold().split())


def watch_spec(text: str, aliases: AliasBook, *, phrase: bool = False) -> WatchSpec:
    """An entity when the alias book (with the corpus's names in it) knows the text, else a phrase;
    always a phrase with `phrase`."""
    text = " ".join(text.split())
    if not text:
        raise WatchError("nothing to watch: give an entity name or a phrase")
    if len(text) > MAX_WATCH_CHARS:
        raise WatchError(f"a watch is at most {MAX_WATCH_CHARS} characters: give a name or a short phrase")
    named = None if phrase else aliases.canonical(text)
    if named is not None:
        return WatchSpec(kind=WatchKind.entity, text=text, canonical=named.name, key=normalise(named.name))
    if not re.search(r"\w", text):
        raise WatchError(f"{text!r} has no letters or digits to match: give a word or phrase")
    return WatchSpec(kind=WatchKind.phrase, text=text, key=phrase_key(text))


def include_watched(aliases: AliasBook, items: Iterable[WatchItem]) -> None:
    """Teach the alias book the watched entities it does not know (names found in articles since
    gone from the corpus's analyses), so that statements naming them are linked to them."""
    aliases.add_found(
        Entity.model_construct(name=item.canonical or item.text, type=EntityType.other)  # a name the user chose: no length cap
        for item in items if item.kind is WatchKind.entity and aliases.canonical(item.canonical or item.text) is None
    )


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Whole words, any case, any run of whitespace between them."""
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


class WatchMatch(BaseModel):
    watch: WatchItem
    statement: StatementRecord

    @property
    def conflict(self) -> bool:
        return self.statement.crosscheck == "conflicting"

    def alert(self) -> NewAlert:
        message = alert_message(self.watch, self.statement)
        return NewAlert(watch_id=self.watch.id, article_id=self.statement.article_id, statement_id=self.statement.id,
                        conflict=self.conflict, subject=message.subject, body=message.body)


def match_statements(items: Iterable[WatchItem], statements: Iterable[StatementRecord], aliases: AliasBook) -> list[WatchMatch]:
    """Every (item, statement) pair where the statement names the watched entity or holds the phrase."""
    entity_keys: dict[int, str] = {}
    patterns: dict[int, re.Pattern[str]] = {}
    watched = list(items)
    for item in watched:
        if item.kind is WatchKind.entity:
            # Resolved again now: the alias file may have gained the entity's spelling since it was added.
            named = aliases.canonical(item.text)
            entity_keys[item.id] = normalise(named.name if named else item.canonical or item.text)
        else:
            patterns[item.id] = phrase_pattern(item.text)
    matches: list[WatchMatch] = []
    for statement in statements:
        named_keys = {normalise(name) for name in statement.entities}
        for item in watched:
            if item.kind is WatchKind.entity:
                hit = entity_keys[item.id] in named_keys
            else:
                hit = patterns[item.id].search(statement.quote) is not None
            if hit:
                matches.append(WatchMatch(watch=item, statement=statement))
    return matches


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def alert_message(item: WatchItem, statement: StatementRecord) -> AlertMessage:
    """The notification: conflict first, then the quote, its kind and source, the article."""
    conflict = statement.crosscheck == "conflicting"
    subject = f"{'Conflict: ' if conflict else ''}{item.label}: {_shorten(statement.quote, QUOTE_CHARS_IN_SUBJECT)}"
    lines = []
    if conflict:
        against = ", ".join(other[:12] for other in statement.corroborated_by[:5]) or "another article"
        lines.append(f"Conflict: another source in the corpus contradicts this {statement.kind.value} (checked against {against}).")
    lines += [
        f"Watch: {item.label} ({item.kind.value})",
        f"“{statement.quote}”",
        # A clause cut from a longer sentence ("aiming to reduce reliance on China.") is read in that sentence.
        *([f"In: “{statement.sentence}”"] if statement.in_its_sentence else []),
        f"Kind: {statement.kind.value}" + (" (uncertain)" if statement.uncertain else "")
        + (f"; cross-check: {statement.crosscheck.replace('_', ' ')}" if statement.crosscheck else ""),
        f"Source: {statement.source} ({SOURCE_TYPE_LABELS[statement.source_type]})",
        f"Article: {statement.title}",
    ]
    if statement.url:
        lines.append(statement.url)
    if statement.published:
        lines.append(f"Published: {statement.published.date().isoformat()}")
    lines.append(f"Statement: {statement.id}")
    return AlertMessage(subject=subject, body="\n".join(lines))
