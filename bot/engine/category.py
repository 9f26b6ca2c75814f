"""HER2 category (positive / low / ultralow / zero) and subtype, from status and receptors.

docs/her2-rules.md §3.3 and §6. HER2-low and HER2-ultralow are trial-eligibility and regulatory
categories within HER2-negative (DESTINY-Breast04/06, FDA), not ASCO/CAP result categories:
the ASCO/CAP 2023 update calls new result categories premature.

>>> decide_category(Her2Status.NEGATIVE, IhcScore.ONE)[0]
<Her2Category.LOW: 'low'>
"""

from __future__ import annotations

from enum import StrEnum

from bot.engine.her2 import Her2Status
from bot.engine.hormone import HrStatus
from bot.engine.steps import (
    ASCO_CAP_HER2_2018,
    ASCO_CAP_HER2_2023,
    DESTINY_BREAST04,
    DESTINY_BREAST06,
    FDA_TDXD_DB06_2025,
    RAKHA_2026,
    SEER_SUBTYPES,
    Rule,
    Step,
)
from bot.engine.values import IhcScore

__all__ = ["RULES", "Her2Category", "Subtype", "decide_category", "decide_subtype"]


class Her2Category(StrEnum):
    POSITIVE = "positive"
    LOW = "low"
    ULTRALOW = "ultralow"
    ZERO = "zero"
    UNKNOWN = "unknown"


class Subtype(StrEnum):
    HR_POSITIVE_HER2_NEGATIVE = "HR+/HER2-"
    HR_POSITIVE_HER2_POSITIVE = "HR+/HER2+"
    HR_NEGATIVE_HER2_POSITIVE = "HR-/HER2+"
    TRIPLE_NEGATIVE = "triple-negative"
    UNKNOWN = "unknown"


CATEGORY_POSITIVE = Rule("category/positive", (ASCO_CAP_HER2_2018,))
CATEGORY_LOW_IHC_1 = Rule("category/low/ihc-1+", (DESTINY_BREAST04, ASCO_CAP_HER2_2023))
CATEGORY_LOW_IHC_2 = Rule("category/low/ihc-2+-ish-negative", (DESTINY_BREAST04, ASCO_CAP_HER2_2023))
CATEGORY_ULTRALOW = Rule("category/ultralow", (DESTINY_BREAST06, RAKHA_2026, ASCO_CAP_HER2_2023))
CATEGORY_ZERO_NULL = Rule("category/zero/null", (RAKHA_2026,))
CATEGORY_ZERO_UNSPECIFIED = Rule("category/zero/unspecified", (RAKHA_2026, FDA_TDXD_DB06_2025))
CATEGORY_UNKNOWN_NO_IHC = Rule("category/unknown/no-ihc", (DESTINY_BREAST04, DESTINY_BREAST06))
CATEGORY_UNKNOWN_UNRESOLVED = Rule("category/unknown/her2-unresolved", (ASCO_CAP_HER2_2018,))

SUBTYPE_RULES = {
    subtype: Rule(f"subtype/{subtype.value.lower()}", (SEER_SUBTYPES,))
    for subtype in Subtype
    if subtype is not Subtype.UNKNOWN
}
SUBTYPE_UNKNOWN_HER2 = Rule("subtype/unknown/her2-unresolved", (ASCO_CAP_HER2_2018,))
SUBTYPE_UNKNOWN_HR = Rule("subtype/unknown/hr-unknown", (SEER_SUBTYPES,))

RULES: tuple[Rule, ...] = (
    CATEGORY_POSITIVE,
    CATEGORY_LOW_IHC_1,
    CATEGORY_LOW_IHC_2,
    CATEGORY_ULTRALOW,
    CATEGORY_ZERO_NULL,
    CATEGORY_ZERO_UNSPECIFIED,
    CATEGORY_UNKNOWN_NO_IHC,
    CATEGORY_UNKNOWN_UNRESOLVED,
    *SUBTYPE_RULES.values(),
    SUBTYPE_UNKNOWN_HER2,
    SUBTYPE_UNKNOWN_HR,
)

_NOT_ASCO_CAP = "a trial and regulatory eligibility category within HER2-negative, not an ASCO/CAP result category"


