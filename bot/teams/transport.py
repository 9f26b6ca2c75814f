"""Deliver a recorded Teams answer: one POST to the Bot Connector at the activity's service URL.

``("teams", "reply")`` answers an activity (``/v3/conversations/{id}/activities/{replyToId}``);
``("teams", "post")`` starts a new message in a conversation (``/v3/conversations/{id}/activities``): a
welcome now, proactive lesson posts later. The Connector's answers are translated here, at one seam::

    delivered            2xx
    RetryableDelivery    429 (with its Retry-After), 5xx, 401 (a token not yet valid there), a timeout, a
                         dropped connection, Entra ID out of reach
    PermanentDelivery    anything else: 403 (the bot was removed: ``BotNotInConversationRoster``), 404
                         (``ConversationNotFound``), 400, a refused app secret

The request is made with aiohttp, not botbuilder's ``ConnectorClient``: that client retries 5xx itself
(msrest's retry policy, three times) under the outbox's own retries, which could post an answer twice.
Activities and cards are still botbuilder's models (``bot.teams.deliveries``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from bot.delivery import PermanentDelivery, RetryableDelivery
from bot.posting import JsonPoster, is_http_url, raise_if_retryable, retry_after
from bot.teams.tokens import BotTokens

__all__ = ["POST", "REPLY", "TEAMS", "ConnectorTransport"]

TEAMS = "teams"
REPLY = "reply"
POST = "post"
_ERROR_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


class ConnectorTransport:
    """Sends activities to the Bot Connector named by each delivery's target."""

    def __init__(self, poster: JsonPoster, tokens: BotTokens) -> None:
        self._poster = poster
        self._tokens = tokens

    async def send(self, target: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        url = activities_url(target)
        activity = {
            **payload,
            "conversation": {"id": target["conversation_id"]},
            "from": {"id": target.get("bot_id")},
        }
        if target.get("user_id"):
            activity["recipient"] = {"id": target["user_id"]}
        if target.get("reply_to_id"):
            activity["replyToId"] = target["reply_to_id"]
        status, headers, body = await self._poster.post_json(url, activity, await self._tokens.headers())
        if 200 <= status < 300:
            return
        raise_if_retryable(status, headers)
        if status == 401:
            raise RetryableDelivery(retry_after=retry_after(headers))
        raise PermanentDelivery(reason=_error_code(body, status))


def activities_url(target: Mapping[str, Any]) -> str:
    """The Connector's URL for a reply (with ``reply_to_id``) or a new message in the conversation.

    >>> activities_url({"service_url": "https://smba.example/amer/", "conversation_id": "19:a@thread.tacv2;messageid=1",
    ...                 "reply_to_id": "1"})
    'https://smba.example/amer/v3/conversations/19%3Aa%40thread.tacv2%3Bmessageid%3D1/activities/1'
    """
    service_url = target.get("service_url")
    conversation = target.get("conversation_id")
    if not is_http_url(service_url) or not conversation:
        raise PermanentDelivery(reason="no_service_url")
    url = f"{service_url.rstrip('/')}/v3/conversations/{quote(str(conversation), safe='')}/activities"
    reply_to = target.get("reply_to_id")
    return f"{url}/{quote(str(reply_to), safe='')}" if reply_to else url


def _error_code(body: str, status: int) -> str:
    """The Connector's error code (``ConversationNotFound``), or ``http_<status>``."""
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    error = answer.get("error") if isinstance(answer, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return code if isinstance(code, str) and _ERROR_CODE.fullmatch(code) else f"http_{status}"
