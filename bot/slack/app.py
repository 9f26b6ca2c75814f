"""The Slack app: an async Bolt app over one bot token, or over OAuth installs kept in the store's database.

Anything a listener did not expect ends in Bolt's global error handler (``report_failure``), once:
it logs the exception type under a short error id and tells the person who asked, in place.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltContext, AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.services import Services
from bot.settings import Settings
from bot.slack.dedupe import AnswerEventsOnce
from bot.slack.inbound import reply_target
from bot.slack.listeners import register_listeners

__all__ = ["APOLOGY", "BOT_SCOPES", "SlackApp", "create_slack_app", "report_failure", "slack_enabled"]

log = logging.getLogger("herbot.slack")

# channels:history and groups:history let Slack send the edit of a channel message that mentioned herbot.
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "groups:history",
    "im:history",
    "im:read",
    "im:write",
)
STATE_EXPIRATION_SECONDS = 600
APOLOGY = (
    "Sorry, something went wrong answering that (error id {error_id}). "
    "Please try again; if it keeps happening, give this id to your admin."
)


class SlackApp:
    """The Bolt app and the async engine its OAuth stores use (``None`` with a single bot token)."""

    def __init__(self, bolt: AsyncApp, oauth_engine: AsyncEngine | None) -> None:
        self.bolt = bolt
        self.oauth_engine = oauth_engine

    async def prepare(self) -> None:
        """Create the installation and state tables when installing through OAuth."""
        flow = self.bolt.oauth_flow
        if flow is None:
            return
        await flow.settings.installation_store.create_tables()  # type: ignore[attr-defined]
        await flow.settings.state_store.create_tables()  # type: ignore[attr-defined]

    async def close(self) -> None:
        if self.oauth_engine is not None:
            await self.oauth_engine.dispose()


def slack_enabled(settings: Settings, *, socket_mode: bool = False) -> bool:
    """Slack runs over HTTP with a signing secret and a bot token or OAuth client; over Socket Mode with an
    app token and a bot token (OAuth installs need the HTTP install pages)."""
    if socket_mode:
        return bool(settings.slack_app_token and settings.slack_bot_token)
    return bool(settings.slack_signing_secret and (settings.slack_bot_token or _oauth_configured(settings)))


def _oauth_configured(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def _web_client(settings: Settings, token: str | None) -> AsyncWebClient:
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url or AsyncWebClient.BASE_URL,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def async_database_url(url: str) -> str:
    """The store's URL with an asyncio driver: ``sqlite`` -> ``sqlite+aiosqlite``, PostgreSQL via psycopg."""
    parsed = make_url(url)
    driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+psycopg"}[parsed.get_backend_name()]
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def _oauth_settings(settings: Settings) -> tuple[AsyncOAuthSettings, AsyncEngine]:
    assert settings.slack_client_id and settings.slack_client_secret
    engine = create_async_engine(async_database_url(settings.database_url), hide_parameters=True)
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=AsyncSQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine),
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
    )
    return oauth, engine


def create_slack_app(settings: Settings, services: Services, *, socket_mode: bool = False) -> SlackApp:
    """The Bolt app with herbot's listeners; Web API calls retry on rate limits and dropped connections."""
    assert services.store is not None, "Slack needs the store (event ids, conversations)"
    signing_secret = settings.slack_signing_secret or ""
    oauth_engine = None
    if _oauth_configured(settings) and not settings.slack_bot_token:
        oauth, oauth_engine = _oauth_settings(settings)
        bolt = AsyncApp(
            signing_secret=signing_secret,
            client=_web_client(settings, None),
            oauth_settings=oauth,
            request_verification_enabled=False,  # bot.slack.routes verifies on the raw bytes first
        )
    else:
        bolt = AsyncApp(
            signing_secret=signing_secret,
            client=_web_client(settings, settings.slack_bot_token),
            request_verification_enabled=False,  # bot.slack.routes verifies on the raw bytes first
        )
    bolt.use(AnswerEventsOnce(services.store))
    register_listeners(bolt, services)
    bolt.error(report_failure)
    return SlackApp(bolt, oauth_engine)


async def report_failure(
    error: Exception,
    body: dict[str, Any],
    respond: AsyncRespond | None,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    """Bolt's global error handler: log the failure under a short id and tell the person who asked.

    The log line names the exception type and where it was raised, never its message, which can
    quote the text of the message being answered.
    """
    error_id = uuid.uuid4().hex[:8]
    log.error("slack listener failed error_id=%s error=%s where=%s", error_id, type(error).__name__, _raised_at(error))
    try:
        await _apologise(APOLOGY.format(error_id=error_id), body, respond, client, context.bot_user_id)
    except (TimeoutError, SlackClientError, aiohttp.ClientError) as failure:
        # Often the same fault (Slack refusing the post) that failed the answer.
        log.error("slack apology not delivered error_id=%s error=%s", error_id, type(failure).__name__)


async def _apologise(
    text: str, body: Mapping[str, Any], respond: AsyncRespond | None, client: AsyncWebClient, bot_user_id: str | None
) -> None:
    """Commands and buttons: privately, through their response URL; events: where herbot answers that event."""
    if body.get("command") or body.get("type") == "block_actions":
        if respond is not None:
            await respond(text=text, response_type="ephemeral", replace_original=False)
        return
    target = reply_target(body, bot_user_id) if body.get("type") == "event_callback" else None
    if target is not None:
        await client.chat_postMessage(channel=target.channel, thread_ts=target.thread_ts, text=text)


def _raised_at(error: BaseException) -> str:
    """``file.py:line`` of the innermost frame of ``error``'s traceback, or ``-``."""
    frame = error.__traceback__
    if frame is None:
        return "-"
    while frame.tb_next is not None:
        frame = frame.tb_next
    return f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}"
