"""The floor herbot's Teams endpoint is measured against: a bare botbuilder echo bot, in its own process.

botbuilder as its samples show it: ``CloudAdapter(ConfigurationBotFrameworkAuthentication(config))`` with an
empty ``APP_ID`` (no JWT check, no token on replies, as herbot on a loopback address without credentials),
an ``ActivityHandler`` whose ``on_message_activity`` sends ``"echo"``, and aiohttp serving
``POST /api/messages`` through ``adapter.process``. The reply goes through botbuilder's own
``ConnectorClient`` to the activity's ``serviceUrl`` inside the turn, so this bot answers before it acks.

    python -m bench.teams_floor

Prints ``listening <messages URL>`` once it serves on a free loopback port, and stops on SIGTERM or SIGINT.
It logs as ``bench/slack_server.py`` has its floors log: JSON at INFO and the access log, to ``os.devnull``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

from aiohttp import web
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication

from bench.serving import serve_until_stopped
from bot.logs import ACCESS_LOGGER, configure_logging

__all__ = ["ECHO", "PATH", "EchoBot", "echo_app", "main"]

PATH = "/api/messages"
ECHO = "echo"


@dataclass(frozen=True)
class EchoConfiguration:
    """What botbuilder reads from its configuration object: no app id, so no authentication either way."""

    APP_ID: str = ""
    APP_PASSWORD: str = ""
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str = ""


class EchoBot(ActivityHandler):
    """Answers every message with ``"echo"``."""

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Reply ``"echo"`` to the message, inside the turn."""
        await turn_context.send_activity(ECHO)


def echo_app() -> web.Application:
    """aiohttp serving ``POST /api/messages`` through a ``CloudAdapter`` and ``EchoBot``."""
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(EchoConfiguration()))
    bot = EchoBot()

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        return response if response is not None else web.Response(status=201)

    app = web.Application()
    app.router.add_post(PATH, messages)
    return app


async def serve_echo_bot() -> None:
    """Serve the echo bot on 127.0.0.1 until SIGTERM or SIGINT."""
    await serve_until_stopped(echo_app(), PATH, access_log=logging.getLogger(ACCESS_LOGGER))


def main(argv: Sequence[str] | None = None) -> None:
    """Serve the floor until stopped."""
    parser = argparse.ArgumentParser(prog="python -m bench.teams_floor", description=__doc__.splitlines()[0])
    parser.parse_args(argv)  # no options: each activity brings the service URL to reply to
    with open(os.devnull, "w") as sink:
        configure_logging(logging.INFO, stream=sink)
        asyncio.run(serve_echo_bot())


if __name__ == "__main__":
    main()
