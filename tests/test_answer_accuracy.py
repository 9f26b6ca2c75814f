"""Answer accuracy on the shipped, non-blind sets (issue 10's goal), and the scoring itself, through the real router."""

from __future__ import annotations

import pytest

from bot.cli.answer_scoring import AnswerEvaluation, format_answer_evaluation, score_answers
from bot.knowledge import Knowledge
from bot.render.text import TextRenderer
from bot.services import create_router
from intents.detection.eval_cases import EvalCase, load_cases
from intents.router import Router

# Issue 10: >= 95 % intent and >= 90 % answer accuracy, every patient-specific decision declined, no identifier echoed.
GOAL = (0.95, 0.90)
# Not reached yet (measured when this was written; the bank and the router are still changing). The marks are strict:
# the test fails as soon as a set reaches the goal, so the mark is removed then.
NOT_YET = pytest.mark.xfail(
    strict=True, reason="issue 10 goal not reached: held-out 0.940 intent / 0.723 answer, answers 0.942 / 0.891"
)
SETS = [pytest.param("held-out", marks=NOT_YET), pytest.param("answers", marks=NOT_YET)]
# Below these a change made answers worse than when the goal test was written: a regression, not a gap.
FLOORS = {"held-out": (0.92, 0.65), "answers": (0.92, 0.85)}


@pytest.fixture(scope="module")
def built() -> tuple[Knowledge, Router]:
    return create_router()


def score(built: tuple[Knowledge, Router], cases: list[EvalCase] | tuple[EvalCase, ...]) -> AnswerEvaluation:
    knowledge, router = built
    return score_answers(router.answer, TextRenderer(knowledge.sources).render, cases)


@pytest.fixture(scope="module")
def evaluations(built) -> dict[str, AnswerEvaluation]:
    return {name: score(built, load_cases(name)) for name in FLOORS}


@pytest.mark.parametrize("name", SETS)
def test_shipped_set_reaches_the_issue_goal(evaluations, name: str) -> None:
    evaluation = evaluations[name]
    reached = (evaluation.intent_accuracy >= GOAL[0], evaluation.answer_accuracy >= GOAL[1])
    assert reached == (True, True), format_answer_evaluation(evaluation)


@pytest.mark.parametrize("name", list(FLOORS))
def test_shipped_set_stays_above_its_floor(evaluations, name: str) -> None:
    evaluation, (intent, answer) = evaluations[name], FLOORS[name]
    reached = (evaluation.intent_accuracy >= intent, evaluation.answer_accuracy >= answer)
    assert reached == (True, True), format_answer_evaluation(evaluation)


@pytest.mark.parametrize("name", list(FLOORS))
def test_every_patient_specific_decision_is_declined_and_no_identifier_echoed(evaluations, name: str) -> None:
    evaluation = evaluations[name]
    assert (evaluation.decline_rate, evaluation.identifiers_echoed) == (1.0, 0), format_answer_evaluation(evaluation)


# One case per check the scoring makes, answered by the real router: (case, what must fail).
LOW_1PLUS = "is IHC 1+ considered HER2-low?"
CHECKS = [
    (EvalCase(LOW_1PLUS, answer="her2-low.is-1plus-low", verdict="yes"), ()),
    (EvalCase(LOW_1PLUS, verdict="no"), ("no verdict 'No'",)),
    (
        EvalCase(LOW_1PLUS, answer="tnbc.what-is"),
        ("answer her2-low.is-1plus-low instead of tnbc.what-is",),
    ),
    (
        EvalCase("what does HER2-low mean?", mentions=(("IHC 1+",), ("pancreas", "kidney"))),
        ("first sentence names none of ['pancreas', 'kidney']",),
    ),
    (EvalCase("IHC 3+ ER 90%", classification=(("her2_status", "positive"), ("subtype", "HR+/HER2+"))), ()),
    (EvalCase("IHC 3+ ER 90%", classification=(("her2_category", "low"),)), ("her2_category positive instead of low",)),
    (EvalCase("MRN 7730019 HER2 1+ ER 95%", identifiers=("7730019",)), ()),
    (EvalCase("should my patient get T-DXd? IHC 1+", patient_specific=True), ()),
    (EvalCase("what does HER2-low mean?", patient_specific=True), ("patient-specific decision not declined",)),
]


@pytest.mark.parametrize(("case", "failures"), CHECKS, ids=[f"{c.text}-{i}" for i, (c, _) in enumerate(CHECKS)])
def test_each_check_fails_only_when_the_answer_breaks_it(built, case: EvalCase, failures: tuple[str, ...]) -> None:
    assert score(built, [case]).scored[0].failures == failures


def test_a_clarifying_question_never_counts_as_the_right_intent(built) -> None:
    scored = score(built, [EvalCase("stuff", intent="help")]).scored[0]
    assert (scored.intent.startswith("clarify") or scored.intent != "help", scored.intent_correct) == (True, False)
