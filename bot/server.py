"""``herbot serve``: one aiohttp application for every surface, plus health and readiness."""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.services import Services
from bot.settings import Settings

__all__ = ["create_server"]

log = logging.getLogger("herbot.server")


def create_server(settings: Settings, services: Services, *, socket_mode: bool = False) -> web.Application:
    """The application: ``/healthz``, ``/readyz`` and each surface whose credentials are configured."""
    app = web.Application()

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        store_ok = services.store is not None and await asyncio.to_thread(services.store.ping)
        return web.json_response(
            {"status": "ok" if store_ok else "unavailable", "store": store_ok}, status=200 if store_ok else 503
        )

    app.add_routes([web.get("/healthz", healthz), web.get("/readyz", readyz)])
    _mount_slack(app, settings, services, socket_mode=socket_mode)
    return app


def _mount_slack(app: web.Application, settings: Settings, services: Services, *, socket_mode: bool) -> None:
    from bot.slack import create_slack_app, slack_enabled, slack_routes

    if not slack_enabled(settings, socket_mode=socket_mode):
        needed = "SLACK_APP_TOKEN" if socket_mode else "SLACK_SIGNING_SECRET"
        log.info("surface=slack state=off reason=no credentials (set %s and SLACK_BOT_TOKEN or OAuth)", needed)
        return
    slack = create_slack_app(settings, services, socket_mode=socket_mode)

    async def start(_: web.Application) -> None:
        await slack.prepare()

    async def stop(_: web.Application) -> None:
        await slack.close()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    if socket_mode:
        _start_socket_mode(app, slack.bolt, settings)
        log.info("surface=slack state=on mode=socket")
    else:
        app.add_routes(slack_routes(slack))
        log.info("surface=slack state=on mode=http path=/slack/events oauth=%s", slack.bolt.oauth_flow is not None)


def _start_socket_mode(app: web.Application, bolt: object, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(bolt, settings.slack_app_token)  # type: ignore[arg-type]

    async def connect(_: web.Application) -> None:
        await handler.connect_async()

    async def close(_: web.Application) -> None:
        await handler.close_async()

    app.on_startup.append(connect)
    app.on_cleanup.append(close)
