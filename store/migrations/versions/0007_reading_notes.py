"""How each article's text was read: the notes its reader wrote (read by OCR, tracked changes
accepted, an encoding guessed, where the publisher's name and the date were taken from), kept with
the article so that `assay show` and the report can say so after the ingest report is gone.
Articles ingested before have none (an empty list) until ingested again."""

import sqlalchemy as sa
from alembic import op

from assay.store.migrations import add_column_if_missing

revision = "0007_reading_notes"
down_revision = "0006_keyword_vocab"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_column_if_missing("articles", sa.Column("reading_notes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("reading_notes")
