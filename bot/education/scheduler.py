"""Post each channel's scheduled lessons and quizzes exactly once, whatever the number of ``herbot serve`` processes.

Every ``poll`` the scheduler claims due schedules in the store (PostgreSQL: ``FOR UPDATE SKIP LOCKED``; SQLite:
an atomic conditional update), so two processes never claim one slot. For each claim it builds the post
(the next lesson, or a quiz on the last one), has the channel's surface turn it into outbox deliveries, and
writes them with the next slot in one transaction that holds only while the claim is still its own. The
outbox's sender then delivers them: retried with back-off on 429, 5xx and network failures, never twice. A
process that dies between claim and completion leaves a claim that another takes over once its lease ends.
Posts that fell due while every process was down go out once, or are skipped (and logged) when older than
``max_late``. A platform that refuses a scheduled post for good (the bot removed, a revoked token) turns that
channel's schedule off, and the next time someone in that workspace talks to herbot it says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from bot.delivery import NewDelivery, Sender, StoreCalls
from bot.delivery.owners import dead_local_owners
from bot.education.service import EducationService
from bot.education.times import next_post_at
from bot.errors import StoreUnavailable
from bot.store.education import ScheduleRecord
from intents.education import Cadence, Timing
from intents.education_replies import EducationReply

__all__ = ["DEFAULT_SCHEDULING", "SCHEDULE_CHANNEL", "ScheduledPoster", "Scheduler", "Scheduling"]

log = logging.getLogger("herbot.education")

# Put in every scheduled delivery's target, so a refusal finds the schedule to turn off.
SCHEDULE_CHANNEL = "schedule_channel"
SCHEDULE_TEAM = "schedule_team"


class ScheduledPoster(Protocol):
    """A surface's way to post a scheduled reply in a channel: the deliveries that carry it."""

    def __call__(
        self, reply: EducationReply, schedule: ScheduleRecord, address: Mapping[str, Any]
    ) -> Sequence[NewDelivery]: ...


@dataclass(frozen=True, slots=True)
class Scheduling:
    """How often to look for due posts, how long a claim holds, and how late a post may still go out."""

    poll: timedelta = timedelta(seconds=15)
    lease: timedelta = timedelta(minutes=2)
    max_late: timedelta = timedelta(hours=1)


DEFAULT_SCHEDULING = Scheduling()


