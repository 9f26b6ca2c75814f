"""One turn pipeline: a handler for every intent, new cases, values that never cross silently, reading flags."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine import Report, report_fields, report_from_fields
from bot.knowledge import Knowledge
from bot.render.slack import SlackRenderer
from bot.render.text import TextRenderer
from intents.catalog import QUESTIONS, TOPIC_INTENTS, Intent
from intents.detection import load_examples
from intents.extraction import extract_values
from intents.router import Router

DATA = Path(__file__).parent / "data"
NEW_CASES = yaml.safe_load((DATA / "new_case_phrasings.yaml").read_text("utf-8"))
EARLIER = report_from_fields({"ihc": "1+", "er_percent": "0", "pr_percent": "0"})


def test_every_intent_has_a_handler_examples_a_menu_question_and_a_topic(router: Router, knowledge: Knowledge) -> None:
    trained = {intent for _, intent in load_examples()}
    missing = [
        intent
        for intent in Intent
        if intent not in router.handlers
        or intent not in trained
        or (intent is not Intent.OUT_OF_SCOPE and intent not in QUESTIONS)
        or (intent in TOPIC_INTENTS and knowledge.topic_for_intent(intent) is None)
    ]
    assert missing == []


@pytest.mark.parametrize("row", NEW_CASES, ids=[row["text"] for row in NEW_CASES])
def test_new_case_words_clear_the_earlier_values_before_the_new_ones_are_read(router: Router, row: dict) -> None:
    answer = router.answer(row["text"], EARLIER)
    assert (report_fields(answer.values), answer.explanation.notices[0]) == (
        row["values"],
        "New case: I cleared the values from earlier in this conversation.",
    )


def test_new_case_alone_clears_everything(router: Router) -> None:
    assert router.answer("next patient", EARLIER).values == Report()


@pytest.mark.parametrize(
    ("message", "notices"),
    [
        pytest.param(
            "IHC 3+",
            [
                'Using ER 0% and PR 0% from earlier in this conversation; say "new case" to start over.',
                "HER2 IHC 3+ replaces 1+ from earlier.",
            ],
            id="carried-and-replaced",
        ),
        pytest.param(
            "ER 80%",
            [
                'Using HER2 IHC 1+ and PR 0% from earlier in this conversation; say "new case" to start over.',
                "ER 80% replaces 0% from earlier.",
            ],
            id="receptor-replaced",
        ),
        pytest.param(
            "why?",
            ['Using HER2 IHC 1+, ER 0% and PR 0% from earlier in this conversation; say "new case" to start over.'],
            id="reasoning-of-remembered-values",
        ),
    ],
)
def test_an_answer_says_which_values_came_from_earlier_and_which_were_replaced(
    router: Router, message: str, notices: list[str]
) -> None:
    assert list(router.answer(message, EARLIER).explanation.notices) == notices


def test_values_of_one_message_need_no_notice(router: Router) -> None:
    assert router.answer("IHC 3+ ER 0 PR 0").explanation.notices == ()


FLAGGED = [
    pytest.param("IHC 3+, ratio 1.2, copies 2.0", "is discordant: the result stays HER2-positive", id="ihc3-group5"),
    pytest.param("IHC 3+, single-probe ISH, 3.1 signals/cell", "is discordant", id="ihc3-single-below-4"),
    pytest.param("IHC 1+, ratio 2.5, copies 5.0", "is discordant: the result is HER2-positive", id="group1-ihc1"),
    pytest.param("IHC 0, single-probe ISH, 6.5 signals/cell", "is discordant", id="single-6-ihc0"),
    pytest.param("IHC 1+, ER 5%, PR 0%", "ER Low Positive (1–10%): reported with the recommended comment", id="er-low"),
    pytest.param("IHC 2+, ratio 2.3, copies 3.8", "Not final: a blinded ISH recount is needed", id="recount"),
    pytest.param("IHC 2+", "Not final: IHC 2+ is equivocal, so a complete ISH result is needed", id="ish-needed"),
    pytest.param("IHC 2+, ratio 1.6", "Not final: IHC 2+ is equivocal", id="ish-incomplete"),
]


@pytest.mark.parametrize(("message", "flag"), FLAGGED)
def test_reading_flags_are_in_the_default_view_of_every_surface(
    router: Router, knowledge: Knowledge, message: str, flag: str
) -> None:
    explanation = router.answer(message).explanation
    text = TextRenderer(knowledge.sources).render(explanation)
    slack = str(SlackRenderer(knowledge.sources).render(explanation, reasoning_token="t").block_dicts())
    assert (flag in text, flag in slack) == (True, True)


@pytest.mark.parametrize("message", ["IHC 1+, ER 50%, PR 20%", "IHC 0, ratio 1.2, copies 2.0, ER 0, PR 0"])
def test_a_plain_result_has_no_flags(router: Router, message: str) -> None:
    assert router.answer(message).explanation.flags == ()


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("tx options? IHC 1+ ER 90%", "treatment-her2-low"),
        ("IHC 0 null, ER 0, PR 0 - how is this treated?", "treatment-tnbc"),
        ("treatment options for IHC 3+ ER 80%?", "treatment-her2-positive"),
        ("IHC 0 (null) ER 95% PR 50%, options?", "treatment-hr-positive"),
    ],
)
def test_a_general_treatment_question_with_values_adds_the_general_evidence(
    router: Router, knowledge: Knowledge, message: str, topic: str
) -> None:
    answer = router.answer(message)
    first_point = answer.explanation.points[0]
    expected = knowledge.topic(topic).headline
    assert (answer.intent, first_point.text, first_point.sources) == (
        Intent.CLASSIFY_VALUES,
        f"In general: {expected.text}",
        expected.sources,
    )


PATIENT_ROWS = yaml.safe_load((DATA / "patient_specific.yaml").read_text("utf-8"))


@pytest.mark.parametrize("row", [row for row in PATIENT_ROWS if row["declined"]], ids=lambda row: row["text"][:60])
def test_a_decision_for_a_patient_is_declined_in_one_sentence_and_any_values_still_classified(
    router: Router, row: dict
) -> None:
    answer = router.answer(row["text"])
    classified = answer.explanation.classification is not None
    declined = answer.explanation.headline.text.startswith(("I can't choose a treatment", "I can't advise"))
    # A category named only in words ("HR+ HER2-low") is not a value to classify; the decline still stands.
    assert (answer.intent, declined, classified or answer.error is not None) == (
        Intent.OUT_OF_SCOPE,
        True,
        bool(extract_values(row["text"]).fields),
    )


@pytest.mark.parametrize("row", [row for row in PATIENT_ROWS if not row["declined"]], ids=lambda row: row["text"][:60])
def test_a_general_question_is_never_declined(router: Router, row: dict) -> None:
    assert router.answer(row["text"]).explanation.headline.text.startswith("I can't") is False
