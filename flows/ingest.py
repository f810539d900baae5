"""The `ingest` flow: fetch → parse → clean → dedupe → chunk → embed → upsert → record.

Tasks work on whole batches (one embedding pass over every new chunk is the
fastest way through the model) except fetching, which is one task per URL so
each gets its own retries and pages download concurrently. A bad item becomes
a failed `ItemResult` and the rest of the batch goes on; an article is in the
registry only once all its chunks are in Chroma and the keyword index, so
nothing half-stored stays.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from itertools import accumulate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import Task, exponential_backoff

from assay.articles import to_article
from assay.chunking import chunk_article
from assay.embeddings import DIMENSIONS
from assay.flows.progress import report_progress
from assay.ids import canonical_url
from assay.readers import content_type_for, json_stories, parse, supported_suffixes
from assay.readers.feed import is_teaser
from assay.readers.html import refresh_stub_target
from assay.services import services
from assay.settings import MAX_FETCH_CONCURRENCY, Settings, get_settings
from assay.sources import (
    SourceError,
    expand_source,
    fetch_url,
    is_url,
    local_path,
    opens_a_subscription_list,
    read_file,
    subscription_feeds_in,
    unread_files,
    unwrapped_link,
)
from assay.store.keywords import KeywordRow
from assay.store.registry import Registry, RegistryError, body_hash
from assay.types import (
    Article,
    Chunk,
    Fetched,
    IngestReport,
    ItemResult,
    ItemStatus,
    RawItem,
    RemovedArticle,
    SourceKind,
    path_text,
)


@dataclass
class Pending:
    """An article on its way through the batch tasks."""

    article: Article
    status: ItemStatus  # new or updated
    location: str
    feed: str | None
    notes: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    vectors: np.ndarray = field(default_factory=lambda: np.empty((0, DIMENSIONS), dtype=np.float32))

    def result(self, status: ItemStatus | None = None, *, error: str | None = None, chunks: int = 0) -> ItemResult:
        a = self.article
        return ItemResult(
            location=self.location, status=status or self.status, article_id=a.id, title=a.title, url=a.url,
            feed=self.feed, guid=a.guid, error=error, chunks=chunks, notes=self.notes,
        )


# A feed's items travel with the name of their feed, so its state can be recorded once they are in.
Fed = tuple[RawItem, str | None]
Cleaned = tuple[Article, str | None, list[str]]  # the article, its feed, the reader's notes


def _failed(location: str, error: Exception | str, item: RawItem | None = None, feed: str | None = None) -> ItemResult:
    return ItemResult(
        notes=item.notes if item else [],
        location=location,
        status=ItemStatus.failed,
        error=str(error),
        title=item.title if item else None,
        url=item.url if item else None,
        guid=item.guid if item else None,
        feed=feed,
    )


def state_error(state: Any) -> object:
    """The exception a failed task state carries (retry conditions see it either way)."""
    return state.data if isinstance(state.data, BaseException) else state.result(raise_on_failure=False)


def _is_retryable(task: Any, task_run: Any, state: Any) -> bool:
    """Retry network errors, timeouts, 429 and 5xx; a 404 or a bad feed will not get better."""
    error = state_error(state)
    return isinstance(error, SourceError) and error.retryable


# --- tasks --------------------------------------------------------------------------------


@task(name="fetch", cache_policy=NO_CACHE, retry_condition_fn=_is_retryable, retry_jitter_factor=0.5)
def fetch(
    location: str, settings: Settings, etag: str | None = None, last_modified: str | None = None, *, allow_private: bool = True
) -> Fetched:
    if is_url(location):
        fetched = fetch_url(location, settings, etag=etag, last_modified=last_modified, allow_private=allow_private)
        if (target := refresh_stub_target(fetched)) is None:
            return fetched
        # One hop on, as a browser goes on from a "Redirecting…" page; a second stub is refused by its reader, naming the next.
        onward = fetch_url(target, settings, allow_private=allow_private)
        return onward.model_copy(update={"source": location, "notes": [*onward.notes, f"followed the page's refresh from {fetched.url} to {target}"]})
    return read_file(location, settings, content_type_for(Path(location).suffix.lower()))


FetchTask = Task[..., Fetched]


def _fetch_task(settings: Settings) -> FetchTask:
    return fetch.with_options(
        retries=settings.fetch_retries,
        retry_delay_seconds=exponential_backoff(settings.fetch_backoff_s)(settings.fetch_retries) if settings.fetch_retries else 0,
    )


def _fetch_all(
    fetch_task: FetchTask, settings: Settings, requests: Iterable[tuple[str, tuple[str | None, str | None]]],
    fetched_urls: list[str], *, allow_private: bool = True,
) -> Iterator[tuple[str, Fetched | None, Exception | None]]:
    """Fetch each (location, validators), at most `fetch_concurrency` at once, results in order; every
    URL asked for is added to `fetched_urls` (the report lists them)."""
    in_flight: list[tuple[str, PrefectFuture[Fetched]]] = []

    def finish(location: str, future: PrefectFuture[Fetched]) -> tuple[str, Fetched | None, Exception | None]:
        future.wait()
        state = future.state
        report_progress("fetch", 1)
        if state.is_completed():
            return location, future.result(), None
        error = state.result(raise_on_failure=False)
        return location, None, error if isinstance(error, Exception) else RuntimeError(state.message)

    for location, (etag, last_modified) in requests:
        if len(in_flight) >= settings.fetch_concurrency:
            yield finish(*in_flight.pop(0))
        if is_url(location):
            fetched_urls.append(location)
        in_flight.append((location, fetch_task.submit(location, settings, etag, last_modified, allow_private=allow_private)))
    for location, future in in_flight:
        yield finish(location, future)


@task(name="parse", cache_policy=NO_CACHE)
def parse_sources(
    fetched: list[Fetched], expect: SourceKind | None
) -> tuple[list[Fed], list[ItemResult], list[tuple[Fetched, str | None]]]:
    """Items of every source; also the feeds and their titles, whose state is recorded at the end."""
    items: list[Fed] = []
    failures: list[ItemResult] = []
    feeds: list[tuple[Fetched, str | None]] = []
    for one in fetched:
        try:
            kind, title, parsed = parse(one, expect)
        except SourceError as exc:
            failures.append(_failed(one.source, exc))
            continue
        feed = one.source if kind is SourceKind.feed else None
        if feed:
            feeds.append((one, title))
        items.extend((item, feed) for item in parsed)
    return items, failures, feeds


@task(name="clean", cache_policy=NO_CACHE)
def clean(items: list[Fed]) -> tuple[list[Cleaned], list[ItemResult]]:
    articles: list[Cleaned] = []
    failures: list[ItemResult] = []
    for item, feed in items:
        try:
            articles.append((to_article(item), feed, item.notes))
        except SourceError as exc:
            failures.append(_failed(item.url or item.source_url, exc, item, feed))
    return articles, failures


SYNDICATION_MIN_WORDS = 40


# A reading shares this much of its word triples with the article last read from the same file to be
# that article again (an edit, or a newer reader): a different article saved under the same name
# shares almost none.
SAME_FILE_MIN_SHARED = 0.5


def _triples(text: str) -> set[tuple[str, ...]]:
    words = text.lower().split()
    return {tuple(words[i : i + 3]) for i in range(max(len(words) - 2, 1))}


def shared_text(a: str, b: str) -> float:
    """The share of the shorter text's word triples that the other text holds."""
    ta, tb = _triples(a), _triples(b)
    return len(ta & tb) / max(min(len(ta), len(tb)), 1)


