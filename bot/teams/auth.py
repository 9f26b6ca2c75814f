"""Who may call ``/api/messages``: botbuilder's Bot Framework authentication, built from herbot's settings.

With ``MicrosoftAppId`` set (and its ``MicrosoftAppPassword``, unless the app is a managed identity), botbuilder
validates every request's JWT (issuer, audience, signing key and its endorsements, expiry, the service URL claim)
and a request without a valid one gets 401. Without credentials botbuilder accepts any request, so herbot serves
Teams that way only on a loopback address (the Bot Framework Emulator, tests), refuses there any request a
proxy forwarded, and leaves the route off anywhere else.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, replace

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import CallerIdConstants
from botframework.connector.auth import AuthenticationConstants

from bot.errors import InvalidSetting
from bot.settings import Settings

__all__ = [
    "BotConfiguration",
    "check_credentials",
    "configuration_of",
    "create_authentication",
    "has_credentials",
    "is_loopback",
    "teams_off_reason",
]


@dataclass(frozen=True, slots=True)
class BotConfiguration:
    """The configuration object botbuilder reads by attribute name."""

    APP_ID: str
    APP_PASSWORD: str
    APP_TYPE: str
    APP_TENANTID: str | None
    # The public cloud's endpoints, named only when one of them is moved (the signing keys, for tests): botbuilder
    # then takes every one of them from here and none from its defaults.
    TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL: str | None = None
    TO_BOT_FROM_CHANNEL_TOKEN_ISSUER: str | None = None
    TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL: str | None = None
    TO_CHANNEL_FROM_BOT_LOGIN_URL: str | None = None
    TO_CHANNEL_FROM_BOT_OAUTH_SCOPE: str | None = None
    OAUTH_URL: str | None = None
    CALLER_ID: str | None = None


def has_credentials(settings: Settings) -> bool:
    """Whether a Bot Framework app is configured (botbuilder then validates every request's token)."""
    return bool(settings.microsoft_app_id)


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens for this machine.

    >>> [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "10.0.0.5", "herbot.example")]
    [True, True, True, False, False, False]
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def teams_off_reason(settings: Settings) -> str | None:
    """Why ``/api/messages`` stays off (``None``: it is served)."""
    if has_credentials(settings) or is_loopback(settings.host):
        return None
    return (
        f"no credentials on a non-loopback address ({settings.host}): "
        "set MicrosoftAppId and MicrosoftAppPassword, or listen on 127.0.0.1"
    )


def configuration_of(settings: Settings) -> BotConfiguration:
    """botbuilder's configuration from herbot's settings."""
    configuration = BotConfiguration(
        APP_ID=settings.microsoft_app_id or "",
        APP_PASSWORD=settings.microsoft_app_password or "",
        APP_TYPE=settings.microsoft_app_type or "MultiTenant",
        APP_TENANTID=settings.microsoft_app_tenant_id,
    )
    if not settings.teams_openid_metadata_url:
        return configuration
    return replace(
        configuration,
        TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL=settings.teams_openid_metadata_url,
        TO_BOT_FROM_CHANNEL_TOKEN_ISSUER=AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
        TO_CHANNEL_FROM_BOT_LOGIN_URL=AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL,
        TO_CHANNEL_FROM_BOT_OAUTH_SCOPE=AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        OAUTH_URL=AuthenticationConstants.OAUTH_URL,
        CALLER_ID=CallerIdConstants.public_azure_channel,
    )


def create_authentication(settings: Settings) -> ConfigurationBotFrameworkAuthentication:
    """botbuilder's authentication for ``settings``: validating JWTs when credentials are set.

    Raises ``InvalidSetting`` for credentials botbuilder cannot use (an app id without its secret, a secret
    without its app), rather than botbuilder's bare exception at start-up or a 401 for every request.
    """
    check_credentials(settings)
    return ConfigurationBotFrameworkAuthentication(configuration_of(settings))


def check_credentials(settings: Settings) -> None:
    """``InvalidSetting`` unless the app id and its secret come together (a managed identity has no secret)."""
    app_id, password = settings.microsoft_app_id, settings.microsoft_app_password
    if password and not app_id:
        raise InvalidSetting(name="MicrosoftAppId", value="(unset)", allowed="the app id the password belongs to")
    if app_id and not password and settings.microsoft_app_type != "UserAssignedMSI":
        raise InvalidSetting(name="MicrosoftAppPassword", value="(unset)", allowed="the client secret of the app")
