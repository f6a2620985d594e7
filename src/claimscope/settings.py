"""Where claimscope keeps its data, read from the environment when asked (never at import)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DB_ENV = "CLAIMSCOPE_DB"


def default_db_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``CLAIMSCOPE_DB`` names a database."""
    return Path(user_data_dir("claimscope")) / "claimscope.db"


def db_url(explicit: str | None = None) -> str:
    """The database URL: the explicit one, else ``CLAIMSCOPE_DB``, else the default file."""
    if explicit:
        return explicit
    from_env = os.environ.get(DB_ENV, "").strip()
    if from_env:
        return from_env
    return f"sqlite:///{default_db_path()}"
