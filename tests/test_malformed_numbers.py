"""A malformed number is read as written and rejected by the validator with a reason, never cut down to a number."""

from __future__ import annotations

from typing import Any

import pytest
from tabledata import yaml_params

from bot.engine.fields import report_from_fields
from bot.errors import InvalidValue
from intents.extraction import extract_values

ROWS = yaml_params("malformed_numbers.yaml")


def outcome(text: str) -> dict[str, Any]:
    """The fields a message gives, or the rejected field, the value its error message quotes and the reason."""
    fields = extract_values(text).fields
    try:
        report_from_fields(fields)
    except InvalidValue as error:
        written = fields.get(error.field, "")
        quoted = written if repr(written) in str(error) else str(error)
        return {"error": {"field": error.field, "value": quoted, "reason": error.reason}}
    return {"fields": dict(fields)}


@pytest.mark.parametrize("row", ROWS)
def test_malformed_number_is_read_as_written_or_rejected(row: dict[str, Any]) -> None:
    assert outcome(row["text"]) == {key: row[key] for key in ("fields", "error") if key in row}