def _same_file_kept(articles: list[Cleaned], known: dict[str, str], registry: Registry) -> list[Cleaned]:
    """A local file read again after an edit, or by a newer reader, stays the article it was. A file's
    article takes its id from its text (it has no URL), so each new reading would otherwise be one
    more article, and the old reading would "corroborate" the new one in every cross-check."""
    paths = {a.source_url for a, _, _ in articles if a.url is None and a.id not in known}
    stored = registry.local_file_articles(paths)
    kept: list[Cleaned] = []
    for article, feed, notes in articles:
        earlier = stored.get(article.source_url, []) if article.url is None and article.id not in known else []
        # The likeliest earlier reading; of equals, the one updated last (the registry's order).
        shared, same = max(((shared_text(body, article.body), earlier_id) for earlier_id, body in earlier), key=lambda x: x[0], default=(0.0, ""))
        if shared >= SAME_FILE_MIN_SHARED:
            article = article.model_copy(update={"id": same})
            notes = [*notes, f"read again from the same file: a new version of article {same}"]
        kept.append((article, feed, notes))
    return kept


def _removed_kept_out(articles: list[Cleaned], named: frozenset[str], registry: Registry) -> tuple[list[Cleaned], list[ItemResult]]:
    """The articles to go on with, and the results of those the user removed (`assay remove`) that a
    feed or a folder offers again. One whose page or file the user `named` alone comes back in. A local
    file is matched by its path too: an edited file's text, so its article's id, changes."""
    removed = registry.removed([a.id for a, _, _ in articles], locations=[a.source_url for a, _, _ in articles if a.url is None])
    kept: list[Cleaned] = []
    kept_out: list[ItemResult] = []
    for article, feed, notes in articles:
        earlier = removed.get(article.id) or (removed.get(article.source_url) if article.url is None else None)
        if earlier is None:
            kept.append((article, feed, notes))
        elif feed is None and named & {article.url, article.source_url}:  # a feed's item records the feed as its source_url
            registry.unremove([earlier.article_id, earlier.location])
            kept.append((article, feed, [*notes, f"removed on {earlier.removed_at:%Y-%m-%d}; named again, so taken back in"]))
        else:
            kept_out.append(_kept_out(earlier, article.url or article.source_url, feed))
    return kept, kept_out


