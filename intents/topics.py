"""Topic intents: a knowledge topic as a chat-sized, cited answer."""

from __future__ import annotations

from bot.engine.explanation import Explanation
from bot.engine.topics import Topic

__all__ = ["explain_topic"]

MAX_POINTS = 5


def explain_topic(topic: Topic, intent: str, *, lesson: bool = False) -> Explanation:
    """The topic's headline and points; a lesson adds the deeper facts and caveats."""
    points = topic.points[:MAX_POINTS]
    if lesson:
        points = (*topic.points, *topic.more, *topic.caveats)
    return Explanation(
        intent=intent,
        headline=topic.headline,
        points=points,
        follow_ups=topic.follow_ups if lesson else (*topic.follow_ups[:2], f"Teach me more about {topic.title}"),
        topic_id=topic.id,
        full=lesson,
    )
