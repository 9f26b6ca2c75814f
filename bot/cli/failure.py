"""The one way a command fails: a one-line message on stderr and exit status 2, never a traceback.

Click's own ``ClickException`` exits 1 and prints ``Error: ...``; herbot's commands say which
command failed, as ``herbot classify`` does for an invalid value, and exit 2 like a usage error.
``HerbotError`` is translated into this at one seam, the ``herbot`` group.
"""

from __future__ import annotations

from typing import IO, Any

import click

__all__ = ["CommandFailed", "printable"]

_MAX_ECHO = 40


class CommandFailed(click.ClickException):
    """A command could not do what it was asked: ``herbot <command>: <message>`` and exit 2."""

    exit_code = 2

    def __init__(self, message: str, *, command: str | None = None) -> None:
        super().__init__(message)
        self.command = command

    def show(self, file: IO[Any] | None = None) -> None:
        prefix = f"herbot {self.command}" if self.command else "herbot"
        click.echo(f"{prefix}: {self.format_message()}", file=file, err=file is None)


def printable(text: str) -> str:
    """``text`` as it can be shown: bytes that were not UTF-8 as ``\\xNN``, cut to a short echo."""
    shown = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return shown if len(shown) <= _MAX_ECHO else shown[: _MAX_ECHO - 1] + "…"
