"""Bulk writes for large loads: PostgreSQL gets the rows by COPY, in one statement per table.

The rows are exactly those of ``writer.write_extraction`` (``writer.extraction_rows``) and the
cross-article record is then updated article by article in input order, as the plain write
path does, so a bulk load and a sequence of ordinary writes leave the same store. Elsewhere
(SQLite) and for a batch that holds one article twice, the ordinary path is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Table
from sqlalchemy.engine import Connection

from claimscope.records import Extraction
from claimscope.store import writer
from claimscope.store.corroboration import record_article


def write_extractions(conn: Connection, extractions: Sequence[Extraction], now: datetime) -> int:
    """Store ``extractions`` (replacing their articles) inside the caller's transaction."""
    ids = [e.article.id for e in extractions]
    if conn.dialect.name != "postgresql" or len(set(ids)) != len(ids):
        return sum(writer.write_extraction(conn, e, now) for e in extractions)
    for article_id in ids:
        writer.delete_article(conn, article_id)
    tables: dict[str, tuple[Table, list[dict[str, Any]]]] = {}
    views = []
    for extraction in extractions:
        rows, unique = writer.extraction_rows(extraction, now)
        for table, values in rows:
            tables.setdefault(table.name, (table, []))[1].extend(values)
        views.append(writer.stored_view(extraction, unique))
    raw = conn.connection.driver_connection  # psycopg, inside SQLAlchemy's transaction
    for table, values in tables.values():  # dict order: foreign-key order
        if values:
            _copy(raw, table, values)
    for view in views:
        record_article(conn, view)
    return sum(len(view.claims) for view in views)


def _copy(raw: Any, table: Table, values: list[dict[str, Any]]) -> None:
    from psycopg import sql
    from psycopg.types.json import Json

    columns = list(values[0])
    wrap = [isinstance(table.c[name].type, JSON) for name in columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns)))
    with raw.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row([Json(row[name]) if json_column and row[name] is not None
                            else row[name] for name, json_column in zip(columns, wrap)])