def decide_category(status: Her2Status, ihc: IhcScore | None) -> tuple[Her2Category, Step]:
    """The HER2 category for treatment-eligibility wording (docs/her2-rules.md §3.3)."""
    if status is Her2Status.POSITIVE:
        return Her2Category.POSITIVE, CATEGORY_POSITIVE.step("HER2 positive: category HER2-positive.")
    if status is not Her2Status.NEGATIVE:
        return Her2Category.UNKNOWN, CATEGORY_UNKNOWN_UNRESOLVED.step(
            "HER2 status is not final, so no HER2 category (low, ultralow or zero) can be given yet."
        )
    if ihc is None:
        return Her2Category.UNKNOWN, CATEGORY_UNKNOWN_NO_IHC.step(
            "HER2 negative by ISH without an IHC score: telling HER2-low, ultralow and zero apart needs the IHC score."
        )
    if ihc is IhcScore.ONE:
        return Her2Category.LOW, CATEGORY_LOW_IHC_1.step(
            f"HER2 negative with IHC 1+ is HER2-low: {_NOT_ASCO_CAP} (DESTINY-Breast04)."
        )
    if ihc is IhcScore.TWO:
        return Her2Category.LOW, CATEGORY_LOW_IHC_2.step(
            f"HER2 negative with IHC 2+ (ISH negative) is HER2-low: {_NOT_ASCO_CAP} (DESTINY-Breast04)."
        )
    if ihc is IhcScore.ZERO_ULTRALOW:
        return Her2Category.ULTRALOW, CATEGORY_ULTRALOW.step(
            "HER2 negative with IHC 0 and faint/barely perceptible incomplete membrane staining in > 0% and ≤ 10% "
            f"of tumour cells is HER2-ultralow: {_NOT_ASCO_CAP} (DESTINY-Breast06)."
        )
    if ihc is IhcScore.ZERO_NULL:
        return Her2Category.ZERO, CATEGORY_ZERO_NULL.step(
            "HER2 negative with IHC 0 and no membrane staining is HER2-null: category zero."
        )
    return Her2Category.ZERO, CATEGORY_ZERO_UNSPECIFIED.step(
        "IHC 0 without saying ultralow or null: category zero, but ultralow is not excluded. The pathologist can be "
        "asked, since the distinction now matters for trastuzumab deruxtecan eligibility."
    )


def decide_subtype(status: Her2Status, hr: HrStatus, category: Her2Category) -> tuple[Subtype, Step]:
    """The subtype from HER2 and HR status (docs/her2-rules.md §6)."""
    if not status.is_final:
        return Subtype.UNKNOWN, SUBTYPE_UNKNOWN_HER2.step(
            "The subtype needs a final HER2 result; it is unknown until HER2 is resolved."
        )
    if hr is HrStatus.UNKNOWN:
        return Subtype.UNKNOWN, SUBTYPE_UNKNOWN_HR.step(
            "The subtype needs the hormone-receptor status, which is not known here."
        )
    her2_positive = status is Her2Status.POSITIVE
    hr_positive = hr is HrStatus.POSITIVE
    subtype = {
        (True, True): Subtype.HR_POSITIVE_HER2_POSITIVE,
        (False, True): Subtype.HR_NEGATIVE_HER2_POSITIVE,
        (True, False): Subtype.HR_POSITIVE_HER2_NEGATIVE,
        (False, False): Subtype.TRIPLE_NEGATIVE,
    }[(hr_positive, her2_positive)]
    text = {
        Subtype.HR_POSITIVE_HER2_POSITIVE: "HR+ and HER2 positive: subtype HR+/HER2+.",
        Subtype.HR_NEGATIVE_HER2_POSITIVE: "HR− and HER2 positive: subtype HR−/HER2+.",
        Subtype.HR_POSITIVE_HER2_NEGATIVE: "HR+ and HER2 negative: subtype HR+/HER2−.",
        Subtype.TRIPLE_NEGATIVE: "ER, PR and HER2 all negative: triple-negative (HR−/HER2−).",
    }[subtype]
    if subtype is Subtype.TRIPLE_NEGATIVE and category in (Her2Category.LOW, Her2Category.ULTRALOW):
        text += f" A HER2-{category} tumour is still triple-negative: HER2-{category} is a subset of HER2-negative."
    elif subtype is Subtype.TRIPLE_NEGATIVE and category is Her2Category.UNKNOWN:
        # docs/her2-rules.md §6: an ISH-only negative result with ER and PR < 1% is triple-negative.
        text += (
            " The HER2 category (low, ultralow or zero) is unknown without an IHC score, but the tumour is "
            "triple-negative all the same: that needs only HER2-negative with ER and PR < 1%."
        )
    return subtype, SUBTYPE_RULES[subtype].step(text)
