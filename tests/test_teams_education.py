"""Channel education on Teams, end to end: activities and card clicks posted to herbot's real server, answers read at
a fake Bot Connector and in the HTTP responses of the clicks' invokes, on a real database with the clock injected.

Each test runs on an SQLite file and, when ``HERBOT_TEST_POSTGRES_URL`` is set, on a fresh PostgreSQL schema.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestServer
from botbuilder.schema import Activity
from databases import TEST_STORE_TIMEOUT_S, FakeClock
from fakes.bot_connector import FakeBotConnector, Posted
from sqlalchemy import MetaData, select
from teams_activities import (
    ALICE,
    BOB,
    CHANNEL_ID,
    TENANT_ID,
    Conversation,
    TeamsUser,
    card_action,
    channel_mention,
    channel_thread,
    personal_chat,
    personal_message,
)
from teams_herbot import TeamsHerbot, accepted, adaptive_card, card_actions, card_text, headline

from bot.education.scheduler import Scheduler
from bot.education.times import local_time_text, next_post_at
from bot.engine.explanation import Claim, Explanation
from bot.knowledge import load_knowledge
from bot.knowledge.education import QuizQuestion, load_curriculum
from bot.render.teams import TeamsRenderer
from bot.render.teams_education import Mention, TeamsEducationRenderer
from bot.server import DELIVERY, DeliveryOptions, create_server
from bot.services import Services
from bot.settings import Settings
from bot.store import Store, create_store
from bot.teams.inbound import address_of
from intents.education import parse_education_command

ANSWER = "herbot.quiz.answer"
VIEW = "herbot.quiz.view"
CARD = "application/vnd.microsoft.card.adaptive"
ERROR = "application/vnd.microsoft.error"
CAROL = TeamsUser("29:1CaRoL3dEf_GhIjKlMnOpQrStUvWxYz0123456789Ab", "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", "Carol Ng")
ISH = load_curriculum().lesson_named("ISH groups")
IDS = {"post", "option", "lesson", "scheduled"}


@pytest.fixture
def teams_store(database_url: str) -> Iterator[Store]:
    created = create_store(database_url)
    yield created
    created.close()


@dataclass
class Teaching:
    """The running server with Teams and education on, its scheduler and store, and the fake Bot Connector."""

    herbot: TeamsHerbot
    scheduler: Scheduler
    store: Store
    clock: FakeClock

    @property
    def url(self) -> str:
        return self.herbot.connector.service_url


@pytest.fixture
async def teaching(
    teams_store: Store,
    database_url: str,
    bot_connector: FakeBotConnector,
    make_services: Callable[[Store], Services],
    clock: FakeClock,
) -> AsyncIterator[Teaching]:
    app = create_server(
        Settings(database_url=database_url),
        make_services(teams_store),
        purge=None,
        delivery_options=DeliveryOptions(clock=clock, store_timeout_s=TEST_STORE_TIMEOUT_S),
    )
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    scheduler = app[DELIVERY].scheduler
    assert scheduler is not None
    try:
        async with ClientSession() as http:
            yield Teaching(TeamsHerbot(server, http, bot_connector), scheduler, teams_store, clock)
    finally:
        await server.close()


async def ask(teaching: Teaching, activity: dict[str, Any]) -> Posted:
    """Send a message and wait for the one reply to it."""
    herbot, connector = teaching.herbot, teaching.herbot.connector
    assert accepted(await herbot.send(activity))
    conversation, activity_id = activity["conversation"]["id"], activity["id"]
    await connector.wait_until(lambda: any(call.reply_to_id == activity_id for call in connector.replies()))
    [reply] = [c for c in connector.replies() if (c.conversation_id, c.reply_to_id) == (conversation, activity_id)]
    return reply


async def invoke(teaching: Teaching, activity: dict[str, Any]) -> tuple[int, Any]:
    """Send an invoke; the HTTP status and the JSON body of the response."""
    herbot = teaching.herbot
    async with herbot.http.post(herbot.messages_url, json=activity) as response:
        return response.status, await response.json()


def click_on(
    teaching: Teaching,
    posted: Posted,
    action: dict[str, Any],
    *,
    sender: TeamsUser,
    conversation: Conversation | None = None,
    trigger: str = "manual",
) -> dict[str, Any]:
    """``sender`` clicking ``action`` (or Teams refreshing the card for them) on the card ``posted`` carries, in
    ``conversation`` (the channel thread it was posted in, by default)."""
    assert posted.activity_id is not None
    if conversation is None:
        conversation = channel_thread(
            posted.conversation_id.split("=", 1)[1] if "=" in posted.conversation_id else posted.activity_id
        )
    return card_action(
        action["verb"],
        action["data"],
        service_url=teaching.url,
        reply_to_id=posted.activity_id,
        conversation=conversation,
        sender=sender,
        trigger=trigger,
    )


def option_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [action for action in card_actions(card) if action["type"] == "Action.Execute"]


def button(card: dict[str, Any], option_id: str) -> dict[str, Any]:
    [found] = [action for action in option_buttons(card) if action["data"]["option"] == option_id]
    return found


def refresh(card: dict[str, Any]) -> dict[str, Any]:
    return dict(card["refresh"]["action"])


def post_of(card: dict[str, Any]) -> str:
    return str(card["refresh"]["action"]["data"]["post"])


def question_of(teaching: Teaching, card: dict[str, Any]) -> QuizQuestion:
    post = teaching.store.education.post(post_of(card))
    assert post is not None
    question = load_curriculum().question(post.question_id)
    assert question is not None
    return question


def wrong_option(question: QuizQuestion) -> str:
    return next(option.id for option in question.options if option.id != question.answer)


def person(user: TeamsUser) -> str:
    return f"teams:{TENANT_ID}:{user.aad_object_id}"


def channel_key(activity: dict[str, Any]) -> str:
    return address_of(Activity().deserialize(activity)).key


def shown_card(response: Any) -> dict[str, Any]:
    """The card an invoke response shows the person who clicked."""
    assert (response["statusCode"], response["type"]) == (200, CARD), response
    return dict(response["value"])


async def learn_ish(teaching: Teaching, *, thread: str = "1700000001000") -> tuple[Posted, dict[str, Any]]:
    reply = await ask(teaching, channel_mention("learn ISH groups", service_url=teaching.url, root_message_id=thread))
    return reply, adaptive_card(reply)


# --- learn: a lesson with its check question, buttons that answer privately ---------------------------------------


async def test_learn_in_a_channel_posts_the_lesson_and_its_check_question_with_one_button_per_option(
    teaching: Teaching,
) -> None:
    reply, card = await learn_ish(teaching)
    question = load_curriculum().question(ISH.check)
    assert question is not None and question_of(teaching, card) == question

    assert (reply.reply_to_id, card["version"]) == ("1700000001000", "1.5")
    assert headline(card).startswith(ISH.headline.text[:40]) and "Check yourself" in card_text(card)
    assert question.prompt[:40] in card_text(card) and "Sources" in card_text(card)
    buttons = option_buttons(card)
    assert [(b["title"], b["verb"], b["data"]["option"]) for b in buttons] == [
        (option.label, ANSWER, option.id) for option in question.options
    ]
    assert all(set(b["data"]) <= IDS and b["data"]["post"] == post_of(card) for b in buttons)
    assert refresh(card)["verb"] == VIEW and "userIds" not in card["refresh"]
    assert refresh(card)["data"] == {"post": post_of(card), "lesson": ISH.id}
    assert card["body"][-1]["text"].startswith("Educational decision support")


async def test_a_click_answers_with_that_persons_result_in_the_response_and_records_it_once(
    teaching: Teaching,
) -> None:
    reply, card = await learn_ish(teaching)
    question = question_of(teaching, card)
    right = button(card, question.answer)

    status, response = await invoke(teaching, click_on(teaching, reply, right, sender=ALICE))
    assert status == 200
    mine = shown_card(response)
    assert mine["refresh"]["userIds"] == [ALICE.id] and refresh(mine) == refresh(card)
    assert f"Right: {question.right.label}." in card_text(mine) and "[1]" in card_text(mine)
    assert option_buttons(mine) == [] and question.right.why.text[:30] in card_text(mine)

    again = button(card, wrong_option(question))
    assert await invoke(teaching, click_on(teaching, reply, again, sender=ALICE)) == (200, response)
    key = channel_key(channel_mention("x", service_url=teaching.url, root_message_id="1700000001000"))
    assert teaching.store.education.answer(post_of(card), person(ALICE)) == (question.answer, True)
    standing = teaching.store.education.standing(key, person(ALICE))
    assert standing is not None and (standing.correct, standing.answered) == (1, 1)
    await teaching.herbot.settle()
    assert len(teaching.herbot.connector.in_conversation(reply.conversation_id)) == 1  # nothing posted for a click


async def test_racing_clicks_by_one_person_record_one_answer_and_show_it_to_each_click(teaching: Teaching) -> None:
    reply, card = await learn_ish(teaching)
    clicks = [click_on(teaching, reply, action, sender=BOB) for action in option_buttons(card) * 2]
    answers = await asyncio.gather(*(invoke(teaching, click) for click in clicks))

    assert {status for status, _ in answers} == {200}
    assert len({json.dumps(body, sort_keys=True) for _, body in answers}) == 1
    key = channel_key(channel_mention("x", service_url=teaching.url, root_message_id="1700000001000"))
    standing = teaching.store.education.standing(key, person(BOB))
    assert standing is not None and standing.answered == 1


async def test_each_person_sees_their_own_answer_and_a_refresh_shows_each_their_own_view(teaching: Teaching) -> None:
    reply, card = await learn_ish(teaching)
    question = question_of(teaching, card)
    wrong = wrong_option(question)
    await invoke(teaching, click_on(teaching, reply, button(card, question.answer), sender=ALICE))
    _, bobs = await invoke(teaching, click_on(teaching, reply, button(card, wrong), sender=BOB))

    chosen = question.option(wrong)
    assert chosen is not None
    assert shown_card(bobs)["refresh"]["userIds"] == [BOB.id]
    assert f"Not quite: the answer is {question.right.label}." in card_text(shown_card(bobs))
    assert f"You chose {chosen.label}" in card_text(shown_card(bobs))
    views = {
        user.name: shown_card(
            (await invoke(teaching, click_on(teaching, reply, refresh(card), sender=user, trigger="automatic")))[1]
        )
        for user in (ALICE, BOB, CAROL)
    }
    assert "Right:" in card_text(views[ALICE.name]) and "Not quite" in card_text(views[BOB.name])
    assert views[ALICE.name]["refresh"]["userIds"] == [ALICE.id]
    assert views[CAROL.name]["body"] == card["body"] and "userIds" not in views[CAROL.name]["refresh"]


@pytest.mark.parametrize(
    ("verb", "data"),
    [
        pytest.param(ANSWER, None, id="no-data"),
        pytest.param(ANSWER, {"post": "0" * 32}, id="no-option"),
        pytest.param(ANSWER, {"post": "../../etc", "option": "group-4"}, id="post-not-an-id"),
        pytest.param(ANSWER, {"post": ["0" * 32], "option": "group-4"}, id="post-a-list"),
        pytest.param(ANSWER, {"post": "0" * 32, "option": "<at>everyone</at>"}, id="option-not-an-id"),
        pytest.param(VIEW, {"post": 7}, id="view-post-a-number"),
    ],
)
async def test_a_malformed_quiz_click_is_a_bad_request_in_a_200(
    teaching: Teaching, verb: str, data: dict[str, Any] | None
) -> None:
    click = card_action(verb, data, service_url=teaching.url, reply_to_id="1", conversation=channel_thread())
    status, response = await invoke(teaching, click)
    assert (status, response["statusCode"], response["type"], response["value"]["code"]) == (
        200,
        400,
        ERROR,
        "BadRequest",
    )


@pytest.mark.parametrize(
    ("verb", "data"),
    [
        pytest.param(ANSWER, {"post": "f" * 32, "option": "group-4"}, id="answer"),
        pytest.param(VIEW, {"post": "f" * 32}, id="view"),
    ],
)
async def test_a_click_on_a_question_herbot_never_posted_leaves_the_card_as_it_is(
    teaching: Teaching, verb: str, data: dict[str, Any]
) -> None:
    click = card_action(verb, data, service_url=teaching.url, reply_to_id="1", conversation=channel_thread())
    status, response = await invoke(teaching, click)
    if verb == ANSWER:
        assert (status, response["statusCode"]) == (200, 200)
        assert "no longer available" in card_text(shown_card(response))
    else:
        assert (status, response["statusCode"], response["type"]) == (200, 404, ERROR)


async def test_an_action_that_is_not_herbots_is_not_implemented(teaching: Teaching) -> None:
    click = card_action("approve", {"post": "f" * 32}, service_url=teaching.url, reply_to_id="1")
    assert (await invoke(teaching, click))[0] == 501


# --- quiz in a personal chat: that person's due questions first -----------------------------------------------------


async def test_quiz_in_a_personal_chat_gives_the_question_answered_wrong_once_it_is_due(teaching: Teaching) -> None:
    chat = personal_chat(ALICE)
    first = await ask(teaching, personal_message("quiz", service_url=teaching.url, sender=ALICE))
    card = adaptive_card(first)
    question = question_of(teaching, card)
    wrong = click_on(teaching, first, button(card, wrong_option(question)), sender=ALICE, conversation=chat)
    assert "Not quite" in card_text(shown_card((await invoke(teaching, wrong))[1]))

    teaching.clock.advance(timedelta(days=2))
    again = adaptive_card(await ask(teaching, personal_message("quiz", service_url=teaching.url, sender=ALICE)))
    assert question_of(teaching, again) == question and post_of(again) != post_of(card)
    assert "Due for review: 1 question" in card_text(again)


# --- scores -------------------------------------------------------------------------------------------------------


async def test_scores_show_the_top_ten_as_you_and_member_the_askers_rank_and_what_the_channel_gets_wrong(
    teaching: Teaching,
) -> None:
    reply, card = await learn_ish(teaching)
    question = question_of(teaching, card)
    wrong = question.option(wrong_option(question))
    assert wrong is not None
    await invoke(teaching, click_on(teaching, reply, button(card, question.answer), sender=ALICE))
    await invoke(teaching, click_on(teaching, reply, button(card, wrong.id), sender=BOB))

    asked = channel_mention("scores", service_url=teaching.url, root_message_id="1700000001000", sender=BOB)
    scores = adaptive_card(await ask(teaching, asked | {"id": "1700000001001"}))
    text = card_text(scores)
    lessons = len(load_curriculum().lessons)
    assert headline(scores) == "Scores in this channel"
    assert [fact for element in scores["body"] if element["type"] == "FactSet" for fact in element["facts"]] == [
        {"title": "1\\. member", "value": "1 right of 1"},
        {"title": "2\\. you", "value": "0 right of 1"},
    ]
    assert f"You: rank 2, 0 right of 1 · lessons done: 0 of {lessons}" in text
    assert "What this channel gets wrong most [1]" in text
    assert f"• {ISH.title}: {wrong.label} taken for {question.right.label} — 1 time" in text
    assert "Sources" in text and ALICE.name not in text and BOB.name not in text


async def test_scores_off_turns_the_leaderboard_off_for_the_channel_and_says_who_set_it(teaching: Teaching) -> None:
    url = teaching.url
    off = adaptive_card(
        await ask(teaching, channel_mention("scores off", service_url=url, root_message_id="1700000002000"))
    )
    assert headline(off) == "The leaderboard is off in this channel."
    assert off["body"][1]["text"] == f"Set by <at>{ALICE.name}</at>."

    later = channel_mention("scores", service_url=url, root_message_id="1700000003000", sender=BOB)
    scores = adaptive_card(await ask(teaching, later))
    assert "The leaderboard is off in this channel (scores on turns it back on)." in card_text(scores)
    assert not [element for element in scores["body"] if element["type"] == "FactSet"]


# --- schedules ----------------------------------------------------------------------------------------------------


async def test_a_schedule_is_confirmed_with_its_next_local_time_and_posted_once_naming_who_set_it(
    teaching: Teaching,
) -> None:
    said = "schedule daily 07:00 Australia/Sydney"
    confirmed = adaptive_card(await ask(teaching, channel_mention(said, service_url=teaching.url)))
    command = parse_education_command(said)
    assert command is not None and command.timing is not None
    due = next_post_at(command.timing, teaching.clock.now)
    assert "every day at 07:00 (Australia/Sydney)" in headline(confirmed)
    assert local_time_text(due, "Australia/Sydney") in headline(confirmed)
    assert confirmed["body"][1]["text"] == f"Set by <at>{ALICE.name}</at>."

    teaching.clock.now = due + timedelta(seconds=30)
    assert await teaching.scheduler.post_due() == 1
    assert await teaching.scheduler.post_due() == 0
    connector = teaching.herbot.connector
    await connector.wait_until(lambda: len(connector.posts()) == 1)
    await teaching.herbot.settle()
    [posted] = [call for call in connector.posts() if call.conversation_id == CHANNEL_ID]
    card = adaptive_card(posted)
    assert card["body"][0]["text"] == "Scheduled by a member of this channel."
    assert "Check yourself" in card_text(card) and len(option_buttons(card)) >= 3
    assert refresh(card)["data"]["scheduled"] is True

    thread = channel_thread(str(posted.activity_id))
    carol = click_on(teaching, posted, refresh(card), sender=CAROL, conversation=thread, trigger="automatic")
    assert shown_card((await invoke(teaching, carol))[1])["body"] == card["body"]
    question = question_of(teaching, card)
    answered = click_on(teaching, posted, button(card, question.answer), sender=BOB, conversation=thread)
    mine = shown_card((await invoke(teaching, answered))[1])
    assert mine["body"][0] == card["body"][0] and "Right:" in card_text(mine)


ADA = TeamsUser("29:1AdAb7yRoN_lOvElAcE0aNaLyTiCaL3nGiNe1843Ab", "1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a", "Dr Ada Byron")
NAMES = [
    pytest.param("Dr Ada Byron", "<at>Dr Ada Byron</at>", id="named"),
    pytest.param(
        "*Ada* [B](https://x.example) <at>all</at>",
        r"<at>\*Ada\* \[B\]\(https://x.example) &lt;at>all&lt;/at></at>",
        id="markup",
    ),
    pytest.param(None, None, id="no-name"),
    pytest.param("   ", None, id="blank-name"),
]


@pytest.mark.parametrize(("name", "at"), NAMES)
async def test_a_schedule_confirmation_mentions_the_person_who_set_it_by_the_name_their_activity_carries(
    teaching: Teaching, name: str | None, at: str | None
) -> None:
    said = channel_mention("schedule daily 07:00 Australia/Sydney", service_url=teaching.url, sender=ADA)
    said["from"] = {"id": ADA.id, "aadObjectId": ADA.aad_object_id} | ({} if name is None else {"name": name})
    confirmed = adaptive_card(await ask(teaching, said))
    mentions = confirmed["msteams"].get("entities", [])
    expected = [] if at is None else [{"type": "mention", "text": at, "mentioned": {"id": ADA.id, "name": name}}]
    assert (confirmed["body"][1]["text"], mentions) == (f"Set by {at or 'a member of this channel'}.", expected)


SET_BY = Explanation(intent="education", headline=Claim("The leaderboard is off in this channel.", ()))
NAMED_WHEN = [
    pytest.param("teams:t:ada", "teams:t:ada", "Set by <at>Dr Ada Byron</at>.", id="the-person-of-this-turn"),
    pytest.param("teams:t:ada", "teams:t:bob", "Set by a member of this channel.", id="someone-else"),
    pytest.param("teams:t:ada", None, "Set by a member of this channel.", id="no-place"),
]


@pytest.mark.parametrize(("by", "person", "line"), NAMED_WHEN)
def test_a_confirmation_mentions_only_the_person_whose_turn_it_answers(by: str, person: str | None, line: str) -> None:
    renderer = TeamsEducationRenderer(TeamsRenderer(load_knowledge().sources))
    named = renderer.named(renderer.explanation(SET_BY, by=by), person, Mention(ADA.id, ADA.name))
    assert named.card is not None and named.card["body"][1]["text"] == line


async def test_the_name_a_confirmation_mentions_is_kept_nowhere_but_in_the_reply_it_is_drawn_in(
    teaching: Teaching,
) -> None:
    said = channel_mention("schedule daily 07:00 Australia/Sydney", service_url=teaching.url, sender=ADA)
    confirmed = await ask(teaching, said)
    await teaching.herbot.settle()
    assert "<at>Dr Ada Byron</at>" in card_text(adaptive_card(confirmed))
    # The outbox holds the reply as Teams shows it until it is purged: there, and only in its card, is the name.
    rows = stored_rows(teaching, everything=True)
    named = {(table, column) for table, row in rows for column, value in row.items() if "Ada Byron" in str(value)}
    assert named == {("outbox", "payload_json")}
    [payload] = [json.loads(row["payload_json"]) for _, row in rows if "Ada Byron" in str(row.get("payload_json"))]
    assert "Ada Byron" not in json.dumps({key: value for key, value in payload.items() if key != "attachments"})
    assert [attachment["contentType"] for attachment in payload["attachments"]] == [CARD]


def stored_rows(teaching: Teaching, *, everything: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """Every row of herbot's education tables and conversation references (with ``everything``, of every table)."""
    tables = MetaData()
    tables.reflect(teaching.store.engine)
    # One connection, closed: an open one would hold its transaction and keep the test schema from being dropped.
    with teaching.store.engine.connect() as connection:
        return [
            (table.name, dict(row._mapping))
            for table in tables.sorted_tables
            if everything or table.name.startswith("education_") or table.name == "conversation_references"
            for row in connection.execute(select(table))
        ]


# --- what is stored -----------------------------------------------------------------------------------------------

PATIENT = "Quintavius Okonkwo-Barrie"


async def test_education_keeps_ids_and_option_ids_only_never_names_or_what_was_typed(teaching: Teaching) -> None:
    url = teaching.url
    reply, card = await learn_ish(teaching)
    await invoke(teaching, click_on(teaching, reply, option_buttons(card)[0], sender=ALICE))
    for number, said in enumerate(
        ("schedule weekdays 08:30 Europe/London", "scores off", f"quiz ihc for {PATIENT}", "scores")
    ):
        await ask(teaching, channel_mention(said, service_url=url, root_message_id=f"170000000400{number}", sender=BOB))

    stored = json.dumps([list(row.values()) for _, row in stored_rows(teaching)], default=str)
    assert person(ALICE) in stored and person(BOB) in stored
    assert [
        word
        for word in (ALICE.name, BOB.name, "Okonkwo", "Quintavius", "weekdays 08:30", "scores off")
        if word in stored
    ] == []
