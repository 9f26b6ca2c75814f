"""Test databases and time: SQLite files always, PostgreSQL schemas when HERBOT_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, make_url, text

POSTGRES_URL = os.environ.get("HERBOT_TEST_POSTGRES_URL")
START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
# The store's call timeout for servers under test that are not about the store's timeout (the store-fault tests
# set their own): on a busy 2-core machine a first PostgreSQL call can outlast the product's 0.5 s, which would turn
# an answer into "memory unavailable".
TEST_STORE_TIMEOUT_S = 5.0


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def postgres_schema_url(base_url: str) -> Iterator[str]:
    """A fresh schema for one test, reached through search_path in the URL, dropped afterwards."""
    schema = f"herbot_test_{uuid.uuid4().hex}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def at_once(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run ``action(i)`` on ``count`` threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(index: int) -> Any:
        barrier.wait(timeout=30)
        return action(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
