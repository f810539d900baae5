"""Run prompts over a split of the hand-labelled corpus and score them (evals/metrics.py).

The eval has its own corpus, the 25 sample articles under ASSAY_HOME/evals/corpus (Chroma and a
registry, built once by the same ingest flow as `assay ingest`), so scores do not depend on what a
user has ingested, and
its own cache of model outputs (store/output_cache.py), so re-running costs no LLM call.
Learned parts (the kind classifier) are fitted on `train`: evals run on `dev` or `test` only.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel, Field

from assay.aliases import AliasBook
from assay.analysis import ANALYSIS_PROMPTS, CrossChecker, analyse_article, label_statements, rhetoric_share
from assay.articles import SAMPLE_FEED, sample_articles
from assay.ask import answer_checks, answer_prompt, answer_question
from assay.classifier import expected_calibration_error, macro_f1
from assay.corpus import StatementRecord, load_corpus, speaker_finder
from assay.embeddings import MiniLMEmbeddings
from assay.evals import metrics as m
from assay.evals.agreement import ceiling
from assay.evals.labels import LabelledArticle, load_all, load_split
from assay.flows.ingest import ingest
from assay.kinds import KindDecider
from assay.llm_log import UsageCounter
from assay.llms import StructuredOutputError, model_name
from assay.prompts import PromptFile
from assay.retrieval import HybridRetriever
from assay.services import Services, services
from assay.settings import Settings
from assay.statement_answers import SPEAKER_TYPES, ClaimsQuestion, matching_statements
from assay.statements import Statement
from assay.types import (
    KINDS,
    RHETORIC_KINDS,
    Analysis,
    Article,
    Entity,
    EntityType,
    SourceKind,
    StatementLabels,
    path_text,
)

EVAL_SPLITS = ("dev", "test")


class ArticleEval(BaseModel):
    article_id: str
    title: str
    metrics: dict[str, float | None] = Field(description="This article's score on each metric; None where it has no data.")
    error: str | None = Field(None, description="Why the analysis failed, if it did.")


class Disagreement(BaseModel):
    """A labelled statement the breakdown missed, or labelled otherwise than the labels: what a team reads
    to tell a wrong label from a wrong breakdown."""

    article_id: str
    quote: str = Field(description="The labelled quote.")
    kind: str = Field(description="Its labelled kind.")
    attribution: str
    predicted_kind: str | None = Field(None, description="The breakdown's kind; None where it found no statement there.")
    predicted_attribution: str | None = None


class EvalRun(BaseModel):
    prompts: dict[str, str] = Field(description="Prompt name -> version used.")
    model: str
    split: str
    labels_folder: str | None = Field(None, description="The user's label folder, where the eval is of their own articles (split `own`).")
    articles: list[ArticleEval]
    kind_gold: list[str] = Field(default_factory=list, description="Gold kind of every matched statement, all articles.")
    kind_predicted: list[str] = Field(default_factory=list)
    kind_confidence: list[float | None] = Field(default_factory=list, description="The decider's probability of each predicted kind.")
    rhetoric_shares: list[tuple[float, float]] = Field(
        default_factory=list, description="(gold, predicted) rhetoric share of each article, in article order."
    )
    disagreements: list[Disagreement] = Field(default_factory=list, description="Labelled statements missed or labelled otherwise.")
    cache_hits: int = 0
    wall_s: float = 0.0

    def mean(self, metric: str) -> float | None:
        values = [a.metrics.get(metric) for a in self.articles]
        present = [v for v in values if v is not None]
        return statistics.fmean(present) if present else None

    @property
    def described(self) -> str:
        """What was scored, in words: "dev split", or the user's label folder."""
        return f"your labels in {self.labels_folder}" if self.labels_folder else f"{self.split} split"

    def metric_names(self) -> list[str]:
        return list(dict.fromkeys(name for a in self.articles for name in a.metrics))

    def corpus_metrics(self) -> dict[str, float | None]:
        """Pooled over all articles: kind macro-F1 and calibration need every statement at once, the
        rhetoric share's correlation every article."""
        scored = [(p, g == k) for g, k, p in zip(self.kind_gold, self.kind_predicted, self.kind_confidence) if p is not None]
        return {
            "kind_macro_f1": macro_f1(self.kind_gold, self.kind_predicted) if self.kind_gold else 0.0,
            "kind_ece": expected_calibration_error([p for p, _ in scored], [right for _, right in scored]) if scored else None,
            "rhetoric_share_r": m.pearson(self.rhetoric_shares),
        }

    def intervals(self) -> dict[str, tuple[float, float] | None]:
        """95 % bootstrap intervals of the corpus metrics, resampling whole articles (5 articles decide little)."""
        sizes = [int(a.metrics.get("matched_statements") or 0) for a in self.articles]
        if not self.articles or sum(sizes) != len(self.kind_gold):
            return dict.fromkeys(("kind_macro_f1", "rhetoric_share_r"))
        starts = [sum(sizes[:i]) for i in range(len(sizes))]
        kinds = [(self.kind_gold[a : a + n], self.kind_predicted[a : a + n]) for a, n in zip(starts, sizes)]

        def kind_f1(picked: list[tuple[list[str], list[str]]]) -> float:
            gold = [g for article, _ in picked for g in article]
            return macro_f1(gold, [p for _, article in picked for p in article]) if gold else 0.0

        shares = self.rhetoric_shares if len(self.rhetoric_shares) == len(self.articles) else []
        return {"kind_macro_f1": m.bootstrap(kinds, kind_f1), "rhetoric_share_r": m.bootstrap(shares, m.pearson)}

    def corpus_line(self) -> str:
        """The corpus metrics with their intervals, as the CLI and the reports print them."""
        values, intervals = self.corpus_metrics(), self.intervals()

        def show(name: str) -> str:
            value, interval = values.get(name), intervals.get(name)
            return "n/a" if value is None else f"{value:.3f}" + (f" [{interval[0]:.2f}, {interval[1]:.2f}]" if interval else "")

        def pair(metric: str) -> str:
            value, interval = self.mean(metric), self.mean_interval(metric)
            return "n/a" if value is None else f"{value:.2f}" + (f" [{interval[0]:.2f}, {interval[1]:.2f}]" if interval else "")

        limits = ceiling([a.article_id for a in self.articles])
        agreed = " · ".join(f"{name} {value:.3f}" for name, value in
                            (("detection F1", limits["detection_f1"]), ("kind macro-F1", limits["kind_macro_f1"])) if value is not None)
        return (f"kind macro-F1 {show('kind_macro_f1')} · kind ECE {show('kind_ece')} · "
                f"rhetoric share vs gold: Pearson r {show('rhetoric_share_r')} · "
                f"unanswerable declined {pair('abstention_accuracy')} / answerable answered {pair('answered')} "
                "(95 % intervals: bootstrap over articles)"
                + (f" · two blind labellings of these articles agree at: {agreed}" if agreed else ""))

    def mean_interval(self, metric: str) -> tuple[float, float] | None:
        """95 % bootstrap interval of a per-article metric's mean, resampling articles."""
        values = [v for a in self.articles if (v := a.metrics.get(metric)) is not None]
        return m.bootstrap(values, lambda picked: float(np.mean(picked))) if len(values) >= 2 else None

    def confusion(self) -> list[list[int]]:
        return m.confusion(self.kind_gold, self.kind_predicted, KINDS)


