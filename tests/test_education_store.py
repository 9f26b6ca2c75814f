"""The education store against real databases: SQLite files always, PostgreSQL when HERBOT_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from databases import START, FakeClock, at_once
from sqlalchemy import Table, create_engine, func, select

from bot.errors import StoreUnavailable
from bot.store import (
    ChannelState,
    Confusion,
    EducationStore,
    NewDelivery,
    QuizPost,
    ScheduleRecord,
    Standing,
    Store,
)
from bot.store.schema import (
    education_answers,
    education_channels,
    education_lessons,
    education_notices,
    education_posts,
    education_reviews,
    education_schedules,
    inbox,
    outbox,
)

TTL = timedelta(minutes=30)
LEASE = timedelta(minutes=2)
CHANNEL = "slack:T1:C1"
OTHER_CHANNEL = "slack:T1:C2"
TEAM = "slack:T1"
ADDRESS = {"channel": "C1", "team": "T1"}
CARD = json.dumps({"card_id": 1, "state": 1, "step": 0, "stability": None, "difficulty": None, "due": "2025-03-01"})
UNREACHABLE = "postgresql+psycopg://nobody:s3cret-pw@127.0.0.1:1/none"
THREADS = 8
EDUCATION_TABLES = (
    education_channels,
    education_posts,
    education_answers,
    education_reviews,
    education_lessons,
    education_schedules,
    education_notices,
)


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


@pytest.fixture
def education(store: Store) -> EducationStore:
    return store.education


def count_rows(store: Store, table: Table) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


def answer(education: EducationStore, post: str, person: str, option: str, *, right: bool, channel=CHANNEL) -> bool:
    """Record an answer to ``post``, whose id here is ``<question id>#<anything>``."""
    question = post.split("#")[0]
    return education.record_answer(
        post, person=person, question_id=question, channel_key=channel, option_id=option, correct=right
    )


def set_daily(education: EducationStore, channel: str = CHANNEL, *, due: datetime = START) -> ScheduleRecord:
    return education.set_schedule(
        channel,
        surface="slack",
        team=TEAM,
        cadence="daily",
        weekday=None,
        at_time="09:00",
        zone="Europe/London",
        set_by="slack:T1:U1",
        next_due_at=due,
    )


def lesson_post(text: str = "Lesson 1: what HER2-low means") -> NewDelivery:
    return NewDelivery("slack", "post", {"channel": "C1"}, {"text": text}, START + timedelta(hours=1))


# Channels


def test_a_channel_is_saved_with_default_settings(education: EducationStore) -> None:
    saved = education.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS)
    assert saved == ChannelState(CHANNEL, "slack", TEAM, ADDRESS, leaderboard=True, next_lesson=0)
    assert (education.channel(CHANNEL), education.channel(OTHER_CHANNEL)) == (saved, None)


def test_saving_again_replaces_the_address_and_keeps_the_settings(education: EducationStore) -> None:
    education.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS)
    education.set_leaderboard(CHANNEL, False)
    education.take_next_lesson(CHANNEL, 12)
    moved = {"channel": "C1", "team": "T1", "enterprise": "E1"}
    saved = education.save_channel(CHANNEL, surface="slack", team=TEAM, address=moved)
    assert saved == ChannelState(CHANNEL, "slack", TEAM, moved, leaderboard=False, next_lesson=1)
    education.set_leaderboard(CHANNEL, True)
    assert education.channel(CHANNEL) == ChannelState(CHANNEL, "slack", TEAM, moved, leaderboard=True, next_lesson=1)


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([3, 3, 3, 3, 3], [0, 1, 2, 0, 1]),
        ([1, 1], [0, 0]),
        ([12, 12, 12, 12, 3, 3], [0, 1, 2, 3, 1, 2]),
        ([3, 3, 12, 12], [0, 1, 2, 3]),
    ],
    ids=["wraps-round", "one-lesson", "curriculum-shrank", "curriculum-grew"],
)
def test_lessons_are_taken_in_turn(education: EducationStore, counts: list[int], expected: list[int]) -> None:
    education.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS)
    assert [education.take_next_lesson(CHANNEL, count) for count in counts] == expected


