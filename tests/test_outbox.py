"""The inbox and outbox in the store, against real databases: one transaction per request, claims under a lease."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from databases import START, FakeClock
from sqlalchemy import func, select

from bot.store import Delivery, NewDelivery, Store
from bot.store.schema import conversation_slots, inbox, outbox

TTL = timedelta(minutes=30)
LEASE = timedelta(minutes=1)
KEY = "slack:command:13345224609.738474920.8088930838d88f008e0"
CONVERSATION = "slack:T1:C1:1712345.000100"
THREADS = 8


def answer(text: str = "HER2-low", *, kind: str = "respond", valid_for: timedelta = TTL) -> NewDelivery:
    return NewDelivery("slack", kind, {"response_url": "https://hooks.slack.test/1"}, {"text": text}, START + valid_for)


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


def counts(store: Store) -> tuple[int, int, int]:
    """Rows in the inbox, the outbox and the conversation slots."""
    with store.engine.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (inbox, outbox, conversation_slots)
        )


# Recording a request


def test_a_request_is_recorded_with_its_deliveries_and_slots(store: Store) -> None:
    assert store.record_request(KEY, [answer("one"), answer("two", kind="post")], {"ihc": "2+"}) is True
    assert counts(store) == (1, 2, 1)
    assert store.load_slots(KEY) == {"ihc": "2+"}
    claimed = store.claim_deliveries("replica-1", LEASE)
    assert [(d.request_key, d.kind, d.payload, d.target, d.attempts) for d in claimed] == [
        (KEY, "respond", {"text": "one"}, {"response_url": "https://hooks.slack.test/1"}, 0),
        (KEY, "post", {"text": "two"}, {"response_url": "https://hooks.slack.test/1"}, 0),
    ]
    assert (claimed[0].created_at, claimed[0].not_after) == (START, START + TTL)


def test_a_duplicate_writes_nothing(store: Store) -> None:
    store.record_request(KEY, [answer()], {"ihc": "2+"})
    assert store.record_request(KEY, [answer("again")], {"ihc": "3+"}) is False
    assert (counts(store), store.load_slots(KEY)) == ((1, 1, 1), {"ihc": "2+"})


@pytest.mark.parametrize(
    ("slots", "expected"),
    [(None, {"ihc": "1+"}), ({}, {}), ({"ihc": "3+", "er_percent": "90"}, {"ihc": "3+", "er_percent": "90"})],
    ids=["none-leaves", "empty-clears", "values-saved"],
)
def test_slots_are_left_cleared_or_saved(store: Store, slots: dict | None, expected: dict) -> None:
    store.save_slots(CONVERSATION, {"ihc": "1+"})
    store.record_request(CONVERSATION, [], slots)
    assert store.load_slots(CONVERSATION) == expected


def test_saved_slots_expire_as_usual(store: Store, clock: FakeClock) -> None:
    store.record_request(CONVERSATION, [], {"ihc": "2+"})
    clock.advance(TTL)
    assert store.load_slots(CONVERSATION) == {}


def test_a_failure_inside_the_transaction_writes_nothing(store: Store) -> None:
    store.save_slots(CONVERSATION, {"ihc": "1+"})
    unserialisable = NewDelivery("slack", "post", {"channel": "C1"}, {"blocks": {object()}}, START + TTL)
    with pytest.raises(TypeError):
        store.record_request(CONVERSATION, [answer(), unserialisable], {"ihc": "3+"})
    assert (counts(store), store.load_slots(CONVERSATION)) == ((0, 0, 1), {"ihc": "1+"})
    assert store.record_request(CONVERSATION, [answer()], {"ihc": "3+"}) is True


@pytest.mark.parametrize("length", [256, 1000])
def test_a_key_over_255_characters_is_refused(store: Store, length: int) -> None:
    with pytest.raises(ValueError, match=f"request key is {length} characters; the store keeps at most 255"):
        store.record_request("k" * length, [answer()])
    assert counts(store) == (0, 0, 0)


def test_a_key_of_255_characters_is_kept(store: Store) -> None:
    assert [store.record_request("k" * 255, []), store.record_request("k" * 255, [])] == [True, False]


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: NewDelivery("", "post", {}, {}, START), id="empty-surface"),
        pytest.param(lambda: NewDelivery("slack", "k" * 33, {}, {}, START), id="long-kind"),
        pytest.param(lambda: NewDelivery("slack", "post", {}, {}, START.replace(tzinfo=None)), id="naive-deadline"),
    ],
)
def test_malformed_deliveries_are_refused(make: Callable[[], NewDelivery]) -> None:
    with pytest.raises(ValueError):
        make()


def test_recorded_and_claimed_rows_are_leased_to_their_owner(store: Store, clock: FakeClock) -> None:
    (row,) = store.record_and_claim(KEY, [answer()], owner="replica-1", lease=LEASE)
    assert store.record_and_claim(KEY, [answer()], owner="replica-1", lease=LEASE) is None
    assert store.claim_deliveries("replica-2", LEASE) == []
    clock.advance(LEASE)
    assert [d.id for d in store.claim_deliveries("replica-2", LEASE)] == [row.id]


# Claiming, settling, purging


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_expires(store: Store, clock: FakeClock) -> None:
    store.record_request(KEY, [answer()])
    (first,) = store.claim_deliveries("replica-1", LEASE)
    clock.advance(LEASE - timedelta(microseconds=1))
    assert store.claim_deliveries("replica-2", LEASE) == []
    clock.advance(timedelta(microseconds=1))
    (taken_over,) = store.claim_deliveries("replica-2", LEASE)
    assert taken_over == first
    assert store.reschedule(first.id, "replica-1", START + TTL, 1) is False  # the lease passed on
    assert store.mark_failed(first.id, "replica-1", "channel_not_found") is False
    assert store.mark_delivered(first.id) is True


def test_delivered_and_failed_deliveries_are_never_claimed(store: Store) -> None:
    store.record_request("slack:event:Ev1", [answer("one"), answer("two")])
    one, two = store.claim_deliveries("replica-1", LEASE)
    assert [store.mark_delivered(one.id), store.mark_delivered(one.id)] == [True, False]
    assert [store.mark_failed(two.id, "replica-1", "token_revoked") for _ in range(2)] == [True, False]
    assert store.claim_deliveries("replica-1", LEASE) == []


def test_a_rescheduled_delivery_is_due_at_its_time_with_its_attempts(store: Store, clock: FakeClock) -> None:
    store.record_request(KEY, [answer()])
    (row,) = store.claim_deliveries("replica-1", LEASE)
    assert store.reschedule(row.id, "replica-1", START + timedelta(seconds=30), 1) is True
    clock.advance(timedelta(seconds=29))
    assert store.claim_deliveries("replica-1", LEASE) == []
    clock.advance(timedelta(seconds=1))
    assert [d.attempts for d in store.claim_deliveries("replica-2", LEASE)] == [1]


def test_claims_come_oldest_first_up_to_the_limit(store: Store, clock: FakeClock) -> None:
    for number in range(5):
        store.record_request(f"slack:event:Ev{number}", [answer(str(number))])
        clock.advance(timedelta(seconds=1))
    first = store.claim_deliveries("replica-1", LEASE, limit=2)
    rest = store.claim_deliveries("replica-1", LEASE, limit=10)
    assert ([d.payload["text"] for d in first], [d.payload["text"] for d in rest]) == (["0", "1"], ["2", "3", "4"])


def test_a_long_failure_reason_is_cut(store: Store) -> None:
    store.record_request(KEY, [answer()])
    (row,) = store.claim_deliveries("replica-1", LEASE)
    store.mark_failed(row.id, "replica-1", "x" * 1000)
    with store.engine.connect() as connection:
        assert len(connection.execute(select(outbox.c.failure_reason)).scalar_one()) == 255


def test_purge_keeps_pending_deliveries(store: Store, clock: FakeClock) -> None:
    store.record_request("slack:event:Ev1", [answer("delivered"), answer("failed"), answer("pending")])
    delivered, failed, _pending = store.claim_deliveries("replica-1", LEASE)
    store.mark_delivered(delivered.id)
    store.mark_failed(failed.id, "replica-1", "not_in_channel")
    clock.advance(timedelta(hours=2))
    assert [store.purge_outbox(timedelta(hours=3)), store.purge_outbox(timedelta(hours=1))] == [0, 2]
    assert [store.purge_inbox(timedelta(hours=1)), counts(store)] == [1, (0, 1, 0)]


# Racing claimers: every delivery is claimed exactly once


def claim_until_empty(store: Store, owner: str, barrier: threading.Barrier) -> list[Delivery]:
    barrier.wait(timeout=30)
    claimed: list[Delivery] = []
    while batch := store.claim_deliveries(owner, LEASE, limit=3):
        claimed.extend(batch)
    return claimed


@pytest.mark.parametrize("own_engine", [False, True], ids=["shared-store", "store-per-thread"])
def test_racing_claimers_claim_each_delivery_once(
    store: Store, open_store: Callable[[], Store], own_engine: bool
) -> None:
    for number in range(60):
        store.record_request(f"slack:event:Ev{number}", [answer(str(number))])
    stores = [open_store() if own_engine else store for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    with ThreadPoolExecutor(THREADS) as pool:
        results: list[Any] = list(
            pool.map(lambda index: claim_until_empty(stores[index], f"replica-{index}", barrier), range(THREADS))
        )
    claimed_ids = sorted(d.id for batch in results for d in batch)
    assert len(claimed_ids) == 60 and len(set(claimed_ids)) == 60


@pytest.mark.parametrize("own_engine", [False, True], ids=["shared-store", "store-per-thread"])
def test_a_request_recorded_by_racing_replicas_is_recorded_once(
    store: Store, open_store: Callable[[], Store], own_engine: bool
) -> None:
    stores = [open_store() if own_engine else store for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)

    def record(index: int) -> bool:
        barrier.wait(timeout=30)
        return stores[index].record_request(KEY, [answer(str(index))], {"ihc": str(index % 4) + "+"})

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(record, range(THREADS)))
    assert (sorted(results), counts(store)[:2]) == ([False] * (THREADS - 1) + [True], (1, 1))


def test_leases_of_owners_known_dead_are_taken_over_at_once(store: Store) -> None:
    store.record_and_claim("slack:event:Ev1", [answer("dead")], owner="host:1:dead", lease=LEASE)
    store.record_and_claim("slack:event:Ev2", [answer("alive")], owner="host:2:alive", lease=LEASE)
    assert store.lease_owners() == {"host:1:dead", "host:2:alive"}
    taken = store.claim_deliveries("host:3:new", LEASE, take_over={"host:1:dead"})
    assert [d.payload["text"] for d in taken] == ["dead"]
    assert store.lease_owners() == {"host:2:alive", "host:3:new"}
