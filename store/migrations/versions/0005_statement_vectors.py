"""Statement vectors, kept once embedded: repeated claims compare every assertion of the corpus, and
embedding them all again on each call cost 42 s at 1,000 articles."""

import sqlalchemy as sa
from alembic import op

revision = "0005_statement_vectors"
down_revision = "0004_watchlist"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "statement_vectors",
        sa.Column("key", sa.String(length=64), primary_key=True),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("statement_vectors")
