"""``herbot serve``: one aiohttp application for every surface, plus health, readiness, delivery and store purging.

Start-up, in order: the store is migrated under the migration lock (replicas starting together take
turns; a database that cannot be reached is reported by ``/readyz`` and migrated once it answers),
each surface registers its transports, then the delivery sender sweeps what a dead process left
undelivered and keeps delivering in the background. Shutdown runs the other way round.

``/readyz`` answers within the store calls' timeout, whatever the database does: 200 only when the
store answers at the expected migration with every table present; a store that lost its tables is
migrated again in the background, and the server is ready again without a restart.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.delivery import Inbox, Sender, StoreCalls
from bot.education.desk import EducationDesk
from bot.education.scheduler import DEFAULT_SCHEDULING, Scheduler, Scheduling
from bot.education.service import EducationService
from bot.logs import PathOnlyAccessLogger
from bot.services import Services
from bot.settings import Settings
from bot.stopping import stop
from bot.store.calls import DEFAULT_STORE_TIMEOUT_S
from bot.store.purge import PurgeSchedule, purge_periodically
from bot.store.readiness import StoreReadiness, StoreStatus

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_bolt.async_app import AsyncApp

__all__ = ["DELIVERY", "DeliveryOptions", "PathOnlyAccessLogger", "ServerDelivery", "create_server"]

log = logging.getLogger("herbot.server")

SWITCH_INTERVAL_S = 0.001

DEFAULT_PURGE = PurgeSchedule()


@dataclass(frozen=True, slots=True)
class DeliveryOptions:
    """How the server talks to its store and delivers: timeouts, the sender's lease and its poll interval."""

    store_timeout_s: float = DEFAULT_STORE_TIMEOUT_S
    lease: timedelta = timedelta(seconds=30)
    poll: timedelta = timedelta(seconds=1)
    # Start-up waits this long for the migration, then serves (not ready) while it goes on.
    startup_migration_timeout_s: float = 30.0
    scheduling: Scheduling = DEFAULT_SCHEDULING
    # The time the education service and the scheduler read (tests inject one).
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


DEFAULT_DELIVERY = DeliveryOptions()


def create_server(
    settings: Settings,
    services: Services,
    *,
    socket_mode: bool = False,
    purge: PurgeSchedule | None = DEFAULT_PURGE,
    delivery_options: DeliveryOptions = DEFAULT_DELIVERY,
) -> web.Application:
    """The application: ``/healthz``, ``/readyz``, each surface whose credentials are configured, the
    delivery sender, and a background purge of the store on ``purge``'s schedule (``None``: no purging)."""
    app = web.Application()
    # A thread answering a long message holds the GIL for up to the switch interval (5 ms by default) before
    # the event loop may ack another request; 1 ms keeps acks moving while answers run.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    delivery = app[DELIVERY] = _create_delivery(services, delivery_options)

    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        status = await delivery.readiness.check() if delivery.readiness is not None else None
        if status is StoreStatus.READY:
            return web.json_response({"status": "ok", "store": True})
        reason = status.value if status is not None else "no store"
        return web.json_response({"status": "unavailable", "store": False, "reason": reason}, status=503)

    app.add_routes([web.get("/healthz", healthz), web.get("/readyz", readyz)])
    _mount_slack(app, settings, services, delivery, socket_mode=socket_mode)
    _mount_teams(app, settings, services, delivery)
    # After every surface registered its transports (the start-up sweep sends at once), and stopped before
    # they close their connections: cleanup runs in reverse.
    _deliver_in_background(app, delivery)
    if delivery.scheduler is not None:
        _schedule_in_background(app, delivery.scheduler)
    if delivery.calls is not None and purge is not None:
        _purge_in_background(app, delivery.calls, purge)
    return app


@dataclass(frozen=True, slots=True)
class ServerDelivery:
    """The store's bounded calls (``None`` without a store), the sender and the inbox every surface shares."""

    calls: StoreCalls | None
    sender: Sender
    inbox: Inbox
    readiness: StoreReadiness | None
    options: DeliveryOptions
    education: EducationDesk | None = None
    scheduler: Scheduler | None = None


# The application's delivery parts, for surfaces mounted from outside this module and for tests.
DELIVERY = web.AppKey("delivery", ServerDelivery)


