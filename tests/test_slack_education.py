"""Channel education on Slack end to end: signed requests into the real server, answers at the fake Web API.

Lessons and quizzes are posted for everyone (``in_channel``), a click is answered privately at the click's
response URL and counted once per person, scores show the channel's top ten as mentions built from ids (to
the asker alone: ephemeral at a command's response URL, ``chat.postEphemeral`` for a mention), and
schedules are set, shown, posted by the scheduler (``chat.postMessage``, naming who set them) and stopped. The
education service and the scheduler read an injected clock; nothing waits on the wall clock.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from databases import TEST_STORE_TIMEOUT_S, FakeClock
from fakes.slack_api import BOT_TOKEN, Call, FakeSlackApi
from leaks import database_text
from slack_herbot import FORM, JSON, Herbot, all_text, valid_blocks
from slack_requests import SIGNING_SECRET, command_body, direct_message, event_body, mention, quiz_click

from bot.education.scheduler import Scheduler, Scheduling
from bot.knowledge.education import Curriculum, QuizQuestion, load_curriculum
from bot.render.environment import escape_mrkdwn
from bot.server import DELIVERY, DeliveryOptions, create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store

QUIZ_BUTTON = re.compile(r"^herbot_quiz_\d+$")
POST_ID = re.compile(r"^[0-9a-f]{32}$")
NAME = "Doewright"


@dataclass
class School:
    """The running server, its scheduler, the clock education reads, and the store behind them."""

    herbot: Herbot
    slack_api: FakeSlackApi
    scheduler: Scheduler
    clock: FakeClock
    store: Store
    curriculum: Curriculum

    async def command(self, text: str, name: str, *, user: str = "U1", channel: str = "C1") -> Call:
        """``/her2 <text>`` from ``user`` in ``channel``; the answer at its response URL."""
        url = self.slack_api.response_url(name)
        assert await self.herbot.post(command_body(text, url, user=user, channel=channel), FORM) == 200
        return await self.answer_at(name)

    async def click(self, button: dict[str, Any], name: str, *, user: str = "U1", channel: str = "C1") -> Call:
        """``user`` clicks ``button``; the private feedback at the click's response URL."""
        assert await self.post_click(button, name, user=user, channel=channel) == 200
        return await self.answer_at(name)

    async def post_click(self, button: dict[str, Any], name: str, *, user: str = "U1", channel: str = "C1") -> int:
        body = quiz_click(button, self.slack_api.response_url(name), user=user, channel=channel)
        return await self.herbot.post(body, FORM)

    async def answer_at(self, name: str) -> Call:
        await self.slack_api.wait_for(lambda: self.slack_api.answered(f"response_url:{name}"))
        [answer] = self.slack_api.answered(f"response_url:{name}")
        valid_blocks(answer.args.get("blocks", []))
        return answer

    def question_of(self, button: dict[str, Any]) -> QuizQuestion:
        """The bank question a quiz button's posted question asks."""
        post = self.store.education.post(json.loads(button["value"])["post"])
        assert post is not None
        question = self.curriculum.question(post.question_id)
        assert question is not None
        return question


@pytest.fixture
async def school(
    slack_api: FakeSlackApi, store: Store, make_services: Callable[[Store], Services], sqlite_url: str
) -> AsyncIterator[School]:
    """herbot's real server with Slack on and education on its store, reading an injected clock; the background
    scheduler polls hourly, so only the test's own ``post_due`` posts."""
    clock = FakeClock()
    settings = Settings(
        database_url=sqlite_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api.api_url,
    )
    options = DeliveryOptions(
        clock=clock, store_timeout_s=TEST_STORE_TIMEOUT_S, scheduling=Scheduling(poll=timedelta(hours=1))
    )
    app = create_server(settings, make_services(store), purge=None, delivery_options=options)
    scheduler = app[DELIVERY].scheduler
    assert scheduler is not None
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    async with ClientSession() as http:
        yield School(Herbot(server, http), slack_api, scheduler, clock, store, load_curriculum())
    await server.close()


def quiz_buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        element
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
        if QUIZ_BUTTON.match(element["action_id"])
    ]


