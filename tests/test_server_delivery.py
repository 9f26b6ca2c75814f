"""The running server: migrations at start-up, the start-up sweep, and readiness that stays honest and prompt."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from fakes.tcp_proxy import TcpProxy
from sqlalchemy import inspect, text

from bot.delivery import NewDelivery
from bot.server import DELIVERY, DeliveryOptions, create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store, create_store
from bot.store.schema import metadata

FAST = DeliveryOptions(store_timeout_s=0.3, poll=timedelta(milliseconds=20))


class RecordingTransport:
    """A transport at the outer edge that accepts everything and keeps what it was given."""

    def __init__(self) -> None:
        self.sent: list[Mapping[str, Any]] = []

    async def send(self, target: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        self.sent.append(payload)


async def eventually(predicate: Callable[[], Any], timeout: float = 15.0) -> None:
    """Poll until ``predicate()`` (awaited if it is a coroutine) holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        outcome = predicate()
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if outcome:
            return
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


class Running:
    """A started server and an HTTP client for it."""

    def __init__(self, server: TestServer, http: ClientSession) -> None:
        self.server, self.http = server, http

    async def ready(self) -> tuple[int, dict[str, Any]]:
        async with self.http.get(self.server.make_url("/readyz")) as response:
            return response.status, await response.json()


@pytest.fixture
async def serve(
    make_services: Callable[[Store], Services],
) -> AsyncIterator[Callable[..., Any]]:
    started: list[TestServer] = []
    http = ClientSession()

    async def start(store: Store, transport: RecordingTransport | None = None) -> Running:
        app = create_server(Settings(), make_services(store), purge=None, delivery_options=FAST)
        if transport is not None:
            app[DELIVERY].sender.transports.register("test", "echo", transport)
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        started.append(server)
        return Running(server, http)

    yield start
    for server in started:
        await server.close()
    await http.close()


def echo(text: str) -> NewDelivery:
    return NewDelivery("test", "echo", {"to": "x"}, {"text": text}, datetime.now(UTC) + timedelta(minutes=30))


def table_names(store: Store) -> set[str]:
    with store.engine.connect() as connection:
        return set(inspect(connection).get_table_names())


async def test_start_up_migrates_an_empty_database(database_url: str, serve: Callable[..., Any]) -> None:
    store = create_store(database_url, migrate_schema=False)
    try:
        assert table_names(store) == set()
        running = await serve(store)
        assert await running.ready() == (200, {"status": "ok", "store": True})
        assert set(metadata.tables) | {"alembic_version"} <= table_names(store)
    finally:
        store.close()


async def test_the_start_up_sweep_delivers_what_a_dead_process_left(
    database_url: str, serve: Callable[..., Any]
) -> None:
    store = create_store(database_url)
    try:
        store.record_request("test:1", [echo("recorded before the crash")])
        store.record_request("test:2", [echo("also")])
        transport = RecordingTransport()
        await serve(store, transport)
        await eventually(lambda: len(transport.sent) == 2)
        assert sorted(payload["text"] for payload in transport.sent) == ["also", "recorded before the crash"]
    finally:
        store.close()


def drop_everything(store: Store) -> None:
    metadata.drop_all(store.engine)
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def drop_the_outbox(store: Store) -> None:
    metadata.drop_all(store.engine, tables=[metadata.tables["outbox"]])


@pytest.mark.parametrize("drop", [drop_everything, drop_the_outbox], ids=["everything", "outbox"])
async def test_tables_dropped_under_a_running_server_are_recreated_and_it_is_ready_again(
    database_url: str, serve: Callable[..., Any], drop: Callable[[Store], None]
) -> None:
    store = create_store(database_url)
    try:
        running = await serve(store)
        assert (await running.ready())[0] == 200
        drop(store)
        status, body = await running.ready()
        assert (status, body["store"]) == (503, False)
        assert body["reason"] in {"migrating", "unreachable"}

        async def ready_again() -> bool:
            return (await running.ready())[0] == 200

        await eventually(ready_again)
        assert store.record_request("slack:event:after", [echo("works again")]) is True
    finally:
        store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("fault", ["stall", "refuse"])
async def test_readiness_answers_while_the_database_is_stalled_or_down_and_recovers(
    proxied_postgres: tuple[TcpProxy, str], serve: Callable[..., Any], fault: str
) -> None:
    proxy, url = proxied_postgres
    store = create_store(url)
    try:
        running = await serve(store)
        assert await running.ready() == (200, {"status": "ok", "store": True})
        getattr(proxy, fault)()
        answer = await running.ready()
        assert proxy.mode.value == fault  # answered while the fault was still on
        assert answer == (503, {"status": "unavailable", "store": False, "reason": "unreachable"})
        proxy.resume()

        async def ready_again() -> bool:
            return (await running.ready())[0] == 200

        await eventually(ready_again)
    finally:
        proxy.resume()
        store.close()


async def test_a_database_migrated_by_a_newer_herbot_is_not_ready(database_url: str, serve: Callable[..., Any]) -> None:
    store = create_store(database_url)
    try:
        running = await serve(store)
        with store.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
        assert await running.ready() == (503, {"status": "unavailable", "store": False, "reason": "unknown-schema"})
    finally:
        store.close()


async def test_no_store_is_not_ready(make_services: Callable[[Store | None], Services]) -> None:
    server = TestServer(create_server(Settings(), make_services(None), purge=None), host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as http, http.get(server.make_url("/readyz")) as response:
            assert (response.status, await response.json()) == (
                503,
                {"status": "unavailable", "store": False, "reason": "no store"},
            )
    finally:
        await server.close()
