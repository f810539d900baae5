"""The statement classifiers' context features, calibration, uncertainty and rationale."""

from __future__ import annotations

import numpy as np
import pytest

from assay.analysis import label_statements, rhetoric_share
from assay.classifier import (
    CONTEXT_FEATURES,
    DEFAULT_PATH,
    StatementClassifiers,
    context_features,
    expected_calibration_error,
    fit_temperature,
    softmax,
)
from assay.embeddings import MiniLMEmbeddings
from assay.evals.labels import load_split
from assay.evals.train_classifier import dev_scores
from assay.kinds import ClassifierKindDecider
from assay.settings import Settings
from assay.statements import statements
from assay.types import Article, Attribution, Evidence, Kind, Section, StatementLabels

OPENING = "Lynas Rare Earths said it produced 10,500 tonnes of NdPr oxide in 2025."
TAKE = "This is the world’s largest and most strategic separation plant outside China."
BODY = f"{OPENING}\nREEx Take\n{TAKE}\n• We believe the ramp-up will take longer than management admits."


def article() -> Article:
    take_start = BODY.index("REEx Take")
    return Article(
        id="ctx", title="Lynas output", source="test", source_url="test", body=BODY,
        sections=[Section(heading=None, start=0, end=take_start), Section(heading="REEx Take", start=take_start, end=len(BODY))],
    )


def test_context_features_read_the_heading_position_voice_and_bullets():
    found = statements(article())
    assert [s.text for s in found][:2] == [OPENING, TAKE]
    rows = {name: column for name, column in zip(CONTEXT_FEATURES, context_features(article(), found).T)}
    assert list(rows["no_heading"]) == [1.0, 0.0, 0.0]
    assert list(rows["heading_author"]) == [0.0, 1.0, 1.0]  # "Take" names the author's voice
    assert list(rows["demonstrative_start"]) == [0.0, 1.0, 0.0]
    assert list(rows["first_person"]) == [0.0, 0.0, 1.0]
    assert list(rows["bullet"]) == [0.0, 0.0, 1.0]
    assert rows["position"][0] < rows["position"][1] < rows["position"][2]
    assert rows["reported_nearby"][1] == 1.0  # its neighbour "said"


def test_a_run_in_heading_is_its_paragraph_s_heading():
    """A run-in heading ("REEx Takeaway: This is…") is no part of the statement after it, so the reader's
    cue it gives is its paragraph's heading, and that statement still opens the paragraph."""
    from assay.classifier import cue_words

    text = f"{OPENING}\nREEx Takeaway: This is a necessary pivot for the industry. Success will be measured in tonnes."
    flat = Article(id="run-in", title="t", source="test", source_url="test", body=text, sections=[Section(heading=None, start=0, end=len(text))])
    found = statements(flat)
    assert [s.text for s in found][1] == "This is a necessary pivot for the industry."
    rows = {name: column for name, column in zip(CONTEXT_FEATURES, context_features(flat, found).T)}
    assert list(rows["heading_author"]) == [0.0, 1.0, 1.0] and list(rows["paragraph_start"]) == [1.0, 1.0, 0.0]
    assert cue_words(flat, found, 2)["heading_author"] == "under the heading “REEx Takeaway”"
    # A newsletter's stock label in sentence case, before a small letter, is one too (written here in Axios's manner).
    text = f"{OPENING}\nOur take: buyers outside China are paying for security. They should get used to it."
    flat = Article(id="our-take", title="t", source="test", source_url="test", body=text, sections=[Section(heading=None, start=0, end=len(text))])
    found = statements(flat)
    assert found[1].text == "buyers outside China are paying for security."
    assert cue_words(flat, found, 1)["heading_author"] == "under the heading “Our take”"


