"""Shared fixtures: the knowledge and router are built once; stores and servers are real and per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from databases import POSTGRES_URL, FakeClock, postgres_schema_url
from fakes.slack_api import FakeSlackApi

from bot.knowledge import Knowledge, load_knowledge
from bot.services import Services, assemble_services
from bot.store import Store, create_store
from intents.detection import load_detector
from intents.router import Router


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def router(knowledge: Knowledge) -> Router:
    return Router(knowledge, load_detector())


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
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    """A local fake of Slack's Web API, recording every call."""
    fake = FakeSlackApi()
    await fake.start()
    yield fake
    await fake.close()
