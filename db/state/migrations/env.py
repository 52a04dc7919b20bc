"""Alembic environment: runs on the connection StateStore hands over, so no alembic.ini is needed."""
from alembic import context

from db.state.schema import StateBase

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=StateBase.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