# --- the eval's own corpus ------------------------------------------------------------------------


def eval_settings(settings: Settings, home: Path | None = None) -> Settings:
    """The user's settings with an eval home (the sample's unless `home` is given): always embedded Chroma and SQLite."""
    return settings.model_copy(update={"home": home or settings.evals_dir / "corpus", "prompts_dir": settings.own_prompts_dir,
                                       "chroma_url": None, "database_url": None})


def build_corpus(settings: Settings) -> dict[str, Article]:
    """The sample articles in the eval home, ingested by the ingest flow when any is missing or changed."""
    articles = {a.id: a for a in sample_articles()}
    known = services(settings).registry.content_hashes(list(articles))
    if any(known.get(a.id) != a.content_hash for a in articles.values()):
        report = ingest([str(SAMPLE_FEED)], SourceKind.feed, settings)
        if report.counts["failed"]:
            raise RuntimeError(f"the eval corpus could not be built: {report.summary_line()}")
    return articles


@dataclass
class EvalContext:
    settings: Settings
    services: Services
    retriever: HybridRetriever
    decider: KindDecider
    model: BaseChatModel
    articles: dict[str, Article]
    labels: dict[str, LabelledArticle]
    splits: dict[str, list[str]] = field(default_factory=lambda: {name: getattr(load_split(), name) for name in EVAL_SPLITS})
    labels_folder: Path | None = None  # a user's own labelled articles (evals/own.py), where the eval is of them

    @property
    def embedder(self) -> MiniLMEmbeddings:
        return self.services.embedder


