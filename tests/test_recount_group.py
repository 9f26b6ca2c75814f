"""A recount reported by the group it found is compared with the group of the ratio and copy number."""

from __future__ import annotations

from typing import Any

import pytest
from tabledata import yaml_params

from bot.engine import classify
from bot.engine.fields import report_from_fields
from bot.errors import InvalidValue
from intents.extraction import extract_values

ROWS = yaml_params("recount_group.yaml")


def outcome(text: str) -> dict[str, Any]:
    """The HER2 status a message classifies to, or the field the validator rejects and why."""
    try:
        report = report_from_fields(extract_values(text).fields)
    except InvalidValue as error:
        return {"error": {"field": error.field, "reason": error.reason}}
    return {"status": str(classify(report).her2_status)}


@pytest.mark.parametrize("row", ROWS)
def test_recount_group_is_compared_with_the_computed_group(row: dict[str, Any]) -> None:
    assert outcome(row["text"]) == {key: row[key] for key in ("status", "error") if key in row}
