"""A user's own labelled articles: `assay label` drafts, `assay eval --labels` scores them (evals/own.py)."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess

import pytest
import yaml
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from typer.testing import CliRunner

from assay.evals.labels import LabelsError, load_own_labels

RELEASE = """Halden Magnetics Reports First Sintered Magnet Output at Ohio Plant

Columbus, Ohio, March 3, 2026 -- Halden Magnetics Inc. said on Tuesday that its Ohio plant produced 120 tonnes of sintered
NdFeB magnets in February, its first full month of commercial output.

The company said the plant will reach its nameplate capacity of 2,000 tonnes a year by the end of 2027.

"We are building the most advanced magnet supply chain in the Western world," said chief executive Dana Whitcombe.

Halden buys its NdPr oxide from Lynas Rare Earths under a five-year supply agreement signed in 2024.

In our view, the timeline looks ambitious given the shortage of skilled workers in the region.
"""

WIRE = """<!doctype html><html><head><title>Beijing tightens samarium exports</title></head><body><article>
<h1>Beijing tightens samarium exports</h1>
<p>BEIJING, April 8, 2026 (Wire) - China's commerce ministry said on Wednesday it would require export licences for samarium
metal and samarium-cobalt alloys from May 1.</p>
<p>The ministry said the measure was taken to safeguard national security and fulfil international obligations.</p>
<p>Samarium-cobalt magnets are used in missile guidance systems and aircraft engines.</p>
<p>The Global Times called the rule a "necessary shield against Western hegemony".</p>
</article></body></html>
"""


class SummaryFake(GenericFakeChatModel):
    """Summarises with the first highlight of the labels (so coverage scores above 0) and answers
    from the first passage, or declines when none is given."""

    first_points: dict = {}

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kwargs) -> ChatResult:
        user = str(messages[1].content)
        if "Question:" in user:
            text = "The passages say so [1]." if "[1]" in user else "NOT IN CORPUS"
        else:
            title = re.search(r"Title: (.*)", user).group(1).strip()
            point = self.first_points.get(title, "")
            text = json.dumps({"companies": [], "governments": [], "countries": [], "materials": [], "projects": [], "figures": [],
                               "summary": point, "highlights": [point] if point else []})
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


def write(path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


# --- the label files --------------------------------------------------------------------------


def test_a_label_folder_that_cannot_be_used_says_which_file_and_what_to_do(tmp_path):
    (tmp_path / "a.txt").write_text(RELEASE)
    with pytest.raises(LabelsError, match="is not a folder.*assay label"):
        load_own_labels(tmp_path / "nowhere")
    with pytest.raises(LabelsError, match=r"holds no label files \(\*\.yaml\): draft one with `assay label ARTICLE --into"):
        load_own_labels(tmp_path)
    label = tmp_path / "a.yaml"
    label.write_text("file: a.txt\nstatements:\n  - quote: [unclosed\n")
    with pytest.raises(LabelsError, match=r"a\.yaml is not valid YAML \(line \d+\): correct it"):
        load_own_labels(tmp_path)
    statement = {"quote": "Halden Magnetics Inc. said", "kind": "fact", "attribution": "company", "evidence": "self_reported"}
    for data, message in (
        ({"file": "a.txt", "statments": []}, "a.yaml: statments is not a key Assay reads"),
        ({"file": "a.txt", "statements": [statement | {"attribtion": "company"}]}, "a.yaml: statements.0.attribtion is not a key Assay reads"),
        ({"file": "a.txt", "statements": [statement | {"kind": "spin"}]}, r"a.yaml: statements.0.kind: Input should be 'fact'.*LABELLING.md"),
        ({"file": "b.txt"}, r"a.yaml: file 'b.txt' is not there \(.*b.txt\): correct `file:`"),
        ({"statements": []}, "a.yaml: file: Field required"),
    ):
        write(label, data)
        with pytest.raises(LabelsError, match=message):
            load_own_labels(tmp_path)
    write(label, {"file": "a.txt"})
    write(tmp_path / "again.yaml", {"file": str(tmp_path / "a.txt")})  # the same article by an absolute path
    with pytest.raises(LabelsError, match="a.yaml and again.yaml both label a.txt: keep one"):
        load_own_labels(tmp_path)
    (tmp_path / "again.yaml").unlink()
    assert [own.file for own in load_own_labels(tmp_path).values()] == ["a.txt"]


# --- drafted, corrected and scored through the real ingest flow, classifier and chunk store --------


@pytest.fixture(scope="module")
def labelled(prefect_harness, tmp_path_factory):
    """Two articles in two formats, drafted by `draft_labels`, then corrected as a labeller would."""
    from assay.evals.own import draft_labels
    from assay.settings import Settings

    root = tmp_path_factory.mktemp("own")
    articles = root / "articles"
    articles.mkdir()
    (articles / "halden-release.txt").write_text(RELEASE)
    (articles / "samarium-wire.html").write_text(WIRE)
    settings = Settings(home=root / "home")
    folder = root / "labels"
    drafts, already = draft_labels(settings, [articles / "halden-release.txt", articles / "samarium-wire.html"], folder)
    assert already == []
    return settings, folder, drafts


def test_a_draft_holds_assays_statements_as_guesses_and_the_body_and_loads_as_written(labelled):
    _, folder, drafts = labelled
    assert [d.name for d in drafts] == ["halden-release.yaml", "samarium-wire.yaml"]
    text = drafts[0].read_text()
    assert 'file: "../articles/halden-release.txt"' in text  # relative: the folders can move together
    assert "# guess" in text and "# The body as Assay reads it" in text and "#   Halden Buys" not in text
    own = load_own_labels(folder)[drafts[0]]
    assert own.statements and all(s.quote in RELEASE.replace("\n", " ") or s.quote in RELEASE for s in own.statements)
    assert any("2,000 tonnes" in s.quote for s in own.statements)
    assert own.highlights == [] and own.questions == []


def test_a_folder_drafted_again_drafts_only_the_articles_added_to_it(labelled, tmp_path):
    from assay.evals.own import draft_labels

    settings, folder, drafts = labelled
    articles = folder.parent / "articles"
    before = {d: d.read_bytes() for d in drafts}
    written, already = draft_labels(settings, [articles], folder)  # both already labelled (as named files, earlier)
    assert written == [] and sorted(a.name for a in already) == ["halden-release.txt", "samarium-wire.html"]
    added = articles / "added-note.txt"
    added.write_text("Lynas Rare Earths said on Monday its Kalgoorlie plant processed 1,200 tonnes of concentrate in November.\n")
    try:
        written, already = draft_labels(settings, [articles], folder)
        assert [w.name for w in written] == ["added-note.yaml"] and len(already) == 2
        assert {d: d.read_bytes() for d in drafts} == before  # the labels already there are the user's: untouched
        with pytest.raises(LabelsError, match="added-note.yaml exists and may hold your labels"):
            draft_labels(settings, [added], folder)  # named on its own, it is not passed over in silence
    finally:
        added.unlink()
        (folder / "added-note.yaml").unlink(missing_ok=True)


def test_a_draft_keeps_the_publishers_own_highlights(labelled, tmp_path):
    from assay.evals.own import draft_labels

    settings, _, _ = labelled
    page = tmp_path / "page.html"
    page.write_text(WIRE.replace("<h1>Beijing tightens samarium exports</h1>", "<h1>Beijing tightens samarium exports</h1><h2>Highlights</h2>"
                                 "<ul><li>Licences for samarium exports from May 1.</li><li>Used in missile guidance.</li></ul>"))
    (drafted,), _ = draft_labels(settings, [page], tmp_path / "labels")
    assert load_own_labels(tmp_path / "labels")[drafted].highlights == ["Licences for samarium exports from May 1.", "Used in missile guidance."]


def test_a_draft_never_overwrites_a_label_file(labelled, tmp_path):
    from assay.evals.own import draft_labels

    settings, folder, drafts = labelled
    before = drafts[0].read_bytes()
    with pytest.raises(LabelsError, match="halden-release.yaml exists and may hold your labels"):
        draft_labels(settings, [folder.parent / "articles" / "halden-release.txt"], folder)
    assert drafts[0].read_bytes() == before
    with pytest.raises(LabelsError, match="is not a file: name the article files \\(or a folder of them\\)"):
        draft_labels(settings, [tmp_path / "missing.txt"], tmp_path / "labels")
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(LabelsError, match=r"empty.txt cannot be read \(.*empty\): correct the file, or draft the others without it"):
        draft_labels(settings, [tmp_path / "empty.txt"], tmp_path / "labels")
    assert not (tmp_path / "labels").exists()  # a failed draft leaves no folder behind
    item = "<item><title>Item {0}</title><link>https://news.example.test/{0}</link><description>Lynas said output rose {0}0%.</description></item>"
    (tmp_path / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{item.format(1)}{item.format(2)}</channel></rss>')
    with pytest.raises(LabelsError, match="feed.xml holds 2 articles .*save each article you label as a file of its own"):
        draft_labels(settings, [tmp_path / "feed.xml"], tmp_path / "labels")
    (tmp_path / "a-file").write_text("mine")
    with pytest.raises(LabelsError, match="a-file is a file: --into names the folder"):
        draft_labels(settings, [folder.parent / "articles" / "halden-release.txt"], tmp_path / "a-file")
    assert (tmp_path / "a-file").read_text() == "mine"


@pytest.fixture(scope="module")
def corrected(labelled):
    """The drafts corrected by hand: the release fully labelled (statements, highlights, questions), the
    wire story's statements only."""
    settings, folder, drafts = labelled
    release = yaml.safe_load(drafts[0].read_text())
    release["statements"] = [
        {"quote": "Halden Magnetics Inc. said on Tuesday that its Ohio plant produced 120 tonnes of sintered\nNdFeB magnets in February",
         "kind": "fact", "attribution": "company", "evidence": "self_reported"},
        {"quote": "the plant will reach its nameplate capacity of 2,000 tonnes a year by the end of 2027", "kind": "claim",
         "attribution": "company", "evidence": "self_reported"},
        {"quote": "We are building the most advanced magnet supply chain in the Western world", "kind": "rhetoric",
         "attribution": "company", "evidence": "none"},
        {"quote": "the timeline looks ambitious given the shortage of skilled workers in the region", "kind": "opinion",
         "attribution": "author", "evidence": "none"},
    ]
    release["highlights"] = ["Halden Magnetics' Ohio plant produced 120 tonnes of sintered NdFeB magnets in February."]
    release["questions"] = [
        {"question": "How many tonnes of magnets did Halden's Ohio plant produce in February?", "answer": "120 tonnes",
         "supporting_quotes": ["produced 120 tonnes of sintered"]},
        {"question": "What did Halden pay for its NdPr oxide?", "answer": None},
    ]
    write(drafts[0], release)
    return settings, folder


