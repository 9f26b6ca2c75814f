"""A curriculum lesson as an explanation, and the menu of lessons."""

from __future__ import annotations

from bot.engine.explanation import Claim, Explanation
from bot.knowledge.education import Curriculum, Lesson

__all__ = ["lesson_explanation", "lesson_menu"]


def lesson_explanation(lesson: Lesson) -> Explanation:
    """``lesson`` whole (it reads in under a minute), titled with its place in the curriculum."""
    return Explanation(
        intent="learn",
        headline=lesson.headline,
        points=lesson.points,
        notices=(f"Lesson {lesson.number}: {lesson.title}. Check yourself below.",),
        follow_ups=("learn", f"quiz {lesson.title}"),
        full=True,
    )


def lesson_menu(curriculum: Curriculum, *, unknown: str, quiz: bool = False) -> Explanation:
    """No lesson is called ``unknown``: the lessons there are (the name is not repeated back)."""
    command = "quiz" if quiz else "learn"
    titles = ", ".join(f"{lesson.number}. {lesson.title}" for lesson in curriculum.lessons)
    return Explanation(
        intent="learn",
        headline=Claim(f"I have no lesson by that name. The lessons are: {titles}.", ()),
        follow_ups=tuple(f"{command} {lesson.title}" for lesson in curriculum.lessons[:3]),
    )