def button_for(school: School, buttons: list[dict[str, Any]], *, right: bool) -> dict[str, Any]:
    """The button of the right option, or of the first wrong one."""
    question = school.question_of(buttons[0])
    chosen = [b for b in buttons if (json.loads(b["value"])["option"] == question.answer) == right]
    return chosen[0]


def text_of(call: Call) -> str:
    return all_text(call.args.get("blocks", [])) + "\n" + call.args["text"]


# --- lessons and quizzes ---------------------------------------------------------------------------------------


async def test_learn_posts_the_lesson_and_its_question_for_everyone_with_a_button_per_option(school: School) -> None:
    answer = await school.command("learn", "learn")
    lesson = school.curriculum.lessons[0]
    check = school.curriculum.question(lesson.check)
    assert check is not None
    assert answer.args["response_type"] == "in_channel"
    text = text_of(answer)
    assert f"Lesson 1: {escape_mrkdwn(lesson.title)}" in text
    assert f"*Check yourself*\n{escape_mrkdwn(check.prompt)}" in text
    buttons = quiz_buttons(answer.args["blocks"])
    assert [b["action_id"] for b in buttons] == [f"herbot_quiz_{i}" for i in range(len(check.options))]
    assert [b["text"]["text"] for b in buttons] == [escape_mrkdwn(o.label) for o in check.options]
    values = [json.loads(b["value"]) for b in buttons]
    assert [sorted(v) for v in values] == [["option", "post"]] * len(values)
    assert [v["option"] for v in values] == [o.id for o in check.options]
    assert len({v["post"] for v in values}) == 1 and POST_ID.match(values[0]["post"])
    assert answer.args["blocks"][-1]["type"] == "context"  # the disclaimer, last

    second = await school.command("learn", "learn-again")
    assert f"Lesson 2: {escape_mrkdwn(school.curriculum.lessons[1].title)}" in text_of(second)


async def test_a_click_is_answered_privately_and_counted_once_per_person(school: School) -> None:
    buttons = quiz_buttons((await school.command("learn", "learn")).args["blocks"])
    right, wrong = button_for(school, buttons, right=True), button_for(school, buttons, right=False)
    question = school.question_of(right)

    first = await school.click(right, "u1-first")
    assert (first.args["response_type"], first.args["replace_original"]) == ("ephemeral", False)
    assert first.args["text"].startswith(escape_mrkdwn(f"Right: {question.right.label}."))
    again = await school.click(wrong, "u1-again")
    assert again.args["response_type"] == "ephemeral"
    assert "You already answered this one" in again.args["text"] and "Your first answer counts" in text_of(again)

    # Two clicks racing: one answer recorded, one "already answered".
    assert await asyncio.gather(
        school.post_click(wrong, "u2-a", user="U2"), school.post_click(right, "u2-b", user="U2")
    ) == [200, 200]
    raced = [await school.answer_at("u2-a"), await school.answer_at("u2-b")]
    assert sorted("You already answered" in call.args["text"] for call in raced) == [False, True]

    other = await school.click(wrong, "u3", user="U3")
    assert other.args["text"].startswith(escape_mrkdwn(f"Not quite: the answer is {question.right.label}."))

    standings = [school.store.education.standing("slack:T1:C1", f"slack:T1:{u}") for u in ("U1", "U2", "U3")]
    assert [(s.correct, s.answered) if s else None for s in standings] == [(1, 1), (standings[1].correct, 1), (0, 1)]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("not json", id="not-json"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param('{"post": "0123456789abcdef0123456789abcdef", "option": "group-4"}', id="unknown-post"),
        pytest.param('{"post": "x", "option": "<@U1>"}', id="not-ids"),
    ],
)
async def test_a_click_herbot_cannot_read_says_the_question_is_no_longer_available(school: School, value: str) -> None:
    answer = await school.click({"action_id": "herbot_quiz_0", "value": value}, "odd")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["text"].startswith("That question is no longer available")


