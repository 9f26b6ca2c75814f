"""POST a delivery's JSON to a platform over one aiohttp session, and read what the platform said about retrying.

Shared by the surfaces' transports (Slack's Web API and response URLs, Teams' Bot Connector). A timeout or
a dropped connection is ``RetryableDelivery``; so are 429 (with the platform's Retry-After) and 5xx, through
``raise_if_retryable``. What any other status means is each platform's own business.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp

from bot.delivery import RetryableDelivery

__all__ = ["DEFAULT_TIMEOUT_S", "JsonPoster", "is_http_url", "raise_if_retryable", "retry_after"]

DEFAULT_TIMEOUT_S = 10.0
# A Retry-After past this is not a wait but a refusal; the retry policy's own back-off applies instead.
_MAX_RETRY_AFTER_S = 3600


class JsonPoster:
    """One aiohttp session for every delivery, opened in the running loop on first use."""

    def __init__(self, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: aiohttp.ClientSession | None = None

    def session(self) -> aiohttp.ClientSession:
        """The session, opened (again) if it is not open."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def close(self) -> None:
        """Close the session; the next post opens another."""
        if self._session is not None:
            await self._session.close()

    async def post_json(
        self, url: str, payload: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> tuple[int, Mapping[str, str], str]:
        """POST ``payload`` as JSON; the status, headers and body text. A timeout or a dropped connection is
        retryable."""
        try:
            async with self.session().post(url, json=dict(payload), headers=dict(headers or {})) as response:
                return response.status, response.headers, await response.text(errors="replace")
        except TimeoutError:
            raise RetryableDelivery(retry_after=None) from None
        except aiohttp.ClientError:
            raise RetryableDelivery(retry_after=None) from None


def is_http_url(value: object) -> bool:
    """Whether ``value`` is an http(s) URL a delivery may be posted to.

    >>> is_http_url("https://smba.example/amer/"), is_http_url("javascript:alert(1)"), is_http_url(None)
    (True, False, False)
    """
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def raise_if_retryable(status: int, headers: Mapping[str, str]) -> None:
    """429 and 5xx are worth another try (after the platform's Retry-After, if it gave one)."""
    if status == 429 or status >= 500:
        raise RetryableDelivery(retry_after=retry_after(headers))


def retry_after(headers: Mapping[str, str]) -> float | None:
    """The Retry-After header in seconds, if it is a plausible number of them.

    >>> retry_after({"Retry-After": "3"}), retry_after({"Retry-After": "soon"}), retry_after({})
    (3.0, None, None)
    """
    value = headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds < _MAX_RETRY_AFTER_S else None
