"""Answer Teams messages as Adaptive Cards, through every surface's answering steps (``bot.answering``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.answering import Answering
from bot.delivery import Inbox, StoreCalls
from bot.engine.explanation import Explanation
from bot.render.teams import TeamsMessage, TeamsRenderer
from bot.services import Services
from intents.router import Answer

__all__ = ["TeamsAnswering"]


class TeamsAnswering(Answering[TeamsMessage]):
    """Answers Teams messages; ``renderer`` also draws the welcome and failure cards."""

    surface = "teams"

    def __init__(
        self,
        services: Services,
        inbox: Inbox,
        calls: StoreCalls | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(services, inbox, calls, clock=clock)
        self.renderer = TeamsRenderer(services.knowledge.sources)

    def _render(self, answer: Answer) -> TeamsMessage:
        return self.renderer.render(answer.explanation)

    def _render_explanation(self, explanation: Explanation) -> TeamsMessage:
        return self.renderer.render(explanation)
