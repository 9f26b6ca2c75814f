"""The clinical engine: reported values in, a cited classification out.

Pure and platform-free. The public names are re-exported here; the modules behind
them are private to the engine.
"""

from bot.engine import category, her2, hormone
from bot.engine.category import Her2Category, Subtype
from bot.engine.classify import HER2_GUIDELINE, HORMONE_GUIDELINE, Classification, classify
from bot.engine.fields import FIELDS, report_fields, report_from_fields
from bot.engine.her2 import Her2Status, ish_group
from bot.engine.hormone import HrStatus, ReceptorStatus
from bot.engine.steps import Rule, Step
from bot.engine.values import IhcScore, Probe, ReceptorCall, ReceptorResult, Report

__all__ = [
    "FIELDS",
    "HER2_GUIDELINE",
    "HORMONE_GUIDELINE",
    "Classification",
    "Her2Category",
    "Her2Status",
    "HrStatus",
    "IhcScore",
    "Probe",
    "ReceptorCall",
    "ReceptorResult",
    "ReceptorStatus",
    "Report",
    "Rule",
    "Step",
    "Subtype",
    "all_rules",
    "classify",
    "ish_group",
    "report_fields",
    "report_from_fields",
]


def all_rules() -> tuple[Rule, ...]:
    """Every rule the engine can apply, sorted by id."""
    return tuple(sorted((*her2.RULES, *hormone.RULES, *category.RULES), key=lambda r: r.id))
