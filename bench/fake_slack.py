"""A minimal local stand-in for Slack's Web API and ``response_url``s that notes when each answer arrives.

Only what a ``/her2`` command needs: ``auth.test`` (Bolt asks it once for the bot's identity), any other
method answers ``{"ok": true}``, and ``POST /response/<name>`` resolves the future ``expect(name)`` handed
out with the ``time.perf_counter()`` at which the whole answer had been received, and its JSON payload.
It runs in the benchmark's own event loop, on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp import web

from bench.serving import LoopbackSite

__all__ = ["BOT_TOKEN", "Arrival", "FakeSlack"]

BOT_TOKEN = "xoxb-bench-token"

Arrival = tuple[float, dict[str, Any]]


class FakeSlack(LoopbackSite):
    """Serves ``/api/<method>`` and ``/response/<name>`` on a free loopback port (``start``, then ``close``)."""

    def __init__(self) -> None:
        self._arrivals: dict[str, asyncio.Future[Arrival]] = {}
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response)
        super().__init__(app, access_log=None)

    @property
    def api_url(self) -> str:
        """The Web API base URL, ending in ``/api/`` as slack_sdk expects."""
        return f"{self.base_url}/api/"

    def response_url(self, name: str) -> str:
        """Where the answer to the command ``name`` is to be posted."""
        return f"{self.base_url}/response/{name}"

    def expect(self, name: str) -> asyncio.Future[Arrival]:
        """A future resolved when the answer to ``response_url(name)`` has arrived."""
        future: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._arrivals[name] = future
        return future

    async def _api(self, request: web.Request) -> web.Response:
        await request.read()
        if request.match_info["method"] == "auth.test":
            return web.json_response(
                {"ok": True, "team": "Bench", "user": "herbot", "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}
            )
        return web.json_response({"ok": True})

    async def _response(self, request: web.Request) -> web.Response:
        body = await request.read()
        arrived = time.perf_counter()
        future = self._arrivals.pop(request.match_info["name"], None)
        if future is not None and not future.done():
            future.set_result((arrived, json.loads(body or b"{}")))
        return web.Response(text="ok")
