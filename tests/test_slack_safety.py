"""Clinical safety end to end on Slack: signed events into the real server, answers counted at the fake Web API."""

from __future__ import annotations

import pytest
from fakes.slack_api import FakeSlackApi
from slack_herbot import FORM, JSON, Herbot, all_text, valid_blocks
from slack_requests import command_body, direct_message, event_body, mention


async def _thread(herbot: Herbot, slack_api: FakeSlackApi, *messages: str) -> list[str]:
    """Post ``messages`` as mentions in one thread; the visible text of each answer, in order."""
    for number, message in enumerate(messages, start=1):
        event = mention(message, ts=f"900.{number}", thread_ts=None if number == 1 else "900.1")
        assert await herbot.post(event_body(event, event_id=f"EvSafe{number}"), JSON) == 200
        await slack_api.wait_for(lambda n=number: len(slack_api.answered("chat.postMessage")) == n)
    posts = slack_api.answered("chat.postMessage")
    assert {post.args["thread_ts"] for post in posts} == {"900.1"}
    return [post.args["text"] + "\n" + all_text(valid_blocks(post.args["blocks"])) for post in posts]


async def test_next_patient_with_values_never_keeps_the_earlier_patients_values(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    first, second = await _thread(herbot, slack_api, "IHC 1+ ER 0% PR 0%", "next patient: IHC 3+ ER 90%")
    assert "triple-negative" in first
    assert "New case: I cleared the values from earlier in this conversation." in second
    assert "ER 0%" not in second and "PR 0%" not in second and "HR+/HER2+" in second


async def test_values_from_earlier_messages_are_named_in_the_answer(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    _, second = await _thread(herbot, slack_api, "IHC 1+ ER 0% PR 0%", "IHC 3+")
    assert 'Using ER 0% and PR 0% from earlier in this conversation; say "new case" to start over.' in second
    assert "HER2 IHC 3+ replaces 1+ from earlier." in second


@pytest.mark.parametrize(
    ("message", "reads_as"),
    [
        ("IHC 3+ ER neg PR neg - TCHP or straight to T-DXd?", "HER2-positive; subtype HR−/HER2+"),
        ("58yo, ER 90% PR 20% HER2 1+, progressed on AI + palbo, T-DXd or cape next for her?", "HER2-low"),
    ],
)
async def test_a_treatment_decision_for_a_patient_is_declined_and_the_values_still_classified(
    herbot: Herbot, slack_api: FakeSlackApi, message: str, reads_as: str
) -> None:
    [answer] = await _thread(herbot, slack_api, message)
    assert answer.startswith("I can't choose a treatment, drug, sequence or dose for a specific patient")
    assert reads_as in answer and "In general:" in answer and "[1]" in answer


async def test_a_slash_command_decision_request_is_declined_with_its_values_classified(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    body = command_body("my pt IHC 2+ ratio 1.4 copies 2.6 ER 95% - should she get T-DXd?", slack_api.response_url("s"))
    assert await herbot.post(body, FORM) == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:s"))
    [reply] = slack_api.answered("response_url:s")
    assert reply.args["text"].startswith("I can't choose a treatment")
    assert "HER2-negative (HER2-low)" in all_text(valid_blocks(reply.args["blocks"]))


async def test_channel_messages_that_do_not_mention_herbot_are_never_answered(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    chatter = {**direct_message("IHC 3+ anyone free for lunch?", ts="950.1", channel="C1"), "channel_type": "channel"}
    assert await herbot.post(event_body(chatter, event_id="EvChatter"), JSON) == 200
    assert await herbot.post(event_body(mention("what is TNBC?", ts="950.2"), event_id="EvAsked"), JSON) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    assert [post.args["thread_ts"] for post in slack_api.answered("chat.postMessage")] == ["950.2"]
