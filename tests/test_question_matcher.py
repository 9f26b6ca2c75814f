"""Question matching: the shipped index is fresh, every entry finds itself, the chosen method wins cross-validation."""

from __future__ import annotations

import json

import pytest

from bot.knowledge import load_questions
from intents.catalog import Intent
from intents.detection.examples import load_eval_set
from intents.detection.question_cv import Outcome, choose_threshold, cross_validate
from intents.detection.questions import (
    QuestionMatcher,
    index_path,
    load_question_matcher,
    questions_fingerprint,
)

BANK = load_questions()
STALE = "intents/data/question_index.json is stale: run `herbot train` after editing the question bank"
# Messages from issue 10 and what they must match (None: nothing); the router adds the intent hint.
CASES = [
    ("anyone up for lunch 12:30", None, None),
    ("hre2 postive mean??", None, "her2-positive.what-it-means"),
    ("is 2.2 still the FISH cut-off?", None, "criteria.ratio-2-or-2-2"),
    ("does 2+ = her2 low?", None, "her2-low.is-2plus-low"),
    ("is IHC 1+ considered HER2-low?", None, "her2-low.is-1plus-low"),
    ("her2 was 0 at dx, can it become low later?", None, "her2-low.her2-0-primary"),
    ("what is her2 low", Intent.TREATMENT_HER2_LOW, "tx-her2-low.options"),
    # Saying nothing beyond the overview entry's words asks the overview; one more word asks something else.
    ("ultralow her2 - what is that?", Intent.DEFINE_HER2_ULTRALOW, "ultralow.what-it-means"),
    ("tell me about er low", Intent.DEFINE_ER_LOW, "er-low.what-is"),
    ("is ultralow her2 negative?", Intent.DEFINE_HER2_ULTRALOW, "ultralow.is-negative"),
]


@pytest.fixture(scope="module")
def matcher() -> QuestionMatcher:
    return load_question_matcher(BANK)


def test_shipped_index_was_built_from_the_current_bank() -> None:
    assert json.loads(index_path().read_text(encoding="utf-8"))["fingerprint"] == questions_fingerprint(BANK), STALE


def test_loaded_matcher_matches_exactly_as_one_built_now(matcher: QuestionMatcher) -> None:
    fresh = QuestionMatcher.from_questions(BANK)
    labelled = load_eval_set("held-out")
    assert [matcher.rank(text) for text, _ in labelled] == [fresh.rank(text) for text, _ in labelled]
    assert [matcher.match(text, intent=Intent(intent)) for text, intent in labelled] == [
        fresh.match(text, intent=Intent(intent)) for text, intent in labelled
    ]


@pytest.mark.parametrize("question", BANK, ids=[question.id for question in BANK])
def test_every_entry_is_matched_by_its_own_question(matcher: QuestionMatcher, question) -> None:
    match = matcher.match(question.ask)
    assert (match.question_id, match.intent) == (question.id, question.intent)


@pytest.mark.parametrize(("text", "intent", "expected"), CASES, ids=[text for text, _, _ in CASES])
def test_issue_messages_match_their_entry(matcher: QuestionMatcher, text: str, intent, expected) -> None:
    match = matcher.match(text, intent=intent)
    assert (match.question_id if match else None) == expected, matcher.rank(text, intent=intent)[:3]


def test_a_match_names_the_runner_up_below_it(matcher: QuestionMatcher) -> None:
    match = matcher.match("does 2+ = her2 low?")
    assert (match.runner_up is not None, match.confidence >= match.runner_up_confidence > 0) == (True, True)


def test_an_intent_limits_the_match_to_its_entries(matcher: QuestionMatcher) -> None:
    ranked = matcher.rank("what is her2 low", intent=Intent.TREATMENT_HER2_LOW)
    assert {matcher.intents[entry] for entry, _ in ranked} == {Intent.TREATMENT_HER2_LOW}


def test_the_chosen_method_beats_the_other_bm25_variants_in_cross_validation() -> None:
    top1 = {
        method: cross_validate(BANK, method).accuracy for method in ("bm25-entry-ask", "bm25-entry", "bm25-phrasing")
    }
    assert max(top1, key=top1.__getitem__) == "bm25-entry-ask", top1


def test_threshold_choice_stops_at_the_first_band_that_loses() -> None:
    outcomes = [
        Outcome("a", "x", "x", 0.72, True),
        Outcome("b", "x", "y", 0.33, True),
        Outcome("c", "x", "x", 0.12, True),
    ]
    assert choose_threshold(outcomes, band=0.1) == 0.4
