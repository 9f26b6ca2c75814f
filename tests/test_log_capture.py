"""No log line holds a request's text or identifiers, on any path, at DEBUG for every logger.

The server runs with ``herbot serve``'s logging (``configure_logging`` and the access logger) writing to a
buffer; a fake patient's name, record number and date of birth, Slack ids and a line-forging newline go
through every refused and every answered path, and then each line is read back as one JSON object.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from fakes.slack_api import BOT_TOKEN, FakeSlackApi
from leaks import found
from slack_herbot import FORM, JSON, Herbot
from slack_requests import SIGNING_SECRET, action_body, command_body, direct_message, event_body, mention

from bot.logs import ACCESS_LOGGER, PathOnlyAccessLogger
from bot.server import create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store

PATIENT = "Quintavius Okonkwo-Barrie"
MRN = "MRN 00417-2291"
BIRTH = "DOB 14/03/1961"
FORGED = '\n{"time": "-", "level": "critical", "logger": "herbot.forged", "event": "forged"}\n'
TEXT = f"IHC 2+ ratio 2.3 for {PATIENT}, {MRN}, {BIRTH}, tumour board Thursday{FORGED}"
TEAM, CHANNEL, USER = "TCLINIC5", "CWARD9", "UPATIENT7"
SECRETS = ("Quintavius", "Okonkwo", "00417-2291", "1961", "tumour board", TEAM, CHANNEL, USER)


@pytest.fixture
async def logged_herbot(
    json_log: io.StringIO,
    slack_api: FakeSlackApi,
    store: Store,
    make_services: Callable[[Store], Services],
    sqlite_url: str,
) -> AsyncIterator[Herbot]:
    """The real server as ``herbot serve`` runs it, every logger (Bolt's, made with the app, too) at DEBUG."""
    settings = Settings(
        database_url=sqlite_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
    )
    app = create_server(settings, make_services(store))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server(access_log_class=PathOnlyAccessLogger, access_log=logging.getLogger(ACCESS_LOGGER))
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.setLevel(logging.DEBUG)
    async with ClientSession() as http:
        yield Herbot(server, http)
    await server.close()


async def post(herbot: Herbot, body: bytes, headers: dict[str, str]) -> int:
    async with herbot.http.post(herbot.events_url, data=body, headers=headers) as response:
        return response.status


def signed_bytes(body: bytes, content_type: str, *, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    """Headers for raw ``body`` signed as Slack signs, ``age`` seconds ago."""
    timestamp = str(int(time.time()) - age)
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}", "Content-Type": content_type}


def event(text: str, *, event_id: str, im: bool = False) -> str:
    if im:
        inner = direct_message(text, ts="901.1", channel=CHANNEL) | {"user": USER}
    else:
        inner = mention(text, ts="900.1", channel=CHANNEL) | {"user": USER}
    return event_body(inner, event_id=event_id, team=TEAM)


async def test_no_identifier_or_message_text_reaches_any_log_line(
    logged_herbot: Herbot, slack_api: FakeSlackApi, json_log: io.StringIO
) -> None:
    herbot = logged_herbot
    command = command_body(TEXT, slack_api.response_url("cmd"), team=TEAM, channel=CHANNEL, user=USER).encode()
    mention_event = event(TEXT, event_id="EvLogMention").encode()
    refused = {
        "unsigned": (command, {"Content-Type": FORM}),
        "bad-signature": (command, signed_bytes(command, FORM, secret="not-the-secret")),
        "stale-timestamp": (command, signed_bytes(command, FORM, age=10 * 60)),
        "bad-timestamp": (command, signed_bytes(command, FORM) | {"X-Slack-Request-Timestamp": PATIENT}),
        "bad-json": (mention_event[:-2], signed_bytes(mention_event[:-2], JSON)),
        "not-utf8": (mention_event + b"\xff", signed_bytes(mention_event + b"\xff", JSON)),
        "unknown-charset": (mention_event, signed_bytes(mention_event, JSON + f"; charset={PATIENT}")),
        "event-not-object": (
            json.dumps({"type": "event_callback", "event": TEXT}).encode(),
            signed_bytes(json.dumps({"type": "event_callback", "event": TEXT}).encode(), JSON),
        ),
        "long-event-id": (
            event(TEXT, event_id=PATIENT * 20).encode(),
            signed_bytes(event(TEXT, event_id=PATIENT * 20).encode(), JSON),
        ),
        "payload-not-json": (b"payload=" + TEXT.encode(), signed_bytes(b"payload=" + TEXT.encode(), FORM)),
    }
    for name, (body, headers) in refused.items():
        assert 400 <= await post(herbot, body, headers) < 500, name
    async with herbot.http.get(f"http://127.0.0.1:{herbot.server.port}/slack/{PATIENT}/{MRN}") as response:
        assert response.status == 404

    assert await post(herbot, command, signed_bytes(command, FORM)) == 200
    assert await post(herbot, mention_event, signed_bytes(mention_event, JSON)) == 200
    direct = event(TEXT, event_id="EvLogDirect", im=True).encode()
    assert await post(herbot, direct, signed_bytes(direct, JSON)) == 200
    click = action_body(
        "herbot_follow_up_0",
        TEXT,
        slack_api.response_url("btn"),
        channel=CHANNEL,
        message_ts="900.2",
        thread_ts="900.1",
    ).encode()
    assert await post(herbot, click, signed_bytes(click, FORM)) == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:cmd"))
    await slack_api.wait_for(lambda: len(slack_api.answered("chat.postMessage")) >= 3)

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert all(isinstance(line, dict) and {"time", "level", "logger"} <= line.keys() for line in lines)
    assert found(SECRETS, json_log.getvalue()) == []
    assert [line for line in lines if line["logger"] == "herbot.forged"] == []
    loggers = {line["logger"] for line in lines}
    assert ACCESS_LOGGER in loggers and any(name.startswith("slack_bolt") for name in loggers), loggers
    statuses = [line["status"] for line in lines if line["logger"] == ACCESS_LOGGER]
    assert sorted(statuses) == sorted([401, 401, 401, 401, 400, 400, 415, 400, 400, 400, 404, 200, 200, 200, 200])
