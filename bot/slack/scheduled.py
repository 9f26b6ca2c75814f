"""Scheduled lessons and quizzes on Slack: the scheduler's post, as a ``chat.postMessage`` to the channel.

The scheduler (``bot.education.scheduler``) claims a due schedule and asks each surface for the deliveries
that carry its post; it writes them to the outbox with the schedule's next slot, so the sender posts each
slot once. The post names who set the schedule, and goes out with the bot token of the workspace it was set
in (the channel's stored address).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.delivery import NewDelivery
from bot.slack.answering import SlackAnswering
from bot.slack.deliveries import channel_delivery

if TYPE_CHECKING:
    from bot.education.scheduler import ScheduledPoster
    from bot.store.education import ScheduleRecord
    from intents.education_replies import EducationReply

__all__ = ["scheduled_poster"]

log = logging.getLogger("herbot.slack")


def scheduled_poster(answering: SlackAnswering) -> ScheduledPoster:
    """The Slack poster the scheduler calls with a due post, its schedule and the channel's address."""

    def post(reply: EducationReply, schedule: ScheduleRecord, address: Mapping[str, Any]) -> list[NewDelivery]:
        message = answering.render_scheduled(reply, schedule.set_by)
        delivery = channel_delivery(address, message, received_at=answering.now())
        if delivery is None:
            log.warning("scheduled post has no channel surface=slack schedule=%d", schedule.id)
            return []
        return [delivery]

    return post
