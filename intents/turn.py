"""Understanding a message once: clean its text, see whether it starts a new case, read its values, detect intent.

A ``Turn`` is everything the router needs to answer one message, worked out in one pass: the values
are extracted once and handed to intent detection, so no later step reads the text again.

>>> from intents.detection import load_detector
>>> turn = understand("next patient: IHC 3+ ER 90%", load_detector())
>>> (turn.new_case, turn.text, dict(turn.extraction.fields), str(turn.guess.intent))
(True, 'IHC 3+ ER 90%', {'ihc': '3+', 'er_percent': '90'}, 'classify-values')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.detection import IntentDetector, IntentGuess
from intents.extraction import Extraction, extract_values

__all__ = ["Turn", "clean_text", "understand"]

# "new case", "next patient:", "another pt -", "start over." at the start of a message: what follows is a new case.
_NEW_CASE = re.compile(
    r"^\W*(?:start(?:ing)?\s*(?:over|again|afresh)|reset|(?:new|next|another|different|second|other)\s+"
    r"(?:case|pt|patient|lady|woman|one)|clear(?:\s+(?:the\s+)?(?:values|case|all))?(?=\W*$))\b[\s:;,.!?>\-]*",
    re.IGNORECASE,
)
# Control characters other than line breaks and tabs, and lone surrogates (undecodable bytes in argv or JSON).
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Turn:
    """One message, understood: its text (after any new-case words), its values and its intent."""

    text: str
    extraction: Extraction
    guess: IntentGuess
    new_case: bool


def clean_text(text: str) -> str:
    """``text`` safe to read, encode and render: unprintable characters and lone surrogates become U+FFFD.

    >>> clean_text("quiz me\\udcff\\x00")
    'quiz me\\ufffd\\ufffd'
    """
    return _UNPRINTABLE.sub("\ufffd", text)


def understand(text: str, detector: IntentDetector) -> Turn:
    """Read ``text`` once into a ``Turn``."""
    text = clean_text(text)
    new_case = _NEW_CASE.match(text)
    if new_case:
        text = text[new_case.end() :].strip()
    extraction = extract_values(text)
    return Turn(text, extraction, detector.detect(text, extraction), new_case=bool(new_case))