@task(name="dedupe", cache_policy=NO_CACHE)
def dedupe(
    articles: list[Cleaned], settings: Settings, named: frozenset[str] = frozenset()
) -> tuple[list[Pending], list[ItemResult], list[tuple[str, str]]]:
    """Drop repeats within the batch and articles whose content the registry already has. The same
    text under another URL (syndication) is the article already known, or first seen in this run:
    its URL becomes an alias of that article, returned as (article id, url) to record once it is stored.
    An article the user removed is kept out, unless its page or file is one of those `named` alone."""
    registry = services(settings).registry
    known = registry.content_hashes([a.id for a, _, _ in articles])
    articles = _same_file_kept(articles, known, registry)
    articles, kept_out = _removed_kept_out(articles, named, registry)
    known |= registry.content_hashes([a.id for a, _, _ in articles if a.id not in known])  # the files read again
    digests = {a.id: body_hash(a.body) for a, _, _ in articles}
    stored_bodies = registry.find_by_body_hashes([digests[a.id] for a, _, _ in articles if a.id not in known])
    pending: list[Pending] = []
    done: list[ItemResult] = kept_out
    aliases: list[tuple[str, str]] = []
    seen: set[str] = set()
    bodies: dict[str, str] = {}  # body hash -> the article first seen with it in this run
    for article, feed, notes in articles:
        status = ItemStatus.updated if article.id in known else ItemStatus.new
        one = Pending(article, status, article.url or article.source_url, feed, notes)
        digest = digests[article.id]
        # Short bodies (a cookie wall, a paywall teaser) are alike by accident, not syndicated copies.
        syndicated = article.id not in known and len(article.body.split()) >= SYNDICATION_MIN_WORDS
        same_text = bodies.get(digest) or stored_bodies.get(digest) if syndicated else None
        if article.id in seen:
            done.append(one.result(ItemStatus.duplicate, error="duplicate of an earlier item in this run (same URL or content)"))
        elif same_text is not None and same_text != article.id:
            aliases.append((same_text, one.location))
            one.notes = [*one.notes, f"same text as article {same_text} (syndicated): this URL is recorded as its alias"]
            done.append(one.result(ItemStatus.duplicate))
        elif known.get(article.id) == article.content_hash:
            done.append(one.result(ItemStatus.unchanged))
        else:
            pending.append(one)
            bodies.setdefault(digest, article.id)
        seen.add(article.id)
    return pending, done, aliases


@task(name="chunk", cache_policy=NO_CACHE)
def chunk(pending: list[Pending], settings: Settings) -> list[Pending]:
    return [replace(one, chunks=chunk_article(one.article, settings.chunk_size, settings.chunk_overlap)) for one in pending]


@task(name="embed", cache_policy=NO_CACHE)
def embed(pending: list[Pending], settings: Settings) -> list[Pending]:
    texts = [c.text for one in pending for c in one.chunks]
    # A numpy array, not lists of floats: Prefect walks every task argument looking
    # for futures, and 60k Python floats cost it half a second per hand-over.
    vectors = services(settings).embedder.forward(texts)
    report_progress("embed", len(texts))
    bounds = list(accumulate([0] + [len(one.chunks) for one in pending]))
    return [replace(one, vectors=vectors[a:b]) for one, a, b in zip(pending, bounds, bounds[1:])]


