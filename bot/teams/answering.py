"""Answer Teams messages as Adaptive Cards, through every surface's answering steps (``bot.answering``)."""

from __future__ import annotations

from functools import cached_property

from bot.answering import Answering
from bot.engine.explanation import Explanation
from bot.render.teams import TeamsMessage, TeamsRenderer
from intents.router import Answer

__all__ = ["TeamsAnswering"]


class TeamsAnswering(Answering[TeamsMessage]):
    """Answers Teams messages; ``renderer`` also draws the welcome and failure cards."""

    surface = "teams"

    @cached_property
    def renderer(self) -> TeamsRenderer:
        """The surface's renderer, also for the welcome and failure cards."""
        return TeamsRenderer(self._services.knowledge.sources)

    def _render(self, answer: Answer) -> TeamsMessage:
        return self.renderer.render(answer.explanation)

    def _render_explanation(self, explanation: Explanation) -> TeamsMessage:
        return self.renderer.render(explanation)
