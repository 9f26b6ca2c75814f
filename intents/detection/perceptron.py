"""A multiclass averaged perceptron with a margin, trained on sparse vectors in pure Python.

Why not scikit-learn: behind the same rules and features, ``LogisticRegression`` (C=10 to 30) was
within a point of this model in 5-fold cross-validation on the training examples (85.7-87.0%
against 86.4%) and 0.8-1.4 points better on the held-out set (96.4-97.0% against 95.6%), but it
would add NumPy, SciPy and scikit-learn to the bot, about 1.4 s of import and 2-9 s of fitting at
start-up. This model adds no dependency, builds in about a second on a 2-core machine and scores a
message in well under a millisecond.

Training visits the examples in an order shuffled by a fixed seed, so the same examples always
give the same weights. An update happens when the true class does not beat every other class by
``margin``; the returned weights are the average over all steps (lazy averaging), which
generalises far better than the last weights.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from intents.detection.vectors import SparseVector

__all__ = ["LinearScorer", "train_perceptron"]


@dataclass(frozen=True, slots=True)
class LinearScorer:
    """One weight per (feature, class) and one bias per class: a score is a dot product."""

    classes: tuple[str, ...]
    weights: Mapping[str, Mapping[int, float]]
    bias: tuple[float, ...]
    # Each row as (class, weight) pairs, kept once looked up: a plain tuple is the cheapest thing to loop over in
    # the dot product, which is most of what classifying a message costs. Rows are read-only, so it never goes stale.
    _pairs: dict[str, tuple[tuple[int, float], ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def scores(self, vector: SparseVector) -> list[float]:
        """The score of every class, in the order of ``classes``."""
        totals = list(self.bias)
        pairs = self._pairs
        for feature, value in vector.items():
            row = pairs.get(feature)
            if row is None:
                row = pairs[feature] = tuple(self.weights.get(feature, {}).items())
            for index, weight in row:
                totals[index] += weight * value
        return totals

    def contributions(self, vector: SparseVector, intent: str) -> dict[str, float]:
        """How much each feature of ``vector`` adds to the score of ``intent``."""
        index = self.classes.index(intent)
        return {f: v * self.weights[f][index] for f, v in vector.items() if index in self.weights.get(f, {})}


def train_perceptron(
    vectors: Sequence[SparseVector], labels: Sequence[str], *, epochs: int, margin: float, seed: int
) -> LinearScorer:
    """Averaged-perceptron weights for ``labels`` given ``vectors``; deterministic for a given ``seed``.

    Stops early after an epoch without a single update: the examples are then all separated by
    ``margin`` and further epochs would change nothing.
    """
    classes = tuple(sorted(set(labels)))
    index = {name: i for i, name in enumerate(classes)}
    targets = [index[label] for label in labels]
    # Rows are sparse: a rare feature has weights for the one or two classes it was ever updated for.
    weights: dict[str, dict[int, float]] = {}
    # Sum of step * update per weight: the average weight is w - u / steps (Daume's lazy averaging).
    stepped: dict[str, dict[int, float]] = {}
    bias = [0.0] * len(classes)
    bias_stepped = [0.0] * len(classes)
    order = list(range(len(vectors)))
    shuffle = random.Random(seed).shuffle
    step = 1
    for _ in range(epochs):
        shuffle(order)
        updates = 0
        for row in order:
            vector, target = vectors[row], targets[row]
            totals = list(bias)
            for feature, value in vector.items():
                for i, weight in weights.get(feature, {}).items():
                    totals[i] += weight * value
            totals[target] -= margin
            rival = max(range(len(classes)), key=totals.__getitem__)
            if rival != target:
                updates += 1
                for feature, value in vector.items():
                    _add(weights, stepped, feature, target, value, step)
                    _add(weights, stepped, feature, rival, -value, step)
                bias[target] += 1.0
                bias[rival] -= 1.0
                bias_stepped[target] += step
                bias_stepped[rival] -= step
            step += 1
        if not updates:
            break
    averaged = {
        feature: MappingProxyType({i: w - stepped[feature][i] / step for i, w in row.items()})
        for feature, row in weights.items()
    }
    averaged_bias = tuple(b - s / step for b, s in zip(bias, bias_stepped, strict=True))
    return LinearScorer(classes, MappingProxyType(averaged), averaged_bias)


def _add(
    weights: dict[str, dict[int, float]],
    stepped: dict[str, dict[int, float]],
    feature: str,
    i: int,
    value: float,
    step: int,
) -> None:
    row = weights.setdefault(feature, {})
    row[i] = row.get(i, 0.0) + value
    row_stepped = stepped.setdefault(feature, {})
    row_stepped[i] = row_stepped.get(i, 0.0) + step * value
