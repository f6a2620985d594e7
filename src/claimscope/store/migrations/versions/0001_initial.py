"""Initial tables: articles, claims, figures, claim_times, rejections.

Written out in full rather than taken from ``schema.metadata``: a migration must stay what it
was when released, even after the live schema moves on.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _span(prefix: str, *, nullable: bool) -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_start", sa.Integer, nullable=nullable),
        sa.Column(f"{prefix}_end", sa.Integer, nullable=nullable),
        sa.Column(f"{prefix}_text", sa.Text, nullable=nullable),
    ]


def _child(name: str, *columns: sa.Column) -> None:
    """A table of per-claim rows (figures, times) that goes when its claim goes."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "claim_id", sa.String(), sa.ForeignKey("claims.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("position", sa.Integer, nullable=False),
        *columns,
        *_span("span", nullable=False),
    )
    op.create_index(f"ix_{name}_claim_id", name, ["claim_id"])


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("published", sa.DateTime(timezone=True)),
        sa.Column("lang", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("origin_path", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.String(), primary_key=True),
        sa.Column(
            "article_id",
            sa.String(),
            sa.ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("source_name", sa.Text, nullable=False),
        sa.Column("source_type", sa.String(32), nullable=False),
        sa.Column("certainty", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("cue_text", sa.Text),
        sa.Column("cue_start", sa.Integer),
        sa.Column("cue_end", sa.Integer),
        sa.Column("content_text", sa.Text, nullable=False),
        sa.Column("content_start", sa.Integer, nullable=False),
        sa.Column("content_end", sa.Integer, nullable=False),
        sa.Column("content_field", sa.String(16), nullable=False),
        sa.Column("channel", sa.Text),
        sa.Column("restates", sa.String()),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("record", sa.JSON, nullable=False),
    )
    op.create_index("ix_claims_article_id", "claims", ["article_id"])
    op.create_index("ix_claims_source_type", "claims", ["source_type"])
    op.create_index("ix_claims_certainty", "claims", ["certainty"])
    _child(
        "figures",
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("low", sa.Integer),
        sa.Column("best", sa.Integer),
        sa.Column("high", sa.Integer),
        sa.Column("approx", sa.Boolean, nullable=False),
        sa.Column("derived", sa.Boolean, nullable=False),
        sa.Column("qualifier", sa.Text),
    )
    op.create_index("ix_figures_type", "figures", ["type"])
    _child(
        "claim_times",
        sa.Column("start", sa.Date),
        sa.Column("end", sa.Date),
        sa.Column("precision", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "rejections",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("item", sa.Text, nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.UniqueConstraint("item", "stage", "code", name="uq_rejections_item_stage_code"),
    )


def downgrade() -> None:
    for name in ("rejections", "claim_times", "figures", "claims", "articles"):
        op.drop_table(name)
