"""``herbot ask``: one message in, one answer out (text or the JSON contract)."""

from __future__ import annotations

import json

import click

from bot.errors import HerbotError
from bot.settings import load_settings

__all__ = ["ask_command"]


@click.command("ask")
@click.argument("text", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract instead of text.")
@click.option("--conversation", metavar="KEY", help="Continue a conversation: its values are kept in the store.")
def ask_command(text: tuple[str, ...], as_json: bool, conversation: str | None) -> None:
    """Ask a question or give values, as you would in chat.

    herbot ask "what does HER2-low mean?"

    herbot ask --conversation c1 "IHC 2+"  then  herbot ask --conversation c1 "ratio 2.3, copies 3.8"
    """
    from bot.render.contract import answer_json  # heavy imports only for the commands that need them
    from bot.services import create_services

    try:
        services = create_services(load_settings(), with_store=conversation is not None)
    except HerbotError as error:
        raise click.ClickException(str(error)) from None
    answer = services.conversations.respond(" ".join(text), conversation=conversation, surface="cli")
    rendered = services.text.render(answer.explanation, show_steps=as_json or answer.error is None)
    if as_json:
        click.echo(json.dumps(answer_json(answer, rendered, services.knowledge.sources), ensure_ascii=False, indent=2))
    else:
        click.echo(rendered)
