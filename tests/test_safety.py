"""Issue 13, "never destroy or hide what a user owns": the report folder, the registry's faults,
and the consistency check and backup of registry and chunk store.

Everything here is real: SQLite files and embedded Chroma in temporary folders, damaged by writing
into the files. Two faults cannot be made for real in a test and are made as close as SQLite
allows, each said where it is done: a full disk (SQLite's own page limit, which fails with the same
SQLITE_FULL error) and a database server that is down (needs its driver; without one, the
missing driver is the fault tested).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, event, text

from assay.chunking import chunk_article
from assay.report import MANIFEST, ReportFolderError, page_name, write_report
from assay.settings import Settings
from assay.store.keywords import KeywordIndex, KeywordRow
from assay.store.maintenance import BACKUP_MANIFEST, BackupError, backup, check, repair
from assay.store.registry import ArticleBodyRow, ArticleVersionRow, Registry, RegistryError, body_hash
from assay.store.vectors import ChunkStore
from assay.types import Article, Section

REPO = Path(__file__).resolve().parents[1]
DIM = 384


def article(n: int, *, extra: str = "", url: str | None = None) -> Article:
    body = " ".join(f"Sentence {i} of article {n} says Lynas shipped {n * 100 + i} tonnes of NdPr oxide." for i in range(40))
    body += extra
    return Article(
        id=f"{n:016x}", url=url or f"https://example.com/news/{n}", title=f"Article {n}", source="Test Feed",
        source_url="https://example.com/feed.xml", published=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n),
        body=body, sections=[Section(heading=None, start=0, end=len(body))],
    )


def registry_at(folder: Path) -> Registry:
    return Registry(f"sqlite:///{folder / 'registry.sqlite'}")


def filled_registry(folder: Path, n: int = 25) -> tuple[Registry, list[Article]]:
    registry = registry_at(folder)
    articles = [article(i) for i in range(1, n + 1)]
    for one in articles:
        registry.record_article(one, chunk_count=3)
    return registry, articles


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (links not followed) and its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


# --- the report folder ---------------------------------------------------------------------------------


class Catalog:
    """Articles without analyses: enough for the report's folder handling."""

    def __init__(self, registry: Registry, only: list[str] | None = None):
        self.registry, self.only = registry, only

    def articles(self):
        return [a for a in self.registry.articles() if self.only is None or a.id in self.only]

    def latest_analysis(self, article_id):
        return None


@pytest.fixture
def catalog(tmp_path) -> Catalog:
    registry, _ = filled_registry(tmp_path / "home", n=4)
    return Catalog(registry)


def test_report_refuses_a_folder_that_is_not_a_report_and_writes_nothing(tmp_path, catalog):
    site = tmp_path / "documents"
    site.mkdir()
    (site / "thesis.html").write_text("my thesis")
    (site / "articles").mkdir()
    (site / "articles" / "draft.html").write_text("my draft")
    before = snapshot(site)
    with pytest.raises(ReportFolderError) as caught:
        write_report(site, catalog)
    assert str(caught.value) == (
        f"{site} is not empty and is not an Assay report: choose an empty folder or an earlier report's folder"
    )
    assert snapshot(site) == before and not (site / MANIFEST).exists() and not (site / "index.html").exists()


def test_report_rewrite_removes_only_the_stale_pages_its_manifest_lists(tmp_path, catalog):
    site, ids = tmp_path / "site", [a.id for a in catalog.articles()]
    eval_report = tmp_path / "eval.html"
    eval_report.write_text("<!doctype html><title>Eval</title>")
    write_report(site, catalog, eval_report)
    manifest = json.loads((site / MANIFEST).read_text())
    assert manifest["format"] == "assay-report/1"
    assert set(manifest["files"]) == {"index.html", "eval/report.html", *(f"articles/{page_name(i)}" for i in ids)}

    # The user's files, some named and placed like the report's own.
    (site / "notes.txt").write_text("mine")
    (site / "articles" / "mine.html").write_text("mine")
    (site / "articles" / f"{'f' * 16}.html").write_text("mine, named like a page")
    (site / "eval" / "notes.txt").write_text("mine")

    write_report(site, Catalog(catalog.registry, only=ids[:2]))  # two articles gone, no eval report now
    pages = {p.name for p in (site / "articles").iterdir()}
    assert pages == {page_name(i) for i in ids[:2]} | {"mine.html", f"{'f' * 16}.html"}
    assert not (site / "eval" / "report.html").exists()
    for mine in ("notes.txt", "articles/mine.html", f"articles/{'f' * 16}.html", "eval/notes.txt"):
        assert (site / mine).read_text().startswith("mine"), mine
    assert set(json.loads((site / MANIFEST).read_text())["files"]) == {"index.html", *(f"articles/{page_name(i)}" for i in ids[:2])}
    assert not list(site.rglob("*.assay-tmp-*"))


