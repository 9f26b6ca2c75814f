"""Teams safety end to end: malformed requests are refused (never a 5xx), and what a person typed stays theirs.

A fake patient's name, record number and date of birth, Teams ids and a line-forging newline go through
every refused and answered path of ``/api/messages`` with ``herbot serve``'s logging at DEBUG for every
logger; then the replies (as the fake Bot Connector received them), every log line and the database file are
searched for them. Markdown and mentions a person types never become live in a card.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from fakes.bot_connector import BOT_NOT_IN_ROSTER, FakeBotConnector
from leaks import database_text, found
from teams_activities import (
    ALICE,
    BOB,
    CHANNEL_ID,
    TEAM_ID,
    TENANT_ID,
    bot_id,
    channel,
    channel_mention,
    conversation_update,
    group_chat,
    group_chat_message,
    installation_update,
    message_back,
    personal_chat,
    personal_message,
)
from teams_herbot import SETTLER, TeamsHerbot, accepted, adaptive_card, card_text, headline, serve_teams

from bot.logs import ACCESS_LOGGER, PathOnlyAccessLogger
from bot.services import Services
from bot.settings import Settings
from bot.store import Store

JSON = "application/json"
PATIENT = "Quintavius Okonkwo-Barrie"
MRN = "MRN 00417-2291"
BIRTH = "DOB 14/03/1961"
FORGED = '\n{"time": "-", "level": "critical", "logger": "herbot.forged", "event": "forged"}\n'
TEXT = f"IHC 2+ ratio 2.3 for {PATIENT}, {MRN}, {BIRTH}, tumour board Thursday{FORGED}"
IDENTIFIERS = ("Quintavius", "Okonkwo", "00417-2291", "14/03/1961", "1961", "tumour board")
PEOPLE = (ALICE.name, BOB.name)
TEAMS_IDS = (ALICE.id, ALICE.aad_object_id, BOB.id, TENANT_ID, TEAM_ID, CHANNEL_ID, group_chat().id)


def _activity(url: str, **fields: Any) -> bytes:
    return json.dumps(personal_message(TEXT, service_url=url) | fields).encode()


Malformed = Callable[[str], tuple[bytes, dict[str, str]]]


@pytest.mark.parametrize(
    ("request_body", "status"),
    [
        pytest.param(lambda url: (_activity(url), {}), 415, id="no-content-type"),
        pytest.param(lambda url: (_activity(url), {"Content-Type": "text/plain"}), 415, id="text-plain"),
        pytest.param(
            lambda url: (_activity(url), {"Content-Type": "application/x-www-form-urlencoded"}), 415, id="form"
        ),
        pytest.param(lambda url: (_activity(url)[:-2], {"Content-Type": JSON}), 400, id="invalid-json"),
        pytest.param(lambda url: (b"", {"Content-Type": JSON}), 400, id="empty-body"),
        pytest.param(lambda url: (_activity(url) + b"\xff", {"Content-Type": JSON}), 400, id="not-utf8"),
        pytest.param(lambda url: (b"[" + _activity(url) + b"]", {"Content-Type": JSON}), 400, id="json-array"),
        pytest.param(lambda url: (json.dumps(TEXT).encode(), {"Content-Type": JSON}), 400, id="json-string"),
        pytest.param(lambda url: (_activity(url, type=None), {"Content-Type": JSON}), 400, id="no-type"),
        pytest.param(lambda url: (_activity(url, serviceUrl=None), {"Content-Type": JSON}), 400, id="no-service-url"),
        pytest.param(
            lambda url: (_activity(url, serviceUrl="javascript:alert(1)"), {"Content-Type": JSON}),
            400,
            id="service-url-not-http",
        ),
        pytest.param(
            lambda url: (_activity(url, text=TEXT * 20_000), {"Content-Type": JSON}), 413, id="oversized-body"
        ),
        pytest.param(
            lambda url: (_activity(url, deliveryMode="expectReplies"), {"Content-Type": JSON}),
            400,
            id="replies-expected-in-the-response",
        ),
        pytest.param(
            lambda url: (_activity(url), {"Content-Type": JSON, "X-Forwarded-For": "203.0.113.9"}),
            403,
            id="forwarded-by-a-proxy-without-credentials",
        ),
        pytest.param(
            lambda url: (_activity(url), {"Content-Type": JSON, "Forwarded": "for=203.0.113.9"}),
            403,
            id="forwarded-standard-header-without-credentials",
        ),
    ],
)
async def test_a_malformed_request_is_refused_with_a_4xx_and_never_answered(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector, request_body: Malformed, status: int
) -> None:
    body, headers = request_body(bot_connector.service_url)
    assert await teams_herbot.post_raw(body, headers) == status
    await teams_herbot.settle()
    assert {call.conversation_id for call in bot_connector.received()} == {personal_chat(SETTLER).id}


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"conversation": TEXT}, id="conversation-not-an-object"),
        pytest.param({"from": 5}, id="from-not-an-object"),
        pytest.param({"entities": TEXT}, id="entities-not-a-list"),
        pytest.param({"entities": [{"type": "mention"}]}, id="mention-without-mentioned"),
        pytest.param({"text": 5}, id="text-not-text"),
        pytest.param({"text": None}, id="no-text"),
        pytest.param({"conversation": None}, id="no-conversation"),
        pytest.param({"recipient": None}, id="no-recipient"),
        pytest.param({"id": None}, id="no-id"),
        pytest.param({"channelData": TEXT}, id="channel-data-not-an-object"),
        pytest.param({"type": 5}, id="type-a-number"),
        pytest.param({"type": "messageReaction", "reactionsAdded": [{"type": "like"}]}, id="reaction"),
        pytest.param({"type": TEXT}, id="unknown-type"),
    ],
)
async def test_an_odd_activity_never_gets_a_5xx_and_the_server_answers_on(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector, fields: dict[str, Any]
) -> None:
    status = await teams_herbot.post_raw(_activity(bot_connector.service_url, **fields), {"Content-Type": JSON})
    assert status < 500
    await teams_herbot.settle()


ASKED = "IHC 3+ ER 80%"
BOT_MENTION = {"type": "mention", "mentioned": {"id": bot_id(), "name": "herbot"}}


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"entities": [BOT_MENTION | {"text": ""}]}, id="mention-with-empty-text"),
        pytest.param({"entities": [{"type": "mention", "mentioned": TEXT, "text": "<at>x</at>"}]}, id="mentioned-text"),
        pytest.param({"channelData": {"tenant": {"id": "t" * 300}}}, id="tenant-id-too-long"),
        pytest.param({"conversation": {"id": "a:1", "conversationType": "x" * 40}}, id="unknown-conversation-type"),
    ],
)
async def test_an_activity_with_odd_details_still_gets_its_answer(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector, fields: dict[str, Any]
) -> None:
    activity = personal_message(ASKED, service_url=bot_connector.service_url) | fields
    assert await teams_herbot.send(activity) == 201
    [reply] = await bot_connector.wait_for(1)
    assert headline(adaptive_card(reply)).startswith("HER2-positive")


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            "adaptiveCard/action",
            id="card-action",
        ),
        pytest.param("composeExtension/query", id="search"),
        pytest.param("task/fetch", id="task-module"),
        pytest.param("signin/verifyState", id="sign-in"),
        pytest.param(TEXT, id="unknown"),
    ],
)
async def test_an_invoke_herbot_does_not_implement_is_answered_not_implemented(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector, name: str
) -> None:
    invoke = _activity(bot_connector.service_url, type="invoke", name=name, value={"asked": TEXT})
    assert await teams_herbot.post_raw(invoke, {"Content-Type": JSON}) == 501
    await teams_herbot.settle()
    assert {call.conversation_id for call in bot_connector.received()} == {personal_chat(SETTLER).id}


@pytest.fixture
async def logged_teams(
    json_log: io.StringIO,
    bot_connector: FakeBotConnector,
    store: Store,
    make_services: Callable[[Store], Services],
    sqlite_url: str,
) -> AsyncIterator[TeamsHerbot]:
    """The real server as ``herbot serve`` runs it, with every logger at DEBUG."""
    access = {"access_log_class": PathOnlyAccessLogger, "access_log": logging.getLogger(ACCESS_LOGGER)}
    async with serve_teams(Settings(database_url=sqlite_url), make_services(store), bot_connector, **access) as served:
        for logger in logging.root.manager.loggerDict.values():
            if isinstance(logger, logging.Logger):
                logger.setLevel(logging.DEBUG)
        yield served


async def test_no_identifier_reaches_a_reply_a_log_line_or_the_database(
    logged_teams: TeamsHerbot, bot_connector: FakeBotConnector, json_log: io.StringIO, tmp_path: Path
) -> None:
    herbot, url = logged_teams, bot_connector.service_url
    refused = {
        "no-content-type": (_activity(url), {}),
        "invalid-json": (_activity(url)[:-2], {"Content-Type": JSON}),
        "json-array": (b"[" + _activity(url) + b"]", {"Content-Type": JSON}),
        "no-type": (_activity(url, type=None), {"Content-Type": JSON}),
        "oversized": (_activity(url, text=TEXT * 20_000), {"Content-Type": JSON}),
    }
    for name, (body, headers) in refused.items():
        assert 400 <= await herbot.post_raw(body, headers) < 500, name
    async with herbot.http.get(f"http://127.0.0.1:{herbot.server.port}/api/{PATIENT}/{MRN}") as response:
        assert response.status == 404
    charset = {"Content-Type": f"{JSON}; charset={PATIENT}"}
    assert await herbot.post_raw(_activity(url, id="1700000000077"), charset) < 500

    answered = [
        personal_message(TEXT, service_url=url),
        channel_mention(TEXT, service_url=url),
        group_chat_message(TEXT, service_url=url, sender=BOB),
        message_back(TEXT, {"asked": TEXT}, service_url=url, reply_to_id="1700000000001"),
        personal_message(TEXT * 40, service_url=url, sender=BOB),  # too long to read
        conversation_update(service_url=url, conversation=channel(), members_added=[{"id": bot_id()}]),
        installation_update(service_url=url, conversation=personal_chat()),
    ]
    bot_connector.server_error()
    for activity in answered:
        assert accepted(await herbot.send(activity))
    await bot_connector.wait_for(len(answered) - 1, timeout=30)  # the installation gets no message
    bot_connector.refuse(BOT_NOT_IN_ROSTER)
    assert accepted(await herbot.send(personal_message(TEXT, service_url=url, sender=BOB)))
    await bot_connector.wait_until(lambda: any(call.status == 403 for call in bot_connector.received()))
    await herbot.settle()

    sent = json.dumps([call.activity for call in bot_connector.received()])
    assert found((*IDENTIFIERS, *PEOPLE), sent) == []
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert all(isinstance(line, dict) and {"time", "level", "logger"} <= line.keys() for line in lines)
    assert found((*IDENTIFIERS, *PEOPLE, *TEAMS_IDS), json_log.getvalue()) == []
    assert [line for line in lines if line["logger"] == "herbot.forged"] == []
    assert found((*IDENTIFIERS, *PEOPLE), database_text(tmp_path)) == []
    assert {"herbot.http", "herbot.teams", "herbot.delivery", ACCESS_LOGGER} <= {line["logger"] for line in lines}
    statuses = [line["status"] for line in lines if line["logger"] == "herbot.http"]
    # Refused: the five malformed requests and the unknown path; then ten activities taken (201 from botbuilder).
    assert sorted(statuses) == sorted([415, 400, 400, 400, 413, 404, *[201] * 10]), statuses


@pytest.mark.parametrize(
    ("question", "inert"),
    [
        pytest.param("IHC 2+ **bold** [click](https://evil.example) <at>everyone</at>", "evil.example", id="links"),
        pytest.param("what is _HER2-low_ per **[the trial](https://evil.example)**?", "evil.example", id="emphasis"),
        pytest.param("ask <at>Bob Diaz</at> about IHC 3+", "<at>", id="mention"),
        pytest.param("# IHC 1+\n> quote\n- item", "quote", id="block-markers"),
    ],
)
async def test_what_a_person_typed_never_becomes_live_markdown_or_a_mention(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector, question: str, inert: str
) -> None:
    assert accepted(await teams_herbot.send(channel_mention(question, service_url=bot_connector.service_url)))
    [reply] = await bot_connector.wait_for(1)
    assert inert not in json.dumps(reply.activity)
    assert "<at>" not in json.dumps(reply.activity) and not reply.activity.get("entities")


async def test_a_value_echoed_back_is_escaped_in_the_card_and_plain_in_the_summary(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    assert accepted(await teams_herbot.send(personal_message("ratio ~2.3_x_", service_url=bot_connector.service_url)))
    [reply] = await bot_connector.wait_for(1)
    card = adaptive_card(reply)
    assert "'\\~2.3'" in card_text(card) and "'~2.3'" not in card_text(card)
    assert "'~2.3'" in reply.activity["summary"]
