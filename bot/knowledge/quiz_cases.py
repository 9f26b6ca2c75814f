"""Case questions answered by the classification engine, so the right option can never disagree with it.

A case (data/case-questions.yaml) gives report values by the engine's field names and what is asked: the HER2
status, the HER2 category, the dual-probe ISH group or the subtype. ``case_question`` classifies the values with
``bot.engine.classify``; the engine's outcome is the right option, explained by the engine's own decisive steps
and their sources. The distractors are other outcomes of the same question, each explained by the rule that
outcome needs (written once per outcome in the file's ``asks`` table), which the case does not meet.

>>> from bot.engine.explanation import Claim
>>> rule = Claim("A rule.", ("asco-cap-her2-2018",))
>>> outcomes = {f"group-{n}": Outcome(f"Group {n}", rule) for n in range(1, 6)}
>>> question = case_question(
...     CaseSpec(id="c", lesson_id="l", topic_id="ish-groups", ask=Ask.ISH_GROUP, case="ratio 1.8, 4.5 signals/cell",
...              values={"ish_ratio": "1.8", "ish_copy_number": "4.5"}, distractors=("group-5", "group-3")),
...     prompt="Which ISH group?", outcomes=outcomes)
>>> question.answer, [option.id for option in question.options]
('group-4', ['group-3', 'group-4', 'group-5'])
>>> question.right.why.text  # doctest: +ELLIPSIS
'Dual-probe ISH: HER2/CEP17 ratio 1.8 (< 2.0) with an average of 4.5 HER2 signals/cell (≥ 4.0 and < 6.0) is group 4...'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from bot.engine import Classification, Subtype, classify, report_from_fields
from bot.engine.explanation import Claim
from bot.errors import InvalidValue
from bot.knowledge.curriculum import Option, QuestionKind, QuizQuestion
from bot.knowledge.schema import KnowledgeFileError

__all__ = ["OUTCOMES", "Ask", "CaseSpec", "Outcome", "case_question", "outcome_of"]


class Ask(StrEnum):
    """What a case question asks for."""

    HER2_STATUS = "her2-status"
    HER2_CATEGORY = "her2-category"
    ISH_GROUP = "ish-group"
    SUBTYPE = "subtype"


_SUBTYPE_IDS = {
    Subtype.HR_POSITIVE_HER2_NEGATIVE: "hr-positive-her2-negative",
    Subtype.HR_POSITIVE_HER2_POSITIVE: "hr-positive-her2-positive",
    Subtype.HR_NEGATIVE_HER2_POSITIVE: "hr-negative-her2-positive",
    Subtype.TRIPLE_NEGATIVE: "triple-negative",
    Subtype.UNKNOWN: "unknown",
}

# Every outcome each question can have, as option ids, in the order options are shown (so the position of the
# right option tells nothing).
OUTCOMES: dict[Ask, tuple[str, ...]] = {
    Ask.HER2_STATUS: (
        "positive",
        "negative",
        "equivocal-needs-ish",
        "equivocal-needs-dual-probe",
        "needs-recount",
        "insufficient",
    ),
    Ask.HER2_CATEGORY: ("positive", "low", "ultralow", "zero", "unknown"),
    Ask.ISH_GROUP: tuple(f"group-{n}" for n in range(1, 6)),
    Ask.SUBTYPE: tuple(_SUBTYPE_IDS.values()),
}

# The engine's steps that decide each answer, by rule-id prefix (bot.engine rule ids: "her2/...", "ish/dual/group-N",
# "category/...", "er/...", "pr/...", "hr/...", "subtype/...").
_DECISIVE: dict[Ask, tuple[str, ...]] = {
    Ask.HER2_STATUS: ("her2/", "ish/"),
    Ask.HER2_CATEGORY: ("her2/", "ish/", "category/"),
    Ask.ISH_GROUP: ("ish/dual/group-",),
    Ask.SUBTYPE: ("her2/", "ish/", "er/", "pr/", "hr/", "subtype/"),
}


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an outcome reads on a button, and the rule it needs (why it is wrong when the engine says otherwise)."""

    label: str
    excluded: Claim


@dataclass(frozen=True, slots=True)
class CaseSpec:
    """One case as the data file gives it: values by the engine's field names, and the outcomes offered beside
    the engine's answer."""

    id: str
    lesson_id: str
    topic_id: str
    ask: Ask
    case: str
    values: Mapping[str, str]
    distractors: tuple[str, ...]


def outcome_of(ask: Ask, result: Classification) -> str:
    """The engine's answer to ``ask``, as an option id."""
    if ask is Ask.HER2_STATUS:
        return result.her2_status.value
    if ask is Ask.HER2_CATEGORY:
        return result.her2_category.value
    if ask is Ask.ISH_GROUP:
        return f"group-{result.ish_group}"
    return _SUBTYPE_IDS[result.subtype]


def case_question(spec: CaseSpec, *, prompt: str, outcomes: Mapping[str, Outcome]) -> QuizQuestion:
    """The question for ``spec``: the engine's answer and its reasoning, beside the distractors and their rules."""
    try:
        result = classify(report_from_fields(spec.values))
    except InvalidValue as error:
        raise KnowledgeFileError(f"case {spec.id}: {error}") from None
    if spec.ask is Ask.ISH_GROUP and result.ish_group is None:
        raise KnowledgeFileError(f"case {spec.id}: asks for an ISH group, but its values give none")
    answer = outcome_of(spec.ask, result)
    offered = {answer, *spec.distractors}
    if answer in spec.distractors or len(offered) != len(spec.distractors) + 1 or not 3 <= len(offered) <= 4:
        raise KnowledgeFileError(
            f"case {spec.id}: the engine answers {answer}; the distractors {list(spec.distractors)} must be 2 or 3 "
            "other outcomes"
        )
    unknown = offered - set(OUTCOMES[spec.ask])
    if unknown:
        raise KnowledgeFileError(f"case {spec.id}: {sorted(unknown)} are not outcomes of {spec.ask}")
    options = tuple(
        Option(
            id=outcome,
            label=outcomes[outcome].label,
            why=_reasoning(spec.ask, result) if outcome == answer else outcomes[outcome].excluded,
        )
        for outcome in OUTCOMES[spec.ask]
        if outcome in offered
    )
    return QuizQuestion(
        id=spec.id,
        lesson_id=spec.lesson_id,
        topic_id=spec.topic_id,
        prompt=f"{spec.case}. {prompt}",
        options=options,
        answer=answer,
        kind=QuestionKind.CASE,
        case=spec.case,
    )


def _reasoning(ask: Ask, result: Classification) -> Claim:
    """The engine's decisive steps for ``ask`` as one cited statement."""
    steps = [step for step in result.steps if step.rule.startswith(_DECISIVE[ask])]
    return Claim(
        text=" ".join(step.text for step in steps),
        sources=tuple(dict.fromkeys(source for step in steps for source in step.sources)),
        assumed=next((step.assumed for step in steps if step.assumed), None),
    )
