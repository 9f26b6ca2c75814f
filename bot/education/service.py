"""The education commands at a place: lessons, quizzes, answers, scores and schedules, over the education store.

Every method blocks (the store is synchronous): callers run them through the store's bounded calls. Nothing
here renders or sends: a method returns an ``EducationReply`` (or an ``Explanation``) for the surface to draw,
and records what must be remembered (posted questions, answers, review states, schedules). Only ids and
option ids are stored, never what anyone typed.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import NamedTuple

from bot.education.lessons import lesson_explanation, lesson_menu
from bot.education.repetition import ReviewState, due_questions, next_question, review
from bot.education.texts import answer_feedback, schedule_text, unavailable
from bot.education.times import next_post_at
from bot.engine.explanation import Claim, Explanation
from bot.knowledge.education import Curriculum, Lesson, QuizQuestion
from bot.store.education import EducationStore, QuizPost, Standing
from intents.education import (
    EducationCommand,
    LearnCommand,
    QuizCommand,
    ScheduleCommand,
    ScoresCommand,
)
from intents.education_replies import Confused, EducationReply, Place, QuizView, Ranked, Standings

__all__ = ["EducationService", "ScheduledPost"]


class ScheduledPost(NamedTuple):
    """A scheduled post to write: what it shows, its posted question, and for a lesson the curriculum's length
    (the channel moves on to its next lesson as the post is written, and only then)."""

    reply: EducationReply
    post: QuizPost
    lesson_count: int | None


class EducationService:
    """Education for every surface: ``handle`` a command, ``answer`` a click, ``view`` a person's answer."""

    def __init__(
        self,
        curriculum: Curriculum,
        store: EducationStore,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._curriculum = curriculum
        self._store = store
        self._clock = clock
        self._new_id = new_id

    @property
    def curriculum(self) -> Curriculum:
        return self._curriculum

    def handle(self, command: EducationCommand, place: Place) -> EducationReply:
        """What ``command`` posts and shows at ``place``, with what it records."""
        self._store.save_channel(place.channel, surface=place.surface, team=place.team, address=place.address)
        if isinstance(command, LearnCommand):
            return self._learn(command, place)
        if isinstance(command, QuizCommand):
            return self._quiz(command, place)
        if isinstance(command, ScoresCommand):
            return self._scores(command, place)
        return self._schedule(command, place)

    def answer(self, place: Place, post_id: str, option_id: str) -> Explanation:
        """Record ``place.person``'s answer to a posted question (the first one counts) and say whether it is right."""
        post = self._store.post(post_id)
        question = self._curriculum.question(post.question_id) if post else None
        chosen = question.option(option_id) if question else None
        if post is None or question is None or chosen is None:
            return unavailable()
        correct = chosen.id == question.answer
        first = self._store.record_answer(
            post_id,
            person=place.person,
            question_id=question.id,
            channel_key=post.channel_key,
            option_id=chosen.id,
            correct=correct,
        )
        if not first:
            earlier = self._store.answer(post_id, place.person)
            earlier_option = question.option(earlier[0]) if earlier else None
            return answer_feedback(question, earlier_option or chosen, again=True)
        self._remember(place.person, question, correct)
        return answer_feedback(question, chosen, again=False)

    def view(self, place: Place, post_id: str) -> tuple[QuizView, Explanation | None] | None:
        """A posted question as ``place.person`` sees it: with their answer's feedback once they answered."""
        post = self._store.post(post_id)
        question = self._curriculum.question(post.question_id) if post else None
        if post is None or question is None:
            return None
        given = self._store.answer(post_id, place.person)
        option = question.option(given[0]) if given else None
        feedback = answer_feedback(question, option, again=False) if option else None
        return QuizView(post_id, question, self._heading(question)), feedback

    def scheduled(self, channel_key: str, *, posts_made: int, seed: str) -> ScheduledPost:
        """A scheduled post: lessons in curriculum order, each followed next time by a quiz on it."""
        lessons = self._curriculum.lessons
        channel = self._store.channel(channel_key)
        upcoming = (channel.next_lesson if channel else 0) % len(lessons)
        if posts_made % 2 == 0:
            lesson = lessons[upcoming]
            view, post = self._new_post(lesson.check, channel_key, None)
            return ScheduledPost(EducationReply(public=lesson_explanation(lesson), quiz=view), post, len(lessons))
        last = lessons[upcoming - 1]
        questions = [q.id for q in self._curriculum.questions_on(last.id) if q.id != last.check] or [last.check]
        view, post = self._new_post(questions[hash_pick(seed, len(questions))], channel_key, None)
        return ScheduledPost(EducationReply(quiz=view), post, None)

    # Commands

    def _learn(self, command: LearnCommand, place: Place) -> EducationReply:
        if command.subject:
            lesson = self._curriculum.lesson_named(command.subject)
            if lesson is None:
                return EducationReply(private=lesson_menu(self._curriculum, unknown=command.subject))
        else:
            lesson = self._curriculum.lessons[
                self._store.take_next_lesson(place.channel, len(self._curriculum.lessons))
            ]
        view, post = self._new_post(lesson.check, place.channel, None)
        self._store.record_post(post.post_id, channel_key=post.channel_key, question_id=post.question_id)
        return EducationReply(public=lesson_explanation(lesson), quiz=view)

    def _quiz(self, command: QuizCommand, place: Place) -> EducationReply:
        lesson: Lesson | None = None
        if command.subject:
            lesson = self._curriculum.lesson_named(command.subject)
            if lesson is None:
                return EducationReply(private=lesson_menu(self._curriculum, unknown=command.subject, quiz=True))
        candidates = [question.id for question in self._curriculum.questions_on(lesson.id if lesson else None)]
        states = self._states(place.person)
        now = self._clock()
        due = due_questions(candidates, states, now)
        if place.direct and due:
            chosen = due[0]
            heading = f"Due for review: {len(due)} question{'s' if len(due) != 1 else ''}"
        else:
            chosen = next_question(candidates, states, now, seed=self._new_id())
            heading = ""
        view, post = self._new_post(chosen, place.channel, place.person if place.direct else None)
        self._store.record_post(
            post.post_id, channel_key=post.channel_key, question_id=post.question_id, for_person=post.for_person
        )
        return EducationReply(quiz=replace(view, heading=heading or view.heading))

    def _scores(self, command: ScoresCommand, place: Place) -> EducationReply:
        if command.leaderboard is not None:
            self._store.set_leaderboard(place.channel, command.leaderboard)
            state = "on" if command.leaderboard else "off"
            return EducationReply(public=_plain(f"The leaderboard is {state} in this channel."), by=place.person)
        channel = self._store.channel(place.channel)
        board = None
        if channel is None or channel.leaderboard:
            board = tuple(_ranked(s) for s in self._store.leaderboard(place.channel, limit=10))
        mine = self._store.standing(place.channel, place.person)
        marked = self._store.lessons_marked(place.person)
        lesson_ids = {lesson.id for lesson in self._curriculum.lessons}
        confusions, sources = self._confusions(place.channel)
        standings = Standings(
            leaderboard=board,
            mine=_ranked(mine) if mine else None,
            lessons_done=len(marked & lesson_ids),
            lessons_total=len(lesson_ids),
            confusions=confusions,
            sources=sources,
        )
        return EducationReply(standings=standings)

    def _schedule(self, command: ScheduleCommand, place: Place) -> EducationReply:
        if command.error:
            return EducationReply(private=_plain(command.error))
        if command.off:
            was_on = self._store.turn_off_schedule(place.channel, None)
            text = "Schedule off: no more lessons will be posted here." if was_on else "This channel has no schedule."
            return EducationReply(public=_plain(text), by=place.person if was_on else None)
        if command.timing is None:
            schedule = self._store.schedule(place.channel)
            return EducationReply(public=schedule_text(schedule))
        timing = command.timing
        next_at = next_post_at(timing, self._clock())
        schedule = self._store.set_schedule(
            place.channel,
            surface=place.surface,
            team=place.team,
            cadence=timing.cadence.value,
            weekday=timing.weekday,
            at_time=timing.at.strftime("%H:%M"),
            zone=timing.zone,
            set_by=place.person,
            next_due_at=next_at,
        )
        return EducationReply(public=schedule_text(schedule, just_set=True), by=place.person)

    # Around them

    def _new_post(self, question_id: str, channel_key: str, for_person: str | None) -> tuple[QuizView, QuizPost]:
        question = self._curriculum.question(question_id)
        assert question is not None, question_id  # the content's tests check every id it refers to
        post = QuizPost(self._new_id(), channel_key, question.id, self._clock(), for_person)
        return QuizView(post.post_id, question, self._heading(question)), post

    def _heading(self, question: QuizQuestion) -> str:
        lesson = self._curriculum.lesson(question.lesson_id)
        return f"Quiz on {lesson.title}"

    def _states(self, person: str) -> dict[str, ReviewState]:
        return {qid: ReviewState(card, due) for qid, (card, due) in self._store.review_states(person).items()}

    def _remember(self, person: str, question: QuizQuestion, correct: bool) -> None:
        stored = self._store.review_states(person).get(question.id)
        state = review(ReviewState(*stored) if stored else None, correct=correct, now=self._clock())
        self._store.save_review_state(person, question.id, state.card_json, state.due)
        lesson = self._curriculum.lesson(question.lesson_id)
        if correct and lesson.check == question.id:
            self._store.mark_lesson(person, lesson.id)

    def _confusions(self, channel_key: str) -> tuple[tuple[Confused, ...], tuple[str, ...]]:
        found: list[Confused] = []
        sources: list[str] = []
        for confusion in self._store.confusions(channel_key, limit=10):
            question = self._curriculum.question(confusion.question_id)
            chosen = question.option(confusion.chosen) if question else None
            if question is None or chosen is None:
                continue
            topic = self._curriculum.lesson(question.lesson_id).title
            found.append(Confused(topic, chosen.label, question.right.label, confusion.count))
            sources.extend(question.right.why.sources)
        return tuple(found), tuple(dict.fromkeys(sources))


def hash_pick(seed: str, count: int) -> int:
    """A stable choice among ``count`` from ``seed``."""
    return int(hashlib.sha256(seed.encode()).hexdigest(), 16) % count


def _ranked(standing: Standing) -> Ranked:
    return Ranked(standing.person, standing.correct, standing.answered, standing.rank)


def _plain(text: str) -> Explanation:
    return Explanation(intent="education", headline=Claim(text, ()))
