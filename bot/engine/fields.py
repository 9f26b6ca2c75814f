"""Reported values as named text fields: ``FIELDS``, ``report_from_fields`` and its inverse ``report_fields``.

The extraction, the CLI options, the store and Slack buttons all speak these field names; a ``Report``
is built from them in one place, where every value is validated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from functools import partial
from typing import TypeVar

from bot.engine.parsing import (
    parse_allred_proportion,
    parse_allred_total,
    parse_call,
    parse_flag,
    parse_ihc,
    parse_number,
    parse_percent,
    parse_probe,
    parse_recount,
    parse_recount_group,
)
from bot.engine.values import ReceptorResult, Report
from bot.errors import InvalidValue

__all__ = ["FIELDS", "NUMERIC_FIELDS", "report_fields", "report_from_fields"]

T = TypeVar("T")

FIELDS = (
    "ihc",
    "ish_ratio",
    "ish_copy_number",
    "ish_probe",
    "ish_recount_same_group",
    "ish_recount_group",
    "er_percent",
    "pr_percent",
    "er_allred_total",
    "er_allred_proportion",
    "pr_allred_total",
    "pr_allred_proportion",
    "er_call",
    "pr_call",
    "ish_called_amplified",
    "her2_called_positive",
)
# Fields whose values are numbers, so "1.6" and "1.60" are the same value.
NUMERIC_FIELDS = frozenset(
    {
        "ish_ratio",
        "ish_copy_number",
        "er_percent",
        "pr_percent",
        "er_allred_total",
        "er_allred_proportion",
        "pr_allred_total",
        "pr_allred_proportion",
    }
)


def _check_allred(prefix: str, total: int | None, proportion: int | None) -> None:
    """An Allred total must be the proportion score plus an intensity of 0 to 3."""
    if total is None or proportion is None:
        return
    intensity = total - proportion
    if not (0 <= intensity <= 3) or (proportion > 0) != (intensity > 0):
        raise InvalidValue(
            field=f"{prefix}_allred_total",
            value=str(total),
            reason=f"with proportion score {proportion} the intensity score would be {intensity}",
            allowed="a total equal to the proportion score (0–5) plus an intensity score (1–3; 0 if no cells stain)",
        )


def _optional(given: Mapping[str, str], name: str, parse: Callable[[str], T]) -> T | None:
    return parse(given[name]) if name in given else None


def _receptor(prefix: str, given: Mapping[str, str]) -> ReceptorResult | None:
    result = ReceptorResult(
        percent=_optional(given, f"{prefix}_percent", partial(parse_percent, f"{prefix}_percent")),
        allred_total=_optional(given, f"{prefix}_allred_total", partial(parse_allred_total, f"{prefix}_allred_total")),
        allred_proportion=_optional(
            given, f"{prefix}_allred_proportion", partial(parse_allred_proportion, f"{prefix}_allred_proportion")
        ),
        call=_optional(given, f"{prefix}_call", partial(parse_call, f"{prefix}_call")),
    )
    _check_allred(prefix, result.allred_total, result.allred_proportion)
    return None if result.is_empty else result


def report_from_fields(raw: Mapping[str, str | None]) -> Report:
    """Build a validated ``Report`` from text fields named as in ``FIELDS``.

    Empty strings and ``None`` mean "not reported". Unknown field names are an error.

    >>> report_from_fields({"ihc": "2+", "ish_ratio": "1.6", "ish_copy_number": "3.2"}).effective_probe
    <Probe.DUAL: 'dual'>
    """
    unknown = set(raw) - set(FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidValue(field=name, value=name, allowed="one of " + ", ".join(FIELDS), reason="unknown field")
    given = {k: str(v).strip() for k, v in raw.items() if v is not None and str(v).strip() != ""}
    return Report(
        ihc=_optional(given, "ihc", parse_ihc),
        ish_ratio=_optional(given, "ish_ratio", partial(parse_number, "ish_ratio")),
        ish_copy_number=_optional(given, "ish_copy_number", partial(parse_number, "ish_copy_number")),
        ish_probe=_optional(given, "ish_probe", parse_probe),
        ish_recount_same_group=_optional(given, "ish_recount_same_group", parse_recount),
        ish_recount_group=_optional(given, "ish_recount_group", parse_recount_group),
        er=_receptor("er", given),
        pr=_receptor("pr", given),
        ish_called_amplified=_optional(given, "ish_called_amplified", partial(parse_flag, "ish_called_amplified")),
        her2_called_positive=_optional(given, "her2_called_positive", partial(parse_flag, "her2_called_positive")),
    )


def report_fields(report: Report) -> dict[str, str]:
    """The inverse of ``report_from_fields``: the reported values as text fields, for the store and buttons.

    >>> report = report_from_fields({"ihc": "2+", "ish_ratio": "1.60", "er_percent": "90"})
    >>> report_fields(report), report_from_fields(report_fields(report)) == report
    ({'ihc': '2+', 'ish_ratio': '1.60', 'er_percent': '90'}, True)
    """
    flat: dict[str, object] = {f.name: getattr(report, f.name) for f in fields(report) if f.name not in ("er", "pr")}
    for prefix in ("er", "pr"):
        receptor: ReceptorResult | None = getattr(report, prefix)
        if receptor is not None:
            flat.update({f"{prefix}_{f.name}": getattr(receptor, f.name) for f in fields(receptor)})
    return {name: _field_text(flat[name]) for name in FIELDS if flat.get(name) is not None}


def _field_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
