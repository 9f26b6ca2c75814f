"""Installing herbot into a workspace through Slack's OAuth flow, over HTTP against the real server.

The browser's part is played by an aiohttp client; slack.com's part by the local fake Web API.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import AsyncIterator, Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from fakes.slack_api import CLIENT_ID, CLIENT_SECRET, OAUTH_CODE, FakeSlackApi
from slack_requests import SIGNING_SECRET, event_body, mention, signed

from bot.server import create_server
from bot.services import Services
from bot.settings import Settings
from bot.slack.app import BOT_SCOPES
from bot.store import Store

STATE_COOKIE = "slack-app-oauth-state"
INSTALLED_TEAM = "T9"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every record at INFO, and herbot's own at DEBUG (the handler's level is set by the last call)."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="herbot")
    return caplog


class Browser:
    """The installing admin's browser, talking to the running server."""

    def __init__(self, server: TestServer, http: ClientSession) -> None:
        self.base = f"http://127.0.0.1:{server.port}"
        self.http = http

    async def install_page(self) -> tuple[int, str, str]:
        """``GET /slack/install``: status, page and the ``Set-Cookie`` header."""
        async with self.http.get(f"{self.base}/slack/install", allow_redirects=False) as response:
            return response.status, await response.text(), response.headers.get("Set-Cookie", "")

    async def start_install(self) -> str:
        """Open the install page and return the state it issued (as Slack would carry it back)."""
        status, page, _ = await self.install_page()
        assert status == 200
        return authorize_query(page)["state"][0]

    async def redirect(self, *, code: str, state: str, cookie_state: str | None) -> tuple[int, str]:
        """Slack sends the browser back to ``/slack/oauth_redirect``; the state cookie goes with it, if any."""
        headers = {"Cookie": f"{STATE_COOKIE}={cookie_state}"} if cookie_state is not None else {}
        url = f"{self.base}/slack/oauth_redirect"
        async with self.http.get(url, params={"code": code, "state": state}, headers=headers) as response:
            return response.status, await response.text()

    async def post_event(self, body: str) -> int:
        headers = signed(body, "application/json")
        async with self.http.post(f"{self.base}/slack/events", data=body.encode(), headers=headers) as response:
            return response.status


@pytest.fixture
async def browser(
    slack_api: FakeSlackApi, store: Store, make_services: Callable[[Store], Services], sqlite_url: str
) -> AsyncIterator[Browser]:
    settings = Settings(
        database_url=sqlite_url,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
    )
    server = TestServer(create_server(settings, make_services(store)), host="127.0.0.1")
    await server.start_server()
    async with ClientSession() as http:
        yield Browser(server, http)
    await server.close()


