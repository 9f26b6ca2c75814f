"""The Slack transports against the fake Slack API: what each answer from Slack becomes, one send at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from fakes.slack_api import BOT_TOKEN, RESPONSE_URL, FakeSlackApi, Fault

from bot.delivery import PermanentDelivery, RetryableDelivery
from bot.posting import JsonPoster
from bot.slack.transport import EphemeralTransport, PostMessageTransport, ResponseUrlTransport

POST = "chat.postMessage"
EPHEMERAL = "chat.postEphemeral"
PAYLOAD = {"text": "HER2-low means", "blocks": []}
TIMEOUT_S = 0.3

# (fault, what the send raises: None delivered, a retry_after for RetryableDelivery, a reason for PermanentDelivery)
POST_CASES = [
    pytest.param(None, None, id="accepted"),
    pytest.param(Fault(status=429, retry_after=7), RetryableDelivery(retry_after=7), id="429"),
    pytest.param(Fault(status=500), RetryableDelivery(), id="500"),
    pytest.param(Fault(status=503), RetryableDelivery(), id="503"),
    pytest.param(Fault(delay=TIMEOUT_S * 3), RetryableDelivery(), id="timeout"),
    pytest.param(Fault(error="internal_error"), RetryableDelivery(), id="internal_error"),
    pytest.param(Fault(error="not_in_channel"), PermanentDelivery(reason="not_in_channel"), id="not_in_channel"),
    pytest.param(Fault(error="channel_not_found"), PermanentDelivery(reason="channel_not_found"), id="channel"),
    pytest.param(Fault(error="token_revoked"), PermanentDelivery(reason="token_revoked"), id="token_revoked"),
    pytest.param(Fault(error="account_inactive"), PermanentDelivery(reason="account_inactive"), id="inactive"),
    pytest.param(Fault(error="msg_too_long"), PermanentDelivery(reason="msg_too_long"), id="msg_too_long"),
]
EPHEMERAL_CASES = [
    *POST_CASES,
    pytest.param(Fault(error="user_not_in_channel"), PermanentDelivery(reason="user_not_in_channel"), id="not-member"),
]
RESPOND_CASES = [
    pytest.param(None, None, id="accepted"),
    pytest.param(Fault(status=429, retry_after=3), RetryableDelivery(retry_after=3), id="429"),
    pytest.param(Fault(status=502), RetryableDelivery(), id="502"),
    pytest.param(Fault(delay=TIMEOUT_S * 3), RetryableDelivery(), id="timeout"),
    pytest.param(Fault(error="expired_url"), PermanentDelivery(reason="expired_url"), id="expired_url"),
    pytest.param(Fault(error="used_url"), PermanentDelivery(reason="used_url"), id="used_url"),
]


@pytest.fixture
async def http() -> AsyncIterator[JsonPoster]:
    session = JsonPoster(timeout_s=TIMEOUT_S)
    yield session
    await session.close()


async def outcome(send: Any) -> Exception | None:
    try:
        await send
    except (RetryableDelivery, PermanentDelivery) as error:
        return error
    return None


def same(error: Exception | None, expected: Exception | None) -> bool:
    if error is None or expected is None:
        return error is expected
    return type(error) is type(expected) and vars(error) == vars(expected)


async def bot_token(_: Mapping[str, Any]) -> str | None:
    return BOT_TOKEN


@pytest.mark.parametrize(("fault", "expected"), POST_CASES)
async def test_chat_post_message(
    http: JsonPoster, slack_api: FakeSlackApi, fault: Fault | None, expected: Exception | None
) -> None:
    if fault is not None:
        slack_api.inject(POST, fault)
    transport = PostMessageTransport(http, api_url=slack_api.api_url, token_for=bot_token)
    assert same(await outcome(transport.send({"channel": "C1", "thread_ts": "1.1"}, PAYLOAD)), expected)


async def test_chat_post_message_goes_to_the_target_with_the_workspace_token(
    http: JsonPoster, slack_api: FakeSlackApi
) -> None:
    transport = PostMessageTransport(http, api_url=slack_api.api_url, token_for=bot_token)
    await transport.send({"channel": "C1", "thread_ts": "1.1", "team_id": "T1"}, PAYLOAD)
    [call] = slack_api.delivered(POST)
    assert (call.token, call.args["channel"], call.args["thread_ts"], call.args["text"]) == (
        BOT_TOKEN,
        "C1",
        "1.1",
        PAYLOAD["text"],
    )


@pytest.mark.parametrize(("fault", "expected"), EPHEMERAL_CASES)
async def test_chat_post_ephemeral(
    http: JsonPoster, slack_api: FakeSlackApi, fault: Fault | None, expected: Exception | None
) -> None:
    if fault is not None:
        slack_api.inject(EPHEMERAL, fault)
    transport = EphemeralTransport(http, api_url=slack_api.api_url, token_for=bot_token)
    assert same(await outcome(transport.send({"channel": "C1", "thread_ts": "1.1", "user": "U1"}, PAYLOAD)), expected)


async def test_chat_post_ephemeral_goes_to_the_user_alone_in_the_target_thread(
    http: JsonPoster, slack_api: FakeSlackApi
) -> None:
    transport = EphemeralTransport(http, api_url=slack_api.api_url, token_for=bot_token)
    await transport.send({"channel": "C1", "thread_ts": "1.1", "user": "U1", "team_id": "T1"}, PAYLOAD)
    [call] = slack_api.delivered(EPHEMERAL)
    assert (call.token, call.args["channel"], call.args["thread_ts"], call.args["user"], call.args["text"]) == (
        BOT_TOKEN,
        "C1",
        "1.1",
        "U1",
        PAYLOAD["text"],
    )
    assert "team_id" not in call.args and slack_api.received(POST) == []


async def test_an_ephemeral_delivery_without_a_user_is_refused_for_good_and_never_posted(
    http: JsonPoster, slack_api: FakeSlackApi
) -> None:
    transport = EphemeralTransport(http, api_url=slack_api.api_url, token_for=bot_token)
    assert same(await outcome(transport.send({"channel": "C1"}, PAYLOAD)), PermanentDelivery(reason="no_user"))
    assert slack_api.calls == []


@pytest.mark.parametrize(("fault", "expected"), RESPOND_CASES)
async def test_response_url(
    http: JsonPoster, slack_api: FakeSlackApi, fault: Fault | None, expected: Exception | None
) -> None:
    if fault is not None:
        slack_api.inject(RESPONSE_URL, fault)
    transport = ResponseUrlTransport(http)
    assert same(await outcome(transport.send({"response_url": slack_api.response_url("r")}, PAYLOAD)), expected)


async def test_a_workspace_without_an_installation_is_refused_for_good(
    http: JsonPoster, slack_api: FakeSlackApi
) -> None:
    async def not_installed(_: Mapping[str, Any]) -> str | None:
        return None

    transport = PostMessageTransport(http, api_url=slack_api.api_url, token_for=not_installed)
    assert same(await outcome(transport.send({"channel": "C1"}, PAYLOAD)), PermanentDelivery(reason="not_installed"))
    assert slack_api.received(POST) == []
