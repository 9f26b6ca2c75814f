"""Cited knowledge kept as data files in the package, its loader and its search index."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.sources import SourceRegistry
from bot.engine.topics import Topic
from bot.knowledge.loader import load_sources, load_topics
from bot.knowledge.search import Fact, FactIndex

__all__ = ["Fact", "FactIndex", "Knowledge", "load_knowledge", "load_sources", "load_topics"]


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything an answer may draw on: topics, their search index, and the source registry."""

    topics: tuple[Topic, ...]
    sources: SourceRegistry
    index: FactIndex

    def topic(self, topic_id: str) -> Topic:
        return next(topic for topic in self.topics if topic.id == topic_id)

    def topic_for_intent(self, intent: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.intent == intent), None)


def load_knowledge() -> Knowledge:
    """Load topics and sources from the package and index every fact."""
    topics = load_topics()
    return Knowledge(topics=topics, sources=load_sources(), index=FactIndex(topics))
