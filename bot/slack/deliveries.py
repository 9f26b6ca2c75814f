"""Slack answers as outbox deliveries: where a rendered ``SlackMessage`` goes, and until when it is worth sending.

Three kinds, each with its transport in ``bot.slack.transport``:

- ``("slack", "respond")``: posted to a command's or a button's response URL, as Bolt's ``respond()``
  posts it: ephemeral, unless the message is for everyone in the channel (``in_channel``: a lesson, a quiz).
  Slack honours a response URL for 30 minutes, so nothing is tried after that (less a margin for the
  request in flight).
- ``("slack", "post")``: ``chat.postMessage`` to a channel and thread, with the token of the workspace the
  request came from (looked up when sending; tokens are never stored with a delivery); a scheduled post goes
  to the channel itself, with the token of the workspace it was scheduled in.
- ``("slack", "ephemeral")``: ``chat.postEphemeral`` to the asker alone, in the channel and thread they asked
  in: a reply only they may see (``SlackMessage.for_asker``: their scores) to a mention in a channel. Slack
  shows it only until they reload, so it is not worth sending once they have long stopped waiting for it.

The payload is the rendered answer only: never the text of the message it answers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from bot.delivery import NewDelivery
from bot.render.slack import SlackMessage
from bot.slack.inbound import Inbound, asker_in_channel
from bot.slack.transport import EPHEMERAL, POST, RESPOND, SLACK

__all__ = [
    "EPHEMERAL_VALIDITY",
    "POST_VALIDITY",
    "RESPONSE_URL_VALIDITY",
    "Workspace",
    "channel_delivery",
    "ephemeral_delivery",
    "post_delivery",
    "reply_delivery",
    "respond_delivery",
    "workspace_of",
]

RESPONSE_URL_VALIDITY = timedelta(minutes=30) - timedelta(seconds=30)
# A threaded answer is still useful later, but not once the conversation has long moved on.
POST_VALIDITY = timedelta(hours=1)
# Seen only by someone waiting for it, and gone when they reload: as short-lived as a command's answer.
EPHEMERAL_VALIDITY = timedelta(minutes=30)

Workspace = Mapping[str, Any]
"""``team_id``, ``enterprise_id`` and ``is_enterprise_install`` of the request: whose bot token posts."""


def workspace_of(context: AsyncBoltContext) -> Workspace:
    """The workspace Bolt authorised the request for."""
    return {
        "team_id": context.team_id,
        "enterprise_id": context.enterprise_id,
        "is_enterprise_install": bool(context.is_enterprise_install),
    }


def respond_delivery(
    response_url: str,
    message: SlackMessage,
    *,
    received_at: datetime,
    response_type: str | None = "ephemeral",
    replace_original: bool = False,
) -> NewDelivery:
    """``message`` for ``response_url``, as ``respond(text=, blocks=, response_type=, replace_original=)``; a message
    for everyone in the channel goes ``in_channel`` whatever ``response_type`` says."""
    payload = {**_content(message), "replace_original": replace_original}
    if message.in_channel:
        response_type = "in_channel"
    if response_type is not None:
        payload["response_type"] = response_type
    return NewDelivery(
        surface=SLACK,
        kind=RESPOND,
        target={"response_url": response_url},
        payload=payload,
        not_after=received_at + RESPONSE_URL_VALIDITY,
    )


def post_delivery(
    inbound: Inbound, message: SlackMessage, *, workspace: Workspace, received_at: datetime
) -> NewDelivery:
    """``message`` posted in ``inbound``'s channel and thread, links and media not unfurled."""
    return _post(inbound.channel, inbound.thread_ts, message, workspace=workspace, received_at=received_at)


def reply_delivery(
    inbound: Inbound, message: SlackMessage, *, workspace: Workspace, received_at: datetime
) -> NewDelivery:
    """``message`` in ``inbound``'s channel and thread: to the asker alone when it is for them and they asked in a
    channel, else posted (a DM is the asker's own)."""
    user = asker_in_channel(inbound) if message.for_asker else None
    if user is not None:
        return ephemeral_delivery(inbound, user, message, workspace=workspace, received_at=received_at)
    return post_delivery(inbound, message, workspace=workspace, received_at=received_at)


def ephemeral_delivery(
    inbound: Inbound, user: str, message: SlackMessage, *, workspace: Workspace, received_at: datetime
) -> NewDelivery:
    """``message`` shown to ``user`` alone in ``inbound``'s channel and thread."""
    target = {**_target(inbound.channel, inbound.thread_ts, workspace), "user": user}
    return NewDelivery(
        surface=SLACK,
        kind=EPHEMERAL,
        target=target,
        payload=_content(message),
        not_after=received_at + EPHEMERAL_VALIDITY,
    )


def channel_delivery(address: Workspace, message: SlackMessage, *, received_at: datetime) -> NewDelivery | None:
    """``message`` posted in the channel ``address`` names (``channel``, with the ``team_id``, ``enterprise_id``
    and ``is_enterprise_install`` of its workspace), outside any thread; ``None`` if it names no channel."""
    channel = address.get("channel")
    if not isinstance(channel, str) or not channel:
        return None
    return _post(channel, None, message, workspace=address, received_at=received_at)


def _post(
    channel: str, thread_ts: str | None, message: SlackMessage, *, workspace: Workspace, received_at: datetime
) -> NewDelivery:
    target = _target(channel, thread_ts, workspace)
    payload = {**_content(message), "unfurl_links": False, "unfurl_media": False}
    return NewDelivery(surface=SLACK, kind=POST, target=target, payload=payload, not_after=received_at + POST_VALIDITY)


def _target(channel: str, thread_ts: str | None, workspace: Workspace) -> dict[str, Any]:
    """The channel and thread, and what finds the bot token of ``workspace``."""
    target: dict[str, Any] = {
        "channel": channel,
        "team_id": workspace.get("team_id"),
        "enterprise_id": workspace.get("enterprise_id"),
        "is_enterprise_install": bool(workspace.get("is_enterprise_install")),
    }
    if thread_ts:
        target["thread_ts"] = thread_ts
    return target


def _content(message: SlackMessage) -> dict[str, Any]:
    """The fallback text, and the blocks if there are any (a plain-text message has none)."""
    blocks = message.block_dicts()
    return {"text": message.text, "blocks": blocks} if blocks else {"text": message.text}
