"""Articles the user removed (`assay remove`): kept out when a feed or a folder offers them again,
until the user names the page or file itself."""

import sqlalchemy as sa
from alembic import op

revision = "0008_removed_articles"
down_revision = "0007_reading_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "removed_articles",
        sa.Column("article_id", sa.String(length=32), primary_key=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("removed_articles")
