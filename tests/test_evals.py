"""Evals: metrics on known cases, the gate on synthetic runs, then the runner and `release` with a
fake chat model (its answers depend on the prompt version), and one real-model eval."""

from __future__ import annotations

import importlib.util
import json
import re
from textwrap import shorten

import numpy as np
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

from assay.embeddings import MiniLMEmbeddings
from assay.evals import metrics as m
from assay.evals.gate import GateConfig, MetricRule, compare
from assay.evals.runner import ArticleEval, EvalRun, eval_context, run_eval
from assay.prompts import PROMPTS_DIR, PromptLibrary, load_prompts, released
from assay.settings import Settings

# --- metrics ----------------------------------------------------------------------------------


def test_span_matching_and_prf():
    assert m.match_spans([(0, 10), (12, 20), (40, 50)], [(0, 9), (13, 30)]) == [(0, 0)]  # (12,20) vs (13,30): IoU 0.39
    assert m.prf(1, 3, 2) == pytest.approx((1 / 3, 0.5, 0.4))
    assert m.prf(0, 0, 0) == (1.0, 1.0, 1.0)


def test_rouge_l_numbers_and_key_facts():
    assert m.rouge_l("the cat sat on the mat", "the cat sat on the mat") == 1.0
    assert m.rouge_l("the cat sat on the mat", "the mat") == pytest.approx(2 * 1 * (2 / 6) / (1 + 2 / 6))
    assert m.rouge_l("a b", "") == 0.0
    assert m.numeric_faithfulness(["It made 10,500 t in 2025 and 7 more"], "10500 tonnes in 2025") == pytest.approx(2 / 3)
    assert m.numeric_faithfulness(["No numbers"], "body") == 1.0
    assert m.key_fact_recall("Resource Capital Funds, in 2026.", "It was Resource Capital Funds.") == pytest.approx(3 / 4)


@pytest.fixture(scope="module")
def embedder():
    return MiniLMEmbeddings(batch_size=Settings().embed_batch_size)


def test_entity_and_key_figure_scores():
    from assay.evals.labels import GoldEntity, KeyFigure

    gold = [
        GoldEntity(names=["United States", "U.S."], type="country", key=True),
        GoldEntity(names=["MP Materials"], type="company", key=True),
        GoldEntity(names=["NdPr"], type="material", key=False),
    ]
    scores = m.entity_scores([("the U.S.", "government"), ("mp materials", "company"), ("mine waste", "material")], gold)
    assert scores == {"entity_precision": 2 / 3, "entity_type_accuracy": 0.5, "key_entity_recall": 1.0}
    assert m.entity_scores([], gold)["entity_precision"] == 0.0  # naming nothing is not precise
    figures = [KeyFigure(value="£12 million", measures="grant"), KeyFigure(value="one-third", measures="share")]
    assert m.figure_scores(["12 million", "400"], figures) == {"key_figure_precision": 0.5, "key_figure_recall": 0.5}
    assert m.figure_scores(["One-third"], figures)["key_figure_recall"] == 0.5  # a number in words matches its words
    assert m.figure_scores([], []) == {"key_figure_precision": 1.0, "key_figure_recall": 1.0}


def test_crosscheck_scores():
    gold = ["corroborated", "no_other_source", "conflicting", "corroborated"]
    predicted = ["corroborated", "corroborated", "conflicting", "no_other_source"]
    assert m.crosscheck_scores(gold, predicted) == {
        "crosscheck_accuracy": 0.5, "corroboration_precision": 0.5, "corroboration_recall": 0.5,
    }


def test_highlight_coverage(embedder):
    gold = ["China controls most rare earth refining.", "MP Materials opened a magnet plant in Texas."]
    assert m.highlight_coverage(gold, "Unrelated.", gold, embedder)[2] == 1.0
    p, r, _ = m.highlight_coverage(gold, "MP Materials opened a new magnet factory in Texas.", ["Bananas are yellow."], embedder)
    assert (p, r) == (0.0, 0.5)


