"""``herbot serve`` with Teams on, killed with SIGKILL while answers are in flight, restarted, and sent the Bot
Connector's redeliveries.

Teams' side is played as the Bot Connector plays it: personal-chat messages from several people, each with its
own activity id, posted to ``/api/messages``; an activity counts as acked once it got its 201. After the kill, the
Connector redelivers under the same activity id every activity that was not acked, and here a few that were too.
The answers go to a fake Bot Connector (the activities' ``serviceUrl``) that takes its time, so that at the kill
some answers are delivered and marked, some delivered and not yet marked, and some not yet sent.

Counted at the fake, by the order calls arrived in: every acked activity (before or after the restart) is
answered; an answer delivered twice is possible only when the first delivery arrived before the kill (the process
died between delivering and marking it delivered) and the second after the restart; nothing is delivered three
times.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientConnectionError, ClientSession
from databases import POSTGRES_URL, postgres_schema_url
from fakes.bot_connector import FakeBotConnector
from herbot_process import HerbotProcess, serve_environment
from teams_activities import ALICE, BOB, TeamsUser, personal_message
from teams_herbot import accepted

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="HERBOT_TEST_POSTGRES_URL is not set"),
]

PEOPLE = (
    ALICE,
    BOB,
    TeamsUser("29:1CaRoL4mQ8rT_wX2zY6bN0pV3sK7dF1gH5jL9cEa", "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f", "Carol Evans"),
    TeamsUser("29:1DaVe9nB3vC_xZ7lK1jH5gF2dS8aQ4wE6rT0yUb", "7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a", "Dave Fischer"),
)
BEFORE, DURING = 30, 16
# The Connector takes its time with answers, from 0.05 s to 0.65 s, so that when the process dies some answers are
# delivered and marked, some delivered and not yet marked, and some not yet sent.
SLOW_CONNECTOR_S = (0.05, 0.2, 0.35, 0.5, 0.65)
DELIVERED_AT_KILL = 10
# Of the activities acked before the kill, every this-many-th is redelivered all the same.
REDELIVER_ACKED_EVERY = 8
ANSWERED_DEADLINE_S = 60.0


class Sent:
    """One activity as the Bot Connector sends it, and what came of its first delivery."""

    def __init__(self, activity: dict[str, Any]) -> None:
        self.activity = activity
        self.id: str = activity["id"]
        self.acked = False

    async def send(self, herbot: HerbotProcess) -> None:
        """The Connector's first delivery: acked if it got its 201."""
        status = await post_activity(herbot, self.activity)
        self.acked = status is not None and accepted(status)

    async def redeliver(self, herbot: HerbotProcess) -> int | None:
        """The Connector's redelivery: the same activity, under the same id."""
        return await post_activity(herbot, self.activity)


async def post_activity(herbot: HerbotProcess, activity: dict[str, Any]) -> int | None:
    """Post ``activity`` to ``/api/messages``; the status, or ``None`` if the connection broke (the process died)."""
    url = f"http://127.0.0.1:{herbot.port}/api/messages"
    headers = {"Content-Type": "application/json"}
    try:
        async with herbot.http.post(url, data=json.dumps(activity), headers=headers) as response:
            return response.status
    except ClientConnectionError:
        return None


async def send_in_turn(herbot: HerbotProcess, messages: list[Sent]) -> None:
    """Send ``messages`` one after the other, each once the one before it was answered (or failed)."""
    for sent in messages:
        await sent.send(herbot)


def a_message(number: int, connector: FakeBotConnector) -> Sent:
    text = f"IHC {number % 4}+ ER {number % 100}%"
    return Sent(personal_message(text, service_url=connector.service_url, sender=PEOPLE[number % len(PEOPLE)]))


def deliveries(connector: FakeBotConnector) -> dict[str, list[int]]:
    """Per activity id, the arrival numbers of the accepted replies to it."""
    found: dict[str, list[int]] = defaultdict(list)
    for call in connector.replies():
        assert call.reply_to_id is not None
        found[call.reply_to_id].append(call.arrival)
    return found