@pytest.mark.parametrize("own_engine", [False, True], ids=["shared-store", "store-per-thread"])
def test_racing_lessons_are_each_taken_once(
    education: EducationStore, open_store: Callable[[], Store], own_engine: bool
) -> None:
    education.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS)
    stores = [open_store().education if own_engine else education for _ in range(THREADS)]
    taken = at_once(THREADS, lambda index: stores[index].take_next_lesson(CHANNEL, 100))
    assert (sorted(taken), education.channel(CHANNEL).next_lesson) == (list(range(THREADS)), THREADS)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda education: education.set_leaderboard(CHANNEL, False), id="set_leaderboard"),
        pytest.param(lambda education: education.take_next_lesson(CHANNEL, 12), id="take_next_lesson"),
    ],
)
def test_settings_of_a_channel_never_saved_are_refused(education: EducationStore, call: Callable) -> None:
    with pytest.raises(LookupError, match="no such channel"):
        call(education)
    assert education.channel(CHANNEL) is None


# Posted questions and answers


@pytest.mark.parametrize("for_person", [None, "slack:T1:U1"])
def test_a_post_is_recorded(education: EducationStore, clock: FakeClock, for_person: str | None) -> None:
    clock.now = datetime(2025, 6, 1, 23, 30, tzinfo=timezone(timedelta(hours=5)))
    education.record_post("a" * 32, channel_key=CHANNEL, question_id="ish-group-4", for_person=for_person)
    recorded = education.post("a" * 32)
    assert recorded == QuizPost("a" * 32, CHANNEL, "ish-group-4", datetime(2025, 6, 1, 18, 30, tzinfo=UTC), for_person)
    assert (recorded.posted_at.tzinfo, education.post("b" * 32)) == (UTC, None)


ANSWER_CASES = [
    pytest.param([("p1", "U1", "a", False), ("p1", "U1", "b", True)], [True, False], {"U1": ("a", False)}, id="again"),
    pytest.param([("p1", "U1", "a", True), ("p1", "U1", "a", True)], [True, False], {"U1": ("a", True)}, id="same"),
    pytest.param(
        [("p1", "U1", "a", True), ("p1", "U2", "b", False)],
        [True, True],
        {"U1": ("a", True), "U2": ("b", False)},
        id="two-people",
    ),
    pytest.param([("p1", "U1", "a", True), ("p2", "U1", "b", False)], [True, True], {"U1": ("a", True)}, id="reposted"),
]


@pytest.mark.parametrize(("answers", "recorded", "first_to_p1"), ANSWER_CASES)
def test_the_first_answer_to_a_post_counts(
    education: EducationStore, answers: list, recorded: list[bool], first_to_p1: dict
) -> None:
    assert [answer(education, post, person, option, right=right) for post, person, option, right in answers] == recorded
    assert {person: education.answer("p1", person) for person in first_to_p1} == first_to_p1
    assert education.answer("p1", "nobody") is None


@pytest.mark.parametrize("own_engine", [False, True], ids=["shared-store", "store-per-thread"])
def test_racing_answers_by_one_person_are_recorded_once(
    education: EducationStore, open_store: Callable[[], Store], own_engine: bool
) -> None:
    stores = [open_store().education if own_engine else education for _ in range(THREADS)]
    options = [f"option-{index}" for index in range(THREADS)]
    results = at_once(THREADS, lambda i: answer(stores[i], "p1", "U1", options[i], right=i % 2 == 0))
    assert sorted(results) == [False] * (THREADS - 1) + [True]
    winner = results.index(True)
    assert education.answer("p1", "U1") == (options[winner], winner % 2 == 0)


# Spaced repetition and lessons read


def test_review_cards_are_saved_replaced_and_read(education: EducationStore) -> None:
    later = json.dumps({"card_id": 1, "state": 2, "stability": 3.2})
    education.save_review_state("U1", "ihc-2", CARD, START + timedelta(days=1))
    education.save_review_state("U1", "ihc-2", later, datetime(2025, 3, 5, 12, tzinfo=timezone(timedelta(hours=-5))))
    education.save_review_state("U1", "ish-4", CARD, START)
    education.save_review_state("U2", "ihc-2", CARD, START)
    states = education.review_states("U1")
    assert states == {"ihc-2": (later, datetime(2025, 3, 5, 17, tzinfo=UTC)), "ish-4": (CARD, START)}
    assert {due.tzinfo for _card, due in states.values()} == {UTC}
    assert education.review_states("nobody") == {}


