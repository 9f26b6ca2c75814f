"""Shared fixtures: the knowledge and router are built once; stores and servers are real and per test."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from databases import POSTGRES_URL, TEST_STORE_TIMEOUT_S, FakeClock, postgres_schema_url
from fakes.slack_api import BOT_TOKEN, FakeSlackApi
from fakes.tcp_proxy import TcpProxy
from slack_herbot import Herbot
from slack_requests import SIGNING_SECRET
from sqlalchemy import make_url

from bot.knowledge import Knowledge, load_knowledge
from bot.logs import configure_logging
from bot.server import DeliveryOptions, create_server
from bot.services import Services, assemble_services
from bot.settings import Settings
from bot.store import Store, create_store
from intents.detection import load_detector
from intents.detection.questions import load_question_matcher
from intents.router import Router


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def router(knowledge: Knowledge) -> Router:
    return Router(knowledge, load_detector(), load_question_matcher(knowledge.questions))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'herbot.db'}"


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Store]:
    created = create_store(sqlite_url)
    yield created
    created.close()


@pytest.fixture
def make_services(knowledge: Knowledge, router: Router) -> Callable[[Store], Services]:
    return lambda store: assemble_services(knowledge, router, store)


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(not POSTGRES_URL, reason="HERBOT_TEST_POSTGRES_URL is not set"),
            ],
        ),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database for one test: an SQLite file, and a fresh PostgreSQL schema when one is configured."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'herbot.db'}"
    else:
        assert POSTGRES_URL is not None
        yield from postgres_schema_url(POSTGRES_URL)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def open_store(database_url: str, clock: FakeClock) -> Iterator[Callable[[], Store]]:
    """Open another store (a replica) on the test database, its clock ``clock``; all are closed at the end."""
    opened: list[Store] = []

    def open_one() -> Store:
        opened.append(create_store(database_url, clock=clock, slot_ttl=timedelta(minutes=30)))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    """A local fake of Slack's Web API, recording every call."""
    fake = FakeSlackApi()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def herbot(
    slack_api: FakeSlackApi, store: Store, make_services: Callable[[Store], Services], sqlite_url: str
) -> AsyncIterator[Herbot]:
    """herbot's real server with Slack on, its Web API calls going to the local fake."""
    settings = Settings(
        database_url=sqlite_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
    )
    options = DeliveryOptions(store_timeout_s=TEST_STORE_TIMEOUT_S)
    server = TestServer(create_server(settings, make_services(store), delivery_options=options), host="127.0.0.1")
    await server.start_server()
    async with ClientSession() as http:
        yield Herbot(server, http)
    await server.close()


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """herbot's logging at DEBUG into a buffer; every logger as it was afterwards."""
    root = logging.getLogger()
    loggers = [root, *(lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger))]
    saved = [(lg, lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    buffer = io.StringIO()
    configure_logging(logging.DEBUG, buffer)
    yield buffer
    logging.captureWarnings(False)
    before = {lg for lg, *_ in saved}
    for lg in [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]:
        if lg not in before:  # made during the test (Bolt's, botbuilder's, msal's): back to the root's level
            lg.setLevel(logging.NOTSET)
    for lg, level, handlers, propagate, disabled in saved:
        for handler in list(lg.handlers):
            lg.removeHandler(handler)
        for handler in handlers:
            lg.addHandler(handler)
        lg.setLevel(level)
        lg.propagate, lg.disabled = propagate, disabled


@pytest.fixture
def proxied_postgres() -> Iterator[tuple[TcpProxy, str]]:
    """A PostgreSQL test schema reached through a TCP proxy that can stall or refuse, and its URL."""
    if not POSTGRES_URL:
        pytest.skip("HERBOT_TEST_POSTGRES_URL is not set")
    url = make_url(POSTGRES_URL)
    schema_urls = postgres_schema_url(POSTGRES_URL)
    direct = next(schema_urls)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield proxy, proxy.url_for(direct)
    next(schema_urls, None)


# ---------------------------------------------------------------------------------------------------------------
# Teams: a fake Bot Connector, and herbot's server with Teams on (no credentials, on a loopback address).
# Imported here rather than at the top so this block stands alone.
# ---------------------------------------------------------------------------------------------------------------

from fakes.bot_connector import FakeBotConnector  # noqa: E402
from teams_herbot import TeamsHerbot, serve_teams  # noqa: E402


@pytest.fixture
async def bot_connector() -> AsyncIterator[FakeBotConnector]:
    """A local fake of the Bot Connector service, recording every activity herbot sends."""
    fake = FakeBotConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def teams_herbot(
    bot_connector: FakeBotConnector, store: Store, make_services: Callable[[Store], Services], sqlite_url: str
) -> AsyncIterator[TeamsHerbot]:
    """herbot's real server with Teams at /api/messages, answering through the fake Bot Connector."""
    async with serve_teams(Settings(database_url=sqlite_url), make_services(store), bot_connector) as served:
        yield served
