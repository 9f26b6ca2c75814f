"""The Slack adapter (slack-bolt, async): ``/her2``, mentions in threads, DMs, buttons."""

from bot.slack.app import SlackApp, create_slack_app, slack_enabled
from bot.slack.routes import slack_routes

__all__ = ["SlackApp", "create_slack_app", "slack_enabled", "slack_routes"]