def eval_context(settings: Settings, model: BaseChatModel, decider: KindDecider | None = None) -> EvalContext:
    """The eval's corpus and parts, from the user's settings with the eval's own home."""
    own = eval_settings(settings)
    articles = build_corpus(own)
    made = services(own)
    return EvalContext(own, made, made.retriever(), decider or made.kind_decider, model, articles, load_all())


# --- scoring ----------------------------------------------------------------------------------


def summary_metrics(
    article: Article, gold: LabelledArticle, analysis: Analysis | None, embedder: MiniLMEmbeddings, min_support: float
) -> dict[str, float | None]:
    lead3 = m.lead3_coverage_f1(gold.highlights, article, embedder) if gold.highlights else None  # the baseline the summary must beat
    if analysis is None:  # the article failed: its summary scores nothing
        scored = 0.0 if gold.highlights else None
        failed = {"coverage_precision": scored, "coverage_recall": scored, "coverage_f1": scored, "lead3_coverage_f1": lead3,
                  "prose_grounding": None, "rouge_l": scored, "numeric_faithfulness": 0.0, "summary_words": None,
                  "schema_valid": 0.0, "repair_retries": None}
        return failed | names_and_figures_metrics(gold, [], [])
    # A user's label file may give no highlights (evals/own.py): then coverage is not scored, rather than scored 0.
    p, r, f1 = m.highlight_coverage(gold.highlights, analysis.summary, analysis.highlights, embedder) if gold.highlights else (None, None, None)
    picked = names_and_figures_metrics(gold, [(e.name, e.type.value) for e in analysis.entities], [f.value for f in analysis.figures])
    return picked | {
        "coverage_precision": p, "coverage_recall": r, "coverage_f1": f1, "lead3_coverage_f1": lead3,
        "prose_grounding": m.prose_grounding(article, analysis.summary, analysis.highlights, embedder, min_support),
        "rouge_l": m.rouge_l(" ".join(gold.highlights), " ".join([analysis.summary, *analysis.highlights])) if gold.highlights else None,
        "numeric_faithfulness": m.numeric_faithfulness([analysis.summary, *analysis.highlights, *(f.value for f in analysis.figures)], article.body),
        "summary_words": float(len(m.words(analysis.summary))),
        "schema_valid": 1.0,
        "repair_retries": float(analysis.provenance.repair_retries),
    }


def names_and_figures_metrics(gold: LabelledArticle, entities: list[tuple[str, str]], figures: list[str]) -> dict[str, float | None]:
    """Entities and figures the LLM picked, where the article has gold for them (dev and test)."""
    scores: dict[str, float | None] = {}
    if gold.entities is not None:
        scores |= m.entity_scores(entities, gold.entities)
    if gold.key_figures is not None:
        scores |= m.figure_scores(figures, gold.key_figures)
    return scores


def crosscheck_statuses(article: Article, gold: LabelledArticle, check: CrossChecker) -> tuple[list[str], list[str]]:
    """(gold, predicted) statuses of the gold facts and claims, so the classifier's kinds don't enter."""
    labelled = gold.crosscheck or []
    starts = [article.body.find(g.quote) for g in labelled]
    found = [Statement(text=g.quote, start=start, end=start + len(g.quote)) for g, start in zip(labelled, starts)]
    return [g.status for g in labelled], [c.status for c in check(article, found)]