def test_lessons_are_marked_once_per_person(education: EducationStore) -> None:
    for person, lesson in [("U1", "her2-low"), ("U1", "ish-groups"), ("U1", "her2-low"), ("U2", "ihc")]:
        education.mark_lesson(person, lesson)
    assert [education.lessons_marked(person) for person in ("U1", "U2", "U3")] == [
        {"her2-low", "ish-groups"},
        {"ihc"},
        set(),
    ]


# What a channel knows

# (person, right) per answer, each to a post of its own; then the leaderboard as (person, correct, answered, rank).
LEADERBOARD_CASES = [
    pytest.param([], 10, [], id="no-answers"),
    pytest.param(
        [("UB", True), ("UA", False), ("UA", True), ("UC", True), ("UC", True)],
        10,
        [("UC", 2, 2, 1), ("UB", 1, 1, 2), ("UA", 1, 2, 3)],
        id="most-right-then-fewest-answers",
    ),
    pytest.param(
        [("UB", True), ("UA", True), ("UC", True), ("UC", False)],
        10,
        [("UA", 1, 1, 1), ("UB", 1, 1, 1), ("UC", 1, 2, 3)],
        id="equal-counts-share-a-rank",
    ),
    pytest.param(
        [("u9", True), ("U10", True), ("U9", True), ("_x", True)],
        10,
        [("U10", 1, 1, 1), ("U9", 1, 1, 1), ("_x", 1, 1, 1), ("u9", 1, 1, 1)],
        id="person-ids-order-bytewise-on-every-backend",
    ),
    pytest.param([("UA", False), ("UB", False)], 10, [("UA", 0, 1, 1), ("UB", 0, 1, 1)], id="all-wrong"),
    pytest.param([("UA", True), ("UB", True), ("UC", False)], 2, [("UA", 1, 1, 1), ("UB", 1, 1, 1)], id="limit"),
]


@pytest.mark.parametrize(("answers", "limit", "expected"), LEADERBOARD_CASES)
def test_the_leaderboard_ranks_the_channel(
    education: EducationStore, answers: list, limit: int, expected: list
) -> None:
    for number, (person, right) in enumerate(answers):
        answer(education, f"q{number}#p", person, "a", right=right)
    answer(education, "q0#elsewhere", "UZ", "a", right=True, channel=OTHER_CHANNEL)
    assert education.leaderboard(CHANNEL, limit=limit) == [Standing(*standing) for standing in expected]


@pytest.mark.parametrize(
    ("person", "expected"),
    [("UD", Standing("UD", 0, 2, 4)), ("UA", Standing("UA", 2, 2, 1)), ("UZ", None), ("nobody", None)],
    ids=["below-the-top", "top", "only-elsewhere", "never-answered"],
)
def test_the_askers_standing_counts_the_whole_channel(
    education: EducationStore, person: str, expected: Standing | None
) -> None:
    answers = [("UA", True), ("UA", True), ("UB", True), ("UC", True), ("UC", False), ("UD", False), ("UD", False)]
    for number, (who, right) in enumerate(answers):
        answer(education, f"q{number}#p", who, "a", right=right)
    answer(education, "q0#elsewhere", "UZ", "a", right=True, channel=OTHER_CHANNEL)
    assert [s.person for s in education.leaderboard(CHANNEL, limit=2)] == ["UA", "UB"]
    assert education.standing(CHANNEL, person) == expected


# (question, option chosen, right) per answer, each by a person of its own; then (question, chosen, count).
CONFUSION_CASES = [
    pytest.param([("ish-5", "group-5", True)], 10, [], id="right-answers-are-not-confusions"),
    pytest.param(
        [
            ("ish-5", "group-4", False),
            ("ish-5", "group-4", False),
            ("ish-5", "group-3", False),
            ("ish-5", "group-5", True),
            ("ihc-2", "negative", False),
            ("ihc-2", "negative", False),
            ("ihc-2", "negative", False),
        ],
        10,
        [("ihc-2", "negative", 3), ("ish-5", "group-4", 2), ("ish-5", "group-3", 1)],
        id="by-question-and-option-most-first",
    ),
    pytest.param(
        [("q-b", "x", False), ("q-a", "y", False), ("q-a", "x", False), ("Q-c", "x", False)],
        10,
        [("Q-c", "x", 1), ("q-a", "x", 1), ("q-a", "y", 1), ("q-b", "x", 1)],
        id="ties-by-question-then-option-bytewise",
    ),
    pytest.param(
        [("q-a", "x", False), ("q-a", "x", False), ("q-b", "y", False), ("q-c", "z", False)],
        2,
        [("q-a", "x", 2), ("q-b", "y", 1)],
        id="limit",
    ),
]