@task(name="stored-chunk-ids", cache_policy=NO_CACHE)
def stored_chunk_ids(article_ids: list[str], settings: Settings) -> dict[str, set[str]]:
    return services(settings).chunk_store.chunk_ids_by_article(article_ids)


@task(name="upsert", cache_policy=NO_CACHE)
def upsert(pending: list[Pending], old_ids: dict[str, set[str]], settings: Settings) -> list[ItemResult]:
    """Chunks of a group of articles into Chroma in one write; on failure nothing new of theirs stays."""
    store = services(settings).chunk_store
    try:
        store.upsert([(one.article, one.chunks, one.vectors) for one in pending])
    except Exception as exc:  # noqa: BLE001 - these articles fail; the rest of the batch goes on
        store.delete([c.id for one in pending for c in one.chunks if c.id not in old_ids[one.article.id]])
        return [one.result(ItemStatus.failed, error=f"could not store chunks: {exc}") for one in pending]
    return []


@task(name="record", cache_policy=NO_CACHE)
def record(pending: list[Pending], old_ids: dict[str, set[str]], failed: list[ItemResult], settings: Settings) -> list[ItemResult]:
    """Per article: its chunks into the keyword index, its registry row, then its stale chunks out of
    Chroma and the index. Chunks first, row second, so an article in the registry always has all its
    chunks in both; if the row cannot be written, its new chunks are taken out again and the old
    version stays whole. A crash between the steps leaves orphan chunks that the next ingest of
    the article replaces. The index changes by this article's chunks only: an ingest costs the
    same however large the corpus."""
    made = services(settings)
    store, registry, keywords = made.chunk_store, made.registry, made.keyword_index()
    failed_ids = {r.article_id for r in failed}
    results = list(failed)
    for one in pending:
        article, new_ids = one.article, {c.id for c in one.chunks}
        if article.id in failed_ids:
            continue
        try:
            keywords.add(KeywordRow(c.id, article.id, c.text) for c in one.chunks)
            version, wrote = registry.record_article_once(article, len(one.chunks))
        except Exception as exc:  # noqa: BLE001 - a registry failure fails this item only
            doomed = sorted(new_ids - old_ids[article.id])
            store.delete(doomed)
            # The database that just failed may refuse this too; retrieval skips index rows whose
            # chunk is gone, and `assay doctor --repair` deletes them.
            with suppress(RegistryError):
                keywords.delete(doomed)
            results.append(one.result(ItemStatus.failed, error=f"could not record: {exc}"))
            continue
        if not wrote:
            # Two ingests of one folder or feed at once (a scheduled one overlapping one by hand) both found this article
            # new; each had reported it "new" and emitted its event. The other recorded it first: its chunks are these.
            one.notes.append("stored meanwhile by another ingest running at the same time")
            results.append(one.result(ItemStatus.unchanged))
            report_progress("store", 1)
            continue
        stale = sorted(old_ids[article.id] - new_ids)
        store.delete(stale)
        keywords.delete(stale)
        results.append(one.result(chunks=len(one.chunks)))
        emit_event(
            event=f"assay.article.{one.status.value}",
            resource={"prefect.resource.id": f"assay.article.{article.id}", "prefect.resource.name": article.title[:200]},
            payload={"article_id": article.id, "url": article.url, "source": article.source, "version": version, "chunks": len(one.chunks)},
        )
        report_progress("store", 1)
    return results


def _groups(pending: list[Pending], chunks_per_group: int) -> list[list[Pending]]:
    groups: list[list[Pending]] = [[]]
    for one in pending:
        if groups[-1] and sum(len(p.chunks) for p in groups[-1]) >= chunks_per_group:
            groups.append([])
        groups[-1].append(one)
    return groups


def _store(pending: list[Pending], settings: Settings) -> list[ItemResult]:
    """Embed group by group; each group is written to Chroma on a worker thread while the next
    one embeds (the overlap matters most with a remote Chroma server), and recorded once written,
    before the next write starts (no two writes to the chunk store at once). Recorded group by group,
    an ingest stopped halfway keeps what it finished: recorded all at the end, Ctrl-C 30 s into
    a folder of 468 files had kept no article and left 257 orphan chunks (seen here)."""
    pending = chunk(pending, settings)
    old_ids_future = stored_chunk_ids.submit([one.article.id for one in pending], settings)  # looked up meanwhile
    report_progress("embed", 0, sum(len(one.chunks) for one in pending))
    results: list[ItemResult] = []
    written: tuple[list[Pending], PrefectFuture[list[ItemResult]]] | None = None
    for group in _groups(pending, settings.embed_group_chunks):
        embedded = embed(group, settings)
        if written is not None:
            results += record(written[0], old_ids_future.result(), written[1].result(), settings)
        written = (group, upsert.submit(embedded, old_ids_future.result(), settings))
    if written is not None:
        results += record(written[0], old_ids_future.result(), written[1].result(), settings)
    return results


