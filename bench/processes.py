"""The apps under test as child processes: started, awaited until they serve, their CPU time read, stopped.

``bench_server`` runs one of the benchmark's own server modules (``bench.slack_server``, ``bench.teams_floor``),
which print ``listening <URL>`` once they serve (``bench.serving``); ``herbot_serve`` runs ``herbot serve``
itself and polls its ``/readyz``. Both stop the process with SIGTERM when their ``async with`` ends (SIGKILL if
it is still there ``STARTUP_TIMEOUT`` seconds later). ``ServerProcess.cpu_seconds`` reads the process's user
plus system time, all threads, from ``/proc/<pid>/stat``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import ClientError, ClientSession

from bench.serving import LISTENING

__all__ = ["STARTUP_TIMEOUT", "ServerProcess", "bench_server", "herbot_serve"]

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT = 30.0
# Settings herbot would read from the environment; the bench gives it only its own.
_HERBOT_ENVIRONMENT = ("HERBOT_", "SLACK_", "MICROSOFTAPP")


@dataclass(frozen=True, slots=True)
class ServerProcess:
    """One app under test in a child process: the URL it is measured at, and its CPU time so far."""

    process: asyncio.subprocess.Process
    url: str

    def cpu_seconds(self) -> float | None:
        """User plus system CPU time the server has used, from ``/proc`` (``None`` where there is none)."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        # Fields 14 and 15 of proc(5), counted after the ")" that ends the command name.
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def cpu_during(self, work: Awaitable[None]) -> float | None:
        """Await ``work``; the CPU seconds the server used meanwhile (``None`` where they cannot be read)."""
        before = self.cpu_seconds()
        await work
        after = self.cpu_seconds()
        return None if before is None or after is None else after - before


@asynccontextmanager
async def bench_server(module: str, *arguments: str, name: str) -> AsyncIterator[ServerProcess]:
    """Start ``python -m module arguments...`` from the project root, wait for ``listening <URL>``, stop it after.

    ``name`` is what the error says did not start.
    """
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *arguments,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path},
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), STARTUP_TIMEOUT)).decode().split()
        if line[:1] != [LISTENING]:
            raise RuntimeError(f"{name} did not start (exit status {process.returncode})")
        yield ServerProcess(process, line[1])
    finally:
        await _stop(process)


@asynccontextmanager
async def herbot_serve(
    database_url: str, folder: str, http: ClientSession, *, path: str
) -> AsyncIterator[ServerProcess]:
    """Start ``herbot serve`` on 127.0.0.1, wait until ``/readyz`` says its store is ready, and stop it afterwards.

    It runs in ``folder`` (no ``.env`` there) with only the settings given here, its logs going to ``os.devnull``;
    it is measured at ``path`` (``/api/messages``, say).
    """
    port = _free_port()
    kept = {k: v for k, v in os.environ.items() if not k.upper().startswith(_HERBOT_ENVIRONMENT)}
    settings = {"HERBOT_DATABASE_URL": database_url, "HERBOT_HOST": "127.0.0.1", "HERBOT_PORT": str(port)}
    serve = [sys.executable, "-m", "bot.cli", "serve", "--log-level", "info"]
    process = await asyncio.create_subprocess_exec(
        *serve,
        cwd=folder,
        env={**kept, **settings},
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not await _ready(http, f"{base}/readyz"):
            if process.returncode is not None or time.monotonic() > deadline:
                status = process.returncode
                raise RuntimeError(f"herbot serve did not become ready (exit status {status}); try it by hand")
            await asyncio.sleep(0.05)
        yield ServerProcess(process, f"{base}{path}")
    finally:
        await _stop(process)


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), STARTUP_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _ready(http: ClientSession, url: str) -> bool:
    try:
        async with http.get(url) as response:
            return response.status == 200
    except ClientError:
        return False
