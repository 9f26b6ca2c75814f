"""Knowledge topics: cited facts about one subject, as the knowledge files hold them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.explanation import Claim

__all__ = ["Topic"]


@dataclass(frozen=True, slots=True)
class Topic:
    """One subject: a headline answer, 2–5 points, deeper facts, caveats and follow-up questions.

    ``facts`` are cited statements that answer questions of the bank but are not part of the summary.
    """

    id: str
    intent: str | None
    title: str
    keywords: tuple[str, ...]
    headline: Claim
    points: tuple[Claim, ...]
    more: tuple[Claim, ...] = ()
    caveats: tuple[Claim, ...] = ()
    facts: tuple[Claim, ...] = ()
    follow_ups: tuple[str, ...] = ()

    @property
    def claims(self) -> tuple[Claim, ...]:
        return (self.headline, *self.points, *self.more, *self.caveats, *self.facts)