def _preload_model(settings: Settings) -> None:
    # A missing model is reported by `embed`, where it stops the run; here it would only be noise.
    with suppress(Exception):
        services(settings).embedder.load()


@task(name="record-feeds", cache_policy=NO_CACHE)
def record_feeds(feeds: list[tuple[Fetched, str | None]], results: list[ItemResult], settings: Settings) -> None:
    """Feed state: seen guids, and validators only when every item of the feed went in."""
    registry = services(settings).registry
    for feed, title in feeds:
        mine = [r for r in results if r.feed == feed.source]
        failed = any(r.status is ItemStatus.failed for r in mine)
        # An entry that became several documents (a filing's releases) is seen only when none of them failed.
        unfinished = {r.guid for r in mine if r.status is ItemStatus.failed}
        registry.record_feed(
            feed.source,
            title=title,
            status="partial" if failed else "ok",
            etag=feed.etag,
            last_modified=feed.last_modified,
            seen={r.guid: r.article_id for r in mine if r.guid and r.guid not in unfinished},
            keep_validators=not failed,
        )


# --- the flow ------------------------------------------------------------------------------


# Prefect types TaskRunner as invariant in its future type, so its own ThreadPoolTaskRunner does not fit the
# flow decorator's annotation; the ignore goes when Prefect fixes that.
@flow(name="ingest", task_runner=ThreadPoolTaskRunner(max_workers=MAX_FETCH_CONCURRENCY), validate_parameters=False)  # type: ignore[arg-type]
def ingest(sources: list[str], expect: SourceKind | None = None, settings: Settings | None = None) -> IngestReport:
    """Ingest feeds, pages, files and folders; safe to re-run: unchanged articles cost nothing.

    `settings` default to the environment's (a deployment's parameters are JSON; a worker reads
    its own environment); the CLI and the eval pass theirs."""
    return ingest_sources(sources, SourceKind(expect) if expect else None, settings or get_settings())


def ingest_sources(sources: list[str], expect: SourceKind | None, settings: Settings) -> IngestReport:
    """The ingest flow's body; the ingest-and-analyse flow runs it too, as its own first half
    (a subflow would cost a flow run more, ~0.4 s on two cores)."""
    registry = services(settings).registry
    report = IngestReport()

    named: list[str] = []
    for source in sources:
        try:
            named.extend(expand_source(source, supported_suffixes(), json_stories))
            report.unread.extend(unread_files(source, supported_suffixes(), json_stories))
        except SourceError as exc:
            report.results.append(_failed(source, exc))
    report_progress("fetch", 0, len(named))
    # The model loads on the other core while sources are fetched and parsed. When nothing
    # turns out new that is ~0.3 s of CPU spent for nothing; when something is, it is off
    # the critical path.
    preload = threading.Thread(target=_preload_model, args=(settings,), name="assay-embedder-load")
    if named:
        preload.start()

    fetch_task = _fetch_task(settings)
    fetched = _fetch_sources(list(dict.fromkeys(named)), fetch_task, settings, report)
    # A subscription list named by its address (a file's is read when it is named): its feeds, fetched in turn.
    listed: list[str] = []
    for subscriptions in [f for f in fetched if opens_a_subscription_list(f.content)]:
        fetched.remove(subscriptions)
        try:
            listed.extend(subscription_feeds_in(subscriptions.content, subscriptions.source))
        except SourceError as exc:
            report.results.append(_failed(subscriptions.source, exc))
    # Those addresses are the list's author's choice, not the user's: as a feed's links, kept off private addresses.
    fetched += _fetch_sources([url for url in dict.fromkeys(listed) if url not in named], fetch_task, settings, report,
                              allow_private=settings.fetch_private_links)

    items, failures, feeds = parse_sources(fetched, expect)
    report.results.extend(failures)
    items, done_here = _fetch_full_text(items, settings, fetch_task, report.fetched)
    report.results.extend(done_here)

    articles, failures = clean(items)
    report.results.extend(failures)
    read = {article.id: article for article, _, _ in articles}
    pending, done, aliases = dedupe(articles, settings, named_alone(sources))
    # How an unchanged article was read may be news (an article ingested before notes were kept, a
    # publisher a newer reader finds in its opening). A new publisher decides whose voice its own
    # sentences are: the article counts as updated, so that it is analysed again.
    refreshed = registry.refresh_reading([read[r.article_id] for r in done if r.status is ItemStatus.unchanged and r.article_id in read])
    for i, result in enumerate(done):
        if result.article_id in refreshed and (before := refreshed[result.article_id]) is not None:
            done[i] = result.model_copy(update={"status": ItemStatus.updated, "notes": [
                *result.notes, f"publisher read again: {read[result.article_id].source} (was {before}); its text is unchanged"]})
    report.results.extend(done)
    report_progress("store", len(done), len(articles))
    if pending:
        report.results.extend(_store(pending, settings))
    stored = {r.article_id for r in report.results if r.status in (ItemStatus.new, ItemStatus.updated, ItemStatus.unchanged)}
    for article_id, url in aliases:
        if article_id in stored or registry.get(article_id) is not None:
            registry.add_alias(article_id, url)
    record_feeds(feeds, report.results, settings)
    if preload.is_alive():
        preload.join()  # never leave a thread inside onnxruntime's set-up at interpreter exit
    return report


