"""Scheduled purging: old event ids and expired conversations leave the store, so no table grows without bound.

Slack retries an event within minutes, so an hour of event ids is plenty for the duplicate check.
Every replica may purge; the deletes carry their condition in ``WHERE``, so they never conflict.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.errors import StoreUnavailable
from bot.store.store import Store

__all__ = ["PurgeSchedule", "Purged", "purge_periodically", "purge_store"]

log = logging.getLogger("herbot.store")


@dataclass(frozen=True, slots=True)
class PurgeSchedule:
    """How often the running server purges the store, and how long it keeps processed event ids."""

    every: timedelta = timedelta(minutes=10)
    keep_events: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        if self.every <= timedelta(0):
            raise ValueError("the purge interval must be positive")
        if self.keep_events < timedelta(0):
            raise ValueError("keep_events must not be negative")


@dataclass(frozen=True, slots=True)
class Purged:
    """How many rows one purge deleted."""

    events: int
    slots: int


def purge_store(store: Store, keep_events: timedelta) -> Purged:
    """Delete event ids older than ``keep_events`` and every expired conversation.

    >>> from datetime import UTC, datetime
    >>> from bot.store import create_store
    >>> now = [datetime(2025, 1, 1, tzinfo=UTC)]
    >>> store = create_store("sqlite://", clock=lambda: now[0], slot_ttl=timedelta(minutes=30))
    >>> store.claim_event("Ev1"), store.save_slots("slack:T1:C1:1.1", {"ihc": "2+"})
    (True, None)
    >>> now[0] += timedelta(hours=2)
    >>> purge_store(store, timedelta(hours=1))
    Purged(events=1, slots=1)
    >>> store.close()
    """
    return Purged(events=store.purge_events(keep_events), slots=store.purge_expired_slots())


async def purge_periodically(store: Store, schedule: PurgeSchedule) -> None:
    """Purge now and every ``schedule.every`` until cancelled; a purge the store cannot take waits for the next."""
    while True:
        try:
            purged = await asyncio.to_thread(purge_store, store, schedule.keep_events)
        except StoreUnavailable:
            log.warning("store purge skipped: store unavailable")
        else:
            log.info("store purged events=%d slots=%d", purged.events, purged.slots)
        await asyncio.sleep(schedule.every.total_seconds())
