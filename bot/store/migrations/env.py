"""Alembic's entry point: migrate the connection ``bot.store.migrate`` hands over in ``config.attributes``.

herbot runs Alembic programmatically (no alembic.ini, no working-folder assumptions): the caller
opens the connection, takes the migration lock and commits; this file only runs the scripts on it.
"""

from __future__ import annotations

from alembic import context

from bot.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `herbot migrate`, which passes the connection to migrate")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
