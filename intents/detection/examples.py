"""The packaged training examples, and the detector built from them.

``intents/data/intent_examples.yaml`` maps each intent to the messages that teach it. The
detector is trained in-process from it when built (about a second on a 2-core machine), so nothing is
downloaded or unpickled at run time. Build it once at start-up and pass it down.
"""

from __future__ import annotations

from importlib.resources import files

import yaml

from intents.detection.detector import IntentDetector

__all__ = ["load_detector", "load_examples"]

_EXAMPLES = ("data", "intent_examples.yaml")


def load_examples() -> tuple[tuple[str, str], ...]:
    """Every packaged ``(text, intent)`` training pair, in file order."""
    resource = files("intents").joinpath(*_EXAMPLES)
    table = yaml.safe_load(resource.read_text(encoding="utf-8"))
    return tuple((str(text), intent) for intent, texts in table.items() for text in texts)


def load_detector() -> IntentDetector:
    """A detector trained on the packaged examples."""
    return IntentDetector.from_examples(load_examples())
