"""Claims on articles being analysed (a lease per article), so that workers never analyse one
article twice and a dead worker's article is taken again."""

import sqlalchemy as sa
from alembic import op

revision = "0003_analysis_claims"
down_revision = "0002_keyword_index"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analysis_claims",
        sa.Column("article_id", sa.String(length=32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("worker", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_analysis_claims_expires_at", "analysis_claims", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_analysis_claims_expires_at", table_name="analysis_claims")
    op.drop_table("analysis_claims")
