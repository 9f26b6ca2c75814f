"""Intent detection: held-out accuracy, must-pass phrasings, data hygiene, determinism, explanations."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from tabledata import yaml_params

from intents.catalog import INTENTS, QUESTIONS
from intents.detection import CONFIDENCE_THRESHOLD, IntentDetector, Reason, load_detector, load_examples, normalise
from intents.detection.evaluation import Evaluation, evaluate, format_evaluation
from intents.detection.examples import load_eval_set, training_examples
from intents.detection.features import words
from intents.detection.patient import is_patient_specific

HELD_OUT = list(load_eval_set("held-out"))
ANSWERS = list(load_eval_set("answers"))
MUST_PASS = yaml_params("intent_must_pass.yaml", key="text")
FOLLOW_UPS = [pytest.param({"text": q, "intent": intent}, id=q) for intent, q in QUESTIONS.items()]
PATIENT = "patient-specific request"
# The rules that decide before the classifier (the off-topic check comes after it, and may overrule it).
RULES = {str(r) for r in Reason} - {str(Reason.CLASSIFIER), str(Reason.OFF_TOPIC)}


@pytest.fixture(scope="module")
def detector() -> IntentDetector:
    return load_detector()


@pytest.fixture(scope="module")
def held_out(detector: IntentDetector) -> Evaluation:
    return evaluate(detector, HELD_OUT)


# The held-out set gained three intents (HER2-positive, ultralow, ER-low) and questions that name a value are
# labelled with their concept (issue 10); the detector reached 0.942 on it. Strict: remove the mark at 95 %.
@pytest.mark.xfail(strict=True, reason="held-out detector accuracy 0.942 after issue 10's relabelling")
def test_held_out_accuracy_is_at_least_95_percent(held_out: Evaluation) -> None:
    assert held_out.accuracy >= 0.95, format_evaluation(held_out)


def test_held_out_accuracy_stays_above_its_floor(held_out: Evaluation) -> None:
    assert held_out.accuracy >= 0.93, format_evaluation(held_out)


def test_every_held_out_out_of_scope_message_is_refused(held_out: Evaluation) -> None:
    assert held_out.misses("out-of-scope") == (), format_evaluation(held_out)


@pytest.mark.parametrize("row", MUST_PASS + FOLLOW_UPS)
def test_must_pass_phrasing(detector: IntentDetector, row: dict[str, Any]) -> None:
    guess = detector.detect(row["text"])
    got = (guess.intent, guess.confidence >= CONFIDENCE_THRESHOLD, str(guess.reason) if "reason" in row else None)
    assert got == (row["intent"], True, row.get("reason")), guess


@pytest.mark.parametrize("row", [p for p in MUST_PASS if p.values[0].get("reason") == PATIENT or "treatment" in p.id])
def test_patient_specific_predicate(row: dict[str, Any]) -> None:
    assert is_patient_specific(normalise(row["text"])) is (row.get("reason") == PATIENT)


def test_held_out_set_has_the_planned_shape() -> None:
    counts = Counter(intent for _, intent in HELD_OUT)
    assert (len(HELD_OUT) >= 320, set(counts) == set(INTENTS), min(counts.values()) >= 12) == (True, True, True)
    assert (counts["out-of-scope"] >= 40, counts["classify-values"] >= 25) == (True, True)


def test_training_examples_cover_every_intent_with_at_least_40() -> None:
    counts = Counter(intent for _, intent in load_examples())
    assert (set(counts) == set(INTENTS), min(counts.values()) >= 40) == (True, True), counts


def test_no_training_example_is_contradicted_by_a_rule(detector: IntentDetector) -> None:
    rules = [(text, intent, detector.detect(text)) for text, intent in load_examples()]
    assert [(text, intent, g.intent) for text, intent, g in rules if g.reason in RULES and g.intent != intent] == []


def test_no_held_out_message_is_a_training_message() -> None:
    training = {normalise(text) for text, _ in training_examples()}
    assert [text for text, _ in HELD_OUT + ANSWERS if normalise(text) in training] == []


def test_no_held_out_message_is_a_training_message_reordered() -> None:
    def word_set(text: str) -> frozenset[str]:
        return frozenset(word for word in words(normalise(text)) if word != "?")

    training = {word_set(text) for text, _ in training_examples()} - {frozenset()}
    assert [text for text, _ in HELD_OUT + ANSWERS if word_set(text) in training] == []


def test_building_twice_gives_the_same_guesses(detector: IntentDetector) -> None:
    again = IntentDetector.from_examples(training_examples())
    texts = [text for text, _ in HELD_OUT]
    assert [again.detect(text) for text in texts] == [detector.detect(text) for text in texts]


def test_guesses_name_two_alternatives_with_confidences_in_order(detector: IntentDetector) -> None:
    guess = detector.detect("how common is triple negative breast cancer")
    confidences = [guess.confidence, *(p for _, p in guess.alternatives)]
    assert (len(guess.alternatives), confidences == sorted(confidences, reverse=True)) == (2, True), guess


def test_explain_names_the_features_behind_a_classifier_guess(detector: IntentDetector) -> None:
    features = detector.explain("her2 lwo?", top=3)
    assert (len(features), all(weight > 0 for _, weight in features), features[0][0]) == (3, True, "w:her2 lwo")


def test_explain_names_the_rule_behind_a_rule_guess(detector: IntentDetector) -> None:
    assert detector.explain("should my patient get T-DXd?") == (("rule: patient-specific request", 1.0),)


def test_from_examples_needs_two_intents() -> None:
    with pytest.raises(ValueError, match="two intents"):
        IntentDetector.from_examples([("quiz me", "quiz")])
