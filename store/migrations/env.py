"""Alembic's environment: migrations run on the connection `assay.store.migrations.upgrade` hands in
(inside its transaction and lock), never on a URL of their own."""

from alembic import context

context.configure(connection=context.config.attributes["connection"], render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
