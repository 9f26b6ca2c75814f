"""What reaches ``POST /slack/events`` before Bolt does: every malformed request, signed or not, is refused with
a 4xx and a short plain reason, and no input gets a 500.

The requests are raw bytes signed here with HMAC-SHA256 as Slack signs them (not with herbot's own signer),
sent to the real server over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from fakes.slack_api import CLIENT_ID, CLIENT_SECRET, FakeSlackApi
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_herbot import FORM, JSON, Herbot
from slack_requests import SIGNING_SECRET, action_body, command_body, event_body, mention

from bot.server import create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store

MAX_REASON_LENGTH = 40


def signature_headers(body: bytes, *, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    timestamp = str(int(time.time()) - age)
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


async def send(http: ClientSession, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    """POST exactly ``body`` with exactly ``headers``; the status and the body of the answer."""
    async with http.post(url, data=body, headers=headers, skip_auto_headers=["Content-Type"]) as response:
        return response.status, await response.text(errors="replace")


async def send_signed(herbot: Herbot, body: bytes, content_type: str | None) -> tuple[int, str]:
    headers = signature_headers(body) | ({"Content-Type": content_type} if content_type else {})
    return await send(herbot.http, herbot.events_url, body, headers)


GOOD_EVENT = event_body(mention("what is TNBC?", ts="100.1"), event_id="EvGood").encode()


def event_with(**fields: Any) -> bytes:
    return json.dumps({**json.loads(GOOD_EVENT), **fields}).encode()


# (body, content type, status and reason when signed); unsigned, each is a 401.
MALFORMED = [
    pytest.param(b'{"type": "event_callback",', JSON, 400, "body is not JSON", id="bad-json"),
    pytest.param(b'{"type": "event_callback", "x": "\xff"}', JSON, 400, "body is not UTF-8", id="non-utf8-byte"),
    pytest.param(b"\xef\xbb\xbf{}", JSON, 400, "body is not JSON", id="utf8-bom"),
    pytest.param(GOOD_EVENT, JSON + "; charset=klingon", 415, "unsupported charset", id="unknown-charset"),
    pytest.param(GOOD_EVENT, JSON + "; charset=latin-1", 415, "unsupported charset", id="latin-1-charset"),
    pytest.param(b"payload=%7B", FORM, 400, "body is not JSON", id="payload-open-brace"),
    pytest.param(b"payload=%FF", FORM, 400, "body is not a form", id="payload-non-utf8-escape"),
    pytest.param(b"payload=%5B%5D", FORM, 400, "body is not a JSON object", id="payload-array"),
    pytest.param(b"no-equals-sign", FORM, 400, "body is not a form", id="form-without-fields"),
    pytest.param(b"", JSON, 400, "body is not JSON", id="empty-json"),
    pytest.param(b"", FORM, 400, "missing type", id="empty-form"),
    pytest.param(GOOD_EVENT, "text/plain", 415, "unsupported content type", id="text-plain"),
    pytest.param(GOOD_EVENT, None, 415, "unsupported content type", id="no-content-type"),
    pytest.param(b"[1, 2]", JSON, 400, "body is not a JSON object", id="json-array"),
    pytest.param(b"[" * 100_000, JSON, 400, "body is not JSON", id="deeply-nested"),
    pytest.param(b"{}", JSON, 400, "missing type", id="no-type"),
    pytest.param(event_with(type=7), JSON, 400, "missing type", id="type-not-text"),
    pytest.param(event_with(event="hello"), JSON, 400, "event is not an object", id="event-not-object"),
    pytest.param(event_with(event=["a"]), JSON, 400, "event is not an object", id="event-a-list"),
    pytest.param(event_with(event={"text": "x"}), JSON, 400, "event has no type", id="event-without-type"),
    pytest.param(event_with(event_id="E" * 256), JSON, 400, "invalid event_id", id="event-id-256-chars"),
    pytest.param(event_with(event_id={"id": 1}), JSON, 400, "invalid event_id", id="event-id-object"),
    pytest.param(event_with(team=5), JSON, 400, "invalid team", id="team-a-number"),
    pytest.param(event_with(authorizations="T1"), JSON, 400, "invalid authorizations", id="authorizations-text"),
    pytest.param(b"command=%2Fher2&text=x&user_id=5&team_id=&channel_id=[]", FORM, 200, "", id="odd-command-fields"),
]


@pytest.mark.parametrize(("body", "content_type", "status", "reason"), MALFORMED)
async def test_a_malformed_signed_request_gets_its_4xx_and_a_short_reason(
    herbot: Herbot, body: bytes, content_type: str | None, status: int, reason: str
) -> None:
    assert await send_signed(herbot, body, content_type) == (status, reason)


@pytest.mark.parametrize(("body", "content_type", "status", "reason"), MALFORMED)
async def test_a_malformed_unsigned_request_gets_401_before_its_body_is_read(
    herbot: Herbot, body: bytes, content_type: str | None, status: int, reason: str
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    assert await send(herbot.http, herbot.events_url, body, headers) == (401, "missing signature")


def replacing(**replaced: str) -> Callable[[], dict[str, str]]:
    return lambda: signature_headers(GOOD_EVENT) | {"Content-Type": JSON} | replaced


def signed_with(**options: Any) -> Callable[[], dict[str, str]]:
    return lambda: signature_headers(GOOD_EVENT, **options) | {"Content-Type": JSON}


TIMESTAMP, SIGNATURE = "X-Slack-Request-Timestamp", "X-Slack-Signature"


# Headers are made when the test runs: a timestamp made at collection would be stale minutes later.
@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        pytest.param(lambda: {"Content-Type": JSON}, "missing signature", id="no-headers"),
        pytest.param(replacing(**{TIMESTAMP: "abc"}), "invalid timestamp", id="timestamp-abc"),
        pytest.param(replacing(**{TIMESTAMP: "-5"}), "invalid timestamp", id="timestamp-negative"),
        pytest.param(replacing(**{TIMESTAMP: "1e9"}), "invalid timestamp", id="timestamp-float"),
        pytest.param(replacing(**{TIMESTAMP: "9" * 40}), "invalid timestamp", id="timestamp-huge"),
        pytest.param(replacing(**{TIMESTAMP: ""}), "missing signature", id="timestamp-empty"),
        pytest.param(signed_with(age=6 * 60), "stale timestamp", id="stale"),
        pytest.param(signed_with(age=-6 * 60), "stale timestamp", id="future"),
        pytest.param(signed_with(secret="wrong"), "invalid signature", id="wrong-secret"),
        pytest.param(replacing(**{SIGNATURE: "v0=abc"}), "invalid signature", id="signature-short"),
        pytest.param(replacing(**{SIGNATURE: "v1=" + "0" * 64}), "invalid signature", id="signature-v1"),
        pytest.param(replacing(**{SIGNATURE: "v0=" + "Z" * 64}), "invalid signature", id="signature-not-hex"),
    ],
)
async def test_a_missing_malformed_stale_or_wrong_signature_is_a_401(
    herbot: Herbot, slack_api: FakeSlackApi, headers: Callable[[], dict[str, str]], reason: str
) -> None:
    assert await send(herbot.http, herbot.events_url, GOOD_EVENT, headers()) == (401, reason)
    assert slack_api.received("chat.postMessage") == []


async def test_a_body_over_the_cap_is_a_413_signed_or_not(herbot: Herbot) -> None:
    body = event_with(padding="x" * (1024 * 1024))
    assert await send_signed(herbot, body, JSON) == (413, "body too large")
    assert await send(herbot.http, herbot.events_url, body, {"Content-Type": JSON}) == (413, "body too large")


async def test_a_body_over_the_cap_without_a_length_is_a_413(herbot: Herbot) -> None:
    async def chunks() -> Any:
        for _ in range(20):
            yield b"x" * 64 * 1024

    async with herbot.http.post(herbot.events_url, data=chunks(), headers={"Content-Type": JSON}) as response:
        assert (response.status, await response.text()) == (413, "body too large")


async def test_url_verification_answers_the_challenge(herbot: Herbot) -> None:
    body = json.dumps({"type": "url_verification", "token": "legacy", "challenge": "ch-123"}).encode()
    status, text = await send_signed(herbot, body, JSON)
    assert (status, json.loads(text)) == (200, {"challenge": "ch-123"})


@pytest.mark.parametrize(
    "content_type", [JSON, JSON + "; charset=utf-8", JSON + '; charset="UTF-8"', "Application/JSON"]
)
async def test_a_signed_event_is_answered_whatever_the_spelling_of_its_content_type(
    herbot: Herbot, slack_api: FakeSlackApi, content_type: str
) -> None:
    assert await send_signed(herbot, GOOD_EVENT, content_type) == (200, "")
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))


async def test_a_slash_command_saying_payload_is_answered(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    body = command_body("what is the payload of T-DXd?", slack_api.response_url("p1")).encode()
    status, _ = await send_signed(herbot, body, FORM)
    assert status == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:p1"))


async def test_bolt_internal_headers_from_outside_are_dropped(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    body = command_body("IHC 3+", slack_api.response_url("p2")).encode()
    headers = signature_headers(body) | {"Content-Type": FORM, "X-Slack-Bolt-Lazy-Only": "1"}
    assert (await send(herbot.http, herbot.events_url, body, headers))[0] == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:p2"))


@pytest.mark.parametrize("entity", ["team", "user", "channel", "enterprise"])
async def test_an_entity_given_as_a_bare_id_is_read_as_its_id(
    herbot: Herbot, slack_api: FakeSlackApi, entity: str
) -> None:
    payload = json.loads(event_body(mention("IHC 2+", ts="310.1"), event_id=f"EvId{entity}"))
    body = json.dumps(payload | {entity: f"{entity[0].upper()}1"}).encode()
    assert await send_signed(herbot, body, JSON) == (200, "")
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))


# Values of every JSON type, and keys where Slack puts ids, objects and lists.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
TOP_KEYS = [
    "type", "team", "team_id", "user", "user_id", "channel", "channel_id", "enterprise", "enterprise_id",
    "authorizations", "api_app_id", "event_id", "is_enterprise_install", "is_ext_shared_channel", "actions",
    "container", "message", "response_url", "response_urls", "trigger_id", "view", "thread_ts", "command", "text",
    "function_execution_id", "function_data", "token", "event_context",
]  # fmt: skip
EVENT_KEYS = [
    "type", "user", "channel", "team", "user_team", "text", "ts", "thread_ts", "event_ts", "subtype", "channel_type",
    "bot_id", "message", "previous_message", "edited", "hidden", "item", "assistant_thread", "inputs", "files",
]  # fmt: skip


def base_payloads(response_url: str) -> st.SearchStrategy[dict[str, Any]]:
    event = json.loads(event_body(mention("IHC 2+", ts="300.1"), event_id="EvFuzz"))
    action = dict(parse_qsl(action_body("show_reasoning", "x", response_url, message_ts="1.1", thread_ts=None)))
    return st.sampled_from([event, json.loads(action["payload"])])


@st.composite
def mutated_payloads(draw: st.DrawFn, response_url: str) -> dict[str, Any]:
    payload = json.loads(json.dumps(draw(base_payloads(response_url))))
    for key in draw(st.lists(st.sampled_from(TOP_KEYS), max_size=3)):
        payload[key] = draw(JSON_VALUES)
    if isinstance(payload.get("event"), dict):
        for key in draw(st.lists(st.sampled_from(EVENT_KEYS), max_size=3)):
            payload["event"][key] = draw(JSON_VALUES)
    return payload


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
async def test_no_signed_payload_of_any_shape_gets_a_5xx(
    herbot: Herbot, slack_api: FakeSlackApi, data: st.DataObject
) -> None:
    payload = data.draw(mutated_payloads(slack_api.response_url("fuzz")))
    as_form = data.draw(st.booleans())
    body = urlencode({"payload": json.dumps(payload)}) if as_form else json.dumps(payload)
    status, reason = await send_signed(herbot, body.encode(), FORM if as_form else JSON)
    assert status < 500, (status, payload)
    assert status == 200 or len(reason) <= MAX_REASON_LENGTH


@pytest.fixture
async def oauth_server(
    slack_api: FakeSlackApi, store: Store, make_services: Callable[[Store], Services], sqlite_url: str
) -> AsyncIterator[str]:
    """The server installing through OAuth; its base URL."""
    settings = Settings(
        database_url=sqlite_url,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
    )
    server = TestServer(create_server(settings, make_services(store)), host="127.0.0.1")
    await server.start_server()
    yield f"http://127.0.0.1:{server.port}"
    await server.close()


async def test_the_install_pages_never_read_a_body(oauth_server: str) -> None:
    headers = {"Content-Type": "text/plain; charset=klingon"}
    async with ClientSession() as http:
        async with http.get(f"{oauth_server}/slack/install", data=b"\xff{", headers=headers) as response:
            assert (response.status, "slack.com/oauth/v2/authorize" in await response.text()) == (200, True)
        async with http.get(f"{oauth_server}/slack/oauth_redirect", data=b"\xff{", headers=headers) as response:
            assert response.status == 400  # no state: refused by the OAuth flow, not by a failed read
