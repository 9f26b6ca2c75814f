"""Okapi BM25 over short documents, in pure Python (``bm25s`` would bring NumPy into every start-up).

Each document is a list of terms. ``score`` returns, for every document sharing a term with the
query, ``sum(idf(t) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avglen)))`` with the
non-negative idf ``log(1 + (N - n + 0.5) / (n + 0.5))`` of Lucene and ``bm25s``.

``write_index`` and ``read_index`` keep an index in JSON with its weights bit for bit, postings built
when first looked up (``packing.py``), so a start-up reads it in about a millisecond instead of building it.

``ceiling`` is what the query could score at most (every term at saturation, unknown terms at the
highest idf): the score divided by it is a confidence in [0, 1] that drops when a message says things
no document does.

>>> index = Bm25Index.build([["her2", "low", "mean"], ["er", "low", "mean"], ["ish", "group"]])
>>> ranked = sorted(index.score(["her2", "low"]).items(), key=lambda item: -item[1])
>>> [document for document, _ in ranked]
[0, 1]
>>> read_index(write_index(index)).score(["her2", "low"]) == index.score(["her2", "low"])
True
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from intents.detection.packing import LazyRows, pack, unpack

__all__ = ["K1", "B", "Bm25Index", "read_index", "write_index"]

# Lucene's defaults. On the bank's phrasings (see questions.py) k1 in 0.9-1.5 and b in 0.5-0.9 were
# within a point of each other: short documents leave little for either to do.
K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class Bm25Index:
    """Postings (term -> {document: weight}) with the BM25 length and saturation already applied."""

    postings: Mapping[str, Mapping[int, float]]
    idf: Mapping[str, float]
    max_idf: float
    k1: float

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]], *, k1: float = K1, b: float = B) -> Bm25Index:
        """The index of ``documents`` (lists of terms), numbered by position."""
        count = len(documents)
        average = sum(map(len, documents)) / count if count else 1.0
        frequency: Counter[str] = Counter()
        for document in documents:
            frequency.update(set(document))
        idf = {term: math.log(1.0 + (count - n + 0.5) / (n + 0.5)) for term, n in frequency.items()}
        postings: dict[str, dict[int, float]] = {}
        for number, document in enumerate(documents):
            norm = k1 * (1.0 - b + b * len(document) / average)
            for term, tf in Counter(document).items():
                postings.setdefault(term, {})[number] = idf[term] * tf * (k1 + 1.0) / (tf + norm)
        frozen = {term: MappingProxyType(row) for term, row in postings.items()}
        top = max(idf.values(), default=1.0)
        return cls(MappingProxyType(frozen), MappingProxyType(idf), top, k1)

    def score(self, query: Sequence[str]) -> dict[int, float]:
        """The BM25 score of every document that shares a term with ``query``."""
        totals: dict[int, float] = {}
        postings = self.postings
        for term in query:
            row = postings.get(term)
            if not row:
                continue
            if not totals:
                # 0.0 + weight is weight: the first row copied at C speed sums exactly as adding it would.
                totals = dict(row)
                continue
            get = totals.get
            for document, weight in row.items():
                totals[document] = get(document, 0.0) + weight
        return totals

    def score_of(self, query: Sequence[str], document: int) -> float | None:
        """``score(query).get(document)``, summed in the same order, without scoring the other documents."""
        total = None
        postings = self.postings
        for term in query:
            row = postings.get(term)
            weight = row.get(document) if row else None
            if weight is not None:
                total = weight if total is None else total + weight
        return total

    def ceiling(self, query: Sequence[str]) -> float:
        """The most ``query`` could score: each term saturated, unknown terms at the highest idf."""
        return sum(self.idf.get(term, self.max_idf) for term in query) * (self.k1 + 1.0)


def write_index(index: Bm25Index) -> dict[str, Any]:
    """``index`` as a JSON-ready mapping that ``read_index`` turns back into an equal index."""
    terms = sorted(index.postings)
    rows = [sorted(index.postings[term].items()) for term in terms]
    return {
        "terms": terms,
        "idf": pack("d", [index.idf[term] for term in terms]),
        "sizes": pack("H", [len(row) for row in rows]),
        "documents": pack("H", [document for row in rows for document, _ in row]),
        "weights": pack("d", [weight for row in rows for _, weight in row]),
        "max_idf": index.max_idf,
        "k1": index.k1,
    }


def read_index(document: Mapping[str, Any]) -> Bm25Index:
    """The index ``write_index`` wrote."""
    terms = document["terms"]
    postings = LazyRows(
        terms, unpack("H", document["sizes"]), unpack("H", document["documents"]), unpack("d", document["weights"])
    )
    idf = MappingProxyType(dict(zip(terms, unpack("d", document["idf"]), strict=True)))
    return Bm25Index(postings, idf, document["max_idf"], document["k1"])
