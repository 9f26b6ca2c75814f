"""The router: one message and the conversation's case in, an answer and the updated case out.

It never stores or sends anything: the caller loads the conversation's values, calls
``Router.answer`` and saves ``Answer.values``. So the whole path from text to answer runs
without a database. A message is understood once (``intents.turn``), then answered by the
handler its intent maps to in ``Router.handlers``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bot.engine import Report, classify, report_from_fields
from bot.engine.explanation import Explanation
from bot.errors import ConflictingValues, InvalidValue
from bot.knowledge import Knowledge
from intents.catalog import TOPIC_INTENTS, Intent
from intents.clarify import explain_clarification
from intents.classify_values import (
    describe_values,
    explain_classification,
    explain_invalid,
    explain_new_case,
    explain_values_wanted,
)
from intents.conversation_values import NEW_CASE_NOTICE, merge_case, remembered_notice
from intents.detection import CONFIDENCE_THRESHOLD, IntentDetector, Reason, normalise
from intents.help import explain_help
from intents.lessons import explain_lesson, lesson_subject, topic_named
from intents.quiz import explain_quiz
from intents.refusal import RefusalKind, decline_decision, explain_refusal
from intents.topics import explain_topic
from intents.treatment_context import asks_about_treatment, general_treatment_topic, with_general_evidence
from intents.turn import Turn, understand

__all__ = ["Answer", "Context", "Handler", "Reply", "Router"]

_SHOW_REASONING = re.compile(r"^\W*(?:show\s+(?:the\s+|me\s+the\s+)?(?:reasoning|steps|working)|why\??)\W*$", re.I)
_REFUSAL_KINDS = {Reason.PATIENT_SPECIFIC: RefusalKind.PATIENT_SPECIFIC, Reason.OTHER_CANCER: RefusalKind.OTHER_CANCER}


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler answers: the understood message, the conversation's case so far, and a stable seed."""

    turn: Turn
    prior: Report
    seed: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler gives back: the explanation, the case now, and the value it could not use."""

    explanation: Explanation
    values: Report
    error: InvalidValue | None = None


Handler = Callable[[Context], Reply]


@dataclass(frozen=True, slots=True)
class Answer:
    """What the router decided: the explanation, the intent, and the conversation's case now."""

    explanation: Explanation
    intent: Intent
    confidence: float
    values: Report = field(default_factory=Report)
    error: InvalidValue | None = None
    identifiers: tuple[str, ...] = ()


