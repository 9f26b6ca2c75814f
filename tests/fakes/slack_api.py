"""A local fake of Slack's Web API: records every call, answers like Slack, and can rate-limit or fail on demand.

Point slack_sdk's ``base_url`` at ``fake.api_url`` (it ends in ``/api/``). ``response_url`` posts go to
``fake.response_url(name)``. Faults are queued per method (``chat.postMessage``, ``chat.postEphemeral``), per
response URL (``response_url:<name>``) or for every response URL (``response_url``); each call takes the next one:
429 with ``Retry-After``, a 5xx, a slow answer, or a refusal (``ok: false`` from the Web API; HTTP 404
with ``expired_url`` or ``used_url`` from a response URL, as Slack answers one past its 30 minutes or
five uses). ``oauth.v2.access`` checks the client credentials and the code as Slack does;
``apps.connections.open`` hands out ``ws://.../link``, a Socket Mode endpoint that speaks Slack's envelope
protocol (``hello``, then envelopes the test sends; the client acks each ``envelope_id``).
Nothing here is herbot code: it stands where slack.com would.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web
from aiohttp.test_utils import TestServer

BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"
APP_TOKEN = "xapp-1-A1-test-app-token"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
OAUTH_CODE = "abc"


@dataclass
class Call:
    """One request the fake received: the API method (or ``response_url:<name>``), its arguments, its token."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200
    error: str | None = None
    arrival: int = 0  # the order calls arrived in (a slow call is recorded once answered, with its arrival)


@dataclass(frozen=True)
class Fault:
    """How the fake answers one call instead of accepting it: after ``delay`` seconds, with ``status``
    (and ``Retry-After`` for 429), or refusing with ``error``; a fault with only a delay then accepts."""

    status: int = 200
    retry_after: int | None = None
    error: str | None = None
    delay: float = 0.0


RESPONSE_URL = "response_url"


