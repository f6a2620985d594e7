"""Bring a database to the newest schema with the migrations shipped inside the package.

A new revision, after changing ``schema.py`` (numbered ids keep the history readable)::

    python -c "from alembic import command; from claimscope.store.migrate import alembic_config;
    command.revision(alembic_config(), 'what changed', rev_id='0002')"

then write its upgrade() by hand; ``test_migrations_match_schema`` checks the result.
"""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config built in code: the installed package has no alembic.ini to read.

    ``files()`` gives a real directory for every ordinary install (wheel or editable); Alembic
    needs one because it imports the version scripts from disk.
    """
    config = Config()
    config.set_main_option("script_location", str(files("claimscope.store") / "migrations"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def include_name(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """For Alembic's comparison of the database with ``schema.py``: leave out the full-text
    search structures (``store/search.py``), which migrations 0004 and 0005 create outside
    SQLAlchemy: the FTS5 table with its shadow tables on SQLite, the generated ``tsvector``
    column of ``claims`` and its GIN index on PostgreSQL."""
    from claimscope.store.search import FTS_TABLE, PG_COLUMN, PG_INDEX

    if type_ == "table" and name and name.startswith(FTS_TABLE):
        return False
    if type_ == "column" and name == PG_COLUMN:
        return False
    return not (type_ == "index" and name == PG_INDEX)


def upgrade(connection: Connection, revision: str = "head") -> None:
    command.upgrade(alembic_config(connection), revision)