def test_eval_of_a_label_folder_scores_what_its_files_label_and_only_that(corrected, tmp_path):
    from assay.evals.own import OWN_SPLIT, own_context
    from assay.evals.runner import run_eval
    from assay.prompts import load_prompts

    settings, folder = corrected
    model = SummaryFake(messages=iter([]), first_points={"Halden Magnetics Reports First Sintered Magnet Output at Ohio Plant":
                                                          "Halden Magnetics' Ohio plant produced 120 tonnes of sintered NdFeB magnets in February."})
    ctx = own_context(settings, model, folder)
    assert ctx.settings.home.parent == settings.evals_dir / "own"  # its own eval home: never the user's corpus
    assert ctx.services.registry.counts()["articles"] == 2  # the questions are asked of the labelled articles only
    run = run_eval(ctx, load_prompts(), OWN_SPLIT)
    assert run.described == f"your labels in {folder}" and len(run.articles) == 2
    release, wire = run.articles
    assert release.title.startswith("Halden") and wire.title.startswith("Beijing")
    for name in ("detection_f1", "kind_accuracy", "attribution_accuracy", "coverage_f1", "lead3_coverage_f1", "hit_at_k",
                 "abstention_accuracy", "answered", "prose_grounding"):
        assert release.metrics[name] is not None, name
    assert release.metrics["coverage_f1"] > 0 and release.metrics["hit_at_k"] == 1.0
    # The wire story's file labels statements only (its draft's guesses, left as they are): no highlights, no questions.
    assert wire.metrics["detection_f1"] == 1.0 and wire.metrics["kind_accuracy"] == 1.0
    for name in ("coverage_f1", "rouge_l", "lead3_coverage_f1", "hit_at_k", "abstention_accuracy"):
        assert wire.metrics.get(name) is None, name
    assert len(run.kind_gold) == release.metrics["matched_statements"] + wire.metrics["matched_statements"]
    with pytest.raises(ValueError, match="evals run on own"):
        run_eval(ctx, load_prompts(), "dev")
    from assay.evals.release import evaluate

    written = evaluate(ctx, settings, None, OWN_SPLIT, report_dir=tmp_path / "report", max_questions=0)
    assert written.report == tmp_path / "report" / "report.html"  # the folder the user named is the one printed
    assert "Assay eval: your labels in" in written.report.read_text() and (settings.evals_dir / "latest" / "report.html").is_file()
    # Each labelled statement missed or labelled otherwise is listed: the wire story's labels are its draft's guesses, so none of it.
    labelled_quotes = {s.quote for s in ctx.labels[release.article_id].statements}
    assert run.disagreements and {d.article_id for d in run.disagreements} == {release.article_id}
    assert all(d.quote in labelled_quotes and (d.predicted_kind, d.predicted_attribution) != (d.kind, d.attribution) for d in run.disagreements)
    assert len(run.disagreements) >= len(labelled_quotes) - release.metrics["kind_accuracy"] * release.metrics["matched_statements"]
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## Where the labels and the breakdown differ (released)" in report and run.disagreements[0].quote.replace("\n", " ") in report


