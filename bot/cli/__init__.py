"""The ``herbot`` command line: thin commands over intents, engine and renderers."""

from __future__ import annotations

import click

from bot.cli.ask import ask_command
from bot.cli.chat import chat_command
from bot.cli.classify import classify_command
from bot.cli.evaluate import eval_command
from bot.cli.serve import serve_command

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="herbot", prog_name="herbot")
def main() -> None:
    """herbot: HER2 / HER2-negative status in breast cancer, explained with sources."""


for command in (classify_command, ask_command, chat_command, eval_command, serve_command):
    main.add_command(command)
