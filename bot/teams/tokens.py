"""The bearer token a reply to the Bot Connector carries: botbuilder's credentials, from herbot's settings.

Without credentials (the Emulator, tests) a reply carries no token. With them, botbuilder's MSAL-backed
credentials fetch and cache a token from Microsoft Entra ID; that call blocks, so it runs on a thread.
"""

from __future__ import annotations

import asyncio
import re

from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
from botframework.connector.auth import AppCredentials, AuthenticationConstants

from bot.delivery import PermanentDelivery, RetryableDelivery
from bot.teams.auth import BotConfiguration

__all__ = ["REFUSALS", "BotTokens", "token_failure"]


# Entra ID's OAuth errors that no retry changes: the app's id, secret, tenant or scope is wrong.
REFUSALS = frozenset({"invalid_client", "unauthorized_client", "invalid_request", "invalid_scope", "invalid_grant"})
_ERROR = re.compile(r"error: ([a-z_]+)")


def token_failure(message: str) -> PermanentDelivery | RetryableDelivery:
    """What botbuilder's ``PermissionError`` for a token Entra ID did not give means for the delivery.

    >>> token_failure("Failed to get access token with error: invalid_client, error_description: AADSTS7000215")
    PermanentDelivery('delivery refused: token_invalid_client')
    >>> token_failure("Failed to get access token with error: temporarily_unavailable, error_description: busy")
    RetryableDelivery('retry later')
    """
    found = _ERROR.search(message)
    code = found.group(1) if found else None
    if code in REFUSALS:
        return PermanentDelivery(reason=f"token_{code}")
    return RetryableDelivery(retry_after=None)


class BotTokens:
    """Authorization headers for replies, one credentials object (and token cache) per process."""

    def __init__(self, configuration: BotConfiguration) -> None:
        self._app_id = configuration.APP_ID
        self._factory = ConfigurationServiceClientCredentialFactory(configuration)
        self._credentials: AppCredentials | None = None

    async def headers(self) -> dict[str, str]:
        """``{"Authorization": "Bearer …"}``, or nothing without credentials."""
        if not self._app_id:
            return {}
        credentials = await self._credentials_for_channels()
        try:
            token = await asyncio.to_thread(credentials.get_access_token)
        except PermissionError as refused:
            raise token_failure(str(refused)) from None
        except Exception:  # the token endpoint could not be reached: try again later
            raise RetryableDelivery(retry_after=None) from None
        return {"Authorization": f"Bearer {token}"}

    async def _credentials_for_channels(self) -> AppCredentials:
        if self._credentials is None:
            self._credentials = await self._factory.create_credentials(
                self._app_id,
                AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
                AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
                True,
            )
        return self._credentials