def _fetch_sources(
    sources: list[str], fetch_task: FetchTask, settings: Settings, report: IngestReport, *, allow_private: bool = True,
) -> list[Fetched]:
    """What `sources` hold, fetched concurrently (a feed conditionally, by its last validators); each
    failure and unmodified feed goes into `report`."""
    registry = services(settings).registry
    requests = ((s, registry.feed_validators(s) if is_url(s) else (None, None)) for s in sources)
    fetched: list[Fetched] = []
    for location, result, error in _fetch_all(fetch_task, settings, requests, report.fetched, allow_private=allow_private):
        if error is not None or result is None:
            report.results.append(_failed(location, error or "nothing fetched"))
        elif result.not_modified:
            report.not_modified.append(location)
            registry.record_feed(location, title=None, status="not modified", etag=result.etag, last_modified=result.last_modified)
        else:
            fetched.append(result)
    return fetched


def _already_read(items: list[Fed], registry: Registry) -> dict[str, ItemResult]:
    """The linked pages this home has read before, by URL: a feed entry it took in (its guid seen in that
    feed), or a link whose page is a stored article. Feed readers read only a feed's new entries; a
    teaser feed that gains one entry would otherwise fetch every page it lists again at each poll (an
    EDGAR feed: ~120 requests). `assay ingest URL` reads a page again."""
    seen: dict[str, str | None] = {}
    for name in {feed for _, feed in items if feed}:
        guids = {item.guid for item, feed in items if feed == name and item.guid}
        seen |= {f"{name}\n{guid}": article for guid, article in registry.seen_items(name, guids).items()}
    found: dict[str, str] = {}
    for item, feed in items:
        if not item.url:
            continue
        article = seen.get(f"{feed}\n{item.guid}") or registry.article_for_url(canonical_url(item.url))
        if article:
            found[item.url] = article
    stored = registry.content_hashes(list(set(found.values())))  # one no longer stored (a home restored from a backup) is read again
    removed = registry.removed(set(found.values()))  # one the user removed is not fetched either
    return {
        item.url: ItemResult(location=item.url, status=ItemStatus.unchanged, article_id=found[item.url], title=item.title,
                             url=item.url, feed=feed, guid=item.guid)
        if found[item.url] in stored else _kept_out(removed[found[item.url]], item.url, feed, item.guid)
        for item, feed in items if item.url in found and (found[item.url] in stored or found[item.url] in removed)
    }


def _kept_out(removed: RemovedArticle, location: str, feed: str | None = None, guid: str | None = None) -> ItemResult:
    return ItemResult(
        location=location, status=ItemStatus.removed, article_id=removed.article_id, title=removed.title, feed=feed, guid=guid,
        error=f"removed with `assay remove` on {removed.removed_at:%Y-%m-%d}: kept out; `assay ingest {removed.location}` takes it back",
    )


