"""The machine contracts of DESIGN.md: the JSON objects ``herbot classify --json`` and ``ask --json`` print."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.engine import Classification, Report
from bot.engine.sources import SourceRegistry
from bot.errors import InvalidValue
from intents.router import Answer

__all__ = ["answer_json", "classification_json", "error_json", "report_values_json", "sources_json"]


def _number(value: Decimal | None) -> int | float | None:
    """A decimal as JSON shows it: 90 stays an integer, 1.60 becomes 1.6."""
    if value is None:
        return None
    return float(value) if "." in str(value) else int(value)


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def report_values_json(report: Report) -> dict[str, Any]:
    """The ``values`` object: the contract's fields always, the optional ones when reported."""
    er, pr = report.er, report.pr
    values: dict[str, Any] = {
        "ihc": None if report.ihc is None else str(report.ihc),
        "ish_ratio": _number(report.ish_ratio),
        "ish_copy_number": _number(report.ish_copy_number),
        "ish_probe": None if report.effective_probe is None else str(report.effective_probe),
        "ish_recount_same_group": _yes_no(report.ish_recount_same_group),
        "er_percent": _number(er.percent if er else None),
        "pr_percent": _number(pr.percent if pr else None),
    }
    for name, receptor in (("er", er), ("pr", pr)):
        if receptor is None:
            continue
        optional = {
            f"{name}_allred_total": receptor.allred_total,
            f"{name}_allred_proportion": receptor.allred_proportion,
            f"{name}_call": None if receptor.call is None else str(receptor.call),
        }
        values.update({key: value for key, value in optional.items() if value is not None})
    if report.ish_recount_group is not None:
        values["ish_recount_group"] = report.ish_recount_group
    if report.ish_called_amplified is not None:
        values["ish_called_amplified"] = _yes_no(report.ish_called_amplified)
    if report.her2_called_positive is not None:
        values["her2_called_positive"] = _yes_no(report.her2_called_positive)
    return values


def sources_json(source_ids: tuple[str, ...], registry: SourceRegistry) -> list[dict[str, Any]]:
    """``[{"id", "citation", ...}]`` for the cited ids, in order of first citation."""
    return [
        {"id": s.id, "citation": s.citation, "kind": str(s.kind), "short": s.short, "url": s.url}
        for s in registry.resolve(source_ids)
    ]


def classification_json(result: Classification, registry: SourceRegistry) -> dict[str, Any]:
    """The ``herbot classify --json`` object."""
    return {
        "her2_status": str(result.her2_status),
        "her2_category": str(result.her2_category),
        "ish_group": result.ish_group,
        "subtype": str(result.subtype),
        "er_status": str(result.er_status),
        "pr_status": str(result.pr_status),
        "hr_status": str(result.hr_status),
        "values": report_values_json(result.report),
        "steps": [{"rule": s.rule, "text": s.text, "sources": list(s.sources)} for s in result.steps],
        "missing": list(result.missing),
        "guidelines": list(result.guidelines),
        "sources": sources_json(result.sources, registry),
    }


def error_json(error: InvalidValue) -> dict[str, str]:
    """The ``error`` object: which field, the value as recognised, and what is allowed."""
    return {"field": error.field, "value": error.value, "allowed": error.allowed, "message": str(error)}


def answer_json(answer: Answer, text: str, registry: SourceRegistry) -> dict[str, Any]:
    """The ``herbot ask --json`` object."""
    explanation = answer.explanation
    classification = explanation.classification
    values = {} if answer.values.is_empty else report_values_json(answer.values)
    return {
        "intent": answer.intent,
        "confidence": round(answer.confidence, 3),
        "answer": explanation.question_id,
        "values": values,
        "classification": None if classification is None else classification_json(classification, registry),
        "error": None if answer.error is None else error_json(answer.error),
        "text": text,
        "sources": sources_json(explanation.source_ids, registry),
        "follow_ups": list(explanation.follow_ups),
    }
