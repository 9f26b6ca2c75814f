"""Teams answers, end to end: activities posted to herbot's real server, answers counted at a fake Bot Connector.

Each test runs on an SQLite file and, when ``HERBOT_TEST_POSTGRES_URL`` is set, on a fresh PostgreSQL schema.
Nothing of herbot is replaced: the activity goes through botbuilder's ``CloudAdapter`` and herbot's handler,
the answer through the store's outbox and the sender, and the reply arrives where Teams' Bot Connector
would take it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from fakes.bot_connector import FakeBotConnector, Posted
from teams_activities import (
    ALICE,
    BOB,
    TENANT_ID,
    Conversation,
    bot_id,
    channel,
    channel_mention,
    channel_thread,
    conversation_update,
    group_chat,
    group_chat_message,
    installation_update,
    message,
    message_back,
    new_activity_id,
    personal_chat,
    personal_message,
)
from teams_herbot import (
    ADAPTIVE_CARD,
    TeamsHerbot,
    accepted,
    adaptive_card,
    card_actions,
    card_facts,
    card_links,
    card_text,
    headline,
    serve_teams,
)

from bot.services import Services
from bot.settings import Settings
from bot.store import Store, create_store

DISCLAIMER = "Educational decision support, not a diagnosis or a treatment order"
HER2_LOW_QUESTION = "does 2+ = her2 low?"
HER2_LOW_ANSWER = "Not by itself: IHC 2+ counts as HER2-low only once ISH is negative"
BOTH_VALUES = {"HER2 IHC": "2+", "HER2/CEP17 ratio": "1.6", "HER2 signals/cell": "3.2"}


@pytest.fixture
def teams_store(database_url: str) -> Iterator[Store]:
    created = create_store(database_url)
    yield created
    created.close()


@pytest.fixture
async def served(
    teams_store: Store, database_url: str, bot_connector: FakeBotConnector, make_services: Callable[[Store], Services]
) -> AsyncIterator[TeamsHerbot]:
    """herbot's server on this test's database, Teams on, answering through the fake Bot Connector."""
    async with serve_teams(Settings(database_url=database_url), make_services(teams_store), bot_connector) as herbot:
        yield herbot


async def ask(herbot: TeamsHerbot, activity: dict[str, Any]) -> Posted:
    """Send ``activity`` and wait for the reply to it."""
    assert accepted(await herbot.send(activity))
    connector = herbot.connector
    conversation, activity_id = activity["conversation"]["id"], activity["id"]
    await connector.wait_until(lambda: any(call.reply_to_id == activity_id for call in connector.replies()))
    [reply] = [c for c in connector.replies() if (c.conversation_id, c.reply_to_id) == (conversation, activity_id)]
    return reply


async def test_a_personal_question_gets_one_reply_with_an_adaptive_card(
    served: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    activity = personal_message(HER2_LOW_QUESTION, service_url=bot_connector.service_url)
    reply = await ask(served, activity)
    await served.settle()

    assert bot_connector.in_conversation(activity["conversation"]["id"]) == [reply]
    assert (reply.conversation_id, reply.reply_to_id) == (activity["conversation"]["id"], activity["id"])
    assert [a["contentType"] for a in reply.activity["attachments"]] == [ADAPTIVE_CARD]
    card = adaptive_card(reply)
    assert headline(card).startswith(HER2_LOW_ANSWER)
    assert reply.activity["summary"].startswith(HER2_LOW_ANSWER) and "[" not in reply.activity["summary"]
    assert card["fallbackText"] == reply.activity["summary"]
    assert card_links(card) and all(url.startswith("https://") for url in card_links(card))
    assert "[1]" in headline(card) and "[1] [ASCO/CAP HER2 2018](https://doi.org/" in card_text(card)
    assert card["body"][-1]["text"].startswith(DISCLAIMER)
    assert (reply.activity["from"]["id"], reply.activity["recipient"]["id"]) == (bot_id(), ALICE.id)


async def test_a_channel_mention_is_read_without_the_mention_and_answered_in_its_thread(
    served: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    url = bot_connector.service_url
    in_chat = await ask(served, personal_message("what is herbot's view of HER2-low?", service_url=url))
    mention = channel_mention("what is herbot's view of HER2-low?", service_url=url, root_message_id="1700000000500")
    in_channel = await ask(served, mention)

    assert (in_channel.conversation_id, in_channel.reply_to_id) == (channel_thread("1700000000500").id, mention["id"])
    assert adaptive_card(in_channel)["body"] == adaptive_card(in_chat)["body"]
    assert "<at>" not in json.dumps(in_channel.activity)


Say = Callable[[str, str], dict[str, Any]]
"""A message of ``text`` (second argument) to the Connector at ``url`` (first), always in the same conversation."""


@pytest.mark.parametrize(
    "say",
    [
        pytest.param(lambda url, text: personal_message(text, service_url=url), id="personal"),
        pytest.param(
            lambda url, text: channel_mention(text, service_url=url, activity_id=new_activity_id()),
            id="channel-thread",
        ),
        pytest.param(lambda url, text: group_chat_message(text, service_url=url), id="group-chat"),
    ],
)
async def test_values_from_two_messages_in_one_conversation_make_one_classification(
    served: TeamsHerbot, bot_connector: FakeBotConnector, say: Say
) -> None:
    asked = await ask(served, say(bot_connector.service_url, "IHC 2+"))
    assert headline(adaptive_card(asked)).startswith("HER2 equivocal: ISH needed")

    card = adaptive_card(await ask(served, say(bot_connector.service_url, "ratio 1.6 copies 3.2")))
    assert headline(card).startswith("HER2-negative (HER2-low)")
    assert BOTH_VALUES.items() <= card_facts(card).items()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(
            lambda url: group_chat_message("IHC 2+", service_url=url, sender=ALICE),
            lambda url: group_chat_message("ratio 1.6 copies 3.2", service_url=url, sender=BOB),
            id="two-people-in-a-group-chat",
        ),
        pytest.param(
            lambda url: channel_mention("IHC 2+", service_url=url, root_message_id="1700000000700"),
            lambda url: channel_mention("ratio 1.6 copies 3.2", service_url=url, root_message_id="1700000000800"),
            id="two-threads-of-a-channel",
        ),
        pytest.param(
            lambda url: personal_message("IHC 2+", service_url=url, sender=ALICE),
            lambda url: personal_message("ratio 1.6 copies 3.2", service_url=url, sender=BOB),
            id="two-personal-chats",
        ),
    ],
)
async def test_values_never_mix_between_conversations(
    served: TeamsHerbot,
    bot_connector: FakeBotConnector,
    first: Callable[[str], dict[str, Any]],
    second: Callable[[str], dict[str, Any]],
) -> None:
    await ask(served, first(bot_connector.service_url))
    card = adaptive_card(await ask(served, second(bot_connector.service_url)))
    assert "HER2 IHC" not in card_facts(card)
    assert headline(card).startswith("HER2-negative") and "HER2-low" not in headline(card)


async def test_in_a_group_chat_each_person_keeps_their_own_case(
    served: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    url = bot_connector.service_url
    await ask(served, group_chat_message("IHC 2+", service_url=url, sender=ALICE))
    bobs = adaptive_card(await ask(served, group_chat_message("ratio 1.6 copies 3.2", service_url=url, sender=BOB)))
    alices = adaptive_card(await ask(served, group_chat_message("ratio 1.6 copies 3.2", service_url=url, sender=ALICE)))
    assert ("HER2 IHC" in card_facts(bobs), "HER2 IHC" in card_facts(alices)) == (False, True)


def _follow_up(card: dict[str, Any], title: str) -> str:
    """The text a follow-up button sends (its ``messageBack`` text)."""
    [action] = [a for a in card_actions(card) if a["type"] == "Action.Submit" and a["title"] == title]
    assert action["data"]["msteams"]["type"] == "messageBack"
    return str(action["data"]["msteams"]["text"])


@pytest.mark.parametrize(
    ("question", "conversation"),
    [
        pytest.param(lambda url: personal_message(HER2_LOW_QUESTION, service_url=url), personal_chat(), id="personal"),
        pytest.param(
            lambda url: channel_mention(HER2_LOW_QUESTION, service_url=url, root_message_id="1700000000900"),
            channel_thread("1700000000900"),
            id="channel",
        ),
    ],
)
async def test_a_follow_up_click_asks_the_follow_up(
    served: TeamsHerbot,
    bot_connector: FakeBotConnector,
    question: Callable[[str], dict[str, Any]],
    conversation: Conversation,
) -> None:
    url = bot_connector.service_url
    answer = await ask(served, question(url))
    asked = _follow_up(adaptive_card(answer), "More on HER2-low")
    assert answer.activity_id is not None
    click = message_back(asked, None, service_url=url, reply_to_id=answer.activity_id, conversation=conversation)
    clicked = adaptive_card(await ask(served, click))

    typed = adaptive_card(await ask(served, personal_message(asked, service_url=url, sender=BOB)))
    assert clicked["body"] == typed["body"]
    assert headline(clicked).startswith("HER2-low") and "Sources" in card_text(clicked)
    assert not [a for a in card_actions(clicked) if a["type"] == "Action.ToggleVisibility"]


def _bot_added(url: str, conversation: Conversation) -> dict[str, Any]:
    return conversation_update(service_url=url, conversation=conversation, members_added=[{"id": bot_id()}])


@pytest.mark.parametrize(
    "conversation",
    [
        pytest.param(channel(), id="team"),
        pytest.param(group_chat("welcome-chat"), id="group-chat"),
        pytest.param(personal_chat(), id="personal"),
    ],
)
async def test_adding_the_bot_posts_one_welcome_and_adding_someone_else_posts_nothing(
    served: TeamsHerbot, bot_connector: FakeBotConnector, conversation: Conversation
) -> None:
    url = bot_connector.service_url
    added = _bot_added(url, conversation)
    for activity in (
        added,
        added,  # Teams redelivers under the same id
        installation_update(service_url=url, conversation=conversation),
        conversation_update(service_url=url, conversation=conversation, members_added=[BOB.account()]),
        conversation_update(service_url=url, conversation=conversation, members_removed=[BOB.account()]),
    ):
        assert accepted(await served.send(activity))
    await served.settle()

    [welcome] = bot_connector.in_conversation(conversation.id)
    assert (welcome.method, welcome.reply_to_id) == ("POST", None)
    assert headline(adaptive_card(welcome)).startswith("Hi, I'm herbot")
    assert welcome.activity["summary"].startswith("Hi, I'm herbot")


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda url: personal_message("IHC 3+", service_url=url), id="personal"),
        pytest.param(lambda url: channel_mention("IHC 3+", service_url=url), id="channel"),
        pytest.param(lambda url: group_chat_message("IHC 3+", service_url=url), id="group-chat"),
    ],
)
async def test_the_same_activity_delivered_twice_is_answered_once(
    served: TeamsHerbot, bot_connector: FakeBotConnector, build: Callable[[str], dict[str, Any]]
) -> None:
    activity = build(bot_connector.service_url)
    assert [accepted(await served.send(activity)) for _ in range(3)] == [True, True, True]
    await served.settle()
    assert [call.reply_to_id for call in bot_connector.in_conversation(activity["conversation"]["id"])] == [
        activity["id"]
    ]


SAID = "IHC 2+ for the Thursday board, sample 44-B"


async def test_each_conversation_is_remembered_for_later_posts_without_what_was_said(
    served: TeamsHerbot, bot_connector: FakeBotConnector, teams_store: Store
) -> None:
    url = bot_connector.service_url
    for activity in (
        personal_message(SAID, service_url=url),
        channel_mention(SAID, service_url=url),
        group_chat_message(SAID, service_url=url, sender=BOB),
    ):
        await ask(served, activity)

    references = {ref.scope: ref for ref in teams_store.list_references(surface="teams")}
    assert sorted(references) == ["channel", "groupChat", "personal"]
    expected = {
        "personal": (personal_chat().id, ALICE.id),
        "channel": (channel().id, None),  # the channel, reached again without the thread's ;messageid=
        "groupChat": (group_chat().id, None),  # a group's members are not kept
    }
    for scope, (conversation_id, user_id) in expected.items():
        reference = references[scope].reference
        assert (reference["service_url"], reference["conversation_id"]) == (url, conversation_id), scope
        assert (reference["bot_id"], reference["user_id"]) == (bot_id(), user_id), scope
    stored = json.dumps([ref.reference for ref in references.values()])
    assert [word for word in ("Thursday", "44-B", "IHC", ALICE.name, BOB.name) if word in stored] == []


async def test_a_remembered_conversation_keeps_its_tenant(
    served: TeamsHerbot, bot_connector: FakeBotConnector, teams_store: Store
) -> None:
    await ask(served, personal_message(SAID, service_url=bot_connector.service_url))
    [reference] = teams_store.list_references(surface="teams")
    assert (reference.tenant, reference.reference["tenant_id"]) == (TENANT_ID, TENANT_ID)


async def test_a_message_without_text_is_answered_with_help(
    served: TeamsHerbot, bot_connector: FakeBotConnector
) -> None:
    bare = message("", service_url=bot_connector.service_url, conversation=channel_thread(), mention_bot=True)
    card = adaptive_card(await ask(served, bare))
    assert card["body"][-1]["text"].startswith(DISCLAIMER) and "<at>" not in card_text(card)
