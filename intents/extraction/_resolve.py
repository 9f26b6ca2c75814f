"""From every reading in a message to one value per field, or a conflict.

A field read twice with the same value (numbers compared exactly, so "1.6" and "1.60" agree)
keeps its first spelling. Different values become a conflict and leave ``fields``; nothing is
silently overwritten. Two refinements are not conflicts: an unqualified IHC "0" next to "0-ultralow"
or "0-null" (docs/her2-rules.md §1.1: the qualified value says more), and a receptor call in words next to
a percentage for that receptor (the percentage is what the classification reads).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

from bot.engine.fields import FIELDS, NUMERIC_FIELDS

__all__ = ["resolve"]

_QUALIFIED_ZERO = ("0-ultralow", "0-null")


def _same_value_key(field: str, value: str) -> object:
    if field in NUMERIC_FIELDS:
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def resolve(readings: Iterable[tuple[str, str]]) -> tuple[Mapping[str, str], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Fold ``(field, value)`` readings, in text order, into fields and conflicts (both in ``FIELDS`` order)."""
    seen: dict[str, dict[object, str]] = {}
    for field, value in readings:
        seen.setdefault(field, {}).setdefault(_same_value_key(field, value), value)
    values = {field: list(spellings.values()) for field, spellings in seen.items()}
    ihc = values.get("ihc", [])
    if "0" in ihc and any(score in _QUALIFIED_ZERO for score in ihc):
        ihc.remove("0")
    for receptor in ("er", "pr"):
        if f"{receptor}_percent" in values:
            values.pop(f"{receptor}_call", None)
    fields = {name: values[name][0] for name in FIELDS if len(values.get(name, ())) == 1}
    conflicts = tuple((name, tuple(values[name])) for name in FIELDS if len(values.get(name, ())) > 1)
    return fields, conflicts
