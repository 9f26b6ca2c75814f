"""The bearer token a reply to the Bot Connector carries: botbuilder's credentials, from herbot's settings.

Without credentials (the Emulator, tests) a reply carries no token. With them, botbuilder's MSAL-backed
credentials fetch and cache a token from Microsoft Entra ID; that call blocks, so it runs on a thread.
"""

from __future__ import annotations

import asyncio

from botbuilder.integration.aiohttp import ConfigurationServiceClientCredentialFactory
from botframework.connector.auth import AppCredentials, AuthenticationConstants

from bot.delivery import PermanentDelivery, RetryableDelivery
from bot.teams.auth import BotConfiguration

__all__ = ["BotTokens"]


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
        except PermissionError:
            # Entra ID refused the app's id or secret: no retry will change that.
            raise PermanentDelivery(reason="token_refused") from None
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
