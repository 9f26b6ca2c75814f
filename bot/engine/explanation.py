"""The ``Explanation``: what every answer is, before any surface renders it.

An explanation is data, not text. Every clinical sentence in it is a ``Claim`` with at
least one source id, so the same answer renders as plain text, Slack blocks, a Teams
card or the web chat, and a test can check that nothing clinical goes uncited.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.classify import Classification
from bot.engine.steps import Step

__all__ = ["DISCLAIMER", "Claim", "Explanation", "FactCheck"]

DISCLAIMER = (
    "Educational decision support, not a diagnosis or a treatment order: confirm with the pathology report "
    "and the treating team."
)


@dataclass(frozen=True, slots=True)
class FactCheck:
    """Report values a statement describes and what it says they give; ``None`` means not stated."""

    values: tuple[tuple[str, str], ...]
    her2_status: str | None = None
    her2_category: str | None = None
    ish_group: int | None = None
    subtype: str | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement and the source ids that back it.

    ``assumed`` names what the statement takes for granted that docs/her2-rules.md lists as
    unverified; ``text`` must say it. ``checks`` are the report values the statement describes, with
    the outcome it states, so a test can run the engine on them (tests/test_knowledge_facts.py).
    ``id`` is the stable id of a knowledge fact (``None`` for statements the engine or a handler writes).
    """

    text: str
    sources: tuple[str, ...]
    assumed: str | None = None
    checks: tuple[FactCheck, ...] = ()
    id: str | None = None


@dataclass(frozen=True, slots=True)
class Explanation:
    """A complete answer: headline, points, reasoning, values, follow-ups.

    ``flags`` change how a result must be read (discordant IHC/ISH, ER Low Positive, not final): every
    surface shows them in its default view. ``notices`` are non-clinical remarks (for example that
    patient identifiers were ignored, or which values came from earlier messages). ``question_id`` names the
    question-bank entry the answer leads with; ``full`` asks every surface to show it whole (a "More"
    request, a lesson) rather than in its short default view.
    """

    intent: str
    headline: Claim
    points: tuple[Claim, ...] = ()
    flags: tuple[Claim, ...] = ()
    steps: tuple[Step, ...] = ()
    values: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    guidelines: tuple[str, ...] = ()
    classification: Classification | None = None
    topic_id: str | None = None
    notices: tuple[str, ...] = ()
    disclaimer: str = DISCLAIMER
    question_id: str | None = None
    full: bool = False

    @property
    def claims(self) -> tuple[Claim, ...]:
        return (self.headline, *self.flags, *self.points)

    @property
    def claim_source_ids(self) -> tuple[str, ...]:
        """The ids the headline and points cite, once each, in order of first citation."""
        return tuple(dict.fromkeys(source for claim in self.claims for source in claim.sources))

    @property
    def source_ids(self) -> tuple[str, ...]:
        """Every cited id, reasoning steps included, once each, in order of first citation."""
        steps = (source for step in self.steps for source in step.sources)
        return tuple(dict.fromkeys((*self.claim_source_ids, *steps)))
