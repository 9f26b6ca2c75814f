"""Edited Slack messages: an edit of a message herbot answered is answered again, as a new case, in its thread."""

from __future__ import annotations

from typing import Any

import pytest
from fakes.slack_api import FakeSlackApi
from slack_herbot import JSON, Herbot, all_text, valid_blocks
from slack_requests import direct_message, event_body, mention, message_edit

from bot.store import Store


def case_values(store: Store, conversation: str) -> dict[str, str]:
    """The reported values a conversation keeps (its other slots, such as the last subject, left out)."""
    return {name: value for name, value in store.load_slots(conversation).items() if "." not in name}


async def posts_after(herbot: Herbot, slack_api: FakeSlackApi, event: dict[str, Any], event_id: str, count: int) -> Any:
    """Send ``event`` and wait until herbot has posted ``count`` messages in all; the last one."""
    assert await herbot.post(event_body(event, event_id=event_id), JSON) == 200
    await slack_api.wait_for(lambda: len(slack_api.answered("chat.postMessage")) >= count)
    return slack_api.answered("chat.postMessage")[count - 1]


async def test_an_edited_mention_is_answered_again_in_its_thread_with_the_corrected_value_only(
    herbot: Herbot, slack_api: FakeSlackApi, store: Store
) -> None:
    first = await posts_after(herbot, slack_api, mention("IHC 1+", ts="100.1"), "Ev1", 1)
    assert first.args["text"].startswith("HER2-negative (HER2-low)")

    edit = message_edit("<@UBOT> IHC 3+", "<@UBOT> IHC 1+", ts="100.1")
    second = await posts_after(herbot, slack_api, edit, "EvEdit1", 2)

    assert (second.args["channel"], second.args["thread_ts"]) == ("C1", "100.1")
    assert second.args["text"].startswith("HER2-positive")
    assert "Edited message: this answer replaces my earlier one." in all_text(valid_blocks(second.args["blocks"]))
    assert case_values(store, "slack:T1:C1:100.1") == {"ihc": "3+"}


async def test_an_edited_reply_in_a_thread_is_answered_in_that_thread_as_a_new_case(
    herbot: Herbot, slack_api: FakeSlackApi, store: Store
) -> None:
    await posts_after(herbot, slack_api, mention("IHC 2+", ts="110.1"), "Ev1", 1)
    await posts_after(herbot, slack_api, mention("ratio 2.3, copies 3.8", ts="110.2", thread_ts="110.1"), "Ev2", 2)

    edit = message_edit("<@UBOT> IHC 0", "<@UBOT> ratio 2.3, copies 3.8", ts="110.2", thread_ts="110.1")
    third = await posts_after(herbot, slack_api, edit, "EvEdit2", 3)

    assert third.args["thread_ts"] == "110.1"
    assert case_values(store, "slack:T1:C1:110.1") == {"ihc": "0"}
    assert "new case" in all_text(third.args["blocks"])


async def test_an_edited_direct_message_is_answered_again_in_the_dm(
    herbot: Herbot, slack_api: FakeSlackApi, store: Store
) -> None:
    await posts_after(herbot, slack_api, direct_message("IHC 1+", ts="200.1"), "Ev1", 1)

    edit = message_edit("IHC 3+", "IHC 1+", ts="200.1", channel="D1", channel_type="im")
    second = await posts_after(herbot, slack_api, edit, "EvEdit3", 2)

    assert second.args["channel"] == "D1" and "thread_ts" not in second.args
    assert second.args["text"].startswith("HER2-positive")
    assert case_values(store, "slack:T1:D1:dm") == {"ihc": "3+"}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(message_edit("IHC 3+", "IHC 1+", ts="300.1"), id="never-mentioned-herbot"),
        pytest.param(message_edit("<@UBOT> IHC 3+", "IHC 1+", ts="300.1"), id="mention-added-by-the-edit"),
        pytest.param(message_edit("<@UBOT> IHC 1+", "<@UBOT> IHC 1+", ts="300.1"), id="unfurl-same-text"),
        pytest.param(message_edit("<@UBOT> IHC 3+", "<@UBOT> IHC 1+", ts="300.1", bot_id="B9"), id="another-bot"),
        pytest.param(message_edit("<@UBOT> IHC 3+", "<@UBOT> IHC 1+", ts="300.1", user="UBOT"), id="herbot-itself"),
        pytest.param(
            message_edit("IHC 3+", "IHC 1+", ts="300.1", channel="D1", channel_type="im", bot_id="B9"), id="bot-in-dm"
        ),
    ],
)
async def test_edits_of_messages_herbot_did_not_answer_are_ignored(
    herbot: Herbot, slack_api: FakeSlackApi, edit: dict[str, Any]
) -> None:
    assert await herbot.post(event_body(edit, event_id="EvIgnored"), JSON) == 200
    await posts_after(herbot, slack_api, mention("what is TNBC?", ts="300.9"), "EvAfter", 1)
    assert [call.args["thread_ts"] for call in slack_api.answered("chat.postMessage")] == ["300.9"]
