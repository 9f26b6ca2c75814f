"""Answer Teams messages as Adaptive Cards, through every surface's answering steps (``bot.answering``).

Education replies (``learn``, ``quiz``, ``scores``, ``schedule``) are drawn by ``bot.teams.teaching``; a click
on a quiz card is answered here too, as the card that person sees (``quiz_click``).
"""

from __future__ import annotations

from functools import cached_property

from bot.answering import Answering
from bot.engine.explanation import Explanation
from bot.render.teams import TeamsMessage, TeamsRenderer
from bot.render.teams_education import ANSWER_VERB, Mention, TeamsEducationRenderer
from bot.teams.clicks import QuizClick
from bot.teams.teaching import click_card, education_message
from intents.education_replies import EducationReply, Place
from intents.router import Answer

__all__ = ["TeamsAnswering"]


class TeamsAnswering(Answering[TeamsMessage]):
    """Answers Teams messages; ``renderer`` also draws the welcome and failure cards."""

    surface = "teams"

    @cached_property
    def renderer(self) -> TeamsRenderer:
        """The surface's renderer, also for the welcome and failure cards."""
        return TeamsRenderer(self._services.knowledge.sources)

    @cached_property
    def education_renderer(self) -> TeamsEducationRenderer:
        """Quiz cards, scores and the other education replies."""
        return TeamsEducationRenderer(self.renderer)

    @property
    def teaches(self) -> bool:
        """Whether lessons and quizzes are kept (there is a store): otherwise quiz clicks are not implemented."""
        return self._education is not None

    def render_education(self, reply: EducationReply) -> TeamsMessage:
        """An education reply as Teams shows it (a scheduled post too)."""
        return education_message(self.education_renderer, self._services.knowledge.curriculum, reply)

    def named(self, message: TeamsMessage, place: Place | None, speaker: Mention | None) -> TeamsMessage:
        """``message`` naming ``speaker`` where it says who set what it says, when that is the person of ``place``
        (the turn it answers); otherwise as rendered, naming "a member of this channel"."""
        person = place.person if place is not None else None
        return self.education_renderer.named(message, person, speaker)

    async def quiz_click(self, click: QuizClick, place: Place, viewer: str) -> TeamsMessage | None:
        """The card ``place.person`` sees after ``click``: their answer recorded (the first one counts) and their
        result; or their view of the question. ``None``: herbot does not know the question (or cannot reach its
        memory) and their card stays as it is."""
        if self._education is None:
            return None
        feedback = None
        if click.verb == ANSWER_VERB and click.option_id is not None:
            feedback = await self._education.answer(place, click.post_id, click.option_id)
        seen = await self._education.view(place, click.post_id)
        if seen is None and feedback is None:
            return None
        curriculum = self._services.knowledge.curriculum
        return await self._run(click_card, self.education_renderer, curriculum, click, seen, feedback, viewer)

    def _render(self, answer: Answer) -> TeamsMessage:
        return self.renderer.render(answer.explanation)

    def _render_explanation(self, explanation: Explanation) -> TeamsMessage:
        return self.renderer.render(explanation)

    def _render_education(self, reply: EducationReply) -> TeamsMessage:
        return self.render_education(reply)
