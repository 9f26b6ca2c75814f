"""Treatment in general for a classified case: which knowledge topic applies, and adding its cited headline.

herbot never chooses a treatment for a patient, but a message that reports values and asks about
treatment in general ("tx options? IHC 1+ ER 90%"), or a declined patient-specific request, gets what
the cited evidence says about that category in general, right after the classification's headline.

>>> asks_about_treatment("tx options? ihc 1+ er 90%"), asks_about_treatment("ihc 1+ er 90%")
(True, False)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from bot.engine import Classification, Her2Category, Her2Status, Subtype
from bot.engine.explanation import Claim, Explanation
from bot.engine.topics import Topic

__all__ = ["asks_about_treatment", "general_treatment_topic", "with_general_evidence"]

_TREATMENT_WORDS = re.compile(
    r"\b(?:tx|rx|treat\w*|therap\w*|options?|manag\w*|regimens?|drugs?|eligib\w*|chemo\w*|endocrine|adc|t-?dxd"
    r"|enhertu|trastuzumab\w*|cdk ?4/6\w*)\b"
)
# The general treatment topic for each classification, most specific first (docs/her2-rules.md §6, §8).
_TOPICS: tuple[tuple[Callable[[Classification], bool], str], ...] = (
    (lambda result: result.her2_status is Her2Status.POSITIVE, "treatment-her2-positive"),
    (lambda result: result.subtype is Subtype.TRIPLE_NEGATIVE, "treatment-tnbc"),
    (lambda result: result.her2_category in (Her2Category.LOW, Her2Category.ULTRALOW), "treatment-her2-low"),
    (lambda result: result.subtype is Subtype.HR_POSITIVE_HER2_NEGATIVE, "treatment-hr-positive"),
)


def asks_about_treatment(text: str) -> bool:
    """True when normalised ``text`` asks about treatment."""
    return bool(_TREATMENT_WORDS.search(text))


def general_treatment_topic(result: Classification) -> str | None:
    """The knowledge topic on treatment in general for the category ``result`` falls in, if there is one."""
    return next((topic for applies, topic in _TOPICS if applies(result)), None)


def with_general_evidence(explanation: Explanation, general: Topic | None) -> Explanation:
    """``explanation`` with ``general``'s cited headline as its first point, and the topic as a follow-up."""
    if general is None:
        return explanation
    evidence = Claim(f"In general: {general.headline.text}", general.headline.sources)
    return replace(
        explanation,
        points=(evidence, *explanation.points),
        follow_ups=(f"Teach me more about {general.title}", *explanation.follow_ups)[:3],
    )
