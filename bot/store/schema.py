"""The store's tables at the newest migration, described once with SQLAlchemy Core.

Every uniqueness rule the bot relies on across replicas is a primary key here, so the
database, not a read-then-write in Python, decides who wins a race:

- ``conversation_slots``  one row per conversation key (parsed values as JSON, with expiry)
- ``inbox``               one row per platform request key (``slack:event:<id>``...): answered once
- ``outbox``              answers to deliver: where to (surface, kind, JSON target), the rendered
                          payload, a deadline, retries, a lease; never the message that was answered
- ``lesson_schedules``    lesson schedules; ids are never reused
- ``lesson_posts``        one row per (schedule, slot): a lesson is posted once
- ``quiz_answers``        one row per (team, user, quiz, question): the first answer counts
- ``conversation_references``  one row per chat or channel a surface can post to later (Teams): ids and
                          the service URL, never a message or a person's name

Changes go through a new migration in ``bot/store/migrations/versions`` (see ``bot.store.migrate``);
a test checks that the migrations build exactly these tables.
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

inbox = Table(
    "inbox",
    metadata,
    _id_column("request_key", primary_key=True),
    Column("received_at", UtcDateTime, nullable=False, index=True),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _id_column("request_key"),
    Column("surface", String(32), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("target_json", Text, nullable=False),
    Column("payload_json", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("not_after", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    # Pending rows have neither delivered_at nor failed_at; the sender looks them up by time.
    Column("next_attempt_at", UtcDateTime, nullable=False, index=True),
    Column("lease_owner", String(MAX_ID_LENGTH), nullable=True),
    Column("lease_until", UtcDateTime, nullable=True),
    Column("delivered_at", UtcDateTime, nullable=True),
    Column("failed_at", UtcDateTime, nullable=True),
    Column("failure_reason", String(MAX_ID_LENGTH), nullable=True),
    sqlite_autoincrement=True,
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

conversation_references = Table(
    "conversation_references",
    metadata,
    _id_column("reference_key", primary_key=True),
    Column("surface", String(32), nullable=False),
    Column("scope", String(32), nullable=False),
    Column("tenant", String(MAX_ID_LENGTH), nullable=True, index=True),
    Column("reference_json", Text, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
