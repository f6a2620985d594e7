"""Intake bookkeeping: conditional-GET state per URL, feed entries handled, batch journal.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fetch_state",
        sa.Column("url", sa.Text(), primary_key=True),
        sa.Column("etag", sa.Text()),
        sa.Column("last_modified", sa.Text()),
        sa.Column("status", sa.Integer()),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("article_id", sa.String()),
        sa.Column("error", sa.Text()),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "feed_items",
        sa.Column("feed_url", sa.Text(), primary_key=True),
        sa.Column("item_key", sa.Text(), primary_key=True),
        sa.Column("link", sa.Text()),
        sa.Column("article_id", sa.String()),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "batch_journal",
        sa.Column("job", sa.String(), primary_key=True),
        sa.Column("item_key", sa.Text(), primary_key=True),
        sa.Column("article_id", sa.String()),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("batch_journal")
    op.drop_table("feed_items")
    op.drop_table("fetch_state")
