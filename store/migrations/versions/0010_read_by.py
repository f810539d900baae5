"""Which reading of the sources made each version of an article (`assay.articles.READER_VERSION`): a
version made by a newer reading of unchanged text is Assay's rereading, not the publisher's edit, and
the digest leaves it out. Versions stored before have none, as if read by the oldest reading."""

import sqlalchemy as sa
from alembic import op

from assay.store.migrations import add_column_if_missing

revision = "0010_read_by"
down_revision = "0009_headings_in_content_hash"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_column_if_missing("article_versions", sa.Column("read_by", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("article_versions") as batch:
        batch.drop_column("read_by")
