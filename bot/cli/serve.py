"""``herbot serve``: run the aiohttp server with every configured surface."""

from __future__ import annotations

import logging

import click

from bot.errors import HerbotError
from bot.settings import load_settings

__all__ = ["serve_command"]


@click.command("serve")
@click.option("--host", help="Listen address (default: HERBOT_HOST or 127.0.0.1).")
@click.option("--port", type=int, help="Listen port (default: HERBOT_PORT or 3978).")
@click.option("--socket-mode", is_flag=True, help="Connect to Slack over Socket Mode with SLACK_APP_TOKEN.")
def serve_command(host: str | None, port: int | None, socket_mode: bool) -> None:
    """Serve Slack (/slack/events), /healthz and /readyz; surfaces without credentials stay off."""
    from aiohttp import web

    from bot.server import PathOnlyAccessLogger, create_server
    from bot.services import create_services

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    try:
        settings = load_settings()
        services = create_services(settings)
        app = create_server(settings, services, socket_mode=socket_mode)
    except HerbotError as error:
        raise click.ClickException(str(error)) from None
    web.run_app(
        app, host=host or settings.host, port=port or settings.port, print=None, access_log_class=PathOnlyAccessLogger
    )
