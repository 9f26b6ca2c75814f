"""The source registry: every id a clinical statement may cite, with its full citation.

>>> registry = SourceRegistry((Source(id="x", kind=SourceKind.GUIDELINE, short="X", citation="X. 2020."),))
>>> registry.resolve(("x",))[0].short
'X'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.errors import UnknownSource

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


@dataclass(frozen=True, slots=True)
class Source:
    """One citable source, as recorded in the registry."""

    id: str
    kind: SourceKind
    short: str
    citation: str
    title: str = ""
    authors: str | None = None
    publisher: str | None = None
    year: int | None = None
    date: str | None = None
    version: str | None = None
    doi: str | None = None
    url: str | None = None
    verification: str = "V"
    unverified: str | None = None

    @property
    def brief(self) -> str:
        """A one-line reference for chat: first author, title, where and when.

        >>> Source(id="x", kind=SourceKind.TRIAL, short="X", citation="...", title="A trial",
        ...        authors="Doe J, Roe R", publisher="N Engl J Med", year=2022).brief
        'Doe J et al. A trial. N Engl J Med 2022.'
        """
        first = (self.authors or "").split(",")[0].removesuffix(" et al.").strip()
        several = bool(self.authors) and ("," in self.authors or "et al" in self.authors)
        author = f"{first}{' et al.' if several else '.'} " if first else ""
        where = " ".join(str(part) for part in (self.publisher, self.year) if part)
        return f"{author}{self.title.rstrip('.')}." + (f" {where}." if where else "")


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
        raise UnknownSource(source_id=source_id)

    def resolve(self, source_ids: Iterable[str]) -> tuple[Source, ...]:
        """The sources for ``source_ids``, once each, in order of first mention."""
        return tuple(self.get(source_id) for source_id in dict.fromkeys(source_ids))
