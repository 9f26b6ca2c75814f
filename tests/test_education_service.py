"""The education service over a real store (SQLite, and PostgreSQL when configured), its clock injected."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from databases import FakeClock

from bot.education.service import EducationService
from bot.knowledge.education import Curriculum, QuizQuestion, load_curriculum
from bot.store import Store, create_store
from intents.education import parse_education_command
from intents.education_replies import Place

CHANNEL = Place("slack", "slack:T1", "slack:T1:C1", "slack:T1:U1", False, {"channel": "C1", "team_id": "T1"})
COLLEAGUE = Place("slack", "slack:T1", "slack:T1:C1", "slack:T1:U2", False, {"channel": "C1", "team_id": "T1"})
DIRECT = Place("slack", "slack:T1", "slack:T1:D1", "slack:T1:U1", True, {"channel": "D1", "team_id": "T1"})


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return load_curriculum()


@pytest.fixture
def store(database_url: str, clock: FakeClock) -> Iterator[Store]:
    opened = create_store(database_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def service(curriculum: Curriculum, store: Store, clock: FakeClock) -> EducationService:
    return EducationService(curriculum, store.education, clock=clock)


def ask(service: EducationService, text: str, place: Place = CHANNEL):
    command = parse_education_command(text)
    assert command is not None, text
    return service.handle(command, place)


def wrong_option(question: QuizQuestion) -> str:
    return next(option.id for option in question.options if option.id != question.answer)


def test_learn_walks_the_curriculum_in_order_and_asks_each_lesson_s_check(
    service: EducationService, curriculum: Curriculum
) -> None:
    replies = [ask(service, "learn") for _ in curriculum.lessons]
    assert [reply.public.headline for reply in replies] == [lesson.headline for lesson in curriculum.lessons]
    assert [reply.quiz.question.id for reply in replies] == [lesson.check for lesson in curriculum.lessons]
    assert ask(service, "learn").public.headline == curriculum.lessons[0].headline  # and round again


def test_learn_names_a_lesson_and_an_unknown_name_gets_the_menu(
    service: EducationService, curriculum: Curriculum
) -> None:
    named = curriculum.lesson_named("ish groups")
    assert named is not None and ask(service, "learn ish groups").public.headline == named.headline
    menu = ask(service, "learn astrology").private
    assert (
        menu is not None and "astrology" not in menu.headline.text and curriculum.lessons[0].title in menu.headline.text
    )


def test_the_first_answer_counts_for_each_person(service: EducationService) -> None:
    quiz = ask(service, "quiz").quiz
    question = quiz.question
    first = service.answer(CHANNEL, quiz.post_id, wrong_option(question))
    again = service.answer(CHANNEL, quiz.post_id, question.answer)
    colleague = service.answer(COLLEAGUE, quiz.post_id, question.answer)
    assert first.headline.text.startswith("Not quite")
    assert again.headline.text.startswith("You already answered") and "(not right)" in again.headline.text
    assert colleague.headline.text.startswith("Right")
    assert all(claim.sources for claim in first.points)


def test_a_click_on_an_unknown_post_or_option_says_it_is_gone(service: EducationService) -> None:
    quiz = ask(service, "quiz").quiz
    assert service.answer(CHANNEL, "0" * 32, quiz.question.answer).headline.text.startswith("That question")
    assert service.answer(CHANNEL, quiz.post_id, "not-an-option").headline.text.startswith("That question")


def test_a_question_answered_wrong_comes_back_first_in_a_direct_quiz(
    service: EducationService, clock: FakeClock
) -> None:
    quiz = ask(service, "quiz", DIRECT).quiz
    service.answer(DIRECT, quiz.post_id, wrong_option(quiz.question))
    clock.advance(timedelta(minutes=5))
    again = ask(service, "quiz", DIRECT).quiz
    assert again.question.id == quiz.question.id and again.heading.startswith("Due for review: 1 question")


def test_a_right_check_answer_marks_its_lesson(service: EducationService, store: Store) -> None:
    lesson_reply = ask(service, "learn")
    service.answer(CHANNEL, lesson_reply.quiz.post_id, lesson_reply.quiz.question.answer)
    standings = ask(service, "scores").standings
    assert (standings.lessons_done, standings.mine.correct, standings.mine.rank) == (1, 1, 1)


def test_scores_rank_the_channel_and_show_what_it_gets_wrong(service: EducationService) -> None:
    for _ in range(3):
        quiz = ask(service, "quiz ish groups").quiz
        service.answer(CHANNEL, quiz.post_id, quiz.question.answer)
        service.answer(COLLEAGUE, quiz.post_id, wrong_option(quiz.question))
    standings = ask(service, "scores", COLLEAGUE).standings
    assert [(r.person, r.correct, r.rank) for r in standings.leaderboard] == [
        ("slack:T1:U1", 3, 1),
        ("slack:T1:U2", 0, 2),
    ]
    assert standings.mine.person == "slack:T1:U2" and sum(c.count for c in standings.confusions) == 3
    assert all(c.chosen != c.right for c in standings.confusions) and standings.sources


def test_the_leaderboard_can_be_turned_off_and_on(service: EducationService) -> None:
    assert ask(service, "scores off").by == "slack:T1:U1"
    assert ask(service, "scores").standings.leaderboard is None
    ask(service, "scores on")
    assert ask(service, "scores").standings.leaderboard == ()


def test_a_schedule_is_set_shown_and_turned_off(service: EducationService) -> None:
    set_reply = ask(service, "schedule weekdays 08:30 Europe/London")
    assert set_reply.by == "slack:T1:U1"
    # FakeClock starts on Saturday 1 March 2025, 09:00 UTC: the next weekday 08:30 in London is Monday's.
    assert "next post Mon 3 Mar 2025 08:30 GMT" in set_reply.public.headline.text
    assert "every weekday" in ask(service, "schedule").public.headline.text
    assert ask(service, "schedule off").public.headline.text.startswith("Schedule off")
    assert ask(service, "schedule").public.headline.text.startswith("This channel has no schedule")


def test_a_malformed_schedule_is_answered_privately_in_one_line(service: EducationService) -> None:
    reply = ask(service, "schedule weekly FUNDAY 25:00")
    assert reply.public is None and reply.private is not None
    assert "not a day" in reply.private.headline.text and "FUNDAY" not in reply.private.headline.text


def test_scheduled_posts_alternate_a_lesson_and_a_quiz_on_it(
    service: EducationService, store: Store, curriculum: Curriculum
) -> None:
    ask(service, "schedule daily 08:30")
    first, second = curriculum.lessons[:2]
    lesson = service.scheduled(CHANNEL.channel, posts_made=0, seed="slot-1")
    assert lesson.reply.public.headline == first.headline and lesson.post.question_id == first.check
    assert lesson.lesson_count == len(curriculum.lessons)
    # Until the post is written the channel stays on that lesson: a claim lost before writing skips nothing.
    assert service.scheduled(CHANNEL.channel, posts_made=0, seed="slot-1").reply.public.headline == first.headline
    store.education.take_next_lesson(CHANNEL.channel, lesson.lesson_count)  # as writing the post does
    quiz = service.scheduled(CHANNEL.channel, posts_made=1, seed="slot-2")
    assert quiz.reply.public is None and quiz.lesson_count is None
    assert quiz.reply.quiz.question.lesson_id == first.id and quiz.post.question_id != first.check
    following = service.scheduled(CHANNEL.channel, posts_made=2, seed="slot-3")
    assert following.reply.public.headline == second.headline
