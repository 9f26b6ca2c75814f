"""The ``out-of-scope`` intent: a polite refusal that says what herbot can do instead.

A patient-specific treatment request that carries values is declined in one sentence, and the values are
still classified, with what the evidence says about that category in general (``decline_decision``).
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from bot.engine.explanation import Claim, Explanation
from intents.catalog import QUESTIONS, Intent

__all__ = ["RefusalKind", "decline_decision", "explain_refusal"]


class RefusalKind(StrEnum):
    PATIENT_SPECIFIC = "patient-specific"
    OTHER_CANCER = "other-cancer"
    UNRELATED = "unrelated"


_HEADLINES = {
    RefusalKind.PATIENT_SPECIFIC: (
        "I can't advise on a specific patient's drug, dose or treatment decision: that belongs to the treating team."
    ),
    RefusalKind.OTHER_CANCER: "I only cover HER2 and hormone receptors in invasive breast cancer, not other cancers.",
    RefusalKind.UNRELATED: "That's outside what I can help with: I answer questions about HER2 in breast cancer.",
}
_INSTEAD = {
    RefusalKind.PATIENT_SPECIFIC: "I can explain what trials showed, or classify reported values.",
    RefusalKind.OTHER_CANCER: "Ask me about breast cancer testing, categories or values.",
    RefusalKind.UNRELATED: 'Type "help" to see what I can do.',
}


def explain_refusal(kind: RefusalKind) -> Explanation:
    """A short refusal for ``kind`` with what herbot can do instead; it cites nothing, as it states nothing clinical."""
    return Explanation(
        intent="out-of-scope",
        headline=Claim(f"{_HEADLINES[kind]} {_INSTEAD[kind]}", ()),
        follow_ups=(QUESTIONS[Intent.HELP],),
    )


_DECLINE = (
    "I can't choose a treatment, drug, sequence or dose for a specific patient: that is the treating team's call."
)


def decline_decision(explanation: Explanation) -> Explanation:
    """``explanation`` of the reported values, led by a one-sentence decline of the patient-specific decision."""
    headline = Claim(
        f"{_DECLINE} The values you gave read as: {explanation.headline.text}", explanation.headline.sources
    )
    return replace(explanation, intent="out-of-scope", headline=headline)
