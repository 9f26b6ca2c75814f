"""Deliver a recorded Slack answer: a post to a response URL (what Bolt's ``respond()`` does), ``chat.postMessage``,
or ``chat.postEphemeral`` (seen by one person only).

Each send is one HTTP request; whether and when to try again is the retry policy's business. Slack's answers
are translated here, at one seam::

    delivered            HTTP 200 (and ``ok: true`` from the Web API)
    RetryableDelivery    429 (with its Retry-After), 5xx, Slack's own transient errors, a timeout, a dropped
                         connection
    PermanentDelivery    anything else: ``not_in_channel``, ``channel_not_found``, ``user_not_in_channel``,
                         ``token_revoked``, ``account_inactive``, a response URL past its 30 minutes or five uses (404
                         ``expired_url`` / ``used_url``), a message Slack will never take

The requests are made with aiohttp directly, not slack_sdk's clients: those log request payloads at DEBUG
and bring their own retries, and here neither may happen. A failure's reason is Slack's short error code,
never anything from the payload.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.delivery import PermanentDelivery, RetryableDelivery
from bot.posting import JsonPoster, is_http_url, raise_if_retryable, retry_after

__all__ = [
    "EPHEMERAL",
    "POST",
    "RESPOND",
    "SLACK",
    "EphemeralTransport",
    "PostMessageTransport",
    "ResponseUrlTransport",
    "TokenLookup",
]

SLACK = "slack"
RESPOND = "respond"
POST = "post"
EPHEMERAL = "ephemeral"
# Slack's Web API errors that say "try again later" rather than "never".
TRANSIENT_API_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")

TokenLookup = Callable[[Mapping[str, Any]], Awaitable[str | None]]
"""The bot token for a delivery's target (its team, enterprise), or ``None`` if herbot is not installed there."""


class ResponseUrlTransport:
    """``("slack", "respond")``: the payload posted to ``target["response_url"]``, as Bolt's ``respond()`` posts it."""

    def __init__(self, http: JsonPoster) -> None:
        self._http = http

    async def send(self, target: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        url = target.get("response_url")
        if not is_http_url(url):
            raise PermanentDelivery(reason="no_response_url")
        status, headers, body = await self._http.post_json(url, payload)
        if status == 200:
            return
        raise_if_retryable(status, headers)
        raise PermanentDelivery(reason=_error_code(body.strip(), status))


class _WebApiTransport:
    """One Web API ``method`` called with the bot token of the target's workspace, its answer translated once."""

    method = ""

    def __init__(self, http: JsonPoster, *, api_url: str, token_for: TokenLookup) -> None:
        self._http = http
        self._url = f"{api_url.rstrip('/')}/{self.method}"
        self._token_for = token_for

    async def send(self, target: Mapping[str, Any], payload: Mapping[str, Any]) -> None:
        message = {**payload, **self._addressed_to(target)}
        token = await self._token_for(target)
        if not token:
            raise PermanentDelivery(reason="not_installed")
        headers = {"Authorization": f"Bearer {token}"}
        status, response_headers, body = await self._http.post_json(self._url, message, headers)
        raise_if_retryable(status, response_headers)
        error = _api_error(body)
        if error is None:
            return
        if error in TRANSIENT_API_ERRORS:
            raise RetryableDelivery(retry_after=retry_after(response_headers))
        raise PermanentDelivery(reason=error)

    def _addressed_to(self, target: Mapping[str, Any]) -> dict[str, Any]:
        """The arguments that say where the message goes: the channel, and the thread if there is one."""
        where = {"channel": target.get("channel")}
        if target.get("thread_ts"):
            where["thread_ts"] = target["thread_ts"]
        return where


class PostMessageTransport(_WebApiTransport):
    """``("slack", "post")``: ``chat.postMessage`` to ``target["channel"]`` (and ``thread_ts``), with the bot
    token of the target's workspace."""

    method = "chat.postMessage"


class EphemeralTransport(_WebApiTransport):
    """``("slack", "ephemeral")``: ``chat.postEphemeral`` to ``target["user"]`` alone, in ``target["channel"]``
    (and ``thread_ts``), with the bot token of the target's workspace. Without a user it is refused, never
    posted for everyone."""

    method = "chat.postEphemeral"

    def _addressed_to(self, target: Mapping[str, Any]) -> dict[str, Any]:
        user = target.get("user")
        if not isinstance(user, str) or not user:
            raise PermanentDelivery(reason="no_user")
        return {**super()._addressed_to(target), "user": user}


def _api_error(body: str) -> str | None:
    """``None`` for a Web API answer with ``ok: true``; else Slack's error code."""
    try:
        answer = json.loads(body)
    except ValueError:
        return "invalid_response"
    if not isinstance(answer, dict):
        return "invalid_response"
    if answer.get("ok") is True:
        return None
    return _error_code(str(answer.get("error") or ""), 200)


def _error_code(text: str, status: int) -> str:
    """Slack's short error code (``expired_url``), or ``http_<status>`` for anything that does not look like one."""
    return text if _ERROR_CODE.fullmatch(text) else f"http_{status}"
