"""Two ``herbot serve`` processes on one PostgreSQL schema post each scheduled lesson once, through a SIGKILL.

Both processes run their scheduler every 0.2 s against the fake Slack Web API. The test seeds channels with
schedules due now through the store, as the ``schedule`` command leaves them, and counts the scheduled posts
(``chat.postMessage`` to the channel, outside any thread) at the fake once the database is quiet: every
schedule moved on, no claim held, nothing left in the outbox to send.

1. A batch due at once: each channel gets exactly one post.
2. A second batch, with Slack slow: once every slot of it is written to the outbox, the process holding the
   most of its deliveries is killed with SIGKILL. The survivor takes them over when their leases end and
   posts every remaining one. A post may arrive twice only when its first delivery arrived before the kill
   and the second after it (the process died between delivering and marking it delivered); never three times.
3. A slot the dead process had claimed (as it would have just before dying) is taken over by the survivor
   when the claim's lease ends, and posted once.
4. A quiz answer is given, every process stops, one restarts: the schedules are all there and the answer
   given before the restart is still the first one.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from databases import POSTGRES_URL, postgres_schema_url
from fakes.slack_api import BOT_TOKEN, Call, FakeSlackApi
from herbot_process import HerbotProcess, serve_environment
from slack_herbot import FORM, all_text
from slack_requests import SIGNING_SECRET, command_body, quiz_click, signed
from sqlalchemy import select

from bot.store import Store, create_store
from bot.store.schema import education_schedules, outbox

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="HERBOT_TEST_POSTGRES_URL is not set"),
]

POST = "chat.postMessage"
CHANNELS = [f"C{n:02d}" for n in range(40)]
LATE = "C99"
TEAM, SET_BY = "slack:T1", "slack:T1:U5"
# Slack answers the second batch slowly, so that when a process dies some of its posts are delivered and marked,
# some delivered and not yet marked, and some not yet sent.
SLOW_SLACK_S = (0.3, 0.6, 1.0, 2.0, 3.0, 4.0)
DELIVERED_AT_KILL = 3
DELIVERY_LEASE_S = 11  # the shortest herbot allows: a send may take 10 s
DEAD_CLAIM_LEASE = timedelta(seconds=3)
DEADLINE_S = 45.0


@pytest.fixture
def schema_url() -> Iterator[str]:
    assert POSTGRES_URL is not None
    yield from postgres_schema_url(POSTGRES_URL)


@pytest.fixture
async def processes(tmp_path: Path, schema_url: str, slack_api: FakeSlackApi) -> AsyncIterator[list[HerbotProcess]]:
    """Two ``herbot serve`` processes (not started) on one schema, Slack's Web API at the fake."""
    env = serve_environment(
        HERBOT_DATABASE_URL=schema_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        HERBOT_SLACK_API_URL=slack_api.api_url,
        HERBOT_SCHEDULE_POLL_SECONDS="0.2",
        HERBOT_DELIVERY_LEASE_SECONDS=str(DELIVERY_LEASE_S),
    )
    async with ClientSession() as http:
        started = []
        for name in ("a", "b"):
            workdir = tmp_path / name
            workdir.mkdir()
            started.append(HerbotProcess(workdir, env, http))
        try:
            yield started
        finally:
            for process in started:
                await process.stop()


@pytest.fixture
def store(schema_url: str) -> Iterator[Store]:
    """The test's own view of the shared database."""
    opened = create_store(schema_url)
    yield opened
    opened.close()


def schedule_channels(store: Store, channels: list[str], *, due: datetime) -> None:
    """Set each channel's daily schedule, its next post at ``due`` and the one after half a day later."""
    at_time = (due + timedelta(hours=12)).strftime("%H:%M")
    for channel in channels:
        key = f"{TEAM}:{channel}"
        address = {"channel": channel, "team_id": "T1", "enterprise_id": None, "is_enterprise_install": False}
        store.education.save_channel(key, surface="slack", team=TEAM, address=address)
        store.education.set_schedule(
            key,
            surface="slack",
            team=TEAM,
            cadence="daily",
            weekday=None,
            at_time=at_time,
            zone="UTC",
            set_by=SET_BY,
            next_due_at=due,
        )


