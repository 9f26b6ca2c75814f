"""Load the test tables in tests/data as pytest parameters, one case per row."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

DATA = Path(__file__).parent / "data"


def csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def csv_params(name: str) -> list[Any]:
    return [pytest.param(row, id=row["id"]) for row in csv_rows(name)]


def yaml_params(name: str, key: str = "id") -> list[Any]:
    rows = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return [pytest.param(row, id=str(row[key])) for row in rows]
