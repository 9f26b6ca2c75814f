"""What the education commands give a surface to draw: plain data, rendered by each surface its own way.

Place          where a command came from: the surface, the workspace, the channel, the person
QuizView       one posted question: one button per option, answered privately by whoever clicks
Standings      a channel's scores: its top ten (or that they are off), the asker's rank and lessons,
               and the wrong answers it gives most
EducationReply what a command posts for everyone (``public``, with a ``quiz`` under it) and what only
               the asker sees (``private``)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from bot.engine.explanation import Claim, Explanation
from bot.knowledge.education import QuizQuestion

__all__ = ["Confused", "EducationReply", "Place", "QuizView", "Ranked", "Standings", "with_notice"]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a command came from. ``person``, ``channel`` and ``team`` are ids (``slack:T1:U1``), never names;
    ``address`` is how a later post reaches the channel (the surface's own ids); ``direct`` a DM or personal chat."""

    surface: str
    team: str
    channel: str
    person: str
    direct: bool = False
    address: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QuizView:
    """A posted question: ``post_id`` names this posting (each posting is answered once per person)."""

    post_id: str
    question: QuizQuestion
    heading: str


@dataclass(frozen=True, slots=True)
class Ranked:
    """One line of a leaderboard: the person's id, right answers, answers, and rank (1 is first)."""

    person: str
    correct: int
    answered: int
    rank: int


@dataclass(frozen=True, slots=True)
class Confused:
    """A wrong answer the channel gives: the option chosen instead of the right one, and how often."""

    topic: str
    chosen: str
    right: str
    count: int


@dataclass(frozen=True, slots=True)
class Standings:
    """A channel's scores as ``scores`` shows them to the person who asked."""

    leaderboard: tuple[Ranked, ...] | None  # None: the channel turned its leaderboard off
    mine: Ranked | None
    lessons_done: int
    lessons_total: int
    confusions: tuple[Confused, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EducationReply:
    """What a command posts for everyone and what only the asker sees; any part may be absent."""

    public: Explanation | None = None
    quiz: QuizView | None = None
    private: Explanation | None = None
    standings: Standings | None = None
    by: str | None = None  # the person a public post names (who set a schedule, who turned scores off)


def with_notice(reply: EducationReply, notice: str | None) -> EducationReply:
    """``reply`` with ``notice`` said first in what it shows (its private part, else its public one)."""
    if not notice:
        return reply
    if reply.private is not None:
        return replace(reply, private=replace(reply.private, notices=(notice, *reply.private.notices)))
    if reply.public is not None:
        return replace(reply, public=replace(reply.public, notices=(notice, *reply.public.notices)))
    return replace(reply, private=Explanation(intent="education", headline=Claim(notice, ())))
