"""Answer one Slack request so that an acknowledged request is never left unanswered.

The steps are every surface's (``bot.answering``): read the conversation's slots, answer and render on the
answering executor, record inbox + outbox + slots in one transaction, then ack. Bolt runs with
``process_before_response``, so the HTTP response (the ack) leaves only once the listener has returned,
after the answer was recorded. Slack adds two kinds of answer of its own: an edited message, answered
as a new case, and the reasoning behind a classification whose values a button carries.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import cached_property

from bot.answering import Answering, Deliver, is_long_message
from bot.conversation import Prepared
from bot.delivery import Recorded
from bot.engine.explanation import Explanation
from bot.render.slack import SlackMessage, SlackRenderer
from bot.slack.inbound import Inbound, decode_values, encode_values
from intents.router import Answer
from intents.too_long import is_too_long

__all__ = ["EDIT_MEMORY_LOST", "EDIT_NOTICE", "SlackAnswering", "SlackDeliver"]

log = logging.getLogger("herbot.slack")

EDIT_NOTICE = (
    "Edited message: this answer replaces my earlier one. I read the edited message as a new case, "
    "so values given earlier in this conversation are not used; repeat any you still need."
)
EDIT_MEMORY_LOST = "I couldn't reach my conversation memory, so this answer uses only the edited message."

SlackDeliver = Deliver[SlackMessage]


class SlackAnswering(Answering[SlackMessage]):
    """Answers Slack requests as Block Kit messages."""

    surface = "slack"

    @cached_property
    def _renderer(self) -> SlackRenderer:
        """The surface's renderer."""
        return SlackRenderer(self._services.knowledge.sources)

    async def reply_to_edit(self, key: str, inbound: Inbound, deliver: SlackDeliver) -> Recorded:
        """Answer an edited message as a new case: no earlier value stays, and the conversation keeps its values."""
        if is_too_long(inbound.text):
            return await self._record(key, deliver(self._too_long(inbound)), None, None)
        memory = await self._read_slots(inbound.conversation) is not None
        prepared, message = await self._run(self._answer_edit, inbound, memory, long=is_long_message(inbound.text))
        # Measured against an empty conversation, "nothing changed" still means forgetting what was there.
        slots = (prepared.slots or {}) if memory else None
        return await self._record(key, deliver(message), inbound.conversation, slots)

    async def show_reasoning(self, key: str, token: str, deliver: SlackDeliver) -> Recorded:
        """The steps behind a classification whose values a button carries."""
        message = await self._run(self._reasoning, token)
        return await self._record(key, deliver(message), None, None)

    # On the answering executor

    def _answer_edit(self, inbound: Inbound, memory: bool) -> tuple[Prepared, SlackMessage]:
        prepared = self._prepare(inbound, {})
        answer = prepared.answer
        notices = (EDIT_NOTICE, *(() if memory else (EDIT_MEMORY_LOST,)), *answer.explanation.notices)
        answer = replace(answer, explanation=replace(answer.explanation, notices=notices))
        return prepared, self._render(answer)

    def _reasoning(self, token: str) -> SlackMessage:
        answer = self._services.router.answer("show the reasoning", decode_values(token))
        return self._render_answer(answer, show_steps=True)

    def _render(self, answer: Answer) -> SlackMessage:
        return self._render_answer(answer, show_steps=False)

    def _render_explanation(self, explanation: Explanation) -> SlackMessage:
        return self._renderer.render(explanation)

    def _render_answer(self, answer: Answer, *, show_steps: bool) -> SlackMessage:
        has_steps = answer.explanation.classification is not None and not answer.values.is_empty
        token = encode_values(answer.values) if has_steps and not show_steps else None
        return self._renderer.render(answer.explanation, show_steps=show_steps, reasoning_token=token)
