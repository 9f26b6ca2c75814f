"""The intents herbot answers, and the question each one stands for in menus and follow-ups.

Every intent but ``out-of-scope`` has a menu question; a refusal is never offered as a follow-up.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["INTENTS", "QUESTIONS", "TOPIC_INTENTS", "Intent"]


class Intent(StrEnum):
    """What a message asks for. The values are the stable names of DESIGN.md's machine contracts."""

    HELP = "help"
    DEFINE_HER2_NEGATIVE = "define-her2-negative"
    HER_FAMILY = "her-family"
    DEFINE_HER2_POSITIVE = "define-her2-positive"
    DEFINE_HER2_LOW = "define-her2-low"
    DEFINE_HER2_ULTRALOW = "define-her2-ultralow"
    DEFINE_TNBC = "define-tnbc"
    DEFINE_HR_POSITIVE = "define-hr-positive"
    DEFINE_ER_LOW = "define-er-low"
    PREVALENCE = "prevalence"
    PROGNOSIS = "prognosis"
    TESTING_GENERAL = "testing-general"
    TESTING_IHC = "testing-ihc"
    TESTING_ISH = "testing-ish"
    RETESTING = "retesting"
    TREATMENT_HR_POSITIVE = "treatment-hr-positive"
    TREATMENT_TNBC = "treatment-tnbc"
    TREATMENT_HER2_LOW = "treatment-her2-low"
    TREATMENT_HER2_POSITIVE = "treatment-her2-positive"
    CLASSIFY_VALUES = "classify-values"
    LEARN = "learn"
    QUIZ = "quiz"
    OUT_OF_SCOPE = "out-of-scope"


# Topic intents, answered from the knowledge topic of the same intent.
TOPIC_INTENTS = tuple(
    intent
    for intent in Intent
    if intent not in (Intent.HELP, Intent.CLASSIFY_VALUES, Intent.LEARN, Intent.QUIZ, Intent.OUT_OF_SCOPE)
)
INTENTS = tuple(Intent)

QUESTIONS: dict[Intent, str] = {
    Intent.HELP: "What can you do?",
    Intent.DEFINE_HER2_NEGATIVE: "What does HER2-negative mean?",
    Intent.HER_FAMILY: "What is the HER (ErbB) receptor family?",
    Intent.DEFINE_HER2_POSITIVE: "What does HER2-positive mean?",
    Intent.DEFINE_HER2_LOW: "What does HER2-low mean?",
    Intent.DEFINE_HER2_ULTRALOW: "What is HER2-ultralow?",
    Intent.DEFINE_TNBC: "What is triple-negative breast cancer?",
    Intent.DEFINE_HR_POSITIVE: "What does HR-positive mean?",
    Intent.DEFINE_ER_LOW: "What does ER-low positive mean?",
    Intent.PREVALENCE: "How common is HER2-negative breast cancer?",
    Intent.PROGNOSIS: "What is the outlook by subtype?",
    Intent.TESTING_GENERAL: "How is HER2 tested?",
    Intent.TESTING_IHC: "How is HER2 IHC scored?",
    Intent.TESTING_ISH: "How is FISH/ISH interpreted?",
    Intent.RETESTING: "Should HER2 be retested at recurrence?",
    Intent.TREATMENT_HR_POSITIVE: "How is HR+/HER2- breast cancer treated?",
    Intent.TREATMENT_TNBC: "What are treatment options for TNBC?",
    Intent.TREATMENT_HER2_LOW: "How is HER2-low treated?",
    Intent.TREATMENT_HER2_POSITIVE: "How is HER2-positive breast cancer treated?",
    Intent.CLASSIFY_VALUES: "Classify IHC 2+, ratio 1.6, copies 3.2, ER 90%, PR 20%",
    Intent.LEARN: "Teach me about HER2 testing",
    Intent.QUIZ: "Quiz me",
}
