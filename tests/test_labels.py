"""The hand-labelled corpus stays true to the clean bodies that ingestion produces."""

from collections import Counter

import pytest

from assay.evals.labels import Attribution, Evidence, Kind, LabelledStatement, load_all, load_split, quote_spans
from tests.test_chunking_and_ids import sample_articles

LABELS = load_all()
BODIES = {a.id: a for a in sample_articles()}


def test_every_sample_article_is_labelled_once():
    assert set(LABELS) == set(BODIES)


def test_split_covers_all_25_articles_exactly_once():
    split = load_split()
    ids = split.train + split.dev + split.test
    assert (len(split.train), len(split.dev), len(split.test)) == (15, 5, 5)
    assert sorted(ids) == sorted(set(ids)) == sorted(LABELS)
    for part in (split.dev, split.test):
        kinds = Counter(c.kind for i in part for c in LABELS[i].statements)
        assert set(kinds) == set(Kind), kinds


@pytest.mark.parametrize("article_id", sorted(LABELS))
def test_quotes_are_verbatim_ordered_and_never_overlap(article_id):
    labels, article = LABELS[article_id], BODIES[article_id]
    spans = labels.spans(article.body)  # raises with the quote if one is not found in order
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    for question in labels.questions:
        for quote in question.supporting_quotes:
            assert quote in article.body, quote


@pytest.mark.parametrize("article_id", sorted(LABELS))
def test_article_record_matches_the_feed(article_id):
    labels, article = LABELS[article_id], BODIES[article_id]
    assert labels.highlights == article.highlights
    assert (labels.source_item.title, labels.source_item.url) == (article.title, article.url)
    assert 12 <= len(labels.statements)
    assert 3 <= sum(q.answerable for q in labels.questions) <= 5
    assert any(not q.answerable for q in labels.questions)


def test_values_come_from_the_guide_and_every_kind_is_present():
    statements = [c for a in LABELS.values() for c in a.statements]
    assert len(statements) > 300
    assert {c.kind for c in statements} == set(Kind)
    assert all(isinstance(c.attribution, Attribution) and isinstance(c.evidence, Evidence) for c in statements)
    assert sum(not q.answerable for a in LABELS.values() for q in a.questions) >= 10


@pytest.mark.parametrize("article_id", sorted(load_split().dev + load_split().test))
def test_gold_entities_and_key_figures_are_verbatim_in_dev_and_test(article_id):
    labels, body = LABELS[article_id], BODIES[article_id].body
    assert labels.entities and labels.key_figures is not None
    for entity in labels.entities:
        assert all(name in body for name in entity.names), entity
    names = [name for entity in labels.entities for name in entity.names]
    assert len(names) == len(set(names))  # one entity per name
    key_per_type = Counter(e.type for e in labels.entities if e.key)
    assert max(key_per_type.values()) <= 3, key_per_type
    assert all(figure.value in body for figure in labels.key_figures)


@pytest.mark.parametrize("article_id", sorted(load_split().dev + load_split().test))
def test_gold_crosscheck_covers_every_fact_and_claim_in_dev_and_test(article_id):
    labels = LABELS[article_id]
    assert labels.crosscheck is not None
    assert [g.quote for g in labels.crosscheck] == [c.quote for c in labels.statements if c.kind in (Kind.fact, Kind.claim)]
    for gold in labels.crosscheck:
        assert (gold.status == "no_other_source") == (not gold.articles), gold
        assert article_id not in gold.articles and set(gold.articles) <= set(LABELS), gold


def test_agreement_between_two_labellings():
    from assay.evals.agreement import agreement

    same = agreement(["fact", "claim", "rhetoric", "opinion"], ["fact", "claim", "rhetoric", "opinion"])
    assert (same.cohen_kappa, same.macro_f1, same.accuracy) == (1.0, 1.0, 1.0)
    # 6 of 8 agree; chance agreement from the marginals is 0.25: kappa = (0.75 - 0.25) / 0.75
    half = agreement(["fact", "fact", "claim", "claim", "rhetoric", "rhetoric", "opinion", "opinion"],
                     ["fact", "claim", "claim", "claim", "rhetoric", "fact", "opinion", "opinion"])
    assert half.accuracy == 0.75 and abs(half.cohen_kappa - 0.667) < 0.002
    assert sum(map(sum, half.confusion)) == 8


def test_the_blind_second_labels_cover_every_dev_and_test_statement():
    from assay.evals.agreement import SECOND_LABELS, agreement, load_second, paired_kinds

    if not SECOND_LABELS.exists():
        pytest.fail(f"{SECOND_LABELS} is missing")
    split = load_split()
    gold, other = paired_kinds(LABELS, load_second(), [*split.dev, *split.test])
    assert len(gold) == len(other) == sum(len(LABELS[i].statements) for i in [*split.dev, *split.test])
    assert -1 <= agreement(gold, other).cohen_kappa <= 1


def test_the_blind_second_span_labels_load_and_their_agreement_is_scored():
    from assay.evals.agreement import load_second_spans, span_agreement

    labelled = [x for split in ("dev", "test") for x in load_second_spans(split)]
    assert len(labelled) >= 20  # 10 sample and at least 10 outside articles; quotes checked as they load
    for name, article, _, second in labelled:
        quote_spans(name, second, article.body)  # verbatim, in body order, never overlapping
    result = span_agreement(labelled)
    assert result.second == sum(len(x[3]) for x in labelled)
    assert 0.5 < result.detection_f1 < 1 and result.kinds is not None


def test_span_agreement_of_a_labelling_with_itself_and_with_a_coarser_one():
    from assay.evals.agreement import span_agreement
    from assay.types import Article

    body = "Lynas shipped 10,000 tonnes of oxide last year, and it expects more in 2026. Prices are a disgrace."
    article = Article(id="x", title="t", source="s", source_url="u", body=body)
    fine = [LabelledStatement(quote=q, kind=k, attribution="author", evidence="none")
            for q, k in (("Lynas shipped 10,000 tonnes of oxide last year", "fact"), ("and it expects more in 2026.", "claim"),
                         ("Prices are a disgrace.", "opinion"))]
    coarse = [LabelledStatement(quote="Lynas shipped 10,000 tonnes of oxide last year, and it expects more in 2026.", kind="fact",
                                attribution="author", evidence="none"), fine[2]]
    same = span_agreement([("x", article, fine, fine)])
    assert same.detection_f1 == 1.0 and same.splitter_f1_first == 1.0 and same.kinds.macro_f1 == 1.0
    # The whole sentence overlaps the first clause at IoU 46/75 >= 0.5: 2 of 3 first spans matched, 2 of 2 second.
    coarse_result = span_agreement([("x", article, fine, coarse)])
    assert coarse_result.detection_f1 == round(2 * (2 / 2) * (2 / 3) / (2 / 2 + 2 / 3), 3)
