"""Slack listeners: each parses its payload into an ``Inbound``, asks the conversation service, sends.

Acknowledgement comes first, within Slack's 3-second budget; the answer follows.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import StoreUnavailable
from bot.render.slack import SHOW_REASONING_ACTION, SlackMessage, SlackRenderer
from bot.services import Services
from bot.slack.inbound import (
    Inbound,
    decode_values,
    encode_values,
    from_action,
    from_command,
    from_edit,
    from_event,
    is_answerable_message,
    is_answered_edit,
)
from intents.router import Answer

__all__ = ["EDIT_NOTICE", "register_listeners"]

log = logging.getLogger("herbot.slack")

EDIT_NOTICE = (
    "Edited message: this answer replaces my earlier one. I read the edited message as a new case, "
    "so values given earlier in this conversation are not used; repeat any you still need."
)
_EDIT_MEMORY_LOST = "I couldn't reach my conversation memory, so this answer uses only the edited message."

_FOLLOW_UP = re.compile(r"^herbot_follow_up_\d+$")


class _Replies:
    """Answers an ``Inbound`` and renders the answer for Slack."""

    def __init__(self, services: Services, renderer: SlackRenderer) -> None:
        self._services = services
        self._renderer = renderer

    async def answer(self, inbound: Inbound) -> SlackMessage:
        answer = await asyncio.to_thread(
            self._services.conversations.respond,
            inbound.text or "help",
            conversation=inbound.conversation,
            surface="slack",
        )
        return self.render(answer)

    async def reasoning(self, token: str) -> SlackMessage:
        values = decode_values(token)
        answer = await asyncio.to_thread(self._services.router.answer, "show the reasoning", values)
        return self.render(answer, show_steps=True)

    def render(self, answer: Answer, *, show_steps: bool = False) -> SlackMessage:
        has_steps = answer.explanation.classification is not None and not answer.values.is_empty
        token = encode_values(answer.values) if has_steps and not show_steps else None
        return self._renderer.render(answer.explanation, show_steps=show_steps, reasoning_token=token)


def register_listeners(app: AsyncApp, services: Services) -> None:
    """Attach herbot's command, event and action listeners to ``app``."""
    replies = _Replies(services, SlackRenderer(services.knowledge.sources))
    # Before the DM listener, which would otherwise take every message event, edits included.
    _register_edit_listener(app, services, replies)

    @app.command("/her2")
    async def her2_command(ack: Any, body: dict, respond: AsyncRespond) -> None:
        await ack()
        message = await replies.answer(from_command(body))
        await respond(text=message.text, blocks=message.block_dicts(), response_type="ephemeral")

    @app.event("app_mention")
    async def mention(body: dict, client: AsyncWebClient) -> None:
        inbound = from_event(body)
        await _post(client, await replies.answer(inbound), inbound)

    @app.event("message")
    async def direct_message(body: dict, client: AsyncWebClient) -> None:
        event = body["event"]
        if event.get("channel_type") == "im" and is_answerable_message(event):
            inbound = from_event(body)
            await _post(client, await replies.answer(inbound), inbound)

    @app.action(SHOW_REASONING_ACTION)
    async def show_reasoning(ack: Any, action: dict, respond: AsyncRespond) -> None:
        await ack()
        message = await replies.reasoning(str(action.get("value") or ""))
        await respond(text=message.text, blocks=message.block_dicts(), replace_original=True)

    @app.action(_FOLLOW_UP)
    async def follow_up(ack: Any, body: dict, action: dict, client: AsyncWebClient, respond: AsyncRespond) -> None:
        await ack()
        inbound = from_action(body, str(action.get("value") or ""))
        message = await replies.answer(inbound)
        if (body.get("container") or {}).get("is_ephemeral"):
            await respond(
                text=message.text, blocks=message.block_dicts(), response_type="ephemeral", replace_original=False
            )
        else:
            await _post(client, message, inbound)


def _register_edit_listener(app: AsyncApp, services: Services, replies: _Replies) -> None:
    @app.event({"type": "message", "subtype": "message_changed"})
    async def edited_message(body: dict, context: AsyncBoltContext, client: AsyncWebClient) -> None:
        if is_answered_edit(body["event"], context.bot_user_id):
            inbound = from_edit(body)
            await _post(client, await _answer_edit(services, replies, inbound), inbound)


async def _answer_edit(services: Services, replies: _Replies, inbound: Inbound) -> SlackMessage:
    """The edited text answered as a new case, so no value from the original message stays remembered."""
    forgotten = await _forget_values(services, inbound.conversation)
    answer = await asyncio.to_thread(
        services.conversations.respond,
        inbound.text or "help",
        conversation=inbound.conversation if forgotten else None,
        surface="slack",
    )
    notices = (EDIT_NOTICE, *(() if forgotten else (_EDIT_MEMORY_LOST,)), *answer.explanation.notices)
    return replies.render(replace(answer, explanation=replace(answer.explanation, notices=notices)))


async def _forget_values(services: Services, conversation: str) -> bool:
    """Clear a conversation's values; False if the store could not be reached (nothing is then remembered)."""
    if services.store is None:
        return False
    try:
        await asyncio.to_thread(services.store.clear_slots, conversation)
    except StoreUnavailable:
        log.warning("store unavailable while clearing a conversation for an edit")
        return False
    return True


async def _post(client: AsyncWebClient, message: SlackMessage, inbound: Inbound) -> None:
    await client.chat_postMessage(
        channel=inbound.channel,
        thread_ts=inbound.thread_ts,
        text=message.text,
        blocks=message.block_dicts(),
        unfurl_links=False,
        unfurl_media=False,
    )
