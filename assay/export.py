"""The export: every statement with its article's metadata, kind, confidence, attribution, evidence and
corroboration, one row each, for spreadsheets (CSV) and notebooks (JSON Lines, Parquet).

CSV is written with the `csv` module. A file gets a UTF-8 byte-order mark: Excel reads UTF-8 CSV
correctly only with one (without it, "—" and "稀土" turn to mojibake); standard output gets none, since
a BOM in a pipe is a stray character to the next program. Lists are joined by "; " in CSV and stay
lists in JSON Lines and Parquet. Quotes come from web pages anyone can write, so a CSV cell that
starts with = + - @ (or a tab or carriage return) gets a leading apostrophe: a spreadsheet would
otherwise run it as a formula. JSON Lines and Parquet keep the text exactly.

A file is written beside its destination and renamed into place, so a crash leaves nothing
half-written; an existing file is replaced only when asked (`force`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TextIO

from pydantic import BaseModel, Field

from assay.corpus import StatementRecord

ExportFormat = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")

# (column, type): the type is Parquet's; CSV and JSON Lines write the same columns in this order.
COLUMNS: list[tuple[str, str]] = [
    ("article_id", "string"), ("title", "string"), ("source", "string"), ("source_type", "string"), ("url", "string"),
    ("published", "timestamp"), ("seen", "timestamp"), ("quote", "string"), ("start", "int"), ("end", "int"),
    ("kind", "string"), ("kind_confidence", "float"), ("uncertain", "bool"), ("rhetoric_probability", "float"),
    ("attribution", "string"), ("evidence", "string"), ("rationale", "string"), ("crosscheck", "string"),
    ("corroborated_by", "list"), ("repeated_by", "list"), ("claimant_only", "list"), ("first_seen", "string"), ("entities", "list"), ("speaker", "string"),
    ("sentence", "string"),  # last: scripts reading the columns before it by position keep working
]
LIST_SEPARATOR = "; "
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """The export cannot be written as asked; the message names the cause and the fix."""


class ExportResult(BaseModel):
    format: str
    rows: int
    path: str | None = Field(None, description="The file written; None when written to standard output.")


def export_row(record: StatementRecord) -> dict[str, Any]:
    """One statement as flat columns: enums as their values, lists as lists, dates as datetimes."""
    return {
        "article_id": record.article_id, "title": record.title, "source": record.source, "source_type": record.source_type.value,
        "url": record.url, "published": record.published, "seen": record.seen, "quote": record.quote,
        "start": record.start, "end": record.end, "kind": record.kind.value, "kind_confidence": record.kind_confidence,
        "uncertain": record.uncertain, "rhetoric_probability": record.rhetoric_probability,
        "attribution": record.attribution.value, "evidence": record.evidence.value, "rationale": record.rationale,
        "crosscheck": record.crosscheck, "corroborated_by": list(record.corroborated_by), "repeated_by": list(record.repeated_by),
        "claimant_only": list(record.claimant_only),
        "first_seen": record.first_seen, "entities": list(record.entities), "speaker": record.speaker,
        "sentence": record.sentence,
    }


def export_rows(records: Iterable[StatementRecord]) -> list[dict[str, Any]]:
    return [export_row(r) for r in records]


def csv_cell(value: Any) -> str:
    """A CSV cell: lists joined, dates in ISO 8601, None empty, and text a spreadsheet would run as a formula defused."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(str(v) for v in value)
    elif isinstance(value, datetime):
        return value.isoformat()
    elif isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(rows: list[dict[str, Any]], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in rows:
        writer.writerow([csv_cell(row[name]) for name, _ in COLUMNS])


def write_jsonl(rows: list[dict[str, Any]], stream: TextIO) -> None:
    for row in rows:
        stream.write(json.dumps(row, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def parquet_table(rows: list[dict[str, Any]]) -> Any:
    """A pyarrow Table with a fixed schema (the same types for an empty export)."""
    import pyarrow as pa  # slow to import: only the Parquet export pays for it

    types = {"string": pa.string(), "timestamp": pa.timestamp("us", tz="UTC"), "int": pa.int64(), "float": pa.float64(),
             "bool": pa.bool_(), "list": pa.list_(pa.string())}
    schema = pa.schema([(name, types[kind]) for name, kind in COLUMNS])
    return pa.Table.from_pylist(rows, schema=schema)


def _claim_path(temporary: Path, path: Path, force: bool) -> None:
    """Move the finished temporary file to `path`; without `force`, never over an existing file, even one made meanwhile."""
    if force:
        os.replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # fails if `path` exists: no window between the check and the write
    except FileExistsError:
        raise ExportError(f"{path} already exists: pass --force to replace it, or choose another --out") from None
    except OSError:  # a file system without hard links
        if path.exists():
            raise ExportError(f"{path} already exists: pass --force to replace it, or choose another --out") from None
        os.replace(temporary, path)
        return
    temporary.unlink()


def write_file(path: Path, write: Callable[[Path], None], *, force: bool) -> None:
    """`write` fills a temporary file beside `path`, which then takes its place."""
    if path.is_dir():
        raise ExportError(f"{path} is a folder: give --out a file name")
    if path.exists() and not force:
        raise ExportError(f"{path} already exists: pass --force to replace it, or choose another --out")
    if not path.parent.is_dir():
        raise ExportError(f"the folder {path.parent} does not exist: create it, or choose another --out")
    temporary = path.with_name(f".{path.name}.assay-tmp-{secrets.token_hex(4)}")
    try:
        write(temporary)
        _claim_path(temporary, path, force)
    finally:
        temporary.unlink(missing_ok=True)


def write_export(
    records: Iterable[StatementRecord], fmt: str, *, out: Path | None = None, force: bool = False, stream: TextIO | None = None
) -> ExportResult:
    """Write the statements as `fmt` to the file `out`, else to `stream` (not for Parquet, which is binary)."""
    if fmt not in FORMATS:
        raise ExportError(f"no export format {fmt!r}: use csv, jsonl or parquet")
    rows = export_rows(records)
    if out is None:
        if fmt == "parquet":
            raise ExportError("Parquet is binary and is not written to the terminal: give --out FILE.parquet")
        if stream is None:
            raise ExportError("no file and no stream to write the export to: give --out FILE")
        (write_csv if fmt == "csv" else write_jsonl)(rows, stream)
        return ExportResult(format=fmt, rows=len(rows), path=None)

    def write(temporary: Path) -> None:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(parquet_table(rows), temporary)
            return
        # utf-8-sig: the byte-order mark Excel needs to read the file as UTF-8 (see the module's docstring).
        with open(temporary, "x", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as f:
            (write_csv if fmt == "csv" else write_jsonl)(rows, f)

    write_file(out, write, force=force)
    return ExportResult(format=fmt, rows=len(rows), path=str(out))


def export_text(records: Iterable[StatementRecord], fmt: str) -> str:
    """The CSV or JSON Lines export as a string (no byte-order mark)."""
    buffer = io.StringIO(newline="")
    write_export(records, fmt, stream=buffer)
    return buffer.getvalue()
