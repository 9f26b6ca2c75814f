"""``herbot train``: compile the knowledge files, train the intent detector, index the question bank, and write
all three where herbot loads them."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.failure import CommandFailed

__all__ = ["train_command"]


@click.command("train")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the weights (default: intents/data/intent_weights.json in the package).",
)
@click.option(
    "--index-out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the question index (default: intents/data/question_index.json in the package).",
)
def train_command(out: Path | None, index_out: Path | None) -> None:
    """Train intent detection on intents/data/intent_examples.yaml and the question bank; index the bank."""
    from bot.knowledge import load_questions
    from bot.knowledge.loader import write_snapshot
    from intents.detection.examples import save_detector
    from intents.detection.questions import save_question_index

    try:
        compiled = write_snapshot()
        questions = load_questions()
        written = save_detector(out, questions)
        indexed = save_question_index(questions, index_out)
    except OSError as error:
        raise CommandFailed(f"cannot write the weights: {error.strerror or error}.", command="train") from None
    click.echo(f"herbot train: wrote {compiled}")
    click.echo(f"herbot train: wrote {written}")
    click.echo(f"herbot train: wrote {indexed}")
