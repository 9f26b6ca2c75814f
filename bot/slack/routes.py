"""aiohttp routes for Slack: events, commands and interactivity on one URL, and the OAuth install pages.

``POST /slack/events`` reads at most ``MAX_BODY_BYTES`` raw bytes and hands them to ``read_slack_request``,
which verifies the signature before anything is decoded or parsed; only a verified, well-formed request
reaches Bolt (whose own verification is then off). A refused request gets its 4xx status and a short plain
reason, and one log line naming the reason, never the body.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.request_body import read_capped
from bot.slack.app import SlackApp
from bot.slack.ingress import JSON, MAX_BODY_BYTES, TOO_LARGE, Rejection, VerifiedRequest, read_slack_request

__all__ = ["EVENTS_PATH", "slack_routes"]

EVENTS_PATH = "/slack/events"
# Bolt reads these to run lazy listeners; Slack never sends them, and a signature does not cover headers.
_BOLT_INTERNAL_HEADER = "x-slack-bolt-"

log = logging.getLogger("herbot.slack")


def slack_routes(slack: SlackApp, *, signing_secret: str, clock: Callable[[], float] = time.time) -> list[web.RouteDef]:
    """``POST /slack/events``, plus ``GET /slack/install`` and ``/slack/oauth_redirect`` under OAuth.

    Requests to ``/slack/events`` must be signed with ``signing_secret`` within five minutes of ``clock()``.
    """
    if not signing_secret:
        raise ValueError("Slack's HTTP routes need a signing secret")
    secret = signing_secret.encode("utf-8")

    async def events(request: web.Request) -> web.Response:
        body = await read_capped(request, MAX_BODY_BYTES)
        read = TOO_LARGE if body is None else read_slack_request(body, request.headers, secret=secret, now=clock())
        if isinstance(read, Rejection):
            log.info("slack request refused route=%s status=%d reason=%s", EVENTS_PATH, read.status, read.reason)
            return web.Response(status=read.status, text=read.reason)
        try:
            bolt_request = _bolt_request(read, request)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError) as error:
            # Bolt reads ids out of the payload while building its request; a shape it cannot read is the
            # sender's fault, and shape_problem missed it.
            log.warning("slack request unreadable route=%s status=400 error=%s", EVENTS_PATH, type(error).__name__)
            return web.Response(status=400, text="unreadable payload")
        return await to_aiohttp_response(await slack.bolt.async_dispatch(bolt_request))

    routes = [web.post(EVENTS_PATH, events)]
    flow = slack.bolt.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(_bodiless_bolt_request(request)))

        async def oauth_redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(_bodiless_bolt_request(request)))

        routes += [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, oauth_redirect)]
    return routes


def _bolt_request(verified: VerifiedRequest, request: web.Request) -> AsyncBoltRequest:
    """Bolt's request for the verified payload.

    A JSON body goes as it came. A form body goes as the JSON of its parsed payload: Bolt parses a form
    by looking for the text ``payload`` anywhere in it, so a slash command whose text says "payload"
    would otherwise reach Bolt as an empty body.
    """
    headers = {k: v for k, v in request.headers.items() if not k.lower().startswith(_BOLT_INTERNAL_HEADER)}
    if verified.content_type == JSON:
        return AsyncBoltRequest(body=verified.text, query=request.query_string, headers=headers)
    headers = {k: v for k, v in headers.items() if k.lower() != "content-type"} | {"content-type": JSON}
    return AsyncBoltRequest(body=json.dumps(verified.payload), query=request.query_string, headers=headers)


def _bodiless_bolt_request(request: web.Request) -> AsyncBoltRequest:
    """The install pages are GETs: their query string and cookies matter, and any body is never read."""
    return AsyncBoltRequest(body="", query=request.query_string, headers=dict(request.headers))
