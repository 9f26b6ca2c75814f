"""The ``classify-values`` intent: reported values in, a cited classification explained."""

from __future__ import annotations

from bot.engine import Classification, Her2Category, Her2Status, ReceptorStatus, Report, Subtype, classify
from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_ER_PR_2020, Step
from bot.errors import ConflictingValues, InvalidValue
from intents.catalog import QUESTIONS, Intent
from intents.help import SCOPE

__all__ = [
    "describe_values",
    "explain_classification",
    "explain_invalid",
    "explain_new_case",
    "explain_report",
    "explain_values_wanted",
    "reading_flags",
]

_STATUS_WORDS = {
    Her2Status.POSITIVE: "HER2-positive",
    Her2Status.NEGATIVE: "HER2-negative",
    Her2Status.EQUIVOCAL_NEEDS_ISH: "HER2 equivocal: ISH needed",
    Her2Status.EQUIVOCAL_NEEDS_DUAL_PROBE: "HER2 equivocal: dual-probe ISH needed",
    Her2Status.NEEDS_RECOUNT: "HER2 not final: blinded ISH recount needed",
    Her2Status.INSUFFICIENT: "HER2 cannot be classified yet",
}
_CATEGORY_WORDS = {
    Her2Category.LOW: "HER2-low",
    Her2Category.ULTRALOW: "HER2-ultralow",
    Her2Category.ZERO: "HER2-0",
}
_SUBTYPE_WORDS = {
    Subtype.HR_POSITIVE_HER2_NEGATIVE: "HR+/HER2−",
    Subtype.HR_POSITIVE_HER2_POSITIVE: "HR+/HER2+",
    Subtype.HR_NEGATIVE_HER2_POSITIVE: "HR−/HER2+",
    Subtype.TRIPLE_NEGATIVE: "triple-negative",
}
_RECEPTOR_WORDS = {
    ReceptorStatus.POSITIVE: "positive",
    ReceptorStatus.LOW_POSITIVE: "low positive",
    ReceptorStatus.NEGATIVE: "negative",
    ReceptorStatus.UNKNOWN: "not decided",
}
# docs/her2-rules.md §3.2 (recount, ISH needed) and §5.1 (ER Low Positive's comment, internal controls).
_NOT_FINAL = {
    Her2Status.NEEDS_RECOUNT: "Not final: a blinded ISH recount is needed before HER2 status can be reported.",
    Her2Status.EQUIVOCAL_NEEDS_ISH: (
        "Not final: IHC 2+ is equivocal, so a complete ISH result is needed to decide HER2 status."
    ),
    Her2Status.EQUIVOCAL_NEEDS_DUAL_PROBE: "Not final: dual-probe ISH is needed to decide HER2 status.",
}
_ER_LOW_COMMENT = (
    "ER Low Positive (1–10%): reported with the recommended comment that data on endocrine therapy benefit are "
    "limited, and with the status of internal controls (ASCO/CAP ER/PR 2020)."
)
_FOLLOW_UPS = {
    Her2Category.LOW: "How is HER2-low treated?",
    Her2Category.ULTRALOW: "What is HER2-ultralow?",
    Her2Category.ZERO: "What is the difference between HER2-0 and HER2-low?",
    Her2Category.POSITIVE: "How is HER2-positive breast cancer treated?",
}


def explain_report(report: Report) -> Explanation:
    """Classify ``report`` and explain the result."""
    return explain_classification(classify(report))


def explain_classification(result: Classification) -> Explanation:
    """An explanation of one classification: headline, 2–5 points, every step, what is missing."""
    her2_steps = [s for s in result.steps if s.rule.startswith(("her2/", "ish/"))]
    category_step = _first(result.steps, "category/")
    subtype_step = _first(result.steps, "subtype/")
    hormone_steps = [s for s in result.steps if s.rule.startswith(("er/", "pr/", "hr/"))]

    decision = next(step for step in result.steps if step.rule.startswith("her2/"))
    points = [Claim(step.text, step.sources) for step in result.steps if step.rule.startswith("ish/dual/group-")]
    points.append(Claim(decision.text, decision.sources))
    if result.her2_status.is_final:
        points.append(Claim(category_step.text, category_step.sources))
    if result.report.er is not None or result.report.pr is not None:
        points.append(Claim(_hormone_line(result), _cited(hormone_steps)))
    points.append(Claim(subtype_step.text, subtype_step.sources))
    return Explanation(
        intent="classify-values",
        headline=Claim(_headline(result), _cited([*her2_steps, category_step, subtype_step])),
        flags=reading_flags(result),
        points=tuple(points),
        steps=result.steps,
        values=describe_values(result.report),
        missing=result.missing,
        follow_ups=_follow_ups(result),
        guidelines=result.guidelines,
        classification=result,
        notices=("Send the missing values and I'll add them to this case.",) if result.missing else (),
    )


def reading_flags(result: Classification) -> tuple[Claim, ...]:
    """What changes how ``result`` must be read: discordance, ER Low Positive, a result that is not final."""
    decision = next(step for step in result.steps if step.rule.startswith("her2/"))
    flags = [Claim(step.text, step.sources) for step in result.steps if step.rule.startswith("her2/discordant/")]
    not_final = _NOT_FINAL.get(result.her2_status)
    if not_final:
        flags.insert(0, Claim(not_final, decision.sources))
    if result.er_status is ReceptorStatus.LOW_POSITIVE:
        flags.append(Claim(_ER_LOW_COMMENT, (ASCO_CAP_ER_PR_2020,)))
    return tuple(flags)