def posts(slack_api: FakeSlackApi) -> dict[str, list[int]]:
    """Per channel, the arrival numbers of its scheduled posts people saw."""
    found: dict[str, list[int]] = defaultdict(list)
    for call in slack_api.delivered(POST):
        if "thread_ts" not in call.args:
            found[call.args["channel"]].append(call.arrival)
    return found


def quiet(store: Store, channels: list[str], posts_made: int) -> bool:
    """Every channel's schedule posted ``posts_made`` times and unclaimed, and nothing left to send."""
    table = education_schedules
    keys = [f"{TEAM}:{channel}" for channel in channels]
    statement = select(table.c.posts_made, table.c.claimed_by).where(table.c.channel_key.in_(keys))
    with store.engine.connect() as connection:
        schedules = connection.execute(statement).all()
    return len(schedules) == len(keys) and all(row.posts_made == posts_made and not row.claimed_by for row in schedules)


def sending(store: Store) -> Counter[str]:
    """Deliveries not yet settled, by the owner of their lease."""
    statement = select(outbox.c.lease_owner).where(outbox.c.delivered_at.is_(None), outbox.c.failed_at.is_(None))
    with store.engine.connect() as connection:
        return Counter(row.lease_owner or "" for row in connection.execute(statement))


async def until(predicate: Callable[[], Any], what: str, processes: list[HerbotProcess]) -> None:
    """Poll ``predicate`` until it holds; fail after ``DEADLINE_S`` with the processes' logs."""
    deadline = time.monotonic() + DEADLINE_S
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting until {what}:\n" + "\n".join(p.log() for p in processes)
        await asyncio.sleep(0.02)


def queued(process: HerbotProcess) -> int:
    """How many scheduled posts this process wrote to the outbox, by its log."""
    return sum('"scheduled post queued"' in line for line in process.log().splitlines())


def leases_of(process: HerbotProcess, owners: Counter[str]) -> Counter[str]:
    """The leases among ``owners`` that ``process`` holds (an owner is ``host:pid:token``)."""
    assert process.process is not None
    pid = str(process.process.pid)
    return Counter({owner: count for owner, count in owners.items() if owner.split(":")[1:2] == [pid]})


def quiz_buttons(call: Call) -> list[dict[str, Any]]:
    return [
        element
        for block in call.args.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"].startswith("herbot_quiz_")
    ]


async def ask(herbot: HerbotProcess, slack_api: FakeSlackApi, body: str, name: str) -> str:
    """Post a signed form ``body`` to ``herbot``; the text of the answer at response URL ``name``."""
    assert await herbot.post(body, signed(body, FORM)) == 200
    await slack_api.wait_for(lambda: slack_api.answered(f"response_url:{name}"), timeout=DEADLINE_S)
    [answer] = slack_api.answered(f"response_url:{name}")
    return all_text(answer.args.get("blocks", [])) + "\n" + answer.args["text"]


