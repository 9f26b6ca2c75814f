"""Answer one platform request so that an acknowledged request is never left unanswered, on any surface.

Every adapter runs the same steps, in this order::

    parse -> read the conversation's slots (the store's timeout) -> answer and render (answering executor)
          -> record inbox + outbox + slots (one transaction) -> acknowledge -> the sender delivers

A request already in the inbox (a platform retry, a replay) records nothing and is acknowledged without a
second answer. Answering and rendering run on small thread pools of their own, never touching the
database: the conversation's slots are read beforehand through the store's bounded calls, so a stalled
database can neither hold an answering thread nor delay an acknowledgement past the store's timeout.
Long messages have a lane of their own, for answering and for recording, so a burst of them only queues
behind itself. While the store is down the request goes to the in-memory inbox, and the answer says the
conversation's memory is unavailable. A message longer than herbot reads is not answered but asked for its
values (``intents.too_long``).

A surface subclasses ``Answering`` with its renderer (``_render``); nothing here knows a platform.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from bot.conversation import Prepared
from bot.delivery import Inbox, NewDelivery, Recorded, StoreCalls
from bot.engine.explanation import Explanation
from bot.errors import StoreUnavailable
from bot.services import Services
from intents.router import Answer
from intents.too_long import is_too_long, too_long_explanation

if TYPE_CHECKING:
    from bot.education.desk import EducationDesk
    from intents.education_replies import EducationReply, Place

__all__ = [
    "ANSWER_WORKERS",
    "LONG_ANSWER_WORKERS",
    "LONG_MESSAGE_CHARS",
    "Answering",
    "Deliver",
    "Message",
    "is_long_message",
]

log = logging.getLogger("herbot.answering")

T = TypeVar("T")
M = TypeVar("M")

# Answering is CPU work of a few milliseconds; more threads than cores only make a burst slower for everyone.
ANSWER_WORKERS = 4
# Long messages (pasted reports) cost up to tens of milliseconds each: they take their own lane, so a burst of
# them queues behind itself and never in front of a short question. One thread: under the GIL a second one
# would not answer them sooner, only take more of the time the short questions and the acks need.
LONG_MESSAGE_CHARS = 1_000
LONG_ANSWER_WORKERS = 1

Deliver = Callable[[M], Sequence[NewDelivery]]
"""Where a rendered answer goes: the deliveries to record for it."""


class Message(Protocol):
    """What a surface answers: the text to read and the conversation it belongs to."""

    @property
    def text(self) -> str: ...

    @property
    def conversation(self) -> str: ...


class Answering(Generic[M]):
    """Answers a surface's requests on its own executors and records each answer before the caller acknowledges."""

    surface = "surface"

    def __init__(
        self,
        services: Services,
        inbox: Inbox,
        calls: StoreCalls | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        education: EducationDesk | None = None,
    ) -> None:
        self._services = services
        self._inbox = inbox
        self._calls = calls
        self._clock = clock
        self._education = education
        prefix = f"herbot-{self.surface}"
        self._short = concurrent.futures.ThreadPoolExecutor(ANSWER_WORKERS, thread_name_prefix=f"{prefix}-answer")
        self._long = concurrent.futures.ThreadPoolExecutor(LONG_ANSWER_WORKERS, thread_name_prefix=f"{prefix}-long")
        self._long_records = asyncio.Semaphore(LONG_ANSWER_WORKERS)

    def now(self) -> datetime:
        """When a request arrived, for its deliveries' deadlines."""
        return self._clock()

    def close(self) -> None:
        for executor in (self._short, self._long):
            executor.shutdown(wait=False, cancel_futures=True)

    async def reply(self, key: str, message: Message, deliver: Deliver[M]) -> Recorded:
        """Answer ``message`` in its conversation and record the answer under ``key``."""
        if is_too_long(message.text):
            return await self._record(key, deliver(self._too_long(message)), None, None)
        place = getattr(message, "place", None)
        team = place.team if self._education is not None and place is not None else None
        if self._education is not None and place is not None:
            taught = await self._education.reply_to(message.text, place)
            if taught is not None:
                from intents.education_replies import with_notice  # the education path only: its modules load with it

                notice = await self._education.notice(place.team)
                rendered = await self._run(self._render_education, with_notice(taught, notice))
                return await self._record(key, deliver(rendered), None, None)
        slots, notice = await self._read_state(message.conversation, team)
        long = is_long_message(message.text)
        prepared, rendered = await self._run(self._answer, message, slots, notice, long=long)
        async with self._lane_for_record(long):
            return await self._record(key, deliver(rendered), message.conversation, prepared.slots)

    async def answer_quiz(self, key: str, place: Place, post_id: str, option_id: str, deliver: Deliver[M]) -> Recorded:
        """Record ``place.person``'s answer to a posted question and record the private feedback under ``key``."""
        if self._education is None:
            return await self._record(key, (), None, None)
        feedback = await self._education.answer(place, post_id, option_id)
        rendered = await self._run(self._render_explanation, feedback)
        return await self._record(key, deliver(rendered), None, None)

    async def record_only(self, key: str, deliveries: Sequence[NewDelivery]) -> Recorded:
        """Record ready-made deliveries (an apology, a welcome) under ``key``."""
        return await self._record(key, deliveries, None, None)

    # For the surface

    def _render(self, answer: Answer) -> M:
        """``answer`` as the surface shows it."""
        raise NotImplementedError

    def _render_explanation(self, explanation: Explanation) -> M:
        """An explanation that answers no message (too long to read, feedback on a quiz answer) as the surface
        shows it."""
        raise NotImplementedError

    def _render_education(self, reply: EducationReply) -> M:
        """A lesson, quiz, scores or schedule reply as the surface shows it."""
        raise NotImplementedError

    # On the answering executor

    def _answer(self, message: Message, slots: dict[str, str] | None, notice: str | None) -> tuple[Prepared, M]:
        prepared = self._prepare(message, slots)
        answer = prepared.answer
        if notice:
            explanation = answer.explanation
            answer = replace(answer, explanation=replace(explanation, notices=(notice, *explanation.notices)))
        return prepared, self._render(answer)

    def _prepare(self, message: Message, slots: dict[str, str] | None) -> Prepared:
        """The answer over the slots already read (``None``: memory unavailable), and what they become."""
        return self._services.conversations.prepare_from(
            message.text or "help", slots, conversation=message.conversation, surface=self.surface
        )

    def _too_long(self, message: Message) -> M:
        log.info("message too long to read surface=%s chars=%d", self.surface, len(message.text))
        return self._render_explanation(too_long_explanation(len(message.text)))

    # Around it

    async def _run(self, function: Callable[..., T], *args: Any, long: bool = False) -> T:
        executor = self._long if long else self._short
        return await asyncio.get_running_loop().run_in_executor(executor, function, *args)

    @contextlib.asynccontextmanager
    async def _lane_for_record(self, long: bool) -> AsyncIterator[None]:
        """Long messages' records take the long lane too, one at a time, so a burst's writes do not all queue in
        front of a short question's for the store's write lock. A record waits for the lane no longer than the
        store's timeout: while the store stalls, a burst is acknowledged together, not one timeout after another."""
        if not long or self._calls is None:
            yield
            return
        acquired = False
        with contextlib.suppress(TimeoutError):
            acquired = await asyncio.wait_for(self._long_records.acquire(), self._calls.timeout)
        try:
            yield
        finally:
            if acquired:
                self._long_records.release()

    async def _read_slots(self, conversation: str) -> dict[str, str] | None:
        """The conversation's saved values; ``None`` if the store did not answer within its timeout."""
        return (await self._read_state(conversation, None))[0]

    async def _read_state(self, conversation: str, team: str | None) -> tuple[dict[str, str] | None, str | None]:
        """The conversation's saved values and ``team``'s notice, if any, in one call on the store's pool (a second
        call would queue behind a burst's); ``(None, None)`` if the store did not answer within its timeout."""
        if self._calls is None:
            return None, None
        store = self._calls.store

        def read() -> tuple[dict[str, str], str | None]:
            return store.load_slots(conversation), store.education.take_notice(team) if team else None

        try:
            return await self._calls.run(read)
        except StoreUnavailable:
            log.warning("store unavailable while reading a conversation surface=%s", self.surface)
            return None, None

    async def _record(
        self, key: str, deliveries: Sequence[NewDelivery], conversation: str | None, slots: dict[str, str] | None
    ) -> Recorded:
        recorded = await self._inbox.record(key, deliveries, slots, conversation=conversation)
        if recorded is Recorded.DUPLICATE:
            log.info("request already answered surface=%s kind=%s", self.surface, key.split(":")[1])
        return recorded


def is_long_message(text: str) -> bool:
    """Whether ``text`` is answered in the long lane."""
    return len(text) > LONG_MESSAGE_CHARS
