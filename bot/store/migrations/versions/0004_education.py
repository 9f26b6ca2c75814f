"""Channel education: channels, posted questions, answers, review cards, lessons read, schedules and notices.

The unused ``lesson_schedules``, ``lesson_posts`` and ``quiz_answers`` tables (nothing in the server ever wrote
them) are dropped with whatever they hold; every other table and its rows are kept.

Revision ID: 0004_education
Revises: 0003_conversation_references
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Plain types, not the application's: a migration must build the same tables whatever the code becomes.
UtcDateTime = sa.DateTime(timezone=True)
revision = "0004_education"
down_revision = "0003_conversation_references"
branch_labels = None
depends_on = None

ID = 255
# lesson_posts first: it refers to lesson_schedules.
REPLACED = ("lesson_posts", "quiz_answers", "lesson_schedules")


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for table in REPLACED:
        if table in existing:  # a table dropped under a running server is simply gone already
            op.drop_table(table)
    op.create_table(
        "education_channels",
        sa.Column("channel_key", sa.String(ID), primary_key=True),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("team", sa.String(ID), nullable=False),
        sa.Column("address_json", sa.Text, nullable=False),
        sa.Column("leaderboard", sa.Boolean, nullable=False),
        sa.Column("next_lesson", sa.Integer, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "education_posts",
        sa.Column("post_id", sa.String(ID), primary_key=True),
        sa.Column("channel_key", sa.String(ID), nullable=False),
        sa.Column("question_id", sa.String(ID), nullable=False),
        sa.Column("for_person", sa.String(ID), nullable=True),
        sa.Column("posted_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "education_answers",
        sa.Column("post_id", sa.String(ID), primary_key=True),
        sa.Column("person", sa.String(ID), primary_key=True),
        sa.Column("question_id", sa.String(ID), nullable=False),
        sa.Column("channel_key", sa.String(ID), nullable=False),
        sa.Column("option_id", sa.String(ID), nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("answered_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_education_answers_channel_key", "education_answers", ["channel_key"])
    op.create_table(
        "education_reviews",
        sa.Column("person", sa.String(ID), primary_key=True),
        sa.Column("question_id", sa.String(ID), primary_key=True),
        sa.Column("card_json", sa.Text, nullable=False),
        sa.Column("due", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "education_lessons",
        sa.Column("person", sa.String(ID), primary_key=True),
        sa.Column("lesson_id", sa.String(ID), primary_key=True),
        sa.Column("marked_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "education_schedules",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("channel_key", sa.String(ID), nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("team", sa.String(ID), nullable=False),
        sa.Column("cadence", sa.String(32), nullable=False),
        sa.Column("weekday", sa.Integer, nullable=True),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("zone", sa.String(ID), nullable=False),
        sa.Column("set_by", sa.String(ID), nullable=False),
        sa.Column("set_at", UtcDateTime, nullable=False),
        sa.Column("next_due_at", UtcDateTime, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("off_reason", sa.String(ID), nullable=True),
        sa.Column("posts_made", sa.Integer, nullable=False),
        sa.Column("claimed_by", sa.String(ID), nullable=True),
        sa.Column("claim_until", UtcDateTime, nullable=True),
        sa.UniqueConstraint("channel_key", name="uq_education_schedules_channel_key"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_education_schedules_next_due_at", "education_schedules", ["next_due_at"])
    op.create_table(
        "education_notices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team_key", sa.String(ID), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_education_notices_team_key", "education_notices", ["team_key"])


def downgrade() -> None:
    op.drop_index("ix_education_notices_team_key", table_name="education_notices")
    op.drop_table("education_notices")
    op.drop_index("ix_education_schedules_next_due_at", table_name="education_schedules")
    op.drop_table("education_schedules")
    op.drop_table("education_lessons")
    op.drop_table("education_reviews")
    op.drop_index("ix_education_answers_channel_key", table_name="education_answers")
    op.drop_table("education_answers")
    op.drop_table("education_posts")
    op.drop_table("education_channels")
    # The replaced tables come back empty, as revision 0001 made them.
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
    op.create_table(
        "lesson_posts",
        sa.Column(
            "schedule_id", sa.Integer, sa.ForeignKey("lesson_schedules.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("slot", UtcDateTime, primary_key=True),
        sa.Column("claimed_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "quiz_answers",
        sa.Column("team", sa.String(ID), primary_key=True),
        sa.Column("user_id", sa.String(ID), primary_key=True),
        sa.Column("quiz_id", sa.String(ID), primary_key=True),
        sa.Column("question_id", sa.String(ID), primary_key=True),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("answered_at", UtcDateTime, nullable=False),
    )
