"""The store against real databases: SQLite files always, PostgreSQL when HERBOT_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from databases import START, FakeClock, at_once
from sqlalchemy import create_engine, make_url

from bot.errors import StoreUnavailable
from bot.store import Store, create_store

TTL = timedelta(minutes=30)
KEY = "slack:T1:C1:1712345.000100"
UNREACHABLE = "postgresql+psycopg://nobody:s3cret-pw@127.0.0.1:1/none"
THREADS = 8


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


# Conversation slots


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"ihc": "2+"},
        {"ihc": "2+", "ish_ratio": "2.3", "her2_copies": "4.1"},
        {"ihc": "0-ultralow", "note": "≥ 2,0"},
    ],
)
def test_saved_slots_load_back(store: Store, values: dict[str, str]) -> None:
    store.save_slots(KEY, values)
    assert store.load_slots(KEY) == values


@pytest.mark.parametrize("key", [KEY, "teams:19:abc@thread.tacv2;messageid=1712345", "k" * 255, "ünïcode key"], ids=len)
def test_keys_are_stored_as_given(store: Store, key: str) -> None:
    store.save_slots(key, {"ihc": "1+"})
    assert (store.load_slots(key), store.load_slots(key[:-1])) == ({"ihc": "1+"}, {})


def test_save_overwrites_and_clear_forgets(store: Store) -> None:
    store.save_slots(KEY, {"ihc": "2+", "ish_ratio": "1.9"})
    store.save_slots(KEY, {"ihc": "3+"})
    assert store.load_slots(KEY) == {"ihc": "3+"}
    store.clear_slots(KEY)
    store.clear_slots("never-saved")
    assert store.load_slots(KEY) == {}


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (timedelta(0), {"ihc": "2+"}),
        (TTL - timedelta(microseconds=1), {"ihc": "2+"}),
        (TTL, {}),
        (timedelta(days=3), {}),
    ],
    ids=str,
)
def test_slots_expire_after_the_ttl(store: Store, clock: FakeClock, elapsed: timedelta, expected: dict) -> None:
    store.save_slots(KEY, {"ihc": "2+"})
    clock.advance(elapsed)
    assert store.load_slots(KEY) == expected


def test_loading_an_expired_conversation_deletes_it(store: Store, clock: FakeClock) -> None:
    store.save_slots(KEY, {"ihc": "2+"})
    clock.advance(TTL)
    assert (store.load_slots(KEY), store.purge_expired_slots()) == ({}, 0)


def test_every_save_refreshes_the_expiry(store: Store, clock: FakeClock) -> None:
    store.save_slots(KEY, {"ihc": "2+"})
    clock.advance(timedelta(minutes=20))
    store.save_slots(KEY, {"ihc": "2+", "ish_ratio": "2.1"})
    clock.advance(timedelta(minutes=20))
    assert store.load_slots(KEY) == {"ihc": "2+", "ish_ratio": "2.1"}
    clock.advance(timedelta(minutes=10))
    assert store.load_slots(KEY) == {}


def test_purge_deletes_only_expired_conversations(store: Store, clock: FakeClock) -> None:
    store.save_slots("old-1", {"ihc": "0"})
    store.save_slots("old-2", {"ihc": "1+"})
    clock.advance(timedelta(minutes=20))
    store.save_slots("fresh", {"ihc": "3+"})
    clock.advance(timedelta(minutes=15))
    assert [store.purge_expired_slots(), store.purge_expired_slots()] == [2, 0]
    assert [store.load_slots("fresh"), store.load_slots("old-1")] == [{"ihc": "3+"}, {}]


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda store: store.save_slots("k" * 256, {}), id="save_slots"),
        pytest.param(lambda store: store.load_slots("k" * 256), id="load_slots"),
        pytest.param(lambda store: store.clear_slots("k" * 256), id="clear_slots"),
        pytest.param(lambda store: store.claim_event("e" * 256), id="claim_event"),
        pytest.param(lambda store: store.reschedule(1, "replica", START.replace(tzinfo=None), 1), id="naive-retry"),
    ],
)
def test_bad_arguments_are_refused(store: Store, call: Callable[[Store], Any]) -> None:
    with pytest.raises(ValueError):
        call(store)


def test_slot_values_must_be_text(store: Store) -> None:
    with pytest.raises(TypeError):
        store.save_slots(KEY, {"ihc": 2})  # type: ignore[dict-item]


# Request keys in the inbox (the outbox: test_outbox.py)


def test_an_event_is_claimed_once(store: Store) -> None:
    assert [store.claim_event("Ev1"), store.claim_event("Ev1"), store.claim_event("Ev2")] == [True, False, True]


def test_purged_events_can_be_claimed_again(store: Store, clock: FakeClock) -> None:
    store.claim_event("old")
    clock.advance(timedelta(hours=1))
    store.claim_event("recent")
    assert store.purge_inbox(timedelta(minutes=30)) == 1
    assert [store.claim_event("old"), store.claim_event("recent")] == [True, False]


# Exactly once across threads, each either sharing one store or with its own engine like a replica
# (the education store's races: test_education_store.py)


@pytest.mark.parametrize("own_engine", [False, True], ids=["shared-store", "store-per-thread"])
def test_racing_claims_of_an_event_succeed_exactly_once(
    store: Store, open_store: Callable[[], Store], own_engine: bool
) -> None:
    stores = [open_store() if own_engine else store for _ in range(THREADS)]
    results = at_once(THREADS, lambda index: stores[index].claim_event("Ev-race"))
    assert sorted(results) == [False] * (THREADS - 1) + [True]


# Conversation references


REFERENCE = {"service_url": "https://smba.example/amer/", "conversation_id": "19:c@thread.tacv2", "bot_id": "28:b"}


def test_conversation_references_are_saved_replaced_and_listed(store: Store, clock: FakeClock) -> None:
    store.save_reference("teams:a", surface="teams", scope="channel", tenant="t1", reference=REFERENCE)
    clock.advance(timedelta(minutes=1))
    moved = {**REFERENCE, "service_url": "https://smba.example/emea/"}
    store.save_reference("teams:a", surface="teams", scope="channel", tenant="t1", reference=moved)
    store.save_reference("teams:b", surface="teams", scope="personal", tenant=None, reference=REFERENCE)
    found = store.load_reference("teams:a")
    assert found is not None
    assert (found.reference, found.scope, found.tenant, found.updated_at) == (moved, "channel", "t1", clock())
    assert [r.key for r in store.list_references(surface="teams")] == ["teams:a", "teams:b"]
    assert (store.load_reference("teams:none"), store.list_references(surface="slack")) == (None, [])


# Connecting


def test_ping(store: Store) -> None:
    assert store.ping() is True


def test_a_second_store_finds_the_tables_and_the_data(
    store: Store, open_store: Callable[[], Store], clock: FakeClock
) -> None:
    store.save_slots(KEY, {"ihc": "2+"})
    store.claim_event("Ev1")
    store.education.record_answer(
        "p1", person="slack:T1:U1", question_id="q1", channel_key="slack:T1:C1", option_id="a", correct=True
    )
    store.close()
    again = open_store()
    assert again.load_slots(KEY) == {"ihc": "2+"}
    assert (again.claim_event("Ev1"), again.education.answer("p1", "slack:T1:U1")) == (False, ("a", True))


def test_stores_created_at_once_on_a_fresh_database(open_store: Callable[[], Store]) -> None:
    stores = at_once(THREADS, lambda index: open_store())
    assert all(store.ping() for store in stores)


@pytest.mark.parametrize(
    "url", [UNREACHABLE, "sqlite:////nonexistent-directory/herbot.db"], ids=["postgresql", "sqlite"]
)
def test_an_unreachable_database_is_reported_without_its_password(url: str) -> None:
    with pytest.raises(StoreUnavailable) as caught:
        create_store(url)
    assert "s3cret-pw" not in str(caught.value) and "s3cret-pw" not in caught.value.url
    assert caught.value.url == make_url(url).render_as_string(hide_password=True)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://bot:s3cret-pw@db/herbot", "not 'mysql'"),
        ("not a url :s3cret-pw@", "cannot be parsed"),
    ],
)
def test_unsupported_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        create_store(url)
    assert "s3cret-pw" not in str(caught.value)


CALLS_ON_A_LOST_DATABASE = {
    "load_slots": lambda store: store.load_slots(KEY),
    "save_slots": lambda store: store.save_slots(KEY, {"ihc": "2+"}),
    "clear_slots": lambda store: store.clear_slots(KEY),
    "purge_expired_slots": lambda store: store.purge_expired_slots(),
    "claim_event": lambda store: store.claim_event("Ev1"),
    "purge_inbox": lambda store: store.purge_inbox(timedelta(days=1)),
    "purge_outbox": lambda store: store.purge_outbox(timedelta(days=1)),
    "record_request": lambda store: store.record_request("slack:event:Ev1", (), {"ihc": "2+"}),
    "claim_deliveries": lambda store: store.claim_deliveries("replica", timedelta(minutes=1)),
    "mark_delivered": lambda store: store.mark_delivered(1),
    "reschedule": lambda store: store.reschedule(1, "replica", START, 1),
    "mark_failed": lambda store: store.mark_failed(1, "replica", "channel_not_found"),
}


@pytest.fixture
def lost_store(clock: FakeClock) -> Iterator[Store]:
    """A store whose database went away after start-up."""
    store = Store(create_engine(UNREACHABLE), clock=clock, slot_ttl=TTL)
    yield store
    store.close()


@pytest.mark.parametrize("method", list(CALLS_ON_A_LOST_DATABASE))
def test_a_lost_database_raises_store_unavailable(lost_store: Store, method: str) -> None:
    with pytest.raises(StoreUnavailable, match=r"nobody:\*\*\*@127\.0\.0\.1:1/none"):
        CALLS_ON_A_LOST_DATABASE[method](lost_store)


def test_ping_on_a_lost_database_is_false(lost_store: Store) -> None:
    assert lost_store.ping() is False


def test_a_naive_clock_is_refused(database_url: str) -> None:
    store = create_store(database_url, clock=lambda: datetime(2025, 1, 1))
    try:
        with pytest.raises(ValueError, match="timezone-aware"):
            store.claim_event("Ev1")
    finally:
        store.close()
