"""A failure inside a Teams turn: caught once in the adapter's on_turn_error, logged by type with an error id,
and answered with one apology carrying that id, never a stack trace or the text that was asked."""

from __future__ import annotations

import logging
import re

import pytest
from botbuilder.schema import Activity
from fakes.bot_connector import FakeBotConnector
from sqlalchemy import update
from teams_activities import personal_message
from teams_herbot import TeamsHerbot

from bot.store import Store
from bot.store.schema import conversation_slots
from bot.teams.inbound import conversation_key

APOLOGY = re.compile(r"^Sorry, something went wrong answering that \(error id ([0-9a-f]{8})\)\.")
FAILED = re.compile(r"^teams turn failed error_id=([0-9a-f]{8}) activity=message error=JSONDecodeError$")


def corrupt_conversation(store: Store, key: str) -> None:
    """Leave a conversation's row in the database holding something that is not JSON."""
    store.save_slots(key, {"ihc": "2+"})
    with store.engine.begin() as connection:
        connection.execute(update(conversation_slots).values(values_json="{not json"))


async def test_a_failing_turn_is_apologised_for_once_with_the_logged_error_id(
    teams_herbot: TeamsHerbot,
    bot_connector: FakeBotConnector,
    store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    asked = "IHC 2+ ratio 1.6 copies 3.2, MRN 12345678"
    activity = personal_message(asked, service_url=bot_connector.service_url)
    corrupt_conversation(store, conversation_key(Activity().deserialize(activity)))

    assert await teams_herbot.send(activity) == 201
    await bot_connector.wait_for(1)
    assert await teams_herbot.send(activity) == 201  # redelivered: it fails again, and is not apologised for twice

    [apology] = bot_connector.received()
    failures = [found for record in caplog.records if (found := FAILED.match(record.getMessage()))]
    said = APOLOGY.match(apology.activity["text"])
    assert said is not None and apology.reply_to_id == activity["id"] and "attachments" not in apology.activity
    assert [failure.group(1) for failure in failures] != [] and said.group(1) == failures[0].group(1)
    assert len(failures) == 2 and "Traceback" not in apology.activity["text"]
    assert all(asked not in record.getMessage() and "12345678" not in record.getMessage() for record in caplog.records)