def _first(steps: tuple[Step, ...], prefix: str) -> Step:
    return next(step for step in steps if step.rule.startswith(prefix))


def _cited(steps: list[Step]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(source for step in steps for source in step.sources))


def _headline(result: Classification) -> str:
    headline = _STATUS_WORDS[result.her2_status]
    category = _CATEGORY_WORDS.get(result.her2_category)
    if category:
        headline += f" ({category})"
    subtype = _SUBTYPE_WORDS.get(result.subtype)
    if subtype:
        headline += f"; subtype {subtype}"
    return headline


def _hormone_line(result: Classification) -> str:
    er = _RECEPTOR_WORDS[result.er_status]
    pr = _RECEPTOR_WORDS[result.pr_status]
    hr = {"positive": "HR+", "negative": "HR−", "unknown": "HR status not decided"}[result.hr_status.value]
    return f"ER {er}, PR {pr}: {hr} (ASCO/CAP ER/PR 2020)."


def _follow_ups(result: Classification) -> tuple[str, ...]:
    asks: list[str] = []
    if result.her2_status is Her2Status.EQUIVOCAL_NEEDS_ISH:
        asks.append("What is FISH/ISH?")
    elif result.her2_status is Her2Status.NEEDS_RECOUNT:
        asks.append("What are the ISH groups?")
    elif result.subtype is Subtype.TRIPLE_NEGATIVE:
        asks.append("What are treatment options for TNBC?")
    if result.her2_category in _FOLLOW_UPS:
        asks.append(_FOLLOW_UPS[result.her2_category])
    return tuple(asks[:3])


def describe_values(report: Report) -> tuple[tuple[str, str], ...]:
    """The reported values as (label, value) pairs for display, in report order."""
    shown: list[tuple[str, str]] = []
    if report.ihc is not None:
        shown.append(("HER2 IHC", str(report.ihc)))
    if report.ish_ratio is not None:
        shown.append(("HER2/CEP17 ratio", str(report.ish_ratio)))
    if report.ish_copy_number is not None:
        shown.append(("HER2 signals/cell", str(report.ish_copy_number)))
    if report.effective_probe is not None:
        shown.append(("ISH probe", str(report.effective_probe)))
    if report.ish_recount_same_group is not None:
        shown.append(("Recount same group", "yes" if report.ish_recount_same_group else "no"))
    if report.ish_recount_group is not None:
        shown.append(("Recount group", str(report.ish_recount_group)))
    for name, receptor in (("ER", report.er), ("PR", report.pr)):
        if receptor is None:
            continue
        if receptor.percent is not None:
            shown.append((name, f"{receptor.percent}%"))
        if receptor.allred_total is not None:
            shown.append((f"{name} Allred total", f"{receptor.allred_total}/8"))
        if receptor.allred_proportion is not None:
            shown.append((f"{name} Allred proportion score", f"{receptor.allred_proportion}/5"))
        if receptor.call is not None:
            shown.append((name, str(receptor.call)))
    if report.ish_called_amplified is not None:
        shown.append(("ISH (in words)", "amplified" if report.ish_called_amplified else "not amplified"))
    if report.her2_called_positive is not None:
        shown.append(("HER2 (in words)", "positive" if report.her2_called_positive else "negative"))
    return tuple(shown)


_FIELD_LABELS = {
    "ihc": "HER2 IHC score",
    "ish_ratio": "HER2/CEP17 ratio",
    "ish_copy_number": "average HER2 copy number",
    "ish_probe": "ISH probe type",
    "ish_recount_same_group": "recount result",
    "ish_recount_group": "recount group",
    "er_percent": "ER percentage",
    "pr_percent": "PR percentage",
    "er_allred_total": "ER Allred total",
    "pr_allred_total": "PR Allred total",
    "er_allred_proportion": "ER Allred proportion score",
    "pr_allred_proportion": "PR Allred proportion score",
}


def explain_invalid(error: InvalidValue, *, kept_prior: bool) -> Explanation:
    """A polite answer naming the bad value and what is allowed; nothing from the message is used."""
    label = _FIELD_LABELS.get(error.field, error.field)
    if isinstance(error, ConflictingValues):
        headline = f"The {label} appears more than once with different values ({' and '.join(error.values)})."
        ask = f"Which {label} is right? Send it once and I'll classify."
    else:
        reason = f" ({error.reason})" if error.reason else ""
        headline = f"I can't use {label} {error.value!r}{reason}: allowed is {error.allowed}."
        ask = "Send the corrected value and I'll classify."
    kept = " The values you gave earlier in this conversation are unchanged." if kept_prior else ""
    return Explanation(
        intent="classify-values",
        headline=Claim(headline, ()),
        points=(Claim(ask + kept, ()), SCOPE),
        follow_ups=(QUESTIONS[Intent.HELP],),
    )


def explain_values_wanted() -> Explanation:
    """What to send when someone asks for a classification without giving values."""
    return Explanation(
        intent="classify-values",
        headline=Claim("Send the values to classify, or paste the report fragment (leave out names and MRNs).", ()),
        points=(
            Claim('For example: "IHC 2+, HER2/CEP17 ratio 1.6, copy# 3.2, ER 90%, PR 20%".', ()),
            SCOPE,
        ),
        follow_ups=(QUESTIONS[Intent.CLASSIFY_VALUES],),
    )


def explain_new_case() -> Explanation:
    """The answer to "new case": the conversation's values were cleared."""
    return Explanation(
        intent="classify-values",
        headline=Claim("New case: I've cleared the values from this conversation.", ()),
        points=(SCOPE,),
        follow_ups=(QUESTIONS[Intent.CLASSIFY_VALUES],),
    )
