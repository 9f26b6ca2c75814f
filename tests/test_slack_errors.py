"""Unexpected failures on Slack: caught once by Bolt's error handler, logged under an id, told to the person asking.

The faults are real and at the outer edges: Slack's Web API refusing a post, a corrupt row in the database.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from fakes.slack_api import Call, FakeSlackApi
from slack_herbot import FORM, JSON, Herbot
from slack_requests import action_body, command_body, event_body, mention, message_edit
from sqlalchemy import update

from bot.store import Store
from bot.store.schema import conversation_slots

APOLOGY = re.compile(
    r"^Sorry, something went wrong answering that \(error id ([0-9a-f]{8})\)\. "
    r"Please try again; if it keeps happening, give this id to your admin\.$"
)


def corrupt_conversation(store: Store, key: str) -> None:
    """Leave a conversation's row in the database holding something that is not JSON."""
    store.save_slots(key, {"ihc": "2+"})
    with store.engine.begin() as connection:
        connection.execute(update(conversation_slots).values(values_json="{not json"))


def logged_error_id(caplog: pytest.LogCaptureFixture, typename: str, asked: str) -> str:
    """The id of the one failure logged; no log line repeats the text that was asked."""
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("slack listener failed")]
    assert len(failures) == 1, failures
    assert all(asked not in record.getMessage() for record in caplog.records)
    found = re.match(rf"^slack listener failed error_id=([0-9a-f]{{8}}) error={typename} where=\S+$", failures[0])
    assert found, failures[0]
    return found.group(1)


def apology_id(call: Call) -> str:
    found = APOLOGY.match(call.args["text"])
    assert found, call.args["text"]
    return found.group(1)


async def test_a_refused_answer_to_a_mention_is_apologised_for_in_the_thread_with_the_logged_id(
    herbot: Herbot, slack_api: FakeSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    slack_api.fail("chat.postMessage", "msg_too_long")
    asked = "IHC 2+ ratio 1.6 copies 3.2"
    assert await herbot.post(event_body(mention(asked, ts="100.1"), event_id="EvFail"), JSON) == 200

    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    [apology] = slack_api.answered("chat.postMessage")
    assert (apology.args["channel"], apology.args["thread_ts"]) == ("C1", "100.1")
    assert apology_id(apology) == logged_error_id(caplog, "SlackApiError", asked)


async def test_a_refused_answer_to_an_edit_is_apologised_for_in_the_thread_of_the_original(
    herbot: Herbot, slack_api: FakeSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    slack_api.fail("chat.postMessage", "msg_too_long")
    edit = message_edit("<@UBOT> IHC 3+", "<@UBOT> IHC 1+", ts="150.2", thread_ts="150.1")
    assert await herbot.post(event_body(edit, event_id="EvEditFail"), JSON) == 200

    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    [apology] = slack_api.answered("chat.postMessage")
    assert (apology.args["channel"], apology.args["thread_ts"]) == ("C1", "150.1")
    assert apology_id(apology) == logged_error_id(caplog, "SlackApiError", "IHC 3+")


@pytest.mark.parametrize(
    "request_body",
    [
        pytest.param(lambda text, url: command_body(text, url), id="slash-command"),
        pytest.param(
            lambda text, url: action_body(
                "herbot_follow_up_0", text, url, message_ts="200.1", thread_ts=None, ephemeral=True
            ),
            id="button-on-an-ephemeral-answer",
        ),
    ],
)
async def test_a_corrupt_conversation_fails_a_command_or_button_and_the_person_is_told_privately(
    herbot: Herbot,
    slack_api: FakeSlackApi,
    store: Store,
    caplog: pytest.LogCaptureFixture,
    request_body: Callable[[str, str], str],
) -> None:
    caplog.set_level(logging.INFO)
    corrupt_conversation(store, "slack:T1:C1:command:U1")
    asked = "IHC 3+ ER 80%"
    # Bolt's asyncio runner answers 404 when the listener fails within its 10 ms poll of ack(): it resets the
    # acknowledgement to None on failure (slack_bolt/listener/asyncio_runner.py). The apology arrives either way.
    assert await herbot.post(request_body(asked, slack_api.response_url("r")), FORM) in (200, 404)

    await slack_api.wait_for(lambda: slack_api.answered("response_url:r"))
    [apology] = slack_api.answered("response_url:r")
    assert apology.args["response_type"] == "ephemeral"
    assert apology_id(apology) == logged_error_id(caplog, "JSONDecodeError", asked)
    assert slack_api.answered("chat.postMessage") == []


async def test_an_apology_slack_also_refuses_is_logged_under_the_same_id(
    herbot: Herbot, slack_api: FakeSlackApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    slack_api.fail("chat.postMessage", "channel_not_found", times=2)
    assert await herbot.post(event_body(mention("what is TNBC?", ts="300.1"), event_id="EvFail2"), JSON) == 200

    await slack_api.wait_for(lambda: len([c for c in slack_api.calls if c.method == "chat.postMessage"]) == 2)
    error_id = logged_error_id(caplog, "SlackApiError", "what is TNBC?")
    await slack_api.wait_for(lambda: any("apology not delivered" in r.getMessage() for r in caplog.records))
    [undelivered] = [r.getMessage() for r in caplog.records if "apology not delivered" in r.getMessage()]
    assert undelivered == f"slack apology not delivered error_id={error_id} error=SlackApiError"