@pytest.mark.parametrize(("answers", "limit", "expected"), CONFUSION_CASES)
def test_confusions_count_the_wrong_options_chosen(
    education: EducationStore, answers: list, limit: int, expected: list
) -> None:
    for number, (question, option, right) in enumerate(answers):
        answer(education, f"{question}#p", f"U{number}", option, right=right)
    answer(education, "ihc-2#elsewhere", "UZ", "negative", right=False, channel=OTHER_CHANNEL)
    assert education.confusions(CHANNEL, limit=limit) == [Confusion(*confusion) for confusion in expected]


# Schedules


def test_a_schedule_is_set_read_and_set_again(education: EducationStore, clock: FakeClock) -> None:
    first = set_daily(education, due=datetime(2025, 3, 2, 10, tzinfo=timezone(timedelta(hours=1))))
    assert first == ScheduleRecord(
        first.id, CHANNEL, "slack", TEAM, "daily", None, "09:00", "Europe/London", "slack:T1:U1", START,
        datetime(2025, 3, 2, 9, tzinfo=UTC), active=True, off_reason=None, posts_made=0,
    )  # fmt: skip
    assert (education.schedule(CHANNEL), education.schedule(OTHER_CHANNEL)) == (first, None)
    education.turn_off_schedule(CHANNEL, "channel_not_found")
    clock.advance(timedelta(hours=1))
    again = education.set_schedule(
        CHANNEL,
        surface="slack",
        team=TEAM,
        cadence="weekly",
        weekday=0,
        at_time="07:05",
        zone="America/New_York",
        set_by="slack:T1:U2",
        next_due_at=datetime(2025, 3, 3, 12, 5, tzinfo=UTC),
    )
    assert again == ScheduleRecord(
        first.id, CHANNEL, "slack", TEAM, "weekly", 0, "07:05", "America/New_York", "slack:T1:U2", clock(),
        datetime(2025, 3, 3, 12, 5, tzinfo=UTC), active=True, off_reason=None, posts_made=0,
    )  # fmt: skip
    assert set_daily(education, OTHER_CHANNEL).id != first.id


@pytest.mark.parametrize(
    ("reason", "stored"),
    [(None, None), ("channel_not_found", "channel_not_found"), ("x" * 300, "x" * 255)],
    ids=["asked", "platform-error", "long-error-cut"],
)
def test_a_schedule_is_turned_off_once(education: EducationStore, reason: str | None, stored: str | None) -> None:
    set_daily(education)
    assert [education.turn_off_schedule(CHANNEL, reason), education.turn_off_schedule(CHANNEL, "again")] == [
        True,
        False,
    ]
    off = education.schedule(CHANNEL)
    assert (off.active, off.off_reason) == (False, stored)
    assert education.turn_off_schedule(OTHER_CHANNEL, None) is False
    assert education.claim_due_schedules(owner="A", now=START + timedelta(days=1), lease=LEASE) == []


def test_schedules_are_claimed_when_due_longest_due_first_up_to_the_limit(education: EducationStore) -> None:
    for number, hours in enumerate([3, 1, 2, 0, 5]):
        set_daily(education, f"slack:T1:C{number}", due=START + timedelta(hours=hours))
    assert education.claim_due_schedules(owner="A", now=START - timedelta(microseconds=1), lease=LEASE) == []
    now = START + timedelta(hours=3)
    first = education.claim_due_schedules(owner="A", now=now, lease=LEASE, limit=2)
    rest = education.claim_due_schedules(owner="B", now=now, lease=LEASE)
    assert [[s.channel_key for s in claimed] for claimed in (first, rest)] == [
        ["slack:T1:C3", "slack:T1:C1"],
        ["slack:T1:C2", "slack:T1:C0"],
    ]
    assert education.claim_due_schedules(owner="C", now=now, lease=LEASE) == []


