"""Scheduled lessons and quizzes go out exactly once: the real server, its Slack surface, the fake Web API.

Each test runs ``create_server`` (one per replica, each on its own ``Store`` of one database, SQLite and
PostgreSQL) with the fake Slack Web API behind its sender. Schedules are set with ``/her2 schedule …`` as
Slack sends it; the education service and the scheduler read a ``FakeClock`` (``DeliveryOptions.clock``), and
the tests call ``scheduler.post_due()`` where the background loop would (its poll is an hour). Posts are
counted at the fake once the outbox has settled (nothing left to send or retry), so "exactly one" means that
nothing more can come. Posts missed while every process was down: the replicas stop, the clock moves on, one
starts again, and its first round (at start-up) catches up.

The store and the sender keep the wall clock: the server gives the sender none of its own, and the outbox
must be timed by one clock for both, so a 429's Retry-After is honoured as it would be in production. The
schedules' time is the scheduler's ``now``, passed to every claim.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from databases import START, FakeClock
from fakes.slack_api import BOT_TOKEN, Call, FakeSlackApi, Fault
from slack_herbot import FORM, JSON, Herbot, all_text
from slack_requests import SIGNING_SECRET, command_body, event_body, mention
from sqlalchemy import func, select

from bot.delivery import NewDelivery
from bot.education.scheduler import Scheduler, Scheduling
from bot.server import DELIVERY, DeliveryOptions, create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store, create_store
from bot.store.schema import outbox

POST = "chat.postMessage"
LEASE = timedelta(minutes=2)
MAX_LATE = timedelta(hours=1)
# The background loop runs once at start-up, then waits an hour of wall time: the tests call post_due.
SCHEDULING = Scheduling(poll=timedelta(hours=1), lease=LEASE, max_late=MAX_LATE)
CHANNEL = "slack:T1:C1"
_NAMES = itertools.count(1)


@dataclass
class Replica:
    """One ``herbot serve`` in this process: its own store of the shared database, its scheduler, its address."""

    herbot: Herbot
    store: Store
    scheduler: Scheduler
    server: TestServer


@dataclass
class Deployment:
    """The replicas of one test, the clock education reads and the fake Slack they post to."""

    slack_api: FakeSlackApi
    clock: FakeClock
    start: Callable[[], Awaitable[Replica]]
    stop: Callable[[Replica], Awaitable[None]]

    async def command(self, replica: Replica, text: str, *, channel: str = "C1", user: str = "U1") -> Call:
        """``/her2 <text>`` from ``user`` in ``channel`` through ``replica``; the answer at its response URL."""
        name = f"answer-{next(_NAMES)}"
        body = command_body(text, self.slack_api.response_url(name), channel=channel, user=user)
        assert await replica.herbot.post(body, FORM) == 200
        await self.slack_api.wait_for(lambda: self.slack_api.answered(f"response_url:{name}"))
        [answer] = self.slack_api.answered(f"response_url:{name}")
        return answer

    async def mention(self, replica: Replica, text: str, *, channel: str) -> Call:
        """``@herbot <text>`` in ``channel``; herbot's answer in the mention's thread."""
        ts = f"{next(_NAMES)}.1"
        body = event_body(mention(text, ts=ts, channel=channel), event_id=f"Ev{ts}")
        assert await replica.herbot.post(body, JSON) == 200
        await self.slack_api.wait_for(lambda: self._in_thread(ts))
        [answer] = self._in_thread(ts)
        return answer

    def scheduled(self, channel: str | None = None) -> list[Call]:
        """The scheduled posts people saw (in the channel itself: a scheduled post starts no thread)."""
        return [
            call
            for call in self.slack_api.delivered(POST)
            if "thread_ts" not in call.args and channel in (None, call.args["channel"])
        ]

    def _in_thread(self, ts: str) -> list[Call]:
        return [call for call in self.slack_api.delivered(POST) if call.args.get("thread_ts") == ts]


@pytest.fixture
async def deployment(
    database_url: str, slack_api: FakeSlackApi, clock: FakeClock, make_services: Callable[[Store], Services]
) -> AsyncIterator[Deployment]:
    """Start replicas of herbot's server on ``database_url``, each with its own ``Store``, all with Slack on."""
    running: list[Replica] = []
    http = ClientSession()
    settings = Settings(
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
    )
    options = DeliveryOptions(store_timeout_s=5.0, poll=timedelta(milliseconds=100), scheduling=SCHEDULING, clock=clock)

    async def start() -> Replica:
        store = create_store(database_url)
        app = create_server(settings, make_services(store), purge=None, delivery_options=options)
        scheduler = app[DELIVERY].scheduler
        assert scheduler is not None
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        replica = Replica(Herbot(server, http), store, scheduler, server)
        running.append(replica)
        return replica

    async def stop(replica: Replica) -> None:
        running.remove(replica)
        await replica.server.close()
        replica.store.close()

    yield Deployment(slack_api, clock, start, stop)
    for replica in list(running):
        await stop(replica)
    await http.close()


