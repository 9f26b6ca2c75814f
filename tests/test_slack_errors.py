"""Unexpected failures on Slack: caught once by Bolt's error handler, logged under an id, told to the person asking.

The fault is real and at the outer edge: a corrupt row in the database. (Slack refusing an answer is not a
listener failure: the sender logs it once and stops, see ``test_slack_delivery.py``.)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from fakes.slack_api import Call, FakeSlackApi
from slack_herbot import FORM, JSON, Herbot
from slack_requests import action_body, command_body, event_body, mention, signed
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


async def test_a_failing_mention_is_apologised_for_once_in_its_thread_though_slack_retries_it(
    herbot: Herbot, slack_api: FakeSlackApi, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    corrupt_conversation(store, "slack:T1:C1:100.1")
    asked = "IHC 2+ ratio 1.6 copies 3.2"
    body = event_body(mention(asked, ts="100.2", thread_ts="100.1"), event_id="EvFail")
    assert await herbot.post(body, JSON) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    retry = {**signed(body, JSON), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert await herbot.post_raw(body, retry) == 200

    [apology] = slack_api.answered("chat.postMessage")
    assert (apology.args["channel"], apology.args["thread_ts"]) == ("C1", "100.1")
    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("slack listener failed")]
    assert len(failures) == 2  # each delivery of the event failed, and only the first was answered
    assert apology_id(apology) in failures[0]
    assert all(asked not in record.getMessage() for record in caplog.records)


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
    # Acked, with the apology recorded as the answer: retrying a request that fails on a bug would only fail again.
    assert await herbot.post(request_body(asked, slack_api.response_url("r")), FORM) == 200

    await slack_api.wait_for(lambda: slack_api.answered("response_url:r"))
    [apology] = slack_api.answered("response_url:r")
    assert apology.args["response_type"] == "ephemeral"
    assert apology_id(apology) == logged_error_id(caplog, "JSONDecodeError", asked)
    assert slack_api.answered("chat.postMessage") == []
