"""The default (short) and full views of an explanation, the same on every surface.

The default view is what a clinician reads between patients: the answer, the flags that change how to
read it, notices, at most ``MAX_POINTS`` points and no more than ``MAX_BODY`` characters of body, then
compact references and the disclaimer. A classification keeps its decisive steps (its points) whole;
the full reasoning, every point and full references are one click (or ``--full``) away.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.explanation import Claim, Explanation

__all__ = ["MAX_BODY", "MAX_POINTS", "body_length", "default_view"]

MAX_POINTS = 3
MAX_BODY = 600
# A rendered line adds a bullet and a line break to its text, and a claim a space and "[n]" per source.
_LINE_OVERHEAD = 5
_MARK = 4


def body_length(explanation: Explanation) -> int:
    """How many characters the body (headline, flags, notices, points) takes when rendered, at most."""
    claims: list[Claim] = [explanation.headline, *explanation.flags, *explanation.points]
    cited = sum(len(claim.text) + _LINE_OVERHEAD + _MARK * len(set(claim.sources)) for claim in claims)
    return cited + sum(len(notice) + _LINE_OVERHEAD for notice in explanation.notices)


def default_view(explanation: Explanation) -> Explanation:
    """``explanation`` cut to the default view; unchanged when it asks to be shown whole or is a classification."""
    if explanation.full or explanation.classification is not None:
        return explanation
    points = list(explanation.points[:MAX_POINTS])
    while points and body_length(replace(explanation, points=tuple(points))) > MAX_BODY:
        points.pop()
    return replace(explanation, points=tuple(points))
