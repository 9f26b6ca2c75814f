"""aiohttp routes for Slack: events, commands and interactivity on one URL, and the OAuth install pages."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from bot.slack.app import SlackApp

__all__ = ["EVENTS_PATH", "slack_routes"]

EVENTS_PATH = "/slack/events"


def slack_routes(slack: SlackApp) -> list[web.RouteDef]:
    """``POST /slack/events``, plus ``GET /slack/install`` and ``/slack/oauth_redirect`` under OAuth."""

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await slack.bolt.async_dispatch(await to_bolt_request(request)))

    routes = [web.post(EVENTS_PATH, events)]
    flow = slack.bolt.oauth_flow
    if flow is not None:

        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def oauth_redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        routes += [web.get(flow.install_path, install), web.get(flow.redirect_uri_path, oauth_redirect)]
    return routes
