"""``herbot eval``: intent detection and answer accuracy on a labelled set; ``--questions`` compares matchers.

The labelled sets ship with the package (``intents/data/eval/``), so this runs from any folder; ``--data``
measures any other YAML list of rows (``intents/detection/eval_cases.py``). The first part is the intent
detector on its own (precision, recall and every mistake); when the set says what answers must do
(``answer``, ``expect``, ``identifiers``, ``patient_specific``) or ``--answers`` is given, a second part
runs every message through the real router and scores the answers as shown (``answer_scoring.py``).

``--questions`` cross-validates the question-matching methods on the bank's own phrasings instead
(``intents/detection/question_cv.py``); the TF-IDF methods take minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
import yaml

from bot.cli.failure import CommandFailed

if TYPE_CHECKING:
    from intents.detection.eval_cases import EvalCase

__all__ = ["eval_command"]

# Names --set takes: the packaged sets, and blind_b, blind_c, blind_d as the files are called.
_SET_NAMES = ["held-out", "answers", "blind", "blind-b", "blind_b", "blind-c", "blind_c", "blind-d", "blind_d"]


@click.command("eval")
@click.option(
    "--set",
    "name",
    type=click.Choice(_SET_NAMES),
    help="A packaged labelled set: held-out (the default), answers, blind, blind-b, blind-c or blind-d.",
)
@click.option("--blind", is_flag=True, help="The same as --set blind.")
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML list of {text, intent, ...} rows to evaluate instead of a packaged set.",
)
@click.option("--answers", "force_answers", is_flag=True, help="Score the router's answers even for intents only.")
@click.option("--questions", is_flag=True, help="Cross-validate the question-matching methods on the bank instead.")
@click.option("--method", "methods", multiple=True, help="With --questions: only this method (repeatable).")
def eval_command(
    name: str | None,
    blind: bool,
    data: Path | None,
    force_answers: bool,
    questions: bool,
    methods: tuple[str, ...],
) -> None:
    """Evaluate intent detection and answers on a labelled set, and print every mistake."""
    if questions:
        _cross_validate(methods)
        return
    # Imported here, not at the top: `herbot --help` and the other commands need none of them.
    from intents.detection import load_detector
    from intents.detection.eval_cases import load_cases, read_cases
    from intents.detection.evaluation import evaluate, format_evaluation

    chosen = [given for given in (name, "blind" if blind else None, data) if given is not None]
    if len(chosen) > 1:
        raise CommandFailed("give one of --set, --blind and --data.", command="eval")
    if data is None:
        cases = load_cases((name or ("blind" if blind else "held-out")).replace("_", "-"))
    else:
        try:
            cases = read_cases(data.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as error:
            reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else str(error).splitlines()[0]
            raise CommandFailed(f"cannot read {data} as a labelled set: {reason}.", command="eval") from None
    labelled = [(case.text, case.intent) for case in cases if case.intent is not None]
    if labelled:
        evaluation = evaluate(load_detector(), labelled)
        click.echo(format_evaluation(evaluation))
        click.echo("\nmistakes (expected -> got, confidence: message):" if evaluation.mistakes else "\nmistakes: none")
        for mistake in evaluation.mistakes:
            click.echo(f"  {mistake.expected} -> {mistake.got}, {mistake.confidence:.2f}: {mistake.text}")
    if force_answers or any(case.checks_answer for case in cases) or not labelled:
        _score_answers(cases)


def _score_answers(cases: Sequence[EvalCase]) -> None:
    from bot.cli.answer_scoring import format_answer_evaluation, score_answers
    from bot.render.text import TextRenderer
    from bot.services import create_router

    knowledge, router = create_router()
    renderer = TextRenderer(knowledge.sources)
    evaluation = score_answers(router.answer, renderer.render, cases)
    click.echo("\nanswers, through the router and the plain-text default view:\n")
    click.echo(format_answer_evaluation(evaluation))


def _cross_validate(methods: tuple[str, ...]) -> None:
    from bot.knowledge import load_questions
    from intents.detection.question_cv import choose_threshold, cross_validate, threshold_table
    from intents.detection.question_rankers import RANKERS

    unknown = sorted(set(methods) - set(RANKERS))
    if unknown:
        raise CommandFailed(f"unknown method {unknown[0]}; one of {', '.join(RANKERS)}.", command="eval")
    bank = load_questions()
    held_out = sum(len(question.phrasings) for question in bank)
    click.echo(f"5-fold cross-validation on {len(bank)} entries, {held_out} phrasings held out in turn\n")
    click.echo(f"{'method':<18}  top-1  top-3  threshold")
    for method in methods or tuple(RANKERS):
        result = cross_validate(bank, method)
        threshold = choose_threshold(result.outcomes)
        click.echo(f"{method:<18}  {result.accuracy:.3f}  {result.top3:.3f}  {threshold:.2f}")
        for low, answered, accuracy in threshold_table(result.outcomes, (0.05, 0.1, 0.2, 0.3)):
            click.echo(f"{'':<18}  at {low:.2f}: {answered:.1%} answered, {accuracy:.1%} of them right")
