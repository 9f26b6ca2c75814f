"""Statements resting on an item docs/her2-rules.md lists as unverified carry a flag, and say what is assumed.

A topic fact flags it with ``assumed: "<what is assumed>"`` in its YAML; an engine step with
``Step.assumed``. Every rendering of a flagged statement must contain that text and the word
"assumed", so no answer states the item as a verified fact.

``UNVERIFIED`` is the rules' "Unverified items (do not cite until checked)" list, as patterns that
find statements resting on each item: a statement that matches must carry the flag. Bibliographic
gaps (DOIs, issue numbers) live in the source registry's ``unverified`` field, not here.
"""

from __future__ import annotations

import re

import pytest
from tabledata import csv_rows

from bot.engine import FIELDS, classify, report_from_fields
from bot.engine.steps import Step
from bot.knowledge import load_sources, load_topics
from bot.render.text import TextRenderer
from intents.classify_values import explain_report
from intents.topics import explain_topic

UNVERIFIED = {
    # Figure 4 (group 2) of ASCO/CAP 2018 was not read: the recount wording is assumed from Figures 5-6.
    "figure-4-group-2-recount": re.compile(
        r"(\bgroups? 2\b|\bgroups 2(?:–|-| to )4\b|\bgroups 2, 3 and 4\b)[^.]*\b(recount|adjudicat)"
        r"|\b(recount|adjudicat)[^.]*(\bgroups? 2\b|\bgroups 2(?:–|-| to )4\b|\bgroups 2, 3 and 4\b)",
        re.IGNORECASE,
    ),
    "allred-original-publication": re.compile(r"\bHarvey\b|\bAllred (?:et al|DC|1999)|Allred[^.]*\b1999\b"),
    "nsabp-b-47-result": re.compile(r"\bB-?47\b"),
    "er-low-as-triple-negative": re.compile(
        r"ER-low[^.]*(?:treated|managed|grouped) (?:as|with) triple-negative", re.I
    ),
}

# Statements the patterns catch that state nothing the unverified item decides, with the reason.
NOT_RESTING = {
    "step her2/recount/not-applicable": (
        "says why the recount field was ignored (docs/her2-rules.md §2.3, a product convention for the field); it "
        "states no group 2 recount step or outcome"
    ),
}

RENDERER = TextRenderer(load_sources())
TOPICS = load_topics()
CASES = [row for name in ("gold_cases.csv", "engine_cases.csv") for row in csv_rows(name)]


def _steps() -> dict[str, Step]:
    """Every distinct engine step the case tables produce, by rule id and text."""
    steps = {}
    for row in CASES:
        for step in classify(report_from_fields({k: v for k, v in row.items() if k in FIELDS})).steps:
            steps[f"{step.rule}: {step.text[:50]}"] = step
    return steps


FACTS = {
    f"{topic.id}:{section}.{n}": claim
    for topic in TOPICS
    for section in ("headline", "points", "more", "caveats")
    for n, claim in enumerate((topic.headline,) if section == "headline" else getattr(topic, section), start=1)
}
STEPS = _steps()
STATEMENTS = {
    **{f"fact {k}": (v.text, v.assumed) for k, v in FACTS.items()},
    **{f"step {k}": (v.text, v.assumed) for k, v in STEPS.items()},
}
RESTING = sorted(
    (statement_id, item)
    for statement_id, (text, _) in STATEMENTS.items()
    for item, pattern in UNVERIFIED.items()
    if pattern.search(text) and statement_id.split(":")[0] not in NOT_RESTING
)


def says_assumption(line: str, assumed: str) -> bool:
    return assumed.lower() in line.lower() and "assumed" in line.lower()


def lines_with(rendered: str, text: str) -> list[str]:
    """The rendered lines that show ``text`` (found by its opening words)."""
    return [line for line in rendered.splitlines() if text[:60] in line]


@pytest.mark.parametrize(("statement_id", "item"), [pytest.param(s, i, id=f"{s} <- {i}") for s, i in RESTING])
def test_a_statement_resting_on_an_unverified_item_is_flagged(statement_id: str, item: str) -> None:
    assert STATEMENTS[statement_id][1], f"{statement_id} rests on the unverified item {item} but carries no flag"


@pytest.mark.parametrize("statement_id", sorted(s for s, (_, assumed) in STATEMENTS.items() if assumed))
def test_a_flagged_statement_is_one_the_rules_mark_unverified(statement_id: str) -> None:
    assert any(s == statement_id for s, _ in RESTING)


@pytest.mark.parametrize("prefix", sorted(NOT_RESTING))
def test_a_statement_left_unflagged_is_still_caught(prefix: str) -> None:
    caught = [s for s, (text, _) in STATEMENTS.items() if s.split(":")[0] == prefix]
    assert caught
    assert all(any(p.search(STATEMENTS[s][0]) for p in UNVERIFIED.values()) for s in caught)


@pytest.mark.parametrize("lesson", [False, True], ids=["default", "lesson"])
@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_a_flagged_fact_says_what_is_assumed_wherever_it_is_rendered(topic, lesson: bool) -> None:
    rendered = RENDERER.render(explain_topic(topic, topic.intent or "learn", lesson=lesson))
    shown = [(claim, line) for claim in topic.claims if claim.assumed for line in lines_with(rendered, claim.text)]
    assert [claim.text for claim, line in shown if not says_assumption(line, claim.assumed)] == []


@pytest.mark.parametrize("show_steps", [False, True], ids=["steps-hidden", "steps-shown"])
@pytest.mark.parametrize("row", [pytest.param(r, id=r["id"]) for r in CASES])
def test_a_flagged_step_says_what_is_assumed_wherever_it_is_rendered(row: dict[str, str], show_steps: bool) -> None:
    explanation = explain_report(report_from_fields({k: v for k, v in row.items() if k in FIELDS}))
    rendered = RENDERER.render(explanation, full=show_steps)
    flagged = [step for step in explanation.steps if step.assumed]
    shown = [(step, line) for step in flagged for line in lines_with(rendered, step.text)]
    assert [step.rule for step, line in shown if not says_assumption(line, step.assumed)] == []


def test_the_group_2_recount_steps_are_flagged_and_rendered_with_the_assumption() -> None:
    """The three group 2 + IHC 2+ outcomes: recount pending, recount stayed, recount moved."""
    base = {"ihc": "2+", "ish_ratio": "2.2", "ish_copy_number": "3.5"}
    for recount in ("", "yes", "no"):
        explanation = explain_report(report_from_fields({**base, "ish_recount_same_group": recount}))
        step = next(s for s in explanation.steps if s.rule.startswith("her2/dual/group-2/ihc-2+"))
        assert step.assumed
        assert says_assumption(lines_with(RENDERER.render(explanation), step.text)[0], step.assumed)
