"""The keyword index in the registry's database: ranking, incremental changes, both engines alike,
read-only reading, the fill of an upgraded home, and `assay doctor` keeping it in step with Chroma."""

from __future__ import annotations

import logging
import math
import os

import numpy as np
import pytest
from sqlalchemy import text

from assay.articles import sample_articles
from assay.chunking import chunk_article
from assay.evals.labels import load_all
from assay.settings import Settings
from assay.store import keywords
from assay.store.keywords import KeywordIndex, KeywordRow, index_terms, keyword_tokens
from assay.store.maintenance import check, repair
from assay.store.registry import Registry, RegistryError
from assay.store.vectors import ChunkStore
from assay.types import Article, Section

FILLER = [f"Rare earth prices and rare earth supply were discussed again in week {i}." for i in range(8)]
ROWS = [
    KeywordRow("lynas", "art-1", "Lynas ships rare earth oxide from Mount Weld."),
    KeywordRow("exports", "art-2", "China exported 6,000 tonnes of rare earth magnets in May."),
    KeywordRow("oxide", "art-2", "Dy2O3 reached 1.5 million yuan a tonne; the rare earth market held."),
    KeywordRow("empty", "art-3", ""),
    *(KeywordRow(f"filler-{i}", "art-3", text) for i, text in enumerate(FILLER)),
]


@pytest.fixture(params=["sqlite", "postgres"])
def registry(request, tmp_path):
    """A registry on each engine, migrated as `Registry(url)` migrates it."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    made = Registry(url)
    yield made
    made.close()


def ids(hits) -> list[str]:
    return [h.chunk_id for h in hits]


def test_rare_terms_outrank_common_ones_and_codes_and_figures_match(registry):
    index = KeywordIndex(registry)
    index.add(ROWS)
    assert index.count() == len(ROWS)
    assert ids(index.search("What did Lynas say about rare earth?", 3))[0] == "lynas"  # "rare earth" is everywhere
    assert ids(index.search("6000 tonnes", 5)) == ["exports"] == ids(index.search("6,000", 5))
    assert ids(index.search("DY2O3 at 1.5", 5)) == ["oxide"]
    assert ids(index.search("1.5", 5)) == ["oxide"] and index.search("15", 5) == []
    hits = index.search("rare earth prices", 20)
    assert hits == sorted(hits, key=lambda h: -h.score) and all(h.score > 0 for h in hits) and "empty" not in ids(hits)
    assert index.search("the of and", 5) == [] and index.search("nothing matches this", 5) == [] and index.search("", 5) == []
    assert index.search('"quoted" OR NEAR(lynas) -- \\ \'', 5)[0].chunk_id == "lynas"  # operators and quotes are only words


def test_an_article_filter_keeps_only_those_articles(registry):
    index = KeywordIndex(registry)
    index.add(ROWS)
    assert set(ids(index.search("rare earth", 20, {"art-2"}))) == {"exports", "oxide"}
    assert index.search("Lynas", 5, {"art-2", "art-3"}) == []
    assert index.search("Lynas", 5, set()) == []
    # The filter does not change a chunk's score: frequencies are the whole index's.
    everywhere = {h.chunk_id: h.score for h in index.search("rare earth", 20)}
    assert all(everywhere[h.chunk_id] == pytest.approx(h.score) for h in index.search("rare earth", 20, {"art-2"}))


def test_adding_replaces_by_chunk_id_and_deleting_removes(registry):
    index = KeywordIndex(registry)
    index.add(ROWS)
    index.add([KeywordRow("lynas", "art-1", "Iluka refines monazite at Eneabba.")])
    assert index.count() == len(ROWS)
    assert index.search("Lynas", 5) == [] and ids(index.search("Eneabba monazite", 5)) == ["lynas"]
    index.delete(["lynas", "exports", "never-indexed"])
    index.delete([])
    index.add([])
    assert index.count() == len(ROWS) - 2 and index.search("Eneabba 6000", 5) == []
    assert index.chunk_ids() == {r.chunk_id for r in ROWS} - {"lynas", "exports"}
    # The numbers of documents and their lengths change with every add and delete, as BM25's idf and
    # average length should: a term in one chunk of two outranks itself in one of twelve.
    before = index.search("Dy2O3", 1)[0].score
    index.delete([f"filler-{i}" for i in range(len(FILLER))])
    assert index.search("Dy2O3", 1)[0].score != before


def test_a_term_too_long_for_postgres_is_left_out_of_both_engines(registry):
    index = KeywordIndex(registry)
    unspaced = "稀土" * 400  # 2,400 bytes: one "word" to the tokeniser
    index.add([KeywordRow("cn", "art-9", f"{unspaced} Baotou"), KeywordRow("other", "art-9", "Baotou Steel")])
    assert set(ids(index.search(f"{unspaced} Baotou", 5))) == {"cn", "other"}


def test_postgres_ranks_the_sample_corpus_as_sqlite_does(tmp_path, postgres_url):
    """Same chunks, every labelled question: the same hits in the same order with the same scores."""
    rows = [KeywordRow(c.id, a.id, c.text) for a in sample_articles() for c in chunk_article(a, 900, 120)]
    engines = [KeywordIndex(Registry(url)) for url in (f"sqlite:///{tmp_path / 'registry.sqlite'}", postgres_url)]
    for index in engines:
        index.add(rows)
    lite, postgres = engines
    questions = [q.question for a in load_all().values() for q in a.questions]
    assert len(questions) > 100
    for question in questions:
        expected, got = lite.search(question, 10), postgres.search(question, 10)
        assert ids(got) == ids(expected), question
        assert [h.score for h in got] == pytest.approx([h.score for h in expected], rel=1e-9)


# --- the common-terms query (SQLite) ---------------------------------------------------------------

# 100 chunks: "supply" in 30 of them and "cobalt" in 15 are common (more than 5 % of the chunks),
# "lithium" in 3 and "graphite" in 2 are rare.
COMMON_ROWS = [
    KeywordRow(f"row-{i:02d}", f"art-{i // 8}", " ".join(
        (["supply"] if i % 10 < 3 else []) + (["cobalt"] * (1 + i % 3) if i % 20 < 3 else [])
        + (["lithium"] if i in (0, 41, 77) else []) + (["graphite"] if i in (2, 77) else []) + [f"filler{i}"] * (i % 5)))
    for i in range(100)
]


def brute_force_bm25(rows: list[KeywordRow], query: str) -> dict[str, float]:
    """Every row's BM25 for the query as FTS5 scores it (k1 1.2, b 0.75, idf floored at 1e-6),
    from the rows' tokens alone; rows holding no query term left out."""
    docs = {row.chunk_id: index_terms(row.text) for row in rows}
    n, avgdl = len(docs), sum(map(len, docs.values())) / len(docs)
    scores = {}
    for chunk_id, tokens in docs.items():
        score = 0.0
        for term in dict.fromkeys(index_terms(query)):
            df = sum(term in other for other in docs.values())
            tf = tokens.count(term)
            if tf:
                idf = math.log((n - df + 0.5) / (df + 0.5))
                score += (idf if idf > 0 else 1e-6) * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * len(tokens) / avgdl))
        if score:
            scores[chunk_id] = score
    return scores


