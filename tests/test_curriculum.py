"""The curriculum: enough lessons, in teaching order, covering every topic, each short and cited, found by name.

Lessons are data (``bot/knowledge/data/curriculum.yaml``) built from the knowledge facts by id; the schema rejects
an unknown key and the loader a broken reference.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import msgspec
import pytest
from test_unverified_flags import UNVERIFIED

from bot.knowledge import load_knowledge
from bot.knowledge.curriculum import Lesson
from bot.knowledge.education import build_curriculum, load_curriculum, read_curriculum_files
from bot.knowledge.schema import CurriculumFile, KnowledgeFileError, parse

KNOWLEDGE = load_knowledge()
CURRICULUM = load_curriculum()
LESSONS = CURRICULUM.lessons
MIN_LESSONS = 12
MAX_BODY = 900

# The seed subjects of the curriculum, in teaching order, with the knowledge topics that carry each.
SEED_TOPICS = (
    ('what "HER-negative" means', ("define-her2-negative", "define-her2-positive")),
    ("the ErbB family (HER1–HER4) and receptor structure", ("her-family",)),
    ("HER2-negative disease and its frequency", ("prevalence", "prognosis")),
    ("HR+/HER2−", ("define-hr-positive", "er-low")),
    ("triple-negative", ("define-tnbc",)),
    (
        "HER2-low and ultralow",
        ("define-her2-low", "her2-ultralow", "her2-low-not-asco-cap-category", "reproducibility"),
    ),
    ("testing: where and when", ("testing-general",)),
    ("IHC scoring", ("testing-ihc",)),
    ("ISH groups", ("ish-groups", "testing-ish")),
    ("ISH work-up and discordant results", ("discordant-results",)),
    ("retesting", ("retesting",)),
    ("treatment context per subtype", ("treatment-her2-positive", "treatment-her2-low", "treatment-hr-positive")),
    ("treatment context per subtype", ("treatment-tnbc",)),
    ("reading a pathology report", ("older-criteria", "allred-score")),
)


def first_lesson_on(topic_id: str) -> Lesson:
    return next(lesson for lesson in LESSONS if topic_id in lesson.topic_ids)


def test_enough_lessons_numbered_in_order() -> None:
    assert len(LESSONS) >= MIN_LESSONS
    assert [lesson.number for lesson in LESSONS] == list(range(1, len(LESSONS) + 1))
    assert len({lesson.id for lesson in LESSONS}) == len(LESSONS)


def test_every_knowledge_topic_is_covered_by_a_lesson() -> None:
    seeded = {topic_id for _, topic_ids in SEED_TOPICS for topic_id in topic_ids}
    covered = {topic_id for lesson in LESSONS for topic_id in lesson.topic_ids}
    assert seeded == {topic.id for topic in KNOWLEDGE.topics}
    assert seeded <= covered


def test_the_seed_subjects_are_taught_in_order() -> None:
    numbers = [first_lesson_on(topic_id).number for _, topic_ids in SEED_TOPICS for topic_id in topic_ids]
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_a_lesson_reads_in_under_a_minute(lesson: Lesson) -> None:
    assert lesson.body_length <= MAX_BODY
    assert 1 <= len(lesson.points) <= 6


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_every_statement_of_a_lesson_is_cited_by_the_registry(lesson: Lesson) -> None:
    assert [claim.text for claim in lesson.claims if not claim.sources] == []
    assert [s for claim in lesson.claims for s in claim.sources if s not in KNOWLEDGE.sources] == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_a_fact_in_a_lesson_is_the_knowledge_fact(lesson: Lesson) -> None:
    assert [claim.id for claim in lesson.claims if claim.id and KNOWLEDGE.facts.get(claim.id) != claim] == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_a_sentence_written_in_a_lesson_uses_only_numbers_the_facts_state(lesson: Lesson) -> None:
    """A number lives in a fact: a sentence no fact holds may repeat one, never bring a new one."""
    stated = {number for claim in KNOWLEDGE.facts.values() for number in numbers_in(claim.text)}
    written = [claim.text for claim in lesson.claims if claim.id is None]
    assert [(n, text) for text in written for n in numbers_in(text) if n not in stated] == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_a_statement_resting_on_an_unverified_item_says_so(lesson: Lesson) -> None:
    resting = [claim for claim in lesson.claims for pattern in UNVERIFIED.values() if pattern.search(claim.text)]
    assert [claim.text for claim in resting if not claim.assumed or "assumed" not in claim.text] == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.id)
def test_its_check_yourself_question_is_on_it(lesson: Lesson) -> None:
    check = CURRICULUM.question(lesson.check)
    assert check is not None and check.lesson_id == lesson.id


@pytest.mark.parametrize(
    ("text", "lesson_id"),
    [
        ("ish groups", "ish-groups"),
        ("HER2-low", "her2-low-ultralow"),
        ("ihc", "ihc-scoring"),
        ("triple negative", "triple-negative"),
        ("Triple-negative breast cancer", "triple-negative"),
        ("TNBC", "triple-negative"),
        ("HER2-ultralow", "her2-low-ultralow"),
        ("testing-ish", "ish-groups"),
        ("FISH", "ish-groups"),
        ("retesting", "retesting"),
        ("Reading a pathology report", "reading-a-report"),
        ("her-family", "her-family"),
        ("ErbB family", "her-family"),
        ("HER-negative", "her2-negative-meaning"),
        ("HER2 negative", "her2-negative-meaning"),
        ("ER-low", "hr-positive-her2-negative"),
        ("recount", "ish-work-up"),
        ("Allred", "reading-a-report"),
        ("lesson 3", "her2-negative-frequency"),
        ("1", "her2-negative-meaning"),
    ],
)
def test_a_lesson_is_found_by_its_title_id_topic_or_number(text: str, lesson_id: str) -> None:
    found = CURRICULUM.lesson_named(text)
    assert found is not None and found.id == lesson_id


@pytest.mark.parametrize("text", ["", "   ", "gastric", "lesson 99", "0"])
def test_nothing_unknown_is_taken_for_a_lesson(text: str) -> None:
    assert CURRICULUM.lesson_named(text) is None


def test_lessons_and_questions_are_found_by_id() -> None:
    assert CURRICULUM.lesson("ish-groups").title == "ISH groups 1–5"
    assert CURRICULUM.question("no-such-question") is None
    assert CURRICULUM.questions_on(None) == CURRICULUM.questions
    with pytest.raises(KeyError):
        CURRICULUM.lesson("no-such-lesson")


def test_knowledge_gives_the_same_curriculum() -> None:
    assert KNOWLEDGE.curriculum is CURRICULUM


def test_a_misspelt_key_fails_the_load() -> None:
    lesson = {"id": "l", "title": "T", "topics": [], "headline": "f", "points": [], "check": "q", "name": ["x"]}
    with pytest.raises(KnowledgeFileError, match="name"):
        parse({"lessons": [lesson]}, CurriculumFile, name="curriculum.yaml")


def test_an_unknown_fact_id_fails_the_load() -> None:
    files = read_curriculum_files()
    first = msgspec.structs.replace(files.curriculum.lessons[0], headline="define-her2-negative.no-such-fact")
    broken = msgspec.structs.replace(files.curriculum, lessons=(first, *files.curriculum.lessons[1:]))
    with pytest.raises(KnowledgeFileError, match="no-such-fact"):
        build_curriculum(dataclasses.replace(files, curriculum=broken), KNOWLEDGE.topics, KNOWLEDGE.sources)


def test_a_check_question_on_another_lesson_fails_the_load() -> None:
    files = read_curriculum_files()
    first = msgspec.structs.replace(files.curriculum.lessons[0], check=LESSONS[1].check)
    broken = msgspec.structs.replace(files.curriculum, lessons=(first, *files.curriculum.lessons[1:]))
    with pytest.raises(KnowledgeFileError, match="is not on it"):
        build_curriculum(dataclasses.replace(files, curriculum=broken), KNOWLEDGE.topics, KNOWLEDGE.sources)


def test_answering_a_question_does_not_read_the_curriculum(tmp_path: Path) -> None:
    """`herbot ask` starts as fast as before: the curriculum's modules and YAML are loaded only when used."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot.cli", "ask", "what is HER2-low?"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HERBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'herbot.db'}"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert modules & {"bot.knowledge.education", "bot.knowledge.quiz_cases", "yaml"} == set()


def numbers_in(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)
