"""What the store hands back: frozen records, never rows or dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Schedule:
    """A lesson schedule: post a lesson on ``topic`` (or any) to a channel on a cron."""

    id: int
    team: str
    channel: str
    surface: str
    topic: str | None
    cron: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Score:
    """One user's quiz tally within a team."""

    user: str
    correct: int
    answered: int
