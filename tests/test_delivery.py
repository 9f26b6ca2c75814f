"""The inbox and sender on real stores: delivered once, retried by the policy, failed for good, swept, taken over."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from databases import START, FakeClock
from fakes.tcp_proxy import TcpProxy
from sqlalchemy import create_engine, select

from bot.delivery import (
    Inbox,
    NewDelivery,
    PermanentDelivery,
    Recorded,
    RetryableDelivery,
    RetryPolicy,
    Sender,
    StoreCalls,
)
from bot.store import Store, create_store
from bot.store.schema import outbox

KEY = "slack:command:13345224609.738474920"
LEASE = timedelta(seconds=30)
PATIENT_TEXT = "Jane Doe MRN 12345678"


class ScriptedTransport:
    """A transport at the outer edge: each send takes the next scripted outcome (``None`` delivers)."""

    def __init__(self, clock: Callable[[], Any], *outcomes: Exception | None) -> None:
        self.outcomes = list(outcomes)
        self.attempts: list[tuple[str, Any, str]] = []  # (payload text, sender clock, outcome)
        self._clock = clock

    async def send(self, target: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        outcome = self.outcomes.pop(0) if self.outcomes else None
        self.attempts.append((payload["text"], self._clock(), type(outcome).__name__ if outcome else "delivered"))
        if outcome is not None:
            raise outcome

    @property
    def delivered(self) -> list[str]:
        return [text for text, _, outcome in self.attempts if outcome == "delivered"]


def answer(text: str = "HER2-low", *, valid_for: timedelta = timedelta(minutes=30), kind: str = "respond") -> Any:
    return NewDelivery("slack", kind, {"response_url": "https://hooks.slack.test/1"}, {"text": text}, START + valid_for)


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def settled(store: Store) -> list[tuple[bool, str | None, int]]:
    """Per outbox row, oldest first: delivered?, failure reason, attempts."""
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(outbox.c.delivered_at, outbox.c.failure_reason, outbox.c.attempts).order_by(outbox.c.id)
        )
        return [(row.delivered_at is not None, row.failure_reason, row.attempts) for row in rows]


@pytest.fixture
def store(database_url: str, clock: FakeClock) -> Iterator[Store]:
    created = create_store(database_url, clock=clock)
    yield created
    created.close()


@pytest.fixture
def calls(store: Store) -> Iterator[StoreCalls]:
    created = StoreCalls(store, timeout=5.0)
    yield created
    created.close()


@pytest.fixture
def make_sender(calls: StoreCalls, clock: FakeClock) -> Iterator[Callable[..., Sender]]:
    senders: list[Sender] = []

    def make(transport: ScriptedTransport, **options: Any) -> Sender:
        options = {"clock": clock, "random_fraction": lambda: 0.0, "poll": timedelta(milliseconds=20)} | options
        sender = Sender(options.pop("calls", calls), **options)
        sender.transports.register("slack", "respond", transport)
        senders.append(sender)
        return sender

    yield make


@pytest.fixture
async def closing() -> AsyncIterator[list[Sender]]:
    started: list[Sender] = []
    yield started
    for sender in started:
        await sender.close()


async def test_a_recorded_answer_is_delivered_once_and_marked(
    store: Store, calls: StoreCalls, make_sender: Callable[..., Sender], clock: FakeClock
) -> None:
    transport = ScriptedTransport(clock)
    sender = make_sender(transport)
    inbox = Inbox(calls, sender)
    results = [await inbox.record(KEY, [answer()], {"ihc": "2+"}), await inbox.record(KEY, [answer("again")])]
    await sender.idle()
    assert results == [Recorded.RECORDED, Recorded.DUPLICATE]
    assert (transport.delivered, settled(store), store.load_slots(KEY)) == (
        ["HER2-low"],
        [(True, None, 0)],
        {"ihc": "2+"},
    )


async def test_a_key_over_255_characters_is_a_value_error(
    calls: StoreCalls, make_sender: Callable[..., Sender]
) -> None:
    inbox = Inbox(calls, make_sender(ScriptedTransport(time.monotonic)))
    with pytest.raises(ValueError, match="a request key is 1 to 255 characters, not 256"):
        await inbox.record("k" * 256, [answer()])


async def test_retries_honour_retry_after_then_back_off(
    store: Store, make_sender: Callable[..., Sender], clock: FakeClock, closing: list[Sender]
) -> None:
    transport = ScriptedTransport(clock, RetryableDelivery(retry_after=30), RetryableDelivery(), None)
    sender = make_sender(transport)
    store.record_request(KEY, [answer()])
    await sender.start()
    closing.append(sender)
    attempts = []
    for step in (timedelta(seconds=29), timedelta(seconds=1), timedelta(seconds=1), timedelta(seconds=1)):
        await sender.idle()
        await asyncio.sleep(0.1)  # the loop passes over the row: not due yet
        attempts.append(len(transport.attempts))
        clock.advance(step)
        sender.kick()
    await eventually(lambda: transport.delivered == ["HER2-low"])
    await sender.idle()
    # 30 s as the platform said, then 2 s of back-off (the first delay doubled, no jitter drawn)
    assert attempts == [1, 1, 2, 2]
    assert [(when - START).total_seconds() for _, when, _ in transport.attempts] == [0, 30, 32]
    assert settled(store) == [(True, None, 2)]


async def test_a_permanent_failure_stops_at_once_and_is_logged_once_without_the_payload(
    store: Store,
    calls: StoreCalls,
    make_sender: Callable[..., Sender],
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    transport = ScriptedTransport(clock, PermanentDelivery(reason="channel_not_found"))
    sender = make_sender(transport)
    await Inbox(calls, sender).record(KEY, [answer(PATIENT_TEXT)])
    await sender.idle()
    assert (len(transport.attempts), settled(store)) == (1, [(False, "channel_not_found", 0)])
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("delivery failed")]
    assert failures == ["delivery failed surface=slack kind=respond reason=channel_not_found attempts=1 stored=True"]
    assert PATIENT_TEXT not in caplog.text


@pytest.mark.parametrize(
    ("valid_for", "outcomes", "expected_attempts"),
    [
        pytest.param(timedelta(0), [], 0, id="already-past"),
        pytest.param(timedelta(minutes=30), [RetryableDelivery(retry_after=3600)], 1, id="retry-after-past-it"),
    ],
)
async def test_nothing_is_attempted_past_the_deadline(
    store: Store,
    calls: StoreCalls,
    make_sender: Callable[..., Sender],
    clock: FakeClock,
    valid_for: timedelta,
    outcomes: list[Exception],
    expected_attempts: int,
) -> None:
    transport = ScriptedTransport(clock, *outcomes)
    sender = make_sender(transport)
    await Inbox(calls, sender).record(KEY, [answer(valid_for=valid_for)])
    await sender.idle()
    assert (len(transport.attempts), settled(store)) == (expected_attempts, [(False, "deadline_passed", 0)])


async def test_retries_end_after_max_attempts(
    store: Store, calls: StoreCalls, make_sender: Callable[..., Sender], clock: FakeClock
) -> None:
    transport = ScriptedTransport(clock, *[RetryableDelivery(retry_after=0)] * 5)
    sender = make_sender(transport, policy=RetryPolicy(max_attempts=3))
    store.record_request(KEY, [answer()])
    await sender.start()
    try:
        await eventually(lambda: settled(store)[0][1] is not None)
    finally:
        await sender.close()
    assert (len(transport.attempts), settled(store)) == (3, [(False, "retries_exhausted", 2)])


@pytest.mark.parametrize(
    ("outcomes", "valid_for", "heard"),
    [
        pytest.param([PermanentDelivery(reason="channel_not_found")], timedelta(minutes=30), True, id="refused"),
        pytest.param([RetryableDelivery(retry_after=0)] * 3, timedelta(minutes=30), False, id="retries-exhausted"),
        pytest.param([], timedelta(0), False, id="deadline-passed"),
    ],
)
async def test_refusal_listeners_hear_a_platforms_refusal_before_it_is_marked_and_nothing_else(
    store: Store,
    make_sender: Callable[..., Sender],
    clock: FakeClock,
    outcomes: list[Exception],
    valid_for: timedelta,
    heard: bool,
) -> None:
    sender = make_sender(ScriptedTransport(clock, *outcomes), policy=RetryPolicy(max_attempts=3))
    told: list[tuple[str, str, list[tuple[bool, str | None, int]]]] = []

    async def listener(surface: str, kind: str, target: Mapping[str, Any], reason: str) -> None:
        told.append((surface, reason, settled(store)))  # a crash from here on leaves the row to be refused again

    sender.on_refused(listener)
    store.record_request(KEY, [answer(valid_for=valid_for)])
    await sender.start()
    try:
        await eventually(lambda: settled(store)[0][1] is not None)
    finally:
        await sender.close()
    assert told == ([("slack", "channel_not_found", [(False, None, 0)])] if heard else [])


async def test_the_start_up_sweep_delivers_what_a_dead_process_left(
    store: Store, make_sender: Callable[..., Sender], clock: FakeClock, closing: list[Sender]
) -> None:
    store.record_request("slack:event:Ev1", [answer("recorded, never sent")])
    store.record_and_claim("slack:event:Ev2", [answer("leased by the dead")], owner="dead-replica", lease=LEASE)
    store.record_and_claim("slack:event:Ev3", [answer("leased, lease running")], owner="live-replica", lease=LEASE * 3)
    clock.advance(LEASE)
    transport = ScriptedTransport(clock)
    sender = make_sender(transport)
    await sender.start()
    closing.append(sender)
    await sender.idle()
    assert sorted(transport.delivered) == ["leased by the dead", "recorded, never sent"]
    assert settled(store) == [(True, None, 0), (True, None, 0), (False, None, 0)]


async def test_a_restart_on_the_same_host_takes_over_its_dead_predecessors_leases_at_once(
    store: Store, make_sender: Callable[..., Sender], clock: FakeClock, closing: list[Sender]
) -> None:
    exited = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    host = socket.gethostname()
    alive = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        owners = {
            "killed": f"{host}:{int(exited.stdout)}:a1",  # its process is gone
            "same pid, earlier process": f"{host}:{os.getpid()}:b2",  # a container restart reuses the pid
            "still running": f"{host}:{alive.pid}:c3",
            "another host": f"elsewhere.example:{int(exited.stdout)}:d4",
        }
        for text, owner in owners.items():
            store.record_and_claim(f"slack:event:{text}", [answer(text)], owner=owner, lease=LEASE)
        transport = ScriptedTransport(clock)
        sender = make_sender(transport)
        await sender.start()
        closing.append(sender)
        await sender.idle()
    finally:
        alive.communicate(b"")
    assert sorted(transport.delivered) == ["killed", "same pid, earlier process"]


async def test_a_replica_takes_over_when_a_lease_expires(
    store: Store, make_sender: Callable[..., Sender], clock: FakeClock, closing: list[Sender]
) -> None:
    transport = ScriptedTransport(clock)
    sender = make_sender(transport)
    await sender.start()
    closing.append(sender)
    store.record_and_claim(KEY, [answer()], owner="replica-that-died", lease=LEASE)
    sender.kick()
    await asyncio.sleep(0.1)  # the loop looked and left it: the lease holds
    assert transport.attempts == []
    clock.advance(LEASE)
    sender.kick()
    await eventually(lambda: transport.delivered == ["HER2-low"])
    await sender.idle()
    assert settled(store) == [(True, None, 0)]


async def test_senders_sweeping_together_deliver_each_row_once(
    database_url: str, store: Store, make_sender: Callable[..., Sender], clock: FakeClock
) -> None:
    for number in range(40):
        store.record_request(f"slack:event:Ev{number}", [answer(str(number))])
    transport = ScriptedTransport(clock)
    replicas = [create_store(database_url, clock=clock) for _ in range(4)]
    calls = [StoreCalls(replica, timeout=5.0) for replica in replicas]
    try:
        senders = [make_sender(transport, calls=replica_calls, batch=3) for replica_calls in calls]
        await asyncio.gather(*(sender.sweep() for sender in senders))
        await asyncio.gather(*(sender.idle() for sender in senders))
    finally:
        for replica_calls, replica in zip(calls, replicas, strict=True):
            replica_calls.close()
            replica.close()
    assert sorted(transport.delivered, key=int) == [str(n) for n in range(40)]


# The store down: a bounded in-memory inbox


async def test_an_unreachable_store_records_in_memory_once(
    tmp_path: Path, make_sender: Callable[..., Sender], clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    lost = Store(create_engine(f"sqlite:///{tmp_path / 'missing' / 'herbot.db'}"), clock=clock, slot_ttl=LEASE)
    lost_calls = StoreCalls(lost, timeout=5.0)
    transport = ScriptedTransport(clock, RetryableDelivery(retry_after=0), None)
    sender = make_sender(transport, calls=lost_calls)
    inbox = Inbox(lost_calls, sender, memory_capacity=2)
    try:
        results = [await inbox.record(key, [answer(key)], {"ihc": "2+"}) for key in ("k1", "k1", "k2", "k3", "k1")]
        await eventually(lambda: len(transport.delivered) == 4)
        await sender.idle()
    finally:
        lost_calls.close()
        lost.close()
    memory, duplicate = Recorded.RECORDED_IN_MEMORY, Recorded.DUPLICATE
    assert results == [memory, duplicate, memory, memory, memory]  # k1 was forgotten to make room for k3
    assert sorted(transport.delivered) == ["k1", "k1", "k2", "k3"]
    assert "store unavailable: request recorded in memory" in caplog.text


async def test_no_store_at_all_answers_from_memory(make_sender: Callable[..., Sender], clock: FakeClock) -> None:
    transport = ScriptedTransport(clock)
    sender = make_sender(transport, calls=None)
    inbox = Inbox(None, sender)
    assert [await inbox.record(KEY, [answer()]), await inbox.record(KEY, [answer()])] == [
        Recorded.RECORDED_IN_MEMORY,
        Recorded.DUPLICATE,
    ]
    await sender.idle()
    assert transport.delivered == ["HER2-low"]


@pytest.mark.postgres
async def test_a_stalled_database_records_in_memory_and_a_late_commit_is_settled_not_resent(
    proxied_postgres: tuple[TcpProxy, str], clock: FakeClock
) -> None:
    proxy, url = proxied_postgres
    store = create_store(url, clock=clock)
    calls = StoreCalls(store, timeout=0.3)
    transport = ScriptedTransport(clock)
    sender = Sender(calls, clock=clock, poll=timedelta(milliseconds=20))
    sender.transports.register("slack", "respond", transport)
    try:
        store.ping()  # a pooled connection, held open through the proxy
        proxy.stall()
        result = await Inbox(calls, sender).record(KEY, [answer()], {"ihc": "2+"})
        assert (result, proxy.mode.value) == (Recorded.RECORDED_IN_MEMORY, "stall")  # answered while stalled
        await eventually(lambda: transport.delivered == ["HER2-low"])
        proxy.resume()
        await eventually(lambda: settled(store) == [(True, None, 0)])
        await sender.idle()
        assert transport.delivered == ["HER2-low"]
    finally:
        proxy.resume()
        await sender.close()
        calls.close()
        store.close()
