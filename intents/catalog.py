"""The intents herbot answers, and the question each one stands for in menus and follow-ups."""

from __future__ import annotations

__all__ = ["INTENTS", "QUESTIONS", "TOPIC_INTENTS"]

# Topic intents, answered from the knowledge topic of the same name.
TOPIC_INTENTS = (
    "define-her2-negative",
    "her-family",
    "define-her2-low",
    "define-tnbc",
    "define-hr-positive",
    "prevalence",
    "prognosis",
    "testing-general",
    "testing-ihc",
    "testing-ish",
    "retesting",
    "treatment-hr-positive",
    "treatment-tnbc",
    "treatment-her2-low",
    "treatment-her2-positive",
)
INTENTS = ("help", *TOPIC_INTENTS, "classify-values", "learn", "quiz", "out-of-scope")

QUESTIONS = {
    "help": "What can you do?",
    "define-her2-negative": "What does HER2-negative mean?",
    "her-family": "What is the HER (ErbB) receptor family?",
    "define-her2-low": "What does HER2-low mean?",
    "define-tnbc": "What is triple-negative breast cancer?",
    "define-hr-positive": "What does HR-positive mean?",
    "prevalence": "How common is HER2-negative breast cancer?",
    "prognosis": "What is the outlook by subtype?",
    "testing-general": "How is HER2 tested?",
    "testing-ihc": "How is HER2 IHC scored?",
    "testing-ish": "How is FISH/ISH interpreted?",
    "retesting": "Should HER2 be retested at recurrence?",
    "treatment-hr-positive": "How is HR+/HER2- breast cancer treated?",
    "treatment-tnbc": "What are treatment options for TNBC?",
    "treatment-her2-low": "How is HER2-low treated?",
    "treatment-her2-positive": "How is HER2-positive breast cancer treated?",
    "classify-values": "Classify IHC 2+, ratio 1.6, copies 3.2, ER 90%, PR 20%",
    "learn": "Teach me about HER2 testing",
    "quiz": "Quiz me",
}
