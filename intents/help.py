"""The ``help`` intent: what herbot does and how to ask."""

from __future__ import annotations

from bot.engine import HER2_GUIDELINE, HORMONE_GUIDELINE
from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_ER_PR_2020, ASCO_CAP_HER2_2018, ASCO_CAP_HER2_2023
from intents.catalog import QUESTIONS, Intent

__all__ = ["SCOPE", "explain_help"]

SCOPE = Claim(
    "I explain HER2 and hormone-receptor status in invasive breast cancer and classify reported values by the "
    f"{HER2_GUIDELINE} and the {HORMONE_GUIDELINE}, citing the source of every statement.",
    (ASCO_CAP_HER2_2018, ASCO_CAP_HER2_2023, ASCO_CAP_ER_PR_2020),
)


def explain_help() -> Explanation:
    """How to use herbot, with the guidelines it applies."""
    return Explanation(
        intent="help",
        headline=Claim("herbot: HER2 / HER2-negative breast cancer, explained with sources.", ()),
        points=(
            SCOPE,
            Claim('Ask a question, for example "What does HER2-low mean?" or "tx options for TNBC?"', ()),
            Claim('Paste values or a report fragment: "IHC 2+, HER2/CEP17 1.6, copy# 3.2, ER 90%, PR 20%".', ()),
            Claim('Values add up within a conversation; say "new case" to start over.', ()),
            Claim('Learn and practise: "teach me about ISH", "quiz me".', ()),
        ),
        follow_ups=(QUESTIONS[Intent.DEFINE_HER2_LOW], QUESTIONS[Intent.CLASSIFY_VALUES], QUESTIONS[Intent.QUIZ]),
        guidelines=(HER2_GUIDELINE, HORMONE_GUIDELINE),
    )
