"""The harder unanswerable questions (issue 15) stay unanswerable from the whole 25-article corpus.

Each question added for issue 15 carries a YAML comment `# kind: <kind>` on the line above it
(LabelledQuestion has no note field); `evals/data/README.md` describes the four kinds and how each
question was checked against every article.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from assay.articles import sample_articles
from assay.evals.labels import DATA_DIR, load_all, load_split

LABELS = load_all()
SPLIT = load_split()
ARTICLES = sample_articles()
# Everything a reader of the corpus can see: title, publisher's highlights and clean body.
CORPUS = ["\n".join([a.title, *a.highlights, a.body]) for a in ARTICLES]

KINDS = ("figure-not-given", "entity-not-mentioned", "date-outside-corpus", "false-premise")

# The companies, people and agencies the entity-not-mentioned questions ask about; none is in any
# article (the ASCII spellings are checked too).
NEVER_MENTIONED = [
    "Lynas", "Mubadala", "Noveon", "Hichilema", "Lutnick", "Indian Rare Earths", "Gécamines", "Gecamines",
    "Goldwind", "Pensana", "Shin-Etsu", "Lake Shore Cryotronics", "Šefčovič", "Sefcovic",
]

UNANSWERABLE_BEFORE_ISSUE_15 = 50  # two per article


def tagged_questions() -> list[tuple[str, str, str]]:
    """(article_id, kind, question) for every question with a `# kind:` comment above it."""
    found = []
    for path in sorted(DATA_DIR.glob("*.yaml")):
        if path.name == "split.yaml":
            continue
        kind = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if m := re.fullmatch(r"\s*# kind: ([a-z-]+)\s*", line):
                kind = m.group(1)
            elif kind and (m := re.fullmatch(r"\s*- question: (.+)", line)):
                found.append((path.stem, kind, yaml.safe_load(m.group(1))))
                kind = None
    return found


TAGGED = tagged_questions()


def unanswerable(article_ids) -> list[str]:
    return [q.question for i in article_ids for q in LABELS[i].questions if not q.answerable]


def test_at_least_40_more_unanswerable_questions():
    total = len(unanswerable(LABELS))
    assert total >= UNANSWERABLE_BEFORE_ISSUE_15 + 40, total
    assert len(TAGGED) >= 40


@pytest.mark.parametrize("split", ["train", "dev", "test"])
def test_every_split_has_enough_unanswerable_questions(split):
    ids = getattr(SPLIT, split)
    assert len(unanswerable(ids)) >= 18
    assert sum(article_id in ids for article_id, _, _ in TAGGED) >= 8


def test_tagged_questions_are_unanswerable_labelled_and_spread():
    questions = {(i, q.question): q for i in LABELS for q in LABELS[i].questions}
    for article_id, kind, question in TAGGED:
        assert kind in KINDS, (article_id, kind)
        assert (article_id, question) in questions, question  # the comment sits above its own question
        assert not questions[article_id, question].answerable, question
    kinds = Counter(kind for _, kind, _ in TAGGED)
    assert set(kinds) == set(KINDS) and min(kinds.values()) >= 10, kinds  # roughly equal numbers of each
    assert {article_id for article_id, _, _ in TAGGED} == set(LABELS)  # every article has some


def test_no_question_is_asked_twice():
    asked = [q.question.casefold() for a in LABELS.values() for q in a.questions]
    assert len(asked) == len(set(asked)), [q for q, n in Counter(asked).items() if n > 1]


@pytest.mark.parametrize("name", NEVER_MENTIONED)
def test_names_the_corpus_never_mentions_are_absent_from_every_article(name):
    assert not [a.id for a, text in zip(ARTICLES, CORPUS) if name.casefold() in text.casefold()]


def test_every_entity_question_asks_about_a_name_the_corpus_never_mentions():
    for _, kind, question in TAGGED:
        if kind == "entity-not-mentioned":
            assert any(name in question for name in NEVER_MENTIONED), question


def test_date_questions_ask_about_years_no_article_mentions():
    for _, kind, question in TAGGED:
        if kind != "date-outside-corpus":
            continue
        years = re.findall(r"\b(?:19|20)\d\d\b", question)
        assert years, question
        for year in years:
            assert not [a.id for a, text in zip(ARTICLES, CORPUS) if year in text], (question, year)


def test_readme_table_matches_the_tagged_questions():
    """evals/data/README.md gives the new questions per kind and split; keep it true."""
    rows = {}
    for line in (DATA_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip().strip("*") for c in line.strip().strip("|").split("|")]
        if cells[0] in KINDS:
            rows[cells[0]] = [int(c) for c in cells[1:5]]
    split_of = {i: s for s in ("train", "dev", "test") for i in getattr(SPLIT, s)}
    for kind in KINDS:
        per_split = Counter(split_of[i] for i, k, _ in TAGGED if k == kind)
        assert rows.get(kind) == [per_split["train"], per_split["dev"], per_split["test"], sum(per_split.values())], kind
