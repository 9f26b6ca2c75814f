"""Ways to rank question-bank entries for a message; ``question_cv`` compares them, ``questions`` uses the best.

Every ranker is built from ``(text, entry)`` pairs (an entry's ``ask`` and ``phrasings``, ``entry`` its
position in the bank) and gives, for a message, the entries best first with a confidence in [0, 1]:

- ``bm25-phrasing``: BM25 over the terms of ``question_terms`` (canonical words and their bigrams),
  one document per phrasing, an entry scoring its best phrasing; confidence = score / the query's
  ceiling (``bm25.Bm25Index.ceiling``).
- ``bm25-entry``: the same with one document per entry (all its phrasings together).
- ``bm25-entry-ask``: ``bm25-entry`` plus ``ASK_WEIGHT`` times BM25 over the entries' ``ask`` alone (one
  short document per entry), so a general message ("tnbc?") prefers the entry whose canonical question it
  is over one whose many phrasings merely repeat its words.
- ``tfidf-nearest``: cosine nearest neighbour over the detector's TF-IDF features (word 1-2-grams,
  character 2-5-grams; ``vectors.py``), an entry scoring its nearest phrasing.
- ``tfidf-perceptron``: the detector's averaged perceptron with one class per entry, over the same
  TF-IDF features; confidence by a softmax of the scores.
- ``blend``: the mean of ``bm25-phrasing`` and ``tfidf-nearest`` confidences, entry by entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

from intents.detection.bm25 import Bm25Index
from intents.detection.normalise import normalise
from intents.detection.perceptron import LinearScorer, train_perceptron
from intents.detection.question_terms import question_terms
from intents.detection.vectors import SparseVector, TfIdf, fit_tfidf

__all__ = ["ASK_WEIGHT", "RANKERS", "Bm25Ranker", "Ranked", "Ranker", "build_ranker", "entry_documents"]

# In 5-fold cross-validation on the bank (323 entries), top-1 rose with the ask's weight from 0.390 (0) to
# 0.429 (0.5), 0.440 (1), 0.447 (2) and 0.451 (3), then fell (0.443 at 5): 2 sits on the plateau.
ASK_WEIGHT = 2.0

Ranked = list[tuple[int, float]]
"""Entries (positions in the bank) and their confidences, best first; ties by position."""


class Ranker:
    """Ranks entries for a message (see the module docstring)."""

    def rank(self, text: str) -> Ranked:
        raise NotImplementedError


def _best_first(scores: dict[int, float]) -> Ranked:
    # By entry, then by confidence falling: the sort is stable, so ties stay by entry. The same order as the key
    # (-confidence, entry), without a Python call per item.
    return sorted(sorted(scores.items()), key=itemgetter(1), reverse=True)


@dataclass(frozen=True, slots=True)
class Bm25Ranker(Ranker):
    """BM25 over the terms of each document; ``owners[d]`` is the entry document ``d`` belongs to.

    With ``asks`` (one document per entry, numbered by entry), each entry also scores ``ask_weight`` times
    its ask's BM25 confidence; the sum is divided by ``1 + ask_weight`` so confidences stay in [0, 1].
    """

    index: Bm25Index
    owners: tuple[int, ...]
    asks: Bm25Index | None = None
    ask_weight: float = 0.0
    _one_document_per_entry: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_one_document_per_entry", self.owners == tuple(range(len(self.owners))))

    @classmethod
    def from_terms(
        cls,
        documents: Sequence[Sequence[str]],
        owners: Sequence[int],
        asks: Sequence[Sequence[str]] | None = None,
        *,
        ask_weight: float = 0.0,
    ) -> Bm25Ranker:
        """The ranker over already-computed ``documents`` (term lists) each owned by an entry, and their asks."""
        ask_index = Bm25Index.build(asks) if asks is not None else None
        return cls(Bm25Index.build(documents), tuple(owners), ask_index, ask_weight if asks is not None else 0.0)

    def rank(self, text: str) -> Ranked:
        return self.rank_terms(question_terms(text))

    def rank_terms(self, terms: Sequence[str]) -> Ranked:
        """``rank`` for a message already turned into terms."""
        ceiling = self.index.ceiling(terms)
        if not ceiling:
            return []
        scores = self.index.score(terms)
        if self._one_document_per_entry:
            # Every document is its own entry, and every BM25 score is positive: each is its entry's best.
            best = scores
        else:
            best = {}
            for document, score in scores.items():
                owner = self.owners[document]
                if score > best.get(owner, 0.0):
                    best[owner] = score
        confidences = {entry: score / ceiling for entry, score in best.items()}
        if self.asks is not None and self.ask_weight:
            ask_ceiling = self.asks.ceiling(terms)
            weight = self.ask_weight
            get = confidences.get
            for entry, score in self.asks.score(terms).items():
                confidences[entry] = get(entry, 0.0) + weight * score / ask_ceiling
            share = 1.0 + weight
            confidences = {entry: c / share for entry, c in confidences.items()}
        return _best_first(confidences)

    def confidence(self, terms: Sequence[str], entry: int) -> float:
        """``entry``'s confidence in ``rank_terms(terms)`` (0.0 when unranked), computed for it alone."""
        if not self._one_document_per_entry:
            return dict(self.rank_terms(terms)).get(entry, 0.0)
        ceiling = self.index.ceiling(terms)
        if not ceiling:
            return 0.0
        score = self.index.score_of(terms, entry)
        confidence = score / ceiling if score is not None else None
        if self.asks is not None and self.ask_weight:
            ask = self.asks.score_of(terms, entry)
            if ask is not None:
                base = confidence if confidence is not None else 0.0
                confidence = base + self.ask_weight * ask / self.asks.ceiling(terms)
            return confidence / (1.0 + self.ask_weight) if confidence is not None else 0.0
        return confidence if confidence is not None else 0.0