@pytest.fixture
def lite(tmp_path):
    made = Registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    yield made
    made.close()


def plain(index: KeywordIndex) -> KeywordIndex:
    """The same index, searched with the plain FTS5 query only."""
    other = KeywordIndex(index.registry)
    other._sql.vocabulary = False  # type: ignore[attr-defined]
    return other


def test_past_the_cost_threshold_rows_with_a_rare_term_are_ranked_by_bm25_over_every_term(lite, monkeypatch):
    index = KeywordIndex(lite)
    index.add(COMMON_ROWS)
    query = "graphite lithium, cobalt supply"
    exact = brute_force_bm25(COMMON_ROWS, query)
    assert len(plain(index).search(query, 100)) == len(exact) == 31  # the plain query ranks every row with any term

    monkeypatch.setattr(keywords, "RANKED_POSTINGS", 10)  # so that 40 chunks are past it
    hits = index.search(query, 100)
    # Only the rows holding a rare term are candidates; each is scored over all four terms, as
    # FTS5's bm25() scores it for the whole query (the same operations: the same floats).
    candidates = {row.chunk_id for row in COMMON_ROWS if {"lithium", "graphite"} & set(row.text.split())}
    assert ids(hits) == sorted(candidates, key=lambda c: (-exact[c], c)) and len(hits) == 4
    rare_only = brute_force_bm25(COMMON_ROWS, "graphite lithium")
    assert ids(hits) != sorted(candidates, key=lambda c: (-rare_only[c], c))  # the common terms changed the order
    assert [h.score for h in hits] == pytest.approx([exact[c] for c in ids(hits)], rel=1e-12)
    everywhere = {h.chunk_id: h.score for h in plain(index).search(query, 100)}
    assert [h.score for h in hits] == [everywhere[c] for c in ids(hits)]
    assert ids(index.search(query, 2)) == ids(hits)[:2]
    assert set(ids(index.search(query, 100, {"art-0"}))) == {"row-00", "row-02"}

    # No term rare enough: the rarest alone proposes the candidates, which every term scores.
    both = brute_force_bm25(COMMON_ROWS, "supply cobalt")
    cobalt = [row.chunk_id for row in COMMON_ROWS if "cobalt" in row.text]
    assert ids(index.search("supply cobalt", 100)) == sorted(cobalt, key=lambda c: (-both[c], c)) and len(cobalt) == 15
    # One term only, or the terms within the threshold: the plain query.
    assert index.search("supply", 100) == plain(index).search("supply", 100) and len(index.search("supply", 100)) == 30
    monkeypatch.setattr(keywords, "RANKED_POSTINGS", 50)
    assert index.search(query, 100) == plain(index).search(query, 100)


