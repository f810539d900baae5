"""The article registry: articles and their versions, feed state, timestamps (SQLAlchemy).

SQLite under ASSAY_HOME by default; any SQLAlchemy URL (Postgres, say) through
ASSAY_DATABASE_URL. The registry is the record of truth for what was ingested:
an article row exists only once its chunks are in Chroma.

What the user owns is never lost or hidden behind a traceback: every database failure comes out
of the public methods as a `RegistryError` whose one line names the cause and the fix (a damaged
or truncated file, a full disk, a read-only folder, a server that does not answer, a missing
driver). A SQLite registry is checked (`PRAGMA quick_check`) when it is opened, so a damaged page
is reported instead of read as an empty corpus; a folder this user cannot write is opened
read-only, so reading needs no write access; and `close()` (also run at process exit) folds the
write-ahead log back into the file, so the registry file alone is a complete copy.

The schema is versioned with Alembic (`store/migrations`, the same history for SQLite and
PostgreSQL): a registry is migrated on first use by a release that knows a newer revision (or by
`assay db upgrade`), and one written by a newer release is refused with a message, not misread.
"""

from __future__ import annotations

import atexit
import copy
import hashlib
import logging
import os
import re
import sqlite3
import time
import weakref
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    cast,
    create_engine,
    delete,
    event,
    func,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from assay.store import migrations
from assay.store.disk import free_bytes
from assay.types import Analysis, Article, CrossCheck, RemovedArticle, StoredArticle, Version
from assay.watch import NewAlert, WatchAlert, WatchItem, WatchKind, WatchSpec

log = logging.getLogger(__name__)

_HEX = re.compile(r"[0-9a-f]+")
WAL_SWITCH_WAIT_S = 5.0  # as long as Python's sqlite3 waits on a lock by default
CHECKPOINT_WAIT_MS = 200  # close() waits this long for another process's transaction, then leaves the log to it
# An analysis stores some tens of KB (its JSON 10-15 KB, its model calls and statement vectors); below this, `Registry.too_full`.
REGISTRY_MIN_FREE = 1024 * 1024
# Python packages of the drivers SQLAlchemy's URLs name by default, for the message when one is missing.
_DRIVER_PACKAGES = {
    "psycopg2": "psycopg2-binary", "psycopg": "psycopg[binary]", "pg8000": "pg8000", "asyncpg": "asyncpg",
    "pymysql": "pymysql", "MySQLdb": "mysqlclient", "mysql": "mysql-connector-python", "oracledb": "oracledb",
    "pyodbc": "pyodbc",
}




class RegistryError(RuntimeError):
    """The registry cannot do what was asked; the message is one line naming the cause and the fix."""


def body_hash(body: str) -> str:
    """What syndicated copies of an article share: the clean body, whitespace runs counted as one space."""
    return hashlib.sha256(" ".join(body.split()).encode()).hexdigest()


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class ArticleRow(Base):
    __tablename__ = "articles"
    # Syndicated copies are looked up by URL. An index is no migration: created where missing, old releases ignore it.
    __table_args__ = (Index("ix_articles_url", "url"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str | None] = mapped_column(Text)
    guid: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str] = mapped_column(Text)
    categories: Mapped[list] = mapped_column(default=list)
    highlights: Mapped[list] = mapped_column(default=list)
    body: Mapped[str] = mapped_column(Text)
    sections: Mapped[list] = mapped_column(default=list)
    reading_notes: Mapped[list] = mapped_column(default=list, server_default=sql_text("'[]'"))
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="ingested")
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_stored(self) -> StoredArticle:
        stored = StoredArticle.model_validate(self, from_attributes=True)
        return stored.model_copy(update={name: as_utc(getattr(stored, name)) for name in ("published", "first_seen", "updated_at")})


class ArticleVersionRow(Base):
    """Every content the article has had: a changed article keeps its history."""

    __tablename__ = "article_versions"

    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    highlights: Mapped[list] = mapped_column(default=list)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_by: Mapped[str | None] = mapped_column(String(16), nullable=True)  # READER_VERSION; None: before it was kept


class FeedRow(Base):
    __tablename__ = "feeds"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    title: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_checked: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(Text)


class SeenItemRow(Base):
    """guids a feed has shown, and the article each became."""

    __tablename__ = "feed_items"

    feed_url: Mapped[str] = mapped_column(ForeignKey("feeds.url", ondelete="CASCADE"), primary_key=True)
    guid: Mapped[str] = mapped_column(Text, primary_key=True)
    article_id: Mapped[str | None] = mapped_column(String(32))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)