def crosscheck_metrics(article: Article, gold: LabelledArticle, ctx: EvalContext) -> dict[str, float]:
    """The corpus cross-check against gold statuses (dev and test). The same for every prompt: reported, not gated."""
    if gold.crosscheck is None:
        return {}
    return m.crosscheck_scores(*crosscheck_statuses(article, gold, ctx.services.crosscheck))


def breakdown_metrics(
    article: Article, gold: LabelledArticle, analysis: Analysis | None, ctx: EvalContext
) -> tuple[dict[str, float | None], list[tuple[str, str, float | None]], list[Disagreement]]:
    """Detection, kind and attribution against the labels; (metrics, matched (gold kind, predicted kind) pairs,
    the labelled statements missed or labelled otherwise)."""
    if analysis is not None:
        labelled: list[StatementLabels] = list(analysis.statements)
        found = [(s.start, s.end, s.kind.value, s.attribution.value, s.quote) for s in analysis.statements]
    else:  # statements and kinds never depend on the LLM, so a failed summary still has a breakdown
        spans, _, labelled = label_statements(article, ctx.decider, ctx.embedder)
        found = [(s.start, s.end, label.kind.value, label.attribution.value, s.text) for s, label in zip(spans, labelled)]
    gold_spans = gold.spans(article.body)
    pairs = m.match_spans([(a, b) for a, b, *_ in found], gold_spans)
    precision, recall, f1 = m.prf(len(pairs), len(found), len(gold_spans))
    kinds = [(gold.statements[j].kind.value, found[i][2], labelled[i].kind_confidence) for i, j in pairs]
    share = analysis.rhetoric_share if analysis is not None else rhetoric_share(labelled, ctx.decider.share_error_sd)[0]
    gold_share = sum(s.kind in RHETORIC_KINDS for s in gold.statements) / len(gold.statements) if gold.statements else 0.0
    attributions = [(gold.statements[j].attribution.value, found[i][3]) for i, j in pairs]
    grounded = [article.body[a:b] == quote for a, b, _, _, quote in found]
    matched = {j: i for i, j in pairs}
    disagreements = []
    for j, labelled_statement in enumerate(gold.statements):
        i = matched.get(j)
        predicted = (found[i][2], found[i][3]) if i is not None else (None, None)
        if predicted != (labelled_statement.kind.value, labelled_statement.attribution.value):
            disagreements.append(Disagreement(article_id=article.id, quote=labelled_statement.quote, kind=labelled_statement.kind.value,
                                              attribution=labelled_statement.attribution.value, predicted_kind=predicted[0],
                                              predicted_attribution=predicted[1]))
    return {
        "detection_precision": precision, "detection_recall": recall, "detection_f1": f1,
        # what a reader gets: a statement found and labelled right (finer spans can raise detection and lower kinds)
        "labelled_detection_f1": m.prf(sum(g == p for g, p, _ in kinds), len(found), len(gold_spans))[2],
        "kind_accuracy": sum(g == p for g, p, _ in kinds) / len(kinds) if kinds else None,
        "attribution_accuracy": sum(g == p for g, p in attributions) / len(attributions) if attributions else None,
        "grounding_rate": sum(grounded) / len(grounded) if grounded else 1.0,
        "matched_statements": float(len(pairs)),
        "uncertain_share": sum(s.uncertain for s in labelled) / len(labelled) if labelled else None,
        "rhetoric_share_gold": gold_share,
        "rhetoric_share": share,
        "rhetoric_share_error": abs(share - gold_share),
    }, kinds, disagreements


