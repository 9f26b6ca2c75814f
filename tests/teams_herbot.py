"""The running herbot server as Teams sees it: a client of ``/api/messages``, and readers of the cards it sent."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from databases import TEST_STORE_TIMEOUT_S
from fakes.bot_connector import FakeBotConnector, Posted
from teams_activities import TeamsUser, personal_chat, personal_message

from bot.server import DeliveryOptions, create_server
from bot.services import Services
from bot.settings import Settings

__all__ = [
    "ADAPTIVE_CARD",
    "SETTLER",
    "TeamsHerbot",
    "accepted",
    "adaptive_card",
    "card_actions",
    "card_facts",
    "card_links",
    "card_text",
    "headline",
    "serve_teams",
]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
JSON = "application/json"
_MARKDOWN_LINK = re.compile(r"\[[^\]]*\]\((?P<url>[^)\s]+)\)")
# Someone who asks nothing of interest: their question, answered last, tells a test the sender got this far.
SETTLER = TeamsUser("29:1SeTtLeR0aBcDeFgHiJkLmNoPqRsTuVwXyZ012345", "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b", "Settler")


def accepted(status: int) -> bool:
    """The Bot Connector takes any 2xx from a bot as accepted."""
    return 200 <= status < 300


class TeamsHerbot:
    """The running server, the fake Bot Connector it answers through, and a way to post activities to it."""

    def __init__(self, server: TestServer, http: ClientSession, connector: FakeBotConnector) -> None:
        self.server = server
        self.http = http
        self.connector = connector

    @property
    def messages_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/api/messages"

    async def send(self, activity: dict[str, Any], *, authorization: str | None = None) -> int:
        """Post ``activity`` as the Bot Connector does (JSON, with ``authorization`` if given); the status."""
        headers = {"Content-Type": JSON} | ({"Authorization": authorization} if authorization else {})
        return await self.post_raw(json.dumps(activity).encode(), headers)

    async def post_raw(self, body: bytes, headers: dict[str, str]) -> int:
        """Post ``body`` with exactly ``headers``; the status."""
        async with self.http.post(self.messages_url, data=body, headers=headers) as response:
            return response.status

    async def settle(self, *, timeout: float = 10.0) -> None:
        """Ask a question in a chat of its own and wait for its answer: what was answered before it has been sent."""
        conversation = personal_chat(SETTLER).id
        answered = len(self.connector.in_conversation(conversation))
        status = await self.send(
            personal_message("what is HER2-low?", service_url=self.connector.service_url, sender=SETTLER)
        )
        assert accepted(status), status
        await self.connector.wait_until(lambda: len(self.connector.in_conversation(conversation)) > answered, timeout)


@asynccontextmanager
async def serve_teams(
    settings: Settings, services: Services, connector: FakeBotConnector, **start_options: Any
) -> AsyncIterator[TeamsHerbot]:
    """herbot's real server for ``settings`` on 127.0.0.1, answering Teams through ``connector``; ``start_options``
    go to aiohttp's runner (an access logger, say)."""
    options = DeliveryOptions(store_timeout_s=TEST_STORE_TIMEOUT_S)
    server = TestServer(create_server(settings, services, delivery_options=options), host="127.0.0.1")
    await server.start_server(**start_options)
    try:
        async with ClientSession() as http:
            yield TeamsHerbot(server, http, connector)
    finally:
        await server.close()


def adaptive_card(posted: Posted) -> dict[str, Any]:
    """The one Adaptive Card a posted activity carries (fails if it carries none, or several)."""
    [card] = [a["content"] for a in posted.activity.get("attachments") or [] if a.get("contentType") == ADAPTIVE_CARD]
    assert card["type"] == "AdaptiveCard", card
    return card


def headline(card: dict[str, Any]) -> str:
    """The card's first text block: the answer's first sentence."""
    return str(card["body"][0]["text"])


def card_facts(card: dict[str, Any]) -> dict[str, str]:
    """Every fact of the card's fact sets (the values read), title to value."""
    facts: dict[str, str] = {}
    for element in card.get("body", []):
        if element.get("type") == "FactSet":
            facts.update((fact["title"], fact["value"]) for fact in element["facts"])
    return facts


def card_text(card: dict[str, Any]) -> str:
    """Every piece of text a person sees on the card (text blocks, facts, action titles), joined by lines."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value"):
                if isinstance(node.get(key), str) and not (key == "value" and node.get("type") == "Action.OpenUrl"):
                    found.append(node[key])
            for key, value in node.items():
                if key not in ("data", "selectAction", "msteams"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    walk(card.get("actions", []))
    return "\n".join(found)


def card_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every action on the card, from its body (action sets) and its actions, in order."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("type"), str) and node["type"].startswith("Action."):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card.get("body", []))
    walk(card.get("actions", []))
    return found


def card_links(card: dict[str, Any]) -> list[str]:
    """Every URL the card links to: markdown links in its text and ``Action.OpenUrl`` targets."""
    urls = [match["url"] for match in _MARKDOWN_LINK.finditer(card_text(card))]
    return urls + [action["url"] for action in card_actions(card) if action.get("type") == "Action.OpenUrl"]