@dataclass
class FakeSlackApi:
    calls: list[Call] = field(default_factory=list)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    server: TestServer | None = None
    oauth_token: str = "xoxb-installed-token"
    oauth_team: str = "T9"
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    oauth_code: str = OAUTH_CODE
    granted_scopes: str = "app_mentions:read,chat:write,commands,im:history,im:read,im:write"
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    socket_messages: list[dict[str, Any]] = field(default_factory=list)
    _envelope_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    arrivals: int = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_get("/link", self._link)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        for socket in self.sockets:
            await socket.close()
        if self.server is not None:
            await self.server.close()

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, name: str) -> str:
        return f"{self.base}/response/{name}"

    def inject(self, method: str, fault: Fault, *, times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` (or of ``response_url[:<name>]``) with ``fault``."""
        self.faults.setdefault(method, []).extend([fault] * times)

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and ``Retry-After``."""
        self.inject(method, Fault(status=429, retry_after=retry_after), times=times)

    def server_error(self, method: str, *, times: int = 1, status: int = 500) -> None:
        """Answer the next ``times`` calls of ``method`` with a 5xx."""
        self.inject(method, Fault(status=status), times=times)

    def slow(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Accept the next ``times`` calls of ``method`` only after ``seconds``."""
        self.inject(method, Fault(delay=seconds), times=times)

    def fail(self, method: str, error: str, *, times: int = 1) -> None:
        """Refuse the next ``times`` calls of ``method`` as Slack does: ``ok: false`` with ``error`` from the Web
        API, HTTP 404 with ``error`` as the body from a response URL."""
        self.inject(method, Fault(error=error), times=times)

    def received(self, method: str) -> list[Call]:
        """Every call of ``method`` (``response_url`` for every response URL), refused and failed ones too."""
        return [call for call in self.calls if _matches(call.method, method)]

    def delivered(self, method: str) -> list[Call]:
        """Accepted calls of ``method`` (``response_url`` for every response URL): what people saw."""
        return [call for call in self.received(method) if call.status == 200 and call.error is None]

    def _arrive(self) -> int:
        self.arrivals += 1
        return self.arrivals

    def _next_fault(self, method: str) -> Fault | None:
        for key in (method, RESPONSE_URL if method.startswith(f"{RESPONSE_URL}:") else None):
            queued = self.faults.get(key or "")
            if queued:
                return queued.pop(0)
        return None

    @property
    def socket_url(self) -> str:
        assert self.server is not None
        return f"ws://127.0.0.1:{self.server.port}/link"

    def answered(self, method: str) -> list[Call]:
        """Successful calls of ``method`` (rate-limited and refused attempts excluded)."""
        return [call for call in self.calls if call.method == method and call.status == 200 and call.error is None]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll until ``predicate()`` holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.02)

    def acked(self, envelope_id: str) -> bool:
        """Whether the Socket Mode client acknowledged ``envelope_id`` over the socket."""
        return any(message.get("envelope_id") == envelope_id for message in self.socket_messages)

    async def send_envelope(self, kind: str, payload: dict[str, Any], *, accepts_response_payload: bool) -> str:
        """Send one Socket Mode envelope (``events_api``, ``slash_commands``, ...) on the open socket; its id."""
        await self.wait_for(lambda: any(not socket.closed for socket in self.sockets))
        envelope_id = f"env-{next(self._envelope_ids)}"
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
        }
        if kind == "events_api":
            envelope.update(retry_attempt=0, retry_reason="")
        socket = next(socket for socket in reversed(self.sockets) if not socket.closed)
        await socket.send_json(envelope)
        return envelope_id

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                "connection_info": {"app_id": "A1"},
            }
        )
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.socket_messages.append(json.loads(message.data))
        return socket

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        body = await request.text()
        if request.content_type == "application/json":
            return json.loads(body or "{}")
        args: dict[str, Any] = dict(parse_qsl(body))
        for key in ("blocks", "attachments"):
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        arrival = self._arrive()
        args = await self._arguments(request)
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            # oauth.v2.access authenticates the app with HTTP basic auth (client_id:client_secret).
            client_id, _, client_secret = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
            args.update(client_id=client_id, client_secret_matches=client_secret == self.client_secret)
            token = None
        else:
            token = auth.removeprefix("Bearer ") or args.get("token")
        call = Call(method, args, token, arrival=arrival)
        # Like Slack, finish what arrived even if the caller hangs up (or dies) before the answer.
        return await asyncio.shield(self._api_answer(call, self._next_fault(method)))

    async def _api_answer(self, call: Call, fault: Fault | None) -> web.Response:
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.status == 429:
                call.status = 429
                self.calls.append(call)
                return web.json_response(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(fault.retry_after)}
                )
            if fault.status != 200:
                call.status = fault.status
                self.calls.append(call)
                return web.json_response({"ok": False, "error": "internal_error"}, status=fault.status)
            if fault.error is not None:
                call.error = fault.error
                self.calls.append(call)
                return web.json_response({"ok": False, "error": fault.error})
        self.calls.append(call)
        return web.json_response(self._answer(call.method, call.args, call.token))

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        if method == "auth.test":
            teams = {BOT_TOKEN: "T1", self.oauth_token: self.oauth_team}
            if token not in teams:
                return {"ok": False, "error": "invalid_auth"}
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Test",
                "user": "herbot",
                "team_id": teams[token],
                "user_id": BOT_USER,
                "bot_id": "BBOT",
            }
        if method == "apps.connections.open":
            if not (token or "").startswith("xapp-"):
                return {"ok": False, "error": "not_allowed_token_type"}
            return {"ok": True, "url": self.socket_url}
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": args.get("channel"),
                "ts": f"{time.time():.6f}",
                "message": {"text": args.get("text")},
            }
        if method == "chat.postEphemeral":
            # Slack shows it to ``user`` alone and answers with the ts it gave it, nothing of the message.
            if not args.get("user"):
                return {"ok": False, "error": "user_not_in_channel"}
            return {"ok": True, "message_ts": f"{time.time():.6f}"}
        if method == "oauth.v2.access":
            if args.get("client_id") != self.client_id or not args.get("client_secret_matches"):
                return {"ok": False, "error": "invalid_client_id"}
            if args.get("code") != self.oauth_code:
                return {"ok": False, "error": "invalid_code"}
            return {
                "ok": True,
                "app_id": "A1",
                "authed_user": {"id": "U1"},
                "scope": self.granted_scopes,
                "token_type": "bot",
                "access_token": self.oauth_token,
                "bot_user_id": BOT_USER,
                "team": {"id": self.oauth_team, "name": "Installed"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        return {"ok": True}

    async def _response_url(self, request: web.Request) -> web.Response:
        method = f"{RESPONSE_URL}:{request.match_info['name']}"
        arrival = self._arrive()
        call = Call(method, await self._arguments(request), None, arrival=arrival)
        return await asyncio.shield(self._response_url_answer(call, self._next_fault(method)))

    async def _response_url_answer(self, call: Call, fault: Fault | None) -> web.Response:
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.status == 429:
                call.status = 429
                self.calls.append(call)
                return web.Response(status=429, text="rate_limited", headers={"Retry-After": str(fault.retry_after)})
            if fault.status != 200:
                call.status = fault.status
                self.calls.append(call)
                return web.Response(status=fault.status, text="internal_error")
            if fault.error is not None:
                call.status, call.error = 404, fault.error
                self.calls.append(call)
                return web.Response(status=404, text=fault.error)
        self.calls.append(call)
        return web.Response(text="ok")


def _matches(method: str, wanted: str) -> bool:
    return method == wanted or (wanted == RESPONSE_URL and method.startswith(f"{RESPONSE_URL}:"))
