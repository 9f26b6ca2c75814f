"""Scheduled purging: old request keys, settled deliveries and expired conversations leave the store.

Slack retries an event within minutes and a response URL lives 30 minutes, so an hour of request
keys is plenty for the duplicate check; delivered and failed deliveries are kept a day, to count them.
Pending deliveries are never purged: the sender settles them (a passed deadline fails them).
Every replica may purge; the deletes carry their condition in ``WHERE``, so they never conflict.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import StoreUnavailable
from bot.store.calls import StoreCalls
from bot.store.store import Store

__all__ = ["PurgeSchedule", "Purged", "purge_periodically", "purge_store"]

log = logging.getLogger("herbot.store")

PURGE_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class PurgeSchedule:
    """How often the running server purges the store, and how long it keeps request keys and settled deliveries."""

    every: timedelta = timedelta(minutes=10)
    keep_requests: timedelta = timedelta(hours=1)
    keep_deliveries: timedelta = timedelta(days=1)

    def __post_init__(self) -> None:
        if self.every <= timedelta(0):
            raise ValueError("the purge interval must be positive")
        if self.keep_requests < timedelta(0) or self.keep_deliveries < timedelta(0):
            raise ValueError("keep_requests and keep_deliveries must not be negative")


@dataclass(frozen=True, slots=True)
class Purged:
    """How many rows one purge deleted."""

    requests: int
    deliveries: int
    slots: int


def purge_store(store: Store, schedule: PurgeSchedule) -> Purged:
    """Delete request keys and settled deliveries older than ``schedule`` keeps them, and every expired conversation.

    >>> from datetime import UTC, datetime
    >>> from bot.store import create_store
    >>> now = [datetime(2025, 1, 1, tzinfo=UTC)]
    >>> store = create_store("sqlite://", clock=lambda: now[0], slot_ttl=timedelta(minutes=30))
    >>> store.record_request("slack:event:Ev1", ()), store.save_slots("slack:T1:C1:1.1", {"ihc": "2+"})
    (True, None)
    >>> now[0] += timedelta(hours=2)
    >>> purge_store(store, PurgeSchedule())
    Purged(requests=1, deliveries=0, slots=1)
    >>> store.close()
    """
    return Purged(
        requests=store.purge_inbox(schedule.keep_requests),
        deliveries=store.purge_outbox(schedule.keep_deliveries),
        slots=store.purge_expired_slots(),
    )


async def purge_periodically(calls: StoreCalls, schedule: PurgeSchedule) -> None:
    """Purge now and every ``schedule.every`` until cancelled, on the store's own threads; a purge the store
    cannot take (or not within ``PURGE_TIMEOUT_S``) waits for the next."""
    while True:
        try:
            purged = await calls.run(purge_store, calls.store, schedule, timeout=PURGE_TIMEOUT_S)
        except StoreUnavailable:
            log.warning("store purge skipped: store unavailable")
        else:
            log.info(
                "store purged requests=%d deliveries=%d slots=%d", purged.requests, purged.deliveries, purged.slots
            )
        await asyncio.sleep(schedule.every.total_seconds())
