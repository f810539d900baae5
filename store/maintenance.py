"""Keeping the registry, the chunk store and the keyword index in step, and copying them: pure
functions over a `Registry`, a `ChunkStore` and a `KeywordIndex`, for `assay doctor` and `assay backup`.

`check` compares the two: chunks whose article the registry does not hold (orphans: left by an
ingest that stopped between writing chunks and recording the article), and articles whose chunks
in the store are not the number the registry recorded. `repair` deletes orphan chunks, which no
article owns, and hands back the articles whose chunks are wrong rather than touching their rows:
the registry keeps each article's clean body, so the application re-stores them from it (chunk,
embed, upsert, as ingestion does) with no network and nothing lost. Blanking a row's content hash
to force a re-ingest would hide the article's analyses (they are matched by content hash) and
only helps while its feed still carries the item.

The keyword index follows the chunk store: `check` compares their counts, and their ids only when
the counts differ; `repair` indexes the chunks the index lacks (their text is in the store) and
drops rows whose chunk is gone. `fill_keyword_index` does the same once, on first use, for a
registry whose index is empty while the registry records chunks: one from before the index moved
into the registry.

`backup` copies the registry with SQLite's backup API and the chunks through Chroma's own API
(vectors included) into a fresh embedded Chroma, so the copy depends on no file layout and works
from a Chroma server too; the copy is checked like the original and described by
`assay-backup.json`, written last (a folder without it is an unfinished copy). The folder it makes
is an ASSAY_HOME of its own (`registry.sqlite`, `chroma/`): point ASSAY_HOME at it, or copy both
into place, to restore.

Neither `repair` nor `backup` should run while an ingest writes: an ingest writes chunks before
recording their article, so its chunks in flight look like orphans to `repair` (it looks again
just before deleting, which narrows that window but cannot close it), and a backup taken meanwhile
may hold an article whose chunks were replaced between the two copies (its check says so).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import Counter
from collections.abc import Collection
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, computed_field

from assay.aliases import USER_FILE
from assay.corpus import SOURCES_FILE
from assay.settings import CONFIG_FILE, Settings
from assay.store.keywords import KeywordIndex, KeywordRow
from assay.store.registry import Registry
from assay.store.vectors import PAGE, ChunkStore

log = logging.getLogger(__name__)

BACKUP_MANIFEST = "assay-backup.json"

KeywordIndexState = Literal["current", "stale", "not checked"]


class BackupError(RuntimeError):
    """A backup that cannot be made as asked; the message is one line naming the cause and the fix."""


class ConsistencyReport(BaseModel):
    """What `check` found. `ok` is False when chunks and registry disagree, or the keyword index and
    the chunks do (keyword search would miss chunks, or name chunks that are gone)."""

    articles: int = Field(description="Articles in the registry.")
    chunks: int = Field(description="Chunks in the chunk store.")
    orphan_chunks: list[str] = Field(default_factory=list, description="Chunks whose article is not in the registry.")
    missing: list[str] = Field(
        default_factory=list, description="Articles whose chunks in the store are not the number the registry recorded."
    )
    chunk_counts: dict[str, tuple[int, int]] = Field(
        default_factory=dict, description="For each article in `missing`: (chunks the registry recorded, chunks the store holds)."
    )
    keyword_index: KeywordIndexState = Field("not checked", description="The keyword index against the chunks held now.")
    keyword_missing: list[str] = Field(default_factory=list, description="Chunks in the chunk store that the keyword index lacks.")
    keyword_extra: list[str] = Field(default_factory=list, description="Keyword index rows whose chunk the chunk store does not hold.")
    unreadable_vectors: int | None = Field(
        None, description="Chunks whose vectors the chunk store cannot give back (a damaged graph); None: not read.")

    @computed_field  # type: ignore[prop-decorator]  # pydantic's documented way to serialise a property
    @property
    def ok(self) -> bool:
        return not self.orphan_chunks and not self.missing and self.keyword_index != "stale" and not self.unreadable_vectors


class RepairResult(BaseModel):
    deleted_chunks: list[str] = Field(default_factory=list, description="Orphan chunks deleted from the chunk store.")
    reingest: list[str] = Field(
        default_factory=list, description="Articles whose chunks are wrong: to be stored again from the registry's copy of their body."
    )
    keyword_rows_added: int = Field(0, description="Chunks of the store indexed again.")
    keyword_rows_deleted: int = Field(0, description="Keyword index rows of chunks the store no longer holds, deleted.")


class BackupResult(BaseModel):
    target: Path
    registry: Path
    chroma: Path
    articles: int
    chunks: int
    check: ConsistencyReport = Field(description="The copy, checked as `check` checks the original.")
    written: datetime
    files: list[str] = Field(default_factory=list, description="The user's own files of the data folder copied beside them.")


def check(registry: Registry, store: ChunkStore, keywords: KeywordIndex | None = None, *, vectors: bool = False) -> ConsistencyReport:
    """Compare the registry's articles with the chunk store's chunks (and the keyword index with the
    chunks, if given); with `vectors`, also read every chunk's vector back (about 0.1 ms a chunk
    here: 0.35 s for 3,712): a damaged graph still counts and answers queries, it only loses chunks."""
    owners = store.chunk_article_ids()
    expected = registry.chunk_counts()  # read second: an article recorded meanwhile is not taken for missing
    held = Counter(owners.values())
    orphans = sorted(chunk_id for chunk_id, article_id in owners.items() if article_id not in expected)
    missing = sorted(article_id for article_id, count in expected.items() if held.get(article_id, 0) != count)
    state: KeywordIndexState = "not checked"
    keyword_missing: list[str] = []
    keyword_extra: list[str] = []
    if keywords is not None:
        keyword_missing, keyword_extra = _keyword_difference(keywords, owners)
        state = "stale" if keyword_missing or keyword_extra else "current"
    return ConsistencyReport(
        articles=len(expected), chunks=len(owners), orphan_chunks=orphans, missing=missing,
        chunk_counts={a: (expected[a], held.get(a, 0)) for a in missing}, keyword_index=state,
        keyword_missing=keyword_missing, keyword_extra=keyword_extra,
        unreadable_vectors=store.unreadable_vectors() if vectors else None,
    )


def _keyword_difference(keywords: KeywordIndex, held: Collection[str]) -> tuple[list[str], list[str]]:
    """The held chunk ids the keyword index lacks, and the ids it has that are not held. The ids
    themselves are compared, not their counts: a lost row and a stale one together keep the count
    (about a second per million chunks, for a command run by hand)."""
    indexed = keywords.chunk_ids()
    return sorted(set(held) - indexed), sorted(indexed - set(held))


def repair(
    registry: Registry, store: ChunkStore, report: ConsistencyReport, keywords: KeywordIndex | None = None
) -> RepairResult:
    """Delete the report's orphan chunks whose article is still not in the registry, and return the
    articles whose chunks are wrong (their rows are left as they are: see the module's docstring).
    With `keywords`, the keyword index is then made to hold exactly the chunks the store holds."""
    owners = store.chunk_article_ids(report.orphan_chunks)
    known = registry.chunk_counts()  # again, just before deleting: an ingest may have recorded some meanwhile
    doomed = sorted(chunk_id for chunk_id, article_id in owners.items() if article_id not in known)
    for start in range(0, len(doomed), PAGE):
        store.delete(doomed[start : start + PAGE])
    added = deleted = 0
    if keywords is not None:
        added, deleted = sync_keyword_index(keywords, store)
    return RepairResult(
        deleted_chunks=doomed, reingest=[a for a in report.missing if a in known], keyword_rows_added=added, keyword_rows_deleted=deleted,
    )


def sync_keyword_index(keywords: KeywordIndex, store: ChunkStore) -> tuple[int, int]:
    """Index the store's chunks the keyword index lacks and delete its rows of chunks the store does
    not hold; returns how many rows were added and deleted."""
    missing, extra = _keyword_difference(keywords, store.ids())
    keywords.delete(extra)
    for start in range(0, len(missing), PAGE):
        keywords.add(KeywordRow(c.chunk_id, c.article_id, c.text) for c in store.chunks(missing[start : start + PAGE]))
    return len(missing), len(extra)


def fill_keyword_index(registry: Registry, store: ChunkStore, keywords: KeywordIndex) -> None:
    """Fill an empty keyword index from the chunk store when the registry records chunks: a home
    from before the index moved into the registry (the release that kept it in memory), upgraded.

    The registry, not the chunk store, says whether there should be rows: during a home's first
    ingest the store already holds the new chunks while the registry records none, and the ingest
    indexes those itself. Cheap when there is nothing to do: a count or two."""
    if keywords.count() or not registry.counts()["chunks"]:
        return
    if registry.read_only:
        log.warning("the keyword index is empty and the registry is read-only: keyword search finds nothing until "
                    "an Assay command that may write fills it")
        return
    log.warning("filling the keyword index from the %d chunks in the chunk store (once, for a registry written before "
                "keyword search moved into it)", store.count())
    sync_keyword_index(keywords, store)


def user_files(settings: Settings) -> list[tuple[Path, str]]:
    """What the user wrote into the data folder besides the corpus, with its name in a copy: settings, alias
    and source-type files, their own prompt versions and releases, the texts piped in. A backup had left them
    out, so a home restored from it analysed with the shipped prompts and merged no alias of theirs."""
    home = settings.home
    named = [(home / name, name) for name in (CONFIG_FILE, USER_FILE, SOURCES_FILE)]
    named += [(settings.pasted_dir, settings.pasted_dir.name), (settings.own_prompts_dir, "prompts")]
    return [(path, name) for path, name in named if path.exists()]


def backup(settings: Settings, registry: Registry, store: ChunkStore, target_dir: Path) -> BackupResult:
    """Copy the registry and the chunks into `target_dir` (new, or an empty folder) as an ASSAY_HOME of their own."""
    target = Path(target_dir).absolute()
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise BackupError(f"{target} is not a folder: back up into a new or empty folder")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new or empty folder, nothing there is overwritten")
    copy_settings = settings.model_copy(update={"home": target, "chroma_url": None, "database_url": None})
    created = not target.exists()
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create {target} ({exc.strerror}): choose a folder this user may write") from exc
    registry_copy = Path(copy_settings.registry_url.removeprefix("sqlite:///"))
    copy_store: ChunkStore | None = None
    copied: list[str] = []
    try:
        registry.backup_to(registry_copy)  # first: every article in it already had its chunks written
        copy_store = ChunkStore(copy_settings)
        for records in store.records():
            copy_store.add_records(records)
        for source, name in user_files(settings):
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / name)
            copied.append(name)
        copy_registry = Registry(copy_settings.registry_url)
        try:
            found = check(copy_registry, copy_store, KeywordIndex(copy_registry))
        finally:
            copy_registry.close()
        result = BackupResult(
            target=target, registry=registry_copy, chroma=copy_settings.chroma_path, articles=found.articles,
            chunks=found.chunks, check=found, written=datetime.now(UTC), files=copied,
        )
        manifest = {"format": "assay-backup/1", **json.loads(result.model_dump_json())}
        (target / BACKUP_MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    except BaseException:
        # Seen on a full disk: a registry without its chunks was left, a folder that looked like a backup, and
        # the same command again refused it as not empty. What this backup wrote goes (the folder was empty).
        _remove_copy(target, created, [registry_copy, copy_settings.chroma_path, *(target / name for _, name in user_files(settings))],
                     copy_store)
        raise
    return result


def _remove_copy(target: Path, created: bool, copies: list[Path], copy_store: ChunkStore | None) -> None:
    """The registry file and chunk folder a failed backup wrote, with their companions (SQLite's journal
    files, the folder's lock and turn files), and the manifest; never anything else in `target`."""
    with suppress(Exception):
        if copy_store is not None:
            copy_store.release()
    ends = ("", "-wal", "-shm", "-journal", ".lock", ".turn")
    for path in [*(copy.with_name(copy.name + end) for copy in copies for end in ends), target / BACKUP_MANIFEST]:
        with suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)
    if created:
        with suppress(OSError):
            target.rmdir()  # only if nothing else is in it
