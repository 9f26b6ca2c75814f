"""Compose the Teams surface: botbuilder's ``CloudAdapter`` and herbot's activity handler over the shared delivery.

``create_teams_app(settings, services, ...)`` builds every part without touching the network; the server
mounts ``TeamsApp.route`` at ``/api/messages`` and closes the app on shutdown.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from botbuilder.integration.aiohttp import CloudAdapter

from bot.delivery import Inbox, Sender, StoreCalls
from bot.education.desk import EducationDesk
from bot.education.scheduler import Scheduler
from bot.posting import JsonPoster
from bot.services import Services
from bot.settings import Settings
from bot.teams.answering import TeamsAnswering
from bot.teams.auth import configuration_of, create_authentication, has_credentials
from bot.teams.bot import HerbotTeamsBot
from bot.teams.checking import TokenCheck
from bot.teams.failures import failure_reporter
from bot.teams.references import ReferenceBook
from bot.teams.routes import messages_route
from bot.teams.scheduled import scheduled_poster
from bot.teams.tokens import BotTokens
from bot.teams.transport import POST, REPLY, TEAMS, ConnectorTransport

__all__ = ["TeamsApp", "create_teams_app"]


@dataclass(frozen=True, slots=True)
class TeamsApp:
    """The adapter, the bot, and what closes with them."""

    adapter: CloudAdapter
    bot: HerbotTeamsBot
    answering: TeamsAnswering
    poster: JsonPoster
    tokens: TokenCheck
    app_configured: bool

    @property
    def route(self) -> web.RouteDef:
        """``POST /api/messages``."""
        return messages_route(self.adapter, self.bot, self.tokens, app_configured=self.app_configured)

    async def close(self) -> None:
        """Stop answering and checking, and close the connections to the Bot Connector."""
        self.answering.close()
        self.tokens.close()
        await self.poster.close()


def create_teams_app(
    settings: Settings,
    services: Services,
    *,
    inbox: Inbox,
    sender: Sender,
    calls: StoreCalls | None,
    education: EducationDesk | None = None,
    scheduler: Scheduler | None = None,
) -> TeamsApp:
    """The Teams surface, its replies registered with ``sender`` as ``("teams", "reply")`` and ``("teams", "post")``;
    with ``education``, lessons and quizzes (clicks answered in place), and its scheduled posts with ``scheduler``."""
    answering = TeamsAnswering(services, inbox, calls, education=education)
    authentication = create_authentication(settings)
    adapter = CloudAdapter(authentication)
    adapter.on_turn_error = failure_reporter(answering)
    poster = JsonPoster()
    transport = ConnectorTransport(poster, BotTokens(configuration_of(settings)))
    sender.transports.register(TEAMS, REPLY, transport)
    sender.transports.register(TEAMS, POST, transport)
    if scheduler is not None and calls is not None:
        scheduler.register(TEAMS, scheduled_poster(answering, calls.store))
    bot = HerbotTeamsBot(answering, ReferenceBook(calls))
    app_configured = has_credentials(settings)
    tokens = TokenCheck(authentication, off_loop=app_configured)
    return TeamsApp(adapter, bot, answering, poster, tokens, app_configured=app_configured)