def test_the_cues_in_words_name_only_what_the_text_says():
    """Seen on wire copy: "first person “US”", "a figure “2025.”", and "the article's opening section"
    in an article without a single heading."""
    from assay.classifier import cue_words

    text = "The US will lend A$200 million to the plant in May 2025."
    flat = Article(id="flat", title="t", source="test", source_url="test", body=text, sections=[Section(heading=None, start=0, end=len(text))])
    words = cue_words(flat, statements(flat), 0)
    assert (words["first_person"], words["no_heading"]) == ("", "")
    assert words["has_digit"] == "a figure “A$200 million”"
    # A table's row opens with its column's label: "Q3" is no figure "3", nor "2026" one (seen on results releases written here).
    row = "NdPr oxide produced (mt): Q3 2026 721; Q3 2025 477; Change 51%"
    table = Article(id="row", title="t", source="test", source_url="test", body=row, sections=[Section(heading=None, start=0, end=len(row))])
    assert cue_words(table, statements(table), 0)["has_digit"] == "a figure “721”"
    # A year or a date's day is no figure to show when the statement gives another (written here).
    for text, shown in (("China set the 2026 mining quota at 270,000 tonnes of rare earth oxide.", "270,000"),
                        ("On October 30, 2026, the ministry said exports of magnets fell 4.2% from a year before.", "4.2%"),
                        ("The separation plant in Texas opened in 2025 after two years of delays.", "2025"),
                        # a part's number is no figure either (a release written here showed "2")
                        ("Phase 2 of the circuit is designed to produce 6,000 tpa of NdPr oxide.", "6,000"),
                        # a decade whole, and no other figure's place taken by it (a Wikipedia page written here showed "196")
                        ("From the 1960s until the 1980s the mine was the world's largest source.", "1960s"),
                        ("In the 1990s China produced 80% of the world's rare earths.", "80%")):
        one = Article(id="y", title="t", source="test", source_url="test", body=text, sections=[Section(heading=None, start=0, end=len(text))])
        assert cue_words(one, statements(one), 0)["has_digit"] == f"a figure “{shown}”", text
    sectioned = cue_words(article(), statements(article()), 0)
    assert sectioned["no_heading"] == "in the article's opening section"
    assert cue_words(article(), statements(article()), 2)["first_person"] == "first person “We”"
    # "States" in "United States" is no reporting verb to a reader (seen on an interview nobody here labelled).
    text = "The United States says it will lend to the plant, and the United States Army will buy its magnets."
    us = Article(id="us", title="t", source="test", source_url="test", body=text, sections=[Section(heading=None, start=0, end=len(text))])
    assert cue_words(us, statements(us), 0)["reporting_verb"] == "reported speech “says”"
    text = "Lynas will sell oxide to buyers in the United States from next year."
    us = Article(id="us", title="t", source="test", source_url="test", body=text, sections=[Section(heading=None, start=0, end=len(text))])
    assert cue_words(us, statements(us), 0)["reporting_verb"] == ""


def test_fit_temperature_recovers_the_temperature_that_made_the_labels():
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 3, size=(4000, 4))
    gold = [rng.choice(4, p=p) for p in softmax(logits / 2.0)]  # the true probabilities are logits / 2
    assert fit_temperature(logits, gold) == pytest.approx(2.0, rel=0.15)


def test_expected_calibration_error_is_small_when_calibrated_and_large_when_overconfident():
    rng = np.random.default_rng(1)
    confidence = rng.uniform(0.25, 1.0, 5000)
    calibrated = rng.uniform(size=5000) < confidence
    assert expected_calibration_error(confidence, calibrated) < 0.03
    overconfident = rng.uniform(size=5000) < confidence - 0.2
    assert expected_calibration_error(confidence, overconfident) > 0.15
    assert expected_calibration_error([], []) == 0.0


@pytest.fixture(scope="module")
def embedder():
    return MiniLMEmbeddings(batch_size=Settings().embed_batch_size)


def test_the_shipped_classifier_is_calibrated_on_dev(embedder):
    """Measured 0.06 on dev's gold statements (temperature fitted on train's out-of-fold predictions)."""
    scores = dev_scores(StatementClassifiers.load(DEFAULT_PATH), load_split().dev, embedder)
    assert scores["kind_ece"] <= 0.1, scores


def test_uncertain_below_the_threshold_and_a_rationale_naming_the_cues(embedder):
    classifiers = StatementClassifiers.load()
    _, _, everything = label_statements(article(), ClassifierKindDecider(classifiers, min_confidence=0.0), embedder)
    _, _, nothing = label_statements(article(), ClassifierKindDecider(classifiers, min_confidence=1.0), embedder)
    # A kind a rule settles ("We believe…", a first-person judgement) has no probability and is never uncertain.
    ruled = [s.kind_confidence is None for s in everything]
    assert ruled == [False, False, True] and everything[2].kind == "opinion" and "first-person judgement" in everything[2].rationale
    assert not any(s.uncertain for s in everything) and all(s.uncertain for s, r in zip(nothing, ruled) if not r)
    assert [s.kind for s in everything] == [s.kind for s in nothing]  # the threshold never changes a kind
    _, _, labels = label_statements(article(), ClassifierKindDecider(classifiers, min_confidence=0.5), embedder)
    for label, by_rule in zip(labels, ruled):
        assert label.uncertain == (label.kind_confidence is not None and label.kind_confidence < 0.5)
        assert label.rationale.startswith(f"{label.kind.value}: " if by_rule else f"{label.kind.value} (p=")
    # The cues are the text's own words, not a template: the take's heading or its superlative.
    take = labels[1].rationale
    assert "“REEx Take”" in take or "“largest”" in take or "“This”" in take or "wording" in take, take