class AnalysisRow(Base):
    """An article's analysis, keyed by everything that produced it: re-analysing with the same
    content, prompts, classifier and model is a lookup, not an LLM call."""

    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    cache_key: Mapped[str] = mapped_column(String(64), index=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(Text)
    prompts: Mapped[dict] = mapped_column(default=dict)
    classifier: Mapped[str] = mapped_column(String(64), doc="the kind decider (the fitted classifiers in earlier versions)")
    analysis: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnalysisClaimRow(Base):
    """Who is analysing an article now: a lease, so that two workers never analyse one article at
    once. The holder renews it while it works; one that dies stops renewing, the lease lapses and
    another worker takes the article. Stored with the analysis's own commit, its deletion frees the
    article only once the analysis is there."""

    __tablename__ = "analysis_claims"

    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    cache_key: Mapped[str] = mapped_column(String(64))
    worker: Mapped[str] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class StatementVectorRow(Base):
    """A statement's embedding (float32 bytes), keyed by a hash of the model and the text: the same
    words have the same vector in every article and every run."""

    __tablename__ = "statement_vectors"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class LLMCallRow(Base):
    """Every prompt and response, as simonw/llm logs them: what was asked, of which model, at what cost."""

    __tablename__ = "llm_calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    prompt: Mapped[str | None] = mapped_column(String(64), doc="prompt name")
    prompt_version: Mapped[str | None] = mapped_column(String(32))
    article_id: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(Text)
    input_hash: Mapped[str] = mapped_column(String(64))
    input: Mapped[str] = mapped_column(Text)
    output: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    latency_s: Mapped[float] = mapped_column(default=0.0)
    cost_usd: Mapped[float | None] = mapped_column(doc="None where the model's price is unknown")


class AliasRow(Base):
    """Other URLs an article is known by (syndicated copies, tracking variants): one article per URL."""

    __tablename__ = "aliases"

    url: Mapped[str] = mapped_column(Text, primary_key=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class ArticleBodyRow(Base):
    """The hash of each article's current body (`body_hash`), to find syndicated copies by content.

    A table of its own rather than a column of `articles`: registries of earlier releases have no
    such column and there are no migrations; rows missing here are filled in by `find_by_body_hash`.
    """

    __tablename__ = "article_bodies"

    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    body_hash: Mapped[str] = mapped_column(String(64), index=True)


class WatchItemRow(Base):
    """An entity or phrase the user watches (`assay watch add`): one per kind and normalised text."""

    __tablename__ = "watch_items"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_watch_items_kind_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(255), doc="the normalised canonical name, or the phrase casefolded")
    canonical: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_item(self) -> WatchItem:
        return WatchItem(id=self.id, kind=WatchKind(self.kind), text=self.text, canonical=self.canonical, created_at=as_utc(self.created_at))


class WatchAlertRow(Base):
    """A statement that matched a watch item: recorded once, sent once. One whose send failed keeps
    the error and is sent again by the next run; `claimed_until` keeps two workers from sending it at once."""

    __tablename__ = "watch_alerts"
    __table_args__ = (UniqueConstraint("watch_id", "statement_id", name="uq_watch_alerts_watch_statement"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    watch_id: Mapped[int] = mapped_column(ForeignKey("watch_items.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[str] = mapped_column(String(100))
    conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None]


class RemovedArticleRow(Base):
    """An article the user removed: its id, so that a feed or a folder offering it again is kept out."""

    __tablename__ = "removed_articles"

    article_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    location: Mapped[str] = mapped_column(Text)
    removed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The feed, page or file it was read from, where that is not its own address: a feed's item, a text dump's article.
    read_from: Mapped[str | None] = mapped_column(Text, nullable=True, index=True)

    def to_removed(self) -> RemovedArticle:
        return RemovedArticle(article_id=self.article_id, title=self.title, location=self.location, removed_at=as_utc(self.removed_at),
                              read_from=self.read_from)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def sqlite_read_only_reason(path: Path) -> str | None:
    """Why this user cannot write the SQLite file at `path`, or None when it can.

    SQLite needs to write the file and to create its `-wal` and `-shm` files beside it, so a folder
    that cannot be written makes the registry read-only too. (`os.access` answers for the real
    user; root may write anything, so for root this is always None.)
    """
    if path.exists() and not os.access(path, os.W_OK):
        return f"this user cannot write to {path}"
    if not os.access(path.parent, os.W_OK):
        return f"this user cannot write to its folder {path.parent}"
    return None


def _latest_analysis_row(s: Session, article_id: str, *, for_update: bool = False) -> AnalysisRow | None:
    """The newest analysis row of the article's current content."""
    article = s.get(ArticleRow, article_id)
    if article is None:
        return None
    query = (select(AnalysisRow).where(AnalysisRow.article_id == article_id, AnalysisRow.content_hash == article.content_hash)
             .order_by(AnalysisRow.id.desc()).limit(1))
    return s.scalars(query.with_for_update() if for_update else query).first()


class Registry:
    """Articles, versions, analyses, LLM calls and feed state, in one SQL database.

    `read_only` is None, or why writing is impossible (a SQLite file or folder this user cannot
    write): then the methods that read work and those that write raise `RegistryError`.
    """

    def __init__(self, url: str):
        self.url = url
        self.path: Path | None = None  # the SQLite file, when the registry is one
        self.read_only: str | None = None
        self.schema_before: str | None = None
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise RegistryError(f"{url!r} is not a database URL ({_first_line(exc)}): correct ASSAY_DATABASE_URL") from exc
        if parsed.drivername == "postgresql":  # SQLAlchemy's default is psycopg2; Assay ships psycopg 3
            parsed = parsed.set(drivername="postgresql+psycopg")
        self.where = parsed.render_as_string(hide_password=True)  # for messages: never the password
        options: dict[str, Any] = {}
        self._url = parsed  # what migrations connect to (a SQLite registry migrates on a connection of its own)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") and not parsed.query:
            self.path = Path(parsed.database or "").absolute()
            self.where = str(self.path)
            parsed = self._prepare_sqlite_file(parsed)
            options["connect_args"] = {"uri": True} if self.read_only else {}
        try:
            self.engine: Engine = create_engine(parsed, **options)
        except ModuleNotFoundError as exc:
            package = _DRIVER_PACKAGES.get((exc.name or "").split(".")[0], exc.name)
            raise RegistryError(
                f"the database driver for {self.where} is not installed (no module {exc.name!r}): "
                f"pip install {package}, or correct ASSAY_DATABASE_URL"
            ) from exc
        except (ArgumentError, NoSuchModuleError) as exc:
            raise RegistryError(f"cannot use the database URL {self.where} ({_first_line(exc)}): correct ASSAY_DATABASE_URL") from exc
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_read_only_pragmas if self.read_only else _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            with self._translated():
                self._check_and_migrate()
        except BaseException:
            self.engine.dispose()
            raise
        atexit.register(_close_at_exit, weakref.ref(self))

    def _prepare_sqlite_file(self, parsed: URL) -> URL:
        """The folder made if missing; a file this user cannot write opened read-only."""
        assert self.path is not None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise RegistryError(
                f"cannot create the folder {self.path.parent} for the registry ({exc.strerror}): "
                "create it, or point ASSAY_HOME or ASSAY_DATABASE_URL elsewhere"
            ) from exc
        self.read_only = sqlite_read_only_reason(self.path)
        if self.read_only is None:
            return parsed
        if not self.path.exists():
            raise RegistryError(
                f"{self.path} does not exist and cannot be created: {self.read_only}; "
                "make the folder writable or point ASSAY_HOME elsewhere"
            )
        query = {"mode": "ro", "uri": "true"}
        wal = self.path.with_name(self.path.name + "-wal")
        if not os.access(self.path.parent, os.W_OK) and not wal.exists():
            # SQLite cannot create the -shm file a WAL database needs even to read, in a folder it may
            # not write. With no -wal file there is nothing beyond the main file to read, and nobody
            # can write without creating one: reading the file as immutable is exact.
            query["immutable"] = "1"
        return URL.create("sqlite", database="file:" + quote(str(self.path)), query=query)

    def _check_and_migrate(self) -> None:
        with self.engine.connect() as connection:
            if self.engine.dialect.name == "sqlite":
                problems = list(connection.exec_driver_sql("PRAGMA quick_check").scalars())
                if problems != ["ok"]:
                    raise self._damaged("; ".join(str(p) for p in problems[:3]))
            revision = migrations.current(connection)
        if revision is not None and not migrations.known(revision):
            raise RegistryError(
                f"the registry {self.where} was written by a newer Assay (schema {revision}): upgrade Assay to use it"
            )
        self.schema_before = revision  # what `assay db upgrade` reports
        if not self.read_only:
            before, after = migrations.upgrade(self.engine, self._url)
            if before != after:
                log.info("registry %s: schema %s -> %s", self.where, before or "(none)", after)
        self._tables = set(inspect(self.engine).get_table_names())

    # --- errors -------------------------------------------------------------------------

    def _damaged(self, detail: str) -> RegistryError:
        detail = " ".join(detail.split())[:200]  # quick_check answers in lines: the message stays one
        return RegistryError(
            f"the registry {self.where} is damaged ({detail}): restore it from a backup (`assay backup`) "
            "or move it away to start afresh"
        )

    def too_full(self) -> str | None:
        """Why nothing more can be stored, when an SQLite registry's disk has less than `REGISTRY_MIN_FREE` left; else None.
        Asked before work that ends in a write: a batch of analyses on a full disk had run the model for every article and
        failed to store each (seen here on a small tmpfs)."""
        if self.path is None or self.read_only:
            return None
        free = free_bytes(self.path)
        return None if free is None or free >= REGISTRY_MIN_FREE else f"no space left on the device holding {self.where}: free some space, then run the command again"

    def _error(self, exc: DBAPIError) -> RegistryError:
        """The one-line RegistryError for a database failure."""
        orig = exc.orig
        name = getattr(orig, "sqlite_errorname", "") if isinstance(orig, sqlite3.Error) else ""
        text = _first_line(exc)
        lowered = text.lower()
        if name.startswith("SQLITE_FULL") or "database or disk is full" in lowered or "no space left" in lowered:
            return RegistryError(f"no space left on the device holding {self.where}: free some space, then run the command again")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in lowered or "not a database" in lowered:
            return self._damaged(text)
        if name.startswith("SQLITE_READONLY") or "readonly database" in lowered:
            return self._read_only_error(self.read_only or "the file, its folder or its disk cannot be written")
        if name.startswith("SQLITE_BUSY") or "database is locked" in lowered:
            return RegistryError(
                f"the registry {self.where} stayed locked by another Assay process (an ingest?): "
                "let it finish, then run the command again"
            )
        if name.startswith("SQLITE_CANTOPEN"):
            return RegistryError(f"cannot open the registry {self.where} ({text}): check that it exists and this user may read it")
        if name.startswith("SQLITE_IOERR"):
            if full := self.too_full():  # seen opening a registry on a full disk: SQLite cannot map its shared-memory file
                return RegistryError(full)
            return RegistryError(f"cannot read or write the registry {self.where} ({text}): check the disk holding it")
        if self.engine.dialect.name != "sqlite" and isinstance(exc, OperationalError):
            return RegistryError(
                f"cannot reach the database server at {self.where} ({text}): start it, or correct ASSAY_DATABASE_URL"
            )
        return RegistryError(f"the registry {self.where} failed: {text}")

    def _read_only_error(self, reason: str) -> RegistryError:
        return RegistryError(
            f"the registry {self.where} is read-only: {reason}; run as a user who may write there, or make it writable"
        )

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except IntegrityError:
            raise  # a conflict between writers: the method that wrote decides (see record_article)
        except DBAPIError as exc:
            raise self._error(exc) from exc

    def require_writable(self) -> None:
        """RegistryError, saying why and what to do, when this registry cannot be written."""
        if self.read_only:
            raise self._read_only_error(self.read_only)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error; database failures come out as RegistryError."""
        with self._translated(), self._sessions.begin() as session:
            yield session

    def close(self) -> None:
        """Fold the write-ahead log into the registry file and let go of the connections.

        After this the file alone (no -wal, no -shm) is a complete copy, unless another process is
        using the registry meanwhile: then this does not wait for it (a checkpoint needs the log to
        itself; that process's own close folds the log in). The registry stays usable: the next
        call opens new connections. Run at process exit for every open registry (an in-memory
        SQLite registry is gone after it).
        """
        try:
            if self.path is not None and not self.read_only and self.path.exists():
                self.engine.dispose()  # idle connections hold nothing, but a checkpoint is best done alone
                with self._translated(), self.engine.connect() as connection:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
                    busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").first()
                if busy and busy[0]:
                    log.debug("%s is in use by another process: its log is folded in when that one closes", self.where)
        except RegistryError:
            if self.path is not None and self._in_use():
                return  # another process holds the registry: not this command's failure
            raise
        finally:
            self.engine.dispose()

    def _in_use(self) -> bool:
        """Whether another connection holds the SQLite registry's write lock (checked without waiting)."""
        assert self.path is not None
        probe = sqlite3.connect(self.path, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            probe.close()

    def backup_to(self, target: Path) -> None:
        """A consistent copy of a SQLite registry at `target` (a new file), taken by SQLite's backup API
        while others may go on reading and writing."""
        if self.engine.dialect.name != "sqlite":
            raise RegistryError(
                f"backing up the {self.engine.dialect.name} registry at {self.where} is the server's business: use its own tool (pg_dump)"
            )
        target = Path(target)
        if target.exists():
            raise RegistryError(f"{target} already exists: back up into a new folder")
        with self._translated():
            raw = self.engine.raw_connection()
            try:
                source = raw.driver_connection
                assert isinstance(source, sqlite3.Connection)
                copy = sqlite3.connect(target)
                try:
                    source.backup(copy)
                finally:
                    copy.close()
            except sqlite3.Error as exc:
                raise self._error(DBAPIError(None, None, exc)) from exc
            finally:
                raw.close()

    # --- articles -----------------------------------------------------------------

    def content_hashes(self, ids: list[str]) -> dict[str, str]:
        with self.session() as s:
            rows = s.execute(select(ArticleRow.id, ArticleRow.content_hash).where(ArticleRow.id.in_(ids)))
            return dict(rows.tuples().all())

    def refresh_reading(self, articles: list[Article]) -> dict[str, str | None]:
        """Store how unchanged articles were read where it differs from what is stored (an article
        ingested before notes were kept, or read by a newer reader): their notes, and the publisher and
        author the reader took from the opening, with no new version, none of them being the body's
        content (a newer reader's notes said "from the masthead: Fastmarkets" over the folder's name kept
        as the source). Returns the articles changed, each with the publisher it had when that changed."""
        if not articles or self.read_only:  # no content: a read-only registry keeps what it has
            return {}
        read = {a.id: {"reading_notes": a.reading_notes, "source": a.source, "author": a.author} for a in articles}
        with self.session() as s:
            rows = s.execute(select(ArticleRow.id, ArticleRow.reading_notes, ArticleRow.source, ArticleRow.author)
                             .where(ArticleRow.id.in_(list(read)))).tuples().all()
            changed: dict[str, str | None] = {}
            for article_id, notes, source, author in rows:
                stored = {"reading_notes": notes or [], "source": source, "author": author}
                if differs := {key: value for key, value in read[article_id].items() if stored[key] != value}:
                    s.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(**differs))
                    changed[article_id] = source if "source" in differs else None
            return changed

    def chunk_counts(self) -> dict[str, int]:
        """Every article's id and the number of chunks it should have in the chunk store (reads no bodies)."""
        with self.session() as s:
            return dict(s.execute(select(ArticleRow.id, ArticleRow.chunk_count)).tuples().all())

    def record_article(self, article: Article, chunk_count: int) -> int:
        """Insert or update an article and add its version; returns the version number.

        Content the registry already holds adds no version: two ingests of one feed at the same
        time (or one that looked before the other wrote) record each content once. When two
        writers race, the loser's insert conflicts, and it looks again.
        """
        return self.record_article_once(article, chunk_count)[0]

    def record_article_once(self, article: Article, chunk_count: int) -> tuple[int, bool]:
        """`record_article`, and whether this call wrote it: False when the registry already held this content
        (recorded by another writer since this one looked, as two ingests of one folder at once do)."""
        self.require_writable()
        for attempt in range(3):
            try:
                return self._record_article(article, chunk_count)
            except IntegrityError as exc:
                if attempt == 2:
                    raise RegistryError(
                        f"could not record article {article.id} in {self.where}: other writers kept conflicting ({_first_line(exc)})"
                    ) from exc
        raise AssertionError("unreachable")

    def _record_article(self, article: Article, chunk_count: int) -> tuple[int, bool]:
        fields = article.model_dump(exclude={"content_hash", "read_by"}, mode="python")
        fields["sections"] = [s.model_dump() for s in article.sections]
        with self.session() as s:
            row = s.get(ArticleRow, article.id, populate_existing=True)
            if row is not None and row.content_hash == article.content_hash:
                return row.version, False
            if row is None:
                row = ArticleRow(**fields, content_hash=article.content_hash, version=1, chunk_count=chunk_count)
                s.add(row)
            else:
                for key, value in fields.items():
                    setattr(row, key, value)
                row.content_hash, row.version, row.chunk_count = article.content_hash, row.version + 1, chunk_count
                row.status, row.updated_at = "ingested", utcnow()
            s.add(
                ArticleVersionRow(
                    article_id=article.id,
                    version=row.version,
                    content_hash=article.content_hash,
                    title=article.title,
                    highlights=article.highlights,
                    body=article.body,
                    read_by=article.read_by,
                )
            )
            s.flush()  # the article row first: the body row refers to it
            s.merge(ArticleBodyRow(article_id=article.id, body_hash=body_hash(article.body)))
            return row.version, True

    def versions(self, article_id: str, last: int = 6) -> list[Version]:
        """The article's `last` versions, oldest first."""
        with self.session() as s:
            rows = s.scalars(
                select(ArticleVersionRow).where(ArticleVersionRow.article_id == article_id)
                .order_by(ArticleVersionRow.version.desc()).limit(last)
            ).all()
            return [Version(version=r.version, read_at=r.created_at, title=r.title, body=r.body, read_by=r.read_by) for r in reversed(rows)]

    def set_chunk_count(self, article_id: str, chunk_count: int) -> None:
        """After its chunks were stored again (`assay doctor --repair`): how many the article has now."""
        self.require_writable()
        with self.session() as s:
            row = s.get(ArticleRow, article_id)
            if row is not None:
                row.chunk_count = chunk_count

    def get(self, article_id: str) -> StoredArticle | None:
        """The article with this id, or with this unique prefix of an id (ids are hex, as git's commits)."""
        with self.session() as s:
            row = s.get(ArticleRow, article_id)
            prefix = article_id.lower()
            if row is None and _HEX.fullmatch(prefix):
                query = select(ArticleRow).where(ArticleRow.id.startswith(prefix, autoescape=True)).limit(2)
                matches = s.scalars(query).all()
                row = matches[0] if len(matches) == 1 else None
            return row.to_stored() if row else None

    def remove_article(self, article_id: str) -> RemovedArticle | None:
        """Delete the article with everything recorded of it (versions, analyses, aliases, alerts: the
        foreign keys cascade) and remember its id as removed, in one transaction; None when there is no
        such article. Its chunks are the chunk store's and the keyword index's to delete."""
        self.require_writable()
        with self.session() as s:
            row = s.get(ArticleRow, article_id)
            if row is None:
                return None
            removed = RemovedArticleRow(article_id=row.id, title=row.title, location=row.url or row.source_url, removed_at=utcnow(),
                                        read_from=row.source_url)
            s.delete(row)
            s.merge(removed)
            return removed.to_removed()

    def removed(self, article_ids: Collection[str], locations: Collection[str] = ()) -> dict[str, RemovedArticle]:
        """Of these ids, the articles the user removed, by id; of these locations (local files' paths: an
        edited file's text, so its id, changes), those of removed articles, by location."""
        if not article_ids and not locations:
            return {}
        with self.session() as s:
            query = select(RemovedArticleRow).where(
                or_(RemovedArticleRow.article_id.in_(list(article_ids)), RemovedArticleRow.location.in_(list(locations))))
            found = [row.to_removed() for row in s.scalars(query)]
        wanted = set(article_ids), set(locations)
        return {key: r for r in found for key in (r.article_id, r.location) if key in wanted[0] or key in wanted[1]}

    def removed_read_from(self, source_url: str) -> list[RemovedArticle]:
        """The removed articles read from this feed, page or file (as `articles_read_from` finds those still in the corpus);
        none for those removed before it was recorded. Oldest removal first."""
        with self.session() as s:
            query = select(RemovedArticleRow).where(RemovedArticleRow.read_from == source_url)
            return [row.to_removed() for row in s.scalars(query.order_by(RemovedArticleRow.removed_at, RemovedArticleRow.article_id))]

    def removed_as(self, ref: str) -> RemovedArticle | None:
        """The removed article this id, or unique prefix of one, names; None when none or several do."""
        with self.session() as s:
            rows = s.scalars(select(RemovedArticleRow).where(RemovedArticleRow.article_id.startswith(ref.lower(), autoescape=True)).limit(2)).all()
            return rows[0].to_removed() if len(rows) == 1 else None

    def analysed_mentioning(self, article_ids: Collection[str]) -> set[str]:
        """The articles with an analysis whose stored JSON names any of these ids (a cross-check's
        evidence or repeat): found by the database, without reading every analysis into Python."""
        if not article_ids:
            return set()
        text_of = cast(AnalysisRow.analysis, Text)
        with self.session() as s:
            query = select(AnalysisRow.article_id).where(or_(*(text_of.contains(i, autoescape=True) for i in article_ids))).distinct()
            return set(s.scalars(query))

    def unremove(self, keys: Collection[str]) -> None:
        """Forget that these articles (ids, or the files they were read from) were removed: the user named
        their page or file again."""
        if keys:
            self.require_writable()
            with self.session() as s:
                s.execute(delete(RemovedArticleRow).where(
                    or_(RemovedArticleRow.article_id.in_(list(keys)), RemovedArticleRow.location.in_(list(keys)))))

    def articles(self) -> list[StoredArticle]:
        with self.session() as s:
            return [row.to_stored() for row in s.scalars(select(ArticleRow).order_by(ArticleRow.published.desc().nulls_last(), ArticleRow.id))]

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                "articles": s.scalar(select(func.count()).select_from(ArticleRow)) or 0,
                "article_versions": s.scalar(select(func.count()).select_from(ArticleVersionRow)) or 0,
                "chunks": s.scalar(select(func.coalesce(func.sum(ArticleRow.chunk_count), 0))) or 0,
                "feeds": s.scalar(select(func.count()).select_from(FeedRow)) or 0,
                "analyses": s.scalar(select(func.count()).select_from(AnalysisRow)) or 0,
            }

    # --- syndication: one article under several URLs or in several places --------------

    def add_alias(self, article_id: str, url: str) -> bool:
        """Record `url` as another address of the article; False when the URL is already known
        (as this or another article's URL or alias: the first article to claim a URL keeps it)."""
        self.require_writable()
        try:
            with self.session() as s:
                if s.get(ArticleRow, article_id) is None:
                    raise KeyError(f"no article {article_id} in the registry")
                if s.get(AliasRow, url) is not None or s.scalar(select(ArticleRow.id).where(ArticleRow.url == url).limit(1)):
                    return False
                s.add(AliasRow(url=url, article_id=article_id))
                return True
        except IntegrityError:
            return False  # another writer added the same URL meanwhile

    def local_file_articles(self, source_urls: Collection[str]) -> dict[str, list[tuple[str, str]]]:
        """For each of these file paths, the (id, body) of the articles read from it that have no URL,
        the latest updated first: one look-up for a whole batch, as an ingest asks."""
        if not source_urls:
            return {}
        with self.session() as s:
            rows = s.execute(
                select(ArticleRow.source_url, ArticleRow.id, ArticleRow.body)
                .where(ArticleRow.url.is_(None), ArticleRow.source_url.in_(sorted(source_urls)))
                .order_by(ArticleRow.updated_at.desc(), ArticleRow.id)
            ).tuples().all()
        found: dict[str, list[tuple[str, str]]] = {}
        for source_url, article_id, body in rows:
            found.setdefault(source_url, []).append((article_id, body))
        return found

    def writers(self, article_ids: Collection[str]) -> dict[str, str]:
        """The bylines of these articles, by id: those that have one (a passage's header names its writer)."""
        if not article_ids:
            return {}
        with self.session() as s:
            rows = s.execute(select(ArticleRow.id, ArticleRow.author).where(ArticleRow.id.in_(list(article_ids)), ArticleRow.author.is_not(None)))
            return {article_id: author for article_id, author in rows if author}

    def articles_read_from(self, source_url: str) -> list[str]:
        """The ids of the articles read from this feed, page or file (their `source_url`), with or without
        URLs of their own: a feed's items, a text dump's articles. Oldest first."""
        with self.session() as s:
            return list(s.scalars(select(ArticleRow.id).where(ArticleRow.source_url == source_url).order_by(ArticleRow.first_seen, ArticleRow.id)))

    def article_for_url(self, url: str) -> str | None:
        """The id of the article at this URL, as its own URL or as an alias; None if there is none."""
        with self.session() as s:
            found = s.scalar(select(ArticleRow.id).where(ArticleRow.url == url).order_by(ArticleRow.first_seen, ArticleRow.id).limit(1))
            if found is None and "aliases" in self._tables:
                found = s.scalar(select(AliasRow.article_id).where(AliasRow.url == url))
            return found

    def find_by_body_hash(self, digest: str) -> str | None:
        """The article (the first seen, if several) whose body has this `body_hash`; None if there is none."""
        return self.find_by_body_hashes([digest]).get(digest)

    def find_by_body_hashes(self, digests: Collection[str]) -> dict[str, str]:
        """For each digest that an article's body has, that article (the first seen, if several): one
        look-up for a whole batch, as an ingest asks.

        Articles recorded by an earlier release have no hash yet: they are hashed here, once (and in
        a read-only registry hashed on every call, without storing).
        """
        wanted = set(digests)
        if not wanted:
            return {}
        if not self.read_only:
            self._fill_body_hashes()
        with self.session() as s:
            candidates: list[tuple[str, datetime, str]] = []
            if "article_bodies" in self._tables:
                stored = (
                    select(ArticleBodyRow.body_hash, ArticleRow.first_seen, ArticleRow.id)
                    .join(ArticleBodyRow, ArticleBodyRow.article_id == ArticleRow.id)
                    .where(ArticleBodyRow.body_hash.in_(sorted(wanted)))
                )
                candidates.extend(s.execute(stored).tuples())
            if self.read_only:
                unhashed = select(ArticleRow.first_seen, ArticleRow.id, ArticleRow.body)
                if "article_bodies" in self._tables:
                    unhashed = unhashed.where(~ArticleRow.id.in_(select(ArticleBodyRow.article_id)))
                for seen, article_id, body in s.execute(unhashed).tuples():
                    if (digest := body_hash(body)) in wanted:
                        candidates.append((digest, seen, article_id))
        first: dict[str, tuple[datetime, str]] = {}
        for digest, seen, article_id in candidates:
            key = (as_utc(seen) or datetime.min.replace(tzinfo=UTC), article_id)
            if digest not in first or key < first[digest]:
                first[digest] = key
        return {digest: article_id for digest, (_, article_id) in first.items()}

    def _fill_body_hashes(self, batch: int = 500) -> None:
        for _ in range(10_000):  # bounded: each pass hashes a batch, or ends
            try:
                with self.session() as s:
                    missing = s.execute(
                        select(ArticleRow.id, ArticleRow.body)
                        .where(~ArticleRow.id.in_(select(ArticleBodyRow.article_id)))
                        .limit(batch)
                    ).tuples().all()
                    s.add_all(ArticleBodyRow(article_id=i, body_hash=body_hash(body)) for i, body in missing)
            except IntegrityError:
                continue  # another process hashed some of these meanwhile: look again
            if len(missing) < batch:
                return

    # --- analyses -------------------------------------------------------------------

    def has_analysis(self, article_id: str, cache_key: str) -> bool:
        with self.session() as s:
            found = s.scalar(select(func.count()).where(AnalysisRow.article_id == article_id, AnalysisRow.cache_key == cache_key))
            return bool(found)

    def record_analysis(self, analysis: Analysis, cache_key: str, claimed_by: str | None = None) -> bool:
        """Stored whole in one transaction: an analysis is never half there. With `claimed_by`, only
        while that worker still holds the article's claim (released by the same commit); False,
        storing nothing, when its lease lapsed and another worker took the article."""
        self.require_writable()
        provenance = analysis.provenance
        with self.session() as s:
            if claimed_by is not None:
                claim = s.get(AnalysisClaimRow, analysis.article_id, with_for_update=True)
                if claim is not None and claim.worker != claimed_by:
                    return False
                if claim is not None:
                    s.delete(claim)
            s.add(AnalysisRow(article_id=analysis.article_id, cache_key=cache_key, analysis=analysis.model_dump(mode="json"),
                              content_hash=analysis.content_hash, model=provenance.model, prompts=provenance.prompts,
                              classifier=provenance.kind_decided_by))
            row = s.get(ArticleRow, analysis.article_id)
            if row is not None:
                row.status = "analysed"
        return True

    def latest_analysis(self, article_id: str) -> Analysis | None:
        """The newest analysis of the article's current content (stored JSON of earlier versions loads too)."""
        with self.session() as s:
            row = _latest_analysis_row(s, article_id)
            return Analysis.model_validate(row.analysis) if row else None

    def update_crosschecks(self, article_id: str, checks: dict[tuple[int, int], CrossCheck], when: datetime) -> bool:
        """Replace the cross-checks of the article's newest analysis, statement by statement (keyed by
        (start, end)), in one transaction, and note when; False when it has no analysis of its
        current content. Nothing else of the analysis changes, nor its key."""
        self.require_writable()
        with self.session() as s:
            row = _latest_analysis_row(s, article_id, for_update=True)
            if row is None:
                return False
            data = copy.deepcopy(row.analysis)
            for statement in data.get("statements", []):
                check = checks.get((statement["start"], statement["end"]))
                if check is not None:
                    statement["crosscheck"] = check.model_dump(mode="json")
            data["provenance"]["crosschecked_at"] = when.isoformat()
            row.analysis = data  # a new object, so SQLAlchemy writes the JSON column
        return True

    def latest_analyses(self, article_ids: Collection[str] | None = None) -> dict[str, Analysis]:
        """`latest_analysis` of every article (or of the given ones) in one query: the cross-article views
        read them all, and a query per article cost a fifth of their time."""
        with self.session() as s:
            query = (select(AnalysisRow.article_id, AnalysisRow.analysis)
                     .join(ArticleRow, (ArticleRow.id == AnalysisRow.article_id) & (ArticleRow.content_hash == AnalysisRow.content_hash))
                     .order_by(AnalysisRow.id))
            if article_ids is not None:
                query = query.where(AnalysisRow.article_id.in_(list(article_ids)))
            newest = {article_id: data for article_id, data in s.execute(query).tuples()}  # later rows win: the newest
        return {article_id: Analysis.model_validate(data) for article_id, data in newest.items()}

    def analysed_prompts(self) -> dict[str, dict[str, str]]:
        """The prompt versions of each article's newest analysis of its current content, without reading the
        analyses themselves (a corpus of thousands answers in one light query)."""
        with self.session() as s:
            query = (select(AnalysisRow.article_id, AnalysisRow.prompts)
                     .join(ArticleRow, (ArticleRow.id == AnalysisRow.article_id) & (ArticleRow.content_hash == AnalysisRow.content_hash))
                     .order_by(AnalysisRow.id))
            return {article_id: dict(prompts or {}) for article_id, prompts in s.execute(query).tuples()}  # later rows win: the newest

    def analysis_keys(self) -> dict[str, tuple[str, str, str]]:
        """Per analysed article, the key of its newest analysis of its current content (what made it: prompts, model,
        decider...) with that content's hash and the article's publisher, from which today's key is made: one light
        query, no article's body read."""
        with self.session() as s:
            query = (select(AnalysisRow.article_id, AnalysisRow.cache_key, ArticleRow.content_hash, ArticleRow.source)
                     .join(ArticleRow, (ArticleRow.id == AnalysisRow.article_id) & (ArticleRow.content_hash == AnalysisRow.content_hash))
                     .order_by(AnalysisRow.id))
            # later rows win: the newest
            return {article_id: (key, content_hash, source) for article_id, key, content_hash, source in s.execute(query).tuples()}

    def statement_vectors(self, keys: Collection[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        wanted = list(keys)
        with self.session() as s:
            for at in range(0, len(wanted), 500):  # under every engine's limit on bound parameters
                rows = s.execute(select(StatementVectorRow.key, StatementVectorRow.vector)
                                 .where(StatementVectorRow.key.in_(wanted[at : at + 500])))
                found.update({key: vector for key, vector in rows.tuples()})
        return found

    def store_statement_vectors(self, vectors: dict[str, bytes]) -> None:
        """Keep these; a key another worker stored meanwhile is left as it is (the same text, the same vector)."""
        if self.read_only:
            return
        items = list(vectors.items())
        for at in range(0, len(items), 500):  # under every engine's limit on bound parameters
            batch = dict(items[at : at + 500])
            try:
                with self.session() as s:
                    have = set(s.scalars(select(StatementVectorRow.key).where(StatementVectorRow.key.in_(list(batch)))))
                    s.add_all(StatementVectorRow(key=k, vector=v) for k, v in batch.items() if k not in have)
            except IntegrityError:  # a worker stored some between the check and the insert: theirs are as good, ours re-embed later
                continue

    def unanalysed_ids(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(ArticleRow.id).where(ArticleRow.status != "analysed").order_by(ArticleRow.published.desc())))

    # --- claims: one worker per article at a time ------------------------------------------

    def claim_analysis(self, article_id: str, cache_key: str, worker: str, lease_s: float) -> bool:
        """Take the article for `worker` until `lease_s` from now; False when another worker holds a
        live claim on it. Atomic on both engines: the insert conflicts on the key, and the takeover
        of a lapsed lease is one conditional update."""
        self.require_writable()
        now = utcnow()
        expires = now + timedelta(seconds=lease_s)
        try:
            with self.session() as s:
                s.add(AnalysisClaimRow(article_id=article_id, cache_key=cache_key, worker=worker, claimed_at=now, expires_at=expires))
            return True
        except IntegrityError:
            pass  # claimed before: take it over only if its lease lapsed (or it is this worker's own)
        with self.session() as s:
            taken = s.execute(
                update(AnalysisClaimRow)
                .where(AnalysisClaimRow.article_id == article_id,
                       or_(AnalysisClaimRow.expires_at < now, AnalysisClaimRow.worker == worker))
                .values(cache_key=cache_key, worker=worker, claimed_at=now, expires_at=expires)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(taken, "rowcount", 0))

    def take_over_claim(self, article_id: str, holder: str, cache_key: str, worker: str, lease_s: float) -> bool:
        """Take the article from `holder`, live lease or not (its process is known to have died); False
        when the claim is no longer `holder`'s, so that of two workers taking it over only one does."""
        self.require_writable()
        now = utcnow()
        with self.session() as s:
            taken = s.execute(
                update(AnalysisClaimRow)
                .where(AnalysisClaimRow.article_id == article_id, AnalysisClaimRow.worker == holder)
                .values(cache_key=cache_key, worker=worker, claimed_at=now, expires_at=now + timedelta(seconds=lease_s))
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(taken, "rowcount", 0))

    def renew_claim(self, article_id: str, worker: str, lease_s: float) -> bool:
        """Extend this worker's lease; False when it lapsed and another worker took the article."""
        with self.session() as s:
            renewed = s.execute(
                update(AnalysisClaimRow)
                .where(AnalysisClaimRow.article_id == article_id, AnalysisClaimRow.worker == worker)
                .values(expires_at=utcnow() + timedelta(seconds=lease_s))
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(renewed, "rowcount", 0))

    def release_claim(self, article_id: str, worker: str) -> None:
        """Give the article back without an analysis (it failed, or was skipped)."""
        with self.session() as s:
            s.execute(delete(AnalysisClaimRow).where(AnalysisClaimRow.article_id == article_id, AnalysisClaimRow.worker == worker))

    def claims(self, *, live: bool = True) -> dict[str, str]:
        """Article id -> the worker holding it: live leases only, or every claim row (lapsed ones too)."""
        with self.session() as s:
            query = select(AnalysisClaimRow.article_id, AnalysisClaimRow.worker)
            if live:
                query = query.where(AnalysisClaimRow.expires_at >= utcnow())
            return dict(s.execute(query).tuples().all())

    # --- watchlists and alerts --------------------------------------------------------

    def add_watch_item(self, spec: WatchSpec) -> tuple[WatchItem, bool]:
        """Store the watch item; (it, True), or (the one already stored under its key, False)."""
        self.require_writable()
        for _ in range(2):
            with self.session() as s:
                found = s.scalar(select(WatchItemRow).where(WatchItemRow.kind == spec.kind.value, WatchItemRow.key == spec.key))
                if found is not None:
                    return found.to_item(), False
            try:
                with self.session() as s:
                    row = WatchItemRow(kind=spec.kind.value, text=spec.text, key=spec.key, canonical=spec.canonical)
                    s.add(row)
                    s.flush()
                    return row.to_item(), True
            except IntegrityError:
                continue  # another process added it meanwhile: return theirs
        raise RegistryError(f"could not add the watch item {spec.text!r} to {self.where}: other writers kept conflicting")

    def watch_items(self) -> list[WatchItem]:
        if "watch_items" not in self._tables:
            return []  # a read-only registry of an earlier release
        with self.session() as s:
            return [row.to_item() for row in s.scalars(select(WatchItemRow).order_by(WatchItemRow.id))]

    def remove_watch_item(self, watch_id: int) -> WatchItem | None:
        """Delete the item and its alerts; None when there is no such item."""
        self.require_writable()
        with self.session() as s:
            row = s.get(WatchItemRow, watch_id)
            if row is None:
                return None
            item = row.to_item()
            s.execute(delete(WatchAlertRow).where(WatchAlertRow.watch_id == watch_id))
            s.delete(row)
            return item

    def record_watch_alerts(self, alerts: list[NewAlert]) -> list[WatchAlert]:
        """Record the alerts not recorded before (per watch item and statement); returns the new ones."""
        self.require_writable()
        recorded: list[WatchAlert] = []
        for alert in alerts:
            try:
                with self.session() as s:
                    exists = s.scalar(select(WatchAlertRow.id).where(
                        WatchAlertRow.watch_id == alert.watch_id, WatchAlertRow.statement_id == alert.statement_id))
                    watch = s.get(WatchItemRow, alert.watch_id)
                    if exists is not None or watch is None:  # alerted before, or the item was removed meanwhile
                        continue
                    row = WatchAlertRow(**alert.model_dump())
                    s.add(row)
                    s.flush()
                    recorded.append(_alert(row, watch))
            except IntegrityError:
                continue  # another worker recorded the same alert meanwhile: it is theirs to send
        return recorded

    def watch_alerts(self, *, limit: int = 50, pending: bool = False) -> list[WatchAlert]:
        """The newest alerts first; with `pending`, only those not sent yet, oldest first (the order to send them)."""
        if "watch_alerts" not in self._tables:
            return []
        with self.session() as s:
            query = select(WatchAlertRow, WatchItemRow).join(WatchItemRow, WatchItemRow.id == WatchAlertRow.watch_id)
            if pending:
                query = query.where(WatchAlertRow.sent_at.is_(None)).order_by(WatchAlertRow.id)
            else:
                query = query.order_by(WatchAlertRow.id.desc())
            return [_alert(alert, watch) for alert, watch in s.execute(query.limit(limit)).tuples()]

    def claim_watch_alert(self, alert_id: int, lease_s: float = 60.0) -> bool:
        """Take an unsent alert for sending; False when it was sent, or another worker is sending it now."""
        self.require_writable()
        now = utcnow()
        with self.session() as s:
            taken = s.execute(
                update(WatchAlertRow)
                .where(WatchAlertRow.id == alert_id, WatchAlertRow.sent_at.is_(None),
                       or_(WatchAlertRow.claimed_until.is_(None), WatchAlertRow.claimed_until < now))
                .values(claimed_until=now + timedelta(seconds=lease_s), attempts=WatchAlertRow.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(taken, "rowcount", 0))

    def mark_watch_alert(self, alert_id: int, *, error: str | None = None) -> None:
        """After a send: sent (no error), or failed with why, to be sent again by the next run."""
        self.require_writable()
        values: dict[str, Any] = {"claimed_until": None, "error": error}
        if error is None:
            values["sent_at"] = utcnow()
        with self.session() as s:
            s.execute(update(WatchAlertRow).where(WatchAlertRow.id == alert_id).values(**values)
                      .execution_options(synchronize_session=False))

    # --- LLM calls ------------------------------------------------------------------

    def log_llm_call(self, **fields: Any) -> None:
        self.require_writable()
        with self.session() as s:
            s.add(LLMCallRow(**fields))

    def llm_totals(self) -> dict[str, float | int]:
        with self.session() as s:
            calls, tokens_in, tokens_out, cost = s.execute(
                select(
                    func.count(LLMCallRow.id),
                    func.coalesce(func.sum(LLMCallRow.input_tokens), 0),
                    func.coalesce(func.sum(LLMCallRow.output_tokens), 0),
                    func.coalesce(func.sum(LLMCallRow.cost_usd), 0.0),
                )
            ).one()
            return {"llm_calls": calls, "llm_input_tokens": tokens_in, "llm_output_tokens": tokens_out, "llm_cost_usd": round(cost, 6)}

    # --- feeds --------------------------------------------------------------------

    def feed_validators(self, url: str) -> tuple[str | None, str | None]:
        with self.session() as s:
            row = s.get(FeedRow, url)
            return (row.etag, row.last_modified) if row else (None, None)

    def record_feed(
        self,
        url: str,
        *,
        title: str | None,
        status: str,
        etag: str | None = None,
        last_modified: str | None = None,
        seen: dict[str, str | None] | None = None,
        keep_validators: bool = True,
    ) -> None:
        """Feed state after a poll. Validators are only replaced when every item went in,
        so a failed item is fetched again next time instead of hiding behind a 304."""
        self.require_writable()
        with self.session() as s:
            row = s.get(FeedRow, url) or FeedRow(url=url)
            s.add(row)
            row.title = title or row.title
            row.last_checked, row.last_status = utcnow(), status
            if keep_validators:
                row.etag, row.last_modified = etag, last_modified
            s.flush()
            for guid, article in (seen or {}).items():
                if s.get(SeenItemRow, (url, guid)) is None:
                    s.add(SeenItemRow(feed_url=url, guid=guid, article_id=article))

    def seen_items(self, feed_url: str, guids: Collection[str]) -> dict[str, str | None]:
        """Of these guids, those the feed has shown before and that went in, with the article each became."""
        if not guids:
            return {}
        with self.session() as s:
            rows = s.scalars(select(SeenItemRow).where(SeenItemRow.feed_url == feed_url, SeenItemRow.guid.in_(list(guids))))
            return {row.guid: row.article_id for row in rows}

    def feeds(self) -> list[FeedRow]:
        with self.session() as s:
            return list(s.scalars(select(FeedRow).order_by(FeedRow.url)))


def _alert(row: WatchAlertRow, watch: WatchItemRow) -> WatchAlert:
    return WatchAlert(
        id=row.id, watch_id=row.watch_id, watch=watch.to_item().label, article_id=row.article_id, statement_id=row.statement_id,
        conflict=row.conflict, subject=row.subject, body=row.body, created_at=as_utc(row.created_at), sent_at=as_utc(row.sent_at),
        error=row.error, attempts=row.attempts,
    )


def _close_at_exit(ref: Callable[[], Registry | None]) -> None:
    registry = ref()
    if registry is None:
        return
    try:
        registry.close()
    except Exception as exc:  # noqa: BLE001 - at exit a failed checkpoint is worth a line, not a traceback
        log.warning("could not fold the registry's write-ahead log into %s: %s", registry.where, exc)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets `assay status` read while an ingest writes; with WAL, synchronous=NORMAL is
    # corruption-safe and spares an fsync per article commit. Foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    _enable_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _enable_wal(cursor: Any) -> None:
    # The journal mode is stored in the file, so only the first connection to a new registry
    # changes it. That change needs an exclusive lock and SQLite answers "database is locked" at
    # once, without waiting on the busy timeout, when workers open a new registry together:
    # so wait here, as the busy timeout would.
    if str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        return
    deadline = time.monotonic() + WAL_SWITCH_WAIT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _sqlite_read_only_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Nothing that writes: the journal mode is the file's own (WAL, if Assay wrote it).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
