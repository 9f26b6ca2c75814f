"""The Slack app: an async Bolt app over one bot token, or over OAuth installs kept in the store's database.

Bolt runs with ``process_before_response``: a listener answers, records the answer (``bot.slack.answering``)
and acks, and only then does Bolt send its HTTP response, so nothing acknowledged is lost. The answers are
delivered by the delivery sender through the three Slack transports this module registers on it. Anything a
listener did not expect ends in Bolt's global error handler (``bot.slack.failures``), once. With channel
education on, commands such as ``learn`` and ``quiz`` go to its desk, and the scheduler posts a channel's
scheduled lessons through ``bot.slack.scheduled``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.delivery import Inbox, Sender, StoreCalls
from bot.posting import JsonPoster
from bot.services import Services
from bot.settings import Settings
from bot.slack.answering import SlackAnswering
from bot.slack.failures import APOLOGY, failure_reporter
from bot.slack.listeners import register_listeners
from bot.slack.scheduled import scheduled_poster
from bot.slack.transport import (
    EPHEMERAL,
    POST,
    RESPOND,
    SLACK,
    EphemeralTransport,
    PostMessageTransport,
    ResponseUrlTransport,
    TokenLookup,
)

if TYPE_CHECKING:
    from bot.education.desk import EducationDesk
    from bot.education.scheduler import Scheduler

__all__ = ["APOLOGY", "BOT_SCOPES", "SlackApp", "create_slack_app", "slack_enabled"]

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


class SlackApp:
    """The Bolt app, the async engine its OAuth stores use (``None`` with a single bot token), and what answers
    for it: the answering threads and the HTTP session of its deliveries (``None`` in a bare app)."""

    def __init__(
        self,
        bolt: AsyncApp,
        oauth_engine: AsyncEngine | None,
        *,
        answering: SlackAnswering | None = None,
        http: JsonPoster | None = None,
    ) -> None:
        self.bolt = bolt
        self.oauth_engine = oauth_engine
        self.answering = answering
        self.http = http

    async def prepare(self) -> None:
        """Create the installation and state tables when installing through OAuth."""
        flow = self.bolt.oauth_flow
        if flow is None:
            return
        await flow.settings.installation_store.create_tables()  # type: ignore[attr-defined]
        await flow.settings.state_store.create_tables()  # type: ignore[attr-defined]

    async def close(self) -> None:
        """After the sender stopped: the answering threads, the delivery session, the OAuth engine."""
        if self.answering is not None:
            self.answering.close()
        if self.http is not None:
            await self.http.close()
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
    """Bolt's own client (``auth.test``, the OAuth exchange); answers go through the delivery transports."""
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


def create_slack_app(
    settings: Settings,
    services: Services,
    *,
    inbox: Inbox,
    sender: Sender,
    calls: StoreCalls | None,
    socket_mode: bool = False,
    education: EducationDesk | None = None,
    scheduler: Scheduler | None = None,
) -> SlackApp:
    """The Bolt app with herbot's listeners, recording answers in ``inbox`` (reading conversations through
    ``calls``, ``None`` without a store) and delivering them through Slack transports registered on ``sender``;
    education commands go to ``education`` and Slack's scheduled posts to ``scheduler`` (``None``: off)."""
    signing_secret = settings.slack_signing_secret or ""
    oauth_engine = None
    common: dict[str, Any] = {
        "signing_secret": signing_secret,
        "request_verification_enabled": False,  # bot.slack.routes verifies on the raw bytes first
        "process_before_response": True,  # the ack leaves only after the listener recorded its answer
    }
    if _oauth_configured(settings) and not settings.slack_bot_token:
        oauth, oauth_engine = _oauth_settings(settings)
        bolt = AsyncApp(client=_web_client(settings, None), oauth_settings=oauth, **common)
        token_for = _installed_bot_token(oauth.installation_store)
    else:
        bolt = AsyncApp(client=_web_client(settings, settings.slack_bot_token), **common)
        token_for = _single_bot_token(settings.slack_bot_token)
    http = JsonPoster()
    sender.transports.register(SLACK, RESPOND, ResponseUrlTransport(http))
    api_url = settings.slack_api_url or AsyncWebClient.BASE_URL
    sender.transports.register(SLACK, POST, PostMessageTransport(http, api_url=api_url, token_for=token_for))
    sender.transports.register(SLACK, EPHEMERAL, EphemeralTransport(http, api_url=api_url, token_for=token_for))
    answering = SlackAnswering(services, inbox, calls, education=education)
    register_listeners(bolt, answering)
    if scheduler is not None:
        scheduler.register(SLACK, scheduled_poster(answering))
    bolt.error(failure_reporter(answering))
    return SlackApp(bolt, oauth_engine, answering=answering, http=http)


def _single_bot_token(token: str | None) -> TokenLookup:
    async def token_for(_: Mapping[str, Any]) -> str | None:
        return token

    return token_for


def _installed_bot_token(installations: AsyncInstallationStore) -> TokenLookup:
    """The bot token of the workspace (or Enterprise Grid org) a delivery goes to, from its OAuth install."""

    async def token_for(target: Mapping[str, Any]) -> str | None:
        bot = await installations.async_find_bot(
            enterprise_id=target.get("enterprise_id"),
            team_id=target.get("team_id"),
            is_enterprise_install=bool(target.get("is_enterprise_install")),
        )
        return bot.bot_token if bot is not None else None

    return token_for