@pytest.mark.parametrize("link", ["articles", "eval", "index.html"])
def test_report_never_writes_or_deletes_through_a_symbolic_link(tmp_path, catalog, link):
    site, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    eval_report = tmp_path / "eval.html"
    eval_report.write_text("<!doctype html><title>Eval</title>")
    write_report(site, catalog, eval_report)
    elsewhere.mkdir()
    for name in ["precious.html", "report.html", *(page_name(a.id) for a in catalog.articles())]:
        (elsewhere / name).write_text(f"the user's {name}")
    (site / link).unlink() if (site / link).is_file() else shutil.rmtree(site / link)
    (site / link).symlink_to(elsewhere if link != "index.html" else elsewhere / "precious.html")
    before, site_before = snapshot(elsewhere), snapshot(site)

    with pytest.raises(ReportFolderError) as caught:
        write_report(site, Catalog(catalog.registry, only=[]))  # would delete every page and the eval page
    assert str(caught.value).startswith(f"{site / link} is a symbolic link: the report writes nothing through links")
    assert snapshot(elsewhere) == before and snapshot(site) == site_before


def test_report_adopts_an_earlier_release_report_but_nothing_more(tmp_path, catalog):
    site, ids = tmp_path / "report", [a.id for a in catalog.articles()]
    eval_report = tmp_path / "eval.html"
    eval_report.write_text("<!doctype html><title>Eval</title>")
    write_report(site, catalog, eval_report)
    (site / MANIFEST).unlink()  # as ASSAY_HOME/report looks after a release without manifests

    foreign = site / "articles" / "readme.txt"
    foreign.write_text("mine")
    with pytest.raises(ReportFolderError, match="is not empty and is not an Assay report"):
        write_report(site, catalog)
    foreign.unlink()

    write_report(site, Catalog(catalog.registry, only=ids[:1]))
    assert {p.name for p in (site / "articles").iterdir()} == {page_name(ids[0])}
    assert not (site / "eval").exists()
    assert json.loads((site / MANIFEST).read_text())["files"] == sorted(["index.html", f"articles/{page_name(ids[0])}"])

    # A page not made by Assay's templates, even named like one, is not adopted.
    (site / MANIFEST).unlink()
    (site / "articles" / f"{'e' * 16}.html").write_text("<html><title>Mine</title></html>")
    with pytest.raises(ReportFolderError, match="is not an Assay report"):
        write_report(site, catalog)


