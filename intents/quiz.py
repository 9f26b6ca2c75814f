"""The ``quiz`` intent: a classification practice question whose answer is one click away."""

from __future__ import annotations

import hashlib

from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_ER_PR_2020, ASCO_CAP_HER2_2018

__all__ = ["PRACTICE_CASES", "explain_quiz"]

# Each case exercises one rule people get wrong; the follow-up classifies it, so the answer is the reasoning.
PRACTICE_CASES = (
    "IHC 2+, HER2/CEP17 ratio 2.0, average HER2 copy number 4.0",
    "IHC 2+, HER2/CEP17 ratio 1.99, average HER2 copy number 4.0",
    "IHC 1+, ER 0%, PR 0%",
    "IHC 2+, no ISH yet, ER 0%, PR 0%",
    "IHC 0, faint incomplete staining in 5% of cells, ER 80%",
    "IHC 2+, HER2/CEP17 ratio 1.8, copy number 6.8, blinded recount same group",
    "IHC 1+, HER2/CEP17 ratio 2.4, copy number 3.8, ER 0%, PR 0%",
    "IHC 3+, ER 5%, PR 0%",
    "single-probe ISH, average HER2 copy number 5.0, IHC 2+",
    "IHC 0, HER2/CEP17 ratio 2.8, copy number 7.5",
    "ER 10%, PR 0%, IHC 1+",
    "ER Allred 3/8, PR 0%, IHC 1+",
)


def explain_quiz(seed: str) -> Explanation:
    """A practice case chosen from ``seed``; the first follow-up asks herbot to classify it."""
    index = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % len(PRACTICE_CASES)
    case = PRACTICE_CASES[index]
    return Explanation(
        intent="quiz",
        headline=Claim(f"Practice case: {case}. What are the HER2 status, HER2 category and subtype?", ()),
        points=(
            Claim(
                "Work it out by the ASCO/CAP HER2 2018 (affirmed 2023) and ER/PR 2020 rules, then check the answer "
                "and its reasoning.",
                (ASCO_CAP_HER2_2018, ASCO_CAP_ER_PR_2020),
            ),
        ),
        follow_ups=(f"classify {case}", "Quiz me again"),
    )
