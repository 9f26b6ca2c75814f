"""Plain-text rendering of an ``Explanation`` (CLI, terminal chat, logs of tests)."""

from __future__ import annotations

import jinja2

from bot.engine.explanation import Explanation
from bot.engine.sources import SourceRegistry
from bot.render.citations import number_citations
from bot.render.environment import create_environment
from bot.render.views import default_view

__all__ = ["TextRenderer"]


class TextRenderer:
    """Renders explanations through ``templates/text/``."""

    def __init__(self, sources: SourceRegistry, environment: jinja2.Environment | None = None) -> None:
        self._sources = sources
        self._template = (environment or create_environment("text")).get_template("explanation.txt.j2")

    def render(self, explanation: Explanation, *, full: bool = False) -> str:
        """The default view (``views.default_view``), or with ``full`` every point, the reasoning and full
        references; an explanation marked ``full`` is always shown whole."""
        full = full or explanation.full
        shown = explanation if full else default_view(explanation)
        cited = number_citations(shown, self._sources, with_steps=full)
        return self._template.render(x=shown, cite=cited.marks, cited=cited, full=full)
