"""The ``out-of-scope`` intent: a polite refusal that says what herbot can do instead.

A patient-specific treatment request that carries values is declined in one sentence, and the values are
still classified, with what the evidence says about that category in general (``decline_decision``).
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from bot.engine import Classification, Her2Category, Her2Status, Subtype
from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_HER2_2018
from bot.engine.topics import Topic
from intents.catalog import QUESTIONS, Intent
from intents.help import SCOPE

__all__ = ["RefusalKind", "decline_decision", "explain_refusal", "general_treatment_topic"]


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
# The general treatment topic for each classification, most specific first (docs/her2-rules.md §6, §8).
_TREATMENT_TOPICS = (
    (lambda result: result.her2_status is Her2Status.POSITIVE, "treatment-her2-positive"),
    (lambda result: result.subtype is Subtype.TRIPLE_NEGATIVE, "treatment-tnbc"),
    (lambda result: result.her2_category in (Her2Category.LOW, Her2Category.ULTRALOW), "treatment-her2-low"),
    (lambda result: result.subtype is Subtype.HR_POSITIVE_HER2_NEGATIVE, "treatment-hr-positive"),
)


def general_treatment_topic(result: Classification) -> str | None:
    """The knowledge topic on treatment in general for the category ``result`` falls in, if there is one."""
    return next((topic for applies, topic in _TREATMENT_TOPICS if applies(result)), None)


def decline_decision(explanation: Explanation, general: Topic | None) -> Explanation:
    """``explanation`` of the reported values, led by a one-sentence decline of the patient-specific decision.

    With a ``general`` treatment topic, what its cited evidence says in general comes right after the headline.
    """
    headline = Claim(
        f"{_DECLINE} The values you gave read as: {explanation.headline.text}", explanation.headline.sources
    )
    evidence = (Claim(f"In general: {general.headline.text}", general.headline.sources),) if general else ()
    follow_ups = (f"Teach me more about {general.title}",) if general else ()
    return replace(
        explanation,
        intent="out-of-scope",
        headline=headline,
        points=(*evidence, *explanation.points),
        follow_ups=(*follow_ups, *explanation.follow_ups)[:3],
    )
