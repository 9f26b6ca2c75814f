"""The outbox's statements: record deliveries, claim due ones under a lease, and settle them.

A row is *pending* until it is delivered or failed. A pending row is *due* once its
``next_attempt_at`` has come and nobody holds an unexpired lease on it. Claiming sets the lease in
one statement whose condition is in ``WHERE`` (and, on PostgreSQL, skips rows other claimers have
locked), so concurrent claimers never get the same row. Settling a row (retry later, fail) needs
the lease; marking it delivered does not, since the answer went out whoever held the lease.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, insert, or_, select, update

from bot.store.records import Delivery, NewDelivery
from bot.store.schema import MAX_ID_LENGTH, outbox

__all__ = ["claim_due", "insert_deliveries", "is_due", "is_pending", "lease_owners", "settle"]


def is_pending() -> ColumnElement[bool]:
    """Neither delivered nor failed."""
    return and_(outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None))


def is_due(now: datetime, take_over: Collection[str] = ()) -> ColumnElement[bool]:
    """Pending, its next attempt has come, and no unexpired lease holds it (a lease of ``take_over``'s owners,
    known to be dead, counts as expired)."""
    free = or_(outbox.c.lease_until.is_(None), outbox.c.lease_until <= now)
    if take_over:
        free = or_(free, outbox.c.lease_owner.in_(list(take_over)))
    return and_(is_pending(), outbox.c.next_attempt_at <= now, free)


def lease_owners(connection: Connection, now: datetime) -> set[str]:
    """Who holds an unexpired lease on a pending row."""
    statement = select(outbox.c.lease_owner).distinct().where(is_pending(), outbox.c.lease_until > now)
    return set(connection.execute(statement).scalars())


def insert_deliveries(
    connection: Connection,
    request_key: str,
    deliveries: Sequence[NewDelivery],
    *,
    now: datetime,
    owner: str | None,
    lease_until: datetime | None,
) -> list[Delivery]:
    """Insert ``deliveries`` due now, leased to ``owner`` until ``lease_until`` if given; return them as rows."""
    recorded = []
    for delivery in deliveries:
        values = {
            "request_key": request_key,
            "surface": delivery.surface,
            "kind": delivery.kind,
            "target_json": _json(delivery.target),
            "payload_json": _json(delivery.payload),
            "created_at": now,
            "not_after": delivery.not_after,
            "attempts": 0,
            "next_attempt_at": now,
            "lease_owner": owner,
            "lease_until": lease_until,
        }
        row = connection.execute(insert(outbox).values(values).returning(*outbox.c)).one()
        recorded.append(delivery_from_row(row))
    return recorded


def claim_due(
    connection: Connection,
    *,
    owner: str,
    now: datetime,
    lease_until: datetime,
    limit: int,
    take_over: Collection[str] = (),
) -> list[Delivery]:
    """Lease up to ``limit`` due rows to ``owner``, oldest due first."""
    due = select(outbox.c.id).where(is_due(now, take_over)).order_by(outbox.c.next_attempt_at, outbox.c.id).limit(limit)
    if connection.dialect.name == "postgresql":
        # Rows another claimer has locked are theirs: skip them instead of waiting and re-reading. The
        # choice is made once, in a materialised CTE: as a subquery PostgreSQL may run it again per row,
        # skip the rows this statement just leased and hand out more than ``limit``.
        chosen = due.with_for_update(skip_locked=True).cte("due").prefix_with("MATERIALIZED")
        due = select(chosen.c.id)
    statement = (
        update(outbox)
        .where(outbox.c.id.in_(due.scalar_subquery()), is_due(now, take_over))
        .values(lease_owner=owner, lease_until=lease_until)
        .returning(*outbox.c)
    )
    rows = connection.execute(statement).all()
    return sorted((delivery_from_row(row) for row in rows), key=lambda d: d.id)


def settle(connection: Connection, delivery_id: int, *, owner: str | None, **values: Any) -> bool:
    """Update a pending row (held by ``owner`` unless ``None``) and release its lease; False if it is not."""
    condition = and_(outbox.c.id == delivery_id, is_pending())
    if owner is not None:
        condition = and_(condition, outbox.c.lease_owner == owner)
    statement = update(outbox).where(condition).values(lease_owner=None, lease_until=None, **values)
    return connection.execute(statement, execution_options={"preserve_rowcount": True}).rowcount == 1


def delivery_from_row(row: Row[Any]) -> Delivery:
    """The record of an outbox row."""
    return Delivery(
        id=row.id,
        request_key=row.request_key,
        surface=row.surface,
        kind=row.kind,
        target=json.loads(row.target_json),
        payload=json.loads(row.payload_json),
        created_at=row.created_at,
        not_after=row.not_after,
        attempts=row.attempts,
    )


def bounded_reason(reason: str) -> str:
    """A failure reason cut to what the outbox keeps."""
    return reason[:MAX_ID_LENGTH]


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
