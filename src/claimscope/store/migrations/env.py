"""Alembic environment: claimscope runs migrations itself, on a connection it passes in.

``Store.open`` builds the Config in code (``store/migrate.py``) and puts its connection in
``config.attributes``; there is no alembic.ini to find. ``sqlalchemy.url`` is only a fallback for
running Alembic by hand against this folder.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from claimscope.store.migrate import include_name
from claimscope.store.schema import metadata


def _run(connection) -> None:
    # Batch mode lets later migrations alter SQLite tables (SQLite has no ALTER COLUMN).
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                      include_name=include_name)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                          include_name=include_name)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        _run(connection)


run_migrations()
