"""Every knowledge fact that states an ISH group or IHC outcome agrees with the engine.

A fact carries the report values it describes as ``checks`` in its topic file
(``bot/knowledge/data/topics/*.yaml``)::

    checks:
      - {values: {ihc: "2+", ish_ratio: "2.2", ish_copy_number: "3.5"}, her2_status: needs-recount, ish_group: 2}

Each check classifies its values with ``bot.engine.classify`` and compares every outcome the check
names (HER2 status, category, ISH group, subtype); outcomes it leaves out are not compared.

Which facts must carry checks: a fact that mentions an ISH group ("group 2", "groups 2, 3 and 4") or an
IHC score ("IHC 2+", "IHC 0", "1+") *and* an outcome word (positive, negative, equivocal, HER2-low,
ultralow, HER2-0, recount, adjudicated). The detection is deliberately wide; a fact it catches that
states no outcome of those values is listed in ``NO_CHECK`` with the reason, and that list must stay
current.
"""

from __future__ import annotations

import re

import pytest

from bot.engine import Classification, classify, report_from_fields
from bot.engine.explanation import Claim, FactCheck
from bot.knowledge import load_sources, load_topics
from bot.render.text import TextRenderer
from intents.classify_values import explain_report

TOPICS = load_topics()

MENTION = re.compile(r"\bgroups? [1-5]\b|\bIHC (?:0|[0-3]\+)|(?<![\w.])[0-3]\+(?!\w)")
OUTCOME = re.compile(r"positive|negative|equivocal|HER2-low|ultralow|HER2-0|recount|adjudicat", re.IGNORECASE)

NO_CHECK = {
    "older-criteria.2007-criteria": "states the superseded 2007 criteria, which the engine must not apply",
    "testing-general.low-not-category": "names the IHC 0 vs 1+ boundary, not an outcome of a score",
    "testing-ihc.low-not-category": "names the IHC 0 vs 1+ boundary, not an outcome of a score",
    "treatment-her2-low.eligibility-not-category": "names the IHC 0 vs 1+ threshold, not an outcome of a score",
}

# Every fact of every topic (summary, deeper facts, caveats and the question bank's facts), by its id.
FACTS: dict[str, Claim] = {claim.id: claim for topic in TOPICS for claim in topic.claims if claim.id}
STATES_OUTCOME = sorted(
    id_ for id_, claim in FACTS.items() if MENTION.search(claim.text) and OUTCOME.search(claim.text)
)
CHECKS = [
    pytest.param(claim, check, id=f"{id_}#{n}")
    for id_, claim in FACTS.items()
    for n, check in enumerate(claim.checks, start=1)
]


def observed(result: Classification, check: FactCheck) -> dict[str, object]:
    """The outcomes ``check`` names, as the engine gives them."""
    got = {
        "her2_status": str(result.her2_status),
        "her2_category": str(result.her2_category),
        "ish_group": result.ish_group,
        "subtype": str(result.subtype),
    }
    return {name: got[name] for name in got if getattr(check, name) is not None}


def stated(check: FactCheck) -> dict[str, object]:
    named = ("her2_status", "her2_category", "ish_group", "subtype")
    return {name: getattr(check, name) for name in named if getattr(check, name) is not None}


@pytest.mark.parametrize(("claim", "check"), CHECKS)
def test_fact_agrees_with_the_engine(claim: Claim, check: FactCheck) -> None:
    assert observed(classify(report_from_fields(dict(check.values))), check) == stated(check), claim.text


@pytest.mark.parametrize("fact_id", STATES_OUTCOME)
def test_a_fact_stating_a_group_or_ihc_outcome_carries_checks(fact_id: str) -> None:
    assert FACTS[fact_id].checks or fact_id in NO_CHECK, FACTS[fact_id].text


@pytest.mark.parametrize("fact_id", sorted(NO_CHECK))
def test_a_fact_left_unchecked_is_still_caught_and_still_unchecked(fact_id: str) -> None:
    assert fact_id in STATES_OUTCOME
    assert not FACTS[fact_id].checks


def test_every_check_names_an_outcome() -> None:
    assert [f"{id_}: {claim.text[:60]}" for id_, claim in FACTS.items() for c in claim.checks if not stated(c)] == []


def test_an_ish_only_triple_negative_answer_says_so() -> None:
    """docs/her2-rules.md §6: ISH-only group 5 with ER and PR < 1% is triple-negative, category unknown."""
    values = {"ish_ratio": "1.5", "ish_copy_number": "2.5", "er_percent": "0", "pr_percent": "0"}
    text = TextRenderer(load_sources()).render(explain_report(report_from_fields(values)))
    assert "HER2 category (low, ultralow or zero) is unknown" in text
    assert "triple-negative all the same" in text
