"""An article's content hash now covers its section headings (`Article.content_hash`): a reader that
learns a file's headings updates the article on the next ingest, since the classifier reads them.
Each stored article whose hash moves gets the new one, and so do its versions and analyses of that
content, so nothing it had is orphaned: its analyses stay its current ones. Articles without
headings keep their hash."""

from datetime import UTC

import sqlalchemy as sa
from alembic import op

from assay.types import Article, Section

revision = "0009_headings_in_content_hash"
down_revision = "0008_removed_articles"
branch_labels = None
depends_on = None

_META = sa.MetaData()
_ARTICLES = sa.Table(
    "articles", _META,
    sa.Column("id", sa.String(32), primary_key=True), sa.Column("title", sa.Text()), sa.Column("published", sa.DateTime(timezone=True)),
    sa.Column("source", sa.Text()), sa.Column("source_url", sa.Text()), sa.Column("highlights", sa.JSON()), sa.Column("body", sa.Text()),
    sa.Column("sections", sa.JSON()), sa.Column("content_hash", sa.String(64)),
)
_VERSIONS = sa.Table("article_versions", _META, sa.Column("article_id", sa.String(32)), sa.Column("content_hash", sa.String(64)))
_ANALYSES = sa.Table("analyses", _META, sa.Column("id", sa.Integer, primary_key=True), sa.Column("article_id", sa.String(32)),
                     sa.Column("content_hash", sa.String(64)), sa.Column("analysis", sa.JSON()))


def upgrade() -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(_ARTICLES)).all():
        if not any(s.get("heading") for s in row.sections or []):
            continue
        published = row.published.replace(tzinfo=UTC) if row.published and row.published.tzinfo is None else row.published  # SQLite's are naive UTC
        article = Article(id=row.id, title=row.title, published=published, source=row.source, source_url=row.source_url,
                          highlights=row.highlights or [], body=row.body, sections=[Section(**s) for s in row.sections])
        old, new = row.content_hash, article.content_hash
        if old == new:
            continue
        bind.execute(sa.update(_ARTICLES).where(_ARTICLES.c.id == row.id).values(content_hash=new))
        bind.execute(sa.update(_VERSIONS).where(_VERSIONS.c.article_id == row.id, _VERSIONS.c.content_hash == old).values(content_hash=new))
        for analysis in bind.execute(sa.select(_ANALYSES).where(_ANALYSES.c.article_id == row.id, _ANALYSES.c.content_hash == old)).all():
            bind.execute(sa.update(_ANALYSES).where(_ANALYSES.c.id == analysis.id)
                         .values(content_hash=new, analysis={**(analysis.analysis or {}), "content_hash": new}))


def downgrade() -> None:
    pass  # the older code reads the new hashes as changed content: a re-ingest makes them its own again
