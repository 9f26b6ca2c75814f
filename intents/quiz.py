"""The ``quiz`` intent: a practice question on the topic asked about, whose answer is one click away.

Classification topics get a practice case: its follow-up classifies the case, so the answer is the
cited reasoning. Other topics get the topic's own question, answered by its lesson.
"""

from __future__ import annotations

import hashlib

from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_ER_PR_2020, ASCO_CAP_HER2_2018
from bot.engine.topics import Topic
from intents.catalog import QUESTIONS

__all__ = ["PRACTICE_CASES", "explain_quiz"]

# Each case exercises one rule people get wrong, with the topics it practises.
PRACTICE_CASES: tuple[tuple[str, frozenset[str]], ...] = (
    ("IHC 2+, HER2/CEP17 ratio 2.0, average HER2 copy number 4.0", frozenset({"testing-ish", "ish-groups"})),
    ("IHC 2+, HER2/CEP17 ratio 1.99, average HER2 copy number 4.0", frozenset({"testing-ish", "ish-groups"})),
    ("IHC 1+, ER 0%, PR 0%", frozenset({"define-tnbc", "define-her2-low", "testing-ihc"})),
    ("IHC 2+, no ISH yet, ER 0%, PR 0%", frozenset({"define-tnbc", "testing-ihc", "testing-general"})),
    ("IHC 0, faint incomplete staining in 5% of cells, ER 80%", frozenset({"her2-ultralow", "testing-ihc"})),
    (
        "IHC 2+, HER2/CEP17 ratio 1.8, copy number 6.8, blinded recount same group",
        frozenset({"testing-ish", "ish-groups"}),
    ),
    ("IHC 1+, HER2/CEP17 ratio 2.4, copy number 3.8, ER 0%, PR 0%", frozenset({"ish-groups", "define-tnbc"})),
    ("IHC 3+, ER 5%, PR 0%", frozenset({"er-low", "define-hr-positive"})),
    ("single-probe ISH, average HER2 copy number 5.0, IHC 2+", frozenset({"testing-ish"})),
    ("IHC 0, HER2/CEP17 ratio 2.8, copy number 7.5", frozenset({"discordant-results", "ish-groups"})),
    ("ER 10%, PR 0%, IHC 1+", frozenset({"er-low", "define-hr-positive", "define-her2-low"})),
    ("ER Allred 3/8, PR 0%, IHC 1+", frozenset({"allred-score", "define-hr-positive"})),
)
_HOW_TO = Claim(
    "Work it out by the ASCO/CAP HER2 2018 (affirmed 2023) and ER/PR 2020 rules, then check the answer and its "
    "reasoning.",
    (ASCO_CAP_HER2_2018, ASCO_CAP_ER_PR_2020),
)


def _pick(seed: str, count: int) -> int:
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16) % count


def explain_quiz(seed: str, topic: Topic | None = None) -> Explanation:
    """A practice question on ``topic`` (any topic when ``None``), chosen from ``seed``."""
    cases = [case for case, topics in PRACTICE_CASES if topic is None or topic.id in topics]
    if cases:
        return _case_question(cases[_pick(seed, len(cases))], topic)
    assert topic is not None
    return _recall_question(topic)


def _case_question(case: str, topic: Topic | None) -> Explanation:
    on = f" on {topic.title}" if topic else ""
    return Explanation(
        intent="quiz",
        headline=Claim(f"Practice case{on}: {case}. What are the HER2 status, HER2 category and subtype?", ()),
        points=(_HOW_TO,),
        follow_ups=(f"classify {case}", f"Quiz me on {topic.title}" if topic else "Quiz me again"),
        topic_id=topic.id if topic else None,
    )


def _recall_question(topic: Topic) -> Explanation:
    question = QUESTIONS.get(topic.intent or "") or f"Explain: {topic.title}."
    return Explanation(
        intent="quiz",
        headline=Claim(f"Quiz on {topic.title}: {question} Answer in two or three sentences, then check.", ()),
        points=(Claim("Check your answer against these sources.", tuple(dict.fromkeys(_sources(topic)))),),
        follow_ups=(f"Teach me more about {topic.title}", f"Quiz me on {topic.title}"),
        topic_id=topic.id,
    )


def _sources(topic: Topic) -> list[str]:
    return [source for claim in (topic.headline, *topic.points) for source in claim.sources]
