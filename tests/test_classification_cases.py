"""Every gold case and every engine case classifies exactly as expected."""

from __future__ import annotations

import pytest
from tabledata import csv_params, csv_rows

from bot.engine import FIELDS, all_rules, classify, report_from_fields
from bot.knowledge import load_sources

CASE_FILES = ("gold_cases.csv", "engine_cases.csv")
ALL_CASES = [param for name in CASE_FILES for param in csv_params(name)]


def _classify_row(row: dict[str, str]):
    return classify(report_from_fields({k: v for k, v in row.items() if k in FIELDS}))


def _expected(row: dict[str, str]) -> tuple[str, str, str, str]:
    return (
        row["expected_her2_status"],
        row["expected_her2_category"],
        row["expected_ish_group"],
        row["expected_subtype"],
    )


@pytest.mark.parametrize("row", ALL_CASES)
def test_case_classifies_as_expected(row: dict[str, str]) -> None:
    result = _classify_row(row)
    got = (str(result.her2_status), str(result.her2_category), str(result.ish_group or ""), str(result.subtype))
    assert got == _expected(row), row["rationale"]


@pytest.mark.parametrize("row", csv_params("engine_cases.csv"))
def test_case_takes_the_expected_rule(row: dict[str, str]) -> None:
    assert row["expected_rule"] in _classify_row(row).rules


@pytest.mark.parametrize("row", ALL_CASES)
def test_every_step_cites_a_registered_source(row: dict[str, str]) -> None:
    registry = load_sources()
    uncited = [
        step.rule
        for step in _classify_row(row).steps
        if not step.sources or not all(s in registry for s in step.sources)
    ]
    assert uncited == []


def test_every_rule_is_exercised_by_a_case() -> None:
    exercised = {rule for name in CASE_FILES for row in csv_rows(name) for rule in _classify_row(row).rules}
    assert {rule.id for rule in all_rules()} - exercised == set()


def test_rule_ids_are_unique_and_every_rule_cites_a_registered_source() -> None:
    registry = load_sources()
    ids = [rule.id for rule in all_rules()]
    assert len(ids) == len(set(ids))
    assert [rule.id for rule in all_rules() if not rule.sources or not all(s in registry for s in rule.sources)] == []


def test_the_gold_table_is_complete() -> None:
    assert len(csv_rows("gold_cases.csv")) == 73
