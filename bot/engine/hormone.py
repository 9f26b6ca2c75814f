"""ER and PR status, and hormone-receptor status, by the ASCO/CAP ER/PR guideline 2020.

docs/her2-rules.md §5: ER < 1% negative, 1–10% low positive, > 10% positive; PR ≥ 1% positive.
Allred totals (§5.2): ≥ 5 positive, 0 and 2 negative, 3–4 undecided without the percentage.
HR status (§5.3): one positive receptor is enough for HR+; HR− needs both negative.

>>> decide_hormones(None, None).hr_status
<HrStatus.UNKNOWN: 'unknown'>
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from bot.engine.steps import (
    ASCO_CAP_ER_PR_2020,
    CAP_TEMPLATE_2014,
    DESTINY_BREAST04,
    NAACCR_ALLRED,
    SEER_SUBTYPES,
    Rule,
    Step,
)
from bot.engine.values import ReceptorCall, ReceptorResult

__all__ = ["RULES", "HormoneResult", "HrStatus", "ReceptorStatus", "decide_hormones"]

ONE_PERCENT = Decimal(1)
TEN_PERCENT = Decimal(10)


class ReceptorStatus(StrEnum):
    POSITIVE = "positive"
    LOW_POSITIVE = "low-positive"
    NEGATIVE = "negative"
    UNKNOWN = "unknown"

    @property
    def is_positive(self) -> bool:
        return self in (ReceptorStatus.POSITIVE, ReceptorStatus.LOW_POSITIVE)


class HrStatus(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class HormoneResult:
    er: ReceptorStatus
    pr: ReceptorStatus
    hr_status: HrStatus
    steps: tuple[Step, ...]
    missing: tuple[str, ...]


def _receptor_rules(receptor: str) -> dict[str, Rule]:
    percent = (ASCO_CAP_ER_PR_2020,)
    allred = (NAACCR_ALLRED, CAP_TEMPLATE_2014)
    names = {
        "percent-negative": percent,
        "percent-positive": percent,
        "allred-positive": allred,
        "allred-negative": allred,
        "allred-undecided": allred,
        "allred-proportion": allred,
        "call-positive": percent,
        "call-negative": percent,
    }
    if receptor == "er":
        names["percent-low-positive"] = percent
    return {name: Rule(id=f"{receptor}/{name}", sources=sources) for name, sources in names.items()}


ER_RULES = _receptor_rules("er")
PR_RULES = _receptor_rules("pr")
HR_POSITIVE = Rule(id="hr/positive", sources=(SEER_SUBTYPES, DESTINY_BREAST04))
HR_NEGATIVE = Rule(id="hr/negative", sources=(SEER_SUBTYPES, DESTINY_BREAST04))
HR_UNKNOWN = Rule(id="hr/unknown", sources=(SEER_SUBTYPES, DESTINY_BREAST04))

RULES: tuple[Rule, ...] = (*ER_RULES.values(), *PR_RULES.values(), HR_POSITIVE, HR_NEGATIVE, HR_UNKNOWN)

# Allred proportion score -> what it says about the percentage (docs/her2-rules.md §5.2).
_PROPORTION_MEANING = {
    0: (ReceptorStatus.NEGATIVE, "0% of cells"),
    1: (ReceptorStatus.NEGATIVE, "< 1% of cells"),
    2: (ReceptorStatus.LOW_POSITIVE, "1–10% of cells"),
    3: (ReceptorStatus.POSITIVE, "11–33% of cells"),
    4: (ReceptorStatus.POSITIVE, "34–66% of cells"),
    5: (ReceptorStatus.POSITIVE, "≥ 67% of cells"),
}


def _read_receptor(name: str, result: ReceptorResult | None) -> tuple[ReceptorStatus, Step | None]:
    """One receptor's status and the step that explains it (``None`` when not reported)."""
    if result is None:
        return ReceptorStatus.UNKNOWN, None
    rules = ER_RULES if name == "ER" else PR_RULES
    if result.percent is not None:
        return _by_percent(name, result.percent, rules)
    if result.allred_proportion is not None:
        status, share = _PROPORTION_MEANING[result.allred_proportion]
        if name == "PR" and status is ReceptorStatus.LOW_POSITIVE:
            status = ReceptorStatus.POSITIVE
        return status, rules["allred-proportion"].step(
            f"{name} Allred proportion score {result.allred_proportion} means {share}, so {name} is "
            f"{_status_words(status)} by the 1% rule."
        )
    if result.allred_total is not None:
        return _by_allred_total(name, result.allred_total, rules)
    assert result.call is not None
    if result.call is ReceptorCall.POSITIVE:
        low = " ER-low (1–10%) cannot be excluded without the percentage." if name == "ER" else ""
        return ReceptorStatus.POSITIVE, rules["call-positive"].step(
            f"{name} is reported positive (≥ 1% of tumour nuclei) without a percentage.{low}"
        )
    return ReceptorStatus.NEGATIVE, rules["call-negative"].step(f"{name} is reported negative (< 1% of tumour nuclei).")


