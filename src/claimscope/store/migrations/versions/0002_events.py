"""Events and the claims each event comes from.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("article_id", sa.String(), sa.ForeignKey("articles.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("sub_event_type", sa.Text, nullable=False),
        sa.Column("plover", sa.String(32), nullable=False),
        sa.Column("certainty", sa.String(32), nullable=False),
        sa.Column("trigger_text", sa.Text, nullable=False),
        sa.Column("trigger_start", sa.Integer, nullable=False),
        sa.Column("trigger_end", sa.Integer, nullable=False),
        sa.Column("trigger_field", sa.String(16), nullable=False),
        sa.Column("date_start", sa.Date),
        sa.Column("date_end", sa.Date),
        sa.Column("time_precision", sa.String(16), nullable=False),
        sa.Column("actor1", sa.Text),
        sa.Column("actor1_country", sa.String(8)),
        sa.Column("actor2", sa.Text),
        sa.Column("actor2_country", sa.String(8)),
        sa.Column("actors", sa.Text),
        sa.Column("place", sa.Text),
        sa.Column("country", sa.String(8)),
        sa.Column("admin1_code", sa.String(16)),
        sa.Column("latitude", sa.Float),
        sa.Column("longitude", sa.Float),
        sa.Column("geo_precision", sa.Integer),
        sa.Column("record", sa.JSON, nullable=False),
    )
    for column in ("article_id", "code", "country", "actor1", "date_start"):
        op.create_index(f"ix_events_{column}", "events", [column])
    op.create_table(
        "event_claims",
        sa.Column("event_id", sa.String(), sa.ForeignKey("events.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("claim_id", sa.String(), sa.ForeignKey("claims.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_event_claims_claim_id", "event_claims", ["claim_id"])


def downgrade() -> None:
    op.drop_index("ix_event_claims_claim_id", "event_claims")
    op.drop_table("event_claims")
    for column in ("article_id", "code", "country", "actor1", "date_start"):
        op.drop_index(f"ix_events_{column}", "events")
    op.drop_table("events")
