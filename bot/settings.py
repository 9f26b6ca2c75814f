"""Settings, read from the environment (and a ``.env`` file) in one place and passed down."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import InvalidSetting

__all__ = ["Settings", "load_settings", "mask_url"]

DEFAULT_DATABASE_URL = "sqlite:///herbot.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3978
DEFAULT_SLOT_TTL_MINUTES = 30.0


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable; see the configuration table in the README."""

    database_url: str = DEFAULT_DATABASE_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    slot_ttl: timedelta = timedelta(minutes=DEFAULT_SLOT_TTL_MINUTES)
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    microsoft_app_id: str | None = None
    microsoft_app_password: str | None = None
    microsoft_app_type: str | None = None
    microsoft_app_tenant_id: str | None = None

    def __repr__(self) -> str:
        return f"Settings(database_url={mask_url(self.database_url)!r}, host={self.host!r}, port={self.port})"


def mask_url(url: str) -> str:
    """The database URL with any password hidden, for logs and errors."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database url>"


def _number(name: str, text: str | None, default: float, *, whole: bool) -> float:
    if text is None:
        return default
    try:
        number = int(text) if whole else float(text)
    except ValueError:
        raise InvalidSetting(name=name, value=text, allowed="a whole number" if whole else "a number") from None
    if number <= 0:
        raise InvalidSetting(name=name, value=text, allowed="a number above 0")
    return number


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    """Settings from ``environ`` (default: the process environment) over a ``.env`` file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        return values.get(name) or None

    return Settings(
        database_url=get("HERBOT_DATABASE_URL") or DEFAULT_DATABASE_URL,
        host=get("HERBOT_HOST") or DEFAULT_HOST,
        port=int(_number("HERBOT_PORT", get("HERBOT_PORT"), DEFAULT_PORT, whole=True)),
        slot_ttl=timedelta(
            minutes=_number(
                "HERBOT_SLOT_TTL_MINUTES", get("HERBOT_SLOT_TTL_MINUTES"), DEFAULT_SLOT_TTL_MINUTES, whole=False
            )
        ),
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_api_url=get("HERBOT_SLACK_API_URL"),
        slack_client_id=get("SLACK_CLIENT_ID"),
        slack_client_secret=get("SLACK_CLIENT_SECRET"),
        microsoft_app_id=get("MicrosoftAppId"),
        microsoft_app_password=get("MicrosoftAppPassword"),
        microsoft_app_type=get("MicrosoftAppType"),
        microsoft_app_tenant_id=get("MicrosoftAppTenantId"),
    )
