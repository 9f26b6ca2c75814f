"""Thresholds compare exactly as written (her2-rules.md §0): no rounding, inclusive where stated."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.engine import IhcScore, ReceptorResult, ReceptorStatus, Report, classify, ish_group


@pytest.mark.parametrize(
    ("ratio", "copies", "group"),
    [
        ("2.0", "4.0", 1),
        ("2.0", "6.0", 1),
        ("2.0", "3.99", 2),
        ("1.99", "6.0", 3),
        ("1.99", "4.0", 4),
        ("1.99", "5.99", 4),
        ("1.99", "3.99", 5),
        ("1.9999", "5.9999", 4),
        ("2.00", "4.00", 1),
        ("50", "100", 1),
    ],
    ids=lambda v: str(v),
)
def test_ish_group_boundaries(ratio: str, copies: str, group: int) -> None:
    assert ish_group(Decimal(ratio), Decimal(copies)) == group


@pytest.mark.parametrize(
    ("percent", "status"),
    [
        ("0", ReceptorStatus.NEGATIVE),
        ("0.5", ReceptorStatus.NEGATIVE),
        ("0.99", ReceptorStatus.NEGATIVE),
        ("1", ReceptorStatus.LOW_POSITIVE),
        ("10", ReceptorStatus.LOW_POSITIVE),
        ("10.0", ReceptorStatus.LOW_POSITIVE),
        ("10.01", ReceptorStatus.POSITIVE),
        ("10.5", ReceptorStatus.POSITIVE),
        ("11", ReceptorStatus.POSITIVE),
        ("100", ReceptorStatus.POSITIVE),
    ],
)
def test_er_boundaries(percent: str, status: ReceptorStatus) -> None:
    assert classify(Report(ihc=IhcScore.ONE, er=ReceptorResult(percent=Decimal(percent)))).er_status is status


@pytest.mark.parametrize(
    ("percent", "status"),
    [("0.99", ReceptorStatus.NEGATIVE), ("1", ReceptorStatus.POSITIVE), ("5", ReceptorStatus.POSITIVE)],
)
def test_pr_has_no_low_category(percent: str, status: ReceptorStatus) -> None:
    assert classify(Report(ihc=IhcScore.ONE, pr=ReceptorResult(percent=Decimal(percent)))).pr_status is status


@pytest.mark.parametrize(
    ("copies", "status"),
    [
        ("6.0", "positive"),
        ("5.99", "equivocal-needs-dual-probe"),
        ("4.0", "equivocal-needs-dual-probe"),
        ("3.99", "negative"),
    ],
)
def test_single_probe_boundaries_with_ihc_2(copies: str, status: str) -> None:
    from bot.engine import Probe

    report = Report(ihc=IhcScore.TWO, ish_copy_number=Decimal(copies), ish_probe=Probe.SINGLE)
    assert str(classify(report).her2_status) == status