def _create_delivery(services: Services, options: DeliveryOptions) -> ServerDelivery:
    store = services.store
    calls = StoreCalls(store, timeout=options.store_timeout_s) if store is not None else None
    sender = Sender(calls, lease=options.lease, poll=options.poll, clock=options.clock)
    readiness = StoreReadiness(calls) if calls is not None else None
    if calls is None:
        return ServerDelivery(calls, sender, Inbox(calls, sender), readiness, options)
    education = EducationService(services.knowledge.curriculum, calls.store.education, clock=options.clock)
    scheduler = Scheduler(education, calls, sender, scheduling=options.scheduling, clock=options.clock)
    desk = EducationDesk(education, calls)
    return ServerDelivery(calls, sender, Inbox(calls, sender), readiness, options, desk, scheduler)


def _deliver_in_background(app: web.Application, delivery: ServerDelivery) -> None:
    async def run_sender(_: web.Application) -> AsyncIterator[None]:
        if delivery.readiness is not None:
            status = await delivery.readiness.migrate(timeout=delivery.options.startup_migration_timeout_s)
            log.info("store state=%s", status.value)
        await delivery.sender.start()
        yield
        await delivery.sender.close()
        if delivery.calls is not None:
            delivery.calls.close()

    app.cleanup_ctx.append(run_sender)


def _schedule_in_background(app: web.Application, scheduler: Scheduler) -> None:
    async def run_scheduler(_: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(scheduler.run(), name="herbot-scheduler")
        task.add_done_callback(_log_scheduler_failure)
        log.info("scheduler state=on owner=%s", scheduler.owner)
        yield
        await stop(task)
        log.info("scheduler state=off")

    app.cleanup_ctx.append(run_scheduler)


def _log_scheduler_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("scheduler stopped error=%s", type(task.exception()).__name__)


def _purge_in_background(app: web.Application, calls: StoreCalls, schedule: PurgeSchedule) -> None:
    async def run_purge(_: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(purge_periodically(calls, schedule), name="herbot-store-purge")
        task.add_done_callback(_log_purge_failure)
        log.info(
            "store purge state=on every_s=%g keep_requests_s=%g",
            schedule.every.total_seconds(),
            schedule.keep_requests.total_seconds(),
        )
        yield
        await stop(task)
        log.info("store purge state=off")

    app.cleanup_ctx.append(run_purge)


def _log_purge_failure(task: asyncio.Task[None]) -> None:
    # Anything but an unreachable store is a bug: say the purging stopped rather than lose it silently.
    if not task.cancelled() and task.exception() is not None:
        log.error("store purge stopped error=%s", type(task.exception()).__name__)


def _mount_slack(
    app: web.Application, settings: Settings, services: Services, delivery: ServerDelivery, *, socket_mode: bool
) -> None:
    from bot.slack import create_slack_app, slack_enabled, slack_routes

    if not slack_enabled(settings, socket_mode=socket_mode):
        needed = (
            "SLACK_APP_TOKEN and SLACK_BOT_TOKEN"
            if socket_mode
            else "SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN or OAuth"
        )
        log.info("surface=slack state=off reason=no credentials (set %s)", needed)
        return
    slack = create_slack_app(
        settings,
        services,
        inbox=delivery.inbox,
        sender=delivery.sender,
        calls=delivery.calls,
        socket_mode=socket_mode,
        education=delivery.education,
        scheduler=delivery.scheduler,
    )

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


def _mount_teams(app: web.Application, settings: Settings, services: Services, delivery: ServerDelivery) -> None:
    from bot.teams import PATH, create_teams_app, has_credentials, teams_off_reason

    reason = teams_off_reason(settings)
    if reason is not None:
        log.info("surface=teams state=off reason=%s", reason)
        return
    teams = create_teams_app(
        settings,
        services,
        inbox=delivery.inbox,
        sender=delivery.sender,
        calls=delivery.calls,
        education=delivery.education,
        scheduler=delivery.scheduler,
    )

    async def run_teams(_: web.Application) -> AsyncIterator[None]:
        yield
        await teams.close()

    app.cleanup_ctx.append(run_teams)
    app.add_routes([teams.route])
    auth = "bot-framework-jwt" if has_credentials(settings) else "none (loopback only)"
    log.info("surface=teams state=on path=%s auth=%s", PATH, auth)


def _socket_mode_handler(bolt: AsyncApp, settings: Settings) -> AsyncSocketModeHandler:
    """The Socket Mode handler; built inside the running loop, which its client needs."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    return AsyncSocketModeHandler(bolt, settings.slack_app_token)