def test_a_claim_past_its_lease_is_taken_over(education: EducationStore) -> None:
    set_daily(education)
    (claimed,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    assert education.claim_due_schedules(owner="B", now=START + LEASE - timedelta(microseconds=1), lease=LEASE) == []
    (taken_over,) = education.claim_due_schedules(owner="B", now=START + LEASE, lease=LEASE)
    assert (taken_over.id, taken_over.next_due_at) == (claimed.id, START)


@pytest.mark.parametrize("claimers", [2, THREADS], ids=["two-replicas", "eight-replicas"])
def test_racing_replicas_claim_a_due_schedule_once(
    education: EducationStore, open_store: Callable[[], Store], claimers: int
) -> None:
    set_daily(education)
    replicas = [open_store().education for _ in range(claimers)]
    claimed = at_once(claimers, lambda i: replicas[i].claim_due_schedules(owner=f"R{i}", now=START, lease=LEASE))
    assert sorted(len(batch) for batch in claimed) == [0] * (claimers - 1) + [1]


def test_racing_replicas_claim_each_of_many_schedules_once(
    education: EducationStore, open_store: Callable[[], Store]
) -> None:
    for number in range(40):
        set_daily(education, f"slack:T1:C{number}", due=START - timedelta(minutes=number))
    replicas = [open_store().education for _ in range(THREADS)]

    def claim_until_none(index: int) -> list[int]:
        claimed: list[int] = []
        while batch := replicas[index].claim_due_schedules(owner=f"R{index}", now=START, lease=LEASE, limit=3):
            claimed.extend(schedule.id for schedule in batch)
        return claimed

    ids = [schedule_id for batch in at_once(THREADS, claim_until_none) for schedule_id in batch]
    assert len(ids) == 40 and len(set(ids)) == 40


def complete(education: EducationStore, schedule: ScheduleRecord, owner: str, **changes: Any) -> bool:
    arguments: dict[str, Any] = {
        "owner": owner,
        "slot": schedule.next_due_at,
        "next_due_at": schedule.next_due_at + timedelta(days=1),
        "request_key": f"schedule:{schedule.id}:{schedule.next_due_at.isoformat()}",
        "deliveries": [lesson_post()],
        "post": QuizPost("c" * 32, schedule.channel_key, "ish-group-4", schedule.next_due_at),
    }
    return education.complete_schedule_post(schedule.id, **(arguments | changes))


def written(store: Store) -> tuple[int, int, int]:
    """Rows in the inbox, the outbox and the posted questions."""
    return (count_rows(store, inbox), count_rows(store, outbox), count_rows(store, education_posts))


def test_a_completed_post_is_recorded_for_any_sender_and_the_schedule_moves_on(
    store: Store, education: EducationStore, open_store: Callable[[], Store]
) -> None:
    set_daily(education)
    (claimed,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    assert complete(education, claimed, "A") is True
    assert written(store) == (1, 1, 1)
    (delivery,) = open_store().claim_deliveries("another-replica", LEASE)
    assert (delivery.request_key, delivery.payload) == (
        f"schedule:{claimed.id}:{START.isoformat()}",
        lesson_post().payload,
    )
    assert education.post("c" * 32) == QuizPost("c" * 32, CHANNEL, "ish-group-4", START)
    moved = education.schedule(CHANNEL)
    assert (moved.next_due_at, moved.posts_made) == (START + timedelta(days=1), 1)
    assert education.claim_due_schedules(owner="B", now=START + timedelta(days=1), lease=LEASE) == [moved]


def test_a_lesson_post_needs_no_quiz_post(store: Store, education: EducationStore) -> None:
    set_daily(education)
    (claimed,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    assert complete(education, claimed, "A", post=None, deliveries=[lesson_post(), lesson_post("2")]) is True
    assert written(store) == (1, 2, 0)


def test_a_claim_of_an_owner_known_dead_is_taken_over_before_its_lease_ends(education: EducationStore) -> None:
    set_daily(education)
    set_daily(education, "slack:T1:C2")
    assert education.schedule_claimants(START) == set()
    assert [s.channel_key for s in education.claim_due_schedules(owner="dead", now=START, lease=LEASE, limit=1)] == [
        CHANNEL
    ]
    assert len(education.claim_due_schedules(owner="alive", now=START, lease=LEASE, limit=1)) == 1
    assert education.schedule_claimants(START) == {"dead", "alive"}
    assert education.claim_due_schedules(owner="B", now=START, lease=LEASE) == []
    (taken,) = education.claim_due_schedules(owner="B", now=START, lease=LEASE, take_over={"dead", "gone"})
    assert taken.channel_key == CHANNEL  # the dead owner's, claimed first
    assert education.schedule_claimants(START) == {"B", "alive"}
    assert education.schedule_claimants(START + LEASE) == set()  # every claim has passed


def test_a_process_whose_claim_was_taken_over_writes_nothing(store: Store, education: EducationStore) -> None:
    set_daily(education)
    (lost,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    (taken,) = education.claim_due_schedules(owner="B", now=START + LEASE, lease=LEASE)
    assert complete(education, lost, "A") is False
    assert (written(store), education.schedule(CHANNEL).posts_made) == ((0, 0, 0), 0)
    assert education.skip_schedule_slot(lost.id, owner="A", slot=START, next_due_at=START + timedelta(days=1)) is False
    assert complete(education, taken, "B") is True
    assert (written(store), complete(education, taken, "B")) == ((1, 1, 1), False)


def test_a_lesson_post_moves_its_channel_to_the_next_lesson_only_if_it_is_written(education: EducationStore) -> None:
    education.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS)
    set_daily(education)
    (lost,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    (taken,) = education.claim_due_schedules(owner="B", now=START + LEASE, lease=LEASE)
    assert complete(education, lost, "A", post=None, lesson_count=14) is False
    assert education.channel(CHANNEL).next_lesson == 0
    assert complete(education, taken, "B", post=None, lesson_count=14) is True
    assert education.channel(CHANNEL).next_lesson == 1
    (following,) = education.claim_due_schedules(owner="B", now=START + timedelta(days=1), lease=LEASE)
    assert complete(education, following, "B", lesson_count=None) is True  # a quiz: the channel stays
    assert education.channel(CHANNEL).next_lesson == 1


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda education: education.turn_off_schedule(CHANNEL, None), id="turned-off"),
        pytest.param(lambda education: set_daily(education, due=START), id="set-again-same-slot"),
        pytest.param(lambda education: set_daily(education, due=START + timedelta(hours=1)), id="set-to-later"),
    ],
)
def test_a_schedule_changed_while_claimed_makes_its_post_write_nothing(
    store: Store, education: EducationStore, change: Callable[[EducationStore], Any]
) -> None:
    set_daily(education)
    (claimed,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    change(education)
    assert (complete(education, claimed, "A"), written(store)) == (False, (0, 0, 0))


def test_a_slot_the_owner_did_not_claim_writes_nothing(store: Store, education: EducationStore) -> None:
    schedule = set_daily(education)
    assert complete(education, schedule, "A") is False
    (claimed,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    assert complete(education, claimed, "A", slot=START - timedelta(days=1)) is False
    assert complete(education, claimed, "B") is False
    assert (written(store), education.schedule(CHANNEL).next_due_at) == ((0, 0, 0), START)


def test_a_request_recorded_before_moves_the_schedule_on_without_posting_again(
    store: Store, education: EducationStore
) -> None:
    set_daily(education)
    (claimed,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    store.record_request(f"schedule:{claimed.id}:{START.isoformat()}", [lesson_post()])
    assert complete(education, claimed, "A") is False
    moved = education.schedule(CHANNEL)
    assert (written(store), moved.next_due_at, moved.posts_made) == ((1, 1, 0), START + timedelta(days=1), 0)


def test_a_failure_while_posting_writes_nothing(store: Store, education: EducationStore) -> None:
    set_daily(education)
    (claimed,) = education.claim_due_schedules(owner="A", now=START, lease=LEASE)
    unserialisable = NewDelivery("slack", "post", {"channel": "C1"}, {"blocks": {object()}}, START + TTL)
    with pytest.raises(TypeError):
        complete(education, claimed, "A", deliveries=[lesson_post(), unserialisable])
    assert (written(store), education.schedule(CHANNEL).next_due_at) == ((0, 0, 0), START)
    assert complete(education, claimed, "A") is True


def test_a_skipped_slot_moves_the_schedule_on_without_a_post(store: Store, education: EducationStore) -> None:
    set_daily(education)
    (claimed,) = education.claim_due_schedules(owner="A", now=START + timedelta(days=2), lease=LEASE)
    following = START + timedelta(days=3)
    assert education.skip_schedule_slot(claimed.id, owner="A", slot=START, next_due_at=following) is True
    assert education.skip_schedule_slot(claimed.id, owner="A", slot=START, next_due_at=following) is False
    moved = education.schedule(CHANNEL)
    assert (written(store), moved.next_due_at, moved.posts_made) == ((0, 0, 0), following, 0)
    assert education.claim_due_schedules(owner="B", now=following, lease=LEASE) == [moved]


# Notices


def test_notices_are_said_once_oldest_first(education: EducationStore, clock: FakeClock) -> None:
    education.add_notice(TEAM, "I turned the schedule in one channel off.")
    clock.advance(timedelta(seconds=1))
    education.add_notice(TEAM, "I turned the schedule in another channel off.")
    education.add_notice("slack:T2", "Elsewhere.")
    taken = [education.take_notice(TEAM) for _ in range(3)]
    assert taken == ["I turned the schedule in one channel off.", "I turned the schedule in another channel off.", None]
    assert [education.take_notice("slack:T2"), education.take_notice("slack:T3")] == ["Elsewhere.", None]


def test_racing_replicas_say_a_notice_once(education: EducationStore, open_store: Callable[[], Store]) -> None:
    education.add_notice(TEAM, "I turned the schedule in one channel off.")
    replicas = [open_store().education for _ in range(THREADS)]
    taken = at_once(THREADS, lambda index: replicas[index].take_notice(TEAM))
    assert sorted(taken, key=str) == ["I turned the schedule in one channel off."] + [None] * (THREADS - 1)


# Privacy: every value stored is an id, an option id, JSON handed in, or herbot's own sentence


def test_nothing_stored_is_free_text(store: Store, education: EducationStore) -> None:
    notice = "I turned the schedule in one channel off."
    given = {CHANNEL, "slack", TEAM, json.dumps(ADDRESS, sort_keys=True, separators=(",", ":")), "p1", "ish-5"}
    given |= {"slack:T1:U1", "group-4", CARD, "her2-low", "daily", "09:00", "Europe/London", notice}
    education.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS)
    education.record_post("p1", channel_key=CHANNEL, question_id="ish-5", for_person="slack:T1:U1")
    education.record_answer(
        "p1", person="slack:T1:U1", question_id="ish-5", channel_key=CHANNEL, option_id="group-4", correct=False
    )
    education.save_review_state("slack:T1:U1", "ish-5", CARD, START)
    education.mark_lesson("slack:T1:U1", "her2-low")
    set_daily(education)
    assert len(education.claim_due_schedules(owner="A", now=START, lease=LEASE)) == 1
    education.add_notice(TEAM, notice)
    with store.engine.connect() as connection:
        stored = {
            value
            for table in EDUCATION_TABLES
            for row in connection.execute(select(table))
            for value in row
            if isinstance(value, str)
        }
    assert stored == given | {"A"}


# Arguments and failures


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda e: e.save_channel("k" * 256, surface="slack", team=TEAM, address={}), id="long-key"),
        pytest.param(lambda e: e.save_channel(CHANNEL, surface="s" * 33, team=TEAM, address={}), id="long-surface"),
        pytest.param(lambda e: e.take_next_lesson(CHANNEL, 0), id="no-lessons"),
        pytest.param(lambda e: e.record_post("p" * 256, channel_key=CHANNEL, question_id="q"), id="long-post-id"),
        pytest.param(
            lambda e: e.record_answer(
                "p1", person="U" * 256, question_id="q", channel_key=CHANNEL, option_id="a", correct=True
            ),
            id="long-person",
        ),
        pytest.param(lambda e: e.save_review_state("U1", "q", "not json", START), id="card-not-json"),
        pytest.param(lambda e: e.save_review_state("U1", "q", "[1]", START), id="card-not-an-object"),
        pytest.param(lambda e: e.save_review_state("U1", "q", CARD, START.replace(tzinfo=None)), id="naive-due"),
        pytest.param(lambda e: e.leaderboard(CHANNEL, limit=0), id="leaderboard-limit"),
        pytest.param(lambda e: e.confusions(CHANNEL, limit=0), id="confusions-limit"),
        pytest.param(lambda e: set_daily(e, due=START.replace(tzinfo=None)), id="naive-next-due"),
        pytest.param(lambda e: e.claim_due_schedules(owner="A", now=START, lease=timedelta(0)), id="no-lease"),
        pytest.param(lambda e: e.claim_due_schedules(owner="A", now=START, lease=LEASE, limit=0), id="claim-limit"),
        pytest.param(
            lambda e: e.claim_due_schedules(owner="A", now=START.replace(tzinfo=None), lease=LEASE), id="naive-now"
        ),
        pytest.param(
            lambda e: e.skip_schedule_slot(1, owner="A", slot=START.replace(tzinfo=None), next_due_at=START),
            id="naive-slot",
        ),
        pytest.param(lambda e: e.add_notice(TEAM, ""), id="empty-notice"),
        pytest.param(lambda e: e.add_notice(TEAM, "x" * 1001), id="long-notice"),
    ],
)
def test_bad_arguments_are_refused(education: EducationStore, call: Callable[[EducationStore], Any]) -> None:
    with pytest.raises(ValueError):
        call(education)


