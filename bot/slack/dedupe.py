"""Answer each Slack event once: Slack retries (and replicas) share processed event ids in the store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.errors import StoreUnavailable
from bot.store import Store

__all__ = ["AnswerEventsOnce", "event_id"]

log = logging.getLogger("herbot.slack")


def event_id(body: dict) -> str | None:
    """The id of an Events API delivery, or ``None`` for commands and actions (Slack never retries those)."""
    if body.get("type") != "event_callback":
        return None
    value = body.get("event_id")
    return str(value) if value else None


class AnswerEventsOnce(AsyncMiddleware):
    """Acknowledges an event already claimed (a retry, or another replica's) without answering it again."""

    def __init__(self, store: Store) -> None:
        self._store = store

    async def async_process(
        self, *, req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        identifier = event_id(req.body)
        if identifier is None:
            return await next()
        try:
            first = await asyncio.to_thread(self._store.claim_event, f"slack:{identifier}")
        except StoreUnavailable:
            log.warning("store unavailable: answering event without the duplicate check")
            first = True
        return await next() if first else BoltResponse(status=200, body="")