class Scheduler:
    """Claims due schedules through ``calls`` and hands their posts to ``sender``'s outbox."""

    def __init__(
        self,
        service: EducationService,
        calls: StoreCalls,
        sender: Sender,
        *,
        scheduling: Scheduling = DEFAULT_SCHEDULING,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._service = service
        self._calls = calls
        self._sender = sender
        self._scheduling = scheduling
        self._clock = clock
        self._posters: dict[str, ScheduledPoster] = {}
        self.owner = sender.owner
        self._first_round = True
        sender.on_refused(self._refused)

    def register(self, surface: str, poster: ScheduledPoster) -> None:
        """Post ``surface``'s scheduled replies with ``poster``."""
        self._posters[surface] = poster

    async def run(self) -> None:
        """Post what is due, every ``poll``, until cancelled."""
        while True:
            try:
                await self.post_due()
            except StoreUnavailable:
                log.warning("scheduler store unavailable")
            except Exception as error:  # a bug in one round must not stop every later post
                log.error("scheduler round failed error=%s", type(error).__name__)
            await asyncio.sleep(self._scheduling.poll.total_seconds())

    async def post_due(self) -> int:
        """Claim what is due now and post it (or skip what is too late); how many posts went to the outbox."""
        store = self._calls.store.education
        now = self._clock()
        take_over: set[str] = set()
        if self._first_round:  # a predecessor on this host that died holding claims: take them now, not at the lease
            take_over = dead_local_owners(await self._calls.run(store.schedule_claimants, now), me=self.owner)
            self._first_round = False
        claimed = await self._calls.run(
            store.claim_due_schedules, owner=self.owner, now=now, lease=self._scheduling.lease, take_over=take_over
        )
        posted = 0
        for schedule in claimed:
            try:
                posted += await self._post(schedule, now)
            except StoreUnavailable:
                raise
            except Exception as error:  # one schedule's failure leaves the others to post; its claim lapses
                log.error("scheduled post failed schedule=%d error=%s", schedule.id, type(error).__name__)
        if posted:
            self._sender.kick()
        return posted

    async def _post(self, schedule: ScheduleRecord, now: datetime) -> int:
        store = self._calls.store.education
        claimed = schedule.next_due_at
        timing = timing_of(schedule)
        slot = latest_slot(timing, claimed, now)  # while every process was down, several may have passed
        following = next_post_at(timing, max(now, slot))
        missed = now - slot > self._scheduling.max_late
        if missed or slot != claimed:
            late_s = (now - claimed).total_seconds()
            log.warning("scheduled post skipped schedule=%d late_s=%.0f", schedule.id, late_s)
        if missed:
            await self._calls.run(
                store.skip_schedule_slot, schedule.id, owner=self.owner, slot=claimed, next_due_at=following
            )
            return 0
        poster = self._posters.get(schedule.surface)
        channel = await self._calls.run(store.channel, schedule.channel_key)
        if poster is None or channel is None:
            log.warning("scheduled post has no surface schedule=%d surface=%s", schedule.id, schedule.surface)
            return 0
        seed = f"{schedule.id}:{slot.isoformat()}"
        scheduled = await self._calls.run(
            self._service.scheduled, schedule.channel_key, posts_made=schedule.posts_made, seed=seed
        )
        # A poster may read the store (Teams looks up the conversation reference): on the store's threads.
        drawn = await self._calls.run(poster, scheduled.reply, schedule, channel.address)
        deliveries = [_marked(d, schedule) for d in drawn]
        done = await self._calls.run(
            store.complete_schedule_post,
            schedule.id,
            owner=self.owner,
            slot=claimed,
            next_due_at=following,
            request_key=f"schedule:{schedule.id}:{slot.isoformat()}",
            deliveries=deliveries,
            post=scheduled.post,
            lesson_count=scheduled.lesson_count,
        )
        if done:
            log.info("scheduled post queued schedule=%d surface=%s", schedule.id, schedule.surface)
        return int(done)

    async def _refused(self, surface: str, kind: str, target: Mapping[str, Any], reason: str) -> None:
        channel = target.get(SCHEDULE_CHANNEL)
        if not isinstance(channel, str):
            return
        store = self._calls.store.education
        if await self._calls.run(store.turn_off_schedule, channel, reason):
            team = str(target.get(SCHEDULE_TEAM) or "")
            notice = (
                "I could not post a scheduled lesson in one of this workspace's channels "
                f"(the platform said: {reason}), so I turned that channel's schedule off. "
                "Set it again there with: schedule weekdays 08:30 Europe/London"
            )
            await self._calls.run(store.add_notice, team, notice)
            log.warning("schedule turned off surface=%s reason=%s", surface, reason)


def latest_slot(timing: Timing, slot: datetime, now: datetime) -> datetime:
    """The last slot at or before ``now``, from ``slot`` on (``slot`` itself if the next one is still to come)."""
    while (following := next_post_at(timing, slot)) <= now:
        slot = following
    return slot


def timing_of(schedule: ScheduleRecord) -> Timing:
    """The stored schedule as the times module reads it."""
    hours, minutes = (int(part) for part in schedule.at_time.split(":"))
    return Timing(Cadence(schedule.cadence), schedule.weekday, time(hours, minutes), schedule.zone)


def _marked(delivery: NewDelivery, schedule: ScheduleRecord) -> NewDelivery:
    target = {**delivery.target, SCHEDULE_CHANNEL: schedule.channel_key, SCHEDULE_TEAM: schedule.team}
    return NewDelivery(delivery.surface, delivery.kind, target, delivery.payload, delivery.not_after)