def named_alone(sources: list[str]) -> frozenset[str]:
    """The pages and files the user named themselves (not a folder's files or a feed's items), as an
    article records where it came from: an article removed earlier that one of these yields comes back."""
    alone: set[str] = set()
    for source in sources:
        try:
            path = local_path(source)
        except SourceError:  # an unreadable source has failed with its own message already
            continue
        if path is None:
            alone |= {source, unwrapped_link(source), canonical_url(unwrapped_link(source))}
        elif path.is_file():
            alone |= {path_text(str(path.resolve())), source}  # as typed too: a saved page was once recorded so
    return frozenset(alone)


LINKED_LIST_DEPTH = 2  # a feed's link to a filing's index, and the index's exhibits: no further


def _fetch_full_text(
    items: list[Fed], settings: Settings, fetch_task: FetchTask, fetched_urls: list[str], depth: int = 1
) -> tuple[list[Fed], list[ItemResult]]:
    """Feeds that carry only a summary, and lists of links (an email's headlines, a reading list): read
    each such article from its page instead, concurrently. A feed or a sender chooses these links, not
    the user: they may not reach loopback, private or link-local addresses unless
    ASSAY_FETCH_PRIVATE_LINKS allows it. A link whose page lists the documents to read (an SEC filing's
    index, as EDGAR's feeds link to) is those documents, read the same way; one that holds several
    articles (an export, a .zip) is those articles. A link read before is not read again
    (`_already_read`). Returns the items to clean, and the results of those that end here."""
    def teaser(item: RawItem, feed: str | None) -> bool:
        return bool(item.read_at_url or (feed and is_teaser(item.content, settings.full_page_below_chars)))

    # A link whose article the same sources give whole (a Notion export's reading list beside its pages) is not
    # fetched: the article is here, and a page that could not be reached had failed it.
    whole = {canonical_url(item.url) for item, feed in items if item.url and not teaser(item, feed)}
    items = [(item, feed) for item, feed in items if not (teaser(item, feed) and item.url and canonical_url(item.url) in whole)]
    short = {item.url: i for i, (item, feed) in enumerate(items) if item.url and is_url(item.url) and teaser(item, feed)}
    read_before = _already_read([items[i] for i in short.values()], services(settings).registry)
    short = {url: i for url, i in short.items() if url not in read_before}
    if not short:
        return [fed for fed in items if fed[0].url not in read_before], list(read_before.values())
    requests = ((url, (None, None)) for url in short)
    fetched = _fetch_all(fetch_task, settings, requests, fetched_urls, allow_private=settings.fetch_private_links)
    pages = {url: (result, error) for url, result, error in fetched}
    kept: list[Fed] = []
    failures: list[ItemResult] = list(read_before.values())
    listed: list[Fed] = []  # what the pages that list others list
    for item, feed in items:
        if item.url in read_before:
            continue
        if item.url not in short:
            kept.append((item, feed))
            continue
        result, error = pages[item.url]
        try:
            if error is not None or result is None:
                raise error or SourceError("nothing fetched")
            _, _, found = parse(result, SourceKind.page)
        except SourceError as exc:
            what = "feed item has no full text and its page" if feed else "the page a list links to"
            failures.append(_failed(item.url, f"{what} failed: {exc}", item, feed))
            continue
        if len(found) > 1 or found[0].read_at_url:
            # Each document keeps its feed entry's guid, so the entry counts as read once they are all in.
            listed.extend((f.model_copy(update={"published": f.published or item.published, "guid": f.guid or item.guid}), feed)
                          for f in found)
            continue
        (page,) = found
        update: dict[str, Any] = {"content": page.content, "content_format": page.content_format}
        if item.source == urlsplit(item.url).netloc:  # another site's article, named by its host: the page names it
            update["source"] = page.source
        if item.read_at_url and page.published:  # a headline's date is its email's; the page's is the article's
            update["published"] = page.published
        if not item.title:  # a bare link in a reading list: its page says what it is
            update["title"] = page.title
        kept.append((item.model_copy(update=update), feed))
    if listed and depth < LINKED_LIST_DEPTH:
        more, more_failures = _fetch_full_text(listed, settings, fetch_task, fetched_urls, depth + 1)
        kept, failures = kept + more, failures + more_failures
    else:
        kept += [(item, feed) for item, feed in listed if not item.read_at_url]
        failures += [_failed(item.url or "", "a page that lists pages listed this one: not followed further", item, feed)
                     for item, feed in listed if item.read_at_url]
    return kept, failures
