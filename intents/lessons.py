"""The ``learn`` intent: a longer, cited lesson on the topic asked about, or a menu of lessons."""

from __future__ import annotations

import re

from bot.engine.explanation import Claim, Explanation
from bot.engine.topics import Topic
from bot.knowledge import Knowledge
from intents.help import SCOPE
from intents.topics import explain_topic

__all__ = ["explain_lesson", "lesson_subject", "topic_named"]

_LEARN_WORDS = re.compile(
    r"\b(?:teach|me|about|learn(?:ing)?|lesson|lessons|on|explain|tutorial|module|course|study|the|a|an|please|pls|"
    r"to|want|i|would|like|give|show|some|more|topic|basics|of|quiz+|test|question|questions|practice|again|"
    r"us|my|knowledge)\b",
    re.IGNORECASE,
)
_MENU = {
    "testing-general": "HER2 testing",
    "testing-ihc": "IHC scoring",
    "testing-ish": "ISH groups",
    "define-her2-low": "HER2-low",
    "define-tnbc": "triple-negative breast cancer",
    "retesting": "retesting",
}


def lesson_subject(text: str) -> str:
    """What is left of a learn or quiz request once its command words are gone ("teach me about ISH" -> "ISH")."""
    return " ".join(_LEARN_WORDS.sub(" ", text.replace("/", " ")).split())


def _folded(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text.lower()).split())


def topic_named(subject: str, topics: tuple[Topic, ...], *, by_keyword: bool = False) -> str | None:
    """The topic whose title or id (or, ``by_keyword``, a keyword) is exactly ``subject``.

    "Allred score" -> allred-score; keywords are looser, so callers try them after better evidence.
    """
    wanted = _folded(lesson_subject(subject))
    if by_keyword:
        names = {_folded(keyword): topic.id for topic in reversed(topics) for keyword in topic.keywords}
    else:
        names = {_folded(lesson_subject(name)): topic.id for topic in topics for name in (topic.title, topic.id)}
    return names.get(wanted)


def explain_lesson(topic_id: str | None, knowledge: Knowledge) -> Explanation:
    """The whole topic as a lesson, or a menu of lessons when no topic was recognised."""
    if topic_id is not None:
        return explain_topic(knowledge.topic(topic_id), "learn", lesson=True)
    return Explanation(
        intent="learn",
        headline=Claim("Which lesson would you like? Pick one, or ask about any HER2 topic.", ()),
        points=(SCOPE,),
        follow_ups=tuple(f"Teach me about {label}" for label in _MENU.values()),
    )
