"""Answers about the last subject: its sources, the trial behind it, what a year's guideline said.

Each function takes the claims the last answer rested on and returns a short ``Explanation``; the router
decides which one a follow-up asks for (``intents.follow_up``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.engine.explanation import Claim, Explanation
from bot.engine.sources import Source, SourceKind, SourceRegistry

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
    return _citing(ordered, registry, lambda source: source.kind in _TRIALS)


def explain_year(claims: Sequence[Claim], registry: SourceRegistry, year: int) -> Explanation | None:
    """The first of ``claims`` that cites a source of ``year`` (a guideline version), with up to two more."""
    return _citing(claims, registry, lambda source: source.year == year)


def _citing(claims: Sequence[Claim], registry: SourceRegistry, wanted: Callable[[Source], bool]) -> Explanation | None:
    """The first of ``claims`` citing a ``wanted`` source, with up to ``MAX_EXTRA`` more; ``None`` if none does."""
    found = [c for c in claims if any(s in registry and wanted(registry.get(s)) for s in c.sources)]
    if not found:
        return None
    first, *others = dict.fromkeys(found)
    return Explanation(intent="help", headline=first, points=tuple(others[:MAX_EXTRA]))
