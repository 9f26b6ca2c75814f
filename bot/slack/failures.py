"""What happens when a listener fails unexpectedly: Bolt's global error handler, once per failure.

It logs the exception's type and where it was raised under a short error id (never its message, which can
quote the message being answered), records an apology carrying that id as the request's answer, and acks.
The apology goes where the answer would have gone (privately through the response URL for commands and
buttons, in the thread for events) and through the outbox like any answer, so Slack's retries of the
event are not apologised for again, and a request whose answer was already recorded gets no apology.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.response import BoltResponse

from bot.delivery import NewDelivery
from bot.render.slack import SlackMessage
from bot.slack.answering import SlackAnswering
from bot.slack.deliveries import post_delivery, respond_delivery, workspace_of
from bot.slack.inbound import reply_target, request_key

__all__ = ["APOLOGY", "failure_reporter"]

log = logging.getLogger("herbot.slack")

APOLOGY = (
    "Sorry, something went wrong answering that (error id {error_id}). "
    "Please try again; if it keeps happening, give this id to your admin."
)

ErrorHandler = Callable[..., Awaitable[BoltResponse]]


def failure_reporter(answering: SlackAnswering) -> ErrorHandler:
    """Bolt's global error handler over ``answering``'s inbox and outbox."""

    async def report_failure(error: Exception, body: dict[str, Any], context: AsyncBoltContext) -> BoltResponse:
        error_id = uuid.uuid4().hex[:8]
        log.error(
            "slack listener failed error_id=%s error=%s where=%s", error_id, type(error).__name__, _raised_at(error)
        )
        key = request_key(body)
        apology = SlackMessage(text=APOLOGY.format(error_id=error_id), blocks=())
        deliveries = _apology_deliveries(body, apology, context, answering)
        if key is not None and deliveries:
            try:
                await answering.record_only(key, deliveries)
            except ValueError:  # a key the inbox cannot hold: the request was malformed, nothing to record
                log.warning("slack apology not recorded error_id=%s", error_id)
        # Acked either way: Slack retrying a request that fails on a bug would only fail it again.
        return BoltResponse(status=200, body="")

    return report_failure


def _apology_deliveries(
    body: Mapping[str, Any], apology: SlackMessage, context: AsyncBoltContext, answering: SlackAnswering
) -> list[NewDelivery]:
    """Commands and buttons: privately, through their response URL; events: where herbot answers that event."""
    now = answering.now()
    if body.get("command") or body.get("type") == "block_actions":
        url = body.get("response_url")
        return [respond_delivery(url, apology, received_at=now)] if isinstance(url, str) and url else []
    target = reply_target(body, context.bot_user_id) if body.get("type") == "event_callback" else None
    if target is None:
        return []
    return [post_delivery(target, apology, workspace=workspace_of(context), received_at=now)]


def _raised_at(error: BaseException) -> str:
    """``file.py:line`` of the innermost frame of ``error``'s traceback, or ``-``."""
    frame = error.__traceback__
    if frame is None:
        return "-"
    while frame.tb_next is not None:
        frame = frame.tb_next
    return f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}"