def test_below_the_cost_threshold_results_are_the_plain_querys(lite):
    """The sample corpus, every labelled question: the same hits with the same scores as the plain query."""
    index = KeywordIndex(lite)
    index.add(KeywordRow(c.id, a.id, c.text) for a in sample_articles() for c in chunk_article(a, 900, 120))
    questions = [q.question for a in load_all().values() for q in a.questions]
    for question in questions:
        assert index.search(question, 20) == plain(index).search(question, 20), question


def test_a_registry_without_the_vocabulary_runs_the_plain_query(lite, monkeypatch):
    index = KeywordIndex(lite)
    index.add(COMMON_ROWS)
    with lite.session() as s:  # as a registry of an earlier release, opened read-only, has it
        s.execute(text("DROP TABLE keyword_vocab"))
    monkeypatch.setattr(keywords, "RANKED_POSTINGS", 10)
    assert len(KeywordIndex(lite).search("graphite lithium cobalt supply", 100)) == 31


def test_a_read_only_registry_is_searched_and_refuses_writes(tmp_path, monkeypatch):
    writable = Registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    KeywordIndex(writable).add(ROWS)
    writable.close()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK else real_access(path, mode, **kw))
    reader = Registry(f"sqlite:///{tmp_path / 'registry.sqlite'}")
    assert reader.read_only
    index = KeywordIndex(reader)
    assert ids(index.search("Lynas", 5)) == ["lynas"] and index.count() == len(ROWS)
    with pytest.raises(RegistryError, match="is read-only"):
        index.add([KeywordRow("new", "art-9", "Iluka")])
    reader.close()


# --- with the chunk store -------------------------------------------------------------------------


def stored_home(home, n: int = 3, *, indexed: bool = True) -> tuple[Settings, Registry, ChunkStore, list[Article]]:
    """Articles recorded with their chunks in Chroma (and in the keyword index, unless `indexed` is
    False: a home of the release that kept the index in memory)."""
    settings = Settings(home=home, chroma_url=None, database_url=None)
    registry, store = Registry(settings.registry_url), ChunkStore(settings)
    rng = np.random.default_rng(0)
    articles = []
    for n_ in range(1, n + 1):
        body = " ".join(f"Sentence {i}: Lynas shipped {n_ * 100 + i} tonnes of NdPr oxide from Mount Weld." for i in range(30))
        one = Article(id=f"{n_:016x}", title=f"Article {n_}", source="Test", source_url="https://example.com/feed.xml", body=body,
                      sections=[Section(heading=None, start=0, end=len(body))])
        chunks = chunk_article(one, 400, 50)
        vectors = rng.normal(size=(len(chunks), 384)).astype(np.float32)
        store.upsert([(one, chunks, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))])
        if indexed:
            KeywordIndex(registry).add(KeywordRow(c.id, one.id, c.text) for c in chunks)
        registry.record_article(one, chunk_count=len(chunks))
        articles.append(one)
    return settings, registry, store, articles


def test_an_upgraded_home_fills_its_index_once_on_first_use(tmp_path, caplog):
    from assay.services import services

    settings, registry, store, _ = stored_home(tmp_path / "home", indexed=False)
    assert KeywordIndex(registry).count() == 0 < store.count()
    with caplog.at_level(logging.WARNING, logger="assay.store.maintenance"):
        index = services(settings).keyword_index()
    assert index.count() == store.count() and index.chunk_ids() == set(store.ids())
    assert [r.message for r in caplog.records] == [
        f"filling the keyword index from the {store.count()} chunks in the chunk store (once, for a registry written before "
        "keyword search moved into it)"
    ]
    hits = index.search("301 tonnes", 3)
    assert hits and "301 tonnes" in store.chunks([hits[0].chunk_id])[0].text


def test_a_fresh_home_mid_first_ingest_is_not_taken_for_an_upgrade(tmp_path, caplog):
    """Chunks already in Chroma but no article recorded yet: the ingest indexes them itself."""
    from assay.services import services

    settings, registry, _, _ = stored_home(tmp_path / "home", n=1, indexed=False)
    with registry.session() as s:  # as though the article's row were not written yet
        s.execute(text("DELETE FROM article_versions"))
        s.execute(text("DELETE FROM article_bodies"))
        s.execute(text("DELETE FROM articles"))
    with caplog.at_level(logging.WARNING, logger="assay.store.maintenance"):
        assert services(settings).keyword_index().count() == 0
    assert caplog.records == []


