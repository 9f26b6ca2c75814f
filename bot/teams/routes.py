"""``POST /api/messages``: the request checked before botbuilder sees it, then the adapter runs the turn.

botbuilder's ``CloudAdapter.process`` answers a request without a Content-Type, with invalid JSON or a
non-object body with a 500; here each is a 4xx with a short reason, and a body past ``MAX_BODY_BYTES`` is
refused (413) before it is read. Authentication stays botbuilder's (``bot.teams.checking``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web
from botbuilder.core import Bot, serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, DeliveryModes

from bot.posting import is_http_url
from bot.request_body import read_capped
from bot.teams.checking import TokenCheck
from bot.teams.refusal import Refusal

__all__ = ["MAX_BODY_BYTES", "PATH", "messages_route"]

log = logging.getLogger("herbot.teams")

PATH = "/api/messages"
# Teams caps a message at about 28 KB; an activity with its channel data stays far below this.
MAX_BODY_BYTES = 256 * 1024


_FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP")


def messages_route(adapter: CloudAdapter, bot: Bot, tokens: TokenCheck, *, app_configured: bool) -> web.RouteDef:
    """The route: activities in, each run as a turn by ``adapter`` through ``bot``.

    Without a Bot Framework app (``app_configured`` false) tokens go unchecked, so it serves local clients
    only: a request that a proxy forwarded comes from elsewhere, and is refused.
    """

    async def api_messages(request: web.Request) -> web.StreamResponse:
        refused = None if app_configured else _forwarded(request)
        activity = refused or await read_activity(request)
        if isinstance(activity, Refusal):
            log.info("teams request refused status=%d reason=%s", activity.status, activity.reason)
            return web.json_response({"error": activity.reason}, status=activity.status)
        # Checked apart from the turn, so that whatever botbuilder raises on a bad token is a 401, and a failure
        # inside the turn never is.
        checked = await tokens.check(activity, request.headers.get("Authorization") or None)
        if isinstance(checked, Refusal):
            return web.json_response({"error": checked.reason}, status=checked.status)
        invoke_response = await adapter.process_activity(checked, activity, bot.on_turn)
        if invoke_response is not None:
            return web.json_response(_invoke_body(invoke_response.body), status=invoke_response.status)
        return web.Response(status=201)

    return web.post(PATH, api_messages)


async def read_activity(request: web.Request) -> Activity | Refusal:
    """The request's activity, or why it is not one."""
    if request.content_type != "application/json":
        return Refusal(415, "expected application/json")
    body = await read_capped(request, MAX_BODY_BYTES)
    if body is None:
        return Refusal(413, "body too large")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Refusal(400, "body is not JSON")
    if not isinstance(payload, dict):
        return Refusal(400, "an activity is a JSON object")
    try:
        activity = Activity().deserialize(payload)
    except Exception:  # msrest raises its own DeserializationError, among others, for mistyped fields
        return Refusal(400, "not a Bot Framework activity")
    if not activity.type or not isinstance(activity.type, str):
        return Refusal(400, "activity has no type")
    if not is_http_url(activity.service_url):
        return Refusal(400, "activity has no serviceUrl")
    if activity.delivery_mode == DeliveryModes.expect_replies:
        # Replies in the HTTP response: herbot answers through the outbox only, so that it answers once.
        return Refusal(400, "expectReplies delivery is not supported")
    return activity


def _invoke_body(body: Any) -> Any:
    """An invoke response's body as JSON: herbot's own (a quiz card) already is; botbuilder's models are serialised."""
    if body is None or isinstance(body, dict):
        return body
    return serializer_helper(body)


def _forwarded(request: web.Request) -> Refusal | None:
    if any(header in request.headers for header in _FORWARDING_HEADERS):
        return Refusal(403, "without Bot Framework credentials only local clients are served")
    return None
