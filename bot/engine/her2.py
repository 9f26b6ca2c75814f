"""HER2 status from IHC and ISH, by the ASCO/CAP HER2 testing guideline 2018 (affirmed 2023).

Implements her2-rules.md §2 and §3.2: the first matching rule of

1. IHC 3+                          -> positive
2. complete dual-probe ISH         -> group 1-5 and the concurrent-IHC work-up (Figures 3-6)
3. complete single-probe ISH       -> the single-probe thresholds (Figure 2)
4. incomplete ISH                  -> decided only when every completion agrees (convention)
5. no ISH                          -> IHC alone (0/1+ negative, 2+ equivocal)

>>> decide_her2(Report(ihc=IhcScore.TWO, ish_ratio=Decimal("1.99"), ish_copy_number=Decimal("4.0"))).ish_group
4
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from bot.engine.steps import ASCO_CAP_HER2_2018, CDR_2022, WANG_2019, Rule, Step
from bot.engine.values import IhcScore, Probe, Report

__all__ = ["RULES", "Her2Result", "Her2Status", "decide_her2", "ish_group"]

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

_GROUP_MEANING = {
    1: "ISH positive",
    2: "additional work-up required",
    3: "additional work-up required",
    4: "additional work-up required",
    5: "ISH negative",
}


def ish_group(ratio: Decimal, copies: Decimal) -> int:
    """The dual-probe ISH group (ASCO/CAP 2018, Figure 3); every boundary included once."""
    if ratio >= RATIO_CUT:
        return 1 if copies >= COPIES_LOW else 2
    if copies >= COPIES_HIGH:
        return 3
    if copies >= COPIES_LOW:
        return 4
    return 5


def _group_step(ratio: Decimal, copies: Decimal, group: int) -> Step:
    ratio_cmp = "≥ 2.0" if ratio >= RATIO_CUT else "< 2.0"
    if copies >= COPIES_HIGH:
        copies_cmp = "≥ 6.0" if group == 3 else "≥ 4.0"
    elif copies >= COPIES_LOW:
        copies_cmp = "≥ 4.0 and < 6.0" if group == 4 else "≥ 4.0"
    else:
        copies_cmp = "< 4.0"
    return GROUP[group].step(
        f"Dual-probe ISH: HER2/CEP17 ratio {ratio} ({ratio_cmp}) with an average of {copies} HER2 signals/cell "
        f"({copies_cmp}) is group {group}: {_GROUP_MEANING[group]} (ASCO/CAP 2018, Figure 3)."
    )


@dataclass(slots=True)
class _Reasoning:
    """Steps and missing items gathered while one decision is made."""

    steps: list[Step] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    group: int | None = None

    def done(self, status: Her2Status) -> Her2Result:
        return Her2Result(status, self.group, tuple(self.steps), tuple(dict.fromkeys(self.missing)))


def decide_her2(report: Report) -> Her2Result:
    """HER2 status, ISH group, reasoning and what is missing, for one report."""
    why = _Reasoning()
    ratio, copies, ihc = report.ish_ratio, report.ish_copy_number, report.ihc
    probe = report.effective_probe
    dual_complete = ratio is not None and copies is not None
    if dual_complete:
        why.group = ish_group(ratio, copies)
        why.steps.append(_group_step(ratio, copies, why.group))

    if ihc is IhcScore.THREE:
        status = _ihc_three(report, why)
    elif dual_complete:
        status = _dual(report, why)
    elif probe is Probe.SINGLE and copies is not None:
        status = _single(report, why)
    elif ratio is not None or copies is not None:
        status = _incomplete(report, why)
    else:
        status = _no_ish(report, why)
    _note_recount(report, why)
    _note_words(report, why)
    return why.done(status)


def _ihc_three(report: Report, why: _Reasoning) -> Her2Status:
    # ASCO/CAP 2018, Figure 1: IHC 3+ positive, whatever a concurrent ISH shows (§2.7).
    why.steps.append(
        IHC_3.step(
            "IHC 3+ (complete, intense circumferential membrane staining in > 10% of invasive tumour cells) "
            "is HER2-positive on its own (ASCO/CAP 2018, Figure 1)."
        )
    )
    copies = report.ish_copy_number
    if why.group == 5:
        negative_ish = "dual-probe group 5"
    elif report.ish_probe is Probe.SINGLE and copies is not None and copies < COPIES_LOW:
        negative_ish = f"single-probe {copies} signals/cell, < 4.0"
    else:
        return Her2Status.POSITIVE
    why.steps.append(
        DISCORDANT_IHC_3_ISH_NEGATIVE.step(
            f"IHC 3+ with a negative ISH ({negative_ish}) is discordant: the result stays HER2-positive, and the "
            "case is worth pathology review, since the guideline algorithms assume no apparent histopathologic "
            "discordance."
        )
    )
    return Her2Status.POSITIVE


def _discordant_ish_positive(report: Report, why: _Reasoning, what: str) -> None:
    if report.ihc is not None and report.ihc.is_zero_or_one:
        why.steps.append(
            DISCORDANT_ISH_POSITIVE_IHC_0_1.step(
                f"{what} with IHC {report.ihc} is discordant: the result is HER2-positive whatever the IHC score, "
                "and the case is worth pathology review."
            )
        )


def _dual(report: Report, why: _Reasoning) -> Her2Status:
    group, ihc = why.group, report.ihc
    assert group is not None
    if group == 1:
        why.steps.append(
            DUAL_GROUP_1.step("Group 1 is ISH positive with no further work-up, so HER2 is positive (ASCO/CAP 2018).")
        )
        _discordant_ish_positive(report, why, "Dual-probe group 1")
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
    recount = report.ish_recount_same_group
    if recount is None:
        why.steps.append(
            WORKUP_RECOUNT_PENDING[group].step(
                f"Group {group} with concurrent IHC 2+ needs a recount of the ISH by an observer blinded to the "
                f"earlier results (≥ 20 cells) before a final result (ASCO/CAP 2018, {figure})."
            )
        )
        why.missing.append(MISSING_RECOUNT)
        return Her2Status.NEEDS_RECOUNT
    if recount:
        status = Her2Status.POSITIVE if group == 3 else Her2Status.NEGATIVE
        comment = " with a comment" if status is Her2Status.NEGATIVE else ""
        why.steps.append(
            WORKUP_RECOUNT_SAME[group].step(
                f"Group {group} with IHC 2+ and a blinded recount that stayed in group {group} is HER2 "
                f"{status}{comment} (ASCO/CAP 2018, {figure})."
            )
        )
        return status
    why.steps.append(
        WORKUP_RECOUNT_DIFFERENT[group].step(
            f"The blinded recount moved the case out of group {group}: the laboratory adjudicates by its internal "
            "procedure (ASCO/CAP 2018). Convention: enter the recounted ratio and copy number for a new "
            "classification."
        )
    )
    why.missing.append(MISSING_RECOUNTED_VALUES)
    return Her2Status.INSUFFICIENT


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
        text += " Under the 2013 guideline this group was ISH-positive; since 2018 it is negative unless IHC is 3+."
    return text


def _single(report: Report, why: _Reasoning) -> Her2Status:
    copies, ihc = report.ish_copy_number, report.ihc
    assert copies is not None
    if copies >= COPIES_HIGH:
        why.steps.append(
            SINGLE_AT_LEAST_6.step(
                f"Single-probe ISH with an average of {copies} HER2 signals/cell (≥ 6.0) is ISH positive, so HER2 "
                "is positive (ASCO/CAP 2018, Figure 2)."
            )
        )
        _discordant_ish_positive(report, why, f"Single-probe {copies} signals/cell")
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


def _incomplete(report: Report, why: _Reasoning) -> Her2Status:
    # Convention (her2-rules.md §3.2 step 4): decide only if every completion of the missing value agrees.
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


def _no_ish(report: Report, why: _Reasoning) -> Her2Status:
    ihc = report.ihc
    if ihc is None:
        why.steps.append(
            NO_RESULT.step(
                "No HER2 IHC score or ISH result was given, so HER2 status cannot be decided (ASCO/CAP 2018)."
            )
        )
        why.missing.append(MISSING_HER2 if report.ish_called_amplified is None else MISSING_IHC_AND_ISH_NUMBERS)
        return Her2Status.INSUFFICIENT
    if ihc is IhcScore.TWO:
        why.steps.append(
            IHC_ONLY_2.step(
                "IHC 2+ (weak to moderate complete membrane staining in > 10% of tumour cells) is equivocal: a "
                "reflex ISH test on the same specimen, or a new test on a new specimen, is required "
                "(ASCO/CAP 2018, Figure 1)."
            )
        )
        if report.ish_called_amplified is None:
            why.missing.append(MISSING_ISH)
        else:
            why.missing.append(MISSING_ISH_NUMBERS)
        return Her2Status.EQUIVOCAL_NEEDS_ISH
    pattern = (
        "incomplete faint/barely perceptible membrane staining in > 10% of tumour cells"
        if ihc is IhcScore.ONE
        else "no staining, or incomplete faint membrane staining in ≤ 10% of tumour cells"
    )
    why.steps.append(IHC_ONLY_0_1.step(f"IHC {ihc} ({pattern}) is HER2 negative (ASCO/CAP 2018, Figure 1)."))
    return Her2Status.NEGATIVE


def _note_recount(report: Report, why: _Reasoning) -> None:
    # her2-rules.md §2.3: the recount applies only to dual-probe groups 2-4 with concurrent IHC 2+.
    if report.ish_recount_same_group is None:
        return
    if why.group in (2, 3, 4) and report.ihc is IhcScore.TWO:
        return
    if why.group is None:
        reason = "no complete dual-probe ISH result was given"
    elif why.group in (1, 5):
        reason = f"group {why.group} needs no recount"
    else:
        reason = f"the concurrent IHC is {report.ihc or 'not given'}, not 2+"
    why.steps.append(
        RECOUNT_NOT_APPLICABLE.step(
            f"The recount result was not used: a blinded recount applies only to dual-probe groups 2–4 with "
            f"concurrent IHC 2+, and here {reason}."
        )
    )


def _note_words(report: Report, why: _Reasoning) -> None:
    has_ish_numbers = report.ish_ratio is not None or report.ish_copy_number is not None
    if report.ish_called_amplified is not None:
        label = "amplified" if report.ish_called_amplified else "not amplified"
        if has_ish_numbers:
            text = (
                f"The report also calls the ISH '{label}'. herbot classifies the numbers by the 2018 groups, not "
                "the label: older criteria labelled some results differently (group 2 was ISH-positive under 2013)."
            )
        else:
            text = (
                f"The report calls the ISH '{label}' without the ratio and copy number. The 2018 groups need the "
                "numbers, and older criteria labelled some results differently, so the label alone is not used."
            )
        why.steps.append(ISH_CALLED_IN_WORDS.step(text))
    if report.her2_called_positive is not None:
        label = "positive" if report.her2_called_positive else "negative"
        why.steps.append(
            HER2_CALLED_IN_WORDS.step(
                f"The report calls HER2 '{label}' in words. herbot classifies the IHC score and ISH values, which "
                "also decide the HER2-low, ultralow or zero category."
            )
        )
