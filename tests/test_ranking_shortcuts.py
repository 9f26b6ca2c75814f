"""The matcher's shortcuts give exactly what the full ranking gives: one entry's confidence, one document's score."""

from __future__ import annotations

import pytest

from bot.knowledge import load_questions
from intents.detection.question_rankers import Bm25Ranker, build_ranker
from intents.detection.question_terms import question_terms

MESSAGES = [
    "what does her2-low mean",
    "is er 5% er-low?",
    "ihc 2+ ish ratio 1.8 copies 4.5 what group",
    "t-dxd for ultralow?",
    "tnbc",
    "anyone up for lunch",
    "",
]


@pytest.fixture(scope="module", params=["bm25-entry-ask", "bm25-phrasing"])
def ranker(request: pytest.FixtureRequest) -> Bm25Ranker:
    bank = load_questions()
    return build_ranker(request.param, [(text, n) for n, q in enumerate(bank) for text in (q.ask, *q.phrasings)])


@pytest.mark.parametrize("text", MESSAGES)
def test_one_entry_confidence_is_its_ranked_confidence(ranker: Bm25Ranker, text: str) -> None:
    terms = question_terms(text)
    ranked = dict(ranker.rank_terms(terms))
    entries = [*sorted(ranked)[:80], 0, 1, 2]
    assert [ranker.confidence(terms, e) for e in entries] == [ranked.get(e, 0.0) for e in entries]


@pytest.mark.parametrize("text", MESSAGES)
def test_one_document_score_is_its_score(ranker: Bm25Ranker, text: str) -> None:
    terms = question_terms(text)
    scores = ranker.index.score(terms)
    documents = [*sorted(scores)[:80], 0, 1, 2]
    assert [ranker.index.score_of(terms, d) for d in documents] == [scores.get(d) for d in documents]
