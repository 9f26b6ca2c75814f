"""Settings, read from the environment (and a ``.env`` file) in one place, checked, and passed down.

Every value is checked here, so a bad one stops herbot with ``InvalidSetting`` before anything
starts. The database URL is checked without SQLAlchemy (commands that use no store never import
it); the store itself still parses it when it connects.

>>> load_settings({"HERBOT_PORT": "8080"}, env_file=None).port
8080
>>> load_settings({"HERBOT_PORT": "99999"}, env_file=None)
Traceback (most recent call last):
...
bot.errors.InvalidSetting: setting HERBOT_PORT='99999' is not valid; allowed: a port from 1 to 65535.
>>> mask_url("postgresql+psycopg://bot:secret@db:5432/herbot")
'postgresql+psycopg://bot:***@db:5432/herbot'
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

from bot.errors import InvalidSetting

__all__ = ["APP_ID_ALLOWED", "Settings", "is_app_id", "load_settings", "mask_url"]

DEFAULT_DATABASE_URL = "sqlite:///herbot.db"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3978
DEFAULT_SLOT_TTL_MINUTES = 30.0
DEFAULT_DELIVERY_LEASE_SECONDS = 30.0
# A lease must outlast one send (10 s), or another replica would take a delivery still in flight.
MIN_DELIVERY_LEASE_SECONDS, MAX_DELIVERY_LEASE_SECONDS = 11.0, 3600.0
MAX_SLOT_TTL_MINUTES = 525_600.0  # a year: longer is a mistake, and timedelta overflows near 1.5e12 minutes
DATABASE_URLS = "sqlite:///PATH, sqlite:// (in memory) or postgresql+psycopg://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
DEFAULT_SCHEDULE_POLL_SECONDS, MIN_SCHEDULE_POLL_SECONDS, MAX_SCHEDULE_POLL_SECONDS = 15.0, 0.1, 3600.0
DEFAULT_SCHEDULE_MAX_LATE_MINUTES, MAX_SCHEDULE_MAX_LATE_MINUTES = 60.0, 10080.0
# A schedule's claim must outlast the store call that writes its post, or every claimant would lose it.
DEFAULT_SCHEDULE_LEASE_SECONDS, MIN_SCHEDULE_LEASE_SECONDS, MAX_SCHEDULE_LEASE_SECONDS = 120.0, 11.0, 3600.0
APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")
APP_ID_ALLOWED = "the Azure Bot's Microsoft App ID, a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"
# The Teams manifest schema's "guid" definition; fullmatch, so a trailing newline is refused too.
_GUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# The store runs on these backends and drivers (an empty driver is the backend's default).
_DRIVERS = {"sqlite": {"", "pysqlite"}, "postgresql": {"", "psycopg"}}
_URL = re.compile(r"(?P<backend>[A-Za-z][A-Za-z0-9]*)(?:\+(?P<driver>[A-Za-z0-9_]+))?://(?P<rest>.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything configurable; see the configuration table in the README."""

    database_url: str = DEFAULT_DATABASE_URL
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    slot_ttl: timedelta = timedelta(minutes=DEFAULT_SLOT_TTL_MINUTES)
    delivery_lease: timedelta = timedelta(seconds=DEFAULT_DELIVERY_LEASE_SECONDS)
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
    # Where Bot Framework's token signing keys are published (tests point it at a local fake).
    teams_openid_metadata_url: str | None = None
    schedule_poll: timedelta = timedelta(seconds=DEFAULT_SCHEDULE_POLL_SECONDS)
    schedule_max_late: timedelta = timedelta(minutes=DEFAULT_SCHEDULE_MAX_LATE_MINUTES)
    schedule_lease: timedelta = timedelta(seconds=DEFAULT_SCHEDULE_LEASE_SECONDS)

    def __repr__(self) -> str:
        return f"Settings(database_url={mask_url(self.database_url)!r}, host={self.host!r}, port={self.port})"


def mask_url(url: str) -> str:
    """The database URL with any password hidden, for logs and errors."""
    scheme, separator, rest = url.partition("://")
    netloc, slash, path = rest.partition("/")
    credentials, at, host = netloc.rpartition("@")
    user, colon, _password = credentials.partition(":")
    if not separator:
        return "<unparseable database url>" if "@" in url else url
    return f"{scheme}://{user}:***@{host}{slash}{path}" if at and colon else url


def _database_url(text: str) -> str:
    """``text`` if it is a complete URL of a backend and driver the store runs on."""
    match = _URL.fullmatch(text)
    backend, driver = (match["backend"].lower(), (match["driver"] or "").lower()) if match else ("", "")
    if match is None or driver not in _DRIVERS.get(backend, ()) or not _complete(backend, match["rest"]):
        raise InvalidSetting(name="HERBOT_DATABASE_URL", value=mask_url(text), allowed=DATABASE_URLS)
    return text


def _complete(backend: str, rest: str) -> bool:
    """SQLite needs no host (``sqlite:///PATH``); PostgreSQL needs a host (or ``?host=``) and a database."""
    netloc, _, path = rest.partition("/")
    if backend == "sqlite":
        return not netloc
    database, _, query = path.partition("?")
    host = netloc.rpartition("@")[2]
    name, colon, port = host.rpartition(":") if not host.endswith("]") else (host, "", "")
    if not colon:
        name = host
    return bool(database) and bool(name or "host" in parse_qs(query)) and (not colon or _is_port(port))


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 65535


def _port(text: str | None) -> int:
    if text is None:
        return DEFAULT_PORT
    if not _is_port(text.strip()):
        raise InvalidSetting(name="HERBOT_PORT", value=text, allowed="a port from 1 to 65535")
    return int(text)


