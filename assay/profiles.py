"""Source profiles: per source and per source type, the share of each kind and the rhetoric share
over time, each with a 95 % interval from resampling articles.

An article's rhetoric share is its analysis's `rhetoric_share` (the estimated share of its statements
that are claim or rhetoric); a source's is the mean over its analysed articles, so a long article
weighs no more than a short one, and its interval is a bootstrap over those articles. With one
article there is nothing to resample: the interval is that analysis's own. Kind shares count the
confident statements only; those the decider was unsure of are counted apart (`uncertain`).
Periods are calendar months (UTC) of each article's date: publication, else when Assay stored it.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from assay.corpus import SOURCE_TYPE_LABELS, CorpusView, StatementRecord, ascii_words
from assay.stats import bootstrap
from assay.types import KINDS, SourceType, StoredArticle


class ProfilePeriod(BaseModel):
    period: str = Field(description="Calendar month, YYYY-MM.")
    articles: int
    statements: int
    rhetoric_share: float | None = None
    interval: tuple[float, float] | None = None


class SourceProfile(BaseModel):
    name: str = Field(description="The source's name, or the source type's label for a type's profile.")
    source_type: SourceType
    slug: str = Field(description="File-name-safe and unique: the report's sources/<slug>.html.")
    articles: int = Field(description="Analysed articles: those whose statements are counted.")
    statements: int
    kind_shares: dict[str, float] = Field(default_factory=dict, description="Share of the confident statements per kind.")
    uncertain: int = 0
    rhetoric_share: float | None = None
    interval: tuple[float, float] | None = None
    periods: list[ProfilePeriod] = Field(default_factory=list, description="Oldest first.")


def source_profiles(corpus: CorpusView) -> list[SourceProfile]:
    """One profile per source, most analysed articles first."""
    by_source: dict[str, list[StoredArticle]] = defaultdict(list)
    for article in corpus.articles:
        by_source[article.source].append(article)
    ordered = sorted(by_source.items(), key=lambda item: (-_analysed(corpus, item[1]), -len(item[1]), item[0].casefold(), item[0]))
    taken: set[str] = set()
    profiles = []
    for name, articles in ordered:
        types = Counter(corpus.source_types.get(a.id, SourceType.news) for a in articles)
        # A source's articles are typed one by one (hosts, text cues), so they may differ: the most common wins.
        common = max(types.items(), key=lambda item: (item[1], -list(SourceType).index(item[0])))[0]
        profiles.append(_profile(corpus, name, common, articles, _unique_slug(name, taken)))
    return profiles


def source_type_profiles(corpus: CorpusView) -> list[SourceProfile]:
    """One profile per source type present in the corpus."""
    by_type: dict[SourceType, list[StoredArticle]] = defaultdict(list)
    for article in corpus.articles:
        by_type[corpus.source_types.get(article.id, SourceType.news)].append(article)
    taken: set[str] = set()
    return [
        _profile(corpus, SOURCE_TYPE_LABELS[kind], kind, by_type[kind], _unique_slug(f"type {kind.value}", taken))
        for kind in SourceType if kind in by_type
    ]


def _profile(corpus: CorpusView, name: str, kind: SourceType, articles: list[StoredArticle], slug: str) -> SourceProfile:
    ids = {a.id for a in articles}
    statements = [s for s in corpus.statements if s.article_id in ids]
    share, interval = _rhetoric_share(corpus, articles)
    by_month: dict[str, list[StoredArticle]] = defaultdict(list)
    for article in articles:
        when = article.published or article.first_seen
        if when is not None:
            by_month[_month(when)].append(article)
    periods = []
    for month in sorted(by_month):
        in_month = by_month[month]
        month_ids = {a.id for a in in_month}
        month_share, month_interval = _rhetoric_share(corpus, in_month)
        periods.append(ProfilePeriod(
            period=month, articles=_analysed(corpus, in_month), statements=sum(1 for s in statements if s.article_id in month_ids),
            rhetoric_share=month_share, interval=month_interval,
        ))
    return SourceProfile(
        name=name, source_type=kind, slug=slug, articles=_analysed(corpus, articles), statements=len(statements),
        kind_shares=kind_shares(statements), uncertain=sum(1 for s in statements if s.uncertain),
        rhetoric_share=share, interval=interval, periods=periods,
    )


def _analysed(corpus: CorpusView, articles: list[StoredArticle]) -> int:
    """Articles are counted as their statements are, the analysed ones only: "233 in 25" had read as 25 articles'
    statements where 17 of the 25 were not analysed yet."""
    return sum(1 for a in articles if a.id in corpus.analyses)


def kind_shares(statements: Iterable[StatementRecord]) -> dict[str, float]:
    """Share of each kind among the confident statements (every kind present, summing to 1); empty when there are none."""
    counts = Counter(s.kind.value for s in statements if not s.uncertain)
    total = sum(counts.values())
    return {kind: counts[kind] / total for kind in KINDS} if total else {}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _rhetoric_share(corpus: CorpusView, articles: list[StoredArticle]) -> tuple[float | None, tuple[float, float] | None]:
    """The mean rhetoric share over the analysed articles, with its 95 % interval (bootstrap over articles)."""
    analyses = [corpus.analyses[a.id] for a in articles if a.id in corpus.analyses]
    if not analyses:
        return None, None
    shares = [a.rhetoric_share for a in analyses]
    mean = _mean(shares)
    if len(shares) == 1:
        return mean, analyses[0].rhetoric_share_interval
    statistic: Callable[[list[float]], float | None] = _mean
    found = bootstrap(shares, statistic)
    # Percentiles of resampled means can miss the mean itself by a rounding hair: the interval is kept around it.
    return mean, (min(found[0], mean), max(found[1], mean)) if found else None


def _month(when: datetime) -> str:
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return f"{when.year:04d}-{when.month:02d}"


_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}  # Windows device names


def slugify(name: str, limit: int = 60) -> str:
    """Lower-case ASCII letters, digits and hyphens: no markup, no path, safe as a file name everywhere.
    Tags are dropped first (a hostile source's name may carry markup); a name with no ASCII letters or
    digits left (Chinese, Arabic) gets a stable short hash of itself."""
    slug = ascii_words(name, limit)
    if not slug:
        slug = "source-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-source" if slug in _RESERVED else slug


def _unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
