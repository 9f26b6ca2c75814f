"""Conversation values through the real store (SQLite, and PostgreSQL when configured): kept, expired, cleared."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from databases import FakeClock
from sqlalchemy import create_engine, text

from bot.conversation import ConversationService
from bot.store import Store, create_store
from intents.router import Router

KEY = "slack:T1:C1:1700000000.000100"


@pytest.fixture
def conversation_store(database_url: str, clock: FakeClock) -> Iterator[Store]:
    store = create_store(database_url, clock=clock, slot_ttl=timedelta(minutes=30))
    yield store
    store.close()


@pytest.fixture
def service(router: Router, conversation_store: Store) -> ConversationService:
    return ConversationService(router, conversation_store)


def status(answer) -> tuple[str, int | None]:
    result = answer.explanation.classification
    return (result.her2_status.value, result.ish_group)


def test_values_accumulate_in_the_store_across_messages(
    service: ConversationService, conversation_store: Store
) -> None:
    assert status(service.respond("IHC 2+", conversation=KEY)) == ("equivocal-needs-ish", None)
    assert status(service.respond("ratio 2.3, copies 3.8", conversation=KEY)) == ("needs-recount", 2)
    assert conversation_store.load_slots(KEY) == {
        "ihc": "2+",
        "ish_ratio": "2.3",
        "ish_copy_number": "3.8",
        "subject.classified": "yes",
    }


def test_only_parsed_values_are_stored_never_the_text(service: ConversationService, conversation_store: Store) -> None:
    service.respond("Name: Ann Lee, MRN 99887766 — HER2 IHC 1+, ER 90%", conversation=KEY)
    assert conversation_store.load_slots(KEY) == {"ihc": "1+", "er_percent": "90", "subject.classified": "yes"}
    with conversation_store.engine.connect() as connection:
        everything = repr(connection.execute(text("SELECT * FROM conversation_slots")).all())
    assert "Ann" not in everything and "99887766" not in everything


def test_values_expire_after_a_quiet_period(service: ConversationService, clock: FakeClock) -> None:
    service.respond("IHC 2+", conversation=KEY)
    clock.advance(timedelta(minutes=31))
    assert status(service.respond("ratio 2.3, copies 3.8", conversation=KEY)) == ("insufficient", 2)


def test_new_case_clears_the_store(service: ConversationService, conversation_store: Store) -> None:
    service.respond("IHC 2+", conversation=KEY)
    service.respond("start over", conversation=KEY)
    assert conversation_store.load_slots(KEY) == {}


def test_conversations_do_not_mix(service: ConversationService) -> None:
    service.respond("IHC 2+", conversation=KEY)
    assert status(service.respond("ratio 2.3, copies 3.8", conversation="other")) == ("insufficient", 2)


def test_without_a_key_nothing_is_stored(service: ConversationService, conversation_store: Store) -> None:
    service.respond("IHC 2+")
    assert conversation_store.load_slots("") == {}


def test_an_unreachable_store_still_answers_and_says_so(router: Router) -> None:
    service = ConversationService(router, _unreachable_store())
    answer = service.respond("IHC 1+", conversation=KEY)
    assert answer.explanation.classification.her2_category.value == "low"
    assert "I couldn't reach my conversation memory" in " ".join(answer.explanation.notices)


def _unreachable_store() -> Store:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    return Store(engine, clock=FakeClock(), slot_ttl=timedelta(minutes=30))
