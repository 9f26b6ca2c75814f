"""Slack through a failing database: PostgreSQL behind a TCP proxy that stalls or refuses, and tables dropped.

The server is real and answers through the fake Slack API; only the network to PostgreSQL misbehaves. The
ack must never wait for the database: each request is posted while the proxy is stalled and must come back
before the proxy is resumed (an order, not a time; a hung server would fail the deadline). Redeliveries
are answered once from the in-memory inbox, and the answers say the conversation memory is unavailable.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from databases import POSTGRES_URL, postgres_schema_url
from fakes.slack_api import BOT_TOKEN, FakeSlackApi
from fakes.tcp_proxy import ProxyMode, TcpProxy
from slack_herbot import FORM, JSON, Herbot, all_text
from slack_requests import SIGNING_SECRET, command_body, event_body, mention, signed
from sqlalchemy import make_url, select

from bot.conversation import MEMORY_LOST
from bot.server import DeliveryOptions, create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store, create_store
from bot.store.schema import inbox, metadata

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="HERBOT_TEST_POSTGRES_URL is not set"),
]

FAST = DeliveryOptions(store_timeout_s=0.3, poll=timedelta(milliseconds=50))
# A deadline for a request that must not wait on the database; far above the store's timeout.
ACK_DEADLINE_S = 10.0
RECOVERY_DEADLINE_S = 20.0
POST = "chat.postMessage"


@dataclass
class Faulty:
    """The running server, the proxy in front of its database, and a direct line to that database."""

    herbot: Herbot
    proxy: TcpProxy
    direct: Store

    async def post_while(self, mode: ProxyMode, body: str, content_type: str, *, retry: int = 0) -> int:
        """Post ``body`` and return its status, checking the proxy was in ``mode`` until the ack came back."""
        headers = signed(body, content_type)
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status = await asyncio.wait_for(self.herbot.post_raw(body, headers), ACK_DEADLINE_S)
        assert self.proxy.mode is mode
        return status

    async def ready(self) -> int:
        async with self.herbot.http.get(self.herbot.events_url.replace("/slack/events", "/readyz")) as response:
            return response.status


@pytest.fixture
def schema_url() -> Iterator[str]:
    assert POSTGRES_URL is not None
    yield from postgres_schema_url(POSTGRES_URL)


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    upstream = make_url(POSTGRES_URL)
    with TcpProxy(upstream.host or "127.0.0.1", upstream.port or 5432) as running:
        yield running


@pytest.fixture
async def faulty(
    schema_url: str, proxy: TcpProxy, slack_api: FakeSlackApi, make_services: Callable[[Store], Services]
) -> AsyncIterator[Faulty]:
    url = proxy.url_for(schema_url)
    store, direct = create_store(url), create_store(schema_url)
    settings = Settings(
        database_url=url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
    )
    server = TestServer(
        create_server(settings, make_services(store), purge=None, delivery_options=FAST), host="127.0.0.1"
    )
    await server.start_server()
    async with ClientSession() as http:
        yield Faulty(Herbot(server, http), proxy, direct)
    proxy.resume()  # the server's stalled calls finish, so it can stop
    await server.close()
    store.close()
    direct.close()


def thread_answers(slack_api: FakeSlackApi, thread_ts: str) -> list[str]:
    return [all_text(c.args["blocks"]) for c in slack_api.delivered(POST) if c.args["thread_ts"] == thread_ts]


def recorded_keys(store: Store) -> set[str]:
    with store.engine.connect() as connection:
        return set(connection.execute(select(inbox.c.request_key)).scalars())


async def test_acks_come_while_the_database_is_stalled_and_the_answers_say_memory_is_unavailable(
    faulty: Faulty, slack_api: FakeSlackApi
) -> None:
    assert (
        await faulty.post_while(ProxyMode.PASS, event_body(mention("IHC 2+", ts="1.1"), event_id="EvOk"), JSON) == 200
    )
    await slack_api.wait_for(lambda: thread_answers(slack_api, "1.1"))

    faulty.proxy.stall()
    mentioned = event_body(mention("ratio 2.3 copies 4.1", ts="1.2", thread_ts="1.1"), event_id="EvStalled")
    assert await faulty.post_while(ProxyMode.STALL, mentioned, JSON) == 200
    assert await faulty.post_while(ProxyMode.STALL, mentioned, JSON, retry=1) == 200
    command = command_body("IHC 3+", slack_api.response_url("stalled"))
    assert await faulty.post_while(ProxyMode.STALL, command, FORM) == 200

    await slack_api.wait_for(lambda: len(thread_answers(slack_api, "1.1")) == 2)
    await slack_api.wait_for(lambda: slack_api.delivered("response_url:stalled"))
    assert MEMORY_LOST in thread_answers(slack_api, "1.1")[1]
    assert MEMORY_LOST in all_text(slack_api.delivered("response_url:stalled")[0].args["blocks"])

    faulty.proxy.resume()
    after = event_body(mention("what is TNBC?", ts="1.3"), event_id="EvResumed")
    assert await faulty.post_while(ProxyMode.PASS, after, JSON) == 200
    await slack_api.wait_for(lambda: thread_answers(slack_api, "1.3"))
    assert MEMORY_LOST not in thread_answers(slack_api, "1.3")[0]
    assert len(thread_answers(slack_api, "1.1")) == 2
    assert "slack:event:EvResumed" in recorded_keys(faulty.direct)


async def test_redelivered_events_are_answered_once_while_the_database_is_unreachable(
    faulty: Faulty, slack_api: FakeSlackApi
) -> None:
    faulty.proxy.refuse()
    bodies = [event_body(mention(f"IHC {n}+", ts=f"2.{n}"), event_id=f"EvDown{n}") for n in (1, 2, 3)]
    for retry in (0, 1, 2):
        for body in bodies:
            assert await faulty.post_while(ProxyMode.REFUSE, body, JSON, retry=retry) == 200

    await slack_api.wait_for(lambda: len(slack_api.delivered(POST)) == len(bodies))
    faulty.proxy.resume()
    after = event_body(mention("what is TNBC?", ts="2.9"), event_id="EvUp")
    assert await faulty.post_while(ProxyMode.PASS, after, JSON) == 200
    await slack_api.wait_for(lambda: thread_answers(slack_api, "2.9"))
    for n in (1, 2, 3):
        [answer] = thread_answers(slack_api, f"2.{n}")
        assert MEMORY_LOST in answer


async def test_tables_dropped_under_the_running_server_cost_no_answer_and_recording_resumes(
    faulty: Faulty, slack_api: FakeSlackApi
) -> None:
    metadata.drop_all(faulty.direct.engine)
    bodies = [event_body(mention("IHC 1+", ts=f"3.{n}"), event_id=f"EvDropped{n}") for n in (1, 2)]
    for retry in (0, 1):
        for body in bodies:
            assert await faulty.post_while(ProxyMode.PASS, body, JSON, retry=retry) == 200
    await slack_api.wait_for(lambda: len(slack_api.delivered(POST)) == len(bodies))

    # Readiness probes (as an orchestrator sends them) find the tables gone and migrate the store again.
    deadline = time.monotonic() + RECOVERY_DEADLINE_S
    while await faulty.ready() != 200:
        assert time.monotonic() < deadline, "the store was never migrated again"
        await asyncio.sleep(0.05)
    after = event_body(mention("what is HER2-low?", ts="3.9"), event_id="EvAfterDrop")
    assert await faulty.post_while(ProxyMode.PASS, after, JSON) == 200
    assert "slack:event:EvAfterDrop" in recorded_keys(faulty.direct)
    await slack_api.wait_for(lambda: thread_answers(slack_api, "3.9"))
    for n in (1, 2):
        assert len(thread_answers(slack_api, f"3.{n}")) == 1
