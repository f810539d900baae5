"""Room on the device that holds a store: asked before writes that a full disk would hang or waste (`store/vectors.py`,
`Registry.too_full`) and when a fault nobody foresaw may be the disk's (`assay.cli.fault_line`); and whether a SQLite
file of someone else's (Prefect's local database) is damaged, when what uses it fails without saying why."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path


def free_bytes(path: Path) -> int | None:
    """Bytes free on the device holding `path` (or the folder it would be made in); None where that cannot be read."""
    try:
        return shutil.disk_usage(path if path.exists() else path.parent).free
    except OSError:
        return None


def sqlite_damage(path: Path) -> str | None:
    """What `PRAGMA quick_check` finds wrong with the SQLite file at `path`, read-only; None when it is sound or absent."""
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)) as connection:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.OperationalError as exc:
        return None if "locked" in str(exc) else str(exc)  # busy is not damaged
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        return str(exc)
    return None if problems == ["ok"] else " ".join(" ".join(problems).split())[:200]
