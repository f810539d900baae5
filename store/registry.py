"""The article registry: articles and their versions, feed state, timestamps (SQLAlchemy).

SQLite under ASSAY_HOME by default; any SQLAlchemy URL (Postgres, say) through
ASSAY_DATABASE_URL. The registry is the record of truth for what was ingested:
an article row exists only once its chunks are in Chroma.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, create_engine, event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from assay.types import Analysis, Article, StoredArticle


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: DateTime(timezone=True), dict: JSON, list: JSON}


class ArticleRow(Base):
    __tablename__ = "articles"

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


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; they were stored as UTC."""
    return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


class Registry:
    def __init__(self, url: str):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine: Engine = create_engine(url)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        Base.metadata.create_all(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    # --- articles -----------------------------------------------------------------

    def content_hashes(self, ids: list[str]) -> dict[str, str]:
        with self.session() as s:
            rows = s.execute(select(ArticleRow.id, ArticleRow.content_hash).where(ArticleRow.id.in_(ids)))
            return dict(rows.tuples().all())

    def record_article(self, article: Article, chunk_count: int) -> int:
        """Insert or update an article and add its version; returns the version number."""
        fields = article.model_dump(exclude={"content_hash"}, mode="python")
        fields["sections"] = [s.model_dump() for s in article.sections]
        with self.session() as s:
            row = s.get(ArticleRow, article.id)
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
                )
            )
            return row.version

    def get(self, article_id: str) -> StoredArticle | None:
        with self.session() as s:
            row = s.get(ArticleRow, article_id)
            if row is None:  # allow a unique prefix, as git does for commits
                matches = s.scalars(select(ArticleRow).where(ArticleRow.id.startswith(article_id)).limit(2)).all()
                row = matches[0] if len(matches) == 1 else None
            return row.to_stored() if row else None

    def articles(self) -> list[StoredArticle]:
        with self.session() as s:
            return [row.to_stored() for row in s.scalars(select(ArticleRow).order_by(ArticleRow.published.desc(), ArticleRow.id))]

    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                "articles": s.scalar(select(func.count()).select_from(ArticleRow)) or 0,
                "article_versions": s.scalar(select(func.count()).select_from(ArticleVersionRow)) or 0,
                "chunks": s.scalar(select(func.coalesce(func.sum(ArticleRow.chunk_count), 0))) or 0,
                "feeds": s.scalar(select(func.count()).select_from(FeedRow)) or 0,
                "analyses": s.scalar(select(func.count()).select_from(AnalysisRow)) or 0,
            }

    # --- analyses -------------------------------------------------------------------

    def has_analysis(self, article_id: str, cache_key: str) -> bool:
        with self.session() as s:
            found = s.scalar(select(func.count()).where(AnalysisRow.article_id == article_id, AnalysisRow.cache_key == cache_key))
            return bool(found)

    def record_analysis(self, analysis: Analysis, cache_key: str) -> None:
        """Stored whole in one transaction: an analysis is never half there."""
        provenance = analysis.provenance
        with self.session() as s:
            s.add(AnalysisRow(article_id=analysis.article_id, cache_key=cache_key, analysis=analysis.model_dump(mode="json"),
                              content_hash=analysis.content_hash, model=provenance.model, prompts=provenance.prompts,
                              classifier=provenance.kind_decided_by))
            row = s.get(ArticleRow, analysis.article_id)
            if row is not None:
                row.status = "analysed"

    def latest_analysis(self, article_id: str) -> Analysis | None:
        """The newest analysis of the article's current content (stored JSON of earlier versions loads too)."""
        with self.session() as s:
            article = s.get(ArticleRow, article_id)
            if article is None:
                return None
            row = s.scalars(
                select(AnalysisRow)
                .where(AnalysisRow.article_id == article_id, AnalysisRow.content_hash == article.content_hash)
                .order_by(AnalysisRow.id.desc())
                .limit(1)
            ).first()
            return Analysis.model_validate(row.analysis) if row else None

    def unanalysed_ids(self) -> list[str]:
        with self.session() as s:
            return list(s.scalars(select(ArticleRow.id).where(ArticleRow.status != "analysed").order_by(ArticleRow.published.desc())))

    # --- LLM calls ------------------------------------------------------------------

    def log_llm_call(self, **fields: Any) -> None:
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

    def feeds(self) -> list[FeedRow]:
        with self.session() as s:
            return list(s.scalars(select(FeedRow).order_by(FeedRow.url)))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets `assay status` read while an ingest writes; with WAL, synchronous=NORMAL is
    # corruption-safe and spares an fsync per article commit. Foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
