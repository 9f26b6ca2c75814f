"""The classification: HER2 status and category, ISH group, receptors and subtype.

Applies the ASCO/CAP HER2 testing guideline 2018 (affirmed 2023) and the ASCO/CAP ER/PR
testing guideline 2020, as written in docs/her2-rules.md. Pure: no I/O, clock or logging.

>>> from bot.engine.fields import report_from_fields
>>> values = {"ihc": "2+", "ish_ratio": "1.4", "ish_copy_number": "2.6", "er_percent": "95"}
>>> result = classify(report_from_fields(values))
>>> (result.her2_status, result.her2_category, result.ish_group, result.subtype)
(<Her2Status.NEGATIVE: 'negative'>, <Her2Category.LOW: 'low'>, 5, <Subtype.HR_POSITIVE_HER2_NEGATIVE: 'HR+/HER2-'>)
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine.category import Her2Category, Subtype, decide_category, decide_subtype
from bot.engine.her2 import Her2Status, decide_her2
from bot.engine.hormone import HrStatus, ReceptorStatus, decide_hormones
from bot.engine.steps import Step
from bot.engine.values import Report

__all__ = ["HER2_GUIDELINE", "HORMONE_GUIDELINE", "Classification", "classify"]

HER2_GUIDELINE = "ASCO/CAP HER2 testing guideline 2018, affirmed 2023"
HORMONE_GUIDELINE = "ASCO/CAP ER/PR testing guideline 2020"


@dataclass(frozen=True, slots=True)
class Classification:
    """The result of classifying one report, with every step that led to it."""

    report: Report
    her2_status: Her2Status
    her2_category: Her2Category
    ish_group: int | None
    er_status: ReceptorStatus
    pr_status: ReceptorStatus
    hr_status: HrStatus
    subtype: Subtype
    steps: tuple[Step, ...]
    missing: tuple[str, ...]
    guidelines: tuple[str, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source id cited by the steps, in order of first citation."""
        return tuple(dict.fromkeys(source for step in self.steps for source in step.sources))

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(step.rule for step in self.steps)


def classify(report: Report) -> Classification:
    """Classify one report by the ASCO/CAP rules."""
    her2 = decide_her2(report)
    hormones = decide_hormones(report.er, report.pr)
    category, category_step = decide_category(her2.status, report.ihc)
    subtype, subtype_step = decide_subtype(her2.status, hormones.hr_status, category)
    receptors_given = report.er is not None or report.pr is not None
    return Classification(
        report=report,
        her2_status=her2.status,
        her2_category=category,
        ish_group=her2.ish_group,
        er_status=hormones.er,
        pr_status=hormones.pr,
        hr_status=hormones.hr_status,
        subtype=subtype,
        steps=(*her2.steps, category_step, *hormones.steps, subtype_step),
        missing=tuple(dict.fromkeys((*her2.missing, *hormones.missing))),
        guidelines=(HER2_GUIDELINE, HORMONE_GUIDELINE) if receptors_given else (HER2_GUIDELINE,),
    )