def test_a_quote_the_body_does_not_hold_names_the_file_and_where_to_copy_from(corrected, tmp_path):
    from assay.evals.own import own_context

    settings, folder = corrected
    broken = tmp_path / "labels"
    broken.mkdir()
    article = folder.parent / "articles" / "samarium-wire.html"
    write(broken / "wire.yaml", {"file": str(article), "statements": [
        {"quote": "China's commerce ministry said on Tuesday", "kind": "fact", "attribution": "government", "evidence": "document"}]})
    with pytest.raises(LabelsError, match="wire.yaml: quote not found anywhere in the body: .*the end of a draft by `assay label`"):
        own_context(settings, SummaryFake(messages=iter([])), broken)
    write(broken / "wire.yaml", {"file": str(article), "questions": [
        {"question": "When do the licences start?", "answer": "May 1", "supporting_quotes": ["from June 1"]}]})
    with pytest.raises(LabelsError, match="wire.yaml: a supporting quote of 'When do the licences start\\?' is not in the body"):
        own_context(settings, SummaryFake(messages=iter([])), broken)


def test_the_cli_drafts_scores_and_says_each_fault_in_a_line(corrected, monkeypatch, tmp_path):
    from assay.cli import app
    from assay.settings import get_settings

    settings, folder = corrected
    monkeypatch.setenv("ASSAY_HOME", str(settings.home))
    get_settings.cache_clear()
    runner = CliRunner()
    both = runner.invoke(app, ["eval", "--labels", str(folder), "--split", "test"])
    assert both.exit_code == 2 and "--split test picks a split of the shipped labels" in both.output
    train = runner.invoke(app, ["eval", "--split", "train"])  # said before the eval's Prefect server starts
    assert train.exit_code == 2 and "split 'train': evals run on dev or test" in train.output and "Prefect" not in train.output
    again = runner.invoke(app, ["label", str(folder.parent / "articles" / "halden-release.txt"), "--into", str(folder)])
    assert again.exit_code == 2 and "exists and may hold your labels" in again.output and "Traceback" not in again.output
    empty = runner.invoke(app, ["eval", "--labels", str(tmp_path)])
    assert empty.exit_code == 2 and "holds no label files" in empty.output
    get_settings.cache_clear()


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("llama_cpp") is None, reason="llama-cpp-python comes with `make setup`")
def test_label_then_eval_through_the_cli_with_the_embedded_model(tmp_path):
    """What a user does: draft, correct, score; the real CLI, Prefect, chunk store and local model (about 2 minutes)."""
    from tests.test_cli import ASSAY, subprocess_env

    env = subprocess_env(tmp_path / "home")
    (tmp_path / "halden.txt").write_text(RELEASE)
    drafted = subprocess.run([ASSAY, "label", str(tmp_path / "halden.txt"), "--into", str(tmp_path / "labels")],
                             env=env, capture_output=True, text=True, timeout=600)
    assert drafted.returncode == 0, drafted.stderr[-2000:]
    assert "assay eval --labels" in drafted.stderr
    label = tmp_path / "labels" / "halden.yaml"
    corrected = yaml.safe_load(label.read_text())
    corrected["highlights"] = ["Halden's Ohio plant produced 120 tonnes of sintered NdFeB magnets in February."]
    corrected["questions"] = [{"question": "How many tonnes of magnets did Halden's Ohio plant produce in February?", "answer": "120 tonnes",
                               "supporting_quotes": ["produced 120 tonnes of sintered"]}]
    write(label, corrected)
    scored = subprocess.run([ASSAY, "eval", "--labels", str(tmp_path / "labels"), "--json"], env=env, capture_output=True, text=True, timeout=900)
    assert scored.returncode == 0, scored.stderr[-2000:]
    run = json.loads(scored.stdout)["released"]
    assert run["split"] == "own" and run["labels_folder"] == str(tmp_path / "labels") and len(run["articles"]) == 1
    metrics = run["articles"][0]["metrics"]
    assert run["articles"][0]["error"] is None and metrics["detection_f1"] == 1.0  # the draft's statements, as drafted
    assert metrics["coverage_f1"] is not None and metrics["hit_at_k"] == 1.0 and metrics["grounding_rate"] == 1.0


