"""The running server purges old request keys, settled deliveries and expired conversations on its schedule."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from databases import FakeClock
from sqlalchemy import create_engine, select

from bot.server import create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store, create_store
from bot.store.purge import PurgeSchedule
from bot.store.schema import conversation_slots, inbox

FAST = PurgeSchedule(every=timedelta(milliseconds=20), keep_requests=timedelta(hours=1))


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll until ``predicate()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def logged(caplog: pytest.LogCaptureFixture, message: str) -> int:
    return sum(record.getMessage() == message for record in caplog.records)


def kept(store: Store) -> tuple[list[str], list[str]]:
    """The request keys and conversation keys still in the database."""
    with store.engine.connect() as connection:
        events = connection.execute(select(inbox.c.request_key).order_by(inbox.c.request_key))
        slots = connection.execute(select(conversation_slots.c.conversation_key))
        return list(events.scalars()), list(slots.scalars())


async def test_the_running_server_purges_old_request_keys_and_expired_conversations(
    tmp_path: Path, clock: FakeClock, make_services: Callable[[Store], Services], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    url = f"sqlite:///{tmp_path / 'herbot.db'}"
    store = create_store(url, clock=clock, slot_ttl=timedelta(minutes=30))
    store.record_request("slack:event:EvOld", ())
    store.save_slots("slack:T1:C1:1.1", {"ihc": "1+"})
    clock.advance(timedelta(hours=2))
    store.record_request("slack:event:EvNew", ())
    store.save_slots("slack:T1:C1:2.1", {"ihc": "3+"})

    server = TestServer(create_server(Settings(database_url=url), make_services(store), purge=FAST))
    await server.start_server()
    try:
        await eventually(lambda: logged(caplog, "store purged requests=1 deliveries=0 slots=1") == 1)
        assert kept(store) == (["slack:event:EvNew"], ["slack:T1:C1:2.1"])
        await eventually(lambda: logged(caplog, "store purged requests=0 deliveries=0 slots=0") >= 2)
    finally:
        await server.close()
        store.close()
    assert logged(caplog, "store purge state=off") == 1


async def test_purging_survives_an_unreachable_store_and_stops_with_the_server(
    tmp_path: Path, clock: FakeClock, make_services: Callable[[Store], Services], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    unreachable = Store(
        create_engine(f"sqlite:///{tmp_path / 'missing' / 'herbot.db'}"), clock=clock, slot_ttl=FAST.every
    )
    server = TestServer(create_server(Settings(), make_services(unreachable), purge=FAST))
    await server.start_server()
    try:
        await eventually(lambda: logged(caplog, "store purge skipped: store unavailable") >= 3)
    finally:
        await server.close()
        unreachable.close()
    assert logged(caplog, "store purge state=off") == 1
    assert not [r for r in caplog.records if r.getMessage().startswith("store purge stopped")]


def test_a_purge_schedule_needs_a_positive_interval() -> None:
    with pytest.raises(ValueError, match="interval must be positive"):
        PurgeSchedule(every=timedelta(0))
