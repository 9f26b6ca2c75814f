"""What a conversation last talked about, kept next to its values so a follow-up can refer to it.

A ``Subject`` is stored as slots with a ``subject.`` prefix beside the case's value fields, so it expires
with them.

>>> Subject.from_slots(Subject(question_id="her2-low.is-2plus-low", topic_id="define-her2-low").slots())
Subject(question_id='her2-low.is-2plus-low', topic_id='define-her2-low', classified=False)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["PREFIX", "Subject"]

PREFIX = "subject."


@dataclass(frozen=True, slots=True)
class Subject:
    """The question-bank entry and topic the last answer was about, and whether it was a classification."""

    question_id: str | None = None
    topic_id: str | None = None
    classified: bool = False

    @property
    def is_empty(self) -> bool:
        return self.question_id is None and self.topic_id is None and not self.classified

    def slots(self) -> dict[str, str]:
        """The subject as slot fields (only those set)."""
        fields = {
            "question": self.question_id,
            "topic": self.topic_id,
            "classified": "yes" if self.classified else None,
        }
        return {PREFIX + name: value for name, value in fields.items() if value}

    @classmethod
    def from_slots(cls, slots: Mapping[str, str]) -> Subject:
        """The subject kept in ``slots``; slots without the prefix (the case's values) are ignored."""
        return cls(
            question_id=slots.get(PREFIX + "question") or None,
            topic_id=slots.get(PREFIX + "topic") or None,
            classified=slots.get(PREFIX + "classified") == "yes",
        )