def counts(acked_before_kill: int, sent: int, answered: dict[str, list[int]], killed_at: int) -> str:
    """What the run saw: acks before the kill, duplicates, and where each answer stood at the kill (delivered once
    before it: marked; before it and again after: delivered and not marked; only after it: not yet sent)."""
    before_kill = [arrivals for arrivals in answered.values() if min(arrivals) <= killed_at]
    not_marked = sum(len(arrivals) > 1 for arrivals in before_kill)
    return (
        f"acked before kill {acked_before_kill} of {sent}, answered {len(answered)}, "
        f"duplicates {sum(len(arrivals) > 1 for arrivals in answered.values())}; at the kill: "
        f"{len(before_kill) - not_marked} delivered and marked, {not_marked} delivered and not marked, "
        f"{len(answered) - len(before_kill)} not yet sent"
    )


@pytest.fixture
def schema_url() -> Iterator[str]:
    assert POSTGRES_URL is not None
    yield from postgres_schema_url(POSTGRES_URL)


@pytest.fixture
async def herbot(tmp_path: Path, schema_url: str) -> AsyncIterator[HerbotProcess]:
    # No Bot Framework credentials: Teams is served on a loopback address only.
    env = serve_environment(HERBOT_DATABASE_URL=schema_url, HERBOT_HOST="127.0.0.1")
    async with ClientSession() as http:
        process = HerbotProcess(tmp_path, env, http)
        try:
            yield process
        finally:
            await process.stop()


async def test_every_acked_activity_is_answered_through_a_sigkill_and_duplicates_stay_in_the_window(
    herbot: HerbotProcess, bot_connector: FakeBotConnector
) -> None:
    before = [a_message(n, bot_connector) for n in range(BEFORE)]
    during = [a_message(n, bot_connector) for n in range(100, 100 + DURING)]
    everything = before + during
    for number in range(len(everything)):
        bot_connector.slow(SLOW_CONNECTOR_S[number % len(SLOW_CONNECTOR_S)])
    await herbot.start()

    await asyncio.gather(*(sent.send(herbot) for sent in before))
    assert all(sent.acked for sent in before), herbot.log()
    await bot_connector.wait_until(lambda: len(bot_connector.replies()) >= DELIVERED_AT_KILL, ANSWERED_DEADLINE_S)
    # Each person sends their next message once the last one was acked, as a chat does, so at the kill some messages
    # were never sent.
    sending = [asyncio.create_task(send_in_turn(herbot, during[i :: len(PEOPLE)])) for i in range(len(PEOPLE))]
    await bot_connector.wait_until(
        lambda: any(sent.acked for sent in during) or all(task.done() for task in sending), ANSWERED_DEADLINE_S
    )
    await herbot.kill()
    await asyncio.gather(*sending)
    acked_before_kill = sum(sent.acked for sent in everything)
    # Taken before the restart rather than at the kill: whatever the dead process had already written still counts
    # as arriving before the kill, and nothing arrives from the new process until it starts.
    killed_at = bot_connector.arrivals

    await herbot.start()
    redelivered = [sent for sent in everything if not sent.acked] + before[::REDELIVER_ACKED_EVERY]
    for sent in redelivered:
        status = await sent.redeliver(herbot)
        assert status is not None and accepted(status), f"redelivery of {sent.id}: {status}\n{herbot.log()}"
    deadline = time.monotonic() + ANSWERED_DEADLINE_S
    while not all(deliveries(bot_connector).get(sent.id) for sent in everything):
        unanswered = [sent.id for sent in everything if not deliveries(bot_connector).get(sent.id)]
        summary = counts(acked_before_kill, len(everything), deliveries(bot_connector), killed_at)
        assert time.monotonic() < deadline, f"{summary}; unanswered: {unanswered}"
        await asyncio.sleep(0.1)

    answered = deliveries(bot_connector)
    duplicated = {activity_id: arrivals for activity_id, arrivals in answered.items() if len(arrivals) > 1}
    print(f"{counts(acked_before_kill, len(everything), answered, killed_at)}; redelivered {len(redelivered)}")
    assert set(answered) == {sent.id for sent in everything}
    assert all(len(arrivals) <= 2 for arrivals in answered.values()), duplicated
    for activity_id, arrivals in duplicated.items():
        first, second = sorted(arrivals)
        assert first <= killed_at < second, f"{activity_id} was delivered twice outside the kill's window: {arrivals}"