def text_of(call: Call) -> str:
    return all_text(call.args.get("blocks", [])) + "\n" + call.args["text"]


def pending(store: Store) -> int:
    """Outbox rows neither delivered nor failed: what a sender may still send."""
    statement = select(func.count()).where(outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None))
    with store.engine.connect() as connection:
        return connection.execute(statement).scalar_one()


def outbox_rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(outbox)).scalar_one()


async def until(predicate: Callable[[], Any], timeout: float = 20.0) -> None:
    """Poll ``predicate`` until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def settled(store: Store) -> None:
    """Wait until every delivery in the outbox was delivered or failed for good."""
    await until(lambda: pending(store) == 0)


def at(text: str) -> datetime:
    """A UTC instant written ``2026-03-29 01:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# --- one schedule through the command path -----------------------------------------------------------------------


async def test_a_schedule_set_by_command_is_posted_once_when_its_slot_passes_then_moves_to_the_next(
    deployment: Deployment,
) -> None:
    herbot = await deployment.start()
    # The clock reads Saturday 1 March 2025, 09:00 UTC (09:00 GMT): the next 08:30 in London is Sunday's.
    confirmed = await deployment.command(herbot, "schedule daily 08:30 Europe/London", user="U5")
    assert "next post Sun 2 Mar 2025 08:30 GMT" in text_of(confirmed)

    deployment.clock.now = at("2025-03-02 08:29")
    assert await herbot.scheduler.post_due() == 0
    deployment.clock.now = at("2025-03-02 08:31")
    assert [await herbot.scheduler.post_due() for _ in range(3)] == [1, 0, 0]
    await settled(herbot.store)

    [post] = deployment.scheduled()
    assert (post.args["channel"], post.token) == ("C1", BOT_TOKEN)
    assert "Lesson 1:" in text_of(post) and "Scheduled by <@U5>" in text_of(post)
    schedule = herbot.store.education.schedule(CHANNEL)
    assert schedule is not None
    assert (schedule.next_due_at, schedule.posts_made) == (at("2025-03-03 08:30"), 1)

    deployment.clock.now = at("2025-03-03 08:30")
    assert await herbot.scheduler.post_due() == 1
    await settled(herbot.store)
    assert len(deployment.scheduled()) == 2  # the day after: a quiz on that lesson
    assert "Quiz on" in text_of(deployment.scheduled()[1])


# --- replicas ------------------------------------------------------------------------------------------------------

DAYS, CHANNELS = 3, 8


async def test_two_replicas_calling_post_due_together_post_each_slot_once(deployment: Deployment) -> None:
    replicas = [await deployment.start(), await deployment.start()]
    assert replicas[0].scheduler.owner != replicas[1].scheduler.owner
    channels = [f"C{n}" for n in range(CHANNELS)]
    for number, channel in enumerate(channels):
        await deployment.command(replicas[number % 2], "schedule daily 10:00", channel=channel)

    for day in range(1, DAYS + 1):
        deployment.clock.now = START + timedelta(days=day - 1, hours=1, minutes=1)  # 10:01 UTC
        # Each replica's store calls run on its own threads, so the claims really race in the database.
        rounds = await asyncio.gather(*(replica.scheduler.post_due() for replica in replicas * 2))
        assert sum(rounds) == CHANNELS, rounds
        await settled(replicas[0].store)
        assert {channel: len(deployment.scheduled(channel)) for channel in channels} == dict.fromkeys(channels, day)

    schedules = [replicas[1].store.education.schedule(f"slack:T1:{channel}") for channel in channels]
    assert {(s.posts_made, s.next_due_at) for s in schedules if s} == {(DAYS, START + timedelta(days=DAYS, hours=1))}


async def test_a_replica_starting_on_the_host_of_a_dead_claimant_takes_its_claim_at_once(
    deployment: Deployment,
) -> None:
    first = await deployment.start()
    await deployment.command(first, "schedule daily 10:00")
    await deployment.command(first, "schedule daily 10:00", channel="C2")
    deployment.clock.now = at("2025-03-01 10:00")
    exited = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    dead = f"{socket.gethostname()}:{int(exited.stdout)}:crashed"
    elsewhere = "another-host:1:alive"
    education = first.store.education
    for owner in (dead, elsewhere):
        assert len(education.claim_due_schedules(owner=owner, now=deployment.clock(), lease=LEASE, limit=1)) == 1
    assert education.schedule_claimants(deployment.clock()) == {dead, elsewhere}

    await deployment.start()  # its scheduler's first round, at start-up, well inside the dead claim's lease
    await until(lambda: len(deployment.scheduled()) == 1)
    [taken] = [s for s in (education.schedule(CHANNEL), education.schedule("slack:T1:C2")) if s and s.posts_made]
    assert (taken.posts_made, taken.next_due_at) == (1, at("2025-03-02 10:00"))
    assert education.schedule_claimants(deployment.clock()) == {elsewhere}  # another host's claim waits its lease


