"""The floors herbot's Slack endpoint is measured against: Bolt apps that answer ``/her2`` with a ready answer.

- ``bare_app``: Bolt as its documentation shows it (its own aiohttp server, its own signature check): the
  ``/her2`` listener acks, then answers with ``respond()``. What any Bolt app costs per request.
- ``store_floor_app``: the same, plus exactly the store work herbot's delivery path needs, done the plain
  way on an engine with the store's own settings (``bot.store.create_store``: WAL and busy timeout on
  SQLite, connect and statement timeouts on PostgreSQL, the same migrated tables) and a thread pool the
  size of herbot's store pool: read the conversation's slots, then in one transaction insert the inbox row,
  the outbox row and the slots, ack (Bolt's ``process_before_response``, so the ack leaves once that is
  recorded, as herbot's does), answer with ``respond()`` and mark the outbox row delivered.

Neither understands the message: both answer with herbot's own rendered answer to the benchmark's command,
made once at start-up, so every app sends the same bytes to the response URL.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bench.fake_slack import BOT_TOKEN
from bot.store import create_store
from bot.store.calls import DEFAULT_WORKERS
from bot.store.schema import conversation_slots, inbox, outbox

__all__ = ["answer_payload", "bare_app", "store_floor_app"]

EVENTS_PATH = "/slack/events"
SLOT_TTL = timedelta(minutes=30)


def answer_payload(command_text: str) -> dict[str, Any]:
    """herbot's rendered answer to ``/her2 command_text``, as its sender posts it to the response URL."""
    from bot.render.slack import SlackRenderer
    from bot.services import create_router
    from bot.slack.deliveries import respond_delivery

    knowledge, router = create_router()
    message = SlackRenderer(knowledge.sources).render(router.answer(command_text).explanation)
    delivery = respond_delivery("http://127.0.0.1/", message, received_at=datetime.now(UTC))
    return delivery.payload


def _bolt(signing_secret: str, api_url: str, *, process_before_response: bool) -> AsyncApp:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=api_url)
    return AsyncApp(signing_secret=signing_secret, client=client, process_before_response=process_before_response)


def bare_app(signing_secret: str, api_url: str, payload: dict[str, Any]) -> web.Application:
    """Bolt's own server; ``/her2`` acks and answers ``payload`` with ``respond()``."""
    bolt = _bolt(signing_secret, api_url, process_before_response=False)

    @bolt.command("/her2")
    async def her2_command(ack: Any, respond: Any) -> None:
        await ack()
        await respond(**payload)

    return bolt.web_app(path=EVENTS_PATH)


class _FloorStore:
    """The store writes herbot's delivery path makes for one command, in plain SQLAlchemy Core."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[engine.dialect.name]

    def load_slots(self, conversation: str) -> dict[str, str]:
        statement = select(conversation_slots.c.values_json).where(
            conversation_slots.c.conversation_key == conversation
        )
        with self._engine.connect() as connection:
            row = connection.execute(statement).first()
        return json.loads(row.values_json) if row is not None else {}

    def record(self, key: str, conversation: str, payload: dict[str, Any], slots: dict[str, str]) -> int | None:
        """Inbox, outbox and slots in one transaction; the outbox row's id, or ``None`` for a duplicate."""
        now = datetime.now(UTC)
        slots_json = json.dumps(slots, sort_keys=True)
        with self._engine.begin() as connection:
            claimed = connection.execute(
                self._insert(inbox).values(request_key=key, received_at=now).on_conflict_do_nothing(),
                execution_options={"preserve_rowcount": True},
            )
            if claimed.rowcount == 0:
                return None
            delivery_id = connection.execute(
                insert(outbox)
                .values(
                    request_key=key,
                    surface="slack",
                    kind="respond",
                    target_json=json.dumps({"response_url": "-"}),
                    payload_json=json.dumps(payload),
                    created_at=now,
                    not_after=now + SLOT_TTL,
                    attempts=0,
                    next_attempt_at=now,
                )
                .returning(outbox.c.id)
            ).scalar_one()
            upsert = self._insert(conversation_slots).values(
                conversation_key=conversation, values_json=slots_json, expires_at=now + SLOT_TTL
            )
            connection.execute(
                upsert.on_conflict_do_update(
                    index_elements=[conversation_slots.c.conversation_key],
                    set_={"values_json": upsert.excluded.values_json, "expires_at": upsert.excluded.expires_at},
                )
            )
        return int(delivery_id)

    def mark_delivered(self, delivery_id: int) -> None:
        statement = update(outbox).where(outbox.c.id == delivery_id).values(delivered_at=datetime.now(UTC))
        with self._engine.begin() as connection:
            connection.execute(statement)


def store_floor_app(
    signing_secret: str, api_url: str, payload: dict[str, Any], database_url: str
) -> tuple[web.Application, Callable[[], None]]:
    """Bolt's own server; ``/her2`` reads and records as herbot does, acks, answers with ``respond()``.

    Returns the application and a function that closes the store.
    """
    store = create_store(database_url)
    floor = _FloorStore(store.engine)
    pool = concurrent.futures.ThreadPoolExecutor(DEFAULT_WORKERS, thread_name_prefix="floor-store")
    slots = {"ihc": "2+", "ish_ratio": "1.6", "ish_copy_number": "3.2"}
    in_flight: set[asyncio.Task[None]] = set()
    bolt = _bolt(signing_secret, api_url, process_before_response=True)

    async def in_pool(function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(pool, function, *args)

    async def answer(respond: Any, delivery_id: int) -> None:
        await respond(**payload)
        await in_pool(floor.mark_delivered, delivery_id)

    @bolt.command("/her2")
    async def her2_command(ack: Any, respond: Any, body: dict[str, Any]) -> None:
        conversation = f"floor:{body['team_id']}:{body['channel_id']}:{body['user_id']}"
        await in_pool(floor.load_slots, conversation)
        delivery_id = await in_pool(floor.record, f"floor:command:{body['trigger_id']}", conversation, payload, slots)
        await ack()
        if delivery_id is not None:
            task = asyncio.create_task(answer(respond, delivery_id))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)

    def close() -> None:
        pool.shutdown(wait=True)
        store.close()

    return bolt.web_app(path=EVENTS_PATH), close
