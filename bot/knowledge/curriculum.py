"""The education content as data: lessons, single-choice quiz questions and the curriculum that holds them.

Every statement is a cited ``Claim``: a lesson's headline and points, and the ``why`` of every option (why it is
right, or why it is wrong). ``bot.knowledge.education`` loads them from the data files.

>>> why = Claim("IHC 3+ is HER2-positive on its own.", ("asco-cap-her2-2018",))
>>> question = QuizQuestion(
...     id="q", lesson_id="l", topic_id="testing-ihc", prompt="IHC 3+?", answer="pos", kind="recall",
...     options=(Option("pos", "Positive", why), Option("neg", "Negative", why), Option("eq", "Equivocal", why)))
>>> lesson = Lesson(id="l", number=1, title="IHC scoring", topic_ids=("testing-ihc",), headline=why, points=(),
...                 check="q", names=("IHC",))
>>> curriculum = Curriculum(lessons=(lesson,), questions=(question,))
>>> curriculum.lesson_named("ihc").id, curriculum.lesson_named("lesson 1").id, curriculum.question("q").right.label
('l', 'l', 'Positive')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from bot.engine.explanation import Claim

__all__ = ["Curriculum", "Lesson", "Option", "QuestionKind", "QuizQuestion"]


class QuestionKind(StrEnum):
    RECALL = "recall"  # written by hand, each option's why cited
    CASE = "case"  # generated from the classification engine (bot.knowledge.quiz_cases)


@dataclass(frozen=True, slots=True)
class Option:
    """One answer button: a stable id, its label (at most 75 characters) and why it is right or wrong."""

    id: str
    label: str
    why: Claim


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    """A single-choice question on one lesson: 3 or 4 options, one of them right."""

    id: str
    lesson_id: str
    topic_id: str
    prompt: str
    options: tuple[Option, ...]
    answer: str
    kind: str
    case: str | None = None

    def option(self, option_id: str) -> Option | None:
        """The option with this id, or ``None`` (a stale button)."""
        return next((option for option in self.options if option.id == option_id), None)

    @property
    def right(self) -> Option:
        """The right option."""
        right = self.option(self.answer)
        assert right is not None, f"{self.id}: the answer is not one of the options"
        return right


@dataclass(frozen=True, slots=True)
class Lesson:
    """One lesson, readable in under a minute: a cited headline and points, and its "check yourself" question.

    ``names`` are further names ``learn <subject>`` finds it by (the titles of its topics, common abbreviations).
    """

    id: str
    number: int
    title: str
    topic_ids: tuple[str, ...]
    headline: Claim
    points: tuple[Claim, ...]
    check: str
    names: tuple[str, ...] = ()

    @property
    def claims(self) -> tuple[Claim, ...]:
        """The headline, then the points."""
        return (self.headline, *self.points)

    @property
    def body_length(self) -> int:
        """Characters of text in the headline and points, counted as read one after the other."""
        return len(" ".join(claim.text for claim in self.claims))


@dataclass(frozen=True, slots=True)
class Curriculum:
    """The lessons in teaching order and the quiz bank, with lookups by id and by name."""

    lessons: tuple[Lesson, ...]
    questions: tuple[QuizQuestion, ...]
    _lessons: dict[str, Lesson] = field(init=False, repr=False, compare=False)
    _questions: dict[str, QuizQuestion] = field(init=False, repr=False, compare=False)
    _names: dict[str, Lesson] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names: dict[str, Lesson] = {}
        for lesson in self.lessons:
            for name in (lesson.id, lesson.title, *lesson.topic_ids, *lesson.names):
                names.setdefault(_folded(name), lesson)  # an earlier lesson keeps a name two lessons share
        object.__setattr__(self, "_lessons", {lesson.id: lesson for lesson in self.lessons})
        object.__setattr__(self, "_questions", {question.id: question for question in self.questions})
        object.__setattr__(self, "_names", names)

    def lesson(self, lesson_id: str) -> Lesson:
        """The lesson with this id; ``KeyError`` if there is none."""
        return self._lessons[lesson_id]

    def question(self, question_id: str) -> QuizQuestion | None:
        """The question with this id, or ``None`` (a post of a question since removed from the bank)."""
        return self._questions.get(question_id)

    def lesson_named(self, text: str) -> Lesson | None:
        """The lesson ``text`` names: its number ("lesson 3"), id, title, a topic id or title, or another name.

        A name matched whole wins; else the first lesson, in teaching order, one of whose names holds every
        word of ``text`` ("triple negative" finds "Triple-negative breast cancer").
        """
        wanted = _folded(text)
        number = re.fullmatch(r"(?:lesson )?(\d+)", wanted)
        if number:
            index = int(number.group(1)) - 1
            return self.lessons[index] if 0 <= index < len(self.lessons) else None
        if not wanted:
            return None
        if wanted in self._names:
            return self._names[wanted]
        words = set(wanted.split())
        return next((lesson for name, lesson in self._names.items() if words <= set(name.split())), None)

    def questions_on(self, lesson_id: str | None) -> tuple[QuizQuestion, ...]:
        """The questions on one lesson, in bank order; every question when ``lesson_id`` is ``None``."""
        if lesson_id is None:
            return self.questions
        return tuple(question for question in self.questions if question.lesson_id == lesson_id)


def _folded(text: str) -> str:
    """Lower case, with every run of characters other than letters, digits and "+" made one space."""
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text.casefold()).split())
