"""Bad values raise one clear error naming the field, the value and what is allowed."""

from __future__ import annotations

import pytest
from tabledata import csv_params

from bot.engine import report_from_fields
from bot.errors import InvalidValue


@pytest.mark.parametrize("row", csv_params("invalid_values.csv"))
def test_invalid_value_is_named(row: dict[str, str]) -> None:
    fields = dict(pair.split("=", 1) for pair in row["fields"].split(";"))
    with pytest.raises(InvalidValue) as caught:
        report_from_fields(fields)
    assert (caught.value.field, caught.value.value) == (row["error_field"], row["error_value"])
    assert row["error_value"] in str(caught.value) and "allowed" in str(caught.value)
