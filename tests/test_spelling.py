"""Spelling: every way of writing HER2 is HER2, never HR; misspelt subject words are corrected, known words kept."""

from __future__ import annotations

import pytest

from intents.detection import IntentDetector, load_detector, normalise
from intents.detection.spelling import correct_spelling, spell_her2

HER2_SPELLINGS = ["hre2", "her 2", "herr2", "HER-2", "c-erbB-2", "her2neu", "HER2/neu", "her-2/neu", "Her II", "ehr2"]
# A HER2 word followed by a typo'd subject word: the intent must be HER2's, as issue 10 reported "hre2 postive mean??".
ABOUT_HER2 = [
    ("hre2 postive mean??", "define-her2-positive"),
    ("herr2 positive meaning", "define-her2-positive"),
    ("c-erbB-2 positive meaning", "define-her2-positive"),
    ("HER-2 positive what does it mean", "define-her2-positive"),
    ("her 2 negative meaning", "define-her2-negative"),
    ("hre2 low?", "define-her2-low"),
]


@pytest.fixture(scope="module")
def detector() -> IntentDetector:
    return load_detector()


@pytest.mark.parametrize("spelling", HER2_SPELLINGS)
def test_every_spelling_of_her2_is_her2(spelling: str) -> None:
    assert normalise(f"{spelling} positive?") == "her2 positive?"


@pytest.mark.parametrize("text", ["other 2 results", "here 2 cases", "her 20 cores", "hers 2", "HR 2+"])
def test_words_that_only_look_like_her2_are_kept(text: str) -> None:
    assert spell_her2(text) == text


@pytest.mark.parametrize(("text", "intent"), ABOUT_HER2, ids=[text for text, _ in ABOUT_HER2])
def test_a_misspelt_her2_question_is_about_her2(detector: IntentDetector, text: str, intent: str) -> None:
    assert detector.detect(text).intent == intent


@pytest.mark.parametrize(
    ("text", "corrected"),
    [
        ("tripel negative", "triple negative"),
        ("prognossis of her2", "prognosis of her2"),
        ("enhurtu dose", "enhertu dose"),
        ("her2 testing", "her2 testing"),
        ("herceptin", "herceptin"),
    ],
)
def test_unknown_subject_words_are_corrected_and_known_ones_kept(text: str, corrected: str) -> None:
    assert correct_spelling(text, known=frozenset({"testing", "negative", "dose"})) == corrected
