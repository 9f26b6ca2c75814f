"""Spaced repetition by FSRS (the ``fsrs`` package, version 6): which question a person should answer next.

Each person has one FSRS card per question they have answered. A right answer is rated ``Good``, a
wrong one ``Again``, so a question answered wrong comes back sooner than one answered right. Cards
are kept as ``Card.to_dict()`` JSON with their due time; nothing here reads the clock (``now`` is
passed in) and nothing is random (fuzzing is off, ties are broken by a seeded hash).

>>> from datetime import UTC, datetime, timedelta
>>> now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
>>> states = {"ish-1": review(None, correct=False, now=now), "ihc-1": review(None, correct=True, now=now)}
>>> states["ish-1"].due < states["ihc-1"].due
True
>>> next_question(["ihc-1", "ish-1"], states, now + timedelta(hours=1), seed="slack:T1:U1")
'ish-1'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from fsrs import Card, Rating, Scheduler

__all__ = ["ReviewState", "due_questions", "next_question", "review"]


@dataclass(frozen=True, slots=True)
class ReviewState:
    """One person's memory of one question: the FSRS card as JSON and when it is due again (timezone-aware)."""

    card_json: str
    due: datetime

    def __post_init__(self) -> None:
        if self.due.tzinfo is None or self.due.utcoffset() is None:
            raise ValueError("ReviewState.due must be timezone-aware")


def review(state: ReviewState | None, *, correct: bool, now: datetime) -> ReviewState:
    """The state after answering at ``now``: ``Good`` when right, ``Again`` when wrong; a new card when None."""
    now = _utc(now)
    if state is None:
        # An explicit id: fsrs would otherwise number the card from the wall clock (and pause a millisecond).
        card = Card(card_id=int(now.timestamp() * 1000), due=now)
    else:
        card = Card.from_dict(json.loads(state.card_json))
    rating = Rating.Good if correct else Rating.Again
    card, _ = Scheduler(enable_fuzzing=False).review_card(card, rating, review_datetime=now)
    return ReviewState(json.dumps(card.to_dict(), sort_keys=True), card.due.astimezone(UTC))


def due_questions(candidates: Sequence[str], states: Mapping[str, ReviewState], now: datetime) -> list[str]:
    """The candidates seen before and due at ``now``, most overdue first (ties in candidate order)."""
    now = _utc(now)
    seen = [(states[question].due, index, question) for index, question in _unique(candidates) if question in states]
    return [question for due, _, question in sorted(seen) if due <= now]


def next_question(candidates: Sequence[str], states: Mapping[str, ReviewState], now: datetime, *, seed: str) -> str:
    """The question to ask next: the most overdue, else one never seen (seed-stable order), else the soonest due."""
    due = due_questions(candidates, states, now)
    if due:
        return due[0]
    unique = [question for _, question in _unique(candidates)]
    if not unique:
        raise ValueError("next_question needs at least one candidate")
    unseen = [question for question in unique if question not in states]
    if unseen:
        return min(unseen, key=lambda question: _rank(seed, question))
    return min(unique, key=lambda question: (states[question].due, _rank(seed, question)))


def _unique(candidates: Sequence[str]) -> list[tuple[int, str]]:
    """The candidates with their first position, each once."""
    first: dict[str, int] = {}
    for index, question in enumerate(candidates):
        first.setdefault(question, index)
    return [(index, question) for question, index in first.items()]


def _rank(seed: str, question: str) -> str:
    """A stable pseudo-random order of questions for one seed (a person, a channel, a day)."""
    return hashlib.sha256(f"{seed}\x00{question}".encode()).hexdigest()


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    # fsrs insists on timezone.utc itself, not merely a zero offset.
    return moment.astimezone(UTC)
