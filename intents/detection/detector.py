"""Intent detection: explicit rules first, then a linear classifier over TF-IDF features.

``IntentDetector.detect`` applies, in order:

1. an empty message, or only a greeting or a help command -> ``help`` (``commands.py``);
2. a patient-specific treatment, dose or decision request -> ``out-of-scope`` (``patient.py``);
3. another cancer -> ``out-of-scope``; an attempt to rewrite or reveal herbot's instructions ->
   ``out-of-scope``, whatever it goes on to ask (``scope.py``);
4. a message that starts with a lesson or quiz command -> ``learn`` or ``quiz`` (``commands.py``),
   so "quiz me on IHC 2+" is a quiz, not values;
5. reported values -> ``classify-values`` (``values.py``);
6. otherwise the classifier: an averaged perceptron over word 1–2-grams and character
   2–5-grams (``vectors.py``, ``perceptron.py``), its scores turned into confidences by a softmax,
   after unknown misspellings of subject words are corrected (``spelling.py``);
7. a classifier answer that is a topic, out-of-scope or unsure, for a message with no word of
   herbot's subject (``domain.py``) -> ``out-of-scope``: "what time is it" is not a quiet
   question about HER2. Help, lesson, quiz and classify requests need no such word.

Rules answer with confidence 1.0; the classifier's confidence below ``CONFIDENCE_THRESHOLD``
means "ask a clarifying question".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from intents.catalog import Intent
from intents.detection.commands import command_intent, is_help_command
from intents.detection.domain import mentions_topic
from intents.detection.features import words
from intents.detection.normalise import normalise
from intents.detection.patient import is_patient_specific
from intents.detection.perceptron import LinearScorer, train_perceptron
from intents.detection.scope import is_prompt_injection, mentions_other_cancer
from intents.detection.spelling import correct_spelling
from intents.detection.values import reports_values
from intents.detection.vectors import SparseVector, TfIdf, fit_tfidf
from intents.extraction import Extraction

__all__ = ["CONFIDENCE_THRESHOLD", "IntentDetector", "IntentGuess", "Reason"]

# Below this the router asks a clarifying question. In 5-fold cross-validation on the training examples the
# classifier's answers were right 31% of the time at confidence 0.2-0.3, 49% at 0.3-0.4 and 60% at 0.4-0.5:
# under about 0.35 an answer is more likely wrong than right. 4% of cross-validated messages fall below it.
CONFIDENCE_THRESHOLD = 0.35
# Perceptron scores divided by this go through a softmax; 0.5 gave the lowest cross-validated log-loss.
TEMPERATURE = 0.5
# Cross-validated accuracy stopped improving after 5 epochs; each epoch costs ~0.15 s of the build.
EPOCHS = 5
MARGIN = 0.5
SEED = 20240601
# Requests about herbot itself rather than its subject.
_NEED_NO_TOPIC = frozenset({Intent.HELP, Intent.LEARN, Intent.QUIZ, Intent.CLASSIFY_VALUES})


class Reason(StrEnum):
    """Why ``detect`` chose an intent. The values are what people and logs read."""

    EMPTY = "empty message"
    HELP_COMMAND = "greeting or help command"
    PATIENT_SPECIFIC = "patient-specific request"
    OTHER_CANCER = "other cancer"
    INJECTION = "prompt injection"
    OFF_TOPIC = "off topic: no word of the subject"
    COMMAND = "lesson or quiz command"
    VALUES = "values in text"
    CLASSIFIER = "classifier"


@dataclass(frozen=True, slots=True)
class IntentGuess:
    """The likeliest intent of a message, how sure, the next two, and why."""

    intent: Intent
    confidence: float
    alternatives: tuple[tuple[Intent, float], ...]
    reason: Reason


@dataclass(frozen=True, slots=True)
class IntentDetector:
    """Rules and a trained classifier; build it with ``from_examples`` or ``load_detector``."""

    tfidf: TfIdf
    scorer: LinearScorer
    vocabulary: frozenset[str]

    @classmethod
    def from_examples(cls, examples: Sequence[tuple[str, str]]) -> IntentDetector:
        """Train on ``(text, intent)`` pairs; the same examples always give the same detector."""
        if len({intent for _, intent in examples}) < 2:
            raise ValueError("intent examples need at least two intents")
        texts = [normalise(text) for text, _ in examples]
        tfidf = fit_tfidf(texts)
        vectors = [tfidf.vector(text) for text in texts]
        labels = [intent for _, intent in examples]
        scorer = train_perceptron(vectors, labels, epochs=EPOCHS, margin=MARGIN, seed=SEED)
        return cls(tfidf, scorer, frozenset(word for text in texts for word in words(text)))

    def detect(self, text: str, extraction: Extraction | None = None) -> IntentGuess:
        """The intent of ``text``: rules first (confidence 1.0), then the classifier.

        ``extraction`` is the message's values when the caller has read them already, so a message is
        read once; the classifier is not run when a rule decides.
        """
        cleaned = normalise(text)
        rule = _rule(text, cleaned, extraction)
        if rule is not None:
            intent, reason = rule
            return IntentGuess(intent, 1.0, (), reason)
        ranked = self._ranked(cleaned)
        (intent, confidence), *others = ranked
        if _off_topic(cleaned, intent, confidence):
            others = [(name, p) for name, p in ranked if name != Intent.OUT_OF_SCOPE]
            return IntentGuess(Intent.OUT_OF_SCOPE, 1.0, tuple(others[:2]), Reason.OFF_TOPIC)
        return IntentGuess(intent, confidence, tuple(others[:2]), Reason.CLASSIFIER)

    def explain(self, text: str, top: int = 5) -> tuple[tuple[str, float], ...]:
        """The features that most raised the score of the detected intent (``w:`` words, ``c:`` characters)."""
        cleaned = normalise(text)
        guess = self.detect(text)
        if guess.reason != Reason.CLASSIFIER:
            return ((f"rule: {guess.reason}", 1.0),)
        intent = guess.intent
        contributions = self.scorer.contributions(self._vector(cleaned), intent)
        ranked = sorted(contributions.items(), key=lambda item: (-item[1], item[0]))
        return tuple((feature, round(weight, 4)) for feature, weight in ranked[:top] if weight > 0)

    def _vector(self, cleaned: str) -> SparseVector:
        return self.tfidf.vector(correct_spelling(cleaned, self.vocabulary))

    def _ranked(self, cleaned: str) -> list[tuple[Intent, float]]:
        scores = self.scorer.scores(self._vector(cleaned))
        peak = max(scores)
        exps = [math.exp((score - peak) / TEMPERATURE) for score in scores]
        total = sum(exps)
        pairs = [(Intent(name), e / total) for name, e in zip(self.scorer.classes, exps, strict=True)]
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))


def _off_topic(cleaned: str, intent: Intent, confidence: float) -> bool:
    needs_topic = intent not in _NEED_NO_TOPIC or confidence < CONFIDENCE_THRESHOLD
    return needs_topic and not mentions_topic(cleaned)


def _rule(text: str, cleaned: str, extraction: Extraction | None) -> tuple[Intent, Reason] | None:
    if not cleaned:
        return Intent.HELP, Reason.EMPTY
    if is_help_command(cleaned):
        return Intent.HELP, Reason.HELP_COMMAND
    if is_patient_specific(cleaned):
        return Intent.OUT_OF_SCOPE, Reason.PATIENT_SPECIFIC
    if mentions_other_cancer(cleaned):
        return Intent.OUT_OF_SCOPE, Reason.OTHER_CANCER
    if is_prompt_injection(cleaned):
        return Intent.OUT_OF_SCOPE, Reason.INJECTION
    command = command_intent(cleaned)
    if command is not None:
        return Intent(command), Reason.COMMAND
    if reports_values(text, extraction):
        return Intent.CLASSIFY_VALUES, Reason.VALUES
    return None
