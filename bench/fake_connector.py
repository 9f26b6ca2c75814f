"""A minimal local Bot Connector for ``bench/teams_endpoint.py``: the activities it delivers, the replies it receives.

The Bot Connector service posts Teams activities to a bot and takes the bot's replies at the activity's
``serviceUrl``. ``personal_message`` builds an activity as it arrives from someone's personal chat with the
bot; ``FakeConnector`` is where its ``serviceUrl`` points. A reply,
``POST /v3/conversations/{conversationId}/activities/{activityId}``, resolves the future
``expect((conversation_id, activity_id))`` handed out with the ``time.perf_counter()`` at which the whole reply
had been received and its JSON activity, and is counted, so that exactly one reply per activity can be checked
once the run is over. A reply to an activity nobody expected is a stray; any other call (a new message in a
conversation, an update, an unknown route) is counted as ``other``. Every call is answered as the service
does, 200 with ``{"id": ...}``. It runs in the benchmark's event loop, on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from aiohttp import web

from bench.serving import LoopbackSite

__all__ = ["Arrival", "Clinician", "FakeConnector", "ReplyKey", "personal_message"]

Arrival = tuple[float, dict[str, Any]]
ReplyKey = tuple[str, str]  # (conversation id, id of the activity replied to)
BOT_ID = "28:00000000-0000-4000-8000-00000000b07a"
TENANT_ID = "72f988bf-0000-4000-8000-0000000000aa"


@dataclass(frozen=True, slots=True)
class Clinician:
    """Someone chatting with the bot in their personal chat: their ids and the chat's."""

    user_id: str
    aad_object_id: str
    conversation_id: str

    @classmethod
    def new(cls) -> Clinician:
        """A clinician no store has seen, in a personal chat of their own."""
        aad = uuid.uuid4()
        return cls(f"29:1{aad.hex[:24]}", str(aad), f"a:1{aad.hex}Xq{aad.hex[-6:]}")


def personal_message(text: str, *, activity_id: str, clinician: Clinician, service_url: str) -> dict[str, Any]:
    """A message activity as Teams posts it to a bot from someone's personal chat."""
    now = datetime.now(UTC)
    return {
        "type": "message",
        "id": activity_id,
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "localTimestamp": now.astimezone().isoformat(timespec="milliseconds"),
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {"id": clinician.user_id, "name": "Bench Clinician", "aadObjectId": clinician.aad_object_id},
        "conversation": {"conversationType": "personal", "tenantId": TENANT_ID, "id": clinician.conversation_id},
        "recipient": {"id": BOT_ID, "name": "herbot"},
        "channelData": {"tenant": {"id": TENANT_ID}},
        "locale": "en-GB",
        "localTimezone": "Europe/London",
        "text": text,
        "textFormat": "plain",
        # Teams sends the rich text too, as an HTML attachment; bots read ``text``.
        "attachments": [{"contentType": "text/html", "content": f"<p>{html.escape(text)}</p>"}],
        "entities": [{"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web"}],
    }


class FakeConnector(LoopbackSite):
    """The Bot Connector's conversation routes on a free loopback port (``start``, then ``close``); counts replies."""

    def __init__(self) -> None:
        self.replies: Counter[ReplyKey] = Counter()
        self.strays = 0
        self.other = 0
        self._expected: set[ReplyKey] = set()
        self._arrivals: dict[ReplyKey, asyncio.Future[Arrival]] = {}
        self._ids = itertools.count(1)
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._receive)
        super().__init__(app, access_log=None)

    @property
    def service_url(self) -> str:
        """The ``serviceUrl`` to put in activities, with the trailing slash Teams sends."""
        return f"{self.base_url}/"

    def expect(self, key: ReplyKey) -> asyncio.Future[Arrival]:
        """A future resolved when the first reply to ``key``'s activity has arrived."""
        future: asyncio.Future[Arrival] = asyncio.get_running_loop().create_future()
        self._expected.add(key)
        self._arrivals[key] = future
        return future

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.read()
        arrived = time.perf_counter()
        key = _reply_key(request.method, request.rel_url.raw_path)
        if key is None:
            self.other += 1
        elif key not in self._expected:
            self.strays += 1
        else:
            self.replies[key] += 1
            future = self._arrivals.pop(key, None)
            if future is not None and not future.done():
                future.set_result((arrived, json.loads(body or b"{}")))
        return web.json_response({"id": f"1700000{next(self._ids):06d}"})


def _reply_key(method: str, raw_path: str) -> ReplyKey | None:
    """The decoded conversation and activity ids of a reply's path; ``None`` for anything else.

    >>> _reply_key("POST", "/v3/conversations/a%3A1Xq/activities/1700000000001")
    ('a:1Xq', '1700000000001')
    >>> _reply_key("POST", "/v3/conversations/a%3A1Xq/activities") is None
    True
    """
    parts = raw_path.split("/")
    if method != "POST" or len(parts) != 6 or parts[:3] != ["", "v3", "conversations"] or parts[4] != "activities":
        return None
    return unquote(parts[3]), unquote(parts[5])