def test_doctor_finds_lost_and_stale_keyword_rows_and_repair_mends_them(tmp_path):
    _, registry, store, articles = stored_home(tmp_path / "home")
    index = KeywordIndex(registry)
    found = check(registry, store, index)
    assert found.ok and found.keyword_index == "current"

    lost = sorted(store.chunk_ids(articles[0].id))[:2]
    index.delete(lost)  # rows lost
    index.add([KeywordRow("gone", articles[1].id, "A chunk Chroma no longer holds.")])  # a row left behind
    found = check(registry, store, index)
    assert not found.ok and found.keyword_index == "stale"
    assert found.keyword_missing == lost and found.keyword_extra == ["gone"] and found.missing == [] and found.orphan_chunks == []
    assert index.search("no longer holds", 5)[0].chunk_id == "gone"

    # One row lost and one left behind keep the count: the ids still tell.
    index.add([KeywordRow("gone-too", articles[1].id, "Another chunk Chroma no longer holds.")])
    index.delete(lost[:1])
    index.add([KeywordRow(lost[1], articles[0].id, "back")])
    index.delete(["gone"])
    assert index.count() == len(store.ids())
    found = check(registry, store, index)
    assert found.keyword_index == "stale" and found.keyword_missing == lost[:1] and found.keyword_extra == ["gone-too"]

    done = repair(registry, store, found, index)
    assert (done.keyword_rows_added, done.keyword_rows_deleted) == (1, 1)
    assert check(registry, store, index).ok and index.chunk_ids() == set(store.ids())
    assert index.search("no longer holds", 5) == []
    assert check(registry, store).keyword_index == "not checked"


def test_term_weights_are_lucenes_bm25_idf_on_both_engines(registry):
    index = KeywordIndex(registry)
    index.add(ROWS)
    rows = len(ROWS)
    lynas, unknown = index.term_weights(["Lynas rare earth", "Praseodymium"])
    assert lynas["lynas"] == pytest.approx(math.log(1 + (rows - 1 + 0.5) / 1.5))  # in one chunk of 12
    # in most chunks: weighs little, but not nothing (FTS5's idf gave 1e-6, and a small corpus shared no term)
    assert 0 < lynas["rare"] == lynas["earth"] < lynas["lynas"] / 3
    assert unknown == {"praseodymium": pytest.approx(math.log(1 + (rows + 0.5) / 0.5))}
    assert index.term_weights(["the and of"]) == [{}]


def test_keyword_tokens_keep_codes_whole_and_read_figures_one_way():
    assert keyword_tokens("NdFeB, Dy2O3 and 6,000 t at the ASX") == ["ndfeb", "dy2o3", "6000", "t", "asx"]
    assert keyword_tokens("U.S. output rose 1.5%") == ["u", "s", "output", "rose", "1.5"]


def test_each_lists_best_chunk_is_kept_however_the_fusion_ranks_it():
    """A name only one chunk holds is keyword search's first hit; RRF alone would rank it below chunks
    that both lists found in the middle."""
    from assay.retrieval import HybridRetriever
    from assay.types import KeywordHit, StoredChunk

    chunks = {f"c{i}": StoredChunk(chunk_id=f"c{i}", article_id=f"a{i}", text=f"chunk {i}", start=0, end=7, title=f"t{i}")
              for i in range(12)}
    dense_order = [f"c{i}" for i in range(10)]  # c0 … c9
    keyword_order = ["c11", *dense_order[:9]]  # c11 first, then the dense chunks again

    class Store:
        def nearest(self, vectors, k, *, exclude_article=None, only_articles=None):
            return [[chunks[c].model_copy(update={"similarity": 0.5}) for c in dense_order[:k]]]

        def chunks(self, ids):
            return [chunks[c] for c in ids]

    class Keywords:
        def search(self, query, k, article_ids=None):
            return [KeywordHit(chunk_id=c, score=20.0 if c == "c11" else 3.0) for c in keyword_order[:k]]

    class Embedder:
        def forward(self, texts):
            return [[0.0] * 4 for _ in texts]

    hits = HybridRetriever(Store(), Keywords(), catalog=None, embedder=Embedder()).search("Who is Jamieson Greer?", k=5).hits
    assert len(hits) == 5 and "c11" in [h.chunk_id for h in hits] and hits[0].chunk_id == "c0"
    assert [h.rrf for h in hits] == sorted((h.rrf for h in hits), reverse=True)