def _slot_ttl(text: str | None) -> timedelta:
    name, allowed = "HERBOT_SLOT_TTL_MINUTES", f"a number of minutes above 0 and at most {MAX_SLOT_TTL_MINUTES:.0f}"
    if text is None:
        return timedelta(minutes=DEFAULT_SLOT_TTL_MINUTES)
    try:
        minutes = float(text)
    except ValueError:
        raise InvalidSetting(name=name, value=text, allowed=allowed) from None
    # nan compares false with everything, so it must be named; inf and 1e300 would overflow timedelta.
    if not math.isfinite(minutes) or not 0 < minutes <= MAX_SLOT_TTL_MINUTES:
        raise InvalidSetting(name=name, value=text, allowed=allowed)
    return timedelta(minutes=minutes)


def _number(name: str, text: str | None, default: float, bounds: tuple[float, float], unit: str) -> float:
    """A number of ``unit`` within ``bounds`` (inclusive), or ``default`` when unset."""
    if text is None:
        return default
    low, high = bounds
    allowed = f"a number of {unit} from {low:g} to {high:g}"
    try:
        value = float(text)
    except ValueError:
        raise InvalidSetting(name=name, value=text, allowed=allowed) from None
    if not low <= value <= high:  # nan fails this too
        raise InvalidSetting(name=name, value=text, allowed=allowed)
    return value


def is_app_id(text: str) -> bool:
    """Whether ``text`` is a GUID, as a Microsoft App ID (and the Teams manifest's ``id`` and ``botId``) is."""
    return _GUID.fullmatch(text) is not None


def _app_id(text: str | None) -> str | None:
    """The Microsoft App ID, refused at start-up if it is not one (every token would fail its audience check)."""
    if text is not None and not is_app_id(text):
        raise InvalidSetting(name="MicrosoftAppId", value=text, allowed=APP_ID_ALLOWED)
    return text


def _app_type(text: str | None, tenant: str | None) -> str | None:
    """Bot Framework's app type, spelt as botbuilder compares it; a single-tenant app needs its tenant."""
    if text is None:
        return None
    spelt = {kind.lower(): kind for kind in APP_TYPES}.get(text.strip().lower())
    if spelt is None:
        raise InvalidSetting(name="MicrosoftAppType", value=text, allowed=", ".join(APP_TYPES))
    if spelt != "MultiTenant" and not tenant:
        raise InvalidSetting(name="MicrosoftAppTenantId", value="(unset)", allowed=f"the tenant id of a {spelt} app")
    return spelt


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _read_env_file(env_file: Path) -> dict[str, str]:
    from dotenv import dotenv_values  # only when there is a .env file to read

    try:
        found = dotenv_values(env_file, encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidSetting(name=str(env_file), value="(not UTF-8 text)", allowed="a UTF-8 .env file") from None
    return {k: v for k, v in found.items() if v is not None}


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    """Settings from ``environ`` (default: the process environment) over a ``.env`` file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update(_read_env_file(env_file))
    values.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = values.get(name) or None
        # Bytes that are not UTF-8 reach Python as lone surrogates, which nothing downstream can encode.
        if value is not None and not _is_utf8(value):
            raise InvalidSetting(name=name, value="(not UTF-8 text)", allowed="UTF-8 text")
        return value

    def duration(name: str, default: float, bounds: tuple[float, float], unit: str = "seconds") -> timedelta:
        return timedelta(**{unit: _number(name, get(name), default, bounds, unit)})

    return Settings(
        database_url=_database_url(get("HERBOT_DATABASE_URL") or DEFAULT_DATABASE_URL),
        host=get("HERBOT_HOST") or DEFAULT_HOST,
        port=_port(get("HERBOT_PORT")),
        slot_ttl=_slot_ttl(get("HERBOT_SLOT_TTL_MINUTES")),
        delivery_lease=duration(
            "HERBOT_DELIVERY_LEASE_SECONDS",
            DEFAULT_DELIVERY_LEASE_SECONDS,
            (MIN_DELIVERY_LEASE_SECONDS, MAX_DELIVERY_LEASE_SECONDS),
        ),
        slack_bot_token=get("SLACK_BOT_TOKEN"),
        slack_signing_secret=get("SLACK_SIGNING_SECRET"),
        slack_app_token=get("SLACK_APP_TOKEN"),
        slack_api_url=get("HERBOT_SLACK_API_URL"),
        slack_client_id=get("SLACK_CLIENT_ID"),
        slack_client_secret=get("SLACK_CLIENT_SECRET"),
        microsoft_app_id=_app_id(get("MicrosoftAppId")),
        microsoft_app_password=get("MicrosoftAppPassword"),
        microsoft_app_type=_app_type(get("MicrosoftAppType"), get("MicrosoftAppTenantId")),
        microsoft_app_tenant_id=get("MicrosoftAppTenantId"),
        teams_openid_metadata_url=get("HERBOT_TEAMS_OPENID_METADATA_URL"),
        schedule_poll=duration(
            "HERBOT_SCHEDULE_POLL_SECONDS",
            DEFAULT_SCHEDULE_POLL_SECONDS,
            (MIN_SCHEDULE_POLL_SECONDS, MAX_SCHEDULE_POLL_SECONDS),
        ),
        schedule_max_late=duration(
            "HERBOT_SCHEDULE_MAX_LATE_MINUTES",
            DEFAULT_SCHEDULE_MAX_LATE_MINUTES,
            (0.0, MAX_SCHEDULE_MAX_LATE_MINUTES),
            "minutes",
        ),
        schedule_lease=duration(
            "HERBOT_SCHEDULE_LEASE_SECONDS",
            DEFAULT_SCHEDULE_LEASE_SECONDS,
            (MIN_SCHEDULE_LEASE_SECONDS, MAX_SCHEDULE_LEASE_SECONDS),
        ),
    )