async def test_quiz_on_a_named_lesson_asks_on_that_lesson(school: School) -> None:
    answer = await school.command("quiz ihc", "quiz-ihc")
    assert answer.args["response_type"] == "in_channel"
    buttons = quiz_buttons(answer.args["blocks"])
    lesson = school.curriculum.lesson_named("ihc")
    assert lesson is not None
    assert school.question_of(buttons[0]).lesson_id == lesson.id
    assert f"*Quiz on {escape_mrkdwn(lesson.title)}*" in text_of(answer)


async def test_quiz_in_a_dm_brings_back_the_question_answered_wrong_once_it_is_due(school: School) -> None:
    first = await school.command("quiz", "dm-1", channel="D1")
    buttons = quiz_buttons(first.args["blocks"])
    missed = school.question_of(buttons[0])
    await school.click(button_for(school, buttons, right=False), "dm-wrong", channel="D1")

    not_yet = await school.command("quiz", "dm-2", channel="D1")
    assert school.question_of(quiz_buttons(not_yet.args["blocks"])[0]).id != missed.id

    school.clock.advance(timedelta(hours=1))
    due = await school.command("quiz", "dm-3", channel="D1")
    assert school.question_of(quiz_buttons(due.args["blocks"])[0]).id == missed.id
    assert "*Due for review: 1 question*" in text_of(due)


async def test_a_mention_and_a_dm_are_taught_in_their_thread(school: School) -> None:
    api = school.slack_api
    assert await school.herbot.post(event_body(mention("learn", ts="50.1"), event_id="EvLearn"), JSON) == 200
    assert await school.herbot.post(event_body(direct_message("quiz", ts="60.1"), event_id="EvQuiz"), JSON) == 200
    await api.wait_for(lambda: len(api.answered("chat.postMessage")) == 2)
    posts = {call.args["channel"]: call for call in api.answered("chat.postMessage")}
    assert posts["C1"].args["thread_ts"] == "50.1" and "thread_ts" not in posts["D1"].args
    assert all(quiz_buttons(valid_blocks(call.args["blocks"])) for call in posts.values())


async def test_a_lessons_quiz_button_asks_on_that_lesson_in_its_thread(school: School) -> None:
    api = school.slack_api
    learn = await school.command("learn", "learn")
    lesson = school.curriculum.lessons[0]
    actions = [element for block in learn.args["blocks"] if block["type"] == "actions" for element in block["elements"]]
    [quiz] = [button for button in actions if button["value"] == f"quiz {lesson.title}"]
    assert await school.herbot.post(quiz_click(quiz, api.response_url("follow"), user="U2", channel="C1"), FORM) == 200
    await api.wait_for(lambda: api.answered("chat.postMessage"))
    [post] = api.answered("chat.postMessage")
    assert (post.args["channel"], post.args["thread_ts"]) == ("C1", "1000.1")
    assert school.question_of(quiz_buttons(valid_blocks(post.args["blocks"]))[0]).lesson_id == lesson.id


# --- what only the asker may see, asked by a mention -------------------------------------------------------------

EPHEMERAL = "chat.postEphemeral"
POST = "chat.postMessage"


@pytest.mark.parametrize(
    ("event", "method", "thread"),
    [
        pytest.param(mention("scores", ts="70.1"), EPHEMERAL, "70.1", id="scores-mention"),
        pytest.param(mention("scores", ts="70.2", thread_ts="70.0"), EPHEMERAL, "70.0", id="scores-in-a-thread"),
        pytest.param(mention("schedule daily 25:00", ts="70.3"), EPHEMERAL, "70.3", id="private-error-mention"),
        pytest.param(mention("learn", ts="70.4"), POST, "70.4", id="learn-mention"),
        pytest.param(direct_message("scores", ts="70.5"), POST, None, id="scores-dm"),
    ],
)
async def test_a_reply_only_the_asker_may_see_goes_to_them_alone_when_they_asked_in_a_channel(
    school: School, event: dict[str, Any], method: str, thread: str | None
) -> None:
    api = school.slack_api
    assert await school.herbot.post(event_body(event, event_id=f"Ev{event['ts']}"), JSON) == 200
    await api.wait_for(lambda: api.answered(method))
    [reply] = api.received(EPHEMERAL) + api.received(POST)  # one delivery is recorded: nothing else can follow
    assert (reply.method, reply.token, reply.args["channel"], reply.args.get("thread_ts")) == (
        method,
        BOT_TOKEN,
        event["channel"],
        thread,
    )
    assert reply.args.get("user") == ("U1" if method == EPHEMERAL else None)
    valid_blocks(reply.args["blocks"])


