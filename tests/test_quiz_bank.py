"""The quiz bank: enough single-choice questions over every lesson, each well-formed, cited and short enough for
buttons; and every case question answered as the engine answers it.

Case questions (``bot/knowledge/data/case-questions.yaml``) are re-classified here, independently of the loader: the
right option must be the engine's outcome, herbot must read exactly the case's values from its text, and each
wrong option must carry the rule of its own outcome.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from test_unverified_flags import UNVERIFIED

from bot.engine import classify, report_from_fields
from bot.engine.explanation import Claim
from bot.knowledge import load_knowledge
from bot.knowledge.curriculum import QuestionKind, QuizQuestion
from bot.knowledge.education import load_curriculum, read_curriculum_files
from bot.knowledge.quiz_cases import OUTCOMES, Ask, CaseSpec, Outcome, case_question, outcome_of
from bot.knowledge.schema import CaseEntry, CaseFile, KnowledgeFileError, QuizFile, parse
from intents.extraction import extract_values

KNOWLEDGE = load_knowledge()
CURRICULUM = load_curriculum()
QUESTIONS = CURRICULUM.questions
CASE_FILE = read_curriculum_files().cases
CASES = CASE_FILE.cases
MIN_QUESTIONS, MIN_CASES, MIN_PER_LESSON = 60, 20, 3
MAX_LABEL, MAX_PROMPT = 75, 300
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def test_the_bank_is_large_enough_with_enough_case_questions() -> None:
    kinds = Counter(question.kind for question in QUESTIONS)
    assert len(QUESTIONS) >= MIN_QUESTIONS
    assert kinds[QuestionKind.CASE] >= MIN_CASES
    assert set(kinds) == {QuestionKind.RECALL, QuestionKind.CASE}


def test_every_lesson_has_enough_questions() -> None:
    per_lesson = Counter(question.lesson_id for question in QUESTIONS)
    short = {
        lesson.id: per_lesson[lesson.id] for lesson in CURRICULUM.lessons if per_lesson[lesson.id] < MIN_PER_LESSON
    }
    assert short == {}
    assert set(per_lesson) <= {lesson.id for lesson in CURRICULUM.lessons}


def test_question_ids_are_unique_and_stable_strings() -> None:
    assert [i for i, n in Counter(question.id for question in QUESTIONS).items() if n > 1] == []
    assert [question.id for question in QUESTIONS if not ID.fullmatch(question.id)] == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_a_question_is_single_choice_with_three_or_four_distinct_options(question: QuizQuestion) -> None:
    ids = [option.id for option in question.options]
    labels = [option.label for option in question.options]
    assert 3 <= len(ids) <= 4
    assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels)
    assert question.answer in ids and question.right.id == question.answer
    assert [i for i in ids if not ID.fullmatch(i)] == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_prompt_and_labels_fit_on_buttons(question: QuizQuestion) -> None:
    assert 0 < len(question.prompt) <= MAX_PROMPT
    assert [option.label for option in question.options if not 0 < len(option.label) <= MAX_LABEL] == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_every_option_says_why_with_sources_from_the_registry(question: QuizQuestion) -> None:
    whys = [option.why for option in question.options]
    assert [why.text for why in whys if not why.text or not why.sources] == []
    assert [s for why in whys for s in why.sources if s not in KNOWLEDGE.sources] == []


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_a_question_is_on_a_topic_of_its_lesson(question: QuizQuestion) -> None:
    assert question.topic_id in {topic.id for topic in KNOWLEDGE.topics}
    assert question.topic_id in CURRICULUM.lesson(question.lesson_id).topic_ids


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_a_statement_resting_on_an_unverified_item_says_so(question: QuizQuestion) -> None:
    claims = [option.why for option in question.options]
    resting = [claim for claim in claims for pattern in UNVERIFIED.values() if pattern.search(claim.text)]
    assert [claim.text for claim in resting if not claim.assumed or "assumed" not in claim.text] == []


@pytest.mark.parametrize("question", [q for q in QUESTIONS if q.kind == QuestionKind.RECALL], ids=lambda q: q.id)
def test_a_recall_question_uses_only_numbers_the_facts_state(question: QuizQuestion) -> None:
    """A number lives in a fact: a prompt, label or written why may repeat one, never bring a new one."""
    stated = {number for claim in KNOWLEDGE.facts.values() for number in numbers_in(claim.text)}
    written = [
        question.prompt,
        *(option.label for option in question.options),
        *(option.why.text for option in question.options if option.why.id is None),
    ]
    assert [(n, text) for text in written for n in numbers_in(text) if n not in stated] == []


def test_the_right_option_is_not_always_in_the_same_place() -> None:
    places = Counter(
        [option.id for option in question.options].index(question.answer)
        for question in QUESTIONS
        if question.kind == QuestionKind.RECALL
    )
    assert max(places.values()) <= sum(places.values()) / 2


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_case_question_is_answered_as_the_engine_answers_it(case: CaseEntry) -> None:
    question = CURRICULUM.question(case.id)
    outcome = outcome_of(Ask(case.ask), classify(report_from_fields(case.values)))
    assert question is not None and question.kind == QuestionKind.CASE
    assert (question.answer, case.expect) == (outcome, outcome)
    assert question.right.label == CASE_FILE.asks[case.ask].outcomes[outcome].label
    assert question.lesson_id == case.lesson and question.case == case.case


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_herbot_reads_exactly_the_case_values_from_its_text(case: CaseEntry) -> None:
    assert dict(extract_values(case.case).fields) == case.values


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_the_right_option_is_explained_by_the_engine_and_the_others_by_their_rules(case: CaseEntry) -> None:
    question = CURRICULUM.question(case.id)
    result = classify(report_from_fields(case.values))
    assert question is not None
    why = question.right.why.text
    assert why and why == " ".join(step.text for step in result.steps if step.text in why)  # whole steps, in order
    assert set(question.right.why.sources) <= set(result.sources)
    excluded = {option.id: option.why for option in question.options if option.id != question.answer}
    assert excluded == {outcome: rule(case.ask, outcome) for outcome in case.distractors}


def test_every_outcome_of_every_question_has_a_label_and_a_rule() -> None:
    assert {ask: set(entry.outcomes) for ask, entry in CASE_FILE.asks.items()} == {
        ask.value: set(outcomes) for ask, outcomes in OUTCOMES.items()
    }


GROUP_4 = {"ish_ratio": "1.8", "ish_copy_number": "4.5"}


@pytest.mark.parametrize(
    ("values", "distractors", "error"),
    [
        (GROUP_4, ("group-4", "group-5"), "the engine answers group-4"),
        (GROUP_4, ("group-5",), "must be 2 or 3 other outcomes"),
        (GROUP_4, ("group-1", "group-2", "group-3", "group-5"), "must be 2 or 3 other outcomes"),
        (GROUP_4, ("group-5", "group-9"), "not outcomes of ish-group"),
        ({"ihc": "2+"}, ("group-4", "group-5"), "its values give none"),
        ({"ihc": "4+"}, ("group-4", "group-5"), "ihc '4\\+' is not valid"),
    ],
)
def test_a_case_that_does_not_fit_the_engine_fails_the_load(
    values: dict[str, str], distractors: tuple[str, ...], error: str
) -> None:
    spec = CaseSpec(
        id="c",
        lesson_id="ish-groups",
        topic_id="ish-groups",
        ask=Ask.ISH_GROUP,
        case="a case",
        values=values,
        distractors=distractors,
    )
    why = Claim("A rule.", ("asco-cap-her2-2018",))
    outcomes = {f"group-{n}": Outcome(f"Group {n}", why) for n in (1, 2, 3, 4, 5, 9)}
    with pytest.raises(KnowledgeFileError, match=error):
        case_question(spec, prompt="Which group?", outcomes=outcomes)


def test_a_misspelt_key_fails_the_load() -> None:
    option = {"id": "a", "label": "A", "why": "f"}
    question = {"id": "q", "topic": "t", "prompt": "?", "options": [option], "answr": "a"}
    with pytest.raises(KnowledgeFileError, match="answr"):
        parse({"lesson": "l", "questions": [question]}, QuizFile, name="l.yaml")
    case = {"id": "c", "lesson": "l", "topic": "t", "ask": "subtype", "case": "x", "values": {}, "expect": "unknown"}
    with pytest.raises(KnowledgeFileError, match="distractor"):
        parse({"asks": {}, "cases": [{**case, "distractor": []}]}, CaseFile, name="case-questions.yaml")


def rule(ask: str, outcome: str) -> Claim:
    """The rule ``outcome`` needs, as the case file states it (a fact id resolved to the knowledge fact)."""
    excluded = CASE_FILE.asks[ask].outcomes[outcome].excluded
    if isinstance(excluded, str):
        return KNOWLEDGE.fact(excluded)
    return Claim(excluded.text, excluded.sources, excluded.assumed)


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)
