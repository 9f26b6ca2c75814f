"""Sparse features of a normalised message: word 1–2-grams and character 2–5-grams inside words.

Character n-grams within word boundaries (scikit-learn's ``char_wb``) make the model robust to
typos and abbreviations ("tripple", "her2 lwo", "prognossis"); word n-grams keep phrases
("triple negative", "quiz me") that carry the intent.

>>> sorted(word_features("er+/pr+ her2-negative"))[:4]
['w:er+', 'w:er+ pr+', 'w:her2', 'w:her2 negative']
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

__all__ = ["char_features", "word_features", "words"]

# A word keeps a trailing "+" ("hr+", "3+") and a trailing "-" that ends it ("her2-"), not one that joins ("t-dxd").
_WORD = re.compile(r"[a-z0-9]+(?:\++|-(?![a-z0-9]))?|\?")
CHAR_SIZES = range(2, 6)


def words(text: str) -> list[str]:
    """The word tokens of ``text`` (already normalised)."""
    return _WORD.findall(text)


def word_features(text: str) -> Counter[str]:
    """Counts of word unigrams and bigrams, prefixed ``w:``."""
    tokens = words(text)
    grams = Counter(f"w:{token}" for token in tokens)
    grams.update(f"w:{first} {second}" for first, second in pairwise(tokens))
    return grams


def char_features(text: str) -> Counter[str]:
    """Counts of character 2–5-grams of each space-padded word, prefixed ``c:``."""
    # All grams in order, counted once at the end (the same counts, first seen first); a word said again reuses
    # its grams.
    grams: list[str] = []
    seen: dict[str, list[str]] = {}
    for token in text.split():
        own = seen.get(token)
        if own is None:
            padded = f" {token} "
            length = len(padded)
            own = [
                f"c:{padded[i : i + size]}" for size in CHAR_SIZES if size <= length for i in range(length - size + 1)
            ]
            seen[token] = own
        grams += own
    return Counter(grams)
