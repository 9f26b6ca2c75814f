"""Baseline: the tables ``create_all`` made before migrations, created only where missing.

A database made by an older herbot has these tables and no ``alembic_version``; upgrading it runs
this revision, which keeps every existing table and its rows and adds any that are missing.

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, not the application's: a migration must build the same tables whatever the code becomes.
UtcDateTime = sa.DateTime(timezone=True)
revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

ID = 255


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "conversation_slots" not in existing:
        op.create_table(
            "conversation_slots",
            sa.Column("conversation_key", sa.String(ID), primary_key=True),
            sa.Column("values_json", sa.Text, nullable=False),
            sa.Column("expires_at", UtcDateTime, nullable=False),
        )
        op.create_index("ix_conversation_slots_expires_at", "conversation_slots", ["expires_at"])
    if "processed_events" not in existing:
        op.create_table(
            "processed_events",
            sa.Column("event_id", sa.String(ID), primary_key=True),
            sa.Column("claimed_at", UtcDateTime, nullable=False),
        )
        op.create_index("ix_processed_events_claimed_at", "processed_events", ["claimed_at"])
    if "lesson_schedules" not in existing:
        op.create_table(
            "lesson_schedules",
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("team", sa.String(ID), nullable=False),
            sa.Column("channel", sa.String(ID), nullable=False),
            sa.Column("surface", sa.String(32), nullable=False),
            sa.Column("topic", sa.String(ID), nullable=True),
            sa.Column("cron", sa.String(ID), nullable=False),
            sa.Column("created_at", UtcDateTime, nullable=False),
            sqlite_autoincrement=True,
        )
        op.create_index("ix_lesson_schedules_team", "lesson_schedules", ["team"])
    if "lesson_posts" not in existing:
        op.create_table(
            "lesson_posts",
            sa.Column(
                "schedule_id",
                sa.Integer,
                sa.ForeignKey("lesson_schedules.id", ondelete="CASCADE"),
                primary_key=True,
            ),
            sa.Column("slot", UtcDateTime, primary_key=True),
            sa.Column("claimed_at", UtcDateTime, nullable=False),
        )
    if "quiz_answers" not in existing:
        op.create_table(
            "quiz_answers",
            sa.Column("team", sa.String(ID), primary_key=True),
            sa.Column("user_id", sa.String(ID), primary_key=True),
            sa.Column("quiz_id", sa.String(ID), primary_key=True),
            sa.Column("question_id", sa.String(ID), primary_key=True),
            sa.Column("correct", sa.Boolean, nullable=False),
            sa.Column("answered_at", UtcDateTime, nullable=False),
        )


def downgrade() -> None:
    for table in ("quiz_answers", "lesson_posts", "lesson_schedules", "processed_events", "conversation_slots"):
        op.drop_table(table)
