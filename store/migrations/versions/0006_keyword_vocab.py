"""The keyword index's vocabulary (SQLite only): an `fts5vocab` table over `keyword_fts` that gives
each term's document frequency, so that keyword search can tell a query's common terms from its
rare ones before it ranks (store/keywords.py, the common-terms query of issue 16). It stores
nothing: FTS5 reads it from `keyword_fts` on each query. PostgreSQL needs nothing new.

`IF NOT EXISTS`: a database whose tables are made again from 0001 (its `alembic_version` lost, as a
registry of a release before migrations) may still hold it.
"""

from alembic import op

revision = "0006_keyword_vocab"
down_revision = "0005_statement_vectors"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS keyword_vocab USING fts5vocab(keyword_fts, 'row')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS keyword_vocab")