def claims_metrics(article: Article, gold: LabelledArticle, analysis: Analysis | None, ctx: EvalContext) -> dict[str, float | None]:
    """The claims path ("What has Lynas claimed?", `assay/statement_answers.py`) on this article: for each
    entity its statements name or speak for that can speak (any type but material and project), the statements it
    lists from the analysis against those it would list from the hand labels (same rule, gold kinds
    and attributions, the same `speaker_finder` for a statement that names nobody). The gold entities' names join the alias book for both sides, so a name the
    model missed is no miss here: this scores the breakdown, not the entity list. Pooled over the
    article's speakers; None when neither side lists any. The path reads every article the same way,
    one statement at a time, so per-article scores add up to the corpus's."""
    if analysis is None:
        return {"claims_precision": None, "claims_recall": None}
    aliases = AliasBook.load()
    aliases.add_found(Entity(name=name, type=EntityType(e.type)) for e in gold.entities or [] for name in e.names)
    view = load_corpus(ctx.services.registry, aliases, article_ids=[article.id], analyses={article.id: analysis})
    stored = next(a for a in view.articles if a.id == article.id)
    # A gold span names what its words name; one that names nothing takes what the analysis's span for it
    # names: a labeller who cut "Northern Rare Earth (part of Baogang) | reports significant progress"
    # labelled the company's claim, and the path, which reads names in its own spans, should list it.
    def names_in(a: int, b: int) -> list[str]:
        own = aliases.mentions(article.body[a:b])
        found = [r for r in view.statements if m.iou((r.start, r.end), (a, b)) >= m.MIN_IOU]
        return own or list(dict.fromkeys(e for r in found for e in r.entities))

    speaker = speaker_finder(stored, aliases)
    labelled = [
        StatementRecord(id=f"{article.id}:{a}-{b}", article_id=article.id, title=stored.title, source=stored.source,
                        source_type=view.source_types[article.id], published=stored.published, quote=article.body[a:b], start=a, end=b,
                        kind=s.kind, attribution=s.attribution, evidence=s.evidence, entities=names_in(a, b),
                        speaker=speaker(a, b, s.attribution))
        for s, (a, b) in zip(gold.statements, gold.spans(article.body))
    ]
    gold_view = view.model_copy(update={"statements": labelled})
    speakers = {n for r in [*view.statements, *labelled] for n in r.names_and_speaker}
    listed = right = wanted = found = 0
    for name in sorted(speakers):
        named = aliases.canonical(name)
        query = ClaimsQuestion(named.name, named.type, (), None) if named else None
        if query is None or query.entity_type not in SPEAKER_TYPES:
            continue
        got = [(r.start, r.end) for r in matching_statements(query, view, aliases)]
        expected = [(r.start, r.end) for r in matching_statements(query, gold_view, aliases)]
        pairs = len(m.match_spans(got, expected))
        listed, right, wanted, found = listed + len(got), right + pairs, wanted + len(expected), found + pairs
    if not listed and not wanted:
        return {"claims_precision": None, "claims_recall": None}
    return {"claims_precision": right / listed if listed else None, "claims_recall": found / wanted if wanted else None}


def ask_metrics(
    article: Article, gold: LabelledArticle, ctx: EvalContext, prompts: dict[str, PromptFile], usage: UsageCounter, max_questions: int | None
) -> dict[str, float | None]:
    """Hit@k, MRR, key-fact recall, citation precision, abstention accuracy over this article's questions."""
    answerable = [q for q in gold.questions if q.answerable][:max_questions]
    unanswerable = [q for q in gold.questions if not q.answerable][: max_questions]
    support = [(article.body.find(s), article.body.find(s) + len(s)) for q in answerable for s in q.supporting_quotes]
    scores: dict[str, list[float]] = {k: [] for k in ("hit_at_k", "mrr", "key_fact_recall", "citation_precision", "abstention_accuracy", "answered")}
    for q in answerable + unanswerable:
        got = answer_question(q.question, retriever=ctx.retriever, catalog=ctx.services.registry, embedder=ctx.embedder, model=ctx.model,
                              prompt=answer_prompt(ctx.settings, prompts), checks=answer_checks(ctx.settings, prompts), k=ctx.settings.ask_k, min_similarity=ctx.settings.ask_min_similarity,
                              passage_chars=ctx.settings.ask_passage_chars, passage_word_weight=ctx.settings.ask_passage_word_weight,
                              callbacks=[usage])
        if not q.answerable:
            scores["abstention_accuracy"].append(float(got.abstained))
            continue
        ranks = [i for i, h in enumerate(got.retrieval, start=1) if h.article_id == gold.article_id]
        scores["hit_at_k"].append(float(bool(ranks)))
        scores["mrr"].append(1 / ranks[0] if ranks else 0.0)
        scores["answered"].append(float(not got.abstained))
        scores["key_fact_recall"].append(0.0 if got.abstained else m.key_fact_recall(q.answer or "", got.answer))
        sources = [c for c in got.citations if c.disputes is None]  # the other side of a disagreement is not the answer's source
        if sources:
            right = [c for c in sources if c.article_id == gold.article_id and any(m.iou((c.start, c.end), s) > 0 or s[0] >= c.start and s[1] <= c.end for s in support)]
            scores["citation_precision"].append(len(right) / len(sources))
    return {k: statistics.fmean(v) if v else None for k, v in scores.items()}


