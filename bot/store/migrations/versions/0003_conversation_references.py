"""Conversation references: where a proactive post (a scheduled lesson) reaches a chat or channel later.

Revision ID: 0003_conversation_references
Revises: 0002_inbox_outbox
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, not the application's: a migration must build the same tables whatever the code becomes.
UtcDateTime = sa.DateTime(timezone=True)
revision = "0003_conversation_references"
down_revision = "0002_inbox_outbox"
branch_labels = None
depends_on = None

ID = 255


def upgrade() -> None:
    op.create_table(
        "conversation_references",
        sa.Column("reference_key", sa.String(ID), primary_key=True),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("tenant", sa.String(ID), nullable=True),
        sa.Column("reference_json", sa.Text, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_conversation_references_tenant", "conversation_references", ["tenant"])


def downgrade() -> None:
    op.drop_index("ix_conversation_references_tenant", table_name="conversation_references")
    op.drop_table("conversation_references")
