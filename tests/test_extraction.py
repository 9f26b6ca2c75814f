"""Free-text phrasings read into exactly the reported values, conflicts and identifier kinds."""

from __future__ import annotations

from typing import Any

import pytest
from tabledata import yaml_params

from bot.engine.fields import FIELDS, report_from_fields
from bot.errors import InvalidValue
from intents.extraction import Extraction, extract_values

ROWS = yaml_params("extraction.yaml")
IDENTIFIER_ROWS = [row for row in ROWS if row.values[0].get("identifiers")]
VALID_ROWS = [row for row in ROWS if not row.values[0].get("invalid")]
INVALID_ROWS = [row for row in ROWS if row.values[0].get("invalid")]


def expected(row: dict[str, Any]) -> Extraction:
    conflicts = row.get("conflicts", {})
    return Extraction(
        fields=row["fields"],
        conflicts=tuple((name, tuple(conflicts[name])) for name in FIELDS if name in conflicts),
        identifiers=tuple(sorted(row.get("identifiers", []))),
    )


@pytest.mark.parametrize("row", ROWS)
def test_phrasing_reads_exactly_the_expected_values(row: dict[str, Any]) -> None:
    assert extract_values(row["text"]) == expected(row)


@pytest.mark.parametrize("row", IDENTIFIER_ROWS)
def test_identifier_text_never_reaches_the_extraction(row: dict[str, Any]) -> None:
    assert [token for token in row["secret"] if token.lower() in repr(extract_values(row["text"])).lower()] == []


@pytest.mark.parametrize("row", VALID_ROWS)
def test_valid_values_pass_the_engine_validator(row: dict[str, Any]) -> None:
    report_from_fields(extract_values(row["text"]).fields)


@pytest.mark.parametrize("row", INVALID_ROWS)
def test_invalid_values_are_named_by_the_engine_validator(row: dict[str, Any]) -> None:
    with pytest.raises(InvalidValue):
        report_from_fields(extract_values(row["text"]).fields)