def _by_percent(name: str, percent: Decimal, rules: dict[str, Rule]) -> tuple[ReceptorStatus, Step]:
    if percent < ONE_PERCENT:
        return ReceptorStatus.NEGATIVE, rules["percent-negative"].step(
            f"{name} {percent}% is < 1% of tumour nuclei: {name} negative (ASCO/CAP ER/PR 2020)."
        )
    if name == "ER" and percent <= TEN_PERCENT:
        return ReceptorStatus.LOW_POSITIVE, rules["percent-low-positive"].step(
            f"ER {percent}% is ≥ 1% and ≤ 10%: ER Low Positive (ASCO/CAP ER/PR 2020). It counts as positive, but "
            "data on endocrine therapy benefit are limited and these tumours overlap with ER-negative cancers."
        )
    return ReceptorStatus.POSITIVE, rules["percent-positive"].step(
        f"{name} {percent}% is {'> 10%' if name == 'ER' else '≥ 1%'} of tumour nuclei: {name} positive "
        "(ASCO/CAP ER/PR 2020)."
    )


def _by_allred_total(name: str, total: int, rules: dict[str, Rule]) -> tuple[ReceptorStatus, Step]:
    if total >= 5:
        low = " Whether ER is low positive (1–10%) needs the percentage." if name == "ER" else ""
        return ReceptorStatus.POSITIVE, rules["allred-positive"].step(
            f"{name} Allred total {total}/8 (≥ 5) needs a proportion score of at least 2, so ≥ 1% of cells: "
            f"{name} positive.{low}"
        )
    if total in (0, 2):
        return ReceptorStatus.NEGATIVE, rules["allred-negative"].step(
            f"{name} Allred total {total}/8 is negative (totals 0 and 2), so < 1% of cells."
        )
    return ReceptorStatus.UNKNOWN, rules["allred-undecided"].step(
        f"{name} Allred total {total}/8 is Allred-positive (≥ 3), but it may mean < 1% of cells with moderate or "
        "strong staining (proportion score 1 with intensity 2 or 3), which is negative by the ASCO/CAP 1% rule: the "
        "percentage is needed (convention)."
    )


def _status_words(status: ReceptorStatus) -> str:
    return {
        ReceptorStatus.POSITIVE: "positive",
        ReceptorStatus.LOW_POSITIVE: "low positive",
        ReceptorStatus.NEGATIVE: "negative",
        ReceptorStatus.UNKNOWN: "unknown",
    }[status]


def decide_hormones(er: ReceptorResult | None, pr: ReceptorResult | None) -> HormoneResult:
    """ER, PR and HR status with their reasoning."""
    er_status, er_step = _read_receptor("ER", er)
    pr_status, pr_step = _read_receptor("PR", pr)
    steps = [step for step in (er_step, pr_step) if step is not None]
    missing = [
        _missing_receptor(name, result, status)
        for name, result, status in (("ER", er, er_status), ("PR", pr, pr_status))
        if status is ReceptorStatus.UNKNOWN
    ]
    if er_status.is_positive or pr_status.is_positive:
        positive = " and ".join(n for n, s in (("ER", er_status), ("PR", pr_status)) if s.is_positive)
        hr = HrStatus.POSITIVE
        unreported = "".join(
            f" {name} was not reported or not decided; it cannot change HR+."
            for name, status in (("ER", er_status), ("PR", pr_status))
            if status is ReceptorStatus.UNKNOWN
        )
        verb = "make" if " and " in positive else "makes"
        steps.append(
            HR_POSITIVE.step(
                f"{positive} positive (≥ 1%) {verb} the tumour hormone-receptor positive (HR+).{unreported}"
            )
        )
        missing = []  # a missing second receptor cannot change HR+ (docs/her2-rules.md §5.3, convention)
    elif er_status is ReceptorStatus.NEGATIVE and pr_status is ReceptorStatus.NEGATIVE:
        hr = HrStatus.NEGATIVE
        steps.append(
            HR_NEGATIVE.step("ER and PR both negative (< 1%) make the tumour hormone-receptor negative (HR−).")
        )
    else:
        hr = HrStatus.UNKNOWN
        steps.append(
            HR_UNKNOWN.step(
                "HR status needs ER or PR positive, or both known to be negative; here it cannot be decided "
                "(convention: HR− needs both receptors)."
            )
        )
    return HormoneResult(er_status, pr_status, hr, tuple(steps), tuple(missing))


def _missing_receptor(name: str, result: ReceptorResult | None, status: ReceptorStatus) -> str:
    if result is not None and status is ReceptorStatus.UNKNOWN:
        return f"{name} percentage of positive tumour nuclei (the Allred total alone cannot decide)"
    return f"{name} result (percentage of positive tumour nuclei)"
