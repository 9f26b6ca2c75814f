"""Education replies as Teams cards: what the service returns, unpacked for ``bot.render.teams_education``.

Teams has no ephemeral messages: what only the asker should see (scores, a notice, a mistyped schedule) is a
reply in their thread, and a quiz click's private result is the card Teams shows that person alone
(``click_card``, the answer to the ``Action.Execute`` invoke).
"""

from __future__ import annotations

from bot.education.lessons import lesson_explanation
from bot.engine.explanation import Explanation
from bot.knowledge.education import Curriculum
from bot.render.teams import TeamsMessage
from bot.render.teams_education import QuizCard, TeamsEducationRenderer
from bot.teams.clicks import QuizClick
from intents.education_replies import EducationReply, QuizView

__all__ = ["click_card", "education_message", "quiz_card"]


def education_message(renderer: TeamsEducationRenderer, curriculum: Curriculum, reply: EducationReply) -> TeamsMessage:
    """``reply`` as one Teams message: scores, a quiz (under its lesson), or an explanation."""
    if reply.standings is not None:
        return renderer.standings(reply.standings, notice=reply.private)
    if reply.quiz is not None:
        card = quiz_card(curriculum, reply.quiz, lesson=reply.public, scheduled=reply.by is not None)
        notices = () if reply.private is None else (reply.private.headline.text, *reply.private.notices)
        return renderer.quiz(card, notices=notices)
    if reply.public is not None:
        return renderer.explanation(reply.public, by=reply.by)
    if reply.private is not None:
        return renderer.explanation(reply.private)
    raise ValueError("an education reply with nothing to show")


def quiz_card(
    curriculum: Curriculum, view: QuizView, *, lesson: Explanation | None = None, scheduled: bool = False
) -> QuizCard:
    """The card for a posted question, under ``lesson`` when it checks that lesson."""
    checked = curriculum.lesson(view.question.lesson_id)
    lesson_id = checked.id if lesson is not None and checked.check == view.question.id else None
    return QuizCard(view.post_id, view.question, view.heading, lesson, lesson_id, scheduled)


def click_card(
    renderer: TeamsEducationRenderer,
    curriculum: Curriculum,
    click: QuizClick,
    seen: tuple[QuizView, Explanation | None] | None,
    feedback: Explanation | None,
    viewer: str,
) -> TeamsMessage:
    """The card ``viewer`` sees after ``click``: the same card as posted, with their result where its buttons were
    once they answered (refreshed for them alone); without a posted question to show, the feedback alone."""
    if seen is None:
        assert feedback is not None
        return renderer.explanation(feedback)
    view, result = seen
    lesson = _checked_lesson(curriculum, click.lesson_id, view)
    card = quiz_card(curriculum, view, lesson=lesson, scheduled=click.scheduled)
    if result is not None:
        return renderer.quiz(card, result=result, viewer=viewer)
    return renderer.quiz(card, result=feedback)


def _checked_lesson(curriculum: Curriculum, lesson_id: str | None, view: QuizView) -> Explanation | None:
    """The lesson a card showed above its question: only the one that question checks."""
    lesson = next((lesson for lesson in curriculum.lessons if lesson.id == lesson_id), None)
    if lesson is None or lesson.check != view.question.id:
        return None
    return lesson_explanation(lesson)
