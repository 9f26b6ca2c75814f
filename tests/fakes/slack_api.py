"""A local fake of Slack's Web API: records every call, answers like Slack, and can rate-limit on demand.

Point slack_sdk's ``base_url`` at ``fake.api_url`` (it ends in ``/api/``). ``response_url`` posts go to
``fake.response_url(name)``. Nothing here is herbot code: it stands where slack.com would.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.test_utils import TestServer

BOT_TOKEN = "xoxb-test-token"
BOT_USER = "UBOT"


@dataclass
class Call:
    """One request the fake received: the API method (or ``response_url:<name>``), its arguments, its token."""

    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200


@dataclass
class FakeSlackApi:
    calls: list[Call] = field(default_factory=list)
    rate_limits: dict[str, list[int]] = field(default_factory=dict)
    server: TestServer | None = None
    oauth_token: str = "xoxb-installed-token"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
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

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with 429 and ``Retry-After``."""
        self.rate_limits.setdefault(method, []).extend([retry_after] * times)

    def answered(self, method: str) -> list[Call]:
        """Successful calls of ``method`` (rate-limited attempts excluded)."""
        return [call for call in self.calls if call.method == method and call.status == 200]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Poll until ``predicate()`` holds; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
            await asyncio.sleep(0.02)

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
        args = await self._arguments(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or args.get("token")
        pending = self.rate_limits.get(method)
        if pending:
            retry_after = pending.pop(0)
            self.calls.append(Call(method, args, token, status=429))
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
            )
        self.calls.append(Call(method, args, token))
        return web.json_response(self._answer(method, args))

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://example.slack.com/",
                "team": "Test",
                "user": "herbot",
                "team_id": "T1",
                "user_id": BOT_USER,
                "bot_id": "BBOT",
            }
        if method == "chat.postMessage":
            return {
                "ok": True,
                "channel": args.get("channel"),
                "ts": f"{time.time():.6f}",
                "message": {"text": args.get("text")},
            }
        if method == "oauth.v2.access":
            return {
                "ok": True,
                "app_id": "A1",
                "authed_user": {"id": "U1"},
                "scope": "commands,chat:write",
                "token_type": "bot",
                "access_token": self.oauth_token,
                "bot_user_id": BOT_USER,
                "team": {"id": "T9", "name": "Installed"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        return {"ok": True}

    async def _response_url(self, request: web.Request) -> web.Response:
        self.calls.append(Call(f"response_url:{request.match_info['name']}", await self._arguments(request), None))
        return web.Response(text="ok")
