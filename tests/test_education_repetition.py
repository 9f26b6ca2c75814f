"""Spaced repetition (FSRS): wrong answers come back first, unseen questions before not-yet-due ones, no clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, State

from bot.education.repetition import ReviewState, due_questions, next_question, review

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
History = Mapping[str, list[tuple[int, bool]]]  # question -> (minutes after START, answered right) in order


def _minutes(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def _states(history: History) -> dict[str, ReviewState]:
    states: dict[str, ReviewState] = {}
    for question, answers in history.items():
        for minute, correct in answers:
            states[question] = review(states.get(question), correct=correct, now=_minutes(minute))
    return states


TWO_DAYS_ON = 10 + 2 * 24 * 60  # a new card answered right twice is due again two days after the second answer

# id, history, candidates, now (minutes after START), the next question, the questions due now
SCENARIOS = [
    ("wrong-before-right", {"a": [(0, True)], "b": [(0, False)]}, ["a", "b"], 5, "b", ["b"]),
    (
        "wrong-after-learning-before-right",
        {"a": [(0, True), (10, True), (TWO_DAYS_ON, True)], "b": [(0, True), (10, True), (TWO_DAYS_ON, False)]},
        ["a", "b"],
        TWO_DAYS_ON + 60,
        "b",
        ["b"],
    ),
    ("unseen-before-not-yet-due", {"a": [(0, True)]}, ["a", "c"], 5, "c", []),
    ("due-before-unseen", {"a": [(0, False)]}, ["c", "a"], 5, "a", ["a"]),
    (
        "oldest-due-first",
        {"a": [(0, False)], "b": [(2, False)], "c": [(1, False)]},
        ["b", "c", "a"],
        60,
        "a",
        ["a", "c", "b"],
    ),
    ("soonest-due-when-all-seen", {"a": [(3, True)], "b": [(0, True)]}, ["a", "b"], 5, "b", []),
    ("only-candidates-count", {"a": [(0, True)], "z": [(0, False)]}, ["a"], 5, "a", []),
    ("a-candidate-listed-twice", {"a": [(0, False)]}, ["a", "a"], 5, "a", ["a"]),
]


@pytest.mark.parametrize(
    ("history", "candidates", "now", "expected", "due"), [pytest.param(*row[1:], id=row[0]) for row in SCENARIOS]
)
def test_next_question(history: History, candidates: list[str], now: int, expected: str, due: list[str]) -> None:
    states, moment = _states(history), _minutes(now)
    picked = next_question(candidates, states, moment, seed="slack:T1:U1")
    assert (picked, due_questions(candidates, states, moment)) == (expected, due)


# A new card by FSRS 6's default learning steps: right (Good) -> 10 minutes, wrong (Again) -> 1 minute.
@pytest.mark.parametrize(("correct", "interval"), [(True, timedelta(minutes=10)), (False, timedelta(minutes=1))])
def test_a_new_card_is_rated_good_when_right_and_again_when_wrong(correct: bool, interval: timedelta) -> None:
    assert review(None, correct=correct, now=START).due == START + interval


def test_review_reads_no_clock() -> None:
    assert review(None, correct=True, now=START) == review(None, correct=True, now=START)


def test_a_state_round_trips_through_json() -> None:
    state = _states({"a": [(0, True), (10, True)]})["a"]
    stored = json.dumps({"card": state.card_json, "due": state.due.isoformat()})
    loaded = json.loads(stored)
    again = ReviewState(loaded["card"], datetime.fromisoformat(loaded["due"]))
    card = Card.from_json(again.card_json)
    assert (again, card.state, card.due) == (state, State.Review, state.due)
    later = state.due + timedelta(hours=1)
    assert review(again, correct=False, now=later) == review(state, correct=False, now=later)


def test_unseen_questions_follow_the_seed_not_the_list_order() -> None:
    questions = [f"q{number}" for number in range(12)]
    picks = {seed: next_question(questions, {}, START, seed=seed) for seed in (f"slack:T1:U{n}" for n in range(20))}
    reversed_picks = {seed: next_question(questions[::-1], {}, START, seed=seed) for seed in picks}
    assert (reversed_picks == picks, len(set(picks.values())) > 1) == (True, True)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda: review(None, correct=True, now=datetime(2026, 1, 5)), id="review-naive-now"),
        pytest.param(lambda: due_questions(["a"], {}, datetime(2026, 1, 5)), id="due-naive-now"),
        pytest.param(lambda: ReviewState("{}", datetime(2026, 1, 5)), id="state-naive-due"),
        pytest.param(lambda: next_question([], {}, START, seed=""), id="no-candidates"),
    ],
)
def test_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError):
        call()
