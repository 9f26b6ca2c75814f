"""Correct misspelt subject words the classifier has never seen: "tripel" -> "triple".

Character n-grams already tolerate typos, but a word the training examples never used still
weakens the vote. A word of five letters or more that is not in the training vocabulary and is one
edit (insertion, deletion, substitution or swap of neighbours) from a known spelling of the
subject (``domain.SPELLINGS``) is replaced by it. Known words are never touched, so the training
examples' own typos ("tripple") stay as they are.

>>> correct_spelling("tripel negative meaning", known=frozenset({"negative", "meaning"}))
'triple negative meaning'
"""

from __future__ import annotations

import re
from collections.abc import Set

from intents.detection.domain import SPELLINGS, within_one_edit

__all__ = ["correct_spelling"]

_LONG_WORD = re.compile(r"[a-z]{5,}")


def correct_spelling(text: str, known: Set[str]) -> str:
    """``text`` (normalised) with each unknown long word one edit from a subject spelling replaced by it."""

    def replace(match: re.Match[str]) -> str:
        word = match.group()
        if word in known:
            return word
        return next((spelling for spelling in SPELLINGS if within_one_edit(word, spelling)), word)

    return _LONG_WORD.sub(replace, text)
