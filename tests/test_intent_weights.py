"""The shipped detector weights: fresh against the training examples, and loaded exactly as trained."""

from __future__ import annotations

import json

import pytest

from intents.detection import IntentDetector, load_detector
from intents.detection.examples import EVAL_SETS, load_eval_set, train_detector, weights_path
from intents.detection.weights import FORMAT, read_weights, write_weights

STALE = "intents/data/intent_weights.json is stale: run `herbot train` after editing the examples or training code"


@pytest.fixture(scope="module")
def trained() -> tuple[IntentDetector, str]:
    return train_detector()


@pytest.fixture(scope="module")
def shipped() -> tuple[IntentDetector, str]:
    return read_weights(weights_path().read_text(encoding="utf-8"))


def test_shipped_weights_were_trained_on_the_current_examples_and_parameters(shipped, trained) -> None:
    assert shipped[1] == trained[1], STALE


def test_shipped_weights_are_what_training_gives_now(shipped, trained) -> None:
    assert shipped[0] == trained[0], STALE


@pytest.mark.parametrize("name", list(EVAL_SETS))
def test_loaded_detector_guesses_exactly_as_the_trained_one(name: str, trained) -> None:
    texts = [text for text, _ in load_eval_set(name)]
    loaded = load_detector()
    assert [loaded.detect(text) for text in texts] == [trained[0].detect(text) for text in texts]


def test_writing_and_reading_keeps_every_number(trained) -> None:
    detector, mark = trained
    assert read_weights(write_weights(detector, mark)) == (detector, mark)


def test_weights_of_another_format_are_refused(trained) -> None:
    document = json.loads(write_weights(*trained))
    document["format"] = FORMAT + 1
    with pytest.raises(ValueError, match="format"):
        read_weights(json.dumps(document))
