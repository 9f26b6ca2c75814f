"""Who may post to ``/api/messages``: with Bot Framework credentials, only a request carrying a channel token.

The tokens come from a local issuer (``fakes.bot_tokens``) whose OpenID metadata herbot is pointed at through
``HERBOT_TEAMS_OPENID_METADATA_URL``; botbuilder fetches its keys and checks each token as it would the
Bot Framework's. Without credentials herbot serves Teams only on a loopback address: in process here, and as
a real ``herbot serve`` bound to every address, where the route stays off and the log says why.

Replies under credentials are not checked here: sending one needs a token from Microsoft Entra ID, which a
test cannot reach.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from fakes.bot_connector import FakeBotConnector
from fakes.bot_tokens import BotTokenIssuer
from herbot_process import HerbotProcess, serve_environment
from teams_activities import APP_ID, TENANT_ID, personal_message
from teams_herbot import TeamsHerbot, accepted, serve_teams

from bot.services import Services
from bot.settings import Settings
from bot.store import Store

APP_PASSWORD = "test-app-password-not-real"
OTHER_APP_ID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture
def issuer() -> Iterator[BotTokenIssuer]:
    """A token issuer on a port of its own: botbuilder caches keys per metadata URL for the whole process."""
    with BotTokenIssuer() as started:
        yield started


def credentialed(database_url: str, issuer: BotTokenIssuer, **overrides: Any) -> Settings:
    """Settings of a single-tenant Azure Bot whose channel tokens come from ``issuer``."""
    return Settings(
        database_url=database_url,
        microsoft_app_id=APP_ID,
        microsoft_app_password=APP_PASSWORD,
        microsoft_app_type="SingleTenant",
        microsoft_app_tenant_id=TENANT_ID,
        teams_openid_metadata_url=issuer.metadata_url,
        **overrides,
    )


@pytest.fixture
async def guarded(
    issuer: BotTokenIssuer,
    bot_connector: FakeBotConnector,
    store: Store,
    make_services: Callable[[Store], Services],
    sqlite_url: str,
) -> AsyncIterator[TeamsHerbot]:
    """herbot's server with Bot Framework credentials, trusting the local issuer's keys."""
    async with serve_teams(credentialed(sqlite_url, issuer), make_services(store), bot_connector) as served:
        yield served


Header = Callable[[BotTokenIssuer, str], str | None]


@pytest.mark.parametrize(
    "authorization",
    [
        pytest.param(lambda issuer, url: None, id="no-header"),
        pytest.param(lambda issuer, url: "Bearer", id="bearer-without-token"),
        pytest.param(lambda issuer, url: "Bearer not.a.jwt", id="not-a-jwt"),
        pytest.param(lambda issuer, url: f"Basic {issuer.sign_token(APP_ID, url)}", id="not-bearer"),
        pytest.param(lambda issuer, url: issuer.authorization(APP_ID, url, wrong_key=True), id="signed-by-another-key"),
        pytest.param(lambda issuer, url: issuer.authorization(APP_ID, url, expired=True), id="expired"),
        pytest.param(lambda issuer, url: issuer.authorization(APP_ID, url, audience=OTHER_APP_ID), id="other-bot"),
        pytest.param(
            lambda issuer, url: issuer.authorization(APP_ID, url, issuer="https://sts.example.invalid/"),
            id="other-issuer",
        ),
        pytest.param(
            lambda issuer, url: issuer.authorization(APP_ID, "https://smba.example.invalid/"),
            id="other-service-url",
        ),
    ],
)
async def test_without_a_valid_channel_token_the_request_is_refused_and_not_answered(
    guarded: TeamsHerbot, bot_connector: FakeBotConnector, issuer: BotTokenIssuer, authorization: Header
) -> None:
    url = bot_connector.service_url
    assert (
        await guarded.send(personal_message("IHC 3+", service_url=url), authorization=authorization(issuer, url)) == 401
    )
    # Refused before the turn: nothing was recorded, so nothing will ever be sent.
    assert bot_connector.received() == []


async def test_a_valid_channel_token_is_accepted(
    guarded: TeamsHerbot, bot_connector: FakeBotConnector, issuer: BotTokenIssuer
) -> None:
    url = bot_connector.service_url
    assert accepted(
        await guarded.send(personal_message("IHC 3+", service_url=url), authorization=issuer.authorization(APP_ID, url))
    )
    assert issuer.fetched == ["/v1/.well-known/openidconfiguration", "/v1/.well-known/keys"]


async def test_without_credentials_on_a_loopback_address_teams_is_served(
    teams_herbot: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    assert accepted(await teams_herbot.send(personal_message("IHC 3+", service_url=bot_connector.service_url)))
    [reply] = await bot_connector.wait_for(1)
    assert reply.authorization is None


def _logged(log: str, **fields: object) -> bool:
    """Some line of ``herbot serve``'s JSON log holds all of ``fields``."""
    return any(fields.items() <= json.loads(line).items() for line in log.splitlines() if line.startswith("{"))


