"""The registry's schema, versioned with Alembic: one history for SQLite and PostgreSQL.

`upgrade(engine)` brings a database to the newest revision in one transaction, under a lock, so
that several workers starting at once migrate it once: PostgreSQL takes an advisory lock;
SQLite is written under `BEGIN IMMEDIATE` (its DDL is transactional, but Python's driver would
otherwise run it outside any transaction). A migration that fails leaves the database as it was.
`Registry` calls it on first use; `assay db upgrade` calls it explicitly.

A new revision goes in `versions/`, named `NNNN_what.py`, with `down_revision` the previous one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine

FOLDER = Path(__file__).parent
_PG_LOCK = 0x61737361  # "assa": the advisory lock every Assay process takes to migrate


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest revision this release knows."""
    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None, "store/migrations/versions holds no revision"
    return found


def known(revision: str) -> bool:
    return revision in {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def current(connection: Connection) -> str | None:
    """The database's revision; None for a new database or one written before migrations."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, url: Any = None) -> tuple[str | None, str]:
    """Migrate the database to `head()`; returns (revision before, revision after). `url` is the
    SQLite URL to open a migrating connection on (the registry's own engine stays as it is)."""
    target = head()
    with engine.connect() as connection:
        before = current(connection)
    if before == target:
        return before, target
    if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
        migrating = create_engine(url or engine.url, connect_args={"timeout": 60})
        event.listen(migrating, "connect", _no_implicit_transactions)
        event.listen(migrating, "begin", lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE"))
    else:
        migrating = engine
    try:
        with migrating.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
            before = current(connection)  # another process may have migrated while this one waited
            if before != target:
                command.upgrade(_config(connection), "head")
    finally:
        if migrating is not engine:
            migrating.dispose()
    return before, target


def _no_implicit_transactions(dbapi_connection: Any, _record: Any) -> None:
    # SQLAlchemy's recipe for SQLite: the driver leaves transactions alone; "begin" above opens them.
    dbapi_connection.isolation_level = None
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


def add_column_if_missing(table: str, column: Any) -> None:
    """In a migration: add the column, unless the table has it already (a registry whose tables a release
    before migrations made from today's models)."""
    from alembic import op
    from sqlalchemy import inspect

    if column.name not in {found["name"] for found in inspect(op.get_bind()).get_columns(table)}:
        op.add_column(table, column)
