"""The ``herbot`` command line: thin commands over intents, engine and renderers."""

from __future__ import annotations

import click

from bot.cli.classify import classify_command

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="herbot", prog_name="herbot")
def main() -> None:
    """herbot: HER2 / HER2-negative status in breast cancer, explained with sources."""


main.add_command(classify_command)
