"""Measure a detector on labelled messages: accuracy, per-intent precision and recall, mistakes.

An answer below ``CONFIDENCE_THRESHOLD`` would make herbot ask a clarifying question instead of
answering, so it counts as "clarify": reported separately, and never as correct, whatever the
guess was.

>>> detector = IntentDetector.from_examples([("quiz me", "quiz"), ("tell me a joke", "out-of-scope")])
>>> result = evaluate(detector, [("quiz me on ihc", "quiz"), ("write me a joke", "out-of-scope")])
>>> result.accuracy, result.mistakes
(1.0, ())
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from intents.detection.detector import CONFIDENCE_THRESHOLD, IntentDetector

__all__ = ["CLARIFY", "Evaluation", "IntentScore", "Mistake", "evaluate", "format_evaluation"]

CLARIFY = "clarify"


@dataclass(frozen=True, slots=True)
class IntentScore:
    """Precision and recall of one intent; ``support`` is how many messages were labelled with it."""

    intent: str
    precision: float
    recall: float
    support: int


@dataclass(frozen=True, slots=True)
class Mistake:
    """A message answered wrongly, or too unsure to answer (``got`` is then ``clarify: <guess>``)."""

    text: str
    expected: str
    got: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How a detector did on one labelled set."""

    accuracy: float
    total: int
    scores: tuple[IntentScore, ...]
    mistakes: tuple[Mistake, ...]
    low_confidence: int

    def misses(self, intent: str) -> tuple[Mistake, ...]:
        """The mistakes on messages labelled ``intent``."""
        return tuple(m for m in self.mistakes if m.expected == intent)


def evaluate(detector: IntentDetector, labelled: Sequence[tuple[str, str]]) -> Evaluation:
    """Detect every ``(text, intent)`` in ``labelled`` and score the answers."""
    answered: list[tuple[str, str, str, float]] = []
    for text, expected in labelled:
        guess = detector.detect(text)
        got = guess.intent if guess.confidence >= CONFIDENCE_THRESHOLD else f"{CLARIFY}: {guess.intent}"
        answered.append((text, expected, got, guess.confidence))
    mistakes = tuple(Mistake(*row) for row in answered if row[1] != row[2])
    support = Counter(expected for _, expected, _, _ in answered)
    predicted = Counter(got for _, _, got, _ in answered)
    correct = Counter(expected for _, expected, got, _ in answered if expected == got)
    scores = tuple(
        IntentScore(intent, _ratio(correct[intent], predicted[intent]), _ratio(correct[intent], support[intent]), n)
        for intent, n in sorted(support.items())
    )
    low = sum(1 for *_, got, _ in answered if got.startswith(CLARIFY))
    return Evaluation(_ratio(sum(correct.values()), len(answered)), len(answered), scores, mistakes, low)


def format_evaluation(evaluation: Evaluation) -> str:
    """A per-intent precision/recall table, the confusions (expected -> got: count) and overall accuracy."""
    width = max([len("intent"), *(len(s.intent) for s in evaluation.scores)])
    lines = [f"{'intent':<{width}}  precision  recall  support"]
    lines += [f"{s.intent:<{width}}  {s.precision:>9.3f}  {s.recall:>6.3f}  {s.support:>7}" for s in evaluation.scores]
    confusions = Counter((m.expected, m.got) for m in evaluation.mistakes)
    lines.append("")
    lines.append("confusions (expected -> got: count):" if confusions else "confusions: none")
    lines += [f"  {expected} -> {got}: {n}" for (expected, got), n in sorted(confusions.items())]
    correct = round(evaluation.accuracy * evaluation.total)
    lines.append("")
    lines.append(f"low confidence (clarify, counted wrong): {evaluation.low_confidence}")
    lines.append(f"accuracy: {evaluation.accuracy:.3f} ({correct}/{evaluation.total})")
    return "\n".join(lines)


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
