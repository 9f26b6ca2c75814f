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
from typing import Protocol

from bot.engine import Report, classify, report_from_fields
from bot.engine.explanation import Claim, Explanation
from bot.engine.questions import Question
from bot.engine.topics import Topic
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
from intents.detection.domain import mentions_topic
from intents.follow_up import FollowUp, FollowUpKind, name_pronoun, read_follow_up, rewrite
from intents.help import explain_help
from intents.lessons import explain_lesson, lesson_subject, topic_named
from intents.questions import MORE_ON, explain_question, value_line
from intents.quiz import explain_quiz
from intents.recall import explain_sources, explain_trial, explain_year
from intents.refusal import RefusalKind, decline_decision, explain_refusal
from intents.small_talk import explain_greeting, explain_thanks, is_greeting
from intents.subject import Subject
from intents.too_long import is_too_long, too_long_explanation
from intents.topics import explain_topic
from intents.treatment_context import asks_about_treatment, general_treatment_topic, with_general_evidence
from intents.turn import Turn, understand

__all__ = ["Answer", "Context", "Handler", "Reply", "Router"]

_SHOW_REASONING = re.compile(r"^\W*(?:show\s+(?:the\s+|me\s+the\s+)?(?:reasoning|steps|working)|why\??)\W*$", re.I)
_MORE_ON = re.compile(r"^\W*(?:more|tell me more|full answer|everything)\s+(?:on|about)\s+(?P<title>.+?)\W*$", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A message that reports values asks about a concept only when it is put as a question and reports few values.
_QUESTION_WORDS = re.compile(
    r"\?|^\W*(?:is|are|does|do|can|could|should|would|will|what|whats|what's|why|how|which|when|isn't|doesn't)\b",
    re.I,
)
_MAX_CONCEPT_VALUES = 2
_REFUSAL_KINDS = {Reason.PATIENT_SPECIFIC: RefusalKind.PATIENT_SPECIFIC, Reason.OTHER_CANCER: RefusalKind.OTHER_CANCER}


class QuestionMatcher(Protocol):
    """Finds the question-bank entry a message asks (``intents.detection``); ``None`` when none fits well."""

    def match(self, text: str, *, intent: Intent | None = None) -> QuestionMatch | None: ...


class QuestionMatch(Protocol):
    question_id: str


@dataclass(frozen=True, slots=True)
class Context:
    """What a handler answers: the understood message, the conversation's case and subject, and a stable seed."""

    turn: Turn
    prior: Report
    seed: str = ""
    subject: Subject = field(default_factory=Subject)


@dataclass(frozen=True, slots=True)
class Reply:
    """What a handler gives back: the explanation, the case now, the value it could not use, and the subject."""

    explanation: Explanation
    values: Report
    error: InvalidValue | None = None
    subject: Subject | None = None


Handler = Callable[[Context], Reply]


@dataclass(frozen=True, slots=True)
class Answer:
    """What the router decided: the explanation, the intent, and the conversation's case and subject now."""

    explanation: Explanation
    intent: Intent
    confidence: float
    values: Report = field(default_factory=Report)
    error: InvalidValue | None = None
    identifiers: tuple[str, ...] = ()
    subject: Subject = field(default_factory=Subject)

    @property
    def question_id(self) -> str | None:
        """The question-bank entry the answer leads with, if any."""
        return self.explanation.question_id


class Router:
    """Turns a message into an ``Answer`` using the knowledge, the intent detector and the question matcher."""

    def __init__(self, knowledge: Knowledge, detector: IntentDetector, matcher: QuestionMatcher | None = None) -> None:
        self._knowledge = knowledge
        self._detector = detector
        self._matcher = matcher
        self.handlers: Mapping[Intent, Handler] = {
            Intent.HELP: self._help,
            **dict.fromkeys(TOPIC_INTENTS, self._topic),
            Intent.CLASSIFY_VALUES: self._classify_values,
            Intent.LEARN: self._learn,
            Intent.QUIZ: self._quiz,
            Intent.OUT_OF_SCOPE: self._out_of_scope,
        }

    def answer(
        self, text: str, prior: Report | None = None, *, seed: str = "", subject: Subject | None = None
    ) -> Answer:
        """Answer ``text`` in a conversation whose case so far is ``prior`` and last subject ``subject``."""
        if is_too_long(text):
            # Nothing is read: a value past any cut could change the result. The conversation stays as it was.
            return Answer(
                too_long_explanation(len(text)), Intent.HELP, 1.0, prior or Report(), subject=subject or Subject()
            )
        turn = understand(self._spelt_out(text, subject), self._detector)
        if turn.new_case and not turn.text:
            return Answer(explain_new_case(), Intent.CLASSIFY_VALUES, 1.0)
        fresh = turn.new_case or prior is None
        context = Context(turn, Report() if fresh else prior, seed, Subject() if fresh or subject is None else subject)
        intent, confidence, reply = self._route(context)
        notices = (
            *((_identifiers_notice(turn.extraction.identifiers),) if turn.extraction.identifiers else ()),
            *((NEW_CASE_NOTICE,) if turn.new_case else ()),
            *reply.explanation.notices,
        )
        explanation = replace(reply.explanation, notices=notices)
        subject = context.subject if reply.subject is None else reply.subject
        return Answer(explanation, intent, confidence, reply.values, reply.error, turn.extraction.identifiers, subject)

    def _route(self, context: Context) -> tuple[Intent, float, Reply]:
        turn, guess = context.turn, context.turn.guess
        if not context.prior.is_empty and _SHOW_REASONING.match(turn.text):
            return Intent.CLASSIFY_VALUES, 1.0, self._remembered(context.prior, full=True)
        follow_up = read_follow_up(turn.text, names_subject=mentions_topic(normalise(turn.text)))
        # "what about ER 0 PR 0?" after a classification adds values to the case: it is not a concept question.
        adds_values = follow_up is not None and bool(turn.extraction.fields or turn.extraction.conflicts)
        if follow_up is not None and not adds_values:
            answered = self._follow_up(follow_up, context)
            if answered is not None:
                return answered
            if not context.subject.is_empty:
                return self._unresolved_follow_up(context)
        more = _MORE_ON.match(turn.text)
        topic = self._topic_titled(more["title"]) if more else None
        if topic is not None:
            return Intent(topic.intent or Intent.LEARN), 1.0, self._full_topic(context, topic.id)
        if turn.extraction.conflicts and guess.reason in (Reason.CLASSIFIER, Reason.VALUES):
            # The same value reported twice, differently: a case to classify, whose answer asks which is right.
            return Intent.CLASSIFY_VALUES, 1.0, self._classify_values(context)
        # Values answer a question only when the message asks about a concept: match only when it could count.
        asks = guess.reason is Reason.CLASSIFIER or (_asks_concept(turn) and not adds_values)
        question = self._question(turn) if asks else None
        if question is not None and guess.reason is Reason.VALUES and _asks_concept(turn) and not adds_values:
            return Intent(question.intent), guess.confidence, self._answer_question(context, question, with_value=True)
        if question is not None and guess.reason is Reason.CLASSIFIER:
            return Intent(question.intent), guess.confidence, self._answer_question(context, question)
        if guess.reason is Reason.CLASSIFIER and guess.confidence < CONFIDENCE_THRESHOLD:
            return guess.intent, guess.confidence, self._clarify(context)
        return guess.intent, guess.confidence, self.handlers[guess.intent](context)

    def _question(self, turn: Turn) -> Question | None:
        """The question-bank entry the message asks, when the matcher finds one (only for questions and values)."""
        if self._matcher is None or turn.guess.reason not in (Reason.CLASSIFIER, Reason.VALUES):
            return None
        hint = turn.guess.intent if turn.guess.reason is Reason.CLASSIFIER else None
        match = self._matcher.match(turn.text, intent=hint)
        return self._knowledge.question(match.question_id) if match is not None else None

    def _answer_question(self, context: Context, question: Question, *, with_value: bool = False) -> Reply:
        value = None
        if with_value:
            try:
                value = value_line(report_from_fields(context.turn.extraction.fields))
            except InvalidValue:
                value = None
        explanation = explain_question(question, self._knowledge, value=value)
        return Reply(explanation, context.prior, subject=Subject(question.id, question.topic_id))

    # Follow-ups about the last subject

    def _follow_up(self, follow_up: FollowUp, context: Context) -> tuple[Intent, float, Reply] | None:
        """The answer to a follow-up about ``context.subject``, or ``None`` to answer the message on its own."""
        if follow_up.kind is FollowUpKind.THANKS:
            return Intent.HELP, 1.0, Reply(explain_thanks(), context.prior)
        subject = context.subject
        if subject.is_empty:
            return None
        question = self._subject_question(subject)
        intent = self._subject_intent(subject, question)
        if follow_up.kind is FollowUpKind.WHY:
            if subject.classified and not context.prior.is_empty:
                return Intent.CLASSIFY_VALUES, 1.0, self._remembered(context.prior, full=True)
            if question is not None:
                explanation = replace(explain_question(question, self._knowledge), full=True)
                return intent, 1.0, Reply(explanation, context.prior)
            if subject.topic_id is not None:
                return intent, 1.0, self._full_topic(context, subject.topic_id)
            return None
        shown, claims = self._subject_claims(subject, context.prior)
        registry = self._knowledge.sources
        if follow_up.kind is FollowUpKind.SOURCE:
            return intent, 1.0, Reply(explain_sources(shown, registry), context.prior)
        if follow_up.kind is FollowUpKind.TRIAL:
            first = shown[0] if shown else None
            explanation = explain_trial(claims, registry, shown=first) or explain_sources(shown, registry, trial=False)
            return intent, 1.0, Reply(replace(explanation, intent=intent), context.prior)
        return self._ellipsis(follow_up.fragment, question, claims, context)

    def _ellipsis(
        self, fragment: str, question: Question | None, claims: tuple[Claim, ...], context: Context
    ) -> tuple[Intent, float, Reply] | None:
        """The last question asked about the fragment's subject ("and for ultralow?"), or the year's guideline."""
        base = question.ask if question is not None else self._subject_name(context.subject, None)
        answered = self._about_subject(rewrite(base, fragment), context, skip=question)
        if answered is not None:
            return answered
        year = _YEAR.search(fragment)
        if year is not None:
            explanation = explain_year(claims, self._knowledge.sources, int(year.group(0)))
            if explanation is not None:
                intent = self._subject_intent(context.subject, question)
                return intent, 1.0, Reply(replace(explanation, intent=intent), context.prior)
        return None

    def _about_subject(
        self, text: str, context: Context, *, skip: Question | None = None
    ) -> tuple[Intent, float, Reply] | None:
        """The question-bank entry ``text`` (a follow-up spelt out) asks, unless it is ``skip``."""
        match = self._matcher.match(text) if self._matcher is not None else None
        found = self._knowledge.question(match.question_id) if match is not None else None
        if match is None or found is None or (skip is not None and found.id == skip.id):
            return None
        return Intent(found.intent), match.confidence, self._answer_question(context, found)

    def _unresolved_follow_up(self, context: Context) -> tuple[Intent, float, Reply]:
        """A follow-up about the last subject that no answer fits: ask, offering that subject's questions."""
        subject = context.subject
        question = self._subject_question(subject)
        intent = self._subject_intent(subject, question)
        facts = self._knowledge.index.search(f"{self._subject_name(subject, question)} {context.turn.text}")
        return intent, 0.0, Reply(explain_clarification([intent], facts), context.prior)

    def _subject_question(self, subject: Subject) -> Question | None:
        return self._knowledge.question(subject.question_id) if subject.question_id else None

    def _spelt_out(self, text: str, subject: Subject | None) -> str:
        """``text`` with a pronoun that stands for the last subject named: "how common is it?" after TNBC."""
        if subject is None or subject.is_empty:
            return text
        follow_up = read_follow_up(text, names_subject=mentions_topic(normalise(text)))
        if follow_up is None or follow_up.kind is not FollowUpKind.PRONOUN:
            return text
        question = self._subject_question(subject)
        return name_pronoun(text, self._subject_name(subject, question))

    def _subject_name(self, subject: Subject, question: Question | None) -> str:
        """What a pronoun about the last subject stands for: its topic's title, or its question."""
        if subject.topic_id is not None:
            return self._knowledge.topic(subject.topic_id).title
        return question.ask if question is not None else "this case"

    def _subject_intent(self, subject: Subject, question: Question | None) -> Intent:
        if question is not None:
            return Intent(question.intent)
        if subject.classified:
            return Intent.CLASSIFY_VALUES
        return _topic_intent(self._knowledge, subject.topic_id)

    def _subject_claims(self, subject: Subject, prior: Report) -> tuple[tuple[Claim, ...], tuple[Claim, ...]]:
        """The claims the last answer showed, and those it rested on (what it showed, then its whole topic)."""
        if subject.classified and not prior.is_empty:
            claims = explain_classification(classify(prior)).claims
            return claims, claims
        question = self._subject_question(subject)
        topic = self._knowledge.topic(subject.topic_id) if subject.topic_id else None
        if question is not None:
            shown = tuple(self._knowledge.fact(f) for f in (*question.answer, *question.points))
        else:
            shown = (topic.headline, *topic.points) if topic else ()
        return shown, (*shown, *(topic.claims if topic else ()))

    # Handlers, one per intent family

    def _topic(self, context: Context) -> Reply:
        topic = self._knowledge.topic_for_intent(context.turn.guess.intent)
        assert topic is not None, f"no knowledge topic for intent {context.turn.guess.intent}"
        explanation = explain_topic(topic, context.turn.guess.intent)
        more = MORE_ON.format(title=topic.title)
        explanation = replace(explanation, follow_ups=(*explanation.follow_ups[:2], more))
        return Reply(explanation, context.prior, subject=Subject(topic_id=topic.id))

    def _full_topic(self, context: Context, topic_id: str) -> Reply:
        topic = self._knowledge.topic(topic_id)
        explanation = explain_topic(topic, topic.intent or Intent.LEARN, lesson=True)
        return Reply(explanation, context.prior, subject=Subject(topic_id=topic.id))

    def _topic_titled(self, title: str) -> Topic | None:
        wanted = title.casefold()
        return next((topic for topic in self._knowledge.topics if topic.title.casefold() == wanted), None)

    def _help(self, context: Context) -> Reply:
        return Reply(explain_greeting() if is_greeting(context.turn.text) else explain_help(), context.prior)

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

    def _remembered(self, prior: Report, *, full: bool = False) -> Reply:
        return self._classified(prior, notices=(remembered_notice(describe_values(prior)),), full=full)

    def _classified(self, values: Report, *, notices: tuple[str, ...] = (), full: bool = False) -> Reply:
        explanation = explain_classification(classify(values))
        explanation = replace(explanation, notices=(*notices, *explanation.notices), full=full)
        return Reply(explanation, values, subject=Subject(classified=True))

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


def _asks_concept(turn: Turn) -> bool:
    """A message with values asks about a concept when it is a question reporting at most two values."""
    return bool(_QUESTION_WORDS.search(turn.text)) and len(turn.extraction.fields) <= _MAX_CONCEPT_VALUES


def _topic_intent(knowledge: Knowledge, topic_id: str | None) -> Intent:
    topic = knowledge.topic(topic_id) if topic_id else None
    return Intent(topic.intent) if topic is not None and topic.intent else Intent.LEARN


def _identifiers_notice(kinds: tuple[str, ...]) -> str:
    return (
        "I ignored patient identifiers in your message (" + ", ".join(kinds) + ") and kept none of them. "
        "Please leave them out."
    )
