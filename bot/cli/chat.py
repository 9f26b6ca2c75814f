"""``herbot chat``: an interactive conversation in the terminal, values carried across messages."""

from __future__ import annotations

import sys
import uuid

import click

__all__ = ["chat_command"]

_BYE = {"quit", "exit", "bye", ":q"}


@click.command("chat")
def chat_command() -> None:
    """Talk to herbot in the terminal ("new case" clears values, "quit" leaves)."""
    # Imported here, not at the top: `herbot --help` and the other commands need none of them.
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory

    from bot.services import create_services
    from bot.settings import load_settings

    services = create_services(load_settings())
    conversation = f"cli:chat:{uuid.uuid4().hex}"
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    session: PromptSession[str] | None = PromptSession(history=InMemoryHistory()) if interactive else None
    click.secho('herbot chat: ask about HER2, or paste values. "new case" starts over, "quit" leaves.', fg="cyan")
    while True:
        try:
            text = session.prompt("you> ") if session else _read_line()
        except (EOFError, KeyboardInterrupt):
            break
        if text is None or text.strip().lower() in _BYE:
            break
        if not text.strip():
            continue
        answer = services.conversations.respond(text, conversation=conversation, surface="chat")
        rendered = services.text.render(answer.explanation)
        headline, _, rest = rendered.partition("\n")
        click.secho(headline, fg="red" if answer.error else "green", bold=True)
        click.echo(rest.rstrip() + "\n")
    if services.store is not None:
        services.store.clear_slots(conversation)
    click.secho("bye", fg="cyan")


def _read_line() -> str | None:
    click.echo("you> ", nl=False)
    line = sys.stdin.readline()
    click.echo()  # the typed line is not echoed when input is piped
    return line.rstrip("\n") if line else None
