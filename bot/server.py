"""``herbot serve``: one aiohttp application for every surface, plus health, readiness and store purging."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from aiohttp import web

from bot.logs import PathOnlyAccessLogger
from bot.services import Services
from bot.settings import Settings
from bot.store import Store
from bot.store.purge import PurgeSchedule, purge_periodically

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_bolt.async_app import AsyncApp

__all__ = ["PathOnlyAccessLogger", "create_server"]

log = logging.getLogger("herbot.server")

DEFAULT_PURGE = PurgeSchedule()


def create_server(
    settings: Settings,
    services: Services,
    *,
    socket_mode: bool = False,
    purge: PurgeSchedule | None = DEFAULT_PURGE,
) -> web.Application:
    """The application: ``/healthz``, ``/readyz``, each surface whose credentials are configured, and
    a background purge of the store on ``purge``'s schedule (``None``: no purging)."""
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
    if services.store is not None and purge is not None:
        _purge_in_background(app, services.store, purge)
    return app


def _purge_in_background(app: web.Application, store: Store, schedule: PurgeSchedule) -> None:
    async def run_purge(_: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(purge_periodically(store, schedule), name="herbot-store-purge")
        task.add_done_callback(_log_purge_failure)
        log.info(
            "store purge state=on every_s=%g keep_requests_s=%g",
            schedule.every.total_seconds(),
            schedule.keep_requests.total_seconds(),
        )
        yield
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        log.info("store purge state=off")

    app.cleanup_ctx.append(run_purge)


def _log_purge_failure(task: asyncio.Task[None]) -> None:
    # Anything but an unreachable store is a bug: say the purging stopped rather than lose it silently.
    if not task.cancelled() and task.exception() is not None:
        log.error("store purge stopped error=%s", type(task.exception()).__name__)


def _mount_slack(app: web.Application, settings: Settings, services: Services, *, socket_mode: bool) -> None:
    from bot.slack import create_slack_app, slack_enabled, slack_routes

    if not slack_enabled(settings, socket_mode=socket_mode):
        needed = (
            "SLACK_APP_TOKEN and SLACK_BOT_TOKEN"
            if socket_mode
            else "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN or OAuth"
        )
        log.info("surface=slack state=off reason=no credentials (set %s)", needed)
        return
    slack = create_slack_app(settings, services, socket_mode=socket_mode)

    async def run_slack(_: web.Application) -> AsyncIterator[None]:
        await slack.prepare()
        socket = _socket_mode_handler(slack.bolt, settings) if socket_mode else None
        # Connect in the background: a wrong app token must not keep /healthz from serving.
        connecting = asyncio.create_task(socket.connect_async()) if socket is not None else None
        yield
        if connecting is not None and not connecting.done():
            connecting.cancel()
        if socket is not None:
            await socket.close_async()
        await slack.close()

    app.cleanup_ctx.append(run_slack)
    if socket_mode:
        log.info("surface=slack state=on mode=socket")
    else:
        app.add_routes(slack_routes(slack, signing_secret=settings.slack_signing_secret or ""))
        log.info("surface=slack state=on mode=http path=/slack/events oauth=%s", slack.bolt.oauth_flow is not None)


def _socket_mode_handler(bolt: AsyncApp, settings: Settings) -> AsyncSocketModeHandler:
    """The Socket Mode handler; built inside the running loop, which its client needs."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    return AsyncSocketModeHandler(bolt, settings.slack_app_token)
