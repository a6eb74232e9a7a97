"""alembic's environment for the register: run on the connection xbdocs opens
(:func:`xbdocs.registry.store.open_register`), never from a config file."""

from __future__ import annotations

from alembic import context

from xbdocs.registry.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=True)  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
