"""Teams answers delivered once through the Bot Connector's faults: the fake Connector fails on demand.

Each answer is counted where Teams would show it: accepted calls at the fake. Retries follow the delivery
policy (back-off with jitter, Retry-After honoured); a refusal that will never succeed (the bot was removed
from the conversation, the conversation is gone) stops at once and is logged once, with the Connector's
error code and nothing of the message.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from fakes.bot_connector import BOT_NOT_IN_ROSTER, CONVERSATION_NOT_FOUND, FakeBotConnector, Fault
from teams_activities import (
    BOB,
    bot_id,
    channel,
    channel_mention,
    conversation_update,
    group_chat_message,
    new_activity_id,
    personal_message,
)
from teams_herbot import TeamsHerbot, accepted

ASKED = "IHC 2+ ratio 2.3 copies 4.1"
# Stored retry times may lose a little precision; a retry is never earlier than Retry-After by more than this.
CLOCK_SLACK_S = 0.01

Build = Callable[[str], dict[str, Any]]


def personal(url: str) -> dict[str, Any]:
    return personal_message(ASKED, service_url=url)


def welcome(url: str) -> dict[str, Any]:
    return conversation_update(service_url=url, conversation=channel(), members_added=[{"id": bot_id()}])


def failures_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("delivery failed")]


@pytest.mark.parametrize("build", [pytest.param(personal, id="reply"), pytest.param(welcome, id="post")])
@pytest.mark.parametrize(
    ("fault", "times", "attempts"),
    [
        pytest.param(Fault(status=429, retry_after=1), 1, [429, 200], id="429-retry-after"),
        pytest.param(Fault(status=500), 3, [500, 500, 500, 200], id="500-three-times"),
        pytest.param(Fault(status=502), 1, [502, 200], id="502"),
        pytest.param(Fault(status=503), 1, [503, 200], id="503"),
        pytest.param(Fault(delay=0.5), 1, [200], id="slow"),
        pytest.param(Fault(delay=0.3, drop=True), 1, [0, 200], id="slow-then-dropped"),
    ],
)
async def test_an_answer_the_connector_fails_to_take_is_retried_and_delivered_once(
    teams_herbot: TeamsHerbot,
    bot_connector: FakeBotConnector,
    build: Build,
    fault: Fault,
    times: int,
    attempts: list[int],
) -> None:
    bot_connector.inject(fault, times=times)
    activity = build(bot_connector.service_url)
    assert accepted(await teams_herbot.send(activity))

    await bot_connector.wait_for(1, timeout=30)
    await teams_herbot.settle()
    conversation = activity["conversation"]["id"]
    assert [call.status for call in bot_connector.received() if call.conversation_id == conversation] == attempts
    assert len(bot_connector.in_conversation(conversation)) == 1


async def test_a_429_is_retried_no_sooner_than_its_retry_after(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    bot_connector.rate_limit(retry_after=2)
    assert accepted(await teams_herbot.send(personal(bot_connector.service_url)))

    await bot_connector.wait_for(1, timeout=30)
    limited, delivered = bot_connector.received()
    assert (limited.status, delivered.status) == (429, 200)
    assert delivered.at - limited.at >= 2 - CLOCK_SLACK_S


async def test_a_burst_of_answers_through_500s_and_429s_is_delivered_once_each(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    bot_connector.server_error(times=8)
    bot_connector.rate_limit(times=8, retry_after=1)
    url = bot_connector.service_url
    builds: list[Build] = [
        personal,
        lambda u: channel_mention(ASKED, service_url=u, activity_id=new_activity_id()),
        lambda u: group_chat_message(ASKED, service_url=u, sender=BOB),
    ]
    activities = [builds[n % 3](url) for n in range(16)]
    for activity in activities:
        assert accepted(await teams_herbot.send(activity))

    await bot_connector.wait_until(lambda: len(bot_connector.replies()) >= len(activities), timeout=60)
    await teams_herbot.settle()
    answered = Counter(call.reply_to_id for call in bot_connector.replies())
    assert [answered[activity["id"]] for activity in activities] == [1] * len(activities)
    assert len([call for call in bot_connector.received() if call.status != 200]) == 16  # every fault was met


@pytest.mark.parametrize("build", [pytest.param(personal, id="reply"), pytest.param(welcome, id="post")])
@pytest.mark.parametrize(
    ("code", "status"),
    [pytest.param(BOT_NOT_IN_ROSTER, 403, id="bot-removed"), pytest.param(CONVERSATION_NOT_FOUND, 404, id="gone")],
)
async def test_a_refusal_stops_the_retries_and_is_logged_once_without_text(
    teams_herbot: TeamsHerbot,
    bot_connector: FakeBotConnector,
    caplog: pytest.LogCaptureFixture,
    build: Build,
    code: str,
    status: int,
) -> None:
    caplog.set_level(logging.INFO)
    bot_connector.refuse(code)
    refused = build(bot_connector.service_url)
    assert accepted(await teams_herbot.send(refused))
    await bot_connector.wait_until(lambda: failures_logged(caplog))

    # A later answer goes out, and the refused one was never tried again.
    await teams_herbot.settle()
    conversation = refused["conversation"]["id"]
    assert [call.status for call in bot_connector.received() if call.conversation_id == conversation] == [status]
    [logged] = failures_logged(caplog)
    assert "surface=teams" in logged and f"reason={code}" in logged and "attempts=1" in logged
    assert all(ASKED not in record.getMessage() and "2.3" not in record.getMessage() for record in caplog.records)


async def test_the_request_is_acknowledged_before_the_connector_answers(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    bot_connector.hold()
    activity = personal(bot_connector.service_url)
    assert accepted(await teams_herbot.send(activity))
    # The Connector has not answered anything yet: the acknowledgement did not wait for the reply.
    assert bot_connector.delivered() == []

    await bot_connector.wait_until(lambda: bot_connector.arrivals >= 1)
    bot_connector.release()
    await teams_herbot.settle()
    [reply] = bot_connector.in_conversation(activity["conversation"]["id"])
    assert (reply.reply_to_id, [call.status for call in bot_connector.received()].count(200)) == (activity["id"], 2)


async def test_a_reply_carries_no_token_without_credentials(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    assert accepted(await teams_herbot.send(personal(bot_connector.service_url)))
    [reply] = await bot_connector.wait_for(1)
    assert reply.authorization is None
