"""The curriculum: lessons in teaching order, a quiz bank of single-choice questions, and their loader.

Three kinds of data file, each checked against its schema as it loads (an unknown key is an error):

- ``data/curriculum.yaml``: the lessons, in teaching order. A lesson names the fact ids of the knowledge topics
  (``data/topics/``) it is made of, so a number lives in one fact; a sentence no fact holds is written in place
  with its source ids.
- ``data/quiz/<lesson id>.yaml``: questions written by hand, each option with why it is right or wrong.
- ``data/case-questions.yaml``: report values and what is asked of them; ``bot.knowledge.quiz_cases`` has the
  engine answer them.

``load_curriculum`` reads them once per process, on first use: answering a question never needs them.
Every reference is resolved as it loads (facts, topics, sources, lessons, questions), so a broken reference fails
the load with a ``KnowledgeFileError`` that names the file and the item.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.engine.explanation import Claim
from bot.engine.sources import SourceRegistry
from bot.engine.topics import Topic
from bot.knowledge.curriculum import Curriculum, Lesson, Option, QuestionKind, QuizQuestion
from bot.knowledge.loader import claim_from_entry, load_sources, load_topics, read_yaml
from bot.knowledge.quiz_cases import OUTCOMES, Ask, CaseSpec, Outcome, case_question
from bot.knowledge.schema import (
    CaseFile,
    ClaimEntry,
    CurriculumFile,
    KnowledgeFileError,
    LessonEntry,
    QuizEntry,
    QuizFile,
    parse,
)
from bot.knowledge.snapshot import yaml_files

__all__ = [
    "Curriculum",
    "CurriculumFiles",
    "Lesson",
    "Option",
    "QuestionKind",
    "QuizQuestion",
    "build_curriculum",
    "load_curriculum",
    "read_curriculum_files",
]

_DATA = resources.files("bot.knowledge").joinpath("data")
MIN_OPTIONS, MAX_OPTIONS = 3, 4


@dataclass(frozen=True, slots=True)
class CurriculumFiles:
    """The education data files, parsed and checked against their schemas."""

    curriculum: CurriculumFile
    quizzes: tuple[QuizFile, ...]
    cases: CaseFile


@cache
def load_curriculum() -> Curriculum:
    """The lessons and the quiz bank from the package's data files, every reference checked (once per process)."""
    return build_curriculum(read_curriculum_files(), load_topics(), load_sources())


def read_curriculum_files() -> CurriculumFiles:
    """Parse the education data files; a ``KnowledgeFileError`` names the file and the key that does not fit."""
    quizzes = []
    for item in yaml_files("quiz"):
        quiz = parse(read_yaml(item), QuizFile, name=item.name)
        if item.name != f"{quiz.lesson}.yaml":
            raise KnowledgeFileError(f"{item.name}: the questions of lesson {quiz.lesson} belong in {quiz.lesson}.yaml")
        quizzes.append(quiz)
    return CurriculumFiles(
        curriculum=parse(read_yaml(_DATA.joinpath("curriculum.yaml")), CurriculumFile, name="curriculum.yaml"),
        quizzes=tuple(quizzes),
        cases=parse(read_yaml(_DATA.joinpath("case-questions.yaml")), CaseFile, name="case-questions.yaml"),
    )


def build_curriculum(files: CurriculumFiles, topics: Sequence[Topic], sources: SourceRegistry) -> Curriculum:
    """The curriculum the files describe, with facts resolved against ``topics`` and citations against ``sources``."""
    statements = _Statements({claim.id: claim for topic in topics for claim in topic.claims if claim.id}, sources)
    topic_titles = {topic.id: topic.title for topic in topics}
    lessons = tuple(
        _lesson(entry, number, statements, topic_titles)
        for number, entry in enumerate(files.curriculum.lessons, start=1)
    )
    lesson_ids = {lesson.id for lesson in lessons}
    recall = tuple(_recall(quiz, entry, statements) for quiz in files.quizzes for entry in quiz.questions)
    cases = tuple(_cases(files.cases, statements))
    questions = recall + cases
    for question in questions:
        where = f"question {question.id}"
        _known(question.lesson_id, lesson_ids, where, "lesson")
        _known(question.topic_id, topic_titles, where, "topic")
        _check_options(question)
    repeated = sorted(question_id for question_id, n in Counter(q.id for q in questions).items() if n > 1)
    if repeated or len(lesson_ids) != len(lessons):
        raise KnowledgeFileError(f"two lessons, or two questions, share an id: {repeated or 'a lesson id'}")
    curriculum = Curriculum(lessons=lessons, questions=questions)
    for lesson in lessons:
        check = curriculum.question(lesson.check)
        if check is None or check.lesson_id != lesson.id:
            raise KnowledgeFileError(f"curriculum.yaml: lesson {lesson.id}: its check {lesson.check} is not on it")
    return curriculum


