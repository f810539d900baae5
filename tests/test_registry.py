"""The registry's schema migrations and the claims that keep workers off each other's articles, on
SQLite and on a real PostgreSQL (tests/conftest.py runs this module on both)."""

from __future__ import annotations

import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from assay.store import migrations
from assay.store.registry import Base, Registry, RegistryError
from assay.types import (
    Analysis,
    Article,
    Attribution,
    CrossCheck,
    Evidence,
    EvidenceChunk,
    Kind,
    Provenance,
    StatementAnalysis,
)
from tests.conftest import registry_url_for


@pytest.fixture
def registry_url(registry_backend, request, tmp_path) -> str:
    return registry_url_for(registry_backend, request) or f"sqlite:///{tmp_path / 'registry.sqlite'}"


def article(n: int) -> Article:
    return Article(id=f"{n:032x}", title=f"Article {n}", source="Test", source_url="https://example.com", body=f"Body of article {n}.")


def test_a_new_registry_is_at_the_newest_schema_and_it_matches_the_models(registry_url):
    registry = Registry(registry_url)
    with registry.engine.connect() as connection:
        assert migrations.current(connection) == migrations.head()
        # What the migrations built is what the ORM models describe: no column, index or key differs.
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    ours = set(Base.metadata.tables)  # the keyword index's tables are Core tables of store/keywords.py

    def table_of(difference: tuple | list) -> str:
        if isinstance(difference, list):  # a column's changes: [("modify_type", schema, table, column, ...), ...]
            return str(difference[0][2])
        found = difference[1]
        return getattr(found, "name", "") if difference[0].endswith("_table") else getattr(getattr(found, "table", None), "name", "")

    assert [d for d in differences if table_of(d) in ours] == []
    registry.close()


def test_a_registry_written_before_migrations_is_upgraded_in_place(registry_url):
    # As a release before migrations left it: create_all of its tables (aliases and article_bodies came later), with data.
    engine = create_engine(registry_url)
    old_tables = [table for name, table in Base.metadata.tables.items() if name in ("articles", "article_versions", "feeds", "feed_items", "analyses", "llm_calls")]
    Base.metadata.create_all(engine, tables=old_tables)
    with engine.begin() as connection:
        connection.execute(Base.metadata.tables["articles"].insert(), [{
            "id": "a" * 32, "title": "Kept", "source": "Test", "source_url": "u", "body": "b", "categories": [], "highlights": [],
            "sections": [], "content_hash": "h", "version": 1, "status": "ingested", "chunk_count": 0,
            "first_seen": datetime(2026, 1, 1, tzinfo=UTC), "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
        }])
    engine.dispose()

    registry = Registry(registry_url)
    assert registry.schema_before is None
    assert registry.get("a" * 32).title == "Kept"
    tables = set(inspect(registry.engine).get_table_names())
    assert {"aliases", "article_bodies", "analysis_claims", "alembic_version"} <= tables
    assert registry.add_alias("a" * 32, "https://example.com/elsewhere")
    again = Registry(registry_url)
    assert again.schema_before == migrations.head()
    registry.close()
    again.close()


def test_articles_whose_hash_now_covers_their_headings_keep_their_analyses(registry_url):
    """Revision 0009: an article with headings gets its new content hash, and its versions and analyses
    follow it, so its analysis is still its current one; an article without headings is untouched."""
    import hashlib

    from assay.types import Section

    headed = article(1).model_copy(update={"body": "Intro.\nOur view: it is slow.", "published": datetime(2026, 3, 4, tzinfo=UTC),
                                           "sections": [Section(heading=None, start=0, end=6), Section(heading="Our view", start=7, end=27)]})
    plain = article(2)
    registry = Registry(registry_url)
    for item in (headed, plain):
        registry.record_article(item, 0)
        assert registry.record_analysis(analysis_of(item), "key")
    registry.close()
    before = hashlib.sha256("\x1f".join([headed.title, headed.published.isoformat(), headed.body]).encode()).hexdigest()  # the old formula
    engine = create_engine(registry_url)
    with engine.begin() as connection:
        for table in ("articles", "article_versions", "analyses"):
            column = "id" if table == "articles" else "article_id"
            connection.execute(text(f"UPDATE {table} SET content_hash = :old WHERE {column} = :id"), {"old": before, "id": headed.id})
        connection.execute(text("UPDATE alembic_version SET version_num = '0008_removed_articles'"))
    engine.dispose()
    registry = Registry(registry_url)
    assert registry.schema_before == "0008_removed_articles"
    with registry.engine.connect() as connection:
        stored = {table: connection.execute(text(f"SELECT content_hash FROM {table} WHERE {column} = :id"), {"id": headed.id}).scalar_one()
                  for table, column in (("articles", "id"), ("article_versions", "article_id"), ("analyses", "article_id"))}
    assert set(stored.values()) == {headed.content_hash} and headed.content_hash != before
    assert registry.latest_analysis(headed.id) is not None and registry.latest_analysis(plain.id) is not None
    # What the old hash would have broken: an analysis made now (under the article's hash) is its current one.
    newer = analysis_of(headed).model_copy(update={"summary": "A newer summary of the article, long enough."})
    assert registry.record_analysis(newer, "key2") and registry.latest_analysis(headed.id).summary == newer.summary
    registry.close()


