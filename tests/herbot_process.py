"""``herbot serve`` as a real process that a test can start, talk to as Slack does, kill with SIGKILL and restart.

The process runs ``python -m bot.cli serve`` from the repository on a free port, with the environment the
test gives it; its log goes to a file the test can read when something fails.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

from aiohttp import ClientConnectionError, ClientSession

__all__ = ["HerbotProcess", "free_port", "serve_environment"]

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve_environment(**variables: str) -> dict[str, str]:
    """The test's environment without any herbot, Slack or Bot Framework setting, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HERBOT_", "MicrosoftApp"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    return {**env, **variables}


class HerbotProcess:
    """One ``herbot serve`` process at a time, on one port, restartable."""

    def __init__(self, workdir: Path, env: dict[str, str], http: ClientSession) -> None:
        self.workdir = workdir
        self.env = env
        self.http = http
        self.port = free_port()
        self.process: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"serve-{self.runs}.log"

    def log(self) -> str:
        return "\n".join(
            (self.workdir / f"serve-{run}.log").read_text(encoding="utf-8", errors="replace")
            for run in range(1, self.runs + 1)
        )

    async def start(self) -> None:
        """Start the process and wait until ``/healthz`` answers."""
        assert self.process is None or self.process.returncode is not None, "already running"
        self.runs += 1
        argv = [sys.executable, "-m", "bot.cli", "serve", "--port", str(self.port)]
        with self.log_path.open("wb") as log_file:
            self.process = await asyncio.create_subprocess_exec(
                *argv,
                cwd=self.workdir,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log_file,
                stderr=log_file,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not await self._healthy():
            if self.process.returncode is not None:
                raise AssertionError(f"herbot serve exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"herbot serve did not come up in {START_TIMEOUT_S}s:\n{self.log()}")
            await asyncio.sleep(0.05)

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no cleanup, nothing flushed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM if still running, SIGKILL if it does not stop."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            await self.kill()

    async def post(self, body: str, headers: dict[str, str]) -> int | None:
        """Post to ``/slack/events``; the status, or ``None`` if the connection broke (the process died)."""
        try:
            async with self.http.post(self.events_url, data=body.encode(), headers=headers) as response:
                return response.status
        except ClientConnectionError:
            return None

    async def _healthy(self) -> bool:
        try:
            async with self.http.get(f"http://127.0.0.1:{self.port}/healthz") as response:
                return response.status == 200
        except ClientConnectionError:
            return False
