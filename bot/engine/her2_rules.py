"""The HER2 decisions the engine can take: thresholds, rule ids with their sources, what is reported
as missing, and the record of reasoning that ``bot.engine.her2`` and ``bot.engine.ish`` fill in."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from bot.engine.steps import ASCO_CAP_HER2_2018, CDR_2022, WANG_2019, Rule, Step

RATIO_CUT = Decimal("2.0")
COPIES_LOW = Decimal("4.0")
COPIES_HIGH = Decimal("6.0")


class Her2Status(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    EQUIVOCAL_NEEDS_ISH = "equivocal-needs-ish"
    EQUIVOCAL_NEEDS_DUAL_PROBE = "equivocal-needs-dual-probe"
    NEEDS_RECOUNT = "needs-recount"
    INSUFFICIENT = "insufficient"

    @property
    def is_final(self) -> bool:
        return self in (Her2Status.POSITIVE, Her2Status.NEGATIVE)


@dataclass(frozen=True, slots=True)
class Her2Result:
    status: Her2Status
    ish_group: int | None
    steps: tuple[Step, ...]
    missing: tuple[str, ...]


def _r(rule_id: str, *sources: str) -> Rule:
    return Rule(id=rule_id, sources=sources or (ASCO_CAP_HER2_2018,))


IHC_3 = _r("her2/ihc-3+")
GROUP = {n: _r(f"ish/dual/group-{n}") for n in range(1, 6)}
DUAL_GROUP_1 = _r("her2/dual/group-1")
DUAL_GROUP_5 = _r("her2/dual/group-5")
_GROUP_2_SOURCES = (ASCO_CAP_HER2_2018, WANG_2019, CDR_2022)


def _workup_rules(outcome: str) -> dict[int, Rule]:
    return {n: _r(f"her2/dual/group-{n}/{outcome}", *(_GROUP_2_SOURCES if n == 2 else ())) for n in (2, 3, 4)}


WORKUP_IHC_0_1 = _workup_rules("ihc-0-1+")
WORKUP_RECOUNT_PENDING = _workup_rules("ihc-2+/recount-pending")
WORKUP_RECOUNT_SAME = _workup_rules("ihc-2+/recount-same")
WORKUP_RECOUNT_DIFFERENT = _workup_rules("ihc-2+/recount-different")
WORKUP_IHC_MISSING = _workup_rules("ihc-missing")
SINGLE_AT_LEAST_6 = _r("her2/single/at-least-6")
SINGLE_BELOW_4 = _r("her2/single/below-4")
SINGLE_MIDDLE_IHC_0_1 = _r("her2/single/4-to-6/ihc-0-1+")
SINGLE_MIDDLE_IHC_2 = _r("her2/single/4-to-6/ihc-2+")
SINGLE_MIDDLE_IHC_MISSING = _r("her2/single/4-to-6/ihc-missing")
INCOMPLETE_IHC_2 = _r("her2/ish-incomplete/ihc-2+")
INCOMPLETE_RATIO_BELOW_2 = _r("her2/ish-incomplete/ratio-only/below-2")
INCOMPLETE_RATIO_AT_LEAST_2 = _r("her2/ish-incomplete/ratio-only/at-least-2")
INCOMPLETE_COPIES_BELOW_4 = _r("her2/ish-incomplete/copies-only/below-4")
INCOMPLETE_COPIES_AT_LEAST_4 = _r("her2/ish-incomplete/copies-only/at-least-4")
INCOMPLETE_IHC_MISSING = _r("her2/ish-incomplete/ihc-missing")
IHC_ONLY_0_1 = _r("her2/ihc-only/0-1+")
IHC_ONLY_2 = _r("her2/ihc-only/2+")
NO_RESULT = _r("her2/no-result")
DISCORDANT_IHC_3_ISH_NEGATIVE = _r("her2/discordant/ihc-3+-ish-negative")
DISCORDANT_ISH_POSITIVE_IHC_0_1 = _r("her2/discordant/ish-positive-ihc-0-1+")
RECOUNT_NOT_APPLICABLE = _r("her2/recount/not-applicable")
ISH_CALLED_IN_WORDS = _r("her2/ish/called-in-words", ASCO_CAP_HER2_2018, WANG_2019)
HER2_CALLED_IN_WORDS = _r("her2/called-in-words")

RULES: tuple[Rule, ...] = (
    IHC_3,
    *GROUP.values(),
    DUAL_GROUP_1,
    DUAL_GROUP_5,
    *WORKUP_IHC_0_1.values(),
    *WORKUP_RECOUNT_PENDING.values(),
    *WORKUP_RECOUNT_SAME.values(),
    *WORKUP_RECOUNT_DIFFERENT.values(),
    *WORKUP_IHC_MISSING.values(),
    SINGLE_AT_LEAST_6,
    SINGLE_BELOW_4,
    SINGLE_MIDDLE_IHC_0_1,
    SINGLE_MIDDLE_IHC_2,
    SINGLE_MIDDLE_IHC_MISSING,
    INCOMPLETE_IHC_2,
    INCOMPLETE_RATIO_BELOW_2,
    INCOMPLETE_RATIO_AT_LEAST_2,
    INCOMPLETE_COPIES_BELOW_4,
    INCOMPLETE_COPIES_AT_LEAST_4,
    INCOMPLETE_IHC_MISSING,
    IHC_ONLY_0_1,
    IHC_ONLY_2,
    NO_RESULT,
    DISCORDANT_IHC_3_ISH_NEGATIVE,
    DISCORDANT_ISH_POSITIVE_IHC_0_1,
    RECOUNT_NOT_APPLICABLE,
    ISH_CALLED_IN_WORDS,
    HER2_CALLED_IN_WORDS,
)

MISSING_ISH = "ISH (reflex test on the same specimen, or a new specimen)"
MISSING_ISH_NUMBERS = "ISH HER2/CEP17 ratio and average HER2 copy number (the report gives only a label)"
MISSING_RATIO = "ISH HER2/CEP17 ratio"
MISSING_COPIES = "ISH average HER2 copy number (signals/cell)"
MISSING_DUAL_PROBE = "dual-probe ISH (single-probe result 4.0 to < 6.0 with IHC 2+)"
MISSING_RECOUNT = "blinded second-observer ISH recount (≥ 20 cells) — groups 2–4 with IHC 2+"
MISSING_CONCURRENT_IHC = "concurrent HER2 IHC on the same tissue used for ISH (groups 2–4)"
MISSING_SINGLE_WORKUP = (
    "concurrent HER2 IHC and/or dual-probe ISH on the same tissue (single-probe 4.0 to < 6.0 signals/cell)"
)
MISSING_RECOUNTED_VALUES = "recounted ISH ratio and copy number, after adjudication by the laboratory's procedure"
MISSING_IHC = "HER2 IHC score"
MISSING_HER2 = "HER2 IHC score and/or ISH result"
MISSING_IHC_AND_ISH_NUMBERS = "HER2 IHC score, and the ISH ratio and average copy number"

GROUP_MEANING = {
    1: "ISH positive",
    2: "additional work-up required",
    3: "additional work-up required",
    4: "additional work-up required",
    5: "ISH negative",
}


@dataclass(slots=True)
class Reasoning:
    """Steps and missing items gathered while one decision is made."""

    steps: list[Step] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    group: int | None = None

    def done(self, status: Her2Status) -> Her2Result:
        return Her2Result(status, self.group, tuple(self.steps), tuple(dict.fromkeys(self.missing)))
