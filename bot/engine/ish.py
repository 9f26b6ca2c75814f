"""ISH: dual-probe groups 1–5 with the concurrent-IHC work-up, single-probe thresholds, and incomplete
results, by the ASCO/CAP HER2 testing guideline 2018 (Figures 2–6).

>>> ish_group(Decimal("2.0"), Decimal("3.99"))
2
"""

from __future__ import annotations

from decimal import Decimal

from bot.engine.her2_rules import (
    COPIES_HIGH,
    COPIES_LOW,
    DISCORDANT_ISH_POSITIVE_IHC_0_1,
    DUAL_GROUP_1,
    DUAL_GROUP_5,
    GROUP,
    GROUP_MEANING,
    INCOMPLETE_COPIES_AT_LEAST_4,
    INCOMPLETE_COPIES_BELOW_4,
    INCOMPLETE_IHC_2,
    INCOMPLETE_IHC_MISSING,
    INCOMPLETE_RATIO_AT_LEAST_2,
    INCOMPLETE_RATIO_BELOW_2,
    MISSING_CONCURRENT_IHC,
    MISSING_COPIES,
    MISSING_DUAL_PROBE,
    MISSING_IHC,
    MISSING_RATIO,
    MISSING_RECOUNT,
    MISSING_RECOUNTED_VALUES,
    MISSING_SINGLE_WORKUP,
    RATIO_CUT,
    SINGLE_AT_LEAST_6,
    SINGLE_BELOW_4,
    SINGLE_MIDDLE_IHC_0_1,
    SINGLE_MIDDLE_IHC_2,
    SINGLE_MIDDLE_IHC_MISSING,
    WORKUP_IHC_0_1,
    WORKUP_IHC_MISSING,
    WORKUP_RECOUNT_DIFFERENT,
    WORKUP_RECOUNT_PENDING,
    WORKUP_RECOUNT_SAME,
    Her2Status,
    Reasoning,
)
from bot.engine.steps import Step
from bot.engine.values import IhcScore, Report


def ish_group(ratio: Decimal, copies: Decimal) -> int:
    """The dual-probe ISH group (ASCO/CAP 2018, Figure 3); every boundary included once."""
    if ratio >= RATIO_CUT:
        return 1 if copies >= COPIES_LOW else 2
    if copies >= COPIES_HIGH:
        return 3
    if copies >= COPIES_LOW:
        return 4
    return 5


def group_step(ratio: Decimal, copies: Decimal, group: int) -> Step:
    ratio_cmp = "≥ 2.0" if ratio >= RATIO_CUT else "< 2.0"
    if copies >= COPIES_HIGH:
        copies_cmp = "≥ 6.0" if group == 3 else "≥ 4.0"
    elif copies >= COPIES_LOW:
        copies_cmp = "≥ 4.0 and < 6.0" if group == 4 else "≥ 4.0"
    else:
        copies_cmp = "< 4.0"
    return GROUP[group].step(
        f"Dual-probe ISH: HER2/CEP17 ratio {ratio} ({ratio_cmp}) with an average of {copies} HER2 signals/cell "
        f"({copies_cmp}) is group {group}: {GROUP_MEANING[group]} (ASCO/CAP 2018, Figure 3)."
    )


def discordant_ish_positive(report: Report, why: Reasoning, what: str) -> None:
    if report.ihc is not None and report.ihc.is_zero_or_one:
        why.steps.append(
            DISCORDANT_ISH_POSITIVE_IHC_0_1.step(
                f"{what} with IHC {report.ihc} is discordant: the result is HER2-positive whatever the IHC score, "
                "and the case is worth pathology review."
            )
        )


# docs/her2-rules.md §2.2 and "Unverified items": the group 2 outcomes are verified (Wang 2019, Cancer Drug
# Resist 2022), but Figure 4 (group 2) was not read, so its recount step is assumed from Figures 5-6.
GROUP_2_RECOUNT = "the same blinded-recount step as groups 3 and 4 of ASCO/CAP 2018"
_GROUP_2_RECOUNT_ASSUMED = (
    f". For group 2 the recount is assumed to be {GROUP_2_RECOUNT} (Figures 5–6): the guideline's group 2 figure "
    "has not been checked, while the group 2 outcomes (IHC 3+ positive; IHC 0, 1+ or 2+ negative) are confirmed by "
    "secondary sources (Wang 2019; Cancer Drug Resist 2022)."
)


