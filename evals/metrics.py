"""Deterministic metrics for summaries, breakdowns and answers against the hand labels.

Each function scores one article (or one question); `evals/runner.py` averages them over articles
and `evals/gate.py` compares candidate with released prompts article by article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assay.analysis import PROSE_MIN_SUPPORT, numbers
from assay.embeddings import MiniLMEmbeddings
from assay.evals.labels import GoldEntity, KeyFigure
from assay.grounding import ProseGrounding, prose_units
from assay.statements import sentences, text_sentences

# `bootstrap` moved to assay.stats (the domain's source profiles use it); it stays importable from here.
from assay.stats import bootstrap as bootstrap
from assay.types import Article

# Every per-article metric the runner reports, with its meaning: the gate (evals/gate.yaml) may name
# only these, so a misspelt metric is an error rather than a rule that silently gates nothing.
METRICS: dict[str, str] = {
    "coverage_precision": "share of summary and highlight sentences that match a publisher highlight",
    "coverage_recall": "share of publisher highlights matched by the summary or a highlight (cos >= 0.6)",
    "coverage_f1": "harmonic mean of coverage precision and recall",
    "lead3_coverage_f1": "coverage F1 of the article's first 3 body sentences as highlights: the baseline coverage_f1 must beat",
    "prose_grounding": "share of summary sentences and highlights that quote only the body's words, name only what it names, "
    "are supported by one of its sentences (cos >= prose_min_support) and do not make the publisher the subject",
    "rouge_l": "ROUGE-L F of the summary and highlights against the publisher's highlights",
    "numeric_faithfulness": "share of numbers in the prose and figures that are in the body",
    "summary_words": "words in the summary",
    "schema_valid": "1 if the LLM's answer fitted the schema (after at most one repair)",
    "repair_retries": "repair retries the answer needed",
    "entity_precision": "share of named entities that are gold entities",
    "entity_type_accuracy": "share of matched entities with the gold type",
    "key_entity_recall": "share of key gold entities named",
    "key_figure_precision": "share of figures that are gold key figures",
    "key_figure_recall": "share of gold key figures picked",
    "detection_precision": "share of statements found that match a gold statement (IoU >= 0.5)",
    "detection_recall": "share of gold statements found",
    "detection_f1": "harmonic mean of detection precision and recall",
    "labelled_detection_f1": "detection F1 counting a gold statement only when it is found with its gold kind",
    "kind_accuracy": "share of matched statements with the gold kind",
    "attribution_accuracy": "share of matched statements with the gold attribution",
    "grounding_rate": "share of statements whose quote is the exact span of the body",
    "matched_statements": "statements found that match a gold statement (the kind metrics' sample size)",
    "uncertain_share": "share of statements the decider marked uncertain",
    "rhetoric_share": "share of the confident statements that are claim or rhetoric (what the report shows)",
    "rhetoric_share_gold": "share of the gold statements that are claim or rhetoric",
    "rhetoric_share_error": "absolute difference between the rhetoric share and the gold share",
    "crosscheck_accuracy": "share of gold facts and claims given the gold corroboration status",
    "corroboration_precision": "share of 'corroborated' verdicts that are gold corroborated",
    "corroboration_recall": "share of gold corroborated statements found corroborated",
    "analysis_input_tokens": "prompt tokens of the analysis",
    "analysis_output_tokens": "completion tokens of the analysis",
    "analysis_llm_calls": "LLM calls of the analysis",
    "analysis_wall_s": "seconds the analysis took",
    "claims_precision": "share of the statements the claims path lists for a speaker that it lists from the labels too",
    "claims_recall": "share of the statements the claims path lists from the labels that it lists from the analysis",
    "hit_at_k": "share of answerable questions whose article is among the retrieved chunks",
    "mrr": "mean reciprocal rank of the answer's article",
    "key_fact_recall": "share of the gold answer's key facts in the answer",
    "citation_precision": "share of citations that hold a supporting quote",
    "abstention_accuracy": "share of unanswerable questions declined",
    "answered": "share of answerable questions answered",
}

Span = tuple[int, int]

# Two statements are the same when their spans overlap by at least half their union (IoU).
MIN_IOU = 0.5
# A generated sentence covers a gold highlight at this cosine (MiniLM). Measured on the sample
# corpus: paraphrases of the same point score 0.6-0.8, different points of one article 0.3-0.55.
COVERAGE_COSINE = 0.6

_WORD = re.compile(r"[^\W_]+(?:[.,]\d+)*")
_STOP = frozenset(
    "a an and are as at be been but by for from had has have in into is it its of on or that the their "
    "this to was were will with would which who what when where than then there these those not no".split()
)


def iou(a: Span, b: Span) -> float:
    overlap = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    return overlap / (max(a[1], b[1]) - min(a[0], b[0])) if overlap else 0.0


def match_spans(predicted: Sequence[Span], gold: Sequence[Span], min_iou: float = MIN_IOU) -> list[tuple[int, int]]:
    """Pairs (predicted index, gold index), each gold span used once, first match in body order."""
    pairs, used = [], set()
    for i, span in enumerate(predicted):
        j = next((j for j, g in enumerate(gold) if j not in used and iou(span, g) >= min_iou), None)
        if j is not None:
            used.add(j)
            pairs.append((i, j))
    return pairs


def prf(true_positives: int, predicted: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall, F1; an empty side scores 1 when the other is empty too."""
    precision = true_positives / predicted if predicted else float(gold == 0)
    recall = true_positives / gold if gold else float(predicted == 0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def words(text: str) -> list[str]:
    return [w.replace(",", "") for w in _WORD.findall(text.lower())]


def rouge_l(reference: str, candidate: str) -> float:
    """ROUGE-L F-measure (Lin, 2004) over lower-cased words: longest common subsequence."""
    ref, cand = words(reference), words(candidate)
    if not ref or not cand:
        return 0.0
    previous = [0] * (len(cand) + 1)
    for r in ref:
        current = [0]
        for j, c in enumerate(cand, start=1):
            current.append(previous[j - 1] + 1 if r == c else max(previous[j], current[j - 1]))
        previous = current
    lcs = previous[-1]
    if not lcs:
        return 0.0
    precision, recall = lcs / len(cand), lcs / len(ref)
    return 2 * precision * recall / (precision + recall)


def numeric_faithfulness(texts: Sequence[str], body: str) -> float:
    """Share of the numbers written in `texts` that the body has (1.0 when they write none)."""
    written = [n for t in texts for n in numbers(t)]
    if not written:
        return 1.0
    have = numbers(body)
    return sum(n in have for n in written) / len(written)


def highlight_coverage(
    gold: Sequence[str], summary: str, highlights: Sequence[str], embedder: MiniLMEmbeddings, threshold: float = COVERAGE_COSINE
) -> tuple[float, float, float]:
    """Recall: gold highlights matched by a generated highlight or summary sentence; precision:
    generated highlights that match a gold one. Matching is MiniLM cosine over `threshold`."""
    generated = list(highlights) + [s.text for s in sentences(summary)]
    if not gold or not generated:
        return prf(0, len(highlights), len(gold))
    vectors = np.asarray(embedder.forward(list(gold) + generated))
    similarity = vectors[: len(gold)] @ vectors[len(gold) :].T  # MiniLM vectors are unit length
    covered = int((similarity.max(axis=1) >= threshold).sum())
    precise = int((similarity[:, : len(highlights)].max(axis=0) >= threshold).sum()) if highlights else 0
    precision = precise / len(highlights) if highlights else 0.0
    recall = covered / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def lead3(article: Article) -> list[str]:
    """The article's first 3 body sentences, section headings left out: the baseline summary."""
    headings = {s.heading for s in article.sections if s.heading}
    return [s.text for s in text_sentences(article.body) if s.text not in headings][:3]


def lead3_coverage_f1(gold: Sequence[str], article: Article, embedder: MiniLMEmbeddings) -> float:
    """Coverage F1 (`highlight_coverage`) of the lead-3 baseline, its sentences taken as highlights."""
    return highlight_coverage(gold, "", lead3(article), embedder)[2]


def prose_grounding(
    article: Article, summary: str, highlights: Sequence[str], embedder: MiniLMEmbeddings, min_support: float = PROSE_MIN_SUPPORT
) -> float | None:
    """Share of the stored summary sentences and highlights that pass the analysis's grounding checks
    (assay/grounding.py); None when there is no prose."""
    return ProseGrounding(article, embedder, min_support).grounded_share(prose_units(summary, highlights))


def _name_key(name: str) -> str:
    """Names compare without case, a leading "the" or doubled spaces: "The U.S." names "U.S."."""
    text = " ".join(name.lower().split())
    return text.removeprefix("the ")


def entity_scores(predicted: Sequence[tuple[str, str]], gold: Sequence[GoldEntity]) -> dict[str, float]:
    """Scores (name, type) pairs against gold entities. entity_precision: names that name a gold
    entity; entity_type_accuracy: of those, the ones typed as gold types them; key_entity_recall:
    key gold entities named at least once."""
    index = {_name_key(name): i for i, entity in enumerate(gold) for name in entity.names}
    found = [(index[_name_key(name)], kind) for name, kind in predicted if _name_key(name) in index]
    key = {i for i, entity in enumerate(gold) if entity.key}
    precision, _, _ = prf(len(found), len(predicted), len(gold))
    return {
        "entity_precision": precision,
        "entity_type_accuracy": sum(gold[i].type == kind for i, kind in found) / len(found) if found else 0.0,
        "key_entity_recall": len(key & {i for i, _ in found}) / len(key) if key else 1.0,
    }


def _figure_key(value: str) -> set[str]:
    return numbers(value) or {_name_key(value)}  # "one-third" has no digits: compare its words


def figure_scores(predicted: Sequence[str], gold: Sequence[KeyFigure]) -> dict[str, float]:
    """A figure matches a key figure when they share a number ("£12 million" and "12 million")."""
    gold_keys = [_figure_key(g.value) for g in gold]
    hits = [any(_figure_key(value) & g for g in gold_keys) for value in predicted]
    matched = sum(any(_figure_key(value) & g for value in predicted) for g in gold_keys)
    precision, _, _ = prf(sum(hits), len(predicted), len(gold))
    return {"key_figure_precision": precision, "key_figure_recall": matched / len(gold) if gold else float(not predicted)}


def crosscheck_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Cross-check statuses against gold: accuracy, and precision / recall of `corroborated`."""
    said = [p == "corroborated" for p in predicted]
    true = [g == "corroborated" for g in gold]
    precision, recall, _ = prf(sum(s and t for s, t in zip(said, true)), sum(said), sum(true))
    return {
        "crosscheck_accuracy": sum(g == p for g, p in zip(gold, predicted)) / len(gold) if gold else 1.0,
        "corroboration_precision": precision,
        "corroboration_recall": recall,
    }


def key_facts(answer: str) -> set[str]:
    """The words of a gold answer that carry its facts: numbers and content words."""
    return {w for w in words(answer) if w not in _STOP and (any(c.isdigit() for c in w) or len(w) > 2)}


def key_fact_recall(gold_answer: str, answer: str) -> float:
    facts = key_facts(gold_answer)
    if not facts:
        return 1.0
    said = set(words(answer))
    return len(facts & said) / len(facts)


def pearson(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Pearson's r of (gold, predicted) pairs; None when either side does not vary."""
    if len(pairs) < 3:
        return None
    gold, predicted = np.asarray(pairs, dtype=float).T
    if gold.std() == 0 or predicted.std() == 0:
        return None
    return float(np.corrcoef(gold, predicted)[0, 1])


def confusion(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """Rows: gold label; columns: predicted label."""
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for g, p in zip(gold, predicted):
        matrix[index[g]][index[p]] += 1
    return matrix
