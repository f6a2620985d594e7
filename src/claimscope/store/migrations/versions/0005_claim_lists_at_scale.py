"""Claim lists at scale: claims keep their article's date, indexed in reading order; on
PostgreSQL the full-text vector of their content is stored.

Listing claims (``/api/claims``, ``claimscope claims``) sorts them by their article's
publication time. Read across the join to ``articles``, that sort could use no index: every
matching claim was joined and sorted before the first page came back (seconds on a store of a
million claims). ``claims.published`` is a copy of ``articles.published`` (the writer fills
both; an article's claims are always written with it) and ``ix_claims_reading_order`` holds
the whole sort key, so a page is read off the index in order, filters checked on the way.

With ``q`` such a walk checks each row it passes against the words; against the expression
``to_tsvector('english', content_text)`` (migration 0004) that parsed the content of every row
passed (hundreds of milliseconds for a word found in a few thousand claims). PostgreSQL now
stores the vector in the generated column ``content_tsv`` and the GIN index
``ix_claims_content_fts`` covers that column (``store/search.py``; neither is in ``schema.py``,
which SQLite shares, so ``migrate.include_name`` leaves them out of the schema comparison).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FTS_INDEX = "ix_claims_content_fts"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        # Before the update below, which would otherwise re-parse every row's content into it.
        op.execute(f"DROP INDEX IF EXISTS {FTS_INDEX}")
    op.add_column("claims", sa.Column("published", sa.DateTime(timezone=True)))
    if postgres:
        op.execute("UPDATE claims SET published = articles.published FROM articles "
                   "WHERE articles.id = claims.article_id AND articles.published IS NOT NULL")
        # Rewrites the table once more (leaving it compact after the update) with the vectors.
        op.execute("ALTER TABLE claims ADD COLUMN content_tsv tsvector GENERATED ALWAYS AS "
                   "(to_tsvector('english'::regconfig, content_text)) STORED")
        op.execute(f"CREATE INDEX {FTS_INDEX} ON claims USING gin (content_tsv)")
    else:
        op.execute("UPDATE claims SET published = (SELECT articles.published FROM articles "
                   "WHERE articles.id = claims.article_id)")
    op.create_index("ix_claims_reading_order", "claims",
                    [sa.text("(published IS NULL)"), "published", "article_id", "position"])
    if postgres:
        # Statistics for the new column and index now, not at autovacuum's next round: until
        # then the planner would guess, and might sort a big store's claims after all.
        op.execute("ANALYZE claims")


def downgrade() -> None:
    op.drop_index("ix_claims_reading_order", "claims")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {FTS_INDEX}")
        op.drop_column("claims", "content_tsv")
        op.execute(f"CREATE INDEX {FTS_INDEX} ON claims "
                   "USING gin (to_tsvector('english'::regconfig, content_text))")
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("published")
