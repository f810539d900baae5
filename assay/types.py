"""The data that moves through ingestion, as pydantic models whose fields document it."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field, computed_field


# The labels of the real-vs-rhetoric breakdown, defined once here as LABELLING.md defines them.


class Kind(StrEnum):
    fact = "fact"
    claim = "claim"
    rhetoric = "rhetoric"
    opinion = "opinion"


KINDS = [kind.value for kind in Kind]  # fact, claim, rhetoric, opinion: the order every table and view uses


class Attribution(StrEnum):
    company = "company"
    state_media = "state_media"
    government = "government"
    third_party = "third_party"
    author = "author"


class Evidence(StrEnum):
    none = "none"
    self_reported = "self_reported"
    document = "document"
    independent = "independent"


class SourceKind(StrEnum):
    feed = "feed"
    page = "page"
    file = "file"


class Fetched(BaseModel):
    """The bytes of one source, as they came off the network or the disk."""

    source: str = Field(description="What the user named: a URL or a path.")
    url: str | None = Field(None, description="Final URL after redirects; None for local files.")
    content: bytes = Field(b"", repr=False)
    content_type: str = Field("", description="HTTP Content-Type, or one guessed from the file suffix.")
    charset: str | None = Field(None, description="Charset the server declared, if any.")
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = Field(False, description="A conditional GET answered 304: nothing new.")


class RawItem(BaseModel):
    """One article as a source offers it, before cleaning."""

    source: str = Field(description="Feed title, site host or file name: who published this.")
    source_url: str = Field(description="The feed, page or file this item came from.")
    url: str | None = Field(None, description="Canonical URL of the article, if it has one.")
    guid: str | None = Field(None, description="The feed's guid/id for this item.")
    title: str = ""
    author: str | None = None
    published: datetime | None = None
    categories: list[str] = Field(default_factory=list)
    content: str = Field("", repr=False, description="The article text as given.")
    content_format: Literal["html", "text", "markdown", "extracted"] = Field(
        "html", description="How to read `content`; `extracted` is trafilatura's XML of a whole page."
    )


class Section(BaseModel):
    heading: str | None = Field(description="Section heading; None for text before the first heading.")
    start: int = Field(description="Offset of the section's first character in the clean body.")
    end: int = Field(description="Offset just past the section's last character.")


class Article(BaseModel):
    """A clean article: what is chunked, embedded, analysed and shown."""

    id: str = Field(description="Hash of the canonical URL, or of the content when there is no URL.")
    url: str | None = None
    guid: str | None = None
    title: str
    author: str | None = None
    published: datetime | None = None
    source: str
    source_url: str
    categories: list[str] = Field(default_factory=list)
    highlights: list[str] = Field(
        default_factory=list, description="The publisher's Highlights bullets, never part of the body."
    )
    body: str = Field(description="Clean text: paragraphs split by blank lines, list items as '• ' lines.")
    sections: list[Section] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def content_hash(self) -> str:
        """Changes when anything a reader or the analysis sees changes."""
        parts = [self.title, self.published.isoformat() if self.published else "", *self.highlights, self.body]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Chunk(BaseModel):
    id: str = Field(description="Deterministic: article id, position and a hash of the text.")
    article_id: str
    index: int
    text: str
    start: int = Field(description="Offset into the article's clean body.")
    end: int
    section: str | None = None

    def metadata(self, article: Article) -> dict[str, str | int | float | bool]:
        """Chroma metadata: scalars only, so missing values are left out rather than None."""
        meta: dict[str, str | int | float | bool] = {
            "article_id": self.article_id,
            "chunk_index": self.index,
            "title": article.title,
            "source": article.source,
            "start": self.start,
            "end": self.end,
        }
        if article.url:
            meta["url"] = article.url
        if article.published:
            meta["published"] = article.published.isoformat()
            meta["published_ts"] = int(article.published.timestamp())
        if self.section:
            meta["section"] = self.section
        return meta


class ItemStatus(StrEnum):
    new = "new"
    updated = "updated"
    unchanged = "unchanged"
    duplicate = "duplicate"
    failed = "failed"


class ItemResult(BaseModel):
    """What ingestion did with one item (or with a whole source that failed before its items)."""

    source: str
    status: ItemStatus
    article_id: str | None = None
    title: str | None = None
    url: str | None = None
    chunks: int = Field(0, description="Chunks embedded and stored for this item in this run.")
    error: str | None = None
    feed: str | None = Field(None, description="The feed this item came from, as it was named.")
    guid: str | None = None


class IngestReport(BaseModel):
    results: list[ItemResult] = Field(default_factory=list)
    not_modified: list[str] = Field(default_factory=list, description="Feeds that answered 304.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> dict[str, int]:
        return {status.value: sum(r.status == status for r in self.results) for status in ItemStatus}

    @computed_field  # type: ignore[prop-decorator]
    @property
    def chunks_embedded(self) -> int:
        return sum(r.chunks for r in self.results)

    def summary_line(self) -> str:
        return ", ".join(f"{n} {status}" for status, n in self.counts.items())
