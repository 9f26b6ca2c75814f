"""Plain-text rendering of an ``Explanation`` (CLI, terminal chat, logs of tests)."""

from __future__ import annotations

import jinja2

from bot.engine.explanation import Explanation
from bot.engine.sources import SourceRegistry
from bot.render.citations import number_citations
from bot.render.environment import create_environment

__all__ = ["TextRenderer"]


class TextRenderer:
    """Renders explanations through ``templates/text/``."""

    def __init__(self, sources: SourceRegistry, environment: jinja2.Environment | None = None) -> None:
        self._sources = sources
        self._template = (environment or create_environment("text")).get_template("explanation.txt.j2")

    def render(self, explanation: Explanation, *, show_steps: bool = True) -> str:
        """The whole answer as plain text."""
        cited = number_citations(explanation, self._sources, with_steps=show_steps)
        return self._template.render(x=explanation, cite=cited.marks, cited=cited, show_steps=show_steps)
