"""A kind decider that asks the chat model (assay/kinds.py's seam): kind, attribution, evidence and a
one-line rationale per statement, through the versioned prompt `prompts/kinds/v<N>.yaml`.

Statements are still cut by code (assay/statements.py); the model sees them numbered, each under its
section heading and, where the sentence before it is not listed just above, with that sentence. Long
articles go in batches so that each answer fits the answer budget (`llm_max_tokens`). The answer is a
validated `KindsReply`: for the OpenAI-compatible backend its JSON schema travels as `json_schema`
(strict where the schema allows), for the local model it is the decoding grammar; a reply whose
numbers do not cover the batch exactly once goes back once, then fails (StructuredOutputError).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import numpy as np
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel, BeforeValidator, Field, create_model

from assay.llms import model_name, structured
from assay.prompts import PromptFile
from assay.statements import Statement, text_sentences
from assay.types import Article, Attribution, Evidence, Kind, StatementLabels

RATIONALE_CHARS = 120
# Answer tokens one label takes (n, three labels and a rationale of <= 120 characters, in JSON):
# measured 54-55 with the local model, whose rationales run to the cap; 60 keeps a batch in budget.
TOKENS_PER_LABEL = 60
MAX_BATCH = 25
CONTEXT_CHARS = 240  # of the sentence before a statement


def _one_line(value: Any) -> Any:
    """A rationale is one line: whitespace collapsed, cut at the cap (a strict server may ignore it)."""
    return " ".join(value.split())[:RATIONALE_CHARS] if isinstance(value, str) else value


class StatementKindReply(BaseModel):
    n: int = Field(description="The statement's number, as given.")
    kind: Kind
    attribution: Attribution
    evidence: Evidence
    rationale: Annotated[str, BeforeValidator(_one_line), Field(min_length=1, max_length=RATIONALE_CHARS)] = Field(
        description="One line: the cue that decided the kind."
    )


class KindsReply(BaseModel):
    """kinds@1: one label set per numbered statement."""

    labels: list[StatementKindReply]


def batch_schema(base: type[KindsReply], numbers: range) -> type[KindsReply]:
    """`base` for one batch: exactly len(numbers) labels, each numbered inside the batch (for the local
    model's grammar; for a server, the bounds it can enforce)."""
    item: Any = create_model(
        "StatementKindReply", __base__=StatementKindReply, n=(int, Field(ge=numbers.start, le=numbers.stop - 1))
    )
    size = len(numbers)
    schema: type[KindsReply] = create_model(base.__name__, __base__=base, labels=(list[item], Field(min_length=size, max_length=size)))
    return schema


def covers(numbers: range) -> Any:
    """The check: the reply labels every statement of the batch exactly once."""

    def check(reply: KindsReply) -> None:
        given = [label.n for label in reply.labels]
        missing = sorted(set(numbers) - set(given))
        repeated = sorted({n for n in given if given.count(n) > 1})
        unknown = sorted(set(given) - set(numbers))
        if missing or repeated or unknown:
            problems = [f"{what} {values}" for what, values in (("missing", missing), ("repeated", repeated), ("not asked", unknown)) if values]
            raise ValueError(
                f"label statements {numbers.start}-{numbers.stop - 1} each exactly once ({'; '.join(problems)})"
            )

    return check


def render_statements(article: Article, found: Sequence[Statement], numbers: range) -> str:
    """Statements `numbers` (1-based positions in `found`) as the prompt shows them: grouped under their
    section headings, each with the sentence before it when that sentence is not listed just above."""
    sentences = text_sentences(article.body)
    lines: list[str] = []
    heading: str | None | bool = False  # False: nothing written yet
    previous_end = -1
    for n in numbers:
        statement = found[n - 1]
        section = next((s for s in article.sections if s.start <= statement.start < s.end), None)
        here = section.heading if section else None
        if here != heading:
            lines.append(f"## {here}" if here else "## (opening, before any heading)")
            heading, previous_end = here, -1
        before = next((s for s in reversed(sentences) if s.end <= statement.start), None)
        shown = (
            before is not None
            and before.start >= previous_end
            and (section is None or before.start >= section.start)
            and before.text.strip() != (here or "").strip()
        )
        line = f"{n}. {statement.text}"
        if shown and before is not None:
            context = before.text if len(before.text) <= CONTEXT_CHARS else "…" + before.text[-CONTEXT_CHARS:]
            line = f"{n}. (after: {context}) {statement.text}"
        lines.append(line)
        previous_end = statement.end
    return "\n".join(lines)


class LLMKindDecider:
    """Kind, attribution, evidence and a rationale from the chat model; no probability (kind_confidence None)."""

    def __init__(
        self,
        model: BaseChatModel,
        prompt: PromptFile,
        *,
        batch_size: int | None = None,
        callbacks: Sequence[BaseCallbackHandler] = (),
    ):
        self.model, self.prompt, self.callbacks = model, prompt, list(callbacks)
        budget = getattr(model, "max_tokens", None) or getattr(model, "max_completion_tokens", None) or 1024
        self.batch_size = batch_size or max(1, min(MAX_BATCH, int(budget) // TOKENS_PER_LABEL))
        schema = prompt.reply_schema()
        if not issubclass(schema, KindsReply):
            raise TypeError(f"{prompt.key}: {schema.__name__} is not a KindsReply")
        self.schema: type[KindsReply] = schema

    share_error_sd = 0.0  # no probabilities: the share counts its labels (assay.analysis.rhetoric_share)

    @property
    def name(self) -> str:
        return f"llm:{model_name(self.model)}@kinds{self.prompt.version}"

    def decide(self, article: Article, found: Sequence[Statement], vectors: np.ndarray) -> list[StatementLabels]:
        labels: list[StatementLabels] = []
        config: RunnableConfig = {
            "callbacks": list(self.callbacks),
            "metadata": {"prompt": self.prompt.name, "prompt_version": self.prompt.version, "article_id": article.id},
        }
        for first in range(1, len(found) + 1, self.batch_size):
            numbers = range(first, min(first + self.batch_size, len(found) + 1))
            messages = self.prompt.template().format_messages(
                title=article.title, source=article.source, statements=render_statements(article, found, numbers)
            )
            reply, _ = structured(self.model, messages, batch_schema(self.schema, numbers), config, check=covers(numbers))
            by_number = {label.n: label for label in reply.labels}
            labels += [
                StatementLabels(
                    kind=label.kind, kind_confidence=None, uncertain=False, attribution=label.attribution,
                    evidence=label.evidence, rationale=label.rationale,
                )
                for label in (by_number[n] for n in numbers)
            ]
        return labels
