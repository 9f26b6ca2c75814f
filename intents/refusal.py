"""The ``out-of-scope`` intent: a polite refusal that says what herbot can do instead.

A patient-specific treatment request that carries values is declined in one sentence, and the values are
still classified, with what the evidence says about that category in general (``decline_decision``).
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_HER2_2018
from intents.catalog import QUESTIONS, Intent
from intents.help import SCOPE

__all__ = ["RefusalKind", "decline_decision", "explain_refusal"]


class RefusalKind(StrEnum):
    PATIENT_SPECIFIC = "patient-specific"
    OTHER_CANCER = "other-cancer"
    UNRELATED = "unrelated"


_HEADLINES = {
    RefusalKind.PATIENT_SPECIFIC: (
        "I can't advise on a specific patient's drug, dose or treatment decision: that belongs to the treating team "
        "and the tumour board."
    ),
    RefusalKind.OTHER_CANCER: (
        "I only cover invasive breast cancer: the ASCO/CAP breast HER2 criteria I apply are not the criteria used "
        "for gastric, gastro-oesophageal, endometrial, colorectal or other cancers."
    ),
    RefusalKind.UNRELATED: (
        "That is outside what I can help with: I answer questions about HER2 status in breast cancer."
    ),
}
_INSTEAD = {
    RefusalKind.PATIENT_SPECIFIC: Claim(
        "I can explain what the trials showed and which populations they enrolled, or classify reported values "
        "with the reasoning.",
        (),
    ),
    RefusalKind.OTHER_CANCER: Claim("For breast cancer, ask me about testing, categories or values.", ()),
    RefusalKind.UNRELATED: Claim('Type "help" to see what I can do.', ()),
}


def explain_refusal(kind: RefusalKind) -> Explanation:
    """A refusal for ``kind``, with what herbot can do instead."""
    return Explanation(
        intent="out-of-scope",
        headline=Claim(_HEADLINES[kind], (ASCO_CAP_HER2_2018,) if kind is RefusalKind.OTHER_CANCER else ()),
        points=(SCOPE, _INSTEAD[kind]),
        follow_ups=(QUESTIONS[Intent.TREATMENT_HER2_LOW], QUESTIONS[Intent.CLASSIFY_VALUES], QUESTIONS[Intent.HELP]),
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
