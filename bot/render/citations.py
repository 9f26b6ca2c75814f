"""Numbered citations shared by every surface: [1], [2] ... in order of first citation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.engine.explanation import Explanation
from bot.engine.sources import Source, SourceRegistry

__all__ = ["Citations", "number_citations"]


@dataclass(frozen=True, slots=True)
class Citations:
    """The sources an explanation cites, numbered, and a way to mark a claim with its numbers."""

    sources: tuple[Source, ...]

    @property
    def marks(self) -> Callable[[Iterable[str]], str]:
        numbers = {source.id: index for index, source in enumerate(self.sources, start=1)}

        def mark(source_ids: Iterable[str]) -> str:
            return "".join(f"[{numbers[source_id]}]" for source_id in dict.fromkeys(source_ids))

        return mark


def number_citations(explanation: Explanation, registry: SourceRegistry) -> Citations:
    """Resolve every id the explanation cites; an unknown id raises ``UnknownSource``."""
    return Citations(registry.resolve(explanation.source_ids))
