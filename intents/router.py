"""The router: one message and the conversation's values in, an answer and the updated values out.

It never stores or sends anything: the caller loads the conversation's values, calls
``Router.answer`` and saves ``Answer.values``. So the whole path from text to answer runs
without a database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.engine import classify, report_from_fields
from bot.engine.explanation import Explanation
from bot.errors import ConflictingValues, InvalidValue
from bot.knowledge import Knowledge
from intents.clarify import explain_clarification
from intents.classify_values import (
    explain_classification,
    explain_invalid,
    explain_new_case,
    explain_values_wanted,
)
from intents.conversation_values import merge_values
from intents.detection import CONFIDENCE_THRESHOLD, IntentDetector, IntentGuess, Reason
from intents.extraction import Extraction, extract_values
from intents.help import explain_help
from intents.lessons import explain_lesson, lesson_subject, topic_named
from intents.quiz import explain_quiz
from intents.refusal import RefusalKind, explain_refusal
from intents.topics import explain_topic

__all__ = ["Answer", "Router"]

_NEW_CASE = re.compile(r"^\W*(?:start\s*over|new\s+case|reset|clear(?:\s+(?:values|case))?|next\s+case)\W*$", re.I)
_SHOW_REASONING = re.compile(r"^\W*(?:show\s+(?:the\s+|me\s+the\s+)?(?:reasoning|steps|working)|why\??)\W*$", re.I)


@dataclass(frozen=True, slots=True)
class Answer:
    """What the router decided: the explanation, the intent, and the conversation's values now."""

    explanation: Explanation
    intent: str
    confidence: float
    values: Mapping[str, str] = field(default_factory=dict)
    error: InvalidValue | None = None
    identifiers: tuple[str, ...] = ()


class Router:
    """Turns a message into an ``Answer`` using the knowledge and the intent detector."""

    def __init__(self, knowledge: Knowledge, detector: IntentDetector) -> None:
        self._knowledge = knowledge
        self._detector = detector

    def answer(self, text: str, prior: Mapping[str, str] | None = None, *, seed: str = "") -> Answer:
        """Answer ``text`` in a conversation that holds ``prior`` values."""
        prior = dict(prior or {})
        if _NEW_CASE.match(text):
            return Answer(explain_new_case(), "classify-values", 1.0, values={})
        if prior and _SHOW_REASONING.match(text):
            return self._classify(prior, prior, 1.0)
        extraction = extract_values(text)
        guess = self._detector.detect(text)
        answer = self._answer_intent(text, guess, extraction, prior, seed)
        if extraction.identifiers:
            notice = (
                "I ignored patient identifiers in your message (" + ", ".join(extraction.identifiers) + ") and kept "
                "none of them. Please leave them out."
            )
            answer = replace(
                answer,
                identifiers=extraction.identifiers,
                explanation=replace(answer.explanation, notices=(notice, *answer.explanation.notices)),
            )
        return answer

    def _answer_intent(
        self, text: str, guess: IntentGuess, extraction: Extraction, prior: dict[str, str], seed: str
    ) -> Answer:
        intent, confidence = guess.intent, guess.confidence
        if intent == "classify-values":
            return self._classify_message(extraction, prior, confidence)
        if intent == "out-of-scope":
            return Answer(explain_refusal(_refusal_kind(guess)), intent, confidence, values=prior)
        if confidence < CONFIDENCE_THRESHOLD:
            likeliest = [intent, *(name for name, _ in guess.alternatives)]
            facts = self._knowledge.index.search(text)
            return Answer(explain_clarification(likeliest, facts), intent, confidence, values=prior)
        if intent == "help":
            explanation = explain_help()
        elif intent == "learn":
            explanation = explain_lesson(self._lesson_topic(text), self._knowledge)
        elif intent == "quiz":
            topic_id = self._lesson_topic(text)
            explanation = explain_quiz(seed + text, self._knowledge.topic(topic_id) if topic_id else None)
        else:
            topic = self._knowledge.topic_for_intent(intent)
            assert topic is not None, f"no knowledge topic for intent {intent}"
            explanation = explain_topic(topic, intent)
        return Answer(explanation, intent, confidence, values=prior)

    def _classify_message(self, extraction: Extraction, prior: dict[str, str], confidence: float) -> Answer:
        if extraction.conflicts:
            field_name, values = extraction.conflicts[0]
            error = ConflictingValues(field=field_name, values=values)
            return Answer(explain_invalid(error, kept_prior=bool(prior)), "classify-values", confidence, prior, error)
        if not extraction.fields:
            if prior:
                return self._classify(prior, prior, confidence)
            return Answer(explain_values_wanted(), "classify-values", confidence, values=prior)
        return self._classify(merge_values(prior, extraction.fields), prior, confidence)

    def _classify(self, values: dict[str, str], prior: dict[str, str], confidence: float) -> Answer:
        try:
            report = report_from_fields(values)
        except InvalidValue as error:
            return Answer(explain_invalid(error, kept_prior=bool(prior)), "classify-values", confidence, prior, error)
        return Answer(explain_classification(classify(report)), "classify-values", confidence, values=values)

    def _lesson_topic(self, text: str) -> str | None:
        """The topic a learn request names: by title, then as a question would, then by keyword or search."""
        subject = lesson_subject(text)
        if not subject:
            return None
        topics = self._knowledge.topics
        guess = self._detector.detect(subject)
        by_intent = self._knowledge.topic_for_intent(guess.intent)
        if by_intent is not None and guess.confidence < CONFIDENCE_THRESHOLD:
            by_intent = None
        facts = self._knowledge.index.search(subject, limit=1)
        return (
            topic_named(subject, topics)
            or (by_intent.id if by_intent else None)
            or topic_named(subject, topics, by_keyword=True)
            or (facts[0].topic_id if facts else None)
        )


def _refusal_kind(guess: IntentGuess) -> RefusalKind:
    return {
        Reason.PATIENT_SPECIFIC: RefusalKind.PATIENT_SPECIFIC,
        Reason.OTHER_CANCER: RefusalKind.OTHER_CANCER,
    }.get(guess.reason, RefusalKind.UNRELATED)
