"""Corroboration: article signatures (copies), claim groups and their members, stories.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_signatures",
        sa.Column("article_id", sa.String(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("signature", sa.LargeBinary, nullable=False),
        sa.Column("copy_of", sa.String()),
        sa.Column("similarity", sa.Float),
    )
    op.create_table(
        "signature_bands",
        sa.Column("band", sa.Integer, primary_key=True),
        sa.Column("hash", sa.String(16), primary_key=True),
        sa.Column("article_id", sa.String(), sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "claim_groups",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("block", sa.Text, nullable=False),
        sa.Column("figure_type", sa.String(32), nullable=False),
        sa.Column("low", sa.Integer),
        sa.Column("best", sa.Integer),
        sa.Column("high", sa.Integer),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
    )
    op.create_index("ix_claim_groups_block", "claim_groups", ["block"])
    op.create_table(
        "group_members",
        sa.Column("claim_id", sa.String(), sa.ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("group_id", sa.String(), sa.ForeignKey("claim_groups.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.String(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("root_key", sa.Text, nullable=False),
        sa.Column("root_name", sa.Text, nullable=False),
        sa.Column("root_type", sa.String(32), nullable=False),
        sa.Column("path", sa.JSON, nullable=False),
        sa.Column("outlet", sa.Text, nullable=False),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("certainty", sa.String(32), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("low", sa.Integer),
        sa.Column("best", sa.Integer),
        sa.Column("high", sa.Integer),
        sa.Column("period_start", sa.Date),
        sa.Column("period_end", sa.Date),
    )
    op.create_index("ix_group_members_group_id", "group_members", ["group_id"])
    op.create_index("ix_group_members_article_id", "group_members", ["article_id"])
    op.create_table(
        "stories",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("block", sa.Text, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("date_start", sa.Date),
        sa.Column("date_end", sa.Date),
    )
    op.create_index("ix_stories_block", "stories", ["block"])
    op.create_table(
        "story_events",
        sa.Column("event_id", sa.String(), sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("story_id", sa.String(), sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.String(), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    )
    op.create_index("ix_story_events_story_id", "story_events", ["story_id"])
    op.create_index("ix_story_events_article_id", "story_events", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_story_events_story_id", "story_events")
    op.drop_index("ix_story_events_article_id", "story_events")
    op.drop_table("story_events")
    op.drop_index("ix_stories_block", "stories")
    op.drop_table("stories")
    op.drop_index("ix_group_members_group_id", "group_members")
    op.drop_index("ix_group_members_article_id", "group_members")
    op.drop_table("group_members")
    op.drop_index("ix_claim_groups_block", "claim_groups")
    op.drop_table("claim_groups")
    op.drop_table("signature_bands")
    op.drop_table("article_signatures")
