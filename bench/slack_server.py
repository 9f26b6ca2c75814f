"""One app under test for ``bench/slack_endpoint.py``, in its own process: herbot's server or a bare Bolt app.

    python -m bench.slack_server herbot|bare --api-url URL [--database-url URL]

Prints ``listening <events URL>`` once it serves on a free loopback port, and stops on SIGTERM or SIGINT.
Both apps sit behind herbot's Slack routes (``bot.slack.slack_routes``) with ``herbot serve``'s access
logger, and log as ``herbot serve`` does, to ``os.devnull``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench.fake_slack import BOT_TOKEN
from bot.server import PathOnlyAccessLogger, create_server
from bot.services import create_services
from bot.settings import Settings
from bot.slack import SlackApp, slack_routes

__all__ = ["APPS", "SIGNING_SECRET", "bare_app", "main"]

SIGNING_SECRET = "bench-signing-secret"
APPS = ("herbot", "bare")


def bare_app(api_url: str) -> web.Application:
    """A Bolt app whose ``/her2`` listener only acks, behind herbot's own Slack routes."""
    bolt = AsyncApp(signing_secret=SIGNING_SECRET, client=AsyncWebClient(token=BOT_TOKEN, base_url=api_url))

    @bolt.command("/her2")
    async def her2_command(ack: object) -> None:
        await ack()  # type: ignore[operator]

    app = web.Application()
    app.add_routes(slack_routes(SlackApp(bolt, None), signing_secret=SIGNING_SECRET))
    return app


@contextmanager
def logging_like_serve() -> Iterator[None]:
    """INFO logs formatted as ``herbot serve`` formats them, written to ``os.devnull``."""
    root, bolt_logger = logging.getLogger(), logging.getLogger("slack_bolt")
    saved = (root.level, bolt_logger.level)
    with open(os.devnull, "w") as sink:
        handler = logging.StreamHandler(sink)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        bolt_logger.setLevel(logging.WARNING)
        try:
            yield
        finally:
            root.removeHandler(handler)
            root.setLevel(saved[0])
            bolt_logger.setLevel(saved[1])


async def serve_until_stopped(app_name: str, api_url: str, database_url: str | None) -> None:
    """Serve one app on 127.0.0.1 until SIGTERM or SIGINT."""
    services = None
    if app_name == "herbot":
        if database_url is None:
            raise SystemExit("herbot needs --database-url")
        settings = Settings(
            database_url=database_url,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=api_url,
        )
        services = create_services(settings)
        app = create_server(settings, services)
    else:
        app = bare_app(api_url)
    runner = web.AppRunner(app, access_log_class=PathOnlyAccessLogger)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopped.set)
        print(f"listening http://{host}:{port}/slack/events", flush=True)
        await stopped.wait()
    finally:
        await runner.cleanup()
        if services is not None and services.store is not None:
            services.store.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.slack_server", description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=APPS)
    parser.add_argument("--api-url", required=True, help="the fake Slack Web API, ending in /api/")
    parser.add_argument("--database-url", help="herbot's store (a fresh SQLite file)")
    args = parser.parse_args(argv)
    with logging_like_serve():
        asyncio.run(serve_until_stopped(args.app, args.api_url, args.database_url))


if __name__ == "__main__":
    main()
