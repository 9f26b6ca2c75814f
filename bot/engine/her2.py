"""HER2 status from IHC and ISH, by the ASCO/CAP HER2 testing guideline 2018 (affirmed 2023).

Implements docs/her2-rules.md §2 and §3.2: the first matching rule of

1. IHC 3+                          -> positive
2. complete dual-probe ISH         -> group 1-5 and the concurrent-IHC work-up (Figures 3-6)
3. complete single-probe ISH       -> the single-probe thresholds (Figure 2)
4. incomplete ISH                  -> decided only when every completion agrees (convention)
5. no ISH                          -> IHC alone (0/1+ negative, 2+ equivocal)

>>> from decimal import Decimal
>>> decide_her2(Report(ihc=IhcScore.TWO, ish_ratio=Decimal("1.99"), ish_copy_number=Decimal("4.0"))).ish_group
4
"""

from __future__ import annotations

from bot.engine.her2_rules import (
    COPIES_LOW,
    DISCORDANT_IHC_3_ISH_NEGATIVE,
    HER2_CALLED_IN_WORDS,
    IHC_3,
    IHC_ONLY_0_1,
    IHC_ONLY_2,
    ISH_CALLED_IN_WORDS,
    MISSING_HER2,
    MISSING_IHC_AND_ISH_NUMBERS,
    MISSING_ISH,
    MISSING_ISH_NUMBERS,
    NO_RESULT,
    RECOUNT_NOT_APPLICABLE,
    RULES,
    Her2Result,
    Her2Status,
    Reasoning,
)
from bot.engine.ish import decide_dual, decide_incomplete, decide_single, group_step, ish_group
from bot.engine.values import IhcScore, Probe, Report

__all__ = ["RULES", "Her2Result", "Her2Status", "decide_her2", "ish_group"]


def decide_her2(report: Report) -> Her2Result:
    """HER2 status, ISH group, reasoning and what is missing, for one report."""
    why = Reasoning()
    ratio, copies, ihc = report.ish_ratio, report.ish_copy_number, report.ihc
    probe = report.effective_probe
    dual_complete = ratio is not None and copies is not None
    if dual_complete:
        why.group = ish_group(ratio, copies)
        why.steps.append(group_step(ratio, copies, why.group))

    if ihc is IhcScore.THREE:
        status = _ihc_three(report, why)
    elif dual_complete:
        status = decide_dual(report, why)
    elif probe is Probe.SINGLE and copies is not None:
        status = decide_single(report, why)
    elif ratio is not None or copies is not None:
        status = decide_incomplete(report, why)
    else:
        status = _no_ish(report, why)
    _note_recount(report, why)
    _note_words(report, why)
    return why.done(status)


def _ihc_three(report: Report, why: Reasoning) -> Her2Status:
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


def _no_ish(report: Report, why: Reasoning) -> Her2Status:
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


def _note_recount(report: Report, why: Reasoning) -> None:
    # docs/her2-rules.md §2.3: the recount applies only to dual-probe groups 2-4 with concurrent IHC 2+.
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


def _note_words(report: Report, why: Reasoning) -> None:
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
