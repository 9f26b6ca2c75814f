"""Answer one Slack request so that an acknowledged request is never left unanswered.

The steps are every surface's (``bot.answering``): read the conversation's slots, answer and render on the
answering executor, record inbox + outbox + slots in one transaction, then ack. Bolt runs with
``process_before_response``, so the HTTP response (the ack) leaves only once the listener has returned,
after the answer was recorded. Slack adds two kinds of answer of its own: an edited message, answered
as a new case, and the reasoning behind a classification whose values a button carries. Education replies
(lessons, quizzes, scores, schedules) are drawn by ``bot.render.slack_education``.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import cached_property

from bot.answering import Answering, Deliver, is_long_message
from bot.conversation import Prepared
from bot.delivery import Recorded
from bot.education.texts import unavailable
from bot.engine.explanation import Explanation
from bot.render.slack import SlackMessage, SlackRenderer
from bot.render.slack_education import QuizChoice, SlackEducationRenderer
from bot.slack.inbound import Inbound, decode_values, encode_values
from intents.education_replies import EducationReply, Place
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

    @cached_property
    def _education_renderer(self) -> SlackEducationRenderer:
        """The renderer of lessons, quizzes, scores and schedules."""
        return SlackEducationRenderer(self._renderer, self._services.knowledge.sources)

    def render_scheduled(self, reply: EducationReply, set_by: str) -> SlackMessage:
        """A scheduled post: ``reply`` for everyone in the channel, naming ``set_by``, who set the schedule."""
        return self._education_renderer.render(reply, scheduled_by=set_by)

    async def reply_to_edit(self, key: str, inbound: Inbound, deliver: SlackDeliver) -> Recorded:
        """Answer an edited message as a new case: no earlier value stays, and the conversation keeps its values."""
        if is_too_long(inbound.text):
            return await self._record(key, deliver(self._too_long(inbound)), None, None)
        memory = await self._read_slots(inbound.conversation) is not None
        prepared, message = await self._run(self._answer_edit, inbound, memory, long=is_long_message(inbound.text))
        # Measured against an empty conversation, "nothing changed" still means forgetting what was there.
        slots = (prepared.slots or {}) if memory else None
        return await self._record(key, deliver(message), inbound.conversation, slots)

    async def answer_quiz_click(
        self, key: str, place: Place | None, choice: QuizChoice | None, deliver: SlackDeliver
    ) -> Recorded:
        """A quiz button clicked at ``place``: the clicker's answer, recorded once, and its private feedback; a click
        whose ids herbot cannot read is told the question is no longer available."""
        if place is None or choice is None or self._education is None:
            message = await self._run(self._render_explanation, unavailable())
            return await self._record(key, deliver(message), None, None)
        return await self.answer_quiz(key, place, choice.post_id, choice.option_id, deliver)

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

    def _render_education(self, reply: EducationReply) -> SlackMessage:
        return self._education_renderer.render(reply)

    def _render_answer(self, answer: Answer, *, show_steps: bool) -> SlackMessage:
        has_steps = answer.explanation.classification is not None and not answer.values.is_empty
        token = encode_values(answer.values) if has_steps and not show_steps else None
        return self._renderer.render(answer.explanation, show_steps=show_steps, reasoning_token=token)
