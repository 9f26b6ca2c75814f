"""The running herbot server as Slack sees it: a signed-request client, and readers of what it posted."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from slack_requests import signed
from slack_sdk.models.blocks import Block

__all__ = ["FORM", "JSON", "Herbot", "all_text", "valid_blocks"]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class Herbot:
    """The running server and a way to post to it as Slack does."""

    def __init__(self, server: TestServer, http: ClientSession) -> None:
        self.server = server
        self.http = http

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}/slack/events"

    async def post(self, body: str, content_type: str) -> int:
        """Post ``body`` signed with the right secret, as Slack does."""
        return await self.post_raw(body, signed(body, content_type))

    async def post_raw(self, body: str, headers: dict[str, str]) -> int:
        async with self.http.post(self.events_url, data=body.encode(), headers=headers) as response:
            return response.status


def valid_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each block parses into slack_sdk's models and serialises again (which validates it)."""
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.to_dict()
    return blocks


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every piece of visible text in the blocks, joined."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(found)
