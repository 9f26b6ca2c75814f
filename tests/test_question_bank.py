"""The question bank: well-formed, every reference resolves, every answer cited, short and led by its answer.

The schema itself (unknown keys fail the load) is checked on a copy of a real file with one key misspelt.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from bot.engine.explanation import Claim
from bot.engine.questions import Question, Verdict
from bot.knowledge import load_knowledge
from bot.knowledge.schema import KnowledgeFileError, QuestionFile, TopicEntry, parse
from bot.render.text import TextRenderer
from bot.render.views import MAX_BODY, body_length, default_view
from intents.catalog import TOPIC_INTENTS
from intents.questions import explain_question

KNOWLEDGE = load_knowledge()
QUESTIONS = KNOWLEDGE.questions
MIN_QUESTIONS = 300
MIN_PHRASINGS = 4


def test_the_bank_holds_enough_questions_over_every_topic() -> None:
    assert len(QUESTIONS) >= MIN_QUESTIONS
    assert {topic.id for topic in KNOWLEDGE.topics} <= {question.topic_id for question in QUESTIONS}


def test_ids_are_unique() -> None:
    assert [i for i, n in Counter(q.id for q in QUESTIONS).items() if n > 1] == []
    fact_ids = [claim.id for topic in KNOWLEDGE.topics for claim in topic.claims]
    assert None not in fact_ids
    assert [i for i, n in Counter(fact_ids).items() if n > 1] == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_an_entry_is_complete_and_its_references_resolve(question: Question) -> None:
    assert question.intent in TOPIC_INTENTS
    assert question.topic_id in {topic.id for topic in KNOWLEDGE.topics}
    assert len(question.phrasings) >= MIN_PHRASINGS
    assert 1 <= len(question.answer) <= 2 and len(question.points) <= 3
    assert [f for f in (*question.answer, *question.points) if f not in KNOWLEDGE.facts] == []
    assert [q for q in question.follow_ups if KNOWLEDGE.question(q) is None] == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_answer_clause_is_cited_and_the_default_view_is_short(question: Question) -> None:
    explanation = explain_question(question, KNOWLEDGE)
    claims: list[Claim] = [explanation.headline, *explanation.points]
    assert [claim.text for claim in claims if not claim.sources] == []
    assert [s for claim in claims for s in claim.sources if s not in KNOWLEDGE.sources] == []
    assert body_length(default_view(explanation)) <= MAX_BODY


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.verdict], ids=lambda q: q.id)
def test_a_yes_no_answer_starts_with_its_verdict(question: Question) -> None:
    text = TextRenderer(KNOWLEDGE.sources).render(explain_question(question, KNOWLEDGE))
    assert question.verdict is not None
    assert text.startswith(f"{Verdict(question.verdict).label}: ")


def test_phrasings_are_not_shared_between_entries() -> None:
    owners: dict[str, set[str]] = {}
    for question in QUESTIONS:
        for text in (question.ask, *question.phrasings):
            owners.setdefault(re.sub(r"[^\w+\-]+", " ", text.casefold()).strip(), set()).add(question.id)
    assert {text: ids for text, ids in owners.items() if len(ids) > 1} == {}


def test_a_misspelt_key_fails_the_load() -> None:
    document = {"topic": "t", "questions": [{"id": "q", "intent": "help", "ask": "?", "phrasings": [], "answr": []}]}
    with pytest.raises(KnowledgeFileError, match="answr"):
        parse(document, QuestionFile, name="bank.yaml")
    topic = yaml.safe_load("id: t\ntitle: T\nheadline: {text: h, sources: [s]}\npoints: []\ncaveat: []\n")
    with pytest.raises(KnowledgeFileError, match="caveat"):
        parse(topic, TopicEntry, name="topic.yaml")


def test_report_values_in_checks_must_stay_text() -> None:
    topic = yaml.safe_load(
        "id: t\ntitle: T\nheadline: {text: h, sources: [s], checks: [{values: {ish_ratio: 2.0}}]}\npoints: []\n"
    )
    with pytest.raises(
        KnowledgeFileError, match=r"Expected `str`, got `float` - at `\$\.headline\.checks\[0\]\.values"
    ):
        parse(topic, TopicEntry, name="topic.yaml")