@pytest.mark.parametrize(
    ("weekday", "at_time"),
    [(7, "09:00"), (-1, "09:00"), (None, "9:00"), (None, "24:00"), (None, "09:60"), (None, "09:00:00")],
)
def test_a_schedule_outside_the_week_or_the_day_is_refused(
    education: EducationStore, weekday: int | None, at_time: str
) -> None:
    with pytest.raises(ValueError):
        education.set_schedule(
            CHANNEL, surface="slack", team=TEAM, cadence="weekly", weekday=weekday, at_time=at_time,
            zone="UTC", set_by="slack:T1:U1", next_due_at=START,
        )  # fmt: skip
    assert education.schedule(CHANNEL) is None


CALLS_ON_A_LOST_DATABASE = {
    "save_channel": lambda e: e.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS),
    "channel": lambda e: e.channel(CHANNEL),
    "set_leaderboard": lambda e: e.set_leaderboard(CHANNEL, False),
    "take_next_lesson": lambda e: e.take_next_lesson(CHANNEL, 12),
    "record_post": lambda e: e.record_post("p1", channel_key=CHANNEL, question_id="q"),
    "post": lambda e: e.post("p1"),
    "record_answer": lambda e: answer(e, "p1", "U1", "a", right=True),
    "answer": lambda e: e.answer("p1", "U1"),
    "review_states": lambda e: e.review_states("U1"),
    "save_review_state": lambda e: e.save_review_state("U1", "q", CARD, START),
    "mark_lesson": lambda e: e.mark_lesson("U1", "her2-low"),
    "lessons_marked": lambda e: e.lessons_marked("U1"),
    "leaderboard": lambda e: e.leaderboard(CHANNEL),
    "standing": lambda e: e.standing(CHANNEL, "U1"),
    "confusions": lambda e: e.confusions(CHANNEL),
    "set_schedule": set_daily,
    "schedule": lambda e: e.schedule(CHANNEL),
    "turn_off_schedule": lambda e: e.turn_off_schedule(CHANNEL, None),
    "claim_due_schedules": lambda e: e.claim_due_schedules(owner="A", now=START, lease=LEASE),
    "schedule_claimants": lambda e: e.schedule_claimants(START),
    "complete_schedule_post": lambda e: e.complete_schedule_post(
        1, owner="A", slot=START, next_due_at=START, request_key="schedule:1", deliveries=[], post=None
    ),
    "skip_schedule_slot": lambda e: e.skip_schedule_slot(1, owner="A", slot=START, next_due_at=START),
    "add_notice": lambda e: e.add_notice(TEAM, "Notice."),
    "take_notice": lambda e: e.take_notice(TEAM),
}


