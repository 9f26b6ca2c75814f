"""The Slack app manifest (``deploy/slack/manifest.yml``) agrees with what the server asks for and serves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.server import create_server
from bot.services import Services
from bot.settings import Settings
from bot.slack.app import BOT_SCOPES
from bot.store import Store

MANIFEST = Path(__file__).resolve().parents[1] / "deploy" / "slack" / "manifest.yml"


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def at(manifest: dict[str, Any], path: str) -> Any:
    """``at(m, "features.app_home.messages_tab_enabled")``; list items by index."""
    node: Any = manifest
    for key in path.split("."):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def urls(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every URL in the manifest with the dotted path it sits at."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from urls(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from urls(value, f"{path}.{index}")
    elif isinstance(node, str) and "://" in node:
        yield path, node


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("features.slash_commands.0.command", "/her2"),
        ("features.slash_commands.0.should_escape", False),
        ("features.app_home.messages_tab_enabled", True),
        ("features.app_home.messages_tab_read_only_enabled", False),
        ("features.bot_user.display_name", "herbot"),
        (
            "settings.event_subscriptions.bot_events",
            ["app_mention", "message.channels", "message.groups", "message.im"],
        ),
        ("settings.interactivity.is_enabled", True),
        ("settings.socket_mode_enabled", False),
        ("settings.org_deploy_enabled", False),
        ("settings.token_rotation_enabled", False),
        ("oauth_config.scopes.bot", list(BOT_SCOPES)),
    ],
)
def test_manifest_setting(manifest: dict[str, Any], path: str, expected: Any) -> None:
    assert at(manifest, path) == expected


def test_slash_command_has_a_description_and_usage_hint(manifest: dict[str, Any]) -> None:
    [command] = at(manifest, "features.slash_commands")
    assert command["description"] and command["usage_hint"]
    assert len(at(manifest, "display_information.description")) <= 140
    assert len(at(manifest, "display_information.long_description")) >= 175


def test_every_url_is_a_route_the_server_serves(
    manifest: dict[str, Any], store: Store, make_services: Callable[[Store], Services], sqlite_url: str
) -> None:
    settings = Settings(
        database_url=sqlite_url,
        slack_signing_secret="secret",
        slack_client_id="1.2",
        slack_client_secret="client-secret",
    )
    app = create_server(settings, make_services(store))
    served = {(route.method, route.resource.canonical) for route in app.router.routes() if route.resource}
    found = dict(urls(manifest))
    assert set(found) == {
        "features.slash_commands.0.url",
        "oauth_config.redirect_urls.0",
        "settings.event_subscriptions.request_url",
        "settings.interactivity.request_url",
    }
    for where, url in found.items():
        parts = urlsplit(url)
        method = "GET" if where.startswith("oauth_config.redirect_urls") else "POST"
        assert (parts.scheme, parts.netloc, parts.query) == ("https", "YOUR-HOST", ""), where
        assert (method, parts.path) in served, f"{where}: {method} {parts.path} is not served"
