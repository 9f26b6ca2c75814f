"""One app under test for ``bench/slack_endpoint.py``, in its own process: herbot's server or a floor app.

    python -m bench.slack_server herbot|bare|floor --api-url URL [--database-url URL] [--profile FILE]

Prints ``listening <events URL>`` once it serves on a free loopback port, and stops on SIGTERM or SIGINT.
herbot runs as ``herbot serve`` runs it (``create_server``, its access logger, JSON logs at INFO, here to
``os.devnull``); the floors (``bench/floor_apps.py``) are Bolt's own aiohttp server, logging the same way.
``--profile FILE`` profiles every thread of the server (cProfile) and writes their merged statistics to FILE
when it stops, for ``python -m pstats FILE``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import pstats
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from aiohttp import web

from bench.fake_slack import BOT_TOKEN
from bench.floor_apps import answer_payload, bare_app, store_floor_app
from bench.serving import serve_until_stopped
from bot.logs import ACCESS_LOGGER, PathOnlyAccessLogger, configure_logging

__all__ = ["APPS", "COMMAND_TEXT", "SIGNING_SECRET", "main"]

SIGNING_SECRET = "bench-signing-secret"
COMMAND_TEXT = "IHC 2+ ratio 1.6 copies 3.2"
APPS = ("herbot", "bare", "floor")


def _herbot_app(api_url: str, database_url: str) -> tuple[web.Application, Callable[[], None]]:
    from bot.server import create_server
    from bot.services import create_services
    from bot.settings import Settings

    settings = Settings(
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api_url,
    )
    services = create_services(settings)
    store = services.store
    return create_server(settings, services), (store.close if store is not None else lambda: None)


def build_app(app_name: str, api_url: str, database_url: str | None) -> tuple[web.Application, Callable[[], None]]:
    """The application to serve, and what to call once it stopped."""
    if app_name == "bare":
        return bare_app(SIGNING_SECRET, api_url, answer_payload(COMMAND_TEXT)), lambda: None
    if database_url is None:
        raise SystemExit(f"{app_name} needs --database-url")
    if app_name == "floor":
        return store_floor_app(SIGNING_SECRET, api_url, answer_payload(COMMAND_TEXT), database_url)
    return _herbot_app(api_url, database_url)


async def serve_app(app_name: str, api_url: str, database_url: str | None) -> None:
    """Serve one app on 127.0.0.1 until SIGTERM or SIGINT."""
    app, close = build_app(app_name, api_url, database_url)
    access = {"access_log_class": PathOnlyAccessLogger} if app_name == "herbot" else {}
    try:
        await serve_until_stopped(app, "/slack/events", access_log=logging.getLogger(ACCESS_LOGGER), **access)
    finally:
        close()


@contextmanager
def profiling(path: str | None) -> Iterator[None]:
    """Profile this thread and every thread started meanwhile; write the merged statistics to ``path``."""
    if path is None:
        yield
        return
    profiles = [cProfile.Profile()]

    def profile_new_thread(*_: object) -> None:
        sys.setprofile(None)
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()

    threading.setprofile(profile_new_thread)
    profiles[0].enable()
    try:
        yield
    finally:
        profiles[0].disable()
        threading.setprofile(None)  # type: ignore[arg-type]
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        stats.dump_stats(path)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.slack_server", description=__doc__.splitlines()[0])
    parser.add_argument("app", choices=APPS)
    parser.add_argument("--api-url", required=True, help="the fake Slack Web API, ending in /api/")
    parser.add_argument("--database-url", help="the store of herbot or the store floor")
    parser.add_argument("--profile", metavar="FILE", help="write cProfile statistics of every thread to FILE")
    args = parser.parse_args(argv)
    with open(os.devnull, "w") as sink, profiling(args.profile):
        configure_logging(logging.INFO, stream=sink)
        asyncio.run(serve_app(args.app, args.api_url, args.database_url))


if __name__ == "__main__":
    main()
