"""Slack listeners: each parses its payload, has ``SlackAnswering`` answer and record it, then acknowledges.

The ack comes last: Bolt (with ``process_before_response``) sends the HTTP response only once the
listener returned, so Slack hears "received" only for a request whose answer is recorded. Requests
herbot does not answer (channel chatter, edits of messages it never answered) are acked with nothing
recorded. A quiz button is answered privately, at the click's response URL, whoever posted the question. A
reply only the asker may see (their scores) goes to them alone: at a command's response URL (ephemeral), and
for a mention in a channel as an ephemeral message in its thread.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext

from bot.delivery import NewDelivery
from bot.render.slack import SHOW_REASONING_ACTION, SlackMessage
from bot.render.slack_education import QUIZ_ACTION, read_quiz_choice
from bot.slack.answering import SlackAnswering, SlackDeliver
from bot.slack.deliveries import reply_delivery, respond_delivery, workspace_of
from bot.slack.inbound import (
    Inbound,
    from_action,
    from_command,
    from_edit,
    from_event,
    is_answerable_message,
    is_answered_edit,
    place_of_action,
    request_key,
)

__all__ = ["inbox_key", "post_to", "register_listeners", "respond_to"]

log = logging.getLogger("herbot.slack")

_FOLLOW_UP = re.compile(r"^herbot_follow_up_\d+$")


def register_listeners(app: AsyncApp, answering: SlackAnswering) -> None:
    """Attach herbot's command, event and action listeners to ``app``."""
    # Before the DM listener, which would otherwise take every message event, edits included.
    _register_edit_listener(app, answering)

    @app.command("/her2")
    async def her2_command(ack: Any, body: dict) -> None:
        await answering.reply(inbox_key(body), from_command(body), respond_to(body, answering.now()))
        await ack()

    @app.event("app_mention")
    async def mention(ack: Any, body: dict, context: AsyncBoltContext) -> None:
        inbound = from_event(body)
        await answering.reply(inbox_key(body), inbound, post_to(inbound, context, answering.now()))
        await ack()

    @app.event("message")
    async def direct_message(ack: Any, body: dict, context: AsyncBoltContext) -> None:
        event = body["event"]
        if event.get("channel_type") == "im" and is_answerable_message(event):
            inbound = from_event(body)
            await answering.reply(inbox_key(body), inbound, post_to(inbound, context, answering.now()))
        await ack()

    @app.action(SHOW_REASONING_ACTION)
    async def show_reasoning(ack: Any, body: dict, action: dict) -> None:
        deliver = respond_to(body, answering.now(), response_type=None, replace_original=True)
        await answering.show_reasoning(inbox_key(body), str(action.get("value") or ""), deliver)
        await ack()

    @app.action(_FOLLOW_UP)
    async def follow_up(ack: Any, body: dict, action: dict, context: AsyncBoltContext) -> None:
        inbound = from_action(body, str(action.get("value") or ""))
        if (body.get("container") or {}).get("is_ephemeral"):
            deliver = respond_to(body, answering.now())
        else:
            deliver = post_to(inbound, context, answering.now())
        await answering.reply(inbox_key(body), inbound, deliver)
        await ack()

    @app.action(QUIZ_ACTION)
    async def quiz_answer(ack: Any, body: dict, action: dict) -> None:
        # Only the clicker sees whether they were right: privately, beside the question, which stays as it is.
        choice = read_quiz_choice(str(action.get("value") or ""))
        deliver = respond_to(body, answering.now())
        await answering.answer_quiz_click(inbox_key(body), place_of_action(body), choice, deliver)
        await ack()


def _register_edit_listener(app: AsyncApp, answering: SlackAnswering) -> None:
    @app.event({"type": "message", "subtype": "message_changed"})
    async def edited_message(ack: Any, body: dict, context: AsyncBoltContext) -> None:
        if is_answered_edit(body["event"], context.bot_user_id):
            inbound = from_edit(body)
            await answering.reply_to_edit(inbox_key(body), inbound, post_to(inbound, context, answering.now()))
        await ack()


def inbox_key(body: Mapping[str, Any]) -> str:
    """The request's inbox key; a request without its id (Slack always sends one) is recorded under a fresh key."""
    key = request_key(body)
    if key is None:
        log.warning("slack request without an id: it cannot be deduplicated")
        return f"slack:unkeyed:{uuid.uuid4().hex}"
    return key


def respond_to(
    body: Mapping[str, Any],
    received_at: datetime,
    *,
    response_type: str | None = "ephemeral",
    replace_original: bool = False,
) -> SlackDeliver:
    """Answers go to the request's response URL, as ``respond()`` would post them: as ``response_type`` says,
    or for everyone in the channel when the message is (``SlackMessage.in_channel``)."""
    url = body.get("response_url")

    def deliver(message: SlackMessage) -> list[NewDelivery]:
        if not isinstance(url, str) or not url:
            log.warning("slack request without a response_url: nothing to answer to")
            return []
        return [
            respond_delivery(
                url,
                message,
                received_at=received_at,
                response_type=response_type,
                replace_original=replace_original,
            )
        ]

    return deliver


def post_to(inbound: Inbound, context: AsyncBoltContext, received_at: datetime) -> SlackDeliver:
    """Answers go to ``inbound``'s channel and thread, with the token of the request's workspace: posted, or to the
    asker alone when only they may see it."""
    workspace = workspace_of(context)
    return lambda message: [reply_delivery(inbound, message, workspace=workspace, received_at=received_at)]