@pytest.mark.parametrize("late_write", ["same-request", "own-request"])
async def test_a_claim_never_completed_is_taken_over_after_its_lease_and_the_late_holder_writes_nothing(
    deployment: Deployment, late_write: str
) -> None:
    herbot = await deployment.start()
    await deployment.command(herbot, "schedule daily 10:00")
    education = herbot.store.education
    deployment.clock.now = at("2025-03-01 10:00")
    # Replica "A" claims the slot and dies before posting it.
    [claimed] = education.claim_due_schedules(owner="A", now=deployment.clock(), lease=LEASE)

    deployment.clock.advance(LEASE - timedelta(seconds=1))
    assert await herbot.scheduler.post_due() == 0
    deployment.clock.advance(timedelta(seconds=1))
    assert await herbot.scheduler.post_due() == 1
    await settled(herbot.store)

    written = outbox_rows(herbot.store)
    slot = claimed.next_due_at
    key = f"schedule:{claimed.id}:{slot.isoformat()}" if late_write == "same-request" else "schedule:A:late"
    late = NewDelivery("slack", "post", {"channel": "C1", "team_id": "T1"}, {"text": "late"}, datetime.now(UTC))
    following = slot + timedelta(days=1)
    assert not education.complete_schedule_post(
        claimed.id, owner="A", slot=slot, next_due_at=following, request_key=key, deliveries=[late], post=None
    )
    assert not education.skip_schedule_slot(claimed.id, owner="A", slot=slot, next_due_at=following)
    schedule = education.schedule(CHANNEL)
    assert schedule is not None
    assert (outbox_rows(herbot.store), schedule.posts_made, schedule.next_due_at) == (
        written,
        1,
        at("2025-03-02 10:00"),
    )
    assert [call.args["text"] != "late" for call in deployment.scheduled()] == [True]


# --- what the platform says ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "statuses"),
    [
        pytest.param([Fault(status=429, retry_after=1)], [429, 200], id="rate-limited"),
        pytest.param([Fault(status=429, retry_after=1)] * 2, [429, 429, 200], id="rate-limited-twice"),
        pytest.param([Fault(status=500)], [500, 200], id="server-error"),
        pytest.param([Fault(status=503), Fault(status=429, retry_after=1)], [503, 429, 200], id="both"),
    ],
)
async def test_a_scheduled_post_the_platform_turns_away_for_now_is_retried_and_posted_once(
    deployment: Deployment, faults: list[Fault], statuses: list[int]
) -> None:
    herbot = await deployment.start()
    await deployment.command(herbot, "schedule daily 10:00")
    for fault in faults:
        deployment.slack_api.inject(POST, fault)
    deployment.clock.now = at("2025-03-01 10:00")
    assert await herbot.scheduler.post_due() == 1
    await settled(herbot.store)
    assert [call.status for call in deployment.slack_api.received(POST)] == statuses
    assert len(deployment.scheduled("C1")) == 1


@pytest.mark.parametrize("error", ["not_in_channel", "channel_not_found", "token_revoked"])
async def test_a_channel_refusing_its_scheduled_post_loses_its_schedule_and_the_workspace_is_told_once(
    deployment: Deployment, error: str
) -> None:
    herbot = await deployment.start()
    await deployment.command(herbot, "schedule daily 10:00")
    deployment.slack_api.fail(POST, error)
    deployment.clock.now = at("2025-03-01 10:00")
    assert await herbot.scheduler.post_due() == 1
    await settled(herbot.store)
    # The sender tells the scheduler, which turns the schedule off, then marks the delivery failed.
    await until(lambda: not herbot.store.education.schedule(CHANNEL).active)  # type: ignore[union-attr]
    schedule = herbot.store.education.schedule(CHANNEL)
    assert schedule is not None and (schedule.active, schedule.off_reason) == (False, error)
    assert deployment.scheduled() == []

    deployment.clock.advance(timedelta(days=1))
    assert await herbot.scheduler.post_due() == 0
    told = await deployment.mention(herbot, "what does HER2-low mean", channel="C2")
    assert f"the platform said: {error}" in text_of(told)
    again = await deployment.mention(herbot, "what does HER2-low mean", channel="C3")
    assert "the platform said" not in text_of(again)
    assert f"It was turned off because {error}." in text_of(await deployment.command(herbot, "schedule"))
    assert deployment.scheduled() == []


