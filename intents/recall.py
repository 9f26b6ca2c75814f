"""Answers about the last subject: its sources, the trial behind it, what a year's guideline said.

Each function takes the claims the last answer rested on and returns a short ``Explanation``; the router
decides which one a follow-up asks for (``intents.follow_up``).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.explanation import Claim, Explanation
from bot.engine.sources import SourceKind, SourceRegistry

__all__ = ["explain_sources", "explain_trial", "explain_year"]

MAX_EXTRA = 2
_TRIALS = (SourceKind.TRIAL, SourceKind.STUDY)


def explain_sources(claims: Sequence[Claim], registry: SourceRegistry, *, trial: bool | None = None) -> Explanation:
    """The full references behind ``claims``, one point per source; ``trial=False`` says no trial is among them."""
    ids = tuple(dict.fromkeys(source for claim in claims for source in claim.sources))
    points = tuple(Claim(f"{source.short}: {source.citation}", (source.id,)) for source in registry.resolve(ids))
    headline = (
        "No single trial: my last answer rests on these guidelines and studies."
        if trial is False
        else "The sources behind my last answer:"
    )
    return Explanation(intent="help", headline=Claim(headline, ()), points=points, full=True)


def explain_trial(
    claims: Sequence[Claim], registry: SourceRegistry, *, shown: Claim | None = None
) -> Explanation | None:
    """The first of ``claims`` that cites a trial or study, with up to two more; ``None`` when none does.

    ``shown`` (the last answer's first sentence) comes last: the reader has it already.
    """
    ordered = sorted(claims, key=lambda claim: claim.text == (shown.text if shown else None))
    trial_claims = [claim for claim in ordered if any(_kind(registry, s) in _TRIALS for s in claim.sources)]
    if not trial_claims:
        return None
    first, *others = dict.fromkeys(trial_claims)
    return Explanation(intent="help", headline=first, points=tuple(others[:MAX_EXTRA]))


def explain_year(claims: Sequence[Claim], registry: SourceRegistry, year: int) -> Explanation | None:
    """The first of ``claims`` that cites a source of ``year`` (a guideline version), with up to two more."""
    dated = [claim for claim in claims if any(registry.get(s).year == year for s in claim.sources if s in registry)]
    if not dated:
        return None
    first, *others = dict.fromkeys(dated)
    return Explanation(intent="help", headline=first, points=tuple(others[:MAX_EXTRA]))


def _kind(registry: SourceRegistry, source_id: str) -> SourceKind | None:
    return registry.get(source_id).kind if source_id in registry else None
