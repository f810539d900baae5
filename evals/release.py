"""`assay eval` and `assay release` as Python: run released and candidate prompts on the same
articles, compare them through the gate, write the report, and move the release file only when
the gate passes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from assay.evals import report
from assay.evals.gate import GateConfig, GateResult, compare
from assay.evals.runner import EvalContext, EvalRun, run_eval
from assay.prompts import PromptLibrary, prompt_library
from assay.settings import Settings


class Evaluation(BaseModel):
    released: EvalRun
    candidate: EvalRun | None = None
    gate: GateResult | None = None
    report: Path | None = None
    release_file: Path | None = None  # where a passed release was written


def latest_report_dir(settings: Settings) -> Path:
    """Where the newest eval report is kept (the static site links it)."""
    return settings.evals_dir / "latest"


def evaluate(
    ctx: EvalContext,
    settings: Settings,
    candidates: list[str] | None = None,
    split: str = "dev",
    *,
    report_dir: Path | None = None,
    library: PromptLibrary | None = None,
    config: GateConfig | None = None,
    on_article: Callable[[str], None] | None = None,
    limit: int | None = None,
    max_questions: int | None = None,
) -> Evaluation:
    """The released prompts, and with `candidates` (NAME@VERSION) the candidate set, on the same articles."""
    library = library or prompt_library(settings)
    released_prompts = library.load_all()
    candidate_prompts = library.load_all(candidates) if candidates else None  # a bad ref fails before any model call
    released = run_eval(ctx, released_prompts, split, on_article=on_article, limit=limit, max_questions=max_questions)
    result = Evaluation(released=released)
    if candidate_prompts:
        result.candidate = run_eval(ctx, candidate_prompts, split, on_article=on_article, limit=limit, max_questions=max_questions)
        result.gate = compare(released, result.candidate, config)
    for folder in filter(None, [latest_report_dir(settings), report_dir]):  # the folder the user named is the one reported
        result.report = report.write(folder, released, result.candidate, result.gate)
    return result


def release(
    ctx: EvalContext,
    settings: Settings,
    ref: str,
    split: str = "dev",
    *,
    library: PromptLibrary | None = None,
    on_article: Callable[[str], None] | None = None,
    limit: int | None = None,
    max_questions: int | None = None,
) -> Evaluation:
    """Evaluate `ref` against the released prompts; update the release file only if the gate passes."""
    library = library or prompt_library(settings)
    result = evaluate(ctx, settings, [ref], split, library=library, on_article=on_article, limit=limit, max_questions=max_questions)
    if result.gate is not None and result.gate.passed:
        result.release_file = library.write_release(ref)
    return result
