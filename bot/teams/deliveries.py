"""Teams answers as outbox deliveries: botbuilder's activity, with an Adaptive Card attachment, and where it goes.

The payload is the rendered answer only (a message activity serialised by botbuilder's schema), never the
text of the message it answers; the target holds ids and the service URL (``ReplyTarget``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity

from bot.delivery import NewDelivery
from bot.render.teams import TeamsMessage
from bot.teams.inbound import ReplyTarget
from bot.teams.transport import POST, REPLY, TEAMS

__all__ = ["REPLY_VALIDITY", "post_delivery", "reply_delivery", "teams_activity"]

# An answer is still useful a while later, but not once the conversation has long moved on.
REPLY_VALIDITY = timedelta(hours=1)


def teams_activity(message: TeamsMessage) -> dict[str, Any]:
    """``message`` as a Bot Framework message activity: the card as an attachment, the text as its summary."""
    activity: Activity
    if message.card is None:
        activity = MessageFactory.text(message.text)
    else:
        activity = MessageFactory.attachment(CardFactory.adaptive_card(message.card))
        activity.summary = message.text
    activity.text_format = "plain"
    return activity.serialize()


def reply_delivery(target: ReplyTarget, message: TeamsMessage, *, received_at: datetime) -> NewDelivery:
    """``message`` as a reply to the activity ``target`` names."""
    return NewDelivery(TEAMS, REPLY, target.as_target(), teams_activity(message), received_at + REPLY_VALIDITY)


def post_delivery(target: ReplyTarget, message: TeamsMessage, *, received_at: datetime) -> NewDelivery:
    """``message`` as a new message in ``target``'s conversation (not a reply to any activity)."""
    new_message = ReplyTarget(target.service_url, target.conversation_id, None, target.bot_id, None)
    return NewDelivery(TEAMS, POST, new_message.as_target(), teams_activity(message), received_at + REPLY_VALIDITY)
