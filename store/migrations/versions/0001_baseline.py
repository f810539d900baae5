"""The registry as releases before migrations created it (create_all), frozen here.

A registry written by such a release has these tables but no `alembic_version`: each table and
index is created only where missing, so upgrading it adds what its release lacked (the aliases and
article_bodies tables, the URL index came late) and touches nothing else.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

_META = sa.MetaData()  # one, so that the foreign keys resolve
_TABLES = [
    sa.Table(
        "articles", _META,
        sa.Column("id", sa.String(length=32), primary_key=True),
        sa.Column("url", sa.Text()),
        sa.Column("guid", sa.Text()),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("author", sa.Text()),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("highlights", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("chunk_count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_articles_url", "url"),
    ),
    sa.Table(
        "feeds", _META,
        sa.Column("url", sa.Text(), primary_key=True),
        sa.Column("title", sa.Text()),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("last_checked", sa.DateTime(timezone=True)),
        sa.Column("last_status", sa.Text()),
    ),
    sa.Table(
        "llm_calls", _META,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prompt", sa.String(length=64)),
        sa.Column("prompt_version", sa.String(length=32)),
        sa.Column("article_id", sa.String(length=32)),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("input", sa.Text(), nullable=False),
        sa.Column("output", sa.Text()),
        sa.Column("error", sa.Text()),
        sa.Column("input_tokens", sa.Integer(), nullable=False),
        sa.Column("output_tokens", sa.Integer(), nullable=False),
        sa.Column("latency_s", sa.Float(), nullable=False),
        sa.Column("cost_usd", sa.Float()),
    ),
    sa.Table(
        "aliases", _META,
        sa.Column("url", sa.Text(), primary_key=True),
        sa.Column("article_id", sa.String(length=32), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_aliases_article_id", "article_id"),
    ),
    sa.Table(
        "analyses", _META,
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.String(length=32), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("cache_key", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("prompts", sa.JSON(), nullable=False),
        sa.Column("classifier", sa.String(length=64), nullable=False),
        sa.Column("analysis", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_analyses_article_id", "article_id"),
        sa.Index("ix_analyses_cache_key", "cache_key"),
    ),
    sa.Table(
        "article_bodies", _META,
        sa.Column("article_id", sa.String(length=32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Index("ix_article_bodies_body_hash", "body_hash"),
    ),
    sa.Table(
        "article_versions", _META,
        sa.Column("article_id", sa.String(length=32), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("highlights", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ),
    sa.Table(
        "feed_items", _META,
        sa.Column("feed_url", sa.Text(), sa.ForeignKey("feeds.url", ondelete="CASCADE"), primary_key=True),
        sa.Column("guid", sa.Text(), primary_key=True),
        sa.Column("article_id", sa.String(length=32)),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
    ),
]


def upgrade() -> None:
    bind = op.get_bind()
    for table in _TABLES:
        table.create(bind, checkfirst=True)  # with its indexes, where the table is new
        for index in table.indexes:  # an older table may lack one
            index.create(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(_TABLES):
        table.drop(bind, checkfirst=True)
