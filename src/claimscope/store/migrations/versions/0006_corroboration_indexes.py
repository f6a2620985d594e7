"""Indexes the cross-article record needs as it grows: signature bands by article (every
write forgets an article's bands first) and claim groups by block and period.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_signature_bands_article_id", "signature_bands", ["article_id"])
    op.create_index("ix_claim_groups_block_period", "claim_groups", ["block", "period_end"])


def downgrade() -> None:
    op.drop_index("ix_claim_groups_block_period", "claim_groups")
    op.drop_index("ix_signature_bands_article_id", "signature_bands")
