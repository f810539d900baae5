"""Claim timelines: one assertion repeated across articles, shown once: when it first appeared, who
repeated it and when, and whether later articles corroborated or contradicted it.

Two assertions (facts and claims, and uncertain statements whose kind guess is one of them) of two
different articles are one claim when their MiniLM vectors are this close (measured on
tests/views_corpus.py and the sample feed's sentences with `MiniLMEmbeddings`):

- `SAME = 0.88`: the repeats of one claim score 0.98 and its negation ("will not supply") 0.90 to 0.92,
  while a different claim about the same company and material ("MP Materials produced 1,300 tonnes of
  NdPr oxide in 2025") scores 0.85 against it; among the sample feed's 576 sentences only one pair of
  different articles reaches 0.85 (two disclaimers);
- `SAME_FIGURES = 0.80` when the two share a figure that is not a year: the sample feed's two accounts of
  the Export-Import Bank's "$10 billion" loan score 0.80, and no other pair there that close shares a figure;
- `LINKED = 0.70` when the cross-check already linked the two articles as repeats (`repeated_by`: a chunk
  of one was at least 0.85 like the statement).

Each statement joins the claim whose first appearance it is most like (statements are taken oldest first),
one statement per article per claim. A later appearance contradicts the claim when its cross-check found
a conflict or when one of the two is negated and the other not ("will" / "will not"); it corroborates it
when its cross-check found it corroborated. The verdict: corroborated, contradicted, contested (both) or
unverified (neither).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from assay.corpus import CorpusView, StatementRecord
from assay.types import Kind

SAME = 0.88
SAME_FIGURES = 0.80
LINKED = 0.70
ASSERTIONS = {Kind.fact, Kind.claim}


class Appearance(BaseModel):
    statement: StatementRecord
    similarity: float = Field(description="Cosine similarity to the first appearance (1.0 for the first itself).")
    stance: Stance = Field("repeats", description="What this appearance does to the claim: the first says it; later ones "
                                                  "corroborate it, contradict it or only repeat it.")


Verdict = Literal["corroborated", "contradicted", "contested", "unverified"]
Stance = Literal["first", "corroborates", "contradicts", "repeats"]


class RepeatedClaim(BaseModel):
    id: str = Field(description="Stable: the first appearance's statement id.")
    quote: str = Field(description="The first appearance's words.")
    first_seen: datetime | None
    appearances: list[Appearance] = Field(description="Oldest first; the first appearance included.")
    verdict: Verdict = Field(
        description="What later articles did: corroborated it, contradicted it, both, or neither."
    )
    sources: list[str] = Field(default_factory=list, description="Who repeated it, in order of first appearance.")


def repeated_claims(corpus: CorpusView, embed: Callable[[list[str]], np.ndarray]) -> list[RepeatedClaim]:
    """Assertions (facts and claims) said in at least two articles, most repeated first."""
    found = sorted((s for s in corpus.statements if s.kind in ASSERTIONS),
                   key=lambda s: (_instant(s.when), s.article_id, s.start))
    if len(found) < 2:
        return []
    vectors = np.asarray(embed([s.quote for s in found]), dtype=np.float32)
    near = _earlier_neighbours(vectors, LINKED)
    figures = [_figures(s.quote) for s in found]
    clusters: dict[int, _Cluster] = {}  # by the index of its first appearance
    for i, statement in enumerate(found):
        best: tuple[float, _Cluster] | None = None
        for seed, score in near[i].items():  # only earlier statements close enough to count under any rule
            cluster = clusters.get(seed)
            if cluster is None or statement.article_id in cluster.articles:
                continue
            linked = statement.article_id in found[seed].repeated_by or found[seed].article_id in statement.repeated_by
            same = (score >= SAME or (score >= SAME_FIGURES and bool(figures[i] & figures[seed]))
                    or (linked and score >= LINKED))
            if same and (best is None or score > best[0]):
                best = (score, cluster)
        if best is None:
            clusters[i] = _Cluster(members=[i], articles={statement.article_id})
        else:
            best[1].members.append(i)
            best[1].articles.add(statement.article_id)
    claims = [_claim(cluster, found, near) for cluster in clusters.values() if len(cluster.members) > 1]
    claims.sort(key=lambda c: _instant(c.appearances[-1].statement.when), reverse=True)  # latest activity first among equals
    return sorted(claims, key=lambda c: -len(c.appearances))


def _earlier_neighbours(vectors: np.ndarray, floor: float, block: int = 256) -> list[dict[int, float]]:
    """For each statement, the earlier ones whose cosine with it is at least `floor`. A block of rows at a
    time: the whole similarity matrix of 85,000 assertions (5,000 articles) would need 29 GB."""
    near: list[dict[int, float]] = [{} for _ in range(len(vectors))]
    for start in range(0, len(vectors), block):
        stop = min(start + block, len(vectors))
        scores = vectors[start:stop] @ vectors[:stop].T
        rows, columns = np.nonzero(scores >= floor)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            if column < start + row:
                near[start + row][column] = float(scores[row, column])
    return near


@dataclass
class _Cluster:
    members: list[int]  # indexes into the statements, oldest first; the first is the claim's first appearance
    articles: set[str] = field(default_factory=set)


def _claim(cluster: _Cluster, found: list[StatementRecord], near: list[dict[int, float]]) -> RepeatedClaim:
    seed = cluster.members[0]
    first = found[seed]
    appearances = [Appearance(statement=first, similarity=1.0, stance="first")]
    for i in cluster.members[1:]:
        later = found[i]
        appearances.append(Appearance(statement=later, similarity=round(near[i][seed], 3), stance=_stance(first, later)))
    stances = {a.stance for a in appearances}
    verdict: Verdict = (
        "contested" if {"corroborates", "contradicts"} <= stances
        else "contradicted" if "contradicts" in stances
        else "corroborated" if "corroborates" in stances
        else "unverified"
    )
    return RepeatedClaim(
        id=first.id, quote=first.quote, first_seen=first.when, appearances=appearances, verdict=verdict,
        sources=list(dict.fromkeys(a.statement.source for a in appearances)),
    )


_NEGATION = re.compile(
    r"\b(?:not|never|no longer|cannot|denied|denies|deny|refuted|refutes|false|neither|nor)\b|n['’]t\b", re.IGNORECASE
)


def _negated(text: str) -> bool:
    return len(_NEGATION.findall(text)) % 2 == 1


def _stance(first: StatementRecord, later: StatementRecord) -> Stance:
    if later.crosscheck == "conflicting" or _negated(first.quote) != _negated(later.quote):
        return "contradicts"
    if later.crosscheck == "corroborated":
        return "corroborates"
    return "repeats"


_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _figures(text: str) -> set[str]:
    """Numbers as written, without thousands separators, and not years: "by 2027" is no shared figure."""
    found = {n.replace(",", "").rstrip(".") for n in _FIGURE.findall(text)}
    return {n for n in found if not re.fullmatch(r"(?:19|20)\d\d", n)}


_UNDATED = datetime.max.replace(tzinfo=UTC)


def _instant(when: datetime | None) -> datetime:
    """Comparable whatever the source wrote: naive dates are taken as UTC; undated statements come last,
    never as a claim's first appearance before a dated one."""
    if when is None:
        return _UNDATED
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
