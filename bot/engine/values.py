"""Reported values: the typed inputs of the classification.

``Report`` holds what one case reports; ``bot.engine.parsing`` reads each value from text and
``bot.engine.fields`` builds a ``Report`` from named text fields.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal
from enum import StrEnum

from bot.errors import InvalidValue

__all__ = ["IhcScore", "Probe", "ReceptorCall", "ReceptorResult", "Report"]


class IhcScore(StrEnum):
    """HER2 immunohistochemistry score (ASCO/CAP 2018 Figure 1, with IHC 0 subdivided)."""

    ZERO = "0"
    ZERO_ULTRALOW = "0-ultralow"
    ZERO_NULL = "0-null"
    ONE = "1+"
    TWO = "2+"
    THREE = "3+"

    @property
    def is_zero(self) -> bool:
        return self in (IhcScore.ZERO, IhcScore.ZERO_ULTRALOW, IhcScore.ZERO_NULL)

    @property
    def is_zero_or_one(self) -> bool:
        return self.is_zero or self is IhcScore.ONE


class Probe(StrEnum):
    """ISH assay design."""

    DUAL = "dual"
    SINGLE = "single"


class ReceptorCall(StrEnum):
    """A receptor result stated in words rather than as a percentage."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class ReceptorResult:
    """ER or PR as reported: a percentage, an Allred score, or only a call in words."""

    percent: Decimal | None = None
    allred_total: int | None = None
    allred_proportion: int | None = None
    call: ReceptorCall | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the classification reads. ``None`` means "not reported"."""

    ihc: IhcScore | None = None
    ish_ratio: Decimal | None = None
    ish_copy_number: Decimal | None = None
    ish_probe: Probe | None = None
    ish_recount_same_group: bool | None = None
    ish_recount_group: int | None = None
    er: ReceptorResult | None = None
    pr: ReceptorResult | None = None
    ish_called_amplified: bool | None = None
    her2_called_positive: bool | None = None

    def __post_init__(self) -> None:
        if self.ish_probe is Probe.SINGLE and self.ish_ratio is not None:
            raise InvalidValue(
                field="ish_probe",
                value="single",
                allowed="dual (or no probe type) when a HER2/CEP17 ratio is given",
                reason="single-probe ISH has no CEP17 probe, so it cannot give a ratio",
            )
        self._check_recount_group()

    def _check_recount_group(self) -> None:
        """A recount reported both as same/different and by its group must agree with the group computed."""
        stayed, recount_group = self.ish_recount_same_group, self.ish_recount_group
        if stayed is None or recount_group is None or self.ish_ratio is None or self.ish_copy_number is None:
            return
        # bot.engine.ish imports this module, so its group function is imported when first needed.
        from bot.engine.ish import ish_group

        group = ish_group(self.ish_ratio, self.ish_copy_number)
        if (recount_group == group) != stayed:
            said = "the same group" if stayed else "a different group"
            raise InvalidValue(
                field="ish_recount_group",
                value=str(recount_group),
                allowed=f"a recount group that agrees with the recount reported as {said}",
                reason=f"the ratio and copy number give group {group}, but the recount is also reported as {said}",
            )

    @property
    def effective_probe(self) -> Probe | None:
        """The probe type, inferred as dual when a ratio is present (docs/her2-rules.md §3.1)."""
        if self.ish_probe is None and self.ish_ratio is not None:
            return Probe.DUAL
        return self.ish_probe

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def merged_with(self, newer: Report) -> Report:
        """This report updated by every field ``newer`` reports: a later message wins, and a receptor
        reported again replaces everything said before about it (a new percentage drops an old Allred score).

        Raises ``InvalidValue`` when the merged values contradict each other (single probe with a ratio).

        >>> from bot.engine.fields import report_from_fields
        >>> old = report_from_fields({"ihc": "1+", "er_allred_total": "6"})
        >>> old.merged_with(report_from_fields({"ihc": "3+", "er_percent": "5"})) == report_from_fields(
        ...     {"ihc": "3+", "er_percent": "5"})
        True
        """
        changes = {f.name: getattr(newer, f.name) for f in fields(newer) if getattr(newer, f.name) is not None}
        return replace(self, **changes)
