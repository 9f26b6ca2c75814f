"""A local fake of Microsoft's Bot Connector service: where an activity's ``serviceUrl`` points.

Put ``fake.service_url`` (``http://127.0.0.1:PORT/``) in the activities a test sends; botbuilder's
``ConnectorClient`` then posts herbot's answers here. The fake records every request to the two routes a
bot writes to, and answers like the service (200 with ``{"id": ...}``):

- ``POST /v3/conversations/{conversationId}/activities/{activityId}``: a reply to an activity;
- ``POST /v3/conversations/{conversationId}/activities``: a new message in a conversation (a welcome, a
  proactive post);
- ``PUT /v3/conversations/{conversationId}/activities/{activityId}``: an update of a sent activity.

Path segments are read from the raw path and percent-decoded one by one, so a channel thread's id
(``19:abc@thread.tacv2;messageid=1700000000000``) comes back as it was sent. Faults are queued for the
next calls, whatever their route: 429 with ``Retry-After``, a 5xx, a slow answer (then 200, or then a
dropped connection), an answer held until the test releases it, or a refusal (403
``BotNotInConversationRoster``, 404 ``ConversationNotFound``). A refused or failed call is recorded with its
status; only a 2xx counts as delivered.
Nothing here is herbot code: it stands where ``smba.trafficmanager.net`` would.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from aiohttp.test_utils import TestServer

__all__ = ["BOT_NOT_IN_ROSTER", "CONVERSATION_NOT_FOUND", "FakeBotConnector", "Fault", "Posted"]

BOT_NOT_IN_ROSTER = "BotNotInConversationRoster"
CONVERSATION_NOT_FOUND = "ConversationNotFound"
_REFUSALS = {
    BOT_NOT_IN_ROSTER: (403, "The bot is not part of the conversation roster."),
    CONVERSATION_NOT_FOUND: (404, "Conversation not found."),
}


@dataclass
class Posted:
    """One request the fake received: where it went, the activity, its credentials, and how it was answered."""

    method: str
    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorization: str | None
    arrival: int
    at: float = 0.0  # time.monotonic() when it arrived
    status: int = 200
    activity_id: str | None = None  # the id the fake gave a delivered activity

    @property
    def delivered(self) -> bool:
        return 200 <= self.status < 300

    @property
    def is_reply(self) -> bool:
        return self.method == "POST" and self.reply_to_id is not None


@dataclass(frozen=True, slots=True)
class Fault:
    """How the fake answers one call instead of accepting it: after ``delay`` seconds (or, ``held``, once the test
    releases it), with ``status`` (and ``Retry-After`` for 429), refusing with the error ``code``, or dropping the
    connection; a fault with only a delay then accepts."""

    status: int = 200
    retry_after: int | None = None
    code: str | None = None
    delay: float = 0.0
    drop: bool = False
    held: bool = False


@dataclass
class FakeBotConnector:
    """The Bot Connector's conversation routes on 127.0.0.1, recording every call in arrival order."""

    calls: list[Posted] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    server: TestServer | None = None
    arrivals: int = 0
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (method, raw path) of anything else
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._receive)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    @property
    def service_url(self) -> str:
        """The ``serviceUrl`` to put in activities, with the trailing slash Teams sends."""
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.port}/"

    def inject(self, fault: Fault, *, times: int = 1) -> None:
        """Answer the next ``times`` calls with ``fault``."""
        self.faults.extend([fault] * times)

    def rate_limit(self, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls with 429 and ``Retry-After: retry_after``."""
        self.inject(Fault(status=429, retry_after=retry_after), times=times)

    def server_error(self, *, times: int = 1, status: int = 500) -> None:
        """Answer the next ``times`` calls with a 5xx."""
        self.inject(Fault(status=status), times=times)

    def slow(self, seconds: float, *, times: int = 1, drop: bool = False) -> None:
        """Answer the next ``times`` calls only after ``seconds``: then accept, or drop the connection."""
        self.inject(Fault(delay=seconds, drop=drop), times=times)

    def hold(self, *, times: int = 1) -> None:
        """Keep the next ``times`` calls waiting, unanswered, until ``release()``; then accept them."""
        self.inject(Fault(held=True), times=times)

    def release(self) -> None:
        """Answer every held call, and any held call that arrives from now on."""
        self._released.set()

    def refuse(self, code: str = BOT_NOT_IN_ROSTER, *, times: int = 1) -> None:
        """Refuse the next ``times`` calls as the service does once the bot was removed (403) or the
        conversation is gone (404)."""
        self.inject(Fault(status=_REFUSALS[code][0], code=code), times=times)

    def received(self) -> list[Posted]:
        """Every call, refused and failed ones too, in arrival order."""
        return sorted(self.calls, key=lambda call: call.arrival)

    def delivered(self) -> list[Posted]:
        """Accepted calls (2xx), in arrival order: what people saw."""
        return [call for call in self.received() if call.delivered]

    def replies(self) -> list[Posted]:
        """Accepted replies to an activity."""
        return [call for call in self.delivered() if call.is_reply]

    def in_conversation(self, conversation_id: str) -> list[Posted]:
        """Accepted calls to one conversation (a channel's reply chain is its own conversation)."""
        return [call for call in self.delivered() if call.conversation_id == conversation_id]

    def posts(self) -> list[Posted]:
        """Accepted new messages in a conversation (welcomes, proactive posts)."""
        return [call for call in self.delivered() if call.method == "POST" and call.reply_to_id is None]

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Posted]:
        """Poll until at least ``count`` calls were delivered; those calls. Fail after ``timeout`` seconds."""
        await self.wait_until(lambda: len(self.delivered()) >= count, timeout)
        return self.delivered()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll until ``predicate()`` holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                seen = [(call.method, call.conversation_id, call.status) for call in self.received()]
                raise AssertionError(f"timed out after {timeout}s; calls so far: {seen}; other: {self.unknown}")
            await asyncio.sleep(0.02)

    def _arrive(self) -> int:
        self.arrivals += 1
        return self.arrivals

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        arrival = self._arrive()
        route = _route(request.method, request.rel_url.raw_path)
        if route is None:
            self.unknown.append((request.method, request.rel_url.raw_path))
            return _error(404, "BadSyntax", "Unknown route.")
        conversation_id, activity_id = route
        try:
            activity = json.loads(await request.read() or b"{}")
        except ValueError:
            return _error(400, "BadSyntax", "The body is not JSON.")
        call = Posted(
            method=request.method,
            conversation_id=conversation_id,
            reply_to_id=activity_id if request.method == "POST" else None,
            activity=activity,
            authorization=request.headers.get("Authorization"),
            arrival=arrival,
            at=time.monotonic(),
        )
        if request.method == "PUT":
            call.activity_id = activity_id
        fault = self.faults.pop(0) if self.faults else None
        # Like the service, finish what arrived even if the caller hangs up before the answer.
        return await asyncio.shield(self._answer(request, call, fault))

    async def _answer(self, request: web.Request, call: Posted, fault: Fault | None) -> web.StreamResponse:
        if fault is not None:
            await asyncio.sleep(fault.delay)
            if fault.held:
                await self._released.wait()
            if fault.drop:
                call.status = 0
                self.calls.append(call)
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=500)  # never written: the connection is gone
            if fault.status != 200:
                call.status = fault.status
                self.calls.append(call)
                if fault.status == 429:
                    return _error(429, "Throttled", "Too many requests.", retry_after=fault.retry_after)
                if fault.code is not None:
                    return _error(fault.status, fault.code, _REFUSALS[fault.code][1])
                return _error(fault.status, "ServiceError", "The service failed.")
        if call.activity_id is None:
            call.activity_id = f"1700000{next(self._ids):06d}"
        self.calls.append(call)
        return web.json_response({"id": call.activity_id})


def _route(method: str, raw_path: str) -> tuple[str, str | None] | None:
    """The decoded conversation id and activity id of a conversation route, or ``None`` for anything else."""
    parts = raw_path.split("/")
    if len(parts) not in (5, 6) or parts[:3] != ["", "v3", "conversations"] or parts[4] != "activities":
        return None
    conversation_id = unquote(parts[3])
    activity_id = unquote(parts[5]) if len(parts) == 6 else None
    if (method, activity_id is None) not in {("POST", True), ("POST", False), ("PUT", False)}:
        return None
    return conversation_id, activity_id


def _error(status: int, code: str, message: str, *, retry_after: int | None = None) -> web.Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return web.json_response({"error": {"code": code, "message": message}}, status=status, headers=headers)
