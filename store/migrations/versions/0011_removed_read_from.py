"""Where a removed article was read from (a feed's item, a text dump's article keep their own addresses), so that
`assay remove FEED` run again says when its items were removed, not that nothing was read from it. Articles
removed before have none."""

import sqlalchemy as sa
from alembic import op

from assay.store.migrations import add_column_if_missing

revision = "0011_removed_read_from"
down_revision = "0010_read_by"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_column_if_missing("removed_articles", sa.Column("read_from", sa.Text(), nullable=True))
    op.create_index("ix_removed_articles_read_from", "removed_articles", ["read_from"], if_not_exists=True)


def downgrade() -> None:
    op.drop_index("ix_removed_articles_read_from", table_name="removed_articles", if_exists=True)
    with op.batch_alter_table("removed_articles") as batch:
        batch.drop_column("read_from")
