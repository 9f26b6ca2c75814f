"""aiohttp applications served on a free 127.0.0.1 port: the fakes in the benchmark's loop, the apps under test alone.

``LoopbackSite`` serves one application on a port the system picks (the fakes start and close theirs in the
benchmark's own event loop). ``serve_until_stopped`` is how each app under test runs in its own process: it
prints ``listening <URL>`` once it serves, the line ``bench.processes`` waits for, and stops on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from aiohttp import web

__all__ = ["LISTENING", "LoopbackSite", "serve_until_stopped"]

LISTENING = "listening"


class LoopbackSite:
    """One aiohttp application served on 127.0.0.1, on a port the system picks; ``runner_options`` go to its runner."""

    def __init__(self, app: web.Application, **runner_options: Any) -> None:
        self._app = app
        self._runner_options = runner_options
        self._runner: web.AppRunner | None = None
        self.base_url = ""  # http://127.0.0.1:<port>, once started

    async def start(self) -> str:
        """Listen; the base URL, ``http://127.0.0.1:<port>``."""
        runner = web.AppRunner(self._app, **self._runner_options)
        await runner.setup()
        self._runner = runner
        try:
            await web.TCPSite(runner, "127.0.0.1", 0).start()
        except BaseException:
            await self.close()
            raise
        host, port = runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    async def close(self) -> None:
        """Stop listening (nothing to do if it never started)."""
        if self._runner is not None:
            await self._runner.cleanup()


async def serve_until_stopped(app: web.Application, path: str, **runner_options: Any) -> None:
    """Serve ``app``, print ``listening <URL of path>``, and return once SIGTERM or SIGINT arrived."""
    site = LoopbackSite(app, **runner_options)
    try:
        base = await site.start()
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopped.set)
        print(f"{LISTENING} {base}{path}", flush=True)
        await stopped.wait()
    finally:
        await site.close()
