"""``herbot serve`` killed with SIGKILL while answers are in flight, restarted, and sent Slack's redeliveries.

Slack's side is played as Slack plays it: signed events and commands to ``/slack/events``; a request
counts as acked once it got its 200. After the kill, Slack redelivers events under their event ids;
commands are never redelivered, so what was recorded for them must be delivered by the restarted process
(its start-up sweep takes over what the dead process on this host still held).

Counted at the fake Slack API, by the order calls arrived in: every acked request is answered; an answer
delivered twice is possible only when the first delivery arrived before the kill (the process died between
delivering and marking it delivered) and the second after the restart; nothing is delivered three times.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from aiohttp import ClientSession
from databases import POSTGRES_URL, postgres_schema_url
from fakes.slack_api import BOT_TOKEN, RESPONSE_URL, FakeSlackApi
from herbot_process import HerbotProcess, serve_environment
from slack_herbot import FORM, JSON
from slack_requests import SIGNING_SECRET, command_body, event_body, mention, signed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="HERBOT_TEST_POSTGRES_URL is not set"),
]

POST = "chat.postMessage"
EVENTS_BEFORE, COMMANDS_BEFORE, EVENTS_DURING = 24, 12, 12
# Slack takes its time with answers, from 0.05 s to 0.65 s, so that when the process dies some answers are
# delivered and marked, some delivered and not yet marked, and some not yet sent.
SLOW_SLACK_S = (0.05, 0.2, 0.35, 0.5, 0.65)
DELIVERED_AT_KILL = 10
ANSWERED_DEADLINE_S = 60.0


class Request:
    """One request as Slack sends it, and what came of it."""

    def __init__(self, name: str, body: str, content_type: str, *, event: bool) -> None:
        self.name, self.body, self.content_type, self.event = name, body, content_type, event
        self.acked = False

    async def send(self, herbot: HerbotProcess) -> None:
        """Slack's first delivery: acked if it got its 200."""
        self.acked = await herbot.post(self.body, signed(self.body, self.content_type)) == 200

    async def redeliver(self, herbot: HerbotProcess) -> int | None:
        headers = signed(self.body, self.content_type) | {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}
        return await herbot.post(self.body, headers)


def an_event(number: int) -> Request:
    body = event_body(mention(f"IHC {number % 4}+ ER {number % 100}%", ts=f"{number}.5"), event_id=f"EvKill{number}")
    return Request(f"{number}.5", body, JSON, event=True)


def a_command(number: int, slack_api: FakeSlackApi) -> Request:
    name = f"c{number}"
    return Request(name, command_body(f"IHC 2+ ratio {number % 3}.1", slack_api.response_url(name)), FORM, event=False)


def deliveries(slack_api: FakeSlackApi) -> dict[str, list[int]]:
    """Per request (its thread or response URL name), the arrival numbers of its accepted deliveries."""
    found: dict[str, list[int]] = defaultdict(list)
    for call in slack_api.delivered(POST):
        found[call.args["thread_ts"]].append(call.arrival)
    for call in slack_api.delivered(RESPONSE_URL):
        found[call.method.partition(":")[2]].append(call.arrival)
    return found


@pytest.fixture
def schema_url() -> Iterator[str]:
    assert POSTGRES_URL is not None
    yield from postgres_schema_url(POSTGRES_URL)


@pytest.fixture
async def herbot(tmp_path: Path, schema_url: str, slack_api: FakeSlackApi) -> AsyncIterator[HerbotProcess]:
    env = serve_environment(
        HERBOT_DATABASE_URL=schema_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        HERBOT_SLACK_API_URL=slack_api.api_url,
    )
    async with ClientSession() as http:
        process = HerbotProcess(tmp_path, env, http)
        try:
            yield process
        finally:
            await process.stop()


async def test_every_acked_request_is_answered_through_a_sigkill_and_duplicates_stay_in_the_window(
    herbot: HerbotProcess, slack_api: FakeSlackApi
) -> None:
    before = [an_event(n) for n in range(EVENTS_BEFORE)] + [a_command(n, slack_api) for n in range(COMMANDS_BEFORE)]
    during = [an_event(n) for n in range(100, 100 + EVENTS_DURING)]
    for number in range(len(before) + len(during)):
        slack_api.slow(POST, SLOW_SLACK_S[number % len(SLOW_SLACK_S)])
        slack_api.slow(RESPONSE_URL, SLOW_SLACK_S[number % len(SLOW_SLACK_S)])
    await herbot.start()

    await asyncio.gather(*(request.send(herbot) for request in before))
    assert all(request.acked for request in before), herbot.log()
    await slack_api.wait_for(lambda: sum(map(len, deliveries(slack_api).values())) >= DELIVERED_AT_KILL)
    sending = [asyncio.create_task(request.send(herbot)) for request in during]
    await slack_api.wait_for(lambda: any(request.acked for request in during) or all(map(asyncio.Task.done, sending)))
    await herbot.kill()
    killed_at = slack_api.arrivals
    await asyncio.gather(*sending)

    await herbot.start()
    for request in before + during:
        if request.event:
            assert await request.redeliver(herbot) == 200
    to_answer = [request for request in before + during if request.acked or request.event]
    deadline = time.monotonic() + ANSWERED_DEADLINE_S
    while not all(deliveries(slack_api).get(request.name) for request in to_answer):
        assert time.monotonic() < deadline, (
            f"unanswered: {[r.name for r in to_answer if not deliveries(slack_api).get(r.name)]}"
        )
        await asyncio.sleep(0.1)

    answered = deliveries(slack_api)
    duplicated = {name: arrivals for name, arrivals in answered.items() if len(arrivals) > 1}
    for name, arrivals in duplicated.items():
        first, second = sorted(arrivals)
        assert first <= killed_at < second, f"{name} was delivered twice outside the kill's window: {arrivals}"
    print(
        f"acked {sum(r.acked for r in before + during)} of {len(before + during)}, "
        f"answered {len(answered)}, duplicates {len(duplicated)}"
    )
    assert all(len(arrivals) <= 2 for arrivals in answered.values())