async def test_replicas_post_each_scheduled_slot_once_through_a_sigkill_and_a_restart(
    processes: list[HerbotProcess], store: Store, slack_api: FakeSlackApi
) -> None:
    first, second = processes
    await asyncio.gather(first.start(), second.start())

    # 1. A batch due now.
    schedule_channels(store, CHANNELS, due=datetime.now(UTC) - timedelta(seconds=1))
    await until(lambda: quiet(store, CHANNELS, 1) and not sending(store), "the first batch is posted", processes)
    assert {channel: len(arrivals) for channel, arrivals in posts(slack_api).items()} == dict.fromkeys(CHANNELS, 1)
    split = (queued(first), queued(second))
    assert sum(split) == len(CHANNELS)  # each slot written to the outbox once, by one process or the other

    # 2. A second batch, Slack slow, and the process holding most of its deliveries killed while they are in flight.
    for number in range(len(CHANNELS)):
        slack_api.slow(POST, SLOW_SLACK_S[number % len(SLOW_SLACK_S)])
    schedule_channels(store, CHANNELS, due=datetime.now(UTC) - timedelta(seconds=1))

    def some_posted_some_in_flight() -> bool:
        second_posts = sum(len(arrivals) - 1 for arrivals in posts(slack_api).values())
        leased = [owner for owner in sending(store) if owner]
        return quiet(store, CHANNELS, 2) and second_posts >= DELIVERED_AT_KILL and bool(leased)

    await until(some_posted_some_in_flight, "part of the second batch is posted", processes)
    owners = sending(store)
    victim, survivor = sorted(processes, key=lambda process: len(leases_of(process, owners)), reverse=True)
    in_flight = sum(leases_of(victim, owners).values())
    [dead_owner] = leases_of(victim, owners)
    await victim.kill()
    killed_at = slack_api.arrivals
    posted_at_kill = sum(len(arrivals) - 1 for arrivals in posts(slack_api).values())
    await until(
        lambda: (
            quiet(store, CHANNELS, 2) and not sending(store) and all(len(posts(slack_api)[c]) >= 2 for c in CHANNELS)
        ),
        "the survivor posts the rest",
        processes,
    )
    duplicated = 0
    for channel, arrivals in posts(slack_api).items():
        assert len(arrivals) in (2, 3), f"{channel}: {arrivals}"
        if len(arrivals) == 3:
            _, once, twice = sorted(arrivals)
            assert once <= killed_at < twice, f"{channel} was posted twice outside the kill's window: {arrivals}"
            duplicated += 1

    # 3. A slot claimed in the dead process's name, as if it had died right after claiming: the survivor takes it
    # over when the claim's lease ends.
    due = datetime.now(UTC) + timedelta(seconds=5)
    schedule_channels(store, [LATE], due=due)
    claimed = store.education.claim_due_schedules(owner=dead_owner, now=due, lease=DEAD_CLAIM_LEASE)
    assert [schedule.channel_key for schedule in claimed] == [f"{TEAM}:{LATE}"]
    await until(lambda: quiet(store, [LATE], 1) and not sending(store), "the dead claim is taken over", processes)
    assert len(posts(slack_api)[LATE]) == 1

    # 4. A quiz answer, every process stopped, one restarted: schedules and first answers are still there.
    lesson = next(call for call in slack_api.delivered(POST) if call.args["channel"] == CHANNELS[0])
    buttons = quiz_buttons(lesson)
    body = quiz_click(buttons[0], slack_api.response_url("before"), channel=CHANNELS[0], user="U1", message_ts="500.1")
    await ask(survivor, slack_api, body, "before")
    post_id, first_choice = json.loads(buttons[0]["value"])["post"], json.loads(buttons[0]["value"])["option"]
    answered = store.education.answer(post_id, "slack:T1:U1")
    assert answered is not None and answered[0] == first_choice
    await survivor.stop()
    await victim.start()

    shown = await ask(
        victim, slack_api, command_body("schedule", slack_api.response_url("show"), channel=CHANNELS[0]), "show"
    )
    assert "This channel's schedule: the next lesson or quiz every day at" in shown
    body = quiz_click(buttons[1], slack_api.response_url("after"), channel=CHANNELS[0], user="U1", message_ts="500.1")
    assert "You already answered this one" in await ask(victim, slack_api, body, "after")
    assert store.education.answer(post_id, "slack:T1:U1") == answered
    schedules = [store.education.schedule(f"{TEAM}:{channel}") for channel in CHANNELS]
    assert [(s.active, s.posts_made) if s else None for s in schedules] == [(True, 2)] * len(CHANNELS)
    assert sum(len(arrivals) for arrivals in posts(slack_api).values()) == 2 * len(CHANNELS) + duplicated + 1

    assert sum(map(queued, processes)) == 2 * len(CHANNELS) + 1
    print(
        f"first batch queued by the two processes: {split}; second batch: {posted_at_kill} posted when the "
        f"process holding {in_flight} deliveries was killed; duplicates inside the kill's window: {duplicated}; "
        "dead claim taken over: 1 post"
    )
