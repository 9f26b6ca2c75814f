"""Score the answers herbot actually gives: intent accuracy, answer accuracy, declines and echoed identifiers.

Each case's message goes through the real router (``Router.answer``) and the plain-text renderer's default
view, as a person in chat would see it. The answer is right when every check the case makes holds:

- it leads with the question-bank entry the case names (``Answer.question_id``);
- its first sentence starts with the verdict ("Yes", "No", "Not by itself") and names one term of each
  ``mentions`` group (case-insensitive);
- its classification has the expected HER2 status, category, ISH group and subtype;
- a patient-specific decision is declined (the answer's intent is ``out-of-scope``);
- none of the case's identifiers appears anywhere in the text.

The intent is right when the router's intent is the case's; a clarifying question ("clarify: <guess>")
is never right. Cases that check nothing about the answer count for intent accuracy only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.engine.questions import Verdict
from intents.detection.eval_cases import EvalCase

__all__ = ["AnswerEvaluation", "Scored", "first_sentence", "format_answer_evaluation", "score_answers"]

CLARIFY = "clarify"
_CITATION = re.compile(r"\s*\[\d+\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")


def first_sentence(rendered: str) -> str:
    """The first sentence of a plain-text answer, without citation marks.

    >>> first_sentence("Yes: IHC 1+ is HER2-low. [1]\\n  • It is HER2-negative. [2]")
    'Yes: IHC 1+ is HER2-low.'
    """
    line = _CITATION.sub("", rendered.strip().split("\n", 1)[0]).strip()
    return _SENTENCE_END.split(line, 1)[0]


@dataclass(frozen=True, slots=True)
class Scored:
    """One case, what herbot answered, and every answer check that failed."""

    case: EvalCase
    intent: str
    question_id: str | None
    sentence: str
    failures: tuple[str, ...]
    echoed: tuple[str, ...]
    declined: bool

    @property
    def intent_correct(self) -> bool:
        return self.case.intent is not None and self.intent == self.case.intent

    @property
    def answer_correct(self) -> bool:
        return not self.failures


@dataclass(frozen=True, slots=True)
class AnswerEvaluation:
    """The scored cases of one set and the figures drawn from them."""

    scored: tuple[Scored, ...]

    @property
    def with_intent(self) -> tuple[Scored, ...]:
        return tuple(s for s in self.scored if s.case.intent is not None)

    @property
    def with_answer(self) -> tuple[Scored, ...]:
        return tuple(s for s in self.scored if s.case.checks_answer)

    @property
    def intent_accuracy(self) -> float:
        return _share(self.with_intent, lambda s: s.intent_correct)

    @property
    def answer_accuracy(self) -> float:
        return _share(self.with_answer, lambda s: s.answer_correct)

    @property
    def patient_specific(self) -> tuple[Scored, ...]:
        return tuple(s for s in self.scored if s.case.patient_specific)

    @property
    def decline_rate(self) -> float:
        return _share(self.patient_specific, lambda s: s.declined)

    @property
    def identifiers_echoed(self) -> int:
        return sum(len(s.echoed) for s in self.scored)


def _share(items: Sequence[Scored], test: Callable[[Scored], bool]) -> float:
    return sum(1 for item in items if test(item)) / len(items) if items else 1.0


def score_answers(
    answer: Callable[[str], Any], render: Callable[[Any], str], cases: Sequence[EvalCase]
) -> AnswerEvaluation:
    """Answer every case with ``answer`` (``Router.answer``), render it with ``render`` and check it."""
    return AnswerEvaluation(tuple(_score(case, answer(case.text), render) for case in cases))


def _score(case: EvalCase, answer: Any, render: Callable[[Any], str]) -> Scored:
    explanation = answer.explanation
    rendered = render(explanation)
    sentence = first_sentence(rendered)
    intent = str(answer.intent)
    if explanation.intent == CLARIFY:
        intent = f"{CLARIFY}: {intent}"
    question_id = getattr(answer, "question_id", None) or getattr(explanation, "question_id", None)
    declined = str(answer.intent) == "out-of-scope"
    folded = rendered.casefold()
    echoed = tuple(item for item in case.identifiers if item.casefold() in folded)
    failures: list[str] = []
    if case.answer is not None and question_id != case.answer:
        failures.append(f"answer {question_id} instead of {case.answer}")
    if case.verdict is not None and not sentence.casefold().startswith(Verdict(case.verdict).label.casefold()):
        failures.append(f"no verdict '{Verdict(case.verdict).label}'")
    failures += [
        f"first sentence names none of {list(group)}" for group in case.mentions if not _named(sentence, group)
    ]
    failures += _classification_failures(case, explanation.classification)
    if case.patient_specific and not declined:
        failures.append("patient-specific decision not declined")
    if echoed:
        failures.append(f"echoed {len(echoed)} identifier(s)")
    return Scored(case, intent, question_id, sentence, tuple(failures), echoed, declined)


def _named(sentence: str, terms: Sequence[str]) -> bool:
    folded = sentence.casefold()
    return any(term.casefold() in folded for term in terms)


def _classification_failures(case: EvalCase, classification: Any) -> list[str]:
    if not case.classification:
        return []
    if classification is None:
        return ["no classification"]
    got = {name: getattr(classification, name) for name, _ in case.classification}
    return [
        f"{name} {_shown(got[name])} instead of {expected}"
        for name, expected in case.classification
        if _shown(got[name]) != expected
    ]


def _shown(value: Any) -> str:
    return "None" if value is None else str(value)


def format_answer_evaluation(evaluation: AnswerEvaluation) -> str:
    """Per-intent intent and answer accuracy, the overall figures, and every wrong answer."""
    by_intent: dict[str, list[Scored]] = {}
    for scored in evaluation.scored:
        by_intent.setdefault(scored.case.intent or "(none)", []).append(scored)
    width = max([len("intent"), *map(len, by_intent)])
    lines = [f"{'intent':<{width}}  intent acc  answer acc  cases"]
    for name, rows in sorted(by_intent.items()):
        answered = [s for s in rows if s.case.checks_answer]
        answer_acc = f"{_share(answered, lambda s: s.answer_correct):>10.3f}" if answered else f"{'-':>10}"
        lines.append(
            f"{name:<{width}}  {_share(rows, lambda s: s.intent_correct):>10.3f}  {answer_acc}  {len(rows):>5}"
        )
    confusions = Counter((s.case.intent, s.intent) for s in evaluation.with_intent if not s.intent_correct)
    lines += ["", "intent confusions (expected -> got: count):" if confusions else "intent confusions: none"]
    lines += [f"  {expected} -> {got}: {n}" for (expected, got), n in sorted(confusions.items())]
    lines += ["", "wrong answers (expected -> what failed: message):" if _wrong(evaluation) else "wrong answers: none"]
    lines += [f"  {'; '.join(s.failures)}: {s.case.text}" for s in _wrong(evaluation)]
    intent_right = sum(s.intent_correct for s in evaluation.with_intent)
    answer_right = sum(s.answer_correct for s in evaluation.with_answer)
    declined = sum(s.declined for s in evaluation.patient_specific)
    lines += [
        "",
        f"intent accuracy: {evaluation.intent_accuracy:.3f} ({intent_right}/{len(evaluation.with_intent)})",
        f"answer accuracy: {evaluation.answer_accuracy:.3f} ({answer_right}/{len(evaluation.with_answer)})",
        f"patient-specific declined: {evaluation.decline_rate:.3f} ({declined}/{len(evaluation.patient_specific)})",
        f"identifiers echoed: {evaluation.identifiers_echoed}",
    ]
    ignored = sorted({key for s in evaluation.scored for key in s.case.ignored_keys})
    if ignored:
        lines.append(f"keys not read: {', '.join(ignored)}")
    return "\n".join(lines)


def _wrong(evaluation: AnswerEvaluation) -> tuple[Scored, ...]:
    return tuple(s for s in evaluation.with_answer if not s.answer_correct)