async def test_scores_asked_by_a_mention_that_slack_rate_limits_are_retried_and_shown_to_the_asker_once(
    school: School,
) -> None:
    api = school.slack_api
    api.rate_limit(EPHEMERAL, retry_after=1)
    assert await school.herbot.post(event_body(mention("scores", ts="80.1"), event_id="EvScores"), JSON) == 200
    await api.wait_for(lambda: api.answered(EPHEMERAL))
    assert [call.status for call in api.received(EPHEMERAL)] == [429, 200]
    assert api.answered(EPHEMERAL)[0].args["user"] == "U1" and api.received(POST) == []


# --- scores ----------------------------------------------------------------------------------------------------


async def test_scores_show_the_top_ten_the_askers_rank_and_lessons_and_what_the_channel_gets_wrong(
    school: School,
) -> None:
    buttons = quiz_buttons((await school.command("learn", "learn")).args["blocks"])
    right, wrong = button_for(school, buttons, right=True), button_for(school, buttons, right=False)
    question = school.question_of(right)
    chosen = question.option(json.loads(wrong["value"])["option"])
    assert chosen is not None
    users = [f"U{n:02d}" for n in range(1, 13)]
    for user in users:
        button = right if user in ("U01", "U02", "U03") else wrong
        assert await school.post_click(button, f"click-{user}", user=user) == 200
    for user in users:
        await school.answer_at(f"click-{user}")

    scores = await school.command("scores", "scores", user="U01")
    assert scores.args["response_type"] == "ephemeral"
    text = text_of(scores)
    board = re.findall(r"^(\d+)\. <@(U\d+)>: (\d) right of 1$", text, re.MULTILINE)
    assert len(board) == 10
    assert board[:3] == [("1", "U01", "1"), ("1", "U02", "1"), ("1", "U03", "1")]
    assert {rank for rank, _, _ in board[3:]} == {"4"}
    lessons = len(school.curriculum.lessons)
    assert f"You: rank 1, 1 right of 1 · lessons done: 1 of {lessons}" in text
    topic = school.curriculum.lesson(question.lesson_id).title
    assert "*What this channel gets wrong most*" in text
    assert escape_mrkdwn(f"• {topic}: {chosen.label} taken for {question.right.label} — 9 times") in text
    assert re.search(r"\[1\] <https?://", text)  # the sources of the right answer, cited

    mine = await school.command("scores", "scores-12", user="U12")
    assert f"You: rank 4, 0 right of 1 · lessons done: 0 of {lessons}" in text_of(mine)


async def test_scores_off_hides_the_leaderboard_and_names_who_turned_it_off(school: School) -> None:
    off = await school.command("scores off", "off", user="U7")
    assert off.args["response_type"] == "in_channel"
    assert "The leaderboard is off in this channel." in text_of(off) and "Set by <@U7>" in text_of(off)

    scores = await school.command("scores", "scores")
    text = text_of(scores)
    assert "Leaderboard is off in this channel." in text and "<@" not in text
    assert "You have not answered a question in this channel yet" in text


# --- schedules -------------------------------------------------------------------------------------------------