def test_a_report_that_stops_half_way_leaves_the_old_files_and_a_folder_it_still_owns(tmp_path, catalog, monkeypatch):
    import assay.report

    site = tmp_path / "site"
    write_report(site, catalog)
    old_index = (site / "index.html").read_bytes()

    def crash(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(assay.report, "render_index", crash)
    with pytest.raises(RuntimeError, match="killed"):
        write_report(site, Catalog(catalog.registry, only=[]))
    assert (site / "index.html").read_bytes() == old_index  # never half-written
    monkeypatch.undo()
    (site / ".index.html.assay-tmp-0123abcd").write_text("half")  # as a killed process would leave it
    write_report(site, catalog)  # the folder is still the report's
    assert not list(site.rglob("*.assay-tmp-*"))


# --- the registry: lookups --------------------------------------------------------------------------


def test_id_prefixes_are_hex_and_wildcards_match_nothing(tmp_path):
    registry, articles = filled_registry(tmp_path, n=3)
    for ref in ("%", "_", "%%", "0%", "0_", "", " ", "zz", "0000000000000001%"):
        assert registry.get(ref) is None, ref
    assert registry.get("0000000000000002").id == articles[1].id
    assert registry.get("000000000000000") is None  # not unique
    assert registry.get("0000000000000003").id == articles[2].id and registry.get("00000000000000030") is None
    assert registry.get("000000000000000" + "3").title == "Article 3"


# --- the registry: faults ---------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    message = str(exc)
    assert "\n" not in message and len(message) < 400, message
    return message


def test_a_registry_the_user_cannot_write_is_read_read_only(tmp_path):
    """Real permissions: the registry is made here, then its folder (0o555) and file (0o444) are
    made read-only and a child process reads it as a user without write access. Tests run as root,
    whom permissions do not stop, so as root the child runs as `nobody` through util-linux's
    `setpriv` (skipped where there is none); otherwise as this user."""
    folder = Path(tempfile.mkdtemp(prefix="assay-readonly-"))  # under /tmp, which `nobody` may enter
    try:
        folder.chmod(0o755)
        registry, _ = filled_registry(folder, n=3)
        registry.close()
        (folder / "registry.sqlite").chmod(0o444)
        folder.chmod(0o555)
        script = f"""
from assay.store.registry import Registry, RegistryError
from assay.types import Article
registry = Registry({f"sqlite:///{folder / 'registry.sqlite'}"!r})
print(registry.read_only)
print(registry.counts()["articles"], registry.get("0000000000000002").title, registry.article_for_url("https://example.com/news/3"))
try:
    registry.record_article(Article(id="09", title="New", source="s", source_url="s", body="b"), chunk_count=1)
except RegistryError as exc:
    print(exc)
"""
        command = [sys.executable, "-c", script]
        if os.geteuid() == 0:
            if shutil.which("setpriv") is None:
                pytest.skip("running as root, and no setpriv to run the reader as another user")
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        reason, read, refused = done.stdout.strip().splitlines()
        path = folder / "registry.sqlite"
        assert reason == f"this user cannot write to {path}"
        assert read == "3 Article 2 0000000000000003"
        assert refused == f"the registry {path} is read-only: {reason}; run as a user who may write there, or make it writable"
        assert not (folder / "registry.sqlite-wal").exists()
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def test_a_read_only_folder_is_detected_before_sqlite_is_asked(tmp_path, monkeypatch):
    """The same path in this process, for any user: `os.access` is made to answer that nothing is
    writable (as it does for a user without permission), so the registry is opened through
    SQLite's read-only URI; SQLite itself then refuses writes, whoever runs the test."""
    registry, articles = filled_registry(tmp_path, n=2)
    registry.close()
    before = (tmp_path / "registry.sqlite").read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if mode & os.W_OK else real_access(path, mode, **kw))
    reader = registry_at(tmp_path)
    assert reader.read_only == f"this user cannot write to {tmp_path / 'registry.sqlite'}"
    assert "mode=ro" in str(reader.engine.url)
    assert reader.counts()["articles"] == 2 and reader.find_by_body_hash(body_hash(articles[0].body)) == articles[0].id
    with pytest.raises(RegistryError, match=r"is read-only: .*make it writable$"):
        reader.record_article(article(7), chunk_count=1)
    assert reader.refresh_reading([articles[0].model_copy(update={"reading_notes": ["read again"]})]) == {}  # no content: kept as they are, no error
    with pytest.raises(RegistryError, match="is read-only"):  # past the check, SQLite refuses too
        with reader.session() as s:
            s.execute(text("DELETE FROM articles"))
    reader.close()
    assert (tmp_path / "registry.sqlite").read_bytes() == before


