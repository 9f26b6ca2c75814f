"""The Teams activity handler: messages become turns, an install gets one welcome, conversations are remembered.

Each handler is a few lines: parse the activity (``bot.teams.inbound``), have ``TeamsAnswering`` answer and
record it, return. The reply itself leaves through the outbox (``bot.teams.transport``), so nothing is sent
from inside the turn and a redelivered activity is answered once. A quiz click is the exception: its invoke
is answered in the HTTP response with the card that person sees (``bot.teams.invokes``).
"""

from __future__ import annotations

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler

from bot.teams.answering import TeamsAnswering
from bot.teams.deliveries import post_delivery, reply_delivery
from bot.teams.inbound import added_bot, from_message, reply_target, request_key, speaker_of
from bot.teams.invokes import answer_invoke
from bot.teams.references import ReferenceBook

__all__ = ["HerbotTeamsBot"]


class HerbotTeamsBot(TeamsActivityHandler):
    """herbot in personal chats, group chats and channels (where it answers when @mentioned)."""

    def __init__(self, answering: TeamsAnswering, references: ReferenceBook) -> None:
        self._answering = answering
        self._references = references

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        inbound = from_message(activity)
        speaker = speaker_of(activity)  # to name them in this reply only: herbot stores no names
        received_at = self._answering.now()
        answering = self._answering
        await answering.reply(
            inbound.request_key,
            inbound,
            lambda message: [
                reply_delivery(inbound.reply, answering.named(message, inbound.place, speaker), received_at=received_at)
            ],
        )
        await self._references.remember(activity)  # after the answer is recorded: it must never wait on this

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # Not TeamsActivityHandler's dispatch: it looks up every added member at the Connector inside the turn.
        activity = turn_context.activity
        await self._references.remember(activity)
        if not added_bot(activity):
            return  # a colleague joined or left, a channel was renamed: nothing to say
        welcome = self._answering.renderer.welcome()
        delivery = post_delivery(reply_target(activity), welcome, received_at=self._answering.now())
        await self._answering.record_only(request_key(activity), [delivery])

    async def on_installation_update(self, turn_context: TurnContext) -> None:
        await self._references.remember(turn_context.activity)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        # Quiz clicks (Action.Execute) are answered with the clicker's own card; every other invoke is declined
        # here with 501. Not botbuilder's own dispatch: it answers a malformed adaptiveCard/action with a body it
        # cannot serialise (a 500).
        return await answer_invoke(self._answering, turn_context.activity)
