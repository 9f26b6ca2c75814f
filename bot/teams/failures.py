"""A failure inside a turn, caught once in the adapter's ``on_turn_error``: logged by type with an error id, and
the person told "something went wrong" with that id, through the outbox. Never a stack trace, never the text."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable

from botbuilder.core import TurnContext
from botbuilder.schema import ActivityTypes

from bot.errors import StoreUnavailable
from bot.teams.answering import TeamsAnswering
from bot.teams.deliveries import reply_delivery
from bot.teams.inbound import reply_target, request_key

__all__ = ["TurnErrorHandler", "failure_reporter"]

log = logging.getLogger("herbot.teams")

TurnErrorHandler = Callable[[TurnContext, Exception], Awaitable[None]]


def failure_reporter(answering: TeamsAnswering) -> TurnErrorHandler:
    """The adapter's ``on_turn_error``: log the failure, and answer a message with an apology."""

    async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
        activity = turn_context.activity
        error_id = uuid.uuid4().hex[:8]
        log.error("teams turn failed error_id=%s activity=%s error=%s", error_id, activity.type, type(error).__name__)
        if activity.type != ActivityTypes.message or not activity.service_url:
            return
        apology = reply_delivery(
            reply_target(activity), answering.renderer.failure(error_id), received_at=answering.now()
        )
        try:
            # Under the activity's own key: if its answer was recorded before the failure, that answer stands.
            await answering.record_only(request_key(activity), [apology])
        except (StoreUnavailable, ValueError):
            log.error("teams apology not recorded error_id=%s", error_id)

    return on_turn_error
