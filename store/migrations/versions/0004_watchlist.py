"""Watchlists: the entities and phrases users follow, and the alerts statements raised (each
recorded once per watch item and statement, sent once, a failed send retried)."""

import sqlalchemy as sa
from alembic import op

revision = "0004_watchlist"
down_revision = "0003_analysis_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("canonical", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("kind", "key", name="uq_watch_items_kind_key"),
    )
    op.create_table(
        "watch_alerts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("watch_id", sa.Integer(), sa.ForeignKey("watch_items.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.String(length=32), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("statement_id", sa.String(length=100), nullable=False),
        sa.Column("conflict", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("watch_id", "statement_id", name="uq_watch_alerts_watch_statement"),
    )
    op.create_index("ix_watch_alerts_watch_id", "watch_alerts", ["watch_id"])
    op.create_index("ix_watch_alerts_article_id", "watch_alerts", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_watch_alerts_article_id", table_name="watch_alerts")
    op.drop_index("ix_watch_alerts_watch_id", table_name="watch_alerts")
    op.drop_table("watch_alerts")
    op.drop_table("watch_items")