def _damage(path: Path, how: str) -> None:
    size = path.stat().st_size
    if how == "truncated":
        os.truncate(path, size // 2)
    elif how == "zeroed page":
        with path.open("r+b") as f:
            f.seek((size // 4096 // 2) * 4096)
            f.write(b"\0" * 4096)
    else:
        path.write_bytes(b"Just some text, not a database at all.\n" * 200)


@pytest.mark.parametrize("how", ["truncated", "zeroed page", "not a database"])
def test_a_damaged_registry_is_reported_not_read_as_empty(tmp_path, how):
    registry, _ = filled_registry(tmp_path, n=25)
    registry.close()
    path = tmp_path / "registry.sqlite"
    _damage(path, how)
    damaged = path.read_bytes()
    with pytest.raises(RegistryError) as caught:
        registry_at(tmp_path)
    message = _one_line(caught.value)
    assert message.startswith(f"the registry {path} is damaged (")
    assert message.endswith("restore it from a backup (`assay backup`) or move it away to start afresh")
    assert path.read_bytes() == damaged  # opening it changed nothing


def test_damage_found_by_a_query_is_a_registry_error_too(tmp_path):
    registry, _ = filled_registry(tmp_path, n=3)
    registry.close()
    _damage(tmp_path / "registry.sqlite", "not a database")
    with pytest.raises(RegistryError, match="is damaged .*move it away to start afresh$"):
        registry.counts()  # a fresh connection, past the check made when it was opened


def test_a_full_disk_is_named_and_loses_nothing(tmp_path):
    """SQLite's page limit (`PRAGMA max_page_count`) fails a write with SQLITE_FULL, the error a
    full disk gives: the registry's handling is what is tested, not the file system."""
    registry, _ = filled_registry(tmp_path, n=3)
    before = registry.counts()

    def limit(connection, _record):
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    registry.engine.dispose()
    event.listen(registry.engine, "connect", limit)
    with pytest.raises(RegistryError) as caught:
        registry.record_article(article(50, extra=" More text." * 5000), chunk_count=1)
    assert _one_line(caught.value) == (
        f"no space left on the device holding {tmp_path / 'registry.sqlite'}: free some space, then run the command again"
    )
    event.remove(registry.engine, "connect", limit)
    registry.engine.dispose()
    assert registry.counts() == before and registry.get("0000000000000032") is None


def test_a_database_server_that_does_not_answer_is_named_without_its_password(tmp_path):
    """A closed port on loopback. A plain postgresql:// URL gets the driver Assay ships (psycopg 3)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for scheme in ("postgresql", "postgresql+psycopg"):
        url = f"{scheme}://assay:s3cret@127.0.0.1:{port}/assay"
        with pytest.raises(RegistryError) as caught:
            Registry(url)
        message = _one_line(caught.value)
        assert "s3cret" not in message and f"postgresql+psycopg://assay:***@127.0.0.1:{port}/assay" in message
        assert message.startswith("cannot reach the database server at") and "correct ASSAY_DATABASE_URL" in message


def test_a_missing_database_driver_names_the_package(tmp_path):
    with pytest.raises(RegistryError, match=r"\(no module 'pymysql'\): pip install pymysql, or correct ASSAY_DATABASE_URL"):
        Registry("mysql+pymysql://assay:s3cret@127.0.0.1:9/assay")


def test_after_close_the_registry_file_alone_is_a_complete_copy(tmp_path):
    registry, _ = filled_registry(tmp_path / "live", n=5)
    live = tmp_path / "live" / "registry.sqlite"

    def copy_alone(name: str) -> dict[str, int]:
        (tmp_path / name).mkdir()
        shutil.copyfile(live, tmp_path / name / "registry.sqlite")  # the file only: no -wal, no -shm
        counts = sqlite3.connect(tmp_path / name / "registry.sqlite").execute(
            "SELECT name FROM sqlite_master WHERE name = 'articles'").fetchall()
        return registry_at(tmp_path / name).counts() if counts else {"articles": 0}

    assert copy_alone("before")["articles"] < 5  # the control: the rows were still in the -wal file
    registry.close()
    assert not Path(f"{live}-wal").exists() or Path(f"{live}-wal").stat().st_size == 0
    assert copy_alone("after") == registry.counts()
    assert registry.counts()["articles"] == 5  # still usable after close


def test_two_ingests_recording_the_same_content_at_once_write_one_version(tmp_path):
    registry = registry_at(tmp_path)
    for n in range(1, 6):
        for content in (article(n), article(n, extra=" Updated: output doubled.")):
            barrier, errors, versions = threading.Barrier(4), [], []

            def record(one=content, barrier=barrier, versions=versions, errors=errors):
                barrier.wait()
                try:
                    versions.append(registry.record_article(one, chunk_count=2))
                except Exception as exc:  # noqa: BLE001 - collected and asserted on below
                    errors.append(exc)

            threads = [threading.Thread(target=record) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == [] and len(set(versions)) == 1
    registry.record_article(article(1, extra=" Updated: output doubled."), chunk_count=2)  # later, same content again
    with registry.session() as s:
        rows = s.execute(text("SELECT article_id, count(*) FROM article_versions GROUP BY article_id")).all()
    assert sorted(rows) == [(f"{n:016x}", 2) for n in range(1, 6)]
    assert {registry.get(f"{n:016x}").version for n in range(1, 6)} == {2}


def test_syndicated_copies_are_found_by_alias_and_by_body(tmp_path):
    registry, articles = filled_registry(tmp_path, n=3)
    first = articles[0]
    assert registry.article_for_url(first.url) == first.id and registry.article_for_url("https://mirror.example/a") is None
    assert registry.add_alias(first.id, "https://mirror.example/a") is True
    assert registry.add_alias(first.id, "https://mirror.example/a") is False
    assert registry.add_alias(articles[1].id, "https://mirror.example/a") is False  # the first claim keeps the URL
    assert registry.add_alias(articles[1].id, first.url) is False
    assert registry.article_for_url("https://mirror.example/a") == first.id
    with pytest.raises(KeyError):
        registry.add_alias("ffffffffffffffff", "https://mirror.example/b")

    reflowed = "  " + first.body.replace(" ", "\n", 5) + "\n"
    assert registry.find_by_body_hash(body_hash(reflowed)) == first.id
    assert registry.find_by_body_hash(body_hash("no such body")) is None


def test_a_registry_of_an_earlier_release_gains_the_new_tables_and_loses_nothing(tmp_path):
    registry, articles = filled_registry(tmp_path, n=3)
    with registry.session() as s:  # as an earlier release left it: no migrations, aliases, body hashes, url index...
        for table in ("alembic_version", "aliases", "article_bodies", "analysis_claims", "keyword_vocab", "keyword_fts", "keyword_chunks",
                      "watch_alerts", "watch_items", "statement_vectors", "removed_articles"):  # every table a migration adds
            s.execute(text(f"DROP TABLE {table}"))
        s.execute(text("DROP INDEX ix_articles_url"))
    registry.close()
    again = registry_at(tmp_path)
    assert again.counts()["articles"] == 3
    assert again.find_by_body_hash(body_hash(articles[2].body)) == articles[2].id  # hashed on first use
    with again.session() as s:
        assert s.query(ArticleBodyRow).count() == 3 and s.query(ArticleVersionRow).count() == 3
        s.execute(delete(ArticleBodyRow).where(ArticleBodyRow.article_id == articles[1].id))
    assert again.find_by_body_hash(body_hash(articles[1].body)) == articles[1].id
    assert again.add_alias(articles[0].id, "https://mirror.example/x") is True


# --- consistency and backup ----------------------------------------------------------------------------


def vectors(n: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def corpus(home: Path, n: int = 4) -> tuple[Settings, Registry, ChunkStore, list[Article]]:
    """Articles recorded with their chunks stored and indexed, as ingestion leaves them."""
    settings = Settings(home=home, chroma_url=None, database_url=None)
    registry, store = Registry(settings.registry_url), ChunkStore(settings)
    articles = [article(i) for i in range(1, n + 1)]
    for i, one in enumerate(articles):
        chunks = chunk_article(one, 400, 50)
        store.upsert([(one, chunks, vectors(len(chunks), i))])
        KeywordIndex(registry).add(KeywordRow(c.id, one.id, c.text) for c in chunks)
        registry.record_article(one, chunk_count=len(chunks))
    return settings, registry, store, articles


def test_doctor_finds_an_orphan_chunk_and_repair_removes_only_it(tmp_path):
    _, registry, store, articles = corpus(tmp_path / "home")
    keywords = KeywordIndex(registry)
    assert check(registry, store, keywords).ok
    # An ingest that stopped between storing (and indexing) chunks and recording the article, and a chunk lost.
    stray = article(99)
    stray_chunks = chunk_article(stray, 400, 50)
    store.upsert([(stray, stray_chunks, vectors(len(stray_chunks), 99))])
    keywords.add(KeywordRow(c.id, stray.id, c.text) for c in stray_chunks)
    lost = sorted(store.chunk_ids(articles[1].id))[0]
    store.delete([lost])
    counts_before, chunks_before = registry.counts(), store.count()

    found = check(registry, store, keywords)
    assert not found.ok
    assert found.orphan_chunks == sorted(c.id for c in stray_chunks)
    assert found.missing == [articles[1].id]
    registered = registry.get(articles[1].id).chunk_count
    assert found.chunk_counts == {articles[1].id: (registered, registered - 1)}
    assert found.keyword_index == "stale" and found.keyword_extra == [lost] and found.keyword_missing == []
    assert found.articles == 4 and found.chunks == chunks_before

    done = repair(registry, store, found, keywords)
    assert done.deleted_chunks == found.orphan_chunks and done.reingest == [articles[1].id]
    assert (done.keyword_rows_added, done.keyword_rows_deleted) == (0, len(stray_chunks) + 1)  # the orphans' rows and the lost chunk's
    assert store.count() == chunks_before - len(stray_chunks)
    assert registry.counts() == counts_before  # the registry is the record of truth: untouched
    after = check(registry, store, keywords)
    assert after.orphan_chunks == [] and after.missing == [articles[1].id] and after.keyword_index == "current"


def test_repair_spares_a_chunk_whose_article_was_recorded_meanwhile(tmp_path):
    _, registry, store, _ = corpus(tmp_path / "home", n=1)
    late = article(42)
    chunks = chunk_article(late, 400, 50)
    store.upsert([(late, chunks, vectors(len(chunks), 42))])
    found = check(registry, store)
    registry.record_article(late, chunk_count=len(chunks))  # the ingest finished after the check
    assert repair(registry, store, found).deleted_chunks == []
    assert check(registry, store).ok


@pytest.mark.slow
def test_doctor_finds_a_graph_whose_vectors_cannot_be_read_and_repair_rebuilds_it_keeping_the_old_one(tmp_path, monkeypatch):
    """The damage two processes writing at once left (before turns): counts and queries answer, the
    vectors of some chunks cannot be read back. Made here by zeroing part of the graph's vector file,
    which gives the same error ("Error getting embedding")."""
    from assay import api
    from assay.cli import main

    # Past Chroma's sync threshold (1,000 chunks): below it the vectors are also read from its log.
    settings, registry, store, articles = corpus(tmp_path / "home", n=140)
    monkeypatch.setenv("ASSAY_HOME", str(settings.home))
    chunks = store.count()
    with store._use():
        store._folder.close()  # as if this process had ended
        (graph,) = settings.chroma_path.glob("*/data_level0.bin")
        size = graph.stat().st_size
        with graph.open("r+b") as damaged:
            damaged.seek(size // 3)
            damaged.write(b"\0" * (size // 3))
    found = api.doctor(settings).check
    assert not found.ok and 0 < found.unreadable_vectors < chunks
    assert (found.orphan_chunks, found.missing, found.keyword_index) == ([], [], "current")  # what doctor saw before: nothing

    repaired = api.doctor(settings, repair=True)
    aside = Path(repaired.moved_aside)
    assert aside.parent == settings.home and aside.name.startswith("chroma.damaged-") and (aside / "chroma.sqlite3").exists()
    assert sorted(repaired.restored) == sorted(a.id for a in articles)
    # Stored again as ingestion stores them (the shipped chunk size, not this corpus's 400 characters).
    rebuilt = sum(registry.chunk_counts().values())
    assert repaired.after.ok and repaired.after.unreadable_vectors == 0 and store.count() == rebuilt > 0
    assert sum(len(r.ids) for r in store.records()) == rebuilt

    # The CLI says it in lines a user can act on, and exit 0 once whole.
    with pytest.raises(SystemExit) as exited:
        main(["doctor"])
    assert exited.value.code == 0


def test_backup_restores_into_a_working_registry_and_store(tmp_path):
    settings, registry, store, articles = corpus(tmp_path / "home")
    registry.add_alias(articles[0].id, "https://mirror.example/a")
    target = tmp_path / "backups" / "monday"
    # What the user wrote into the data folder: restored with the corpus, or a restored home analyses with the
    # shipped prompts and merges none of their aliases (a backup had left these out).
    mine = {"aliases.toml": '[[entity]]\nname = "Lynas Rare Earths"\naliases = ["Lynas Corp"]\n', "sources.toml": '[types]\n"Mining Weekly" = "news"\n',
            "prompts/release.yaml": 'summary: "6"\n', "prompts/summary/v6.yaml": "name: summary\n", "pasted/3f2a.txt": "A pasted text.\n"}
    for name, written in mine.items():
        (settings.home / name).parent.mkdir(parents=True, exist_ok=True)
        (settings.home / name).write_text(written)

    made = backup(settings, registry, store, target)
    assert made.check.ok and made.articles == 4 and made.chunks == store.count() and made.check.keyword_index == "current"
    assert json.loads((target / BACKUP_MANIFEST).read_text())["format"] == "assay-backup/1"
    assert made.files == ["aliases.toml", "sources.toml", "pasted", "prompts"]
    assert {name: (target / name).read_text() for name in mine} == mine

    # Restore: the backup is an ASSAY_HOME of its own; copy it into place as a user would.
    home = tmp_path / "restored"
    shutil.copytree(target, home)
    restored_settings = Settings(home=home, chroma_url=None, database_url=None)
    restored, restored_store = Registry(restored_settings.registry_url), ChunkStore(restored_settings)
    assert restored.counts() == registry.counts()
    assert restored_store.count() == store.count() and check(restored, restored_store, KeywordIndex(restored)).ok
    assert restored.article_for_url("https://mirror.example/a") == articles[0].id
    original = {r.ids[i]: r.embeddings[i] for r in store.records() for i in range(len(r.ids))}
    copied = {r.ids[i]: (r.embeddings[i], r.metadatas[i]) for r in restored_store.records() for i in range(len(r.ids))}
    assert original.keys() == copied.keys()
    assert all(np.allclose(original[k], copied[k][0]) for k in original)
    some = sorted(original)[3]
    nearest = restored_store.nearest(original[some][None, :], k=1)[0][0]
    assert nearest.chunk_id == some and nearest.similarity == pytest.approx(1.0, abs=1e-4)
    assert nearest.article_id == store.chunks([some])[0].article_id


def test_a_backup_that_fails_leaves_nothing_and_the_same_command_then_works(tmp_path, monkeypatch):
    """Seen on a full disk: `assay backup` stopped with "no space left for the chunk store", leaving a registry
    without its chunks (a folder that looked like a backup), which the same command then refused as not empty."""
    from assay.store.vectors import ChunkStoreFull

    settings, registry, store, _ = corpus(tmp_path / "home", n=2)
    real = ChunkStore.add_records

    def full(self, records):
        raise ChunkStoreFull("no space left for the chunk store: free some space and run the command again")

    monkeypatch.setattr(ChunkStore, "add_records", full)
    new, empty = tmp_path / "backups" / "monday", tmp_path / "chosen"
    empty.mkdir()
    for target in (new, empty):
        with pytest.raises(ChunkStoreFull):
            backup(settings, registry, store, target)
    assert not new.exists() and list(empty.iterdir()) == []  # the folder it made goes; the user's empty folder stays
    monkeypatch.setattr(ChunkStore, "add_records", real)
    (settings.home / "prompts" / "summary").mkdir(parents=True)
    (settings.home / "prompts" / "summary" / "v6.yaml").write_text("name: summary\n")
    (settings.home / "aliases.toml").write_text("")
    from assay.store import maintenance

    def disk_full(*args, **kwargs):  # after the user's files were copied
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(maintenance, "check", disk_full)
    with pytest.raises(OSError):
        backup(settings, registry, store, empty)
    assert list(empty.iterdir()) == []  # the copied prompts and aliases go with the rest
    monkeypatch.undo()
    assert backup(settings, registry, store, empty).check.ok and (empty / "prompts" / "summary" / "v6.yaml").is_file()


def test_backup_overwrites_nothing(tmp_path):
    settings, registry, store, _ = corpus(tmp_path / "home", n=1)
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "registry.sqlite").write_text("the user's")
    with pytest.raises(BackupError, match="is not empty: back up into a new or empty folder"):
        backup(settings, registry, store, target)
    assert snapshot(target) == {"registry.sqlite": b"the user's"}
