"""The education schedules' statements: one schedule per channel, due ones claimed under a lease, slots posted.

A schedule is *due* when it is active, its ``next_due_at`` has come and no claim holds it, or only one whose
``claim_until`` has passed (its process died between claim and post, so another takes it over). Claiming sets
``claimed_by`` and ``claim_until`` with that condition in ``WHERE``: on PostgreSQL the rows are first chosen with
``SELECT … FOR UPDATE SKIP LOCKED`` in the same transaction, so concurrent claimers neither wait for nor share a
row; on SQLite the one conditional ``UPDATE`` runs under the database's write lock. Posting or skipping a slot
moves the schedule on and releases the claim only while the caller still holds it for that slot
(``next_due_at == slot``), so a process whose claim was taken over writes nothing: not even the channel's move to
its next lesson, which a lesson post makes in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Executable, Row, Update, and_, insert, or_, select, update

from bot.store.access import UPSERTING_INSERTS, rowcount
from bot.store.education_records import ScheduleRecord
from bot.store.outbox import insert_deliveries
from bot.store.records import NewDelivery
from bot.store.schema import education_channels, education_posts, education_schedules, inbox

__all__ = [
    "ClaimLost",
    "checked_at_time",
    "checked_weekday",
    "claim_due",
    "claimants",
    "move_on",
    "next_lesson",
    "post_slot",
    "schedule_from_row",
    "turn_off",
    "upsert",
]

_table = education_schedules
_AT_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


class ClaimLost(Exception):
    """The caller no longer holds the claim on the slot: its transaction must write nothing."""


def upsert(connection: Connection, channel_key: str, values: Mapping[str, Any]) -> ScheduleRecord:
    """Insert ``channel_key``'s schedule, or replace its ``values`` (keeping its id and post count); return it."""
    statement = UPSERTING_INSERTS[connection.dialect.name](_table).values(
        channel_key=channel_key, posts_made=0, **values
    )
    statement = statement.on_conflict_do_update(
        index_elements=[_table.c.channel_key], set_={name: statement.excluded[name] for name in values}
    ).returning(*_table.c)
    return schedule_from_row(connection.execute(statement).one())


def turn_off(channel_key: str, reason: str | None) -> Executable:
    """Turn ``channel_key``'s active schedule off for ``reason``, voiding any claim."""
    active = and_(_table.c.channel_key == channel_key, _table.c.active.is_(True))
    return update(_table).where(active).values(active=False, off_reason=reason, claimed_by=None, claim_until=None)


def claim_due(
    connection: Connection,
    *,
    owner: str,
    now: datetime,
    claim_until: datetime,
    limit: int,
    take_over: Collection[str] = (),
) -> list[ScheduleRecord]:
    """Claim up to ``limit`` schedules due by ``now`` for ``owner`` until ``claim_until``, longest due first; a
    claim of ``take_over``'s owners (known to be dead) counts as passed."""
    free = [_table.c.claim_until.is_(None), _table.c.claim_until <= now]
    if take_over:
        free.append(_table.c.claimed_by.in_(sorted(take_over)))
    due = and_(_table.c.active.is_(True), _table.c.next_due_at <= now, or_(*free))
    chosen = select(_table.c.id).where(due).order_by(_table.c.next_due_at, _table.c.id).limit(limit)
    if connection.dialect.name == "postgresql":
        # Rows another claimer has locked are theirs: skip them rather than wait and re-read.
        ids = connection.execute(chosen.with_for_update(skip_locked=True)).scalars().all()
        claimed = _table.c.id.in_(ids)
    else:
        claimed = _table.c.id.in_(chosen.scalar_subquery())
    statement = (
        update(_table).where(claimed, due).values(claimed_by=owner, claim_until=claim_until).returning(*_table.c)
    )
    rows = connection.execute(statement).all()
    return sorted((schedule_from_row(row) for row in rows), key=lambda record: (record.next_due_at, record.id))