def decide_dual(report: Report, why: Reasoning) -> Her2Status:
    group, ihc = why.group, report.ihc
    assert group is not None
    if group == 1:
        why.steps.append(
            DUAL_GROUP_1.step("Group 1 is ISH positive with no further work-up, so HER2 is positive (ASCO/CAP 2018).")
        )
        discordant_ish_positive(report, why, "Dual-probe group 1")
        return Her2Status.POSITIVE
    if group == 5:
        why.steps.append(DUAL_GROUP_5.step("Group 5 is ISH negative, so HER2 is negative (ASCO/CAP 2018)."))
        return Her2Status.NEGATIVE
    figure = {2: "group 2", 3: "Figure 5", 4: "Figure 6"}[group]
    if ihc is None:
        why.steps.append(
            WORKUP_IHC_MISSING[group].step(
                f"Group {group} needs HER2 IHC on sections of the same tissue used for ISH, reviewed together with "
                f"the ISH slide, before a final result (ASCO/CAP 2018, {figure})."
            )
        )
        why.missing.append(MISSING_CONCURRENT_IHC)
        return Her2Status.INSUFFICIENT
    if ihc.is_zero_or_one:
        why.steps.append(WORKUP_IHC_0_1[group].step(_negative_with_comment(group, ihc)))
        return Her2Status.NEGATIVE
    # IHC 2+: a blinded second observer recounts at least 20 cells (ASCO/CAP 2018, Figures 4-6).
    recount = recount_stayed(report, group)
    if recount is None:
        text = (
            f"Group {group} with concurrent IHC 2+ needs a recount of the ISH by an observer blinded to the "
            "earlier results (≥ 20 cells) before a final result"
        )
        why.steps.append(
            WORKUP_RECOUNT_PENDING[group].step(
                f"{text}{_GROUP_2_RECOUNT_ASSUMED}" if group == 2 else f"{text} (ASCO/CAP 2018, {figure}).",
                assumed=GROUP_2_RECOUNT if group == 2 else None,
            )
        )
        why.missing.append(MISSING_RECOUNT)
        return Her2Status.NEEDS_RECOUNT
    if recount:
        status = Her2Status.POSITIVE if group == 3 else Her2Status.NEGATIVE
        comment = " with a comment" if status is Her2Status.NEGATIVE else ""
        text = f"Group {group} with IHC 2+ and a blinded recount that stayed in group {group} is HER2 {status}{comment}"
        why.steps.append(
            WORKUP_RECOUNT_SAME[group].step(
                f"{text}{_GROUP_2_RECOUNT_ASSUMED}" if group == 2 else f"{text} (ASCO/CAP 2018, {figure}).",
                assumed=GROUP_2_RECOUNT if group == 2 else None,
            )
        )
        return status
    moved = (
        f"The blinded recount moved the case out of group {group}: the laboratory adjudicates by its internal procedure"
    )
    why.steps.append(
        WORKUP_RECOUNT_DIFFERENT[group].step(
            f"{moved}{_GROUP_2_RECOUNT_ASSUMED if group == 2 else f' (ASCO/CAP 2018, {figure}).'} Convention: enter "
            "the recounted ratio and copy number for a new classification.",
            assumed=GROUP_2_RECOUNT if group == 2 else None,
        )
    )
    why.missing.append(MISSING_RECOUNTED_VALUES)
    return Her2Status.INSUFFICIENT


def recount_stayed(report: Report, group: int) -> bool | None:
    """Whether the blinded recount stayed in ``group``: as reported, else by the group the recount found."""
    if report.ish_recount_same_group is not None:
        return report.ish_recount_same_group
    if report.ish_recount_group is not None:
        return report.ish_recount_group == group
    return None


def _negative_with_comment(group: int, ihc: IhcScore) -> str:
    text = f"Group {group} with concurrent IHC {ihc} is HER2 negative, reported with a comment (ASCO/CAP 2018)."
    if group == 3:
        text += (
            " Comment: there are insufficient data on HER2-targeted therapy when the ratio is < 2.0 without "
            "protein overexpression; such patients were not eligible for the first adjuvant trastuzumab trials."
        )
    elif group == 4:
        text += (
            " Comment: benefit of HER2-targeted therapy without overexpression is uncertain; results near the "
            "ratio threshold are more likely to change on repeat testing by chance, so the sample is considered "
            "HER2 negative without additional testing on the same specimen."
        )
    else:
        text += (
            " Under the 2013 guideline this group was ISH-positive; since 2018 it is negative with IHC 0 or 1+, "
            "as here."
        )
    return text


