"""``herbot eval``: intent-detection precision, recall and mistakes on a held-out labelled set."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

__all__ = ["eval_command"]


@click.command("eval")
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=Path("tests/data/intent_eval.yaml"),
    show_default=True,
    help="YAML list of {text, intent} held out from the training examples.",
)
def eval_command(data: Path) -> None:
    """Evaluate intent detection on a labelled set."""
    from intents.detection import load_detector  # heavy imports only for the commands that need them
    from intents.detection.evaluation import evaluate, format_evaluation

    rows = yaml.safe_load(data.read_text(encoding="utf-8"))
    labelled = [(row["text"], row["intent"]) for row in rows]
    click.echo(format_evaluation(evaluate(load_detector(), labelled)))
