"""The store's tables at the newest migration, described once with SQLAlchemy Core.

Every uniqueness rule the bot relies on across replicas is a primary or unique key here, so the
database, not a read-then-write in Python, decides who wins a race:

- ``conversation_slots``  one row per conversation key (parsed values as JSON, with expiry)
- ``inbox``               one row per platform request key (``slack:event:<id>``...): answered once
- ``outbox``              answers to deliver: where to (surface, kind, JSON target), the rendered
                          payload, a deadline, retries, a lease; never the message that was answered
- ``education_channels``  one row per channel key: where to post (JSON address), leaderboard on or off,
                          the next lesson in the curriculum
- ``education_posts``     one row per posted question (post id): which bank question, in which channel
- ``education_answers``   one row per (post, person): the first click counts; the option id chosen
- ``education_reviews``   one row per (person, question): the spaced-repetition card (JSON) and when it is due
- ``education_lessons``   one row per (person, lesson) read
- ``education_schedules`` one row per channel key (ids never reused): when to post, and the claim of the
                          process posting the due slot (``claimed_by`` until ``claim_until``)
- ``education_notices``   herbot's own sentences to say once to a workspace (team key)
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
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
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

education_channels = Table(
    "education_channels",
    metadata,
    _id_column("channel_key", primary_key=True),
    Column("surface", String(32), nullable=False),
    _id_column("team"),
    Column("address_json", Text, nullable=False),
    Column("leaderboard", Boolean, nullable=False),
    Column("next_lesson", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

education_posts = Table(
    "education_posts",
    metadata,
    _id_column("post_id", primary_key=True),
    _id_column("channel_key"),
    _id_column("question_id"),
    Column("for_person", String(MAX_ID_LENGTH), nullable=True),
    Column("posted_at", UtcDateTime, nullable=False),
)

education_answers = Table(
    "education_answers",
    metadata,
    _id_column("post_id", primary_key=True),
    _id_column("person", primary_key=True),
    _id_column("question_id"),
    # The leaderboard and the confusion table read one channel's answers.
    _id_column("channel_key", index=True),
    _id_column("option_id"),
    Column("correct", Boolean, nullable=False),
    Column("answered_at", UtcDateTime, nullable=False),
)

education_reviews = Table(
    "education_reviews",
    metadata,
    _id_column("person", primary_key=True),
    _id_column("question_id", primary_key=True),
    Column("card_json", Text, nullable=False),
    Column("due", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

education_lessons = Table(
    "education_lessons",
    metadata,
    _id_column("person", primary_key=True),
    _id_column("lesson_id", primary_key=True),
    Column("marked_at", UtcDateTime, nullable=False),
)

education_schedules = Table(
    "education_schedules",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _id_column("channel_key"),
    Column("surface", String(32), nullable=False),
    _id_column("team"),
    Column("cadence", String(32), nullable=False),
    Column("weekday", Integer, nullable=True),
    Column("at_time", String(5), nullable=False),
    _id_column("zone"),
    _id_column("set_by"),
    Column("set_at", UtcDateTime, nullable=False),
    # The claimers look due schedules up by time.
    Column("next_due_at", UtcDateTime, nullable=False, index=True),
    Column("active", Boolean, nullable=False),
    Column("off_reason", String(MAX_ID_LENGTH), nullable=True),
    Column("posts_made", Integer, nullable=False),
    Column("claimed_by", String(MAX_ID_LENGTH), nullable=True),
    Column("claim_until", UtcDateTime, nullable=True),
    UniqueConstraint("channel_key", name="uq_education_schedules_channel_key"),
    # Without AUTOINCREMENT SQLite may hand a deleted schedule's id to the next one.
    sqlite_autoincrement=True,
)

education_notices = Table(
    "education_notices",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _id_column("team_key", index=True),
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
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
