"""Keyword search over the chunks, BM25-ranked, kept in the registry's database: local Chroma has no
keyword search, and tickers, "NdFeB", "Dy2O3", figures and names are where dense vectors are weakest.

The index changes with each ingest by the chunks that changed (the ingest flow adds an article's
chunks when it records the article and deletes those it deletes from Chroma), so an ingest costs
the same at 100k chunks as at 1k, and every worker sharing the registry shares the index. Chroma
stays the source of truth: `assay doctor` compares the two and `--repair` mends the index.

SQLite ranks with FTS5's own `bm25()`; PostgreSQL scores the same formula (k1 1.2, b 0.75, FTS5's
idf) in SQL from a tsvector of the same tokens, so both engines rank alike. The tables come from
the migrations `0002_keyword_index` and `0006_keyword_vocab`; what differs between the engines is
`_SQLite` and `_Postgres`, the rest is shared.

FTS5 ranks every row that holds any query term (about 0.6 us a row here), so a question made of
common words costs a third of a second at 1M chunks. SQLite therefore runs a "common terms" query
(as Lucene's CommonTermsQuery) once a question's terms have more than `RANKED_POSTINGS` postings in
all: only its rarest terms are matched and ranked, and the best `CANDIDATES` rows they find are
scored again, in Python, with FTS5's BM25 over every term (the same scores as `bm25()`). Below that
the plain query runs, exact (every question on a corpus of a few thousand chunks); above it a row
holding none of the rare terms, or not among the rare terms' best, is missed.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Iterable, Sequence
from typing import NamedTuple, Protocol

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from assay.store.registry import Registry, RegistryError
from assay.types import KeywordHit

# Words that carry no meaning for keyword matching; kept short so that "us", "may", "china" survive.
STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have how in into is it its of on or "
    "that the their them there these they this those to was were what when where which who whom why will "
    "with would about after before than then so if not no".split()
)
# Words, codes like Dy2O3 or NdFeB, and numbers with their separators ("6,000", "1.5").
_TOKEN = re.compile(r"[^\W_]+(?:[.,][0-9]+)*")
# PostgreSQL refuses a lexeme over 2,047 bytes. Such a "word" is a run of unspaced script (Chinese)
# or a hash, which no question repeats: neither engine indexes it, so both index the same terms.
MAX_TERM_BYTES = 2047
K1, B = 1.2, 0.75  # FTS5's bm25() constants; PostgreSQL's scoring uses the same
# The common-terms query (SQLite). Above RANKED_POSTINGS postings (the rows FTS5 would rank, at
# most: ~60 ms of ranking here) a question's terms are split: rare are its rarest terms, in that
# order, while each is in at most COMMON_FRACTION of the chunks and they hold at most RANKED_POSTINGS
# postings together, and at least the rarest term whatever its frequency. A term in one chunk of
# 20 has an idf of ln 19 = 2.9, still a fifth of the rarest term's possible at 1M chunks (13.8), so
# it stays rare. At 1M synthetic chunks (where every term is in 0.5 % of the chunks or more), 40
# questions, k 20: the exact top 5 kept 93 % (36 of 40 identical), 4x faster; without the cap on
# postings, a fraction of 1 %, 2 % or 5 % kept 57 %, 70 % or 95 %. The rare terms' best CANDIDATES
# rows are scored again over every term: 1,000 kept 95 % where 200 kept 88 %, for ~5 ms of scoring.
RANKED_POSTINGS = 100_000
COMMON_FRACTION = 0.05
CANDIDATES = 1000


def keyword_tokens(text: str) -> list[str]:
    """Lower-cased words and numbers; "6,000" and "6000" are the same token."""
    out = []
    for match in _TOKEN.findall(text.lower()):
        token = match.replace(",", "") if any(c.isdigit() for c in match) else match
        if token not in STOPWORDS:
            out.append(token)
    return out


def index_terms(text: str) -> list[str]:
    """The tokens of `text` that the index holds, in order."""
    return [t for t in keyword_tokens(text) if len(t.encode()) <= MAX_TERM_BYTES]


class KeywordRow(NamedTuple):
    chunk_id: str
    article_id: str
    text: str


class _Dialect(Protocol):
    """The SQL that differs between the engines; each method runs inside the caller's transaction."""

    def insert(self, session: Session, rows: list[KeywordRow]) -> None: ...

    def delete(self, session: Session, chunk_ids: list[str]) -> None: ...

    def search(self, session: Session, terms: list[str], k: int, article_ids: list[str] | None) -> list[tuple[str, float]]: ...

    def document_frequencies(self, session: Session, terms: list[str]) -> dict[str, int]: ...