def test_an_article_removed_before_its_source_was_kept_is_still_known_removed(registry_url):
    """Revision 0011: a removed article's record gains the feed or file it was read from; one removed before
    has none, and is still found by its id."""
    item = article(1)
    registry = Registry(registry_url)
    registry.record_article(item, 0)
    removed = registry.remove_article(item.id)
    assert removed is not None and removed.read_from == item.source_url
    assert [r.article_id for r in registry.removed_read_from(item.source_url)] == [item.id]
    registry.close()
    engine = create_engine(registry_url)
    with engine.begin() as connection:  # as 0010 left it
        connection.execute(text("DROP INDEX ix_removed_articles_read_from"))
        connection.execute(text("ALTER TABLE removed_articles DROP COLUMN read_from"))
        connection.execute(text("UPDATE alembic_version SET version_num = '0010_read_by'"))
    engine.dispose()
    registry = Registry(registry_url)
    assert registry.schema_before == "0010_read_by"
    assert registry.removed_as(item.id[:10]).read_from is None and registry.removed_read_from(item.source_url) == []
    registry.close()


def test_a_registry_from_a_newer_release_is_refused_in_one_line(registry_url):
    Registry(registry_url).close()
    engine = create_engine(registry_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0999_from_the_future'"))
    engine.dispose()
    with pytest.raises(RegistryError, match=r"written by a newer Assay \(schema 0999_from_the_future\): upgrade Assay"):
        Registry(registry_url)


def test_a_failing_migration_leaves_the_database_as_it_was(registry_url, tmp_path, monkeypatch):
    folder = tmp_path / "migrations"
    shutil.copytree(migrations.FOLDER, folder, ignore=shutil.ignore_patterns("__pycache__"))
    failing = (folder / "versions" / "0999_fails.py")
    failing.write_text(
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f"revision = '0999_fails'\ndown_revision = {migrations.head()!r}\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    raise RuntimeError('the migration broke half-way')\n"
    )
    monkeypatch.setattr(migrations, "FOLDER", folder)
    with pytest.raises(Exception, match="broke half-way"):
        Registry(registry_url)
    engine = create_engine(registry_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert "half_done" not in tables and "articles" not in tables  # from nothing, all of it rolled back


def test_workers_opening_a_new_registry_at_once_migrate_it_once(registry_url):
    # Twelve, not four: with four, SQLite's journal-mode switch lost the race only under CI's load.
    with ThreadPoolExecutor(12) as pool:
        opened = list(pool.map(lambda _: Registry(registry_url), range(12)))
    for registry in opened:
        with registry.engine.connect() as connection:
            assert migrations.current(connection) == migrations.head()
        registry.close()


def test_db_upgrade_reports_the_revisions(assay_home, capsys):
    from assay.cli import main

    with pytest.raises(SystemExit) as done:
        main(["db", "upgrade", "--json"])
    assert done.value.code == 0
    assert f'"after": "{migrations.head()}"' in capsys.readouterr().out


# --- claims -------------------------------------------------------------------------------------


def analysis_of(item: Article) -> Analysis:
    return Analysis(article_id=item.id, content_hash=item.content_hash, summary="A summary of the article, long enough.",
                    highlights=[], entities=[], figures=[], statements=[], rhetoric_share=0.0,
                    provenance=Provenance(model="test", prompts={}, kind_decided_by="test", timings_s={}, analysed_at=datetime.now(UTC)))


def test_one_claim_per_article_a_lapsed_one_is_taken_over_and_its_late_result_refused(registry_url):
    # Two registries: two workers with connections of their own.
    first, second = Registry(registry_url), Registry(registry_url)
    item = article(1)
    first.record_article(item, 0)
    assert first.claim_analysis(item.id, "key", "worker-1", lease_s=60)
    assert not second.claim_analysis(item.id, "key", "worker-2", lease_s=60)
    assert second.claims() == {item.id: "worker-1"}

    assert first.renew_claim(item.id, "worker-1", lease_s=0.2)
    time.sleep(0.3)  # worker 1 stops renewing (killed): its lease lapses
    assert second.claims() == {}
    assert second.claim_analysis(item.id, "key", "worker-2", lease_s=60)
    assert not first.renew_claim(item.id, "worker-1", lease_s=60)
    assert not first.record_analysis(analysis_of(item), "key", claimed_by="worker-1")  # too late: nothing stored
    assert not first.has_analysis(item.id, "key")
    assert second.record_analysis(analysis_of(item), "key", claimed_by="worker-2")
    assert second.claims(live=False) == {}  # the claim ended with the analysis's commit
    assert second.has_analysis(item.id, "key") and second.unanalysed_ids() == []
    first.close()
    second.close()


def test_racing_workers_claim_each_article_exactly_once(registry_url):
    registries = [Registry(registry_url) for _ in range(4)]
    items = [article(n) for n in range(12)]
    for item in items:
        registries[0].record_article(item, 0)
    won: dict[str, list[str]] = {}
    lock = threading.Lock()

    def race(n: int) -> None:
        for item in items:
            if registries[n].claim_analysis(item.id, "key", f"worker-{n}", lease_s=60):
                with lock:
                    won.setdefault(item.id, []).append(f"worker-{n}")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(race, range(4)))
    assert sorted(won) == sorted(i.id for i in items)
    assert all(len(winners) == 1 for winners in won.values()), won
    for registry in registries:
        registry.close()


def test_the_migrations_are_packaged():
    assert (Path(migrations.__file__).parent / "env.py").is_file()
    assert {p.name for p in (Path(migrations.__file__).parent / "versions").glob("0*.py")} >= {"0001_baseline.py", "0003_analysis_claims.py"}


def test_latest_analyses_in_bulk_equal_one_by_one(registry_url):
    from tests.views_corpus import views_registry

    registry = views_registry(registry_url)
    try:
        ids = [a.id for a in registry.articles()]
        bulk = registry.latest_analyses()
        assert bulk == {i: registry.latest_analysis(i) for i in ids} and len(bulk) == len(ids)
        assert registry.latest_analyses(ids[:2]) == {i: bulk[i] for i in ids[:2]}
    finally:
        registry.close()


def test_the_prompts_of_each_articles_newest_analysis_are_read_without_the_analyses(registry_url):
    registry = Registry(registry_url)
    try:
        first, second = article(1), article(2)
        for item in (first, second):
            registry.record_article(item, 0)
        older = analysis_of(first)
        registry.record_analysis(older.model_copy(update={"provenance": older.provenance.model_copy(update={"prompts": {"summary": "4"}})}), "a")
        registry.record_analysis(older.model_copy(update={"provenance": older.provenance.model_copy(update={"prompts": {"summary": "5"}})}), "b")
        assert registry.analysed_prompts() == {first.id: {"summary": "5"}}  # the newest only; the unanalysed article not at all
    finally:
        registry.close()


def test_statement_vectors_are_embedded_once_and_read_back(registry_url):
    import numpy as np

    from assay.store.vector_cache import CachedEmbedding

    registry = Registry(registry_url)
    calls: list[list[str]] = []

    def embed(texts):
        calls.append(list(texts))
        return np.asarray([[len(t), 1.0, 0.5] for t in texts], dtype=np.float32)

    try:
        first = CachedEmbedding(registry, embed, "model-a")(["alpha", "beta", "alpha"])
        again = CachedEmbedding(registry, embed, "model-a")(["beta", "alpha", "gamma"])
        assert calls == [["alpha", "beta"], ["gamma"]]  # each text embedded once, across instances
        assert np.array_equal(first[0], again[1]) and np.array_equal(first[1], again[0]) and again[2][0] == 5
        CachedEmbedding(registry, embed, "model-b")(["alpha"])
        assert calls[-1] == ["alpha"]  # another model's vectors are its own
    finally:
        registry.close()


def test_how_an_article_was_read_is_kept_with_it(registry_url):
    registry = Registry(registry_url)
    notes = ["a scanned PDF of 2 pages: its text read by OCR (Tesseract)", "decoded as gb18030 (guessed)"]
    registry.record_article(article(7).model_copy(update={"reading_notes": notes}), chunk_count=1)
    assert registry.get(article(7).id).reading_notes == notes
    registry.record_article(article(8), chunk_count=1)
    assert registry.get(article(8).id).reading_notes == []
    # Re-read unchanged: the notes are refreshed where they differ, with no new version.
    newer = article(8).model_copy(update={"reading_notes": ["read by a newer reader"]})
    assert registry.refresh_reading([article(7).model_copy(update={"reading_notes": notes}), newer]) == {article(8).id: None}
    assert registry.get(article(8).id).reading_notes == ["read by a newer reader"] and registry.get(article(8).id).version == 1
    assert registry.refresh_reading([newer, article(9)]) == {}  # article 9 is not stored: nothing to refresh
    # a publisher a newer reader finds in the opening replaces the one read before, still with no new version
    assert registry.refresh_reading([newer.model_copy(update={"source": "Fastmarkets", "author": "Jane Doe"})]) == {article(8).id: "Test"}
    assert (registry.get(article(8).id).source, registry.get(article(8).id).author, registry.get(article(8).id).version) == (
        "Fastmarkets", "Jane Doe", 1)
    registry.close()



def test_a_cross_check_is_replaced_in_the_newest_analysis_only(registry_url):
    registry = Registry(registry_url)
    item = Article(id="c" * 32, title="Article", source="Test", source_url="https://example.com",
                   body="Lynas shipped 1,200 tonnes in October. The outlook is uncertain.")
    registry.record_article(item, 0)
    quote = "Lynas shipped 1,200 tonnes in October."
    statement = StatementAnalysis(quote=quote, start=0, end=len(quote), kind=Kind.fact, kind_confidence=0.9, attribution=Attribution.author,
                                  evidence=Evidence.none, rationale="a figure", crosscheck=CrossCheck(status="no_other_source"))
    assert registry.record_analysis(analysis_of(item).model_copy(update={"statements": [statement]}), "key")
    later = CrossCheck(status="corroborated", evidence=[EvidenceChunk(chunk_id="d-0", article_id="d" * 32, title="Later", similarity=0.8)])
    when = datetime(2026, 12, 3, tzinfo=UTC)
    assert registry.update_crosschecks(item.id, {(0, len(quote)): later}, when)
    stored = registry.latest_analysis(item.id)
    assert stored.statements[0].crosscheck == later and stored.provenance.crosschecked_at == when
    assert stored.statements[0].quote == quote and registry.has_analysis(item.id, "key")  # the key and the rest unchanged
    assert not registry.update_crosschecks("e" * 32, {}, when)  # no such article
    assert registry.analysed_mentioning(["d" * 32]) == {item.id} and registry.analysed_mentioning(["f" * 32, "%"]) == set()
    registry.close()


def test_a_removed_article_takes_its_record_with_it_and_is_remembered(registry_url):
    """`assay remove`'s registry half: the article's versions, analyses and URL aliases go with it (the
    foreign keys cascade, on both databases) and its id is remembered, by id, unique prefix and
    location, until the user takes it back; nothing else is touched."""
    registry = Registry(registry_url)
    kept, gone = article(1), article(2).model_copy(update={"url": "https://example.com/two"})
    for item in (kept, gone):
        registry.record_article(item, 0)
        assert registry.record_analysis(analysis_of(item), "key")
    registry.record_article(gone.model_copy(update={"body": "Body of article 2, edited.", "content_hash": "h2"}), 0)
    assert registry.add_alias(gone.id, "https://example.com/two-syndicated")

    removed = registry.remove_article(gone.id)
    assert (removed.article_id, removed.title, removed.location) == (gone.id, "Article 2", "https://example.com/two")
    assert registry.get(gone.id) is None and registry.latest_analysis(gone.id) is None
    assert registry.article_for_url("https://example.com/two-syndicated") is None
    with registry.session() as s:
        for table in ("article_versions", "analyses", "aliases"):
            assert s.execute(text(f"SELECT count(*) FROM {table} WHERE article_id = :id"), {"id": gone.id}).scalar() == 0
    assert [a.id for a in registry.articles()] == [kept.id] and registry.latest_analysis(kept.id) is not None
    assert registry.remove_article(gone.id) is None  # removing again does nothing

    assert registry.removed([gone.id, kept.id]) == {gone.id: removed}
    assert registry.removed([], locations=["https://example.com/two"]) == {"https://example.com/two": removed}
    assert registry.removed_as(gone.id[:12]) == removed and registry.removed_as("f") is None
    registry.unremove([gone.id])
    assert registry.removed([gone.id]) == {} and registry.removed_as(gone.id) is None
    registry.close()


def test_articles_are_listed_newest_first_and_undated_last_on_either_database(registry_url):
    registry = Registry(registry_url)  # PostgreSQL sorts NULL first in a descending order, SQLite last
    for n, day in ((1, None), (2, datetime(2026, 11, 2, tzinfo=UTC)), (3, datetime(2026, 11, 3, tzinfo=UTC))):
        registry.record_article(article(n).model_copy(update={"published": day}), 0)
    assert [a.title for a in registry.articles()] == ["Article 3", "Article 2", "Article 1"]
    registry.close()
