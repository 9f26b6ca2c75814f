"""Cited knowledge kept as data files in the package, its loader and its search index, and the curriculum built
from it (lessons and the quiz bank, ``bot.knowledge.education``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.engine.explanation import Claim
from bot.engine.questions import Question
from bot.engine.sources import SourceRegistry
from bot.engine.topics import Topic
from bot.knowledge.loader import load_questions, load_sources, load_topics
from bot.knowledge.search import Fact, FactIndex

if TYPE_CHECKING:
    from bot.knowledge.education import Curriculum

__all__ = ["Fact", "FactIndex", "Knowledge", "load_knowledge", "load_questions", "load_sources", "load_topics"]


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything an answer may draw on: topics, the question bank, their search index, and the sources."""

    topics: tuple[Topic, ...]
    sources: SourceRegistry
    index: FactIndex
    questions: tuple[Question, ...] = ()
    facts: Mapping[str, Claim] = field(init=False)
    _questions_by_id: Mapping[str, Question] = field(init=False)

    def __post_init__(self) -> None:
        facts = {claim.id: claim for topic in self.topics for claim in topic.claims if claim.id}
        object.__setattr__(self, "facts", facts)
        object.__setattr__(self, "_questions_by_id", {question.id: question for question in self.questions})

    def topic(self, topic_id: str) -> Topic:
        return next(topic for topic in self.topics if topic.id == topic_id)

    def topic_for_intent(self, intent: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.intent == intent), None)

    def question(self, question_id: str) -> Question | None:
        return self._questions_by_id.get(question_id)

    def fact(self, fact_id: str) -> Claim:
        return self.facts[fact_id]

    @property
    def curriculum(self) -> Curriculum:
        """The lessons and the quiz bank, read from their files on first use: answering a question never needs them."""
        # Imported here, not at the top: `herbot ask` starts without the curriculum's modules (about 8 ms).
        from bot.knowledge.education import load_curriculum

        return load_curriculum()


def load_knowledge() -> Knowledge:
    """Load topics, the question bank and sources from the package, and index every fact."""
    topics = load_topics()
    return Knowledge(topics=topics, sources=load_sources(), index=FactIndex(topics), questions=load_questions())