def test_prose_support_tuning_reproduces_the_chosen_threshold(monkeypatch, capsys):
    """The measurement behind Settings.prose_min_support: on dev, 0.5 keeps every supported sentence."""
    from assay.evals import tune_prose_support

    monkeypatch.setattr("sys.argv", ["tune_prose_support", "--split", "dev"])
    tune_prose_support.main()
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[3:]}
    assert set(rows) == {str(t) for t in tune_prose_support.THRESHOLDS}
    kept, caught = map(float, rows[str(Settings().prose_min_support)])
    assert kept == 1.0 and caught > 0.8


def test_prose_grounding_and_the_lead3_baseline(embedder):
    from assay.articles import sample_articles

    article = next(a for a in sample_articles() if a.id == "93184289bec74f0c")
    lead = m.lead3(article)
    assert len(lead) == 3 and article.body.startswith(lead[0]) and all(lead)
    assert m.lead3_coverage_f1(article.highlights, article, embedder) == m.highlight_coverage(article.highlights, "", lead, embedder)[2]
    # the publisher's own highlights are grounded; the weather is not in the article
    assert m.prose_grounding(article, article.highlights[0], article.highlights[1:], embedder) == 1.0
    assert m.prose_grounding(article, article.highlights[0], [*article.highlights[1:], "The weather was mild."], embedder) == 0.75
    assert m.prose_grounding(article, "", [], embedder) is None


# --- the gate on synthetic runs -----------------------------------------------------------------


def run_with(scores: dict[str, list[float]], version: str = "1") -> EvalRun:
    n = len(next(iter(scores.values())))
    return EvalRun(prompts={"summary": version}, model="fake", split="dev", articles=[
        ArticleEval(article_id=f"a{i}", title=f"A{i}", metrics={k: v[i] for k, v in scores.items()}) for i in range(n)
    ])


CONFIG = GateConfig(resamples=2000, confidence=0.95, seed=1, metrics={
    "coverage_f1": MetricRule(tolerance=0.05), "grounding_rate": MetricRule(floor=1.0),
    "analysis_output_tokens": MetricRule(tolerance=60, lower_is_better=True),
})


def test_gate_fails_a_worse_candidate_passes_a_better_and_a_same_quality_one_without_flapping():
    rng = np.random.default_rng(3)
    base = rng.uniform(0.3, 0.7, 12)
    released = run_with({"coverage_f1": list(base), "grounding_rate": [1.0] * 12, "analysis_output_tokens": [250.0] * 12})
    worse = run_with({"coverage_f1": list(base - 0.2), "grounding_rate": [1.0] * 12, "analysis_output_tokens": [250.0] * 12}, "9")
    better = run_with({"coverage_f1": list(base + 0.1), "grounding_rate": [1.0] * 12, "analysis_output_tokens": [240.0] * 12}, "9")
    same = run_with({"coverage_f1": list(base + rng.normal(0, 0.05, 12)), "grounding_rate": [1.0] * 12,
                     "analysis_output_tokens": list(250 + rng.normal(0, 20, 12))}, "9")
    verdict = compare(released, worse, CONFIG)
    assert not verdict.passed and "coverage_f1" in verdict.failures()[0]
    assert compare(released, better, CONFIG).passed
    assert all(compare(released, same, CONFIG).passed for _ in range(3))
    costly = run_with({"coverage_f1": list(base), "grounding_rate": [1.0] * 12, "analysis_output_tokens": [400.0] * 12}, "9")
    assert not compare(released, costly, CONFIG).passed
    ungrounded = run_with({"coverage_f1": list(base), "grounding_rate": [1.0] * 11 + [0.9], "analysis_output_tokens": [250.0] * 12}, "9")
    assert [v.metric for v in compare(released, ungrounded, CONFIG).verdicts if v.below_floor] == ["grounding_rate"]


def test_the_checked_in_gate_config_loads():
    config = GateConfig.load()
    assert config.resamples >= 1000 and config.metrics["grounding_rate"].floor == 1.0


def test_a_misspelt_metric_in_the_gate_config_is_an_error_naming_it(tmp_path):
    from pydantic import ValidationError

    path = tmp_path / "gate.yaml"
    path.write_text("resamples: 2000\nmetrics:\n  coverage_f1: {tolerance: 0.05}\n  coverage_fl: {tolerance: 0.05}\n")
    with pytest.raises(ValidationError, match="unknown metric\\(s\\) coverage_fl"):
        GateConfig.load(path)


