"""Cross-validation of the question rankers on the bank's own phrasings, and the choice of a threshold.

Fold ``k`` of ``folds`` holds out, from every entry, the phrasings at positions ``j`` with
``(j + entry) % folds == k``; the rest, and every entry's ``ask``, train the ranker that then ranks the
held-out phrasings. Top-1 accuracy is the share whose entry ranks first; ``top3`` within the first three.

Every held-out phrasing keeps its confidence and whether it was right, so ``threshold_table`` can show
how accuracy and coverage trade as the threshold rises, and ``choose_threshold`` picks the lowest one
above which a wrong answer is at most ``1 / (1 + cost)`` as likely as a right one in every band.

>>> from bot.engine.questions import Question
>>> bank = [Question("a", "t", "define-her2-low", "what is her2-low", ("her2 low meaning", "define her2-low"), ()),
...         Question("b", "t", "define-er-low", "what is er-low", ("er low meaning", "define er-low"), ())]
>>> cross_validate(bank, "bm25-phrasing", folds=2).accuracy
1.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine.questions import Question
from intents.detection.question_rankers import build_ranker

__all__ = ["CrossValidation", "Outcome", "choose_threshold", "cross_validate", "threshold_table"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """One held-out phrasing: its entry, what ranked first, how sure, and whether its entry was in the top 3."""

    text: str
    expected: str
    got: str | None
    confidence: float
    in_top3: bool

    @property
    def correct(self) -> bool:
        return self.got == self.expected


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """How one ranking method did over all folds."""

    method: str
    outcomes: tuple[Outcome, ...]

    @property
    def accuracy(self) -> float:
        return sum(o.correct for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def top3(self) -> float:
        return sum(o.in_top3 for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    def mistakes(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.correct)


def cross_validate(questions: Sequence[Question], method: str, *, folds: int = 5) -> CrossValidation:
    """Rank each held-out phrasing of ``questions`` with ``method`` trained on the rest (module docstring)."""
    outcomes: list[Outcome] = []
    for fold in range(folds):
        train: list[tuple[str, int]] = []
        test: list[tuple[str, int]] = []
        for entry, question in enumerate(questions):
            train.append((question.ask, entry))
            for j, phrasing in enumerate(question.phrasings):
                (test if (j + entry) % folds == fold else train).append((phrasing, entry))
        if not test:
            continue
        ranker = build_ranker(method, train)
        for text, entry in test:
            ranked = ranker.rank(text)
            got, confidence = (questions[ranked[0][0]].id, ranked[0][1]) if ranked else (None, 0.0)
            top3 = entry in [e for e, _ in ranked[:3]]
            outcomes.append(Outcome(text, questions[entry].id, got, confidence, top3))
    return CrossValidation(method, tuple(outcomes))


def threshold_table(outcomes: Sequence[Outcome], thresholds: Sequence[float]) -> list[tuple[float, float, float]]:
    """For each threshold: the share of messages answered (confidence >= it) and the accuracy of those answers."""
    rows = []
    for threshold in thresholds:
        answered = [o for o in outcomes if o.confidence >= threshold]
        right = sum(o.correct for o in answered)
        rows.append((threshold, len(answered) / len(outcomes), right / len(answered) if answered else 0.0))
    return rows


def choose_threshold(outcomes: Sequence[Outcome], *, cost: float = 1.0, band: float = 0.05) -> float:
    """The lowest threshold (a multiple of ``band``) above which every band of confidence gains more than it loses.

    A right answer gains 1 and a wrong one loses ``cost``; below the threshold herbot falls back to the
    topic, which gains and loses nothing.
    """
    steps = round(1.0 / band)
    for step in range(steps, -1, -1):
        low = step * band
        inside = [o for o in outcomes if low <= o.confidence < low + band]
        gain = sum(1.0 if o.correct else -cost for o in inside)
        if inside and gain <= 0:
            return round(low + band, 4)
    return 0.0