@dataclass(frozen=True, slots=True)
class _Statements:
    """Turns a statement of a data file (a fact id, or a sentence with its sources) into a checked ``Claim``."""

    facts: Mapping[str, Claim]
    sources: SourceRegistry

    def claim(self, statement: str | ClaimEntry, where: str) -> Claim:
        if isinstance(statement, str):
            if statement not in self.facts:
                raise KnowledgeFileError(f"{where}: no knowledge fact has the id {statement}")
            return self.facts[statement]
        claim = claim_from_entry(statement)
        if not claim.sources:
            raise KnowledgeFileError(f"{where}: a statement cites no source: {claim.text[:60]}")
        missing = [source for source in claim.sources if source not in self.sources]
        if missing:
            raise KnowledgeFileError(f"{where}: cites {missing}, which the source registry does not hold")
        return claim


def _lesson(entry: LessonEntry, number: int, statements: _Statements, topic_titles: Mapping[str, str]) -> Lesson:
    where = f"curriculum.yaml: lesson {entry.id}"
    for topic_id in entry.topics:
        _known(topic_id, topic_titles, where, "topic")
    return Lesson(
        id=entry.id,
        number=number,
        title=entry.title,
        topic_ids=entry.topics,
        headline=statements.claim(entry.headline, where),
        points=tuple(statements.claim(point, where) for point in entry.points),
        check=entry.check,
        names=(*(topic_titles[topic_id] for topic_id in entry.topics), *entry.names),
    )


def _recall(quiz: QuizFile, entry: QuizEntry, statements: _Statements) -> QuizQuestion:
    where = f"{quiz.lesson}.yaml: question {entry.id}"
    return QuizQuestion(
        id=entry.id,
        lesson_id=quiz.lesson,
        topic_id=entry.topic,
        prompt=entry.prompt,
        options=tuple(Option(option.id, option.label, statements.claim(option.why, where)) for option in entry.options),
        answer=entry.answer,
        kind=QuestionKind.RECALL,
    )


def _cases(file: CaseFile, statements: _Statements) -> Iterable[QuizQuestion]:
    if set(file.asks) != set(Ask):
        raise KnowledgeFileError(f"case-questions.yaml: asks: give exactly {[ask.value for ask in Ask]}")
    for ask in Ask:
        if set(file.asks[ask].outcomes) != set(OUTCOMES[ask]):
            raise KnowledgeFileError(f"case-questions.yaml: asks.{ask}: give exactly the outcomes {OUTCOMES[ask]}")
    outcomes = {
        ask: {
            outcome: Outcome(entry.label, statements.claim(entry.excluded, f"case-questions.yaml: {ask}.{outcome}"))
            for outcome, entry in file.asks[ask].outcomes.items()
        }
        for ask in file.asks
    }
    for entry in file.cases:
        spec = CaseSpec(
            id=entry.id,
            lesson_id=entry.lesson,
            topic_id=entry.topic,
            ask=Ask(entry.ask),
            case=entry.case,
            values=entry.values,
            distractors=entry.distractors,
        )
        question = case_question(spec, prompt=file.asks[entry.ask].prompt, outcomes=outcomes[entry.ask])
        if question.answer != entry.expect:
            raise KnowledgeFileError(
                f"case-questions.yaml: case {entry.id}: expected {entry.expect}, but the engine answers "
                f"{question.answer}; review the case and its distractors"
            )
        yield question


def _check_options(question: QuizQuestion) -> None:
    ids = [option.id for option in question.options]
    labels = [option.label for option in question.options]
    if not MIN_OPTIONS <= len(ids) <= MAX_OPTIONS:
        raise KnowledgeFileError(f"question {question.id}: has {len(ids)} options, not {MIN_OPTIONS}–{MAX_OPTIONS}")
    if len(set(ids)) != len(ids) or len(set(labels)) != len(labels):
        raise KnowledgeFileError(f"question {question.id}: two options share an id or a label")
    if question.answer not in ids:
        raise KnowledgeFileError(f"question {question.id}: its answer {question.answer} is not one of its options")


def _known(item: str, known: Iterable[str], where: str, kind: str) -> None:
    if item not in known:
        raise KnowledgeFileError(f"{where}: no {kind} has the id {item}")
