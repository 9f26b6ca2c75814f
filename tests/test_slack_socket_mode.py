"""Slack over Socket Mode: the real server connects to the fake's WebSocket and answers envelopes.

The protocol is slack_sdk's (``slack_sdk/socket_mode``): ``apps.connections.open`` with the app-level
token returns a ``wss`` URL; Slack says ``hello``, then sends envelopes ``{"envelope_id", "type",
"payload", "accepts_response_payload", ...}``; the client acks each with ``{"envelope_id"}``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlackApi
from slack_requests import command_body, event_body, mention

from bot.server import create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store


@pytest.fixture
async def herbot(
    slack_api: FakeSlackApi, store: Store, make_services: Callable[[Store], Services], sqlite_url: str
) -> AsyncIterator[TestServer]:
    settings = Settings(
        database_url=sqlite_url,
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=slack_api.api_url,
    )
    server = TestServer(create_server(settings, make_services(store), socket_mode=True), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


def events_api(event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    """The ``event_callback`` body Slack wraps in an ``events_api`` envelope."""
    return json.loads(event_body(event, event_id=event_id))


def slash_command(text: str, response_url: str) -> dict[str, Any]:
    """A slash command's fields, which Socket Mode carries as a JSON object instead of a form."""
    return {**dict(parse_qsl(command_body(text, response_url))), "is_enterprise_install": "false"}


def acks(slack_api: FakeSlackApi) -> list[dict[str, Any]]:
    return [message for message in slack_api.socket_messages if "envelope_id" in message]


async def test_connects_with_the_app_token_and_answers_a_mention_and_a_command(
    herbot: TestServer, slack_api: FakeSlackApi
) -> None:
    mention_id = await slack_api.send_envelope(
        "events_api", events_api(mention("IHC 2+", ts="100.1"), event_id="EvSock1"), accepts_response_payload=False
    )
    command_id = await slack_api.send_envelope(
        "slash_commands", slash_command("help", slack_api.response_url("s1")), accepts_response_payload=True
    )
    await slack_api.wait_for(lambda: slack_api.acked(mention_id) and slack_api.acked(command_id))
    assert sorted(acks(slack_api), key=lambda ack: ack["envelope_id"]) == [
        {"envelope_id": mention_id},
        {"envelope_id": command_id},
    ]
    assert [call.token for call in slack_api.answered("apps.connections.open")] == [APP_TOKEN]

    await slack_api.wait_for(
        lambda: bool(slack_api.answered("chat.postMessage") and slack_api.answered("response_url:s1"))
    )
    [post] = slack_api.answered("chat.postMessage")
    assert (post.token, post.args["channel"], post.args["thread_ts"]) == (BOT_TOKEN, "C1", "100.1")
    assert post.args["text"].startswith("HER2 equivocal: ISH needed")
    [reply] = slack_api.answered("response_url:s1")
    assert reply.args["response_type"] == "ephemeral"
    assert reply.args["text"].startswith("herbot: HER2 / HER2-negative breast cancer")


async def test_a_redelivered_envelope_is_acked_but_answered_once(herbot: TestServer, slack_api: FakeSlackApi) -> None:
    body = events_api(mention("what is TNBC?", ts="300.1"), event_id="EvSockRetry")
    ids = [await slack_api.send_envelope("events_api", body, accepts_response_payload=False) for _ in range(2)]
    # The duplicate check runs before the ack, so once both are acked the second can no longer post.
    await slack_api.wait_for(lambda: all(slack_api.acked(envelope_id) for envelope_id in ids))
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    assert len(slack_api.answered("chat.postMessage")) == 1


async def test_no_http_events_route_in_socket_mode(herbot: TestServer, slack_api: FakeSlackApi) -> None:
    await slack_api.wait_for(lambda: bool(slack_api.sockets))
    async with ClientSession() as http, http.post(f"http://127.0.0.1:{herbot.port}/slack/events", data=b"{}") as r:
        assert r.status == 404


async def test_shutting_down_closes_the_socket(herbot: TestServer, slack_api: FakeSlackApi) -> None:
    await slack_api.wait_for(lambda: bool(slack_api.sockets))
    await herbot.close()
    await slack_api.wait_for(lambda: all(socket.closed for socket in slack_api.sockets))
