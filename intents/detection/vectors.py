"""TF-IDF vectors over word 1–2-grams and character 2–5-grams, in pure Python.

Each feature family is weighted by sublinear term frequency times smoothed inverse document
frequency and scaled to unit length on its own, as scikit-learn's ``TfidfVectorizer`` with
``sublinear_tf=True`` does, so words and characters weigh the same whatever their counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import repeat
from operator import mul, truediv
from types import MappingProxyType

from intents.detection.features import char_features, word_features

__all__ = ["SparseVector", "TfIdf", "fit_tfidf"]

SparseVector = dict[str, float]
_FAMILIES: tuple[Callable[[str], Counter[str]], ...] = (word_features, char_features)


@dataclass(frozen=True, slots=True)
class TfIdf:
    """Inverse document frequencies learnt from the training texts."""

    idf: Mapping[str, float]

    def vector(self, text: str) -> SparseVector:
        """The unit-length TF-IDF vector of normalised ``text``; unseen features are dropped."""
        vector: SparseVector = {}
        get = self.idf.get
        log = math.log
        for family in _FAMILIES:
            # A feature seen once weighs its idf: (1 + log 1) * idf is exactly idf.
            weights = {
                f: idf if n == 1 else (1.0 + log(n)) * idf
                for f, n in family(text).items()
                if (idf := get(f)) is not None
            }
            values = weights.values()
            length = math.sqrt(sum(map(mul, values, values)))
            if length:
                vector.update(zip(weights, map(truediv, values, repeat(length)), strict=True))
        return vector


def fit_tfidf(texts: Iterable[str]) -> TfIdf:
    """Document frequencies of every feature in ``texts`` (normalised), smoothed as in scikit-learn."""
    frequency: Counter[str] = Counter()
    count = 0
    for text in texts:
        count += 1
        for family in _FAMILIES:
            frequency.update(family(text).keys())
    idf = {f: math.log((1 + count) / (1 + n)) + 1.0 for f, n in frequency.items()}
    return TfIdf(MappingProxyType(idf))