def test_the_words_are_weighed_as_scikit_learns_tf_idf():
    """The vocabulary is computed here so the fitted file holds only words and numbers; it must be the
    tf-idf it was measured with (sublinear counts, smoothed idf, unit rows, words of two letters or more)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from assay.classifier import Vocabulary

    train = ["Lynas said output rose 12%.", "Output rose, Lynas said, and said it again.", "A historic, world-class plant.",
             "The plant is world-class, the company claims.", "Beijing says the hype is a smear.", "Hype, hype and more hype."]
    test = ["Lynas claims the plant is world-class hype.", "Nothing known here: x y z.", ""]
    ours = Vocabulary.fit(train)
    theirs = TfidfVectorizer(min_df=2, sublinear_tf=True).fit(train)
    assert list(ours.terms) == list(theirs.get_feature_names_out())
    np.testing.assert_allclose(ours.transform(test), theirs.transform(test).toarray(), atol=1e-6)
    assert Vocabulary.from_json(ours.to_json()).terms == ours.terms


def test_the_shipped_classifiers_weigh_words_and_name_only_telling_ones():
    from assay.classifier import word_cue

    classifiers = StatementClassifiers.load()
    assert classifiers.vocabulary is not None and len(classifiers.vocabulary.terms) > 1000
    width = classifiers.by_label["kind"].coef.shape[1]
    assert len(classifiers.cue_names) == width - 384 and classifiers.cue_names[-1].startswith("word:")
    # Attribution does not weigh them (measured: it read other publishers' speakers worse with them).
    assert not classifiers.by_label["attribution"].coef[:, width - len(classifiers.vocabulary.terms):].any()
    assert word_cue("word:claims") == "the word “claims”" and word_cue("word:the") == "" and word_cue("quotation") == ""


def test_a_rationale_names_a_word_once_and_never_a_piece_of_one():
    """Seen on an interview: "first person “our”; the word “our”" and "the word “re”" (of "we're")."""
    from assay.kinds import rationale

    text = "Our plant is the best, we're sure."
    flat = Article(id="flat", title="t", source="test", source_url="test", body=text, sections=[Section(heading=None, start=0, end=len(text))])
    pushes = {"first_person": 1.0, "word:our": 0.9, "word:re": 0.8, "word:plant": 0.5, "word:sure": 0.2, "word:best": 0.05}
    assert rationale(flat, statements(flat), 0, "claim", 0.6, pushes) == "claim (p=0.60): first person “Our”; the word “plant”"


def test_a_classifier_file_of_another_feature_layout_fails_with_the_fix(embedder):
    classifiers = StatementClassifiers.load()
    found = statements(article())
    with pytest.raises(ValueError, match="train_classifier"):
        classifiers.predict(article(), found, np.zeros((len(found), 10), dtype=np.float32))


def labels(kinds: str, uncertain: str = "", rhetoric: list[float] | None = None) -> list[StatementLabels]:
    short = {"f": Kind.fact, "c": Kind.claim, "r": Kind.rhetoric, "o": Kind.opinion}
    return [
        StatementLabels(kind=short[k], kind_confidence=0.9, uncertain=u == "?", attribution=Attribution.company,
                        evidence=Evidence.none, rationale="x", rhetoric_probability=rhetoric[i] if rhetoric else None)
        for i, (k, u) in enumerate(zip(kinds, uncertain.ljust(len(kinds))))
    ]


def test_without_probabilities_the_share_counts_confident_labels_with_a_wilson_interval():
    share, (low, high) = rhetoric_share(labels("ffcr"))
    assert share == 0.5 and low < 0.5 < high
    assert rhetoric_share(labels("ffcr", "  ??"))[0] == 0.0  # the two guesses are left out
    assert rhetoric_share(labels("cc", "??")) == (0.0, None)
    wide, narrow = rhetoric_share(labels("fc"))[1], rhetoric_share(labels("fc" * 30))[1]
    assert narrow[1] - narrow[0] < wide[1] - wide[0]


def test_with_probabilities_the_share_is_their_mean_and_its_interval_holds_the_estimators_error():
    probabilities = [0.9, 0.1, 0.2, 0.4]
    share, (low, high) = rhetoric_share(labels("cffc", rhetoric=probabilities))
    assert share == pytest.approx(0.4)  # not 0.5, the share of the labels
    _, (wider_low, wider_high) = rhetoric_share(labels("cffc", rhetoric=probabilities), error_sd=0.1)
    assert wider_high - wider_low > high - low
    assert 0.0 <= wider_low and wider_high <= 1.0