def _bm25_phrasing(pairs: Sequence[tuple[str, int]]) -> Ranker:
    return Bm25Ranker.from_terms([question_terms(text) for text, _ in pairs], [entry for _, entry in pairs])


def entry_documents(pairs: Sequence[tuple[str, int]]) -> tuple[list[list[str]], list[list[str]]]:
    """For entries numbered 0..n-1: all the terms of each entry's texts, and the terms of its first text (its ask)."""
    documents: dict[int, list[str]] = {}
    asks: dict[int, list[str]] = {}
    for text, entry in pairs:
        terms = question_terms(text)
        documents.setdefault(entry, []).extend(terms)
        asks.setdefault(entry, terms)
    count = max(documents, default=-1) + 1
    return [documents.get(entry, []) for entry in range(count)], [asks.get(entry, []) for entry in range(count)]


def _bm25_entry(pairs: Sequence[tuple[str, int]]) -> Ranker:
    documents, _ = entry_documents(pairs)
    return Bm25Ranker.from_terms(documents, range(len(documents)))


def _bm25_entry_ask(pairs: Sequence[tuple[str, int]]) -> Ranker:
    documents, asks = entry_documents(pairs)
    return Bm25Ranker.from_terms(documents, range(len(documents)), asks, ask_weight=ASK_WEIGHT)


@dataclass(frozen=True, slots=True)
class _TfIdfNearest(Ranker):
    tfidf: TfIdf
    vectors: tuple[SparseVector, ...]
    owners: tuple[int, ...]

    def rank(self, text: str) -> Ranked:
        query = self.tfidf.vector(normalise(text))
        best: dict[int, float] = {}
        for vector, owner in zip(self.vectors, self.owners, strict=True):
            # Both vectors are two unit-length families side by side: the cosine is half the dot product.
            score = sum(value * vector.get(feature, 0.0) for feature, value in query.items()) / 2.0
            if score > best.get(owner, 0.0):
                best[owner] = score
        return _best_first(best)


def _tfidf_nearest(pairs: Sequence[tuple[str, int]]) -> Ranker:
    texts = [normalise(text) for text, _ in pairs]
    tfidf = fit_tfidf(texts)
    return _TfIdfNearest(tfidf, tuple(map(tfidf.vector, texts)), tuple(entry for _, entry in pairs))


@dataclass(frozen=True, slots=True)
class _TfIdfPerceptron(Ranker):
    tfidf: TfIdf
    scorer: LinearScorer

    def rank(self, text: str) -> Ranked:
        scores = self.scorer.scores(self.tfidf.vector(normalise(text)))
        peak = max(scores)
        exps = [math.exp((score - peak) / 0.5) for score in scores]
        total = sum(exps)
        return _best_first({int(name): e / total for name, e in zip(self.scorer.classes, exps, strict=True)})


def _tfidf_perceptron(pairs: Sequence[tuple[str, int]]) -> Ranker:
    texts = [normalise(text) for text, _ in pairs]
    tfidf = fit_tfidf(texts)
    labels = [str(entry) for _, entry in pairs]
    scorer = train_perceptron([tfidf.vector(t) for t in texts], labels, epochs=8, margin=0.5, seed=20240601)
    return _TfIdfPerceptron(tfidf, scorer)


@dataclass(frozen=True, slots=True)
class _Blend(Ranker):
    parts: tuple[Ranker, ...]

    def rank(self, text: str) -> Ranked:
        totals: dict[int, float] = {}
        for part in self.parts:
            for entry, confidence in part.rank(text):
                totals[entry] = totals.get(entry, 0.0) + confidence / len(self.parts)
        return _best_first(totals)


def _blend(pairs: Sequence[tuple[str, int]]) -> Ranker:
    return _Blend((_bm25_phrasing(pairs), _tfidf_nearest(pairs)))


RANKERS: dict[str, Callable[[Sequence[tuple[str, int]]], Ranker]] = {
    "bm25-phrasing": _bm25_phrasing,
    "bm25-entry": _bm25_entry,
    "bm25-entry-ask": _bm25_entry_ask,
    "tfidf-nearest": _tfidf_nearest,
    "tfidf-perceptron": _tfidf_perceptron,
    "blend": _blend,
}


def build_ranker(method: str, pairs: Sequence[tuple[str, int]]) -> Ranker:
    """The ranker ``method`` (a key of ``RANKERS``) built from ``(text, entry)`` pairs."""
    return RANKERS[method](pairs)
