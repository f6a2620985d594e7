"""PostgreSQL for the tests that need a real server: skip with the reason where none answers."""

from __future__ import annotations

import pytest


def require_postgres(url: str) -> None:
    """Skip the calling test unless psycopg is installed and a server answers at ``url``."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install 'psycopg[binary]')")
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except OperationalError as exc:
        pytest.skip(f"no PostgreSQL server answers at {url}: "
                    f"{str(exc.orig).strip().splitlines()[0]}")
    finally:
        engine.dispose()
