"""The hand-labelled corpus: one YAML file per article under `evals/data/`, plus `split.yaml`.

The labels' meaning is defined once, in LABELLING.md (the team's labelling
guide); these models only hold them and check what code can check: every
quote is verbatim in the clean body, quotes come in body order and never
overlap, and every value is from the guide's lists. Gold entities and key
figures (dev and test) follow `data/README.md`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, model_validator

from assay.types import Attribution, Evidence, Kind

DATA_DIR = Path(__file__).resolve().parent / "data"


class Split(StrEnum):
    train = "train"
    dev = "dev"
    test = "test"


class LabelledStatement(BaseModel):
    quote: str = Field(min_length=3, description="Exact, contiguous words of the clean body.")
    kind: Kind
    attribution: Attribution
    evidence: Evidence
    note: str | None = Field(None, description="Why, for a hard case.")


class LabelledQuestion(BaseModel):
    question: str
    answer: str | None = Field(description="Short gold answer; None when the corpus cannot answer it.")
    supporting_quotes: list[str] = Field(default_factory=list, description="Verbatim spans of this article's body.")

    @property
    def answerable(self) -> bool:
        return self.answer is not None

    @model_validator(mode="after")
    def _support_matches_answerability(self) -> LabelledQuestion:
        if self.answerable and not self.supporting_quotes:
            raise ValueError(f"{self.question!r}: an answerable question needs supporting quotes")
        if not self.answerable and self.supporting_quotes:
            raise ValueError(f"{self.question!r}: an unanswerable question has no supporting quotes")
        return self


class GoldEntity(BaseModel):
    names: list[str] = Field(min_length=1, description="Every spelling the body uses for this one entity, each verbatim.")
    type: Literal["company", "government", "country", "material", "project"]
    key: bool = Field(description="Expected in a short list of who and what the article is about (at most 3 per type).")


class KeyFigure(BaseModel):
    value: str = Field(min_length=1, description="The number as the body writes it, verbatim.")
    measures: str


class GoldCrossCheck(BaseModel):
    quote: str = Field(description="A fact or claim of `statements`, verbatim.")
    status: Literal["corroborated", "conflicting", "no_other_source"] = Field(description="What the other 24 articles say of it.")
    articles: list[str] = Field(default_factory=list, description="The other articles that corroborate or conflict.")
    note: str | None = None


class SourceItem(BaseModel):
    title: str
    url: str
    guid: str | None = None
    published: str | None = None


def quote_spans(name: str, statements: list[LabelledStatement], body: str) -> list[tuple[int, int]]:
    """Offsets of each statement's quote, searched in order: a repeated phrase resolves to the next use."""
    spans, position = [], 0
    for statement in statements:
        start = body.find(statement.quote, position)
        if start < 0:
            where = "anywhere in" if statement.quote not in body else "after the previous quote in"
            raise ValueError(f"{name}: quote not found {where} the body: {statement.quote!r}")
        spans.append((start, start + len(statement.quote)))
        position = start + len(statement.quote)
    return spans


class LabelledArticle(BaseModel):
    article_id: str = Field(description="Assay's article id (hash of the canonical URL).")
    source_item: SourceItem
    highlights: list[str] = Field(description="The publisher's Highlights bullets, verbatim.")
    statements: list[LabelledStatement] = Field(description="Every check-worthy statement, in body order.")
    questions: list[LabelledQuestion]
    entities: list[GoldEntity] | None = Field(
        None, description="dev and test only: every named company, government, country, material and project in the body."
    )
    key_figures: list[KeyFigure] | None = Field(None, description="dev and test only: the numbers an analyst would want.")
    crosscheck: list[GoldCrossCheck] | None = Field(None, description="dev and test only: every fact and claim against the rest of the corpus.")

    def spans(self, body: str) -> list[tuple[int, int]]:
        return quote_spans(self.article_id, self.statements, body)


class SplitFile(BaseModel):
    train: list[str]
    dev: list[str]
    test: list[str]

    def of(self, article_id: str) -> Split:
        for split in Split:
            if article_id in getattr(self, split.value):
                return split
        raise KeyError(article_id)


def load_article(path: Path) -> LabelledArticle:
    return LabelledArticle.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def load_all(data_dir: Path = DATA_DIR) -> dict[str, LabelledArticle]:
    articles = [load_article(p) for p in sorted(data_dir.glob("*.yaml")) if p.name != "split.yaml"]
    return {a.article_id: a for a in articles}


def load_split(data_dir: Path = DATA_DIR) -> SplitFile:
    return SplitFile.model_validate(yaml.safe_load((data_dir / "split.yaml").read_text(encoding="utf-8")))
