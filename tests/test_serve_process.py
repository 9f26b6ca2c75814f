"""``herbot serve`` as a real process: its argv, its environment, its port, its log, its exit.

Each test starts ``python -m bot.cli serve`` on a free port in an empty working folder, polls until it
answers (with a deadline), talks HTTP to it, and stops it with SIGTERM. The fake Slack Web API runs in
the test's own event loop, so the process reaches it over TCP as it would reach slack.com.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import ClientConnectionError, ClientSession
from fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlackApi
from leaks import found
from slack_requests import SIGNING_SECRET, command_body, signed

REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0
SLACK_ACK_BUDGET = 3.0
FORM = "application/x-www-form-urlencoded"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def environment(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The test's environment without any herbot, Slack or Bot Framework setting, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HERBOT_", "MicrosoftApp"))}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
    env["HERBOT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'herbot.db'}"
    return {**env, **variables}


class Served:
    """A running ``herbot serve``: its base URL, an HTTP client and its log."""

    def __init__(self, process: asyncio.subprocess.Process, port: int, log_path: Path, http: ClientSession) -> None:
        self.process = process
        self.base = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self.http = http

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def logged(self, **fields: object) -> bool:
        """Some line of the log (each one a JSON object) holds all of ``fields``."""
        return any(fields.items() <= json.loads(line).items() for line in self.log.splitlines())

    async def get(self, path: str) -> tuple[int, Any]:
        async with self.http.get(f"{self.base}{path}") as response:
            is_json = response.content_type == "application/json"
            return response.status, await (response.json() if is_json else response.text())

    async def post(self, path: str, body: str, headers: dict[str, str]) -> int:
        async with self.http.post(f"{self.base}{path}", data=body.encode(), headers=headers) as response:
            return response.status

    async def wait_until_serving(self, ready: Callable[[str], bool] = lambda log: True) -> None:
        """Poll ``/healthz`` (and ``ready(log)``) until both hold; fail if the process dies or time runs out."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self.process.returncode is not None:
                raise AssertionError(f"herbot serve exited with {self.process.returncode}:\n{self.log}")
            try:
                if (await self.get("/healthz"))[0] == 200 and ready(self.log):
                    return
            except ClientConnectionError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"herbot serve did not come up in {START_TIMEOUT}s:\n{self.log}")
            await asyncio.sleep(0.05)

    async def stop(self) -> int:
        """SIGTERM, as a container runtime sends it; the exit status."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            raise AssertionError(f"herbot serve ignored SIGTERM for {STOP_TIMEOUT}s:\n{self.log}") from None


@asynccontextmanager
async def herbot_serve(tmp_path: Path, env: dict[str, str], *options: str) -> AsyncIterator[Served]:
    port = free_port()
    log_path = tmp_path / "serve.log"
    argv = [sys.executable, "-m", "bot.cli", "serve", "--port", str(port), *options]
    with log_path.open("wb") as log_file:
        process = await asyncio.create_subprocess_exec(
            *argv, cwd=tmp_path, env=env, stdin=asyncio.subprocess.DEVNULL, stdout=log_file, stderr=log_file
        )
        try:
            async with ClientSession() as http:
                yield Served(process, port, log_path, http)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def test_without_credentials_it_serves_health_and_says_why_slack_is_off(tmp_path: Path) -> None:
    async with herbot_serve(tmp_path, environment(tmp_path)) as served:
        await served.wait_until_serving()
        assert await served.get("/healthz") == (200, {"status": "ok"})
        assert await served.get("/readyz") == (200, {"status": "ok", "store": True})
        assert await served.post("/slack/events", "{}", {"Content-Type": "application/json"}) == 404
        assert await served.stop() == 0
    assert served.logged(
        surface="slack", state="off", reason="no credentials (set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN or OAuth)"
    )
    assert (tmp_path / "herbot.db").is_file()


async def test_with_a_bot_token_a_signed_command_is_acked_in_time_and_answered(
    tmp_path: Path, slack_api: FakeSlackApi
) -> None:
    env = environment(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        HERBOT_SLACK_API_URL=slack_api.api_url,
    )
    async with herbot_serve(tmp_path, env) as served:
        await served.wait_until_serving()
        assert served.logged(surface="slack", state="on", mode="http", path="/slack/events", oauth=False)
        body = command_body("IHC 3+", slack_api.response_url("p1"))
        started = time.monotonic()
        status = await served.post("/slack/events", body, signed(body, FORM))
        acked_in = time.monotonic() - started
        assert (status, acked_in < SLACK_ACK_BUDGET) == (200, True), f"acked in {acked_in:.2f}s"
        await slack_api.wait_for(lambda: slack_api.answered("response_url:p1"))
        assert slack_api.answered("response_url:p1")[0].args["text"].startswith("HER2-positive")
        assert await served.stop() == 0
    assert BOT_TOKEN not in served.log and SIGNING_SECRET not in served.log


async def test_socket_mode_connects_from_a_real_process_and_answers(tmp_path: Path, slack_api: FakeSlackApi) -> None:
    env = environment(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN, HERBOT_SLACK_API_URL=slack_api.api_url
    )
    async with herbot_serve(tmp_path, env, "--socket-mode") as served:
        await served.wait_until_serving()
        assert served.logged(surface="slack", state="on", mode="socket")
        payload = dict(parse_qsl(command_body("what is HER2-low?", slack_api.response_url("s1"))))
        envelope_id = await slack_api.send_envelope("slash_commands", payload, accepts_response_payload=True)
        await slack_api.wait_for(lambda: slack_api.acked(envelope_id))
        await slack_api.wait_for(lambda: slack_api.answered("response_url:s1"))
        assert slack_api.answered("response_url:s1")[0].args["text"].startswith("HER2-low means")
        assert await served.stop() == 0
    assert [call.token for call in slack_api.answered("apps.connections.open")] == [APP_TOKEN]
    assert APP_TOKEN not in served.log and BOT_TOKEN not in served.log
    assert json.dumps({"envelope_id": envelope_id}) in [json.dumps(message) for message in slack_api.socket_messages]


async def test_at_debug_the_log_is_json_lines_without_the_text_of_refused_or_answered_requests(
    tmp_path: Path, slack_api: FakeSlackApi
) -> None:
    env = environment(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, HERBOT_SLACK_API_URL=slack_api.api_url
    )
    body = command_body("IHC 3+ for Jane Roe MRN 4417-2291\n{}", slack_api.response_url("d1"))
    async with herbot_serve(tmp_path, env, "--log-level", "debug") as served:
        await served.wait_until_serving()
        assert await served.post("/slack/events", body, {"Content-Type": FORM}) == 401
        assert await served.post("/slack/events", body, signed(body, FORM)) == 200
        await slack_api.wait_for(lambda: slack_api.answered("response_url:d1"))
        assert await served.stop() == 0
    assert served.logged(logger="herbot.http", route="/slack/events", status=401)
    assert served.logged(logger="herbot.http", route="/slack/events", status=200)
    assert found(("Jane", "Roe", "4417-2291", "IHC 3+"), served.log) == []