def test_the_printed_eval_names_unscored_metrics_once_instead_of_rows_of_dashes(capsys):
    from assay.cli import _print_evaluation
    from assay.evals.release import Evaluation
    from assay.evals.runner import ArticleEval, Disagreement, EvalRun

    articles = [ArticleEval(article_id=f"a{i}", title="t", metrics={"coverage_f1": None, "detection_f1": 0.8, "hit_at_k": None})
                for i in range(2)]
    differ = [Disagreement(article_id="a0", quote="q", kind="fact", attribution="author"),
              Disagreement(article_id="a1", quote="r", kind="claim", attribution="company", predicted_kind="fact", predicted_attribution="company")]
    _print_evaluation(Evaluation(released=EvalRun(prompts={"summary": "5"}, model="m", split="own", labels_folder="/x/labels",
                                                  articles=articles, disagreements=differ)))
    printed = capsys.readouterr().out
    assert "your labels in /x/labels: 2 articles" in printed and "detection_f1" in printed
    assert "not scored (no labelled article has the data): coverage_f1, hit_at_k" in printed
    assert printed.count("coverage_f1") == 1
    assert "2 labelled statements differ from the breakdown (1 not found, 1 labelled otherwise): each is listed in the report" in printed


def test_eval_homes_of_other_sets_of_files_are_pruned_to_the_newest_few_and_never_a_fresh_one(tmp_path):
    import os
    import time

    from assay.evals.own import KEPT_HOMES, own_home
    from assay.settings import Settings

    settings = Settings(home=tmp_path / "home")
    root = settings.evals_dir / "own"
    week_ago = time.time() - 7 * 86400
    for i in range(12):
        (root / f"old{i:02}").mkdir(parents=True)
        os.utime(root / f"old{i:02}", (week_ago + i, week_ago + i))
    (root / "fresh").mkdir()  # another process's, in use now
    home = own_home(settings, [tmp_path / "a.txt"])
    kept = sorted(p.name for p in root.iterdir())
    assert home.is_dir() and "fresh" in kept and home.name in kept
    assert len(kept) == KEPT_HOMES  # this one, the fresh one, and the newest of the rest
    assert [n for n in kept if n.startswith("old")] == [f"old{i:02}" for i in range(12 - (KEPT_HOMES - 2), 12)]
    assert own_home(settings, [tmp_path / "a.txt"]) == home  # the same files, the same home


def test_two_label_files_of_one_text_in_two_files_are_refused(labelled, tmp_path):
    from assay.evals.own import own_context

    settings, folder, _ = labelled
    for name in ("b-copy.txt", "a-copy.txt"):  # the copy named first in the folder's order, and the one read first, differ
        (tmp_path / name).write_text(RELEASE)
        write(tmp_path / f"{name[:-4]}.yaml", {"file": name})
    with pytest.raises(LabelsError, match="is the same article as .*-copy.txt: label it once"):
        own_context(settings, SummaryFake(messages=iter([])), tmp_path)
