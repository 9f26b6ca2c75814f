"""Answer one Slack request so that an acknowledged request is never left unanswered.

Every listener runs the same steps, in this order::

    parse -> read the conversation's slots (the store's timeout) -> answer and render (answering executor)
          -> record inbox + outbox + slots (one transaction) -> ack -> the sender delivers

Bolt runs with ``process_before_response``, so the HTTP response (the ack) leaves only once the listener
has returned, after the answer was recorded. A request already in the inbox (Slack's retry, a replay of
the same ``trigger_id``) records nothing and is acked without a second answer.

Answering and rendering run on their own small thread pools, never touching the database: the
conversation's slots are read beforehand through the store's bounded calls, so a stalled database can
neither hold an answering thread nor delay an ack past the store's timeout. Long messages have a lane of
their own, so a burst of them only queues behind itself. While the store is down the request goes to
the in-memory inbox, and the answer says that the conversation's memory is unavailable. A message longer
than herbot reads is not answered at all but asked for its values (``intents.too_long``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.conversation import Prepared
from bot.delivery import Inbox, NewDelivery, Recorded, StoreCalls
from bot.errors import StoreUnavailable
from bot.render.slack import SlackMessage, SlackRenderer
from bot.services import Services
from bot.slack.inbound import Inbound, decode_values, encode_values
from intents.router import Answer
from intents.too_long import is_too_long, too_long_explanation

if TYPE_CHECKING:
    pass

__all__ = ["ANSWER_WORKERS", "EDIT_MEMORY_LOST", "EDIT_NOTICE", "LONG_ANSWER_WORKERS", "Answering", "Deliver"]

log = logging.getLogger("herbot.slack")

T = TypeVar("T")

# Answering is CPU work of a few milliseconds; more threads than cores only make a burst slower for everyone.
ANSWER_WORKERS = 4
# Long messages (pasted reports) cost up to tens of milliseconds each: they take their own lane, so a burst of
# them queues behind itself and never in front of a short question. One thread: under the GIL a second one
# would not answer them sooner, only take more of the time the short questions and the acks need.
LONG_MESSAGE_CHARS = 1_000
LONG_ANSWER_WORKERS = 1

EDIT_NOTICE = (
    "Edited message: this answer replaces my earlier one. I read the edited message as a new case, "
    "so values given earlier in this conversation are not used; repeat any you still need."
)
EDIT_MEMORY_LOST = "I couldn't reach my conversation memory, so this answer uses only the edited message."

Deliver = Callable[[SlackMessage], Sequence[NewDelivery]]
"""Where a rendered answer goes: the deliveries to record for it."""


class Answering:
    """Answers Slack requests on its own executor and records each answer before the caller acks."""

    def __init__(
        self,
        services: Services,
        inbox: Inbox,
        calls: StoreCalls | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._services = services
        self._renderer = SlackRenderer(services.knowledge.sources)
        self._inbox = inbox
        self._calls = calls
        self._clock = clock
        self._short = concurrent.futures.ThreadPoolExecutor(ANSWER_WORKERS, thread_name_prefix="herbot-slack-answer")
        self._long = concurrent.futures.ThreadPoolExecutor(LONG_ANSWER_WORKERS, thread_name_prefix="herbot-slack-long")

    def now(self) -> datetime:
        """When a request arrived, for its deliveries' deadlines."""
        return self._clock()

    def close(self) -> None:
        for executor in (self._short, self._long):
            executor.shutdown(wait=False, cancel_futures=True)

    async def reply(self, key: str, inbound: Inbound, deliver: Deliver) -> Recorded:
        """Answer ``inbound`` in its conversation and record the answer under ``key``."""
        if is_too_long(inbound.text):
            return await self._record(key, deliver(self._too_long(inbound)), None, None)
        slots = await self._read_slots(inbound.conversation)
        prepared, message = await self._run(self._answer, inbound, slots, long=_is_long(inbound))
        return await self._record(key, deliver(message), inbound.conversation, prepared.slots)

    async def reply_to_edit(self, key: str, inbound: Inbound, deliver: Deliver) -> Recorded:
        """Answer an edited message as a new case: no earlier value stays, and the conversation keeps its values."""
        if is_too_long(inbound.text):
            return await self._record(key, deliver(self._too_long(inbound)), None, None)
        memory = await self._read_slots(inbound.conversation) is not None
        prepared, message = await self._run(self._answer_edit, inbound, memory, long=_is_long(inbound))
        # Measured against an empty conversation, "nothing changed" still means forgetting what was there.
        slots = (prepared.slots or {}) if memory else None
        return await self._record(key, deliver(message), inbound.conversation, slots)

    async def show_reasoning(self, key: str, token: str, deliver: Deliver) -> Recorded:
        """The steps behind a classification whose values a button carries."""
        message = await self._run(self._reasoning, token)
        return await self._record(key, deliver(message), None, None)

    async def record_only(self, key: str, deliveries: Sequence[NewDelivery]) -> Recorded:
        """Record ready-made deliveries (an apology) under ``key``."""
        return await self._record(key, deliveries, None, None)

    # On the answering executor

    def _answer(self, inbound: Inbound, slots: dict[str, str] | None) -> tuple[Prepared, SlackMessage]:
        prepared = self._prepare(inbound, slots)
        return prepared, self._render(prepared.answer)

    def _prepare(self, inbound: Inbound, slots: dict[str, str] | None) -> Prepared:
        """The answer over the slots already read (``None``: memory unavailable), and what they become."""
        return self._services.conversations.prepare_from(
            inbound.text or "help", slots, conversation=inbound.conversation, surface="slack"
        )

    def _answer_edit(self, inbound: Inbound, memory: bool) -> tuple[Prepared, SlackMessage]:
        prepared = self._prepare(inbound, {})
        answer = prepared.answer
        notices = (EDIT_NOTICE, *(() if memory else (EDIT_MEMORY_LOST,)), *answer.explanation.notices)
        answer = replace(answer, explanation=replace(answer.explanation, notices=notices))
        return prepared, self._render(answer)

    def _reasoning(self, token: str) -> SlackMessage:
        answer = self._services.router.answer("show the reasoning", decode_values(token))
        return self._render(answer, show_steps=True)

    def _too_long(self, inbound: Inbound) -> SlackMessage:
        log.info("slack message too long to read surface=slack chars=%d", len(inbound.text))
        return self._renderer.render(too_long_explanation(len(inbound.text)))

    def _render(self, answer: Answer, *, show_steps: bool = False) -> SlackMessage:
        has_steps = answer.explanation.classification is not None and not answer.values.is_empty
        token = encode_values(answer.values) if has_steps and not show_steps else None
        return self._renderer.render(answer.explanation, show_steps=show_steps, reasoning_token=token)

    # Around it

    async def _run(self, function: Callable[..., T], *args: Any, long: bool = False) -> T:
        executor = self._long if long else self._short
        return await asyncio.get_running_loop().run_in_executor(executor, function, *args)

    async def _read_slots(self, conversation: str) -> dict[str, str] | None:
        """The conversation's saved values; ``None`` if the store did not answer within its timeout."""
        if self._calls is None:
            return None
        try:
            return await self._calls.run(self._calls.store.load_slots, conversation)
        except StoreUnavailable:
            log.warning("store unavailable while reading a conversation")
            return None

    async def _record(
        self, key: str, deliveries: Sequence[NewDelivery], conversation: str | None, slots: dict[str, str] | None
    ) -> Recorded:
        recorded = await self._inbox.record(key, deliveries, slots, conversation=conversation)
        if recorded is Recorded.DUPLICATE:
            log.info("slack request already answered kind=%s", key.split(":")[1])
        return recorded


def _is_long(inbound: Inbound) -> bool:
    return len(inbound.text) > LONG_MESSAGE_CHARS
