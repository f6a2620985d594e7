"""Full-text search over claim content: SQLite FTS5, PostgreSQL full text, else LIKE.

SQLite keeps a separate FTS5 table, ``claims_fts`` (content with the Porter stemmer), whose
rowid is a hash of the claim id (the id itself is kept, unindexed, to join back): the writer adds a claim's row when it inserts the claim and
deletes it, by rowid, when the article is replaced, so the index never drifts from ``claims``
and no step scans it. (The claims table's own rowid would not do: ``VACUUM`` may renumber it.)
PostgreSQL needs no second table: the generated column ``claims.content_tsv`` (stored
``to_tsvector('english', content_text)``, migration 0005; 0004 indexed the expression itself)
and its GIN index follow every write by themselves. Stored, the vector is computed once per
write instead of once per row a query looks at: a list in reading order that walks its index
and keeps the rows matching ``q`` pays a cheap ``@@`` per row, not a parse of the content. An
SQLite built without FTS5 falls back to LIKE on each word.

Both sides read a query as its words, all required (``plainto_tsquery``; quoted words for
FTS5), so user input can never be a syntax error.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, false, func, literal_column, select, text
from sqlalchemy.engine import Connection

from claimscope.store.schema import claims

FTS_TABLE = "claims_fts"
PG_INDEX = "ix_claims_content_fts"
PG_COLUMN = "content_tsv"  # PostgreSQL only, not in schema.py (migrate.include_name hides it)
FTS5, POSTGRES, LIKE = "fts5", "postgres", "like"
_ENGLISH = literal_column("'english'::regconfig")
_WORD = re.compile(r"\w+")


def fts_rowid(claim_id: str) -> int:
    """A stable positive 63-bit rowid for a claim id."""
    return int.from_bytes(hashlib.sha256(claim_id.encode()).digest()[:8], "big") >> 1


def create_index(conn: Connection) -> None:
    """Called by migration 0004: the FTS5 table (filled from stored claims) or the GIN index
    (on the expression; migration 0005 moves it to the stored ``content_tsv``)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"CREATE INDEX {PG_INDEX} ON claims "
                          "USING gin (to_tsvector('english'::regconfig, content_text))"))
        return
    if conn.dialect.name != "sqlite":
        return
    try:
        conn.execute(text(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
                          "content, claim_id UNINDEXED, tokenize = 'porter unicode61')"))
    except Exception:  # noqa: BLE001 - an SQLite built without FTS5: search falls back to LIKE
        return
    rows = conn.execute(select(claims.c.id, claims.c.content_text)).all()
    index_claims(conn, rows, search_mode=FTS5)


def drop_index(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"DROP INDEX IF EXISTS {PG_INDEX}"))
    elif conn.dialect.name == "sqlite":
        conn.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))


def mode(conn: Connection) -> str:
    """How this database searches; looked up once per DBAPI connection."""
    found = conn.info.get("claimscope_search")
    if found is None:
        found = _detect(conn)
        if found != LIKE:  # LIKE may only mean "not migrated yet": ask again next time
            conn.info["claimscope_search"] = found
    return found


def _detect(conn: Connection) -> str:
    if conn.dialect.name == "postgresql":
        return POSTGRES
    if conn.dialect.name == "sqlite":
        exists = conn.execute(text("SELECT 1 FROM sqlite_master WHERE name = :name"),
                              {"name": FTS_TABLE}).first()
        return FTS5 if exists else LIKE
    return LIKE


def index_claims(conn: Connection, rows: Iterable[tuple[str, str]], *,
                 search_mode: str | None = None) -> None:
    """Add (claim id, content) rows to the FTS5 table; nothing to do elsewhere."""
    if (search_mode or mode(conn)) != FTS5:
        return
    values = [{"rowid": fts_rowid(claim_id), "content": content, "claim_id": claim_id}
              for claim_id, content in rows]
    if values:
        # OR REPLACE: a (vanishingly unlikely) hash collision costs one claim's search entry,
        # never the whole write.
        conn.execute(text(f"INSERT OR REPLACE INTO {FTS_TABLE}(rowid, content, claim_id) "
                          "VALUES (:rowid, :content, :claim_id)"), values)


def unindex_article(conn: Connection, article_id: str) -> None:
    """Drop the FTS5 rows of an article's stored claims (before they are deleted)."""
    if mode(conn) != FTS5:
        return
    found = conn.execute(select(claims.c.id).where(claims.c.article_id == article_id)).scalars()
    values = [{"rowid": fts_rowid(claim_id)} for claim_id in found]
    if values:
        conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :rowid"), values)


def words(query: str) -> list[str]:
    return _WORD.findall(query)


def condition(query: str, search_mode: str) -> ColumnElement[bool]:
    """Claims whose content has every word of ``query``."""
    found = words(query)
    if not found:
        return false()
    if search_mode == POSTGRES:
        vector = literal_column(f"{claims.name}.{PG_COLUMN}")
        return vector.op("@@")(func.plainto_tsquery(_ENGLISH, " ".join(found)))
    if search_mode == FTS5:
        match = " ".join(f'"{word}"' for word in found)
        hits = text(f"SELECT claim_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match")
        return claims.c.id.in_(hits.bindparams(match=match).columns(claim_id=claims.c.id.type))
    return and_(*(claims.c.content_text.icontains(word, autoescape=True) for word in found))