# --- posts that fell due while every process was down ---------------------------------------------------------------

SLOT = at("2025-03-01 10:00")


@pytest.mark.parametrize(
    ("back_at", "posted", "skipped", "next_due"),
    [
        pytest.param(SLOT + timedelta(minutes=30), 1, False, SLOT + timedelta(days=1), id="late-within-the-limit"),
        pytest.param(SLOT + MAX_LATE, 1, False, SLOT + timedelta(days=1), id="late-by-the-limit"),
        pytest.param(SLOT + timedelta(hours=3), 0, True, SLOT + timedelta(days=1), id="late-past-the-limit"),
        pytest.param(SLOT + timedelta(days=2, hours=3), 0, True, SLOT + timedelta(days=3), id="days-past-the-limit"),
        pytest.param(
            SLOT + timedelta(days=2, minutes=10),
            1,
            True,
            SLOT + timedelta(days=3),
            id="days-down-the-last-slot-within-the-limit",
        ),
    ],
)
async def test_a_post_missed_while_every_process_was_down_is_sent_once_or_skipped_and_logged(
    deployment: Deployment,
    caplog: pytest.LogCaptureFixture,
    back_at: datetime,
    posted: int,
    skipped: bool,
    next_due: datetime,
) -> None:
    before = await deployment.start()
    await deployment.command(before, "schedule daily 10:00")
    await deployment.stop(before)
    deployment.clock.now = back_at
    caplog.set_level(logging.INFO, logger="herbot.education")

    # The restarted process's first round (at start-up) catches up: it moves the schedule on, then logs.
    after = await deployment.start()

    def skips() -> int:
        return sum(record.getMessage().startswith("scheduled post skipped") for record in caplog.records)

    await until(lambda: after.store.education.schedule(CHANNEL).next_due_at == next_due)  # type: ignore[union-attr]
    await until(lambda: skips() or not skipped)
    await settled(after.store)
    assert (len(deployment.scheduled()), skips() > 0) == (posted, skipped)

    deployment.clock.now = next_due
    assert await after.scheduler.post_due() == 1
    await settled(after.store)
    assert len(deployment.scheduled()) == posted + 1


# --- daylight saving -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "set_at", "walk", "confirmed", "posts", "next_due"),
    [
        pytest.param(
            "schedule daily 01:30 Europe/London",
            "2026-03-28 12:00",
            ("2026-03-29 00:00", "2026-03-29 03:00"),
            "next post Sun 29 Mar 2026 02:00 BST",  # 01:30 never happens: the first minute after it
            ["2026-03-29 01:00"],
            "2026-03-30 00:30",
            id="london-01:30-skipped",
        ),
        pytest.param(
            "schedule daily 01:30 Europe/London",
            "2026-10-24 12:00",
            ("2026-10-25 00:00", "2026-10-25 03:00"),
            "next post Sun 25 Oct 2026 01:30 BST",  # 01:30 happens twice: the first time only
            ["2026-10-25 00:30"],
            "2026-10-26 01:30",
            id="london-01:30-repeated",
        ),
        pytest.param(
            "schedule daily 02:30 America/New_York",
            "2026-03-07 12:00",
            ("2026-03-08 06:00", "2026-03-08 09:00"),
            "next post Sun 8 Mar 2026 03:00 EDT",
            ["2026-03-08 07:00"],
            "2026-03-09 06:30",
            id="new-york-02:30-skipped",
        ),
        pytest.param(
            "schedule daily 01:30 America/New_York",
            "2026-10-31 12:00",
            ("2026-11-01 04:00", "2026-11-01 08:00"),
            "next post Sun 1 Nov 2026 01:30 EDT",
            ["2026-11-01 05:30"],
            "2026-11-02 06:30",
            id="new-york-01:30-repeated",
        ),
    ],
)
async def test_a_local_time_daylight_saving_skips_or_repeats_is_posted_once(
    deployment: Deployment,
    command: str,
    set_at: str,
    walk: tuple[str, str],
    confirmed: str,
    posts: list[str],
    next_due: str,
) -> None:
    herbot = await deployment.start()
    deployment.clock.now = at(set_at)
    assert confirmed in text_of(await deployment.command(herbot, command))

    posted_at: list[datetime] = []
    deployment.clock.now, end = at(walk[0]), at(walk[1])
    while deployment.clock.now <= end:
        posted_at += [deployment.clock.now] * await herbot.scheduler.post_due()
        deployment.clock.advance(timedelta(minutes=5))
    await settled(herbot.store)
    schedule = herbot.store.education.schedule(CHANNEL)
    assert schedule is not None
    assert (posted_at, schedule.next_due_at) == ([at(p) for p in posts], at(next_due))
    assert len(deployment.scheduled()) == len(posts)
