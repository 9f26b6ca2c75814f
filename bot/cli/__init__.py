"""The ``herbot`` command line: thin commands over intents, engine and renderers.

Each command's module is imported only when that command runs (click's "lazily loading
subcommands" pattern), so ``herbot classify`` imports neither the store, Slack, aiohttp nor
prompt_toolkit. Errors herbot raises on purpose (``HerbotError``) become a one-line message and
exit status 2 here, in one place (``CommandFailed``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

from bot.cli.failure import CommandFailed, printable
from bot.errors import HerbotError

__all__ = ["main"]

# command name -> "module:attribute" of its click command, imported when the command is run
COMMANDS = {
    "classify": "bot.cli.classify:classify_command",
    "ask": "bot.cli.ask:ask_command",
    "chat": "bot.cli.chat:chat_command",
    "eval": "bot.cli.evaluate:eval_command",
    "train": "bot.cli.train:train_command",
    "serve": "bot.cli.serve:serve_command",
    "migrate": "bot.cli.migrate:migrate_command",
    "teams-package": "bot.cli.teams_package:teams_package_command",
}


class LazyGroup(click.Group):
    """A group whose commands are imported by name when used, with herbot's one error seam."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self.lazy_commands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = self.lazy_commands[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{self.lazy_commands[cmd_name]} is not a click command")
        return command

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # Bytes that are not UTF-8 reach Python as lone surrogates: refuse them before anything
        # tries to print, store or send them.
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                command = args[0] if args and args[0] in self.lazy_commands else None
                raise CommandFailed(f"argument '{printable(arg)}' is not UTF-8 text.", command=command) from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HerbotError as error:
            raise CommandFailed(str(error), command=ctx.invoked_subcommand) from None


@click.group(cls=LazyGroup, lazy_commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="herbot", prog_name="herbot")
def main() -> None:
    """herbot: HER2 / HER2-negative status in breast cancer, explained with sources."""
