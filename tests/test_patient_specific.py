"""Patient-specific requests are declined, general questions are not (tests/data/patient_specific.yaml)."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml
from tabledata import DATA

from intents.detection import normalise
from intents.detection.patient import is_patient_specific

ROWS = yaml.safe_load((DATA / "patient_specific.yaml").read_text(encoding="utf-8"))
CASES = [pytest.param(row["text"], row["declined"], id=row["text"]) for row in ROWS]


@pytest.mark.parametrize(("text", "declined"), CASES)
def test_patient_specific(text: str, declined: bool) -> None:
    assert is_patient_specific(normalise(text)) is declined


def test_table_covers_the_planned_phrasings() -> None:
    declined = Counter(tag for row in ROWS if row["declined"] for tag in ("all", *row.get("tags", ())))
    general = sum(not row["declined"] for row in ROWS)
    planned = {"all": 30, "values": 5, "age": 3, "her": 3, "brand": 3, "pt": 3}
    assert ({tag: declined[tag] >= n for tag, n in planned.items()}, general >= 15) == (
        dict.fromkeys(planned, True),
        True,
    ), (declined, general)
