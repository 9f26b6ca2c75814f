"""Inbox and outbox: ``processed_events`` becomes ``inbox`` (its rows kept), and ``outbox`` holds answers to deliver.

Revision ID: 0002_inbox_outbox
Revises: 0001_baseline
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, not the application's: a migration must build the same tables whatever the code becomes.
UtcDateTime = sa.DateTime(timezone=True)
revision = "0002_inbox_outbox"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None

ID = 255


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("request_key", sa.String(ID), primary_key=True),
        sa.Column("received_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_inbox_received_at", "inbox", ["received_at"])
    # Keys recorded before the upgrade still stop a redelivery being answered twice.
    op.execute("INSERT INTO inbox (request_key, received_at) SELECT event_id, claimed_at FROM processed_events")
    op.drop_index("ix_processed_events_claimed_at", table_name="processed_events")
    op.drop_table("processed_events")
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("request_key", sa.String(ID), nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target_json", sa.Text, nullable=False),
        sa.Column("payload_json", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("not_after", UtcDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UtcDateTime, nullable=False),
        sa.Column("lease_owner", sa.String(ID), nullable=True),
        sa.Column("lease_until", UtcDateTime, nullable=True),
        sa.Column("delivered_at", UtcDateTime, nullable=True),
        sa.Column("failed_at", UtcDateTime, nullable=True),
        sa.Column("failure_reason", sa.String(ID), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbox_next_attempt_at", "outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_outbox_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(ID), primary_key=True),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_processed_events_claimed_at", "processed_events", ["claimed_at"])
    op.execute("INSERT INTO processed_events (event_id, claimed_at) SELECT request_key, received_at FROM inbox")
    op.drop_index("ix_inbox_received_at", table_name="inbox")
    op.drop_table("inbox")
