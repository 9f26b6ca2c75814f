"""Answers on Slack are short by default and their buttons carry what they need.

A question gets its direct answer and at most three points; "More on <topic>" is a button whose value is
the request itself, so clicking it in a thread with no remembered state (the conversation expired, or it is
another thread) still shows the whole topic with full references.
"""

from __future__ import annotations

from fakes.slack_api import FakeSlackApi
from slack_herbot import FORM, JSON, Herbot, all_text, valid_blocks
from slack_requests import action_body, event_body, mention

from bot.render.slack import follow_up_action


def _buttons(blocks: list[dict]) -> dict[str, str]:
    return {
        element["text"]["text"]: element["value"]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    }


async def test_a_question_is_answered_first_and_more_shows_the_whole_topic(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    body = event_body(mention("does 2+ = her2 low?", ts="900.1"), event_id="EvShort1")
    assert await herbot.post(body, JSON) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    [short] = slack_api.answered("chat.postMessage")
    blocks = valid_blocks(short.args["blocks"])
    assert blocks[0]["text"]["text"].startswith("*Not by itself: IHC 2+ counts as HER2-low only once ISH is negative")
    assert all_text(blocks).count("• ") <= 3
    buttons = _buttons(blocks)
    assert buttons["More on HER2-low"] == "More on HER2-low"

    index = list(buttons).index("More on HER2-low")
    click = action_body(
        follow_up_action(index),
        buttons["More on HER2-low"],
        slack_api.response_url("m1"),
        message_ts="950.2",
        thread_ts="950.1",
    )
    assert await herbot.post(click, FORM) == 200
    await slack_api.wait_for(lambda: len(slack_api.answered("chat.postMessage")) == 2)
    full = valid_blocks(slack_api.answered("chat.postMessage")[1].args["blocks"])
    text = all_text(full)
    assert text.count("• ") > 3
    assert "Guideline versions cited" in text
