"""When no intent is confident: ask which topic was meant, and offer the best-matching cited facts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.explanation import Claim, Explanation
from bot.knowledge import Fact
from intents.catalog import QUESTIONS, Intent
from intents.help import SCOPE

__all__ = ["explain_clarification"]


def explain_clarification(likeliest: Sequence[str], facts: Sequence[Fact]) -> Explanation:
    """A short clarifying question naming the likeliest topics, plus cited facts found by search."""
    offers = [QUESTIONS[intent] for intent in likeliest if intent in QUESTIONS][:3]
    points = tuple(fact.claim for fact in facts) or (SCOPE,)
    headline = (
        "I'm not sure what you're asking. Did you mean one of these?" if offers else "I'm not sure what you're asking."
    )
    if facts:
        headline += " Meanwhile, here is what I found in my sources:"
    return Explanation(
        intent="clarify",
        headline=Claim(headline, ()),
        points=points,
        follow_ups=tuple(offers) or (QUESTIONS[Intent.HELP],),
    )
