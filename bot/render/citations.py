"""Numbered citations shared by every surface: [1], [2] ... in order of first citation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import jinja2

from bot.engine.explanation import Explanation
from bot.engine.sources import Source, SourceKind, SourceRegistry

__all__ = ["Citations", "CitedTemplates", "number_citations"]


@dataclass(frozen=True, slots=True)
class Citations:
    """The sources an explanation cites, numbered, a way to mark a claim with its numbers, and the
    guideline versions behind the answer, so a reader knows how current it is."""

    sources: tuple[Source, ...]
    guidelines: tuple[str, ...] = ()
    guidelines_label: str = "Applied"

    @property
    def marks(self) -> Callable[[Iterable[str]], str]:
        numbers = {source.id: index for index, source in enumerate(self.sources, start=1)}

        def mark(source_ids: Iterable[str]) -> str:
            return "".join(f"[{numbers[source_id]}]" for source_id in dict.fromkeys(source_ids))

        return mark


def number_citations(explanation: Explanation, registry: SourceRegistry, *, with_steps: bool = True) -> Citations:
    """Resolve every id the shown parts cite (the steps only ``with_steps``); an unknown id raises ``UnknownSource``.

    The guidelines are those the explanation applied, or else the versions of the guidelines it cites.
    """
    shown = explanation.source_ids if with_steps else explanation.claim_source_ids
    sources = registry.resolve(shown)
    if explanation.guidelines:
        return Citations(sources, explanation.guidelines, "Applied")
    cited = tuple(f"{s.short}: {s.version}" for s in sources if s.kind is SourceKind.GUIDELINE and s.version)
    return Citations(sources, cited, "Guideline versions cited")


class CitedTemplates:
    """Renders one surface's templates with the citation marks (``cite``) of one explanation."""

    def __init__(self, environment: jinja2.Environment, cited: Citations) -> None:
        self._environment = environment
        self._cite = cited.marks

    def __call__(self, name: str, **context: Any) -> str:
        return self._environment.get_template(name).render(cite=self._cite, **context).strip()