def decide_single(report: Report, why: Reasoning) -> Her2Status:
    copies, ihc = report.ish_copy_number, report.ihc
    assert copies is not None
    if copies >= COPIES_HIGH:
        why.steps.append(
            SINGLE_AT_LEAST_6.step(
                f"Single-probe ISH with an average of {copies} HER2 signals/cell (≥ 6.0) is ISH positive, so HER2 "
                "is positive (ASCO/CAP 2018, Figure 2)."
            )
        )
        discordant_ish_positive(report, why, f"Single-probe {copies} signals/cell")
        return Her2Status.POSITIVE
    if copies < COPIES_LOW:
        why.steps.append(
            SINGLE_BELOW_4.step(
                f"Single-probe ISH with an average of {copies} HER2 signals/cell (< 4.0) is ISH negative, so HER2 "
                "is negative (ASCO/CAP 2018, Figure 2)."
            )
        )
        return Her2Status.NEGATIVE
    middle = f"Single-probe ISH with an average of {copies} HER2 signals/cell (≥ 4.0 and < 6.0)"
    if ihc is None:
        why.steps.append(
            SINGLE_MIDDLE_IHC_MISSING.step(
                f"{middle} needs concurrent IHC and/or dual-probe ISH on the same tissue before a result "
                "(ASCO/CAP 2018, Figure 2)."
            )
        )
        why.missing.append(MISSING_SINGLE_WORKUP)
        return Her2Status.INSUFFICIENT
    if ihc is IhcScore.TWO:
        why.steps.append(
            SINGLE_MIDDLE_IHC_2.step(
                f"{middle} with concurrent IHC 2+ needs dual-probe ISH for the final result (ASCO/CAP 2018, Figure 2)."
            )
        )
        why.missing.append(MISSING_DUAL_PROBE)
        return Her2Status.EQUIVOCAL_NEEDS_DUAL_PROBE
    why.steps.append(
        SINGLE_MIDDLE_IHC_0_1.step(
            f"{middle} with concurrent IHC {ihc} is ISH negative, so HER2 is negative (ASCO/CAP 2018, Figure 2)."
        )
    )
    return Her2Status.NEGATIVE


def decide_incomplete(report: Report, why: Reasoning) -> Her2Status:
    # Convention (docs/her2-rules.md §3.2 step 4): decide only if every completion of the missing value agrees.
    ratio, copies, ihc = report.ish_ratio, report.ish_copy_number, report.ihc
    lacking = MISSING_COPIES if copies is None else MISSING_RATIO
    if report.effective_probe is None:
        lacking = f"{MISSING_RATIO} (dual-probe), or the probe type if the assay was single-probe"
    if ihc is IhcScore.TWO:
        why.steps.append(
            INCOMPLETE_IHC_2.step(
                "IHC 2+ is equivocal and the reflex ISH result is incomplete: dual-probe ISH needs both the ratio "
                "and the average copy number to assign a group (ASCO/CAP 2018)."
            )
        )
        why.missing.append(lacking)
        return Her2Status.EQUIVOCAL_NEEDS_ISH
    if ihc is None:
        why.steps.append(
            INCOMPLETE_IHC_MISSING.step(
                "With no IHC score and an incomplete ISH result, HER2 cannot be decided: the possible ISH groups "
                "lead to different results (convention derived from ASCO/CAP 2018)."
            )
        )
        why.missing.extend((MISSING_IHC, lacking))
        return Her2Status.INSUFFICIENT
    if ratio is not None:
        if ratio < RATIO_CUT:
            why.steps.append(
                INCOMPLETE_RATIO_BELOW_2.step(
                    f"With IHC {ihc} and a ratio of {ratio} (< 2.0), any copy number gives group 3, 4 or 5, all "
                    "HER2 negative with IHC 0 or 1+, so the missing copy number cannot change the result "
                    "(convention derived from ASCO/CAP 2018)."
                )
            )
            return Her2Status.NEGATIVE
        why.steps.append(
            INCOMPLETE_RATIO_AT_LEAST_2.step(
                f"With a ratio of {ratio} (≥ 2.0) and no copy number, the case could be group 1 (positive) or "
                f"group 2 (negative with IHC {ihc}): the copy number is needed (convention derived from ASCO/CAP 2018)."
            )
        )
        why.missing.append(MISSING_COPIES)
        return Her2Status.INSUFFICIENT
    assert copies is not None
    if copies < COPIES_LOW:
        why.steps.append(
            INCOMPLETE_COPIES_BELOW_4.step(
                f"With IHC {ihc} and {copies} HER2 signals/cell (< 4.0), every completion is negative: dual-probe "
                "group 2 or 5, or single-probe < 4.0, so the missing value cannot change the result (convention "
                "derived from ASCO/CAP 2018)."
            )
        )
        return Her2Status.NEGATIVE
    why.steps.append(
        INCOMPLETE_COPIES_AT_LEAST_4.step(
            f"With {copies} HER2 signals/cell (≥ 4.0) and no ratio, the case could be dual-probe group 1 or "
            "single-probe ≥ 6.0 (positive), or a negative group: more of the ISH result is needed (convention "
            "derived from ASCO/CAP 2018)."
        )
    )
    why.missing.append(lacking)
    return Her2Status.INSUFFICIENT