def authorize_query(page: str) -> dict[str, list[str]]:
    """The query of the page's slack.com authorize link."""
    [link] = re.findall(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    return parse_qs(urlsplit(html.unescape(link)).query)


def installed_rows(sqlite_url: str) -> dict[str, list[tuple[str, ...]]]:
    """What slack_sdk's installation store saved, read straight from the database file."""
    engine = sqlalchemy.create_engine(sqlite_url)
    try:
        rows = {}
        with engine.connect() as connection:
            for name in ("slack_installations", "slack_bots"):
                table = sqlalchemy.Table(name, sqlalchemy.MetaData(), autoload_with=connection)
                query = sqlalchemy.select(table.c.client_id, table.c.team_id, table.c.bot_token)
                rows[name] = [tuple(row) for row in connection.execute(query)]
        return rows
    finally:
        engine.dispose()


def table_names(sqlite_url: str) -> set[str]:
    engine = sqlalchemy.create_engine(sqlite_url)
    try:
        return set(sqlalchemy.inspect(engine).get_table_names())
    finally:
        engine.dispose()


async def test_install_page_links_to_slack_with_our_client_scopes_and_a_state_cookie(browser: Browser) -> None:
    status, page, set_cookie = await browser.install_page()
    query = authorize_query(page)
    assert status == 200
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"][0].split(",") == list(BOT_SCOPES)
    [state] = query["state"]
    assert set_cookie.startswith(f"{STATE_COOKIE}={state};")
    assert "HttpOnly" in set_cookie and "Secure" in set_cookie


async def test_install_saves_the_workspace_and_its_token_answers_mentions(
    browser: Browser, slack_api: FakeSlackApi, sqlite_url: str, logs: pytest.LogCaptureFixture
) -> None:
    state = await browser.start_install()
    status, page = await browser.redirect(code=OAUTH_CODE, state=state, cookie_state=state)
    assert (status, "Thank you!" in page) == (200, True)

    [exchange] = slack_api.answered("oauth.v2.access")
    assert (exchange.args["client_id"], exchange.args["code"], exchange.args["client_secret_matches"]) == (
        CLIENT_ID,
        OAUTH_CODE,
        True,
    )
    token = slack_api.oauth_token
    assert installed_rows(sqlite_url) == {
        "slack_installations": [(CLIENT_ID, INSTALLED_TEAM, token)],
        "slack_bots": [(CLIENT_ID, INSTALLED_TEAM, token)],
    }
    assert {"slack_installations", "slack_bots", "slack_oauth_states", "inbox"} <= table_names(sqlite_url)

    body = event_body(mention("what is HER2-low?", ts="900.1"), event_id="EvInstalled", team=INSTALLED_TEAM)
    assert await browser.post_event(body) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    [post] = slack_api.answered("chat.postMessage")
    assert (post.token, post.args["channel"], post.args["thread_ts"]) == (token, "C1", "900.1")

    assert logs.records, "expected herbot and its libraries to log something"
    for secret in (token, CLIENT_SECRET):
        assert secret not in logs.text
        assert not [record.name for record in logs.records if secret in record.getMessage()]


@pytest.mark.parametrize(
    ("code", "state", "cookie_state", "status", "reason"),
    [
        pytest.param(OAUTH_CODE, "never-issued", "never-issued", 401, "invalid_state", id="unknown-state"),
        pytest.param(OAUTH_CODE, "ISSUED", "another-state", 400, "invalid_browser", id="cookie-of-another-state"),
        pytest.param(OAUTH_CODE, "ISSUED", None, 400, "invalid_browser", id="no-state-cookie"),
        pytest.param("forged-code", "ISSUED", "ISSUED", 401, "invalid_code", id="code-slack-rejects"),
    ],
)
async def test_bad_state_or_code_shows_an_error_page_and_installs_nothing(
    browser: Browser,
    slack_api: FakeSlackApi,
    sqlite_url: str,
    code: str,
    state: str,
    cookie_state: str | None,
    status: int,
    reason: str,
) -> None:
    issued = await browser.start_install()
    state = issued if state == "ISSUED" else state
    cookie_state = issued if cookie_state == "ISSUED" else cookie_state
    shown, page = await browser.redirect(code=code, state=state, cookie_state=cookie_state)
    assert (shown, f"reason: {reason}" in page) == (status, True)
    assert installed_rows(sqlite_url) == {"slack_installations": [], "slack_bots": []}
    assert not slack_api.answered("auth.test")


async def test_a_replayed_state_is_refused_and_installs_nothing_more(
    browser: Browser, slack_api: FakeSlackApi, sqlite_url: str
) -> None:
    state = await browser.start_install()
    assert (await browser.redirect(code=OAUTH_CODE, state=state, cookie_state=state))[0] == 200
    status, page = await browser.redirect(code=OAUTH_CODE, state=state, cookie_state=state)
    assert (status, "reason: invalid_state" in page) == (401, True)
    assert len(slack_api.answered("oauth.v2.access")) == 1
    assert len(installed_rows(sqlite_url)["slack_bots"]) == 1


async def test_a_mention_from_a_workspace_that_never_installed_is_not_answered(
    browser: Browser, slack_api: FakeSlackApi
) -> None:
    body = event_body(mention("what is HER2-low?", ts="950.1"), event_id="EvStranger", team="T404")
    assert await browser.post_event(body) == 200
    # Bolt authorizes before it responds and starts no listener without an installation, so nothing can follow.
    assert not slack_api.answered("chat.postMessage")
    assert not slack_api.answered("auth.test")
