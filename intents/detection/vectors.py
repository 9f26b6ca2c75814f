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
        for family in _FAMILIES:
            weights = {f: (1.0 + math.log(n)) * self.idf[f] for f, n in family(text).items() if f in self.idf}
            length = math.sqrt(sum(w * w for w in weights.values()))
            if length:
                vector.update((f, w / length) for f, w in weights.items())
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
