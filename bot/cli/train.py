"""``herbot train``: train the intent detector on the packaged examples and write its weights."""

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
def train_command(out: Path | None) -> None:
    """Train intent detection on intents/data/intent_examples.yaml and save the weights herbot loads."""
    from intents.detection.examples import save_detector

    try:
        written = save_detector(out)
    except OSError as error:
        raise CommandFailed(f"cannot write the weights: {error.strerror or error}.", command="train") from None
    click.echo(f"herbot train: wrote {written}")
