"""The result of reading one message: ``Extraction``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = ["WORD_ONLY_FIELDS", "Extraction"]

# Fields a report can state in words alone; they never make a message "measured".
WORD_ONLY_FIELDS = frozenset({"er_call", "pr_call", "ish_called_amplified", "her2_called_positive"})


@dataclass(frozen=True, slots=True)
class Extraction:
    """Values one message reports, fields it reported twice differently, and kinds of identifiers it held.

    ``fields`` maps a name from ``bot.engine.fields.FIELDS`` to the value text the engine
    validator reads. A field reported with two different values is left out of ``fields`` and
    listed in ``conflicts``. ``identifiers`` names only the kinds seen ("mrn", "name", ...),
    never the identifier itself.

    >>> Extraction(fields={"er_call": "positive"}).measured
    False
    >>> Extraction(fields={"ihc": "2+"}, identifiers=("mrn",))
    Extraction(fields=mappingproxy({'ihc': '2+'}), conflicts=(), identifiers=('mrn',))
    """

    fields: Mapping[str, str] = field(default_factory=dict)
    conflicts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    identifiers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", MappingProxyType(dict(self.fields)))

    @property
    def measured(self) -> bool:
        """True when a value beyond a word-only label (or a conflict) was found."""
        return bool(self.conflicts) or any(name not in WORD_ONLY_FIELDS for name in self.fields)