class KeywordIndex:
    """The keyword index of the chunks, in `registry`'s database (implements `KeywordSearch`)."""

    def __init__(self, registry: Registry):
        self.registry = registry
        dialect = registry.engine.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            raise RegistryError(f"keyword search needs SQLite or PostgreSQL, and the registry {registry.where} is {dialect}")
        # A registry of an earlier release opened read-only cannot be migrated, so it has no index:
        # keyword search finds nothing there and dense search still answers (and without the
        # vocabulary of 0006, SQLite runs only the plain query).
        with registry.session() as s:
            found = inspect(s.connection())
            self.present = found.has_table("keyword_chunks")
            self._sql: _Dialect = _SQLite(vocabulary=found.has_table("keyword_vocab")) if dialect == "sqlite" else _Postgres()

    def add(self, rows: Iterable[KeywordRow]) -> None:
        """Index these chunks, replacing any already indexed under the same ids, in one transaction."""
        unique = list({row.chunk_id: row for row in rows}.values())
        if unique:
            with self.registry.session() as s:
                self._sql.delete(s, [row.chunk_id for row in unique])
                self._sql.insert(s, unique)

    def delete(self, chunk_ids: Collection[str]) -> None:
        if chunk_ids:
            with self.registry.session() as s:
                self._sql.delete(s, sorted(chunk_ids))

    def search(self, query: str, k: int, article_ids: set[str] | None = None) -> list[KeywordHit]:
        """The best k chunks by BM25, best first, optionally only from the given articles; chunks
        scoring 0 are left out. Each distinct query term counts once."""
        terms = list(dict.fromkeys(index_terms(query)))
        if not terms or k <= 0 or (article_ids is not None and not article_ids) or not self.present:
            return []
        with self.registry.session() as s:
            found = self._sql.search(s, terms, k, sorted(article_ids) if article_ids is not None else None)
        return [KeywordHit(chunk_id=chunk_id, score=score) for chunk_id, score in found if score > 0]

    def term_weights(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Each text's index terms with their idf over the indexed chunks (`_smoothed_idf`). Without an
        index every term weighs 1."""
        terms = [set(index_terms(t)) for t in texts]
        every = sorted(set().union(*terms))
        if not every or not self.present:
            return [dict.fromkeys(t, 1.0) for t in terms]
        with self.registry.session() as s:
            rows = int(s.scalar(text("SELECT count(*) FROM keyword_chunks")) or 0)
            df = self._sql.document_frequencies(s, every)
        return [{term: _smoothed_idf(rows, df.get(term, 0)) for term in t} for t in terms]

    def count(self) -> int:
        if not self.present:
            return 0
        with self.registry.session() as s:
            return int(s.scalar(text("SELECT count(*) FROM keyword_chunks")) or 0)

    def chunk_ids(self) -> set[str]:
        """Every chunk id the index holds (for `assay doctor`)."""
        if not self.present:
            return set()
        with self.registry.session() as s:
            return set(s.scalars(text("SELECT chunk_id FROM keyword_chunks")))


class _SQLite:
    """FTS5 ranks: `bm25()` is negative, lower is better. Lists of ids travel as one JSON parameter
    (`json_each`), so no list meets SQLite's limit on bound variables."""

    def __init__(self, vocabulary: bool = True):
        self.vocabulary = vocabulary  # the table `keyword_vocab` exists (migration 0006)

    def insert(self, session: Session, rows: list[KeywordRow]) -> None:
        session.execute(
            text("INSERT INTO keyword_chunks (chunk_id, article_id) VALUES (:chunk_id, :article_id)"),
            [{"chunk_id": r.chunk_id, "article_id": r.article_id} for r in rows],
        )
        session.execute(
            text("INSERT INTO keyword_fts (rowid, terms) VALUES ((SELECT rowid FROM keyword_chunks WHERE chunk_id = :chunk_id), :terms)"),
            [{"chunk_id": r.chunk_id, "terms": " ".join(index_terms(r.text))} for r in rows],
        )

    def delete(self, session: Session, chunk_ids: list[str]) -> None:
        ids = {"ids": json.dumps(chunk_ids)}
        session.execute(
            text("DELETE FROM keyword_fts WHERE rowid IN "
                 "(SELECT rowid FROM keyword_chunks WHERE chunk_id IN (SELECT value FROM json_each(:ids)))"), ids,
        )
        session.execute(text("DELETE FROM keyword_chunks WHERE chunk_id IN (SELECT value FROM json_each(:ids))"), ids)

    def search(self, session: Session, terms: list[str], k: int, article_ids: list[str] | None) -> list[tuple[str, float]]:
        only = "AND rowid IN (SELECT rowid FROM keyword_chunks WHERE article_id IN (SELECT value FROM json_each(:article_ids)))"
        only = only if article_ids is not None else ""
        params = {"k": k, "article_ids": json.dumps(article_ids)}
        rare = self._rare_terms(session, terms) if self.vocabulary else None
        if rare is not None:
            return self._common_terms(session, terms, rare, k, only, params)
        # The best k rowids first, their chunk ids after: looking up the chunk id of every matching
        # row before the sort costs a third more at 100k chunks.
        rows = session.execute(
            text(f"SELECT c.chunk_id, -best.score FROM (SELECT rowid, bm25(keyword_fts) AS score FROM keyword_fts "
                 f"WHERE keyword_fts MATCH :match {only} ORDER BY score LIMIT :k) AS best "
                 f"JOIN keyword_chunks AS c ON c.rowid = best.rowid ORDER BY best.score, c.chunk_id"),
            {**params, "match": _match(terms)},
        )
        return [(chunk_id, float(score)) for chunk_id, score in rows.tuples()]

    def document_frequencies(self, session: Session, terms: list[str]) -> dict[str, int]:
        if self.vocabulary:
            found = session.execute(text("SELECT term, doc FROM keyword_vocab WHERE term IN (SELECT value FROM json_each(:terms))"),
                                    {"terms": json.dumps(terms)})
            return {term: int(doc) for term, doc in found.tuples()}
        return {  # a registry of an earlier release, opened read-only: one count per term
            term: int(session.scalar(text("SELECT count(*) FROM keyword_fts WHERE keyword_fts MATCH :match"), {"match": _match([term])}) or 0)
            for term in terms
        }

    def _rare_terms(self, session: Session, terms: list[str]) -> _Rare | None:
        """The terms the common-terms query matches, with what it needs to score rows again; None
        where the plain query is cheap enough (see RANKED_POSTINGS)."""
        # fts5vocab counts a term's rows by reading its postings: a few ms for a term in most rows at 1M.
        df = self.document_frequencies(session, terms)
        if sum(df.values()) <= RANKED_POSTINGS:
            return None
        rows, tokens = _fts5_totals(session.scalar(text("SELECT block FROM keyword_fts_data WHERE id = 1")))
        if not rows:
            return None
        rare: list[str] = []
        held = 0
        for term in sorted(df, key=lambda t: (df[t], terms.index(t))):
            if rare and (df[term] > COMMON_FRACTION * rows or held + df[term] > RANKED_POSTINGS):
                break
            rare.append(term)
            held += df[term]
        if len(rare) == len(df):  # one term, in more than RANKED_POSTINGS rows
            return None
        return _Rare(rare, df, rows, tokens)

    def _common_terms(self, session: Session, terms: list[str], rare: _Rare, k: int, only: str, params: dict[str, object]) -> list[tuple[str, float]]:
        """The rare terms' best CANDIDATES rows, scored again over every term as FTS5's bm25() scores
        them: for each term in the query's order idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length /
        average length)), idf = ln((N - df + 0.5) / (df + 0.5)) or 1e-6 where that is not positive,
        the length a row's number of tokens (its terms are Assay's tokens joined by spaces, which
        FTS5 splits alike). The same operations in the same order, so the same scores."""
        best = session.execute(
            text(f"SELECT rowid FROM keyword_fts WHERE keyword_fts MATCH :match {only} ORDER BY bm25(keyword_fts) LIMIT :c"),
            {**params, "match": _match(rare.terms), "c": max(CANDIDATES, k)},
        ).scalars().all()
        found = session.execute(
            # CROSS JOIN: SQLite keeps this order, each candidate looked up by rowid.
            text("SELECT c.chunk_id, f.terms FROM json_each(:rowids) AS j CROSS JOIN keyword_fts AS f ON f.rowid = j.value "
                 "CROSS JOIN keyword_chunks AS c ON c.rowid = j.value"),
            {"rowids": json.dumps(best)},
        ).tuples()
        avgdl = rare.tokens / rare.rows
        idf = [(term, _idf(rare.rows, rare.df[term])) for term in terms if term in rare.df]
        scored = []
        for chunk_id, row_terms in found:
            tokens = row_terms.split()
            norm = K1 * (1 - B + B * len(tokens) / avgdl)
            score = 0.0
            for term, weight in idf:
                tf = tokens.count(term)
                if tf:
                    score += weight * ((tf * (K1 + 1.0)) / (tf + norm))
            scored.append((chunk_id, score))
        scored.sort(key=lambda hit: (-hit[1], hit[0]))
        return scored[:k]


class _Rare(NamedTuple):
    terms: list[str]  # the rare terms, rarest first
    df: dict[str, int]  # every query term in the index: the rows that hold it
    rows: int  # the rows in the index
    tokens: int  # their tokens in all


def _idf(rows: int, df: int) -> float:
    """FTS5's idf: 1e-6 for a term in half the rows or more."""
    idf = math.log((rows - df + 0.5) / (df + 0.5))
    return idf if idf > 0.0 else 1e-6


def _smoothed_idf(rows: int, df: int) -> float:
    """Lucene's BM25 idf, never below zero: a term in half the chunks still weighs something. In a corpus
    of a few articles about one company FTS5's weighed its name, its plant and its figures at nothing,
    and the cross-check found nothing shared (texts written here)."""
    return math.log(1 + (rows - df + 0.5) / (df + 0.5))


def _match(terms: list[str]) -> str:
    """An FTS5 query for rows holding any of the terms: each a quoted string, as FTS5 reads bare
    words as operators (OR, NOT, NEAR) and column names."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)


def _fts5_totals(block: bytes | None) -> tuple[int, int]:
    """The rows and tokens an FTS5 table holds, from its averages record (`_data` id 1: varints, the
    number of rows and then each column's tokens; absent while the table is empty)."""
    values: list[int] = []
    i = 0
    while block and i < len(block) and len(values) < 2:
        value = 0
        for byte_index in range(9):  # SQLite's varint: 7 bits a byte, high bit set where more follow; a ninth byte gives 8
            byte = block[i]
            i += 1
            if byte_index == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return (values[0], values[1]) if len(values) == 2 else (0, 0)


class _Postgres:
    """BM25 as FTS5 computes it, in SQL. Candidates are the rows whose tsvector matches any term (the
    GIN index); a term's document frequency is counted among them before the article filter, so it
    is the whole table's. `setweight` marks the query's terms in a row and `ts_filter` keeps only
    those, so `unnest` yields a row's few matching lexemes rather than all of them."""

    def insert(self, session: Session, rows: list[KeywordRow]) -> None:
        session.execute(
            # Another worker may index the same chunk meanwhile (two ingests of one article): the
            # later row wins, as SQLite's writers, one after the other, would have it.
            text("INSERT INTO keyword_chunks (chunk_id, article_id, length, terms) "
                 "VALUES (:chunk_id, :article_id, :length, CAST(:terms AS tsvector)) "
                 "ON CONFLICT (chunk_id) DO UPDATE SET article_id = excluded.article_id, length = excluded.length, terms = excluded.terms"),
            [{"chunk_id": r.chunk_id, "article_id": r.article_id, **_tsvector(index_terms(r.text))} for r in rows],
        )

    def delete(self, session: Session, chunk_ids: list[str]) -> None:
        session.execute(text("DELETE FROM keyword_chunks WHERE chunk_id = ANY(CAST(:ids AS text[]))"), {"ids": chunk_ids})

    def search(self, session: Session, terms: list[str], k: int, article_ids: list[str] | None) -> list[tuple[str, float]]:
        only = "WHERE m.article_id = ANY(CAST(:article_ids AS text[]))" if article_ids is not None else ""
        rows = session.execute(
            text(f"""
            WITH matched AS (
                SELECT c.chunk_id, c.article_id, c.length::float8 AS length, cardinality(t.positions)::float8 AS tf,
                       count(*) OVER (PARTITION BY t.lexeme)::float8 AS df
                FROM keyword_chunks AS c,
                     unnest(ts_filter(setweight(c.terms, 'A', CAST(:terms AS text[])), '{{a}}')) AS t
                WHERE c.terms @@ CAST(:query AS tsquery)
            ),
            corpus AS (SELECT count(*)::float8 AS n, avg(length)::float8 AS avgdl FROM keyword_chunks)
            SELECT m.chunk_id,
                   sum(greatest(ln((corpus.n - m.df + 0.5) / (m.df + 0.5)), 1e-6)
                       * m.tf * ({K1} + 1) / (m.tf + {K1} * (1 - {B} + {B} * m.length / corpus.avgdl))) AS score
            FROM matched AS m CROSS JOIN corpus
            {only}
            GROUP BY m.chunk_id ORDER BY score DESC, m.chunk_id LIMIT :k
            """),
            {"terms": terms, "query": " | ".join(_lexeme(t) for t in terms), "article_ids": article_ids, "k": k},
        )
        return [(chunk_id, float(score)) for chunk_id, score in rows.tuples()]


    def document_frequencies(self, session: Session, terms: list[str]) -> dict[str, int]:
        found = session.execute(
            text("SELECT t.lexeme, count(*) FROM keyword_chunks AS c, "
                 "unnest(ts_filter(setweight(c.terms, 'A', CAST(:terms AS text[])), '{a}')) AS t "
                 "WHERE c.terms @@ CAST(:query AS tsquery) GROUP BY t.lexeme"),
            {"terms": terms, "query": " | ".join(_lexeme(t) for t in terms)},
        )
        return {lexeme: int(n) for lexeme, n in found.tuples()}


def _lexeme(term: str) -> str:
    """A term quoted for a tsvector or tsquery literal, so that it is taken as it is, never parsed."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsvector(terms: list[str]) -> dict[str, int | str]:
    """The tsvector literal of the terms with their positions (`'lynas':1,7 'ndpr':2`): the number of
    positions is the term's frequency. (Chunks are far shorter than the 16,383 positions a tsvector
    can tell apart.)"""
    positions: dict[str, list[int]] = {}
    for position, term in enumerate(terms, start=1):
        positions.setdefault(term, []).append(position)
    literal = " ".join(f"{_lexeme(term)}:{','.join(map(str, at))}" for term, at in positions.items())
    return {"length": len(terms), "terms": literal}
