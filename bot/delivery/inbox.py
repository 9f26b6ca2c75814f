"""``Inbox``: record a request and its answers within the ack budget, in the store or, while it is down, in memory.

``await inbox.record(key, deliveries, slots)`` is the one call an adapter makes before acking:

- ``RECORDED``: the request, its deliveries and the conversation's slots are in the store, in one
  transaction; the deliveries are already on their way (leased to this process's sender).
- ``DUPLICATE``: the key was recorded before (a platform retry, another replica, a replay): ack and
  answer nothing.
- ``RECORDED_IN_MEMORY``: the store did not answer within the timeout, so the key went into a bounded
  in-memory inbox (this process still answers it once) and the deliveries to the sender in memory;
  the slots were not saved, so the answer should say memory is unavailable.

A store call that outlives its timeout may still commit. If it does, the sender settles the stored
rows by what the memory copies did (delivered, failed, or still retrying), so the answer goes once;
if the store says another process recorded the key first, the memory copies stop retrying.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from enum import StrEnum

from bot.delivery.sender import Sender
from bot.errors import StoreUnavailable
from bot.store import Delivery, NewDelivery
from bot.store.calls import StoreCalls
from bot.store.schema import MAX_ID_LENGTH

__all__ = ["DEFAULT_MEMORY_CAPACITY", "Inbox", "Recorded"]

log = logging.getLogger("herbot.delivery")

DEFAULT_MEMORY_CAPACITY = 10_000


class Recorded(StrEnum):
    """What ``Inbox.record`` did with a request."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    RECORDED_IN_MEMORY = "recorded-in-memory"


class Inbox:
    """Records requests through ``calls`` (``None``: memory only) and hands their deliveries to ``sender``."""

    def __init__(
        self, calls: StoreCalls | None, sender: Sender, *, memory_capacity: int = DEFAULT_MEMORY_CAPACITY
    ) -> None:
        if memory_capacity < 1:
            raise ValueError("the in-memory inbox needs room for at least one key")
        self._calls = calls
        self._sender = sender
        self._capacity = memory_capacity
        # Keys this process answered lately, recorded in the store or not: a retry that arrives while
        # the store is down is still known. The oldest are forgotten first.
        self._seen: OrderedDict[str, None] = OrderedDict()

    async def record(
        self,
        key: str,
        deliveries: Sequence[NewDelivery],
        slots: Mapping[str, str] | None = None,
        *,
        conversation: str | None = None,
    ) -> Recorded:
        """Record request ``key``, its ``deliveries`` and ``conversation``'s ``slots`` (as ``Store.record_request``).

        Raises ``ValueError`` for a key over 255 characters: the request is malformed (a 4xx, not a 5xx).
        """
        if not key or len(key) > MAX_ID_LENGTH:
            raise ValueError(f"a request key is 1 to {MAX_ID_LENGTH} characters, not {len(key)}")
        if self._calls is None:
            return self._record_in_memory(key, deliveries, pending=None)
        sender, store = self._sender, self._calls.store
        pending = self._calls.submit(
            store.record_and_claim,
            key,
            deliveries,
            slots,
            conversation=conversation,
            owner=sender.owner,
            lease=sender.lease,
        )
        try:
            rows = await self._calls.wait(pending)
        except StoreUnavailable:
            log.warning("store unavailable: request recorded in memory")
            started = not pending.cancel()  # not started: it never will, and the memory copy is the only one
            return self._record_in_memory(key, deliveries, pending=pending if started else None)
        if rows is None:
            return Recorded.DUPLICATE
        self._remember(key)
        sender.deliver(rows)
        return Recorded.RECORDED

    def _record_in_memory(
        self,
        key: str,
        deliveries: Sequence[NewDelivery],
        *,
        pending: concurrent.futures.Future[list[Delivery] | None] | None,
    ) -> Recorded:
        if key in self._seen:
            self._seen.move_to_end(key)
            return Recorded.DUPLICATE
        self._remember(key)
        jobs = self._sender.deliver_in_memory(deliveries)
        if pending is not None:
            loop = asyncio.get_running_loop()

            def settle_late(future: concurrent.futures.Future[list[Delivery] | None]) -> None:
                if future.cancelled() or future.exception() is not None:
                    return  # nothing was written: the memory copies are the only ones
                rows = future.result()
                settle = self._sender.abandon if rows is None else lambda jobs: self._sender.adopt(jobs, rows)
                with contextlib.suppress(RuntimeError):  # the loop closed: the process is stopping
                    loop.call_soon_threadsafe(settle, jobs)

            pending.add_done_callback(settle_late)
        return Recorded.RECORDED_IN_MEMORY

    def _remember(self, key: str) -> None:
        self._seen[key] = None
        self._seen.move_to_end(key)
        while len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
