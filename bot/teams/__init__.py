"""Microsoft Teams: botbuilder's ``CloudAdapter`` at ``/api/messages``, answers as Adaptive Cards.

Every botbuilder import in herbot lives in this package (an import-linter contract says so): activity in,
the same turn pipeline as every surface, card out. Replacing botbuilder (archived at the end of 2025) by
the Microsoft 365 Agents SDK means replacing this package only.
"""

from bot.teams.app import TeamsApp, create_teams_app
from bot.teams.auth import has_credentials, teams_off_reason
from bot.teams.routes import PATH

__all__ = ["PATH", "TeamsApp", "create_teams_app", "has_credentials", "teams_off_reason"]