# --- the runner and release with a fake model ----------------------------------------------------


class PromptAwareFake(GenericFakeChatModel):
    """Answers like a model whose quality depends on the prompt it is given: the candidate prompts
    in these tests carry a marker, and the gold highlights stand in for a perfect summary."""

    gold: dict = {}

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs) -> ChatResult:
        system, user = str(messages[0].content), str(messages[1].content)
        if "Question:" in user:
            text = "The passages say so [1]." if "[1]" in user else "NOT IN CORPUS"
        else:
            title = re.search(r"Title: (.*)", user).group(1).strip()
            highlights = self.gold.get(title, ["x"])
            summary = shorten(highlights[0], 300, placeholder="")  # grounded prose: the publisher's own first point
            if "MARKER-WORSE" in system:
                highlights = ["Bananas are yellow.", "The weather was mild.", "Football scores were high."]
                summary = "Bananas are yellow and the weather was mild all week."  # grounded in nothing: the article fails
            elif "MARKER-BETTER" not in system:
                highlights = highlights[:1] + ["The weather was mild.", "Football scores were high."]
            text = json.dumps({"companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [],
                               "summary": summary, "highlights": [shorten(h, 100, placeholder="") for h in highlights[:3]]})
        message = AIMessage(content=text, usage_metadata={"input_tokens": 100, "output_tokens": 40, "total_tokens": 140})
        return ChatResult(generations=[ChatGeneration(message=message)])


@pytest.fixture(scope="module")
def fake_eval(prefect_harness, tmp_path_factory):
    from assay.evals.labels import load_all
    from assay.settings import Settings

    home = tmp_path_factory.mktemp("evals")
    settings = Settings(home=home / "home")
    labels = load_all()
    model = PromptAwareFake(messages=iter([]), gold={a.source_item.title: a.highlights for a in labels.values()})
    ctx = eval_context(settings, model)
    prompts_dir = home / "prompts"  # the user's own folder: candidates there, over the shipped prompts
    (prompts_dir / "summary").mkdir(parents=True)
    v2 = (PROMPTS_DIR / "summary" / "v2.yaml").read_text()
    for version, marker in (("90", "MARKER-WORSE"), ("91", "MARKER-BETTER")):
        text = v2.replace('version: "2"', f'version: "{version}"').replace("You are an analyst", f"{marker} You are an analyst")
        (prompts_dir / "summary" / f"v{version}.yaml").write_text(text)
    return settings, ctx, PromptLibrary(own=prompts_dir)


def test_eval_scores_every_family_of_metrics(fake_eval):
    _, ctx, _ = fake_eval
    run = run_eval(ctx, load_prompts(), "dev", limit=2, max_questions=1)
    assert len(run.articles) == 2
    for name in ("coverage_f1", "rouge_l", "numeric_faithfulness", "detection_f1", "kind_accuracy", "attribution_accuracy",
                 "grounding_rate", "schema_valid", "hit_at_k", "mrr", "key_fact_recall", "abstention_accuracy", "analysis_output_tokens",
                 "entity_precision", "key_entity_recall", "key_figure_precision", "key_figure_recall", "crosscheck_accuracy",
                 "claims_recall"):
        assert run.mean(name) is not None, name
    assert run.mean("grounding_rate") == 1.0 and run.mean("schema_valid") == 1.0
    assert set(run.metric_names()) <= set(m.METRICS)  # the gate can name every metric the runner reports
    assert sum(map(sum, run.confusion())) == len(run.kind_gold) > 0
    with pytest.raises(ValueError, match="train"):
        run_eval(ctx, load_prompts(), "train")