@pytest.fixture
def lost_education(clock: FakeClock) -> Iterator[EducationStore]:
    """The education store of a store whose database went away after start-up."""
    store = Store(create_engine(UNREACHABLE), clock=clock, slot_ttl=TTL)
    yield store.education
    store.close()


@pytest.mark.parametrize("method", list(CALLS_ON_A_LOST_DATABASE))
def test_a_lost_database_raises_store_unavailable(lost_education: EducationStore, method: str) -> None:
    with pytest.raises(StoreUnavailable, match=r"nobody:\*\*\*@127\.0\.0\.1:1/none"):
        CALLS_ON_A_LOST_DATABASE[method](lost_education)


def test_the_store_builds_one_education_store(store: Store) -> None:
    assert store.education is store.education


def test_a_second_store_finds_what_the_first_recorded(
    store: Store, education: EducationStore, open_store: Callable[[], Store]
) -> None:
    education.save_channel(CHANNEL, surface="slack", team=TEAM, address=ADDRESS)
    answer(education, "p1", "U1", "a", right=True)
    schedule = set_daily(education)
    store.close()
    again = open_store().education
    assert (again.answer("p1", "U1"), again.schedule(CHANNEL), again.channel(CHANNEL).address) == (
        ("a", True),
        schedule,
        ADDRESS,
    )