def run_eval(
    ctx: EvalContext,
    prompts: dict[str, PromptFile],
    split: str = "dev",
    *,
    limit: int | None = None,
    max_questions: int | None = None,
    ask: bool = True,
    on_article: Callable[[str], None] | None = None,
) -> EvalRun:
    if split not in ctx.splits:
        raise ValueError(f"split {split!r}: evals run on {' or '.join(ctx.splits)}" + ("" if ctx.labels_folder else " (the classifier is fitted on train)"))
    ids = ctx.splits[split][:limit]
    cache = getattr(ctx.model, "cache", None)
    hits_before = getattr(cache, "hits", 0)
    started = time.perf_counter()
    run = EvalRun(prompts={n: p.version for n, p in prompts.items()}, model=model_name(ctx.model), split=split, articles=[],
                  labels_folder=path_text(str(ctx.labels_folder)) if ctx.labels_folder else None)
    analysis_prompts = {name: prompts[name] for name in ANALYSIS_PROMPTS}
    for article_id in ids:
        article, gold = ctx.articles[article_id], ctx.labels[article_id]
        usage = UsageCounter()
        step = time.perf_counter()
        error = None
        try:
            analysis: Analysis | None = analyse_article(
                article, model=ctx.model, prompts=analysis_prompts, decider=ctx.decider, embedder=ctx.embedder, callbacks=[usage],
                min_support=ctx.settings.prose_min_support, names_margin=ctx.settings.prose_names_margin,
            )
        except StructuredOutputError as exc:
            analysis, error = None, str(exc)
        wall = time.perf_counter() - step
        scores = summary_metrics(article, gold, analysis, ctx.embedder, ctx.settings.prose_min_support)
        # A user's label file may label no statements (evals/own.py): then nothing of the breakdown is scored.
        breakdown, kinds, disagreements = breakdown_metrics(article, gold, analysis, ctx) if gold.statements else ({}, [], [])
        scores |= breakdown | crosscheck_metrics(article, gold, ctx) | (claims_metrics(article, gold, analysis, ctx) if gold.statements else {})
        scores |= {"analysis_input_tokens": float(usage.input_tokens), "analysis_output_tokens": float(usage.output_tokens),
                   "analysis_llm_calls": float(usage.calls), "analysis_wall_s": wall}
        if ask:
            scores |= ask_metrics(article, gold, ctx, prompts, UsageCounter(), max_questions)
        unlisted = set(scores) - set(m.METRICS)
        if unlisted:  # the gate can only name listed metrics
            raise KeyError(f"metrics not listed in assay.evals.metrics.METRICS: {sorted(unlisted)}")
        run.kind_gold.extend(g for g, _, _ in kinds)
        run.kind_predicted.extend(p for _, p, _ in kinds)
        run.kind_confidence.extend(c for _, _, c in kinds)
        run.disagreements.extend(disagreements)
        if breakdown:
            run.rhetoric_shares.append((float(breakdown["rhetoric_share_gold"] or 0.0), float(breakdown["rhetoric_share"] or 0.0)))
        run.articles.append(ArticleEval(article_id=article_id, title=article.title, metrics=scores, error=error))
        if on_article:
            on_article(article_id)
    run.cache_hits = getattr(cache, "hits", 0) - hits_before
    run.wall_s = time.perf_counter() - started
    return run