def test_the_claims_path_is_scored_against_what_it_lists_from_the_labels(fake_eval):
    """An analysis whose breakdown is the hand labels lists exactly what the labels list; one that
    gives every statement to the author lists no one's claims."""
    from assay.analysis import analyse_article
    from assay.evals.labels import load_split
    from assay.evals.runner import claims_metrics
    from assay.types import Attribution, StatementAnalysis

    _, ctx, _ = fake_eval
    scored = 0
    for article_id in load_split().dev:
        article, gold = ctx.articles[article_id], ctx.labels[article_id]
        analysis = analyse_article(article, model=ctx.model, prompts=load_prompts(), decider=ctx.decider, embedder=ctx.embedder)
        labelled = [StatementAnalysis(quote=article.body[a:b], start=a, end=b, kind=s.kind, kind_confidence=0.9, attribution=s.attribution,
                                      evidence=s.evidence, rationale="labelled") for s, (a, b) in zip(gold.statements, gold.spans(article.body))]
        perfect = claims_metrics(article, gold, analysis.model_copy(update={"statements": labelled}), ctx)
        if perfect["claims_recall"] is None:
            continue  # no company or government speaks in this article's labels
        scored += 1
        assert perfect == {"claims_precision": 1.0, "claims_recall": 1.0}
        authored = [s.model_copy(update={"attribution": Attribution.author}) for s in labelled]
        assert claims_metrics(article, gold, analysis.model_copy(update={"statements": authored}), ctx) == {
            "claims_precision": None, "claims_recall": 0.0}
    assert scored >= 2


def test_release_moves_the_release_file_only_when_the_gate_passes(fake_eval):
    from assay.evals.release import release

    settings, ctx, library = fake_eval
    before, shipped_release = released(library), (PROMPTS_DIR / "release.yaml").read_bytes()
    worse = release(ctx, settings, "summary@90", "dev", library=library, limit=5, max_questions=0)
    assert not worse.gate.passed and released(library) == before and worse.release_file is None
    assert any(f.startswith("coverage") for f in worse.gate.failures())
    assert worse.report is not None and "Gate: FAILED" in (worse.report.parent / "report.md").read_text()
    assert "<svg" in worse.report.read_text()
    better = release(ctx, settings, "summary@91", "dev", library=library, limit=5, max_questions=0)
    assert better.gate.passed, better.gate.failures()
    assert released(library)["summary"] == "91" and better.release_file == library.own / "release.yaml"
    assert "# The live version" in better.release_file.read_text()  # the release file says what it is
    assert (PROMPTS_DIR / "release.yaml").read_bytes() == shipped_release  # the shipped prompts are not the user's to change
    assert (settings.home / "evals" / "latest" / "report.html").is_file()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python comes with `make setup`")
def test_real_model_eval_on_two_articles_and_the_rerun_is_cached(prefect_harness, tmp_path):
    """The embedded Qwen model on two dev articles with one question of each kind (about 2 minutes)."""
    from assay.llms import chat_model
    from assay.settings import Settings
    from assay.store.output_cache import SQLiteOutputCache
    settings = Settings(home=tmp_path / "home")  # models from the machine's cache, where `make setup` put them
    model = chat_model(settings, cache=SQLiteOutputCache(settings.home / "evals" / "llm-cache.sqlite"))
    ctx = eval_context(settings, model)
    first = run_eval(ctx, load_prompts(), "dev", limit=2, max_questions=1)
    assert len(first.articles) == 2 and first.mean("grounding_rate") == 1.0
    assert first.mean("analysis_output_tokens") > 0 and first.mean("hit_at_k") is not None
    again = run_eval(ctx, load_prompts(), "dev", limit=2, max_questions=1)
    assert again.cache_hits >= 2 and again.mean("analysis_output_tokens") == first.mean("analysis_output_tokens")
    assert again.wall_s < first.wall_s / 3


def test_crosscheck_tuning_prints_every_threshold_pair(prefect_harness, assay_home, monkeypatch, capsys):
    from assay.evals import tune_crosscheck

    monkeypatch.setattr("sys.argv", ["tune_crosscheck", "--split", "dev"])
    tune_crosscheck.main()
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines[1:-1]]
    pairs = sum(c >= r for r in tune_crosscheck.RELATED for c in tune_crosscheck.CLOSE)
    assert len(rows) == len(tune_crosscheck.NEAREST) * len(tune_crosscheck.SHARED) * pairs
    assert all(0 <= float(v) <= 1 for row in rows for v in row[2:])
    assert lines[-1] == "65 gold statements of 5 dev articles"
