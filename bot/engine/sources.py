"""The source registry: every id a clinical statement may cite, with its full citation.

>>> registry = SourceRegistry((Source(id="x", kind=SourceKind.GUIDELINE, short="X", citation="X. 2020."),))
>>> registry.resolve(("x",))[0].short
'X'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Source", "SourceKind", "SourceRegistry", "UnknownSource"]


class SourceKind(StrEnum):
    GUIDELINE = "guideline"
    TRIAL = "trial"
    REGISTRY = "registry"
    REGULATORY = "regulatory"
    REVIEW = "review"
    STUDY = "study"
    REFERENCE = "reference"
    CODE = "code"


class UnknownSource(LookupError):
    """A statement cites an id the registry does not hold: a bug in the knowledge or the rules."""


@dataclass(frozen=True, slots=True)
class Source:
    """One citable source, as recorded in the registry."""

    id: str
    kind: SourceKind
    short: str
    citation: str
    title: str = ""
    year: int | None = None
    date: str | None = None
    version: str | None = None
    doi: str | None = None
    url: str | None = None
    verification: str = "V"
    unverified: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRegistry:
    """All known sources, looked up by id."""

    sources: tuple[Source, ...]

    def __post_init__(self) -> None:
        ids = [source.id for source in self.sources]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate source id in the registry")

    def __contains__(self, source_id: object) -> bool:
        return any(source.id == source_id for source in self.sources)

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise UnknownSource(source_id)

    def resolve(self, source_ids: Iterable[str]) -> tuple[Source, ...]:
        """The sources for ``source_ids``, once each, in order of first mention."""
        return tuple(self.get(source_id) for source_id in dict.fromkeys(source_ids))
