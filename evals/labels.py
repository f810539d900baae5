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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay.types import Attribution, Evidence, Kind

DATA_DIR = Path(__file__).resolve().parent / "data"


class Split(StrEnum):
    train = "train"
    dev = "dev"
    test = "test"


class LabelledStatement(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt `attribtion:` or `notes:` must not pass unread

    quote: str = Field(min_length=3, description="Exact, contiguous words of the clean body.")
    kind: Kind
    attribution: Attribution
    evidence: Evidence
    note: str | None = Field(None, description="Why, for a hard case.")


class LabelledQuestion(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt `attribtion:` or `notes:` must not pass unread

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
    model_config = ConfigDict(extra="forbid")  # a misspelt `attribtion:` or `notes:` must not pass unread

    names: list[str] = Field(min_length=1, description="Every spelling the body uses for this one entity, each verbatim.")
    type: Literal["company", "government", "country", "material", "project"]
    key: bool = Field(description="Expected in a short list of who and what the article is about (at most 3 per type).")


class KeyFigure(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt `attribtion:` or `notes:` must not pass unread

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


# --- a user's own labelled articles ------------------------------------------------------------


class LabelsError(ValueError):
    """A user's label folder or file cannot be used; the message names the file and the fix."""


class OwnLabels(BaseModel):
    """A user's label file: one article of their own (any file `assay ingest` reads), labelled as
    LABELLING.md says. `assay label FILE --into FOLDER` drafts one. A part left out is not scored:
    no `highlights`, no coverage; no `statements`, no detection or kinds; no `questions`, no answers."""

    model_config = ConfigDict(extra="forbid")

    file: str = Field(min_length=1, description="The article's file: relative to the label file's folder, or absolute.")
    statements: list[LabelledStatement] = Field(default_factory=list, description="Every check-worthy statement, in body order.")
    highlights: list[str] = Field(default_factory=list, description="The points a good summary covers (the publisher's own, where it gives them).")
    questions: list[LabelledQuestion] = Field(
        default_factory=list, description="Questions with a gold answer and supporting quotes; `answer: null` for one your folder cannot answer."
    )
    entities: list[GoldEntity] | None = None
    key_figures: list[KeyFigure] | None = None

    def article_file(self, label_file: Path) -> Path:
        return labelled_file(self.file, label_file)

    def labelled_article(self, article_id: str, title: str, url: str) -> LabelledArticle:
        """The labels in the shipped corpus's shape, for the same scoring."""
        return LabelledArticle(article_id=article_id, source_item=SourceItem(title=title, url=url), highlights=self.highlights,
                               statements=self.statements, questions=self.questions, entities=self.entities, key_figures=self.key_figures)


def labelled_file(file: str, label_file: Path) -> Path:
    """The article file a label file's `file:` names: relative to the label file's folder, or absolute."""
    path = Path(file).expanduser()
    return (path if path.is_absolute() else label_file.parent / path).resolve()


def load_own_labels(folder: Path) -> dict[Path, OwnLabels]:
    """Every `*.yaml` label file of `folder` (not its subfolders), checked: each names a file that is
    there, no two name the same one. Quotes are checked against the body once it is read."""
    if not folder.is_dir():
        raise LabelsError(f"{folder} is not a folder: name the folder of your label files "
                          "(`assay label ARTICLE --into FOLDER` drafts one per article)")
    files = sorted(p for p in folder.glob("*.yaml") if p.is_file())
    if not files:
        raise LabelsError(f"{folder} holds no label files (*.yaml): draft one with `assay label ARTICLE --into {folder}`, "
                          "correct it by hand, and run again")
    labels: dict[Path, OwnLabels] = {}
    named: dict[Path, Path] = {}
    for path in files:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1})" if mark is not None else ""
            raise LabelsError(f"{path.name} is not valid YAML{where}: correct it") from exc
        except UnicodeDecodeError as exc:
            raise LabelsError(f"{path.name} is not UTF-8 text: save it as UTF-8") from exc
        try:
            own = OwnLabels.model_validate(data)
        except ValidationError as exc:
            problem = exc.errors()[0]
            place = ".".join(str(p) for p in problem["loc"]) or "the file"
            if problem["type"] == "extra_forbidden":
                raise LabelsError(f"{path.name}: {place} is not a key Assay reads: correct it "
                                  "(a label file holds file, statements, highlights, questions, entities and key_figures)") from exc
            raise LabelsError(f"{path.name}: {place}: {problem['msg']}: correct it (LABELLING.md says what each label means)") from exc
        article = own.article_file(path)
        if not article.is_file():
            raise LabelsError(f"{path.name}: file {own.file!r} is not there ({article}): correct `file:` "
                              "(a path relative to the label file's folder, or absolute)")
        if article in named:
            raise LabelsError(f"{named[article].name} and {path.name} both label {article.name}: keep one")
        named[article] = path
        labels[path] = own
    return labels
