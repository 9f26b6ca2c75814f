"""What the education store hands back: frozen records of ids, option ids, counts and times, never free text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["ChannelState", "Confusion", "QuizPost", "ScheduleRecord", "Standing"]


@dataclass(frozen=True, slots=True)
class ChannelState:
    """A channel herbot teaches in: where to post (``address``, the surface's own ids), its settings and the index
    of the next lesson of the curriculum."""

    key: str
    surface: str
    team: str
    address: dict[str, Any]
    leaderboard: bool
    next_lesson: int


@dataclass(frozen=True, slots=True)
class QuizPost:
    """A question of the bank posted in a channel, for everyone or (``for_person``) for one person's review."""

    post_id: str
    channel_key: str
    question_id: str
    posted_at: datetime
    for_person: str | None = None


@dataclass(frozen=True, slots=True)
class ScheduleRecord:
    """A channel's schedule: post at ``at_time`` (``"HH:MM"``, local to ``zone``) by ``cadence`` (and ``weekday``
    when weekly), next at ``next_due_at``; ``off_reason`` says why herbot turned it off, if it did."""

    id: int
    channel_key: str
    surface: str
    team: str
    cadence: str
    weekday: int | None
    at_time: str
    zone: str
    set_by: str
    set_at: datetime
    next_due_at: datetime
    active: bool
    off_reason: str | None
    posts_made: int


@dataclass(frozen=True, slots=True)
class Standing:
    """One person's place in a channel: right and all first answers, and their rank (equal counts, equal rank)."""

    person: str
    correct: int
    answered: int
    rank: int


@dataclass(frozen=True, slots=True)
class Confusion:
    """How often a channel chose the wrong option ``chosen`` for question ``question_id``."""

    question_id: str
    chosen: str
    count: int
