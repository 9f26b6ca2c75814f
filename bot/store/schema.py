"""The store's tables, described once with SQLAlchemy Core.

Every uniqueness rule the bot relies on across replicas is a primary key here, so the
database, not a read-then-write in Python, decides who wins a race:

- ``conversation_slots``  one row per conversation key (parsed values as JSON, with expiry)
- ``processed_events``    one row per platform event id (retries answered once)
- ``lesson_schedules``    lesson schedules; ids are never reused
- ``lesson_posts``        one row per (schedule, slot): a lesson is posted once
- ``quiz_answers``        one row per (team, user, quiz, question): the first answer counts
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)

MAX_ID_LENGTH = 255


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    PostgreSQL keeps ``timestamptz``. SQLite has no timezone support: SQLAlchemy writes the
    wall-clock fields and silently drops ``tzinfo``, so values are converted to UTC before
    they are written (text comparisons then order correctly) and read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the store only accepts timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id_column(name: str, **options: Any) -> Column[str]:
    return Column(name, String(MAX_ID_LENGTH), nullable=False, **options)


metadata = MetaData()

conversation_slots = Table(
    "conversation_slots",
    metadata,
    _id_column("conversation_key", primary_key=True),
    Column("values_json", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
)

processed_events = Table(
    "processed_events",
    metadata,
    _id_column("event_id", primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False, index=True),
)

lesson_schedules = Table(
    "lesson_schedules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _id_column("team", index=True),
    _id_column("channel"),
    Column("surface", String(32), nullable=False),
    Column("topic", String(MAX_ID_LENGTH), nullable=True),
    Column("cron", String(MAX_ID_LENGTH), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # Without AUTOINCREMENT SQLite may hand a removed schedule's id to the next one.
    sqlite_autoincrement=True,
)

lesson_posts = Table(
    "lesson_posts",
    metadata,
    Column(
        "schedule_id",
        Integer,
        ForeignKey("lesson_schedules.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("slot", UtcDateTime, primary_key=True),
    Column("claimed_at", UtcDateTime, nullable=False),
)

quiz_answers = Table(
    "quiz_answers",
    metadata,
    _id_column("team", primary_key=True),
    _id_column("user_id", primary_key=True),
    _id_column("quiz_id", primary_key=True),
    _id_column("question_id", primary_key=True),
    Column("correct", Boolean, nullable=False),
    Column("answered_at", UtcDateTime, nullable=False),
)
