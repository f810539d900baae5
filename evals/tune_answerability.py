"""Choose the answer checks' thresholds on `dev` (settings `ask_min_answerable`, `ask_citation_margin`,
`ask_min_cited_answers`): the model's own yes/no probabilities that passages answer a question.

    .venv/bin/python -m assay.evals.tune_answerability [--split dev] [--prompt answer@3]

Every labelled question of the split is asked as `assay eval` asks it (the eval's corpus and its
cache of model outputs), with every probe run and none of them deciding, so each threshold can be
tried afterwards on the same answers:
- beside: each passage's probability judged after the answer prompt (prompt `answerable`), the best
  one against a threshold, before the answer is written;
- margin: citations whose passage is judged this far below the best cited one are dropped;
- alone: each cited passage's probability read alone (prompt `cited_answers`), the best one against
  a threshold.
Prints AUROC (answerable against unanswerable) and, per threshold, declined and answered with 95 %
bootstrap intervals over articles, and citation precision by margin. `test` is only reported.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable
from functools import partial

from pydantic import BaseModel

from assay.ask import AnswerChecks, answer_prompt, answer_question
from assay.evals import metrics as m
from assay.evals.labels import load_split
from assay.evals.runner import EvalContext, eval_context
from assay.prompts import prompt_library
from assay.runtime import configure_prefect, in_process_flow_settings
from assay.services import services
from assay.settings import get_settings
from assay.stats import bootstrap
from assay.store.output_cache import SQLiteOutputCache


class CitedPassage(BaseModel):
    key: int
    beside: float | None
    alone: float | None
    right: bool  # from the gold article and overlapping a supporting quote (as `assay eval` scores citations)


class AskedQuestion(BaseModel):
    article_id: str
    question: str
    answerable: bool
    abstained: bool  # by the checks before and after the probes, none of which decide here
    best_beside: float | None  # None: declined before the probes (no close chunk, a name or year the corpus lacks)
    cited: list[CitedPassage]


def ask_all(ctx: EvalContext, split: str, overrides: list[str] | None = None) -> list[AskedQuestion]:
    prompts = prompt_library(ctx.settings).load_all(overrides)
    probes = AnswerChecks(answerable=prompts["answerable"], cited_answers=prompts["cited_answers"])  # every probe, no threshold
    out = []
    for article_id in getattr(load_split(), split):
        article, gold = ctx.articles[article_id], ctx.labels[article_id]
        for q in gold.questions:
            got = answer_question(
                q.question, retriever=ctx.retriever, catalog=ctx.services.registry, embedder=ctx.embedder, model=ctx.model,
                prompt=answer_prompt(ctx.settings, prompts), k=ctx.settings.ask_k, min_similarity=ctx.settings.ask_min_similarity,
                passage_chars=ctx.settings.ask_passage_chars, passage_word_weight=ctx.settings.ask_passage_word_weight, checks=probes,
            )
            support = [(article.body.find(s), article.body.find(s) + len(s)) for s in q.supporting_quotes]
            beside = {j.key: j.probability for j in got.answerability}
            known = [p for p in beside.values() if p is not None]
            out.append(AskedQuestion(
                article_id=article_id, question=q.question, answerable=q.answerable, abstained=got.abstained,
                best_beside=max(known) if known else None,
                cited=[
                    CitedPassage(key=c.key, beside=beside.get(c.key), alone=c.answers_probability,
                                 right=c.article_id == article_id and any(m.iou((c.start, c.end), s) > 0 or s[0] >= c.start and s[1] <= c.end for s in support))
                    for c in got.citations
                    if c.disputes is None  # the other side of a disagreement is not the answer's source
                ],
            ))
    return out


def declines(q: AskedQuestion, min_beside: float, min_alone: float) -> bool:
    if q.abstained:
        return True
    if q.best_beside is not None and q.best_beside < min_beside:
        return True
    alone = [c.alone for c in q.cited if c.alone is not None]
    return bool(alone) and max(alone) < min_alone


def auroc(positive: list[float], negative: list[float]) -> float | None:
    if not positive or not negative:
        return None
    return statistics.fmean((p > n) + 0.5 * (p == n) for p in positive for n in negative)


def rates(questions: list[AskedQuestion], decide: Callable[[AskedQuestion], bool]) -> str:
    """Declined (unanswerable) and answered (answerable), each with its bootstrap interval over articles."""
    by_article: dict[str, list[AskedQuestion]] = {}
    for q in questions:
        by_article.setdefault(q.article_id, []).append(q)
    groups = list(by_article.values())

    def share(answerable: bool, want: bool) -> Callable[[list[list[AskedQuestion]]], float | None]:
        def statistic(sample: list[list[AskedQuestion]]) -> float | None:
            picked = [decide(q) == want for g in sample for q in g if q.answerable == answerable]
            return sum(picked) / len(picked) if picked else None
        return statistic

    cells = []
    for answerable, want in ((False, True), (True, False)):
        point = share(answerable, want)(groups)
        low, high = bootstrap(groups, share(answerable, want)) or (float("nan"), float("nan"))
        cells.append(f"{point:.2f} [{low:.2f}, {high:.2f}]")
    return " | ".join(cells)


def citation_precision(questions: list[AskedQuestion], margin: float | None) -> tuple[float, int]:
    """Mean share of right citations per answered answerable question, and how many lost every right citation."""
    shares, lost = [], 0
    for q in questions:
        if not q.answerable or q.abstained or not q.cited:
            continue
        judged = [c.beside for c in q.cited if c.beside is not None]
        kept = q.cited if margin is None or not judged else [c for c in q.cited if c.beside is None or c.beside >= max(judged) - margin]
        shares.append(sum(c.right for c in kept) / len(kept))
        lost += any(c.right for c in q.cited) and not any(c.right for c in kept)
    return statistics.fmean(shares), lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=["train", "dev", "test"])
    parser.add_argument("--prompt", action="append", metavar="NAME@VERSION", help="a candidate prompt instead of the released one (repeatable)")
    args = parser.parse_args()
    settings = get_settings()
    configure_prefect(settings)
    model = services(settings).chat_model(cache=SQLiteOutputCache(settings.evals_dir / "llm-cache.sqlite"))
    with in_process_flow_settings():
        ctx = eval_context(settings, model)
    questions = ask_all(ctx, args.split, args.prompt)
    answerable = [q for q in questions if q.answerable]
    unanswerable = [q for q in questions if not q.answerable]
    print(f"{args.split}: {len(answerable)} answerable, {len(unanswerable)} unanswerable questions")
    best = auroc([q.best_beside for q in answerable if q.best_beside is not None], [q.best_beside for q in unanswerable if q.best_beside is not None])
    cited_alone = [(q, max((c.alone for c in q.cited if c.alone is not None), default=None)) for q in questions if not q.abstained]
    alone = auroc([p for q, p in cited_alone if q.answerable and p is not None], [p for q, p in cited_alone if not q.answerable and p is not None])
    print(f"AUROC, answerable against unanswerable: best passage beside the others {best:.3f}; best cited passage alone (answered only) {alone:.3f}")
    print("\n| min beside | min alone | declined [95 % CI] | answered [95 % CI] |\n|---|---|---|---|")
    for min_beside in (0.0, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85):
        for min_alone in (0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6):
            print(f"| {min_beside:.2f} | {min_alone:.2f} | {rates(questions, partial(declines, min_beside=min_beside, min_alone=min_alone))} |")
    print("\n| citation margin | citation precision | answers that lost their right citation |\n|---|---|---|")
    for margin in (None, 0.0, 0.02, 0.05, 0.08, 0.1, 0.2):
        precision, lost = citation_precision(questions, margin)
        print(f"| {'none' if margin is None else margin} | {precision:.3f} | {lost} |")


if __name__ == "__main__":
    main()