def claimants(now: datetime) -> Executable:
    """The owners of claims that have not passed by ``now``."""
    return select(_table.c.claimed_by).distinct().where(_table.c.claimed_by.is_not(None), _table.c.claim_until > now)


def move_on(schedule_id: int, *, owner: str, slot: datetime, next_due_at: datetime, posted: bool) -> Executable:
    """Move ``owner``'s claimed ``slot`` on to ``next_due_at`` (one post more if ``posted``), releasing the claim."""
    values: dict[str, Any] = {"next_due_at": next_due_at, "claimed_by": None, "claim_until": None}
    if posted:
        values["posts_made"] = _table.c.posts_made + 1
    held = and_(
        _table.c.id == schedule_id,
        _table.c.active.is_(True),
        _table.c.claimed_by == owner,
        _table.c.next_due_at == slot,
    )
    return update(_table).where(held).values(values)


def post_slot(
    connection: Connection,
    schedule_id: int,
    *,
    owner: str,
    slot: datetime,
    next_due_at: datetime,
    request_key: str,
    deliveries: Sequence[NewDelivery],
    post: Mapping[str, Any] | None,
    lesson_count: int | None,
    now: datetime,
) -> bool:
    """Record ``slot``'s request, deliveries (leased to nobody) and quiz ``post`` row, and move the schedule on;
    with ``lesson_count`` (the post is a lesson), move its channel on to the next of that many lessons too.

    False if ``request_key`` was recorded before: that post went out, so the schedule only moves on. Raises
    ``ClaimLost`` if ``owner`` no longer holds the slot; the caller rolls the transaction back.
    """
    recorded = UPSERTING_INSERTS[connection.dialect.name](inbox).values(request_key=request_key, received_at=now)
    if rowcount(connection, recorded.on_conflict_do_nothing()) == 0:
        connection.execute(move_on(schedule_id, owner=owner, slot=slot, next_due_at=next_due_at, posted=False))
        return False
    if rowcount(connection, move_on(schedule_id, owner=owner, slot=slot, next_due_at=next_due_at, posted=True)) == 0:
        raise ClaimLost
    insert_deliveries(connection, request_key, deliveries, now=now, owner=None, lease_until=None)
    if post is not None:
        connection.execute(insert(education_posts).values(post))
    if lesson_count is not None:
        channel = select(_table.c.channel_key).where(_table.c.id == schedule_id).scalar_subquery()
        connection.execute(next_lesson(education_channels.c.channel_key == channel, lesson_count))
    return True


def next_lesson(channel: ColumnElement[bool], lesson_count: int) -> Update:
    """Move the ``channel`` on to its next lesson (modulo ``lesson_count``), returning the index it moved to."""
    if lesson_count < 1:
        raise ValueError("lesson_count must be at least 1")
    table = education_channels
    return (
        update(table)
        .where(channel)
        .values(next_lesson=(table.c.next_lesson + 1) % lesson_count)
        .returning(table.c.next_lesson)
    )


def schedule_from_row(row: Row[Any]) -> ScheduleRecord:
    """The record of a schedule row."""
    return ScheduleRecord(
        id=row.id,
        channel_key=row.channel_key,
        surface=row.surface,
        team=row.team,
        cadence=row.cadence,
        weekday=row.weekday,
        at_time=row.at_time,
        zone=row.zone,
        set_by=row.set_by,
        set_at=row.set_at,
        next_due_at=row.next_due_at,
        active=row.active,
        off_reason=row.off_reason,
        posts_made=row.posts_made,
    )


def checked_weekday(weekday: int | None) -> int | None:
    """``weekday`` if it is one (0 is Monday) or ``None``; else ``ValueError``."""
    if weekday is not None and weekday not in range(7):
        raise ValueError("weekday is 0 (Monday) to 6, or None")
    return weekday


def checked_at_time(at_time: str) -> str:
    """``at_time`` if it is a time of day as ``HH:MM``; else ``ValueError``."""
    if not isinstance(at_time, str) or not _AT_TIME.fullmatch(at_time):
        raise ValueError("at_time is HH:MM, 00:00 to 23:59")
    return at_time