async def _post_activity(process: HerbotProcess, activity: dict[str, Any], authorization: str | None = None) -> int:
    headers = {"Content-Type": "application/json"} | ({"Authorization": authorization} if authorization else {})
    url = f"http://127.0.0.1:{process.port}/api/messages"
    async with process.http.post(url, data=json.dumps(activity).encode(), headers=headers) as response:
        return response.status


async def test_herbot_serve_on_every_address_without_credentials_leaves_teams_off_and_says_why(
    tmp_path: Path, bot_connector: FakeBotConnector
) -> None:
    env = serve_environment(HERBOT_HOST="0.0.0.0", HERBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'herbot.db'}")
    async with ClientSession() as http:
        process = HerbotProcess(tmp_path, env, http)
        await process.start()
        try:
            status = await _post_activity(process, personal_message("IHC 3+", service_url=bot_connector.service_url))
        finally:
            await process.stop()
    assert status == 404
    assert _logged(process.log(), surface="teams", state="off"), process.log()
    assert "no credentials on a non-loopback address" in process.log()
    assert bot_connector.received() == []


async def test_herbot_serve_on_every_address_with_credentials_serves_teams_behind_tokens(
    tmp_path: Path, bot_connector: FakeBotConnector, issuer: BotTokenIssuer
) -> None:
    env = serve_environment(
        HERBOT_HOST="0.0.0.0",
        HERBOT_DATABASE_URL=f"sqlite:///{tmp_path / 'herbot.db'}",
        MicrosoftAppId=APP_ID,
        MicrosoftAppPassword=APP_PASSWORD,
        MicrosoftAppType="SingleTenant",
        MicrosoftAppTenantId=TENANT_ID,
        HERBOT_TEAMS_OPENID_METADATA_URL=issuer.metadata_url,
    )
    activity = personal_message("IHC 3+", service_url=bot_connector.service_url)
    async with ClientSession() as http:
        process = HerbotProcess(tmp_path, env, http)
        await process.start()
        try:
            status = await _post_activity(
                process, activity, issuer.authorization(APP_ID, bot_connector.service_url, audience=OTHER_APP_ID)
            )
        finally:
            await process.stop()
    assert status == 401  # the route is there, and refuses a token for another bot
    assert _logged(process.log(), surface="teams", state="on", auth="bot-framework-jwt"), process.log()
    assert APP_PASSWORD not in process.log()


class HeldKeyEndpoint:
    """A signing-key endpoint that answers only when the test lets it, then with ``status``: botbuilder's
    blocking fetch of the keys hangs on it meanwhile."""

    def __init__(self, status: int) -> None:
        self.asked = threading.Event()
        self.release = threading.Event()
        held = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                held.asked.set()
                held.release.wait(timeout=30)
                self.send_response(status)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def metadata_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1/.well-known/openidconfiguration"

    def __enter__(self) -> HeldKeyEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


async def test_a_hanging_key_endpoint_stalls_nothing_else_and_the_request_is_refused_503(
    issuer: BotTokenIssuer,
    bot_connector: FakeBotConnector,
    store: Store,
    make_services: Callable[[Store], Services],
    sqlite_url: str,
) -> None:
    url = bot_connector.service_url
    activity, token = personal_message("IHC 3+", service_url=url), issuer.authorization(APP_ID, url)
    with HeldKeyEndpoint(503) as keys:
        settings = replace(credentialed(sqlite_url, issuer), teams_openid_metadata_url=keys.metadata_url)
        async with serve_teams(settings, make_services(store), bot_connector) as served:
            sent = asyncio.create_task(served.send(activity, authorization=token))
            assert await asyncio.to_thread(keys.asked.wait, 30)
            # botbuilder is blocked in its fetch of the keys; the server's loop is not.
            async with served.http.get(served.server.make_url("/healthz")) as health:
                assert health.status == 200
            keys.release.set()
            assert await sent == 503
    assert bot_connector.received() == []
