"""``herbot ask``: one message in, one answer out (text or the JSON contract)."""

from __future__ import annotations

import json

import click

from bot.cli.failure import CommandFailed

__all__ = ["ask_command"]

# The store keeps conversation keys of up to 255 characters (bot.store.schema.MAX_ID_LENGTH); checked
# here too so a long key is a message, not a failure deep in the store.
MAX_CONVERSATION_KEY = 255


@click.command("ask")
@click.argument("text", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the JSON contract instead of text.")
@click.option(
    "--conversation", metavar="KEY", help="Continue a conversation: its values and subject are kept in the store."
)
@click.option("--full", is_flag=True, help="Show the whole answer: every point, the reasoning, full references.")
def ask_command(text: tuple[str, ...], as_json: bool, conversation: str | None, full: bool) -> None:
    """Ask a question or give values, as you would in chat.

    herbot ask "what does HER2-low mean?"

    herbot ask --conversation c1 "IHC 2+"  then  herbot ask --conversation c1 "ratio 2.3, copies 3.8"
    """
    # Imported here, not at the top: `herbot --help` and the other commands need none of them.
    from bot.render.contract import answer_json
    from bot.render.text import TextRenderer
    from bot.services import create_router, create_services
    from bot.settings import load_settings

    message = " ".join(text)
    if conversation is None:
        # No memory, so no store: SQLAlchemy is never imported for a one-off question.
        knowledge, router = create_router()
        answer = router.answer(message)
    else:
        if not conversation.strip() or len(conversation) > MAX_CONVERSATION_KEY:
            raise CommandFailed(
                f"a conversation key is 1 to {MAX_CONVERSATION_KEY} characters, not {len(conversation)}.",
                command="ask",
            )
        services = create_services(load_settings())
        knowledge = services.knowledge
        answer = services.conversations.respond(message, conversation=conversation, surface="cli")
    rendered = TextRenderer(knowledge.sources).render(answer.explanation, full=full)
    if as_json:
        click.echo(json.dumps(answer_json(answer, rendered, knowledge.sources), ensure_ascii=False, indent=2))
    else:
        click.echo(rendered)
