"""``herbot serve``: run the aiohttp server with every configured surface."""

from __future__ import annotations

import logging
from dataclasses import replace

import click

from bot.cli.failure import CommandFailed

__all__ = ["serve_command"]

LOG_LEVELS = ("debug", "info", "warning", "error")


@click.command("serve")
@click.option("--host", help="Listen address (default: HERBOT_HOST or 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), help="Listen port (default: HERBOT_PORT or 3978).")
@click.option("--socket-mode", is_flag=True, help="Connect to Slack over Socket Mode with SLACK_APP_TOKEN.")
@click.option(
    "--log-level",
    type=click.Choice(LOG_LEVELS, case_sensitive=False),
    default="info",
    show_default=True,
    help="Least severe level logged (JSON lines on stderr, never message text).",
)
def serve_command(host: str | None, port: int | None, socket_mode: bool, log_level: str) -> None:
    """Serve Slack (/slack/events), Teams (/api/messages), /healthz and /readyz; surfaces without credentials stay
    off (Teams without credentials is served on a loopback address only)."""
    from aiohttp import web

    from bot.education.scheduler import Scheduling
    from bot.logs import ACCESS_LOGGER, PathOnlyAccessLogger, configure_logging
    from bot.server import DeliveryOptions, create_server
    from bot.services import create_services
    from bot.settings import load_settings

    configure_logging(logging.getLevelNamesMapping()[log_level.upper()])
    settings = load_settings()
    # The surfaces judge the address they are served on (Teams without credentials: loopback only).
    settings = replace(settings, host=host or settings.host, port=port or settings.port)
    services = create_services(settings)
    scheduling = Scheduling(
        poll=settings.schedule_poll, lease=settings.schedule_lease, max_late=settings.schedule_max_late
    )
    options = DeliveryOptions(lease=settings.delivery_lease, scheduling=scheduling)
    app = create_server(settings, services, socket_mode=socket_mode, delivery_options=options)
    address = (settings.host, settings.port)
    try:
        web.run_app(
            app,
            host=address[0],
            port=address[1],
            print=None,
            access_log_class=PathOnlyAccessLogger,
            access_log=logging.getLogger(ACCESS_LOGGER),
        )
    except OSError as error:  # the address is taken, not ours, or not an address
        raise CommandFailed(
            f"cannot listen on {address[0]}:{address[1]}: {error.strerror or error}.", command="serve"
        ) from None
