"""Question-bank entries: a specific question clinicians ask and the facts that answer it directly."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Question", "Verdict"]


class Verdict(StrEnum):
    """The first word of the answer to a yes/no question."""

    YES = "yes"
    NO = "no"
    NOT_BY_ITSELF = "not-by-itself"

    @property
    def label(self) -> str:
        return {"yes": "Yes", "no": "No", "not-by-itself": "Not by itself"}[self.value]


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the bank: how it is asked, and which cited facts answer it.

    ``answer`` holds the fact ids whose text is the direct answer (the first one's first sentence answers
    the question); ``points`` the facts shown under it; ``follow_ups`` other questions' ids.
    """

    id: str
    topic_id: str
    intent: str
    ask: str
    phrasings: tuple[str, ...]
    answer: tuple[str, ...]
    points: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    verdict: Verdict | None = None
