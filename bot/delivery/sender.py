"""``Sender``: delivers answers from the outbox, and from memory while the store is down.

Three ways a delivery reaches the sender, fastest first:

1. ``deliver(rows)``: rows the caller just recorded already leased to this sender (``Inbox.record``
   does this), sent at once with no further store round trip;
2. the background loop: due rows claimed from the outbox (retries whose time came, rows another
   replica leased and never settled), woken early by ``kick()`` and by retries this sender planned;
3. ``sweep()`` at start-up: whatever is due when the process starts, and whatever a process of this
   host that died still holds a lease on (``bot.delivery.owners``), so a restart after ``kill -9``
   delivers at once rather than when the leases run out.

A delivery is marked delivered right after its transport returns, so a duplicate needs the process
to die between the two. Retries follow the ``RetryPolicy`` and end at the delivery's deadline; a
permanent failure ends them at once and is logged once, with its reason and never the payload.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import random
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.delivery.errors import PermanentDelivery, RetryableDelivery
from bot.delivery.jobs import Job, JobState, Refused, Retry
from bot.delivery.owners import dead_local_owners, new_owner
from bot.delivery.policy import RetryPolicy
from bot.delivery.transport import Transports
from bot.errors import StoreUnavailable
from bot.stopping import stop
from bot.store import Delivery, NewDelivery
from bot.store.calls import StoreCalls

__all__ = ["Sender"]

log = logging.getLogger("herbot.delivery")

DEFAULT_LEASE = timedelta(seconds=30)
DEFAULT_POLL = timedelta(seconds=1)
DEFAULT_SEND_TIMEOUT_S = 10.0
DEFAULT_BATCH = 50
DEFAULT_MAX_IN_FLIGHT = 64
SHUTDOWN_GRACE_S = 5.0
RefusalListener = Callable[[str, str, Mapping[str, Any], str], Awaitable[None]]
"""Told of a delivery a platform refused for good: its surface, kind, target and the short reason."""

_REASON = re.compile(r"[^A-Za-z0-9_.:-]+")


class Sender:
    """Delivers outbox rows through the transports registered for their (surface, kind)."""

    def __init__(
        self,
        calls: StoreCalls | None,
        transports: Transports | None = None,
        *,
        policy: RetryPolicy | None = None,
        owner: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
        poll: timedelta = DEFAULT_POLL,
        send_timeout: float = DEFAULT_SEND_TIMEOUT_S,
        batch: int = DEFAULT_BATCH,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        if lease.total_seconds() <= send_timeout:
            raise ValueError("the lease must outlast a send, or another replica takes deliveries still in flight")
        if poll <= timedelta(0) or batch < 1 or max_in_flight < 1:
            raise ValueError("poll must be positive, batch and max_in_flight at least 1")
        self.transports = transports or Transports()
        self.owner = owner or new_owner()
        self.lease = lease
        self._calls = calls
        self._policy = policy or RetryPolicy()
        self._poll = poll.total_seconds()
        self._send_timeout = send_timeout
        self._batch = batch
        self._max_in_flight = max_in_flight
        self._clock = clock
        self._random = random_fraction
        self._tasks: set[asyncio.Task[None]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        self._unmarked: set[int] = set()  # delivered, but the store could not be told yet
        self._wake_times: list[datetime] = []
        self._wakeup: asyncio.Event | None = None
        self._loop_task: asyncio.Task[None] | None = None
        self._refusal_listeners: list[RefusalListener] = []

    # Life cycle

    async def start(self) -> None:
        """Sweep what is due now (left by a process that died), then keep delivering in the background."""
        self._wakeup = asyncio.Event()
        if self._calls is None:
            return
        swept = await self.sweep()
        log.info("delivery sender state=on owner=%s swept=%d", self.owner, swept)
        self._loop_task = asyncio.create_task(self._run(), name="herbot-delivery-sender")
        self._loop_task.add_done_callback(_log_stopped)

    async def close(self) -> None:
        """Stop the loop and retry timers; give sends in flight a short grace, then cancel them (leases expire)."""
        if self._loop_task is not None:
            await stop(self._loop_task)
        for timer in self._timers:
            timer.cancel()
        if self._tasks:
            _, pending = await asyncio.wait(set(self._tasks), timeout=SHUTDOWN_GRACE_S)
            await asyncio.gather(*(stop(task) for task in pending))
        log.info("delivery sender state=off unsettled=%d", len(self._unmarked))

    async def idle(self) -> None:
        """Wait until no send is in flight (retries planned for later may remain)."""
        while self._tasks:
            await asyncio.gather(*set(self._tasks), return_exceptions=True)

    # Ways in

    def on_refused(self, listener: RefusalListener) -> None:
        """Call ``listener(surface, kind, target, reason)`` whenever a platform refuses a delivery for good."""
        self._refusal_listeners.append(listener)

    def kick(self) -> None:
        """Look for due deliveries now rather than at the next poll."""
        if self._wakeup is not None:
            self._wakeup.set()

    def deliver(self, rows: Sequence[Delivery]) -> None:
        """Send outbox rows leased to this sender (``record_and_claim(owner=sender.owner, lease=sender.lease)``)."""
        for row in rows:
            self._start(Job.of_row(row))

    def deliver_in_memory(self, deliveries: Sequence[NewDelivery]) -> list[Job]:
        """Send deliveries the store could not record, retrying in memory; the jobs let a late record take over."""
        jobs = [Job.in_memory(delivery) for delivery in deliveries]
        for job in jobs:
            self._start(job)
        return jobs

    def adopt(self, jobs: Sequence[Job], rows: Sequence[Delivery]) -> None:
        """The store recorded ``jobs`` after all (a call that outlived its timeout): settle the rows by the jobs."""
        for job, row in zip(jobs, rows, strict=True):
            job.stored = row
            if job.state is JobState.WAITING:
                self._cancel_timer(job)
                self._start(job)
            elif job.state is JobState.DONE:
                self._spawn(self._settle_done(job, row))
            # SENDING: the send's outcome is settled in the store when it returns.

    def abandon(self, jobs: Sequence[Job]) -> None:
        """Another process recorded the same request after all: stop retrying ``jobs``."""
        for job in jobs:
            job.abandoned = True
            if job.state is JobState.WAITING:
                self._cancel_timer(job)
                job.state = JobState.DONE

    async def sweep(self) -> int:
        """Claim and start every delivery due now, and those leased by dead processes of this host; return how many."""
        take_over = await self._dead_owners()
        started = 0
        while True:
            rows = await self._claim(self._batch, take_over)
            self.deliver(rows)
            started += len(rows)
            if len(rows) < self._batch:
                return started

    # The loop

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            await self._mark_unmarked()
            room = self._max_in_flight - len(self._tasks)
            rows = await self._claim(min(room, self._batch)) if room > 0 else []
            self.deliver(rows)
            if rows and len(rows) == self._batch:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), self._seconds_to_next_wake())

    async def _claim(self, limit: int, take_over: set[str] | None = None) -> list[Delivery]:
        if self._calls is None:
            return []
        store = self._calls.store
        try:
            return await self._calls.run(
                store.claim_deliveries, self.owner, self.lease, limit, take_over=take_over or ()
            )
        except StoreUnavailable:
            return []

    async def _dead_owners(self) -> set[str]:
        if self._calls is None:
            return set()
        try:
            owners = await self._calls.run(self._calls.store.lease_owners)
        except StoreUnavailable:
            return set()
        return dead_local_owners(owners, me=self.owner)

    def _seconds_to_next_wake(self) -> float:
        now = self._clock()
        while self._wake_times and self._wake_times[0] <= now:
            heapq.heappop(self._wake_times)
        if not self._wake_times:
            return self._poll
        return min(self._poll, (self._wake_times[0] - now).total_seconds())

    # One attempt

    def _start(self, job: Job) -> None:
        job.timer = None
        self._spawn(self._attempt(job))

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _attempt(self, job: Job) -> None:
        job.state = JobState.SENDING
        outcome = await self._send(job)
        if job.abandoned:
            job.state = JobState.DONE
        elif outcome is None:
            job.state = JobState.DONE
            if job.stored is not None:
                await self._mark_delivered(job.stored.id)
        elif isinstance(outcome, Retry):
            await self._plan_retry(job, outcome.retry_after)
        elif isinstance(outcome, Refused):
            await self._fail(job, outcome.reason, refused=True)
        else:
            await self._fail(job, outcome)

    async def _send(self, job: Job) -> Retry | Refused | str | None:
        """``None`` if delivered, ``Retry`` to try again, ``Refused`` by the platform, or why it never will be."""
        if self._clock() >= job.not_after:
            return "deadline_passed"
        transport = self.transports.find(job.surface, job.kind)
        if transport is None:
            return "no_transport"
        try:
            await asyncio.wait_for(transport.send(job.target, job.payload), self._send_timeout)
        except RetryableDelivery as error:
            return Retry(error.retry_after)
        except PermanentDelivery as error:
            return Refused(_printable_reason(error.reason))
        except TimeoutError:
            return Retry(None)
        except Exception as error:  # a transport's bug: say so, and retry it like a transient failure
            log.error("delivery send raised surface=%s kind=%s error=%s", job.surface, job.kind, type(error).__name__)
            return Retry(None)
        return None

    async def _plan_retry(self, job: Job, retry_after: float | None) -> None:
        attempts = job.attempts + 1
        now = self._clock()
        at = self._policy.next_attempt(
            attempts=attempts, now=now, not_after=job.not_after, retry_after=retry_after, random=self._random()
        )
        if at is None:
            await self._fail(job, "retries_exhausted" if attempts >= self._policy.max_attempts else "deadline_passed")
            return
        job.attempts = attempts
        job.state = JobState.WAITING
        if job.stored is not None:
            try:
                if await self._store_call("reschedule", job.stored.id, self.owner, at, attempts):
                    self._wake_at(at)
                job.state = JobState.DONE  # the outbox row carries on, from the loop
                return
            except StoreUnavailable:
                pass  # keep it here; its lease still keeps other replicas off it for a while
        self._retry_in_memory(job, at - now)

    def _retry_in_memory(self, job: Job, delay: timedelta) -> None:
        loop = asyncio.get_running_loop()
        timer = loop.call_later(max(delay.total_seconds(), 0.0), self._start_timed, job)
        job.timer = timer
        self._timers.add(timer)

    def _start_timed(self, job: Job) -> None:
        if job.timer is not None:
            self._timers.discard(job.timer)
        if not job.abandoned:
            self._start(job)

    def _cancel_timer(self, job: Job) -> None:
        if job.timer is not None:
            job.timer.cancel()
            self._timers.discard(job.timer)
            job.timer = None

    async def _fail(self, job: Job, reason: str, *, refused: bool = False) -> None:
        job.state, job.failure = JobState.DONE, reason
        log.warning(
            "delivery failed surface=%s kind=%s reason=%s attempts=%d stored=%s",
            job.surface,
            job.kind,
            reason,
            job.attempts + 1,
            job.stored is not None,
        )
        # Listeners first: a process that dies before marking leaves the delivery to be refused and heard again
        # (listeners act once: turning a schedule off twice changes nothing), never marked and unheard.
        for listener in self._refusal_listeners if refused else ():
            try:
                await listener(job.surface, job.kind, job.target, reason)
            except Exception as error:  # a listener's failure must not stop the sender
                log.error("delivery refusal listener failed error=%s", type(error).__name__)
        if job.stored is not None:
            with contextlib.suppress(StoreUnavailable):  # its lease expires; whoever takes it fails it again
                await self._store_call("mark_failed", job.stored.id, self.owner, reason)

    async def _settle_done(self, job: Job, row: Delivery) -> None:
        if job.failure is None:
            await self._mark_delivered(row.id)
        else:
            with contextlib.suppress(StoreUnavailable):
                await self._store_call("mark_failed", row.id, self.owner, job.failure)

    async def _mark_delivered(self, delivery_id: int) -> None:
        try:
            await self._store_call("mark_delivered", delivery_id)
        except StoreUnavailable:
            self._unmarked.add(delivery_id)  # the loop tries again before its lease runs out

    async def _mark_unmarked(self) -> None:
        for delivery_id in list(self._unmarked):
            try:
                await self._store_call("mark_delivered", delivery_id)
            except StoreUnavailable:
                return
            self._unmarked.discard(delivery_id)

    async def _store_call(self, method: str, *args: Any) -> Any:
        assert self._calls is not None
        return await self._calls.run(getattr(self._calls.store, method), *args)

    def _wake_at(self, at: datetime) -> None:
        heapq.heappush(self._wake_times, at)
        self.kick()


def _printable_reason(reason: str) -> str:
    """A transport's reason as a short token, so it can neither carry text nor forge a log line."""
    return _REASON.sub("_", str(reason))[:64] or "unknown"


def _log_stopped(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("delivery sender stopped error=%s", type(task.exception()).__name__)
