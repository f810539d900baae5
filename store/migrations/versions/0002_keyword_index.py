"""The keyword index (store/keywords.py) moves into the registry's database, one table per engine.

SQLite: `keyword_chunks` names each chunk, and the FTS5 table `keyword_fts` holds its terms under
the same rowid (FTS5 deletes by rowid cheaply and ranks by its own `bm25()`). The terms are Assay's
tokens joined by spaces, so FTS5 only has to split on spaces: '.' stays inside a token ("1.5") and
diacritics are kept, as PostgreSQL keeps them.

PostgreSQL: one table whose `terms` tsvector, made in Python from the same tokens with their
positions, is GIN-indexed; store/keywords.py scores BM25 itself from it.

The tables start empty: the first use of the index fills them from the chunk store (see
`assay.store.maintenance.fill_keyword_index`).
"""

from alembic import op

revision = "0002_keyword_index"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE TABLE keyword_chunks (rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, article_id TEXT NOT NULL)"
        )
        op.execute("""CREATE VIRTUAL TABLE keyword_fts USING fts5(terms, tokenize="unicode61 tokenchars '.' remove_diacritics 0")""")
    elif dialect == "postgresql":
        op.execute(
            "CREATE TABLE keyword_chunks (chunk_id text PRIMARY KEY, article_id text NOT NULL, "
            "length integer NOT NULL, terms tsvector NOT NULL)"
        )
        op.execute("CREATE INDEX ix_keyword_chunks_terms ON keyword_chunks USING gin (terms)")
    else:
        raise RuntimeError(f"the keyword index has no schema for {dialect}: Assay's registry runs on SQLite or PostgreSQL")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS keyword_fts")
    op.execute("DROP TABLE IF EXISTS keyword_chunks")
