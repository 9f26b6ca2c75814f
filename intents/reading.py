"""Read a report from free text plus explicitly given fields, refusing contradictions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.engine import Report, report_from_fields
from bot.errors import ConflictingValues
from intents.extraction import extract_values

__all__ = ["Reading", "read_report"]


@dataclass(frozen=True, slots=True)
class Reading:
    """A validated report, and what reading it noticed (never the text itself)."""

    report: Report
    identifiers: tuple[str, ...] = ()
    recognised: bool = False


def _same_value(field: str, first: str, second: str) -> bool:
    return first == second or report_from_fields({field: first}) == report_from_fields({field: second})


def read_report(text: str, given: Mapping[str, str] | None = None) -> Reading:
    """Extract values from ``text``, add ``given`` fields, validate; raise ``InvalidValue`` if wrong."""
    extraction = extract_values(text)
    if extraction.conflicts:
        field, values = extraction.conflicts[0]
        raise ConflictingValues(field=field, values=values)
    fields = dict(extraction.fields)
    for field, value in (given or {}).items():
        if field in fields and not _same_value(field, fields[field], value):
            raise ConflictingValues(field=field, values=(fields[field], value))
        fields[field] = value
    return Reading(report_from_fields(fields), extraction.identifiers, recognised=bool(extraction.fields))