class Router:
    """Turns a message into an ``Answer`` using the knowledge and the intent detector."""

    def __init__(self, knowledge: Knowledge, detector: IntentDetector) -> None:
        self._knowledge = knowledge
        self._detector = detector
        self.handlers: Mapping[Intent, Handler] = {
            Intent.HELP: lambda context: Reply(explain_help(), context.prior),
            **dict.fromkeys(TOPIC_INTENTS, self._topic),
            Intent.CLASSIFY_VALUES: self._classify_values,
            Intent.LEARN: self._learn,
            Intent.QUIZ: self._quiz,
            Intent.OUT_OF_SCOPE: self._out_of_scope,
        }

    def answer(self, text: str, prior: Report | None = None, *, seed: str = "") -> Answer:
        """Answer ``text`` in a conversation whose case so far is ``prior``."""
        turn = understand(text, self._detector)
        if turn.new_case and not turn.text:
            return Answer(explain_new_case(), Intent.CLASSIFY_VALUES, 1.0)
        context = Context(turn, Report() if turn.new_case or prior is None else prior, seed)
        guess = turn.guess
        if not context.prior.is_empty and _SHOW_REASONING.match(turn.text):
            intent, confidence, reply = Intent.CLASSIFY_VALUES, 1.0, self._remembered(context.prior)
        elif guess.reason is Reason.CLASSIFIER and guess.confidence < CONFIDENCE_THRESHOLD:
            intent, confidence, reply = guess.intent, guess.confidence, self._clarify(context)
        else:
            intent, confidence, reply = guess.intent, guess.confidence, self.handlers[guess.intent](context)
        notices = (
            *((_identifiers_notice(turn.extraction.identifiers),) if turn.extraction.identifiers else ()),
            *((NEW_CASE_NOTICE,) if turn.new_case else ()),
            *reply.explanation.notices,
        )
        explanation = replace(reply.explanation, notices=notices)
        return Answer(explanation, intent, confidence, reply.values, reply.error, turn.extraction.identifiers)

    # Handlers, one per intent family

    def _topic(self, context: Context) -> Reply:
        topic = self._knowledge.topic_for_intent(context.turn.guess.intent)
        assert topic is not None, f"no knowledge topic for intent {context.turn.guess.intent}"
        return Reply(explain_topic(topic, context.turn.guess.intent), context.prior)

    def _learn(self, context: Context) -> Reply:
        return Reply(explain_lesson(self._lesson_topic(context.turn.text), self._knowledge), context.prior)

    def _quiz(self, context: Context) -> Reply:
        topic_id = self._lesson_topic(context.turn.text)
        topic = self._knowledge.topic(topic_id) if topic_id else None
        return Reply(explain_quiz(context.seed + context.turn.text, topic), context.prior)

    def _out_of_scope(self, context: Context) -> Reply:
        kind = _REFUSAL_KINDS.get(context.turn.guess.reason, RefusalKind.UNRELATED)
        extraction = context.turn.extraction
        has_values = bool(extraction.fields or extraction.conflicts) or not context.prior.is_empty
        if kind is not RefusalKind.PATIENT_SPECIFIC or not has_values:
            return Reply(explain_refusal(kind), context.prior)
        # The decision is declined; the values are still classified (education), with the general evidence.
        reply = self._classify_values(context, general_evidence=True)
        return replace(reply, explanation=decline_decision(reply.explanation))

    def _classify_values(self, context: Context, *, general_evidence: bool = False) -> Reply:
        extraction, prior = context.turn.extraction, context.prior
        if extraction.conflicts:
            field_name, values = extraction.conflicts[0]
            error = ConflictingValues(field=field_name, values=values)
            return Reply(explain_invalid(error, kept_prior=not prior.is_empty), prior, error)
        if not extraction.fields:
            reply = self._remembered(prior) if not prior.is_empty else Reply(explain_values_wanted(), prior)
        else:
            try:
                update = merge_case(prior, report_from_fields(extraction.fields))
            except InvalidValue as error:
                return Reply(explain_invalid(error, kept_prior=not prior.is_empty), prior, error)
            reply = self._classified(update.values, notices=update.notices)
        result = reply.explanation.classification
        if result is None or not (general_evidence or asks_about_treatment(normalise(context.turn.text))):
            return reply
        general = general_treatment_topic(result)
        topic = self._knowledge.topic(general) if general else None
        return replace(reply, explanation=with_general_evidence(reply.explanation, topic))

    def _clarify(self, context: Context) -> Reply:
        guess = context.turn.guess
        likeliest = [guess.intent, *(name for name, _ in guess.alternatives)]
        facts = self._knowledge.index.search(context.turn.text)
        return Reply(explain_clarification(likeliest, facts), context.prior)

    # Shared steps

    def _remembered(self, prior: Report) -> Reply:
        return self._classified(prior, notices=(remembered_notice(describe_values(prior)),))

    def _classified(self, values: Report, *, notices: tuple[str, ...] = ()) -> Reply:
        explanation = explain_classification(classify(values))
        return Reply(replace(explanation, notices=(*notices, *explanation.notices)), values)

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


def _identifiers_notice(kinds: tuple[str, ...]) -> str:
    return (
        "I ignored patient identifiers in your message (" + ", ".join(kinds) + ") and kept none of them. "
        "Please leave them out."
    )
