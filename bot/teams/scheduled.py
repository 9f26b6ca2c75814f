"""Post a channel's scheduled lesson or quiz on Teams: a proactive message to the stored conversation reference.

The education scheduler claims the due slot and calls the poster with the channel's address
(``{"reference_key": ...}``, as ``bot.teams.inbound.place_of`` made it); the poster looks the conversation
reference up (Teams keeps it current from every message, ``bot.teams.references``) and returns the
``("teams", "post")`` delivery the scheduler writes to the outbox with the slot. The card names who set the
schedule, as "a member of this channel": herbot knows people by id only.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.delivery import NewDelivery
from bot.education.scheduler import ScheduledPoster
from bot.store import Store
from bot.store.education import ScheduleRecord
from bot.teams.answering import TeamsAnswering
from bot.teams.deliveries import post_delivery
from bot.teams.inbound import ReplyTarget
from intents.education_replies import EducationReply

__all__ = ["scheduled_poster", "target_of"]

log = logging.getLogger("herbot.teams")


def scheduled_poster(answering: TeamsAnswering, store: Store) -> ScheduledPoster:
    """The Teams poster: ``reply`` as a new message in the schedule's chat or channel, naming who set it."""

    def post(reply: EducationReply, schedule: ScheduleRecord, address: Mapping[str, Any]) -> Sequence[NewDelivery]:
        key = address.get("reference_key")
        reference = store.load_reference(key) if isinstance(key, str) else None
        target = target_of(reference.reference) if reference is not None else None
        if target is None:
            log.warning("scheduled post has no conversation reference schedule=%d", schedule.id)
            return []
        message = answering.render_education(replace(reply, by=schedule.set_by))
        return [post_delivery(target, message, received_at=answering.now())]

    return post


def target_of(reference: Mapping[str, Any]) -> ReplyTarget | None:
    """Where a new message in a remembered conversation goes (``None``: the reference lacks the Connector's address).

    >>> target_of({"service_url": "https://smba.example/", "conversation_id": "19:a@thread.tacv2", "bot_id": "28:b"})
    ReplyTarget(service_url='https://smba.example/', conversation_id='19:a@thread.tacv2', reply_to_id=None, \
bot_id='28:b', user_id=None)
    """
    service_url, conversation, bot = (reference.get(name) for name in ("service_url", "conversation_id", "bot_id"))
    if not all(isinstance(value, str) and value for value in (service_url, conversation)):
        return None
    user = reference.get("user_id")
    return ReplyTarget(
        service_url=str(service_url),
        conversation_id=str(conversation),
        reply_to_id=None,
        bot_id=str(bot or ""),
        user_id=str(user) if isinstance(user, str) else None,
    )
