"""``herbot eval``: intent-detection precision, recall and mistakes on a labelled set.

The held-out and blind sets ship with the package (``intents/data/eval/``), so this runs from any
folder; ``--data`` measures any other YAML list of ``{text, intent}`` rows.
"""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from bot.cli.failure import CommandFailed

__all__ = ["eval_command"]


@click.command("eval")
@click.option(
    "--set",
    "name",
    type=click.Choice(["held-out", "blind"]),
    help="A packaged labelled set: held-out (the default) or blind.",
)
@click.option("--blind", is_flag=True, help="The same as --set blind.")
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML list of {text, intent} to evaluate instead of a packaged set.",
)
def eval_command(name: str | None, blind: bool, data: Path | None) -> None:
    """Evaluate intent detection on a labelled set and print every mistake."""
    # Imported here, not at the top: `herbot --help` and the other commands need none of them.
    from intents.detection import load_detector
    from intents.detection.evaluation import evaluate, format_evaluation
    from intents.detection.examples import load_eval_set, read_labelled

    chosen = [given for given in (name, "blind" if blind else None, data) if given is not None]
    if len(chosen) > 1:
        raise CommandFailed("give one of --set, --blind and --data.", command="eval")
    if data is None:
        labelled = load_eval_set(name or ("blind" if blind else "held-out"))
    else:
        try:
            labelled = read_labelled(data.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as error:
            reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else str(error).splitlines()[0]
            raise CommandFailed(f"cannot read {data} as a labelled set: {reason}.", command="eval") from None
    evaluation = evaluate(load_detector(), labelled)
    click.echo(format_evaluation(evaluation))
    click.echo("\nmistakes (expected -> got, confidence: message):" if evaluation.mistakes else "\nmistakes: none")
    for mistake in evaluation.mistakes:
        click.echo(f"  {mistake.expected} -> {mistake.got}, {mistake.confidence:.2f}: {mistake.text}")