async def test_a_schedule_is_set_shown_posted_by_the_scheduler_and_stopped(school: School) -> None:
    api = school.slack_api
    # The clock reads Saturday 1 March 2025, 09:00 UTC: the next weekday 08:30 in London is Monday's.
    set_ = await school.command("schedule weekdays 08:30 Europe/London", "set", user="U5")
    assert set_.args["response_type"] == "in_channel"
    assert "next post Mon 3 Mar 2025 08:30 GMT" in text_of(set_) and "Set by <@U5>" in text_of(set_)
    shown = await school.command("schedule", "show")
    assert "every weekday (Monday to Friday) at 08:30 (Europe/London)" in text_of(shown)

    assert await school.scheduler.post_due() == 0
    school.clock.advance(timedelta(days=2))  # Monday 09:00 UTC, half an hour after the slot
    assert await school.scheduler.post_due() == 1
    assert await school.scheduler.post_due() == 0
    await api.wait_for(lambda: api.answered("chat.postMessage"))
    [post] = api.answered("chat.postMessage")
    assert (post.args["channel"], post.token, "thread_ts" in post.args) == ("C1", BOT_TOKEN, False)
    assert "Scheduled by <@U5>" in text_of(post)
    buttons = quiz_buttons(valid_blocks(post.args["blocks"]))
    assert buttons
    answered = await school.click(button_for(school, buttons, right=True), "scheduled-click", user="U6")
    assert answered.args["text"].startswith("Right:")

    off = await school.command("schedule off", "off", user="U6")
    assert "Schedule off" in text_of(off) and "Set by <@U6>" in text_of(off)
    school.clock.advance(timedelta(days=1))
    assert await school.scheduler.post_due() == 0
    assert "This channel has no schedule." in text_of(await school.command("schedule", "show-off"))


async def test_a_scheduled_post_slack_rate_limits_is_retried_and_posted_once(school: School) -> None:
    api = school.slack_api
    await school.command("schedule daily 09:30", "set")
    api.rate_limit("chat.postMessage", retry_after=1)
    school.clock.advance(timedelta(hours=1))
    assert await school.scheduler.post_due() == 1
    await api.wait_for(lambda: api.answered("chat.postMessage"))
    assert [call.status for call in api.received("chat.postMessage")] == [429, 200]


async def test_a_channel_that_refuses_its_scheduled_post_loses_its_schedule_and_the_workspace_is_told(
    school: School,
) -> None:
    api = school.slack_api
    await school.command("schedule daily 09:30", "set")
    api.fail("chat.postMessage", "channel_not_found")
    school.clock.advance(timedelta(hours=1))
    assert await school.scheduler.post_due() == 1
    await api.wait_for(lambda: api.received("chat.postMessage"))
    await _until(lambda: school.store.education.schedule("slack:T1:C1").active is False)  # type: ignore[union-attr]

    told = await school.command("scores", "told", channel="C2")
    assert "the platform said: channel_not_found" in text_of(told)
    assert "the platform said" not in text_of(await school.command("scores", "said-once", channel="C2"))
    assert "turned off because channel_not_found" in text_of(await school.command("schedule", "show"))


async def _until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``predicate`` until it holds; fail after ``timeout`` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("schedule weekly FUNDAY 25:00", "the word after weekly is not a day", id="day"),
        pytest.param("schedule daily 25:00", "no such time: hours are 0 to 23", id="time"),
        pytest.param("schedule daily 08:30 Jane/Doewright", "the time zone is not one I know", id="zone"),
    ],
)
async def test_a_schedule_herbot_cannot_read_gets_a_one_line_private_error(
    school: School, text: str, error: str
) -> None:
    answer = await school.command(text, "bad")
    assert answer.args["response_type"] == "ephemeral"
    headline = answer.args["blocks"][0]["text"]["text"]
    assert error in headline and "\n" not in headline
    assert not any(word in headline for word in ("FUNDAY", "25:00", "Doewright"))  # never repeats what was typed
    assert school.store.education.schedule("slack:T1:C1") is None


# --- nothing typed is kept -------------------------------------------------------------------------------------


async def test_only_ids_are_kept_never_what_anyone_typed(school: School, tmp_path: Path) -> None:
    learn = await school.command(f"learn ihc for Mrs Jane {NAME}", "typed-learn")
    quiz = await school.command(f"quiz Jane {NAME}", "typed-quiz")
    for answer in (learn, quiz):
        assert NAME not in text_of(answer)
    buttons = quiz_buttons((await school.command("learn", "learn")).args["blocks"])
    await school.click(buttons[0], "click")
    await school.command("scores", "scores")
    await school.command("schedule daily 07:05 Europe/Paris", "schedule")
    assert NAME not in database_text(tmp_path)
