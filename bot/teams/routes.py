"""``POST /api/messages``: the request checked before botbuilder sees it, then the adapter runs the turn.

botbuilder's ``CloudAdapter.process`` answers a request without a Content-Type, with invalid JSON or a
non-object body with a 500; here each is a 4xx with a short reason, and a body past ``MAX_BODY_BYTES`` is
refused (413) before it is read. Authentication stays botbuilder's (``authenticate_request`` validates the JWT
when credentials are configured); any failure of it is a 401, whatever botbuilder raised.
"""

from __future__ import annotations

import json
import logging

from aiohttp import web
from botbuilder.core import Bot, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity

from bot.request_body import read_capped

__all__ = ["MAX_BODY_BYTES", "PATH", "messages_route"]

log = logging.getLogger("herbot.teams")

PATH = "/api/messages"
# Teams caps a message at about 28 KB; an activity with its channel data stays far below this.
MAX_BODY_BYTES = 256 * 1024


class BadActivity(Exception):
    """The request is not a Bot Framework activity; ``status`` and ``reason`` say why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def messages_route(adapter: CloudAdapter, bot: Bot) -> web.RouteDef:
    """The route: activities in, each run as a turn by ``adapter`` through ``bot``."""

    async def api_messages(request: web.Request) -> web.StreamResponse:
        try:
            activity = await read_activity(request)
        except BadActivity as bad:
            log.info("teams request refused status=%d reason=%s", bad.status, bad.reason)
            return web.json_response({"error": bad.reason}, status=bad.status)
        # Authenticated apart from the turn, so that whatever botbuilder raises on a bad token (a PermissionError,
        # or its own errors for a malformed one) is a 401, and a failure inside the turn never is.
        header = request.headers.get("Authorization") or None
        try:
            authenticated = await adapter.bot_framework_authentication.authenticate_request(activity, header)
        except Exception as error:
            log.info("teams request refused status=401 reason=unauthorized error=%s", type(error).__name__)
            return web.json_response({"error": "unauthorized"}, status=401)
        invoke_response = await adapter.process_activity(authenticated, activity, bot.on_turn)
        if invoke_response is not None:
            return web.json_response(serializer_helper(invoke_response.body), status=invoke_response.status)
        return web.Response(status=201)

    return web.post(PATH, api_messages)


async def read_activity(request: web.Request) -> Activity:
    """The request's activity; ``BadActivity`` for anything that is not one."""
    if request.content_type != "application/json":
        raise BadActivity(415, "expected application/json")
    body = await read_capped(request, MAX_BODY_BYTES)
    if body is None:
        raise BadActivity(413, "body too large")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadActivity(400, "body is not JSON") from None
    if not isinstance(payload, dict):
        raise BadActivity(400, "an activity is a JSON object")
    try:
        activity = Activity().deserialize(payload)
    except Exception:  # msrest raises its own DeserializationError, among others, for mistyped fields
        raise BadActivity(400, "not a Bot Framework activity") from None
    if not activity.type or not isinstance(activity.type, str):
        raise BadActivity(400, "activity has no type")
    if not isinstance(activity.service_url, str) or not activity.service_url.startswith(("https://", "http://")):
        raise BadActivity(400, "activity has no serviceUrl")
    return activity
