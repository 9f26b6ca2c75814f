"""Check a request's Bot Framework token with botbuilder, without ever stalling the server.

botbuilder's ``authenticate_request`` fetches Bot Framework's signing keys (on the first request, then about
daily) with a blocking ``requests.get`` that has no timeout, inside whatever event loop awaits it. With a
Bot Framework app configured, the check therefore runs on threads of its own, each in a fresh loop, and is
given ``timeout_s``: a slow key endpoint delays only the requests waiting for it, never ``/healthz``, Slack
or the sender. Without an app there is nothing to fetch, and the check runs in place.

    accepted     botbuilder's ``AuthenticateRequestResult``, for ``process_activity``
    Refusal 401  anything botbuilder raised about the token (missing, malformed, wrong key, audience, expiry)
    Refusal 503  the signing keys could not be fetched in time: the Connector retries, nothing is answered
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging

import requests
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication

from bot.teams.refusal import Refusal

__all__ = ["CHECK_TIMEOUT_S", "TokenCheck"]

log = logging.getLogger("herbot.teams")

CHECK_TIMEOUT_S = 10.0
# A check is CPU work of a millisecond once the keys are cached; two threads keep a key fetch from queueing them.
_CHECK_THREADS = 2


class TokenCheck:
    """botbuilder's token check for each request, on threads when it may fetch keys (``off_loop``)."""

    def __init__(
        self, authentication: BotFrameworkAuthentication, *, off_loop: bool, timeout_s: float = CHECK_TIMEOUT_S
    ) -> None:
        self._authentication = authentication
        self._timeout_s = timeout_s
        self._threads = (
            concurrent.futures.ThreadPoolExecutor(_CHECK_THREADS, thread_name_prefix="herbot-teams-token")
            if off_loop
            else None
        )

    async def check(self, activity: Activity, header: str | None) -> AuthenticateRequestResult | Refusal:
        """The checked identity behind ``activity``, or why the request is refused."""
        try:
            if self._threads is None:
                return await self._authentication.authenticate_request(activity, header)
            loop = asyncio.get_running_loop()
            checking = loop.run_in_executor(self._threads, self._check_in_own_loop, activity, header)
            return await asyncio.wait_for(checking, self._timeout_s)
        except (TimeoutError, requests.RequestException) as error:
            log.warning("teams request refused status=503 reason=keys unavailable error=%s", type(error).__name__)
            return Refusal(503, "signing keys unavailable")
        except Exception as error:
            log.info("teams request refused status=401 reason=unauthorized error=%s", type(error).__name__)
            return Refusal(401, "unauthorized")

    def close(self) -> None:
        """Stop the checking threads (a check still fetching keys finishes on its own)."""
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)

    def _check_in_own_loop(self, activity: Activity, header: str | None) -> AuthenticateRequestResult:
        return asyncio.run(self._authentication.authenticate_request(activity, header))
