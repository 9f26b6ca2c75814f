"""The Slack app end to end: signed HTTP requests into the real server, Web API calls into a local fake."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fakes.slack_api import BOT_TOKEN, FakeSlackApi
from slack_herbot import FORM, JSON, Herbot, all_text, valid_blocks
from slack_requests import (
    action_body,
    command_body,
    direct_message,
    event_body,
    mention,
    signed,
)


async def test_slash_command_classifies_and_answers_with_cited_blocks(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    status = await herbot.post(
        command_body("IHC 2+ FISH ratio 1.6 copy# 3.2 ER 90% PR 20%", slack_api.response_url("c1")), FORM
    )
    assert status == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:c1"))
    [reply] = slack_api.answered("response_url:c1")
    blocks = valid_blocks(reply.args["blocks"])
    text = all_text(blocks)
    assert reply.args["response_type"] == "ephemeral"
    assert reply.args["text"].startswith("HER2-negative (HER2-low); subtype HR+/HER2−")
    assert "[1] <https://doi.org/10.1200/JCO.2018.77.8738|ASCO/CAP HER2 2018>" in text
    assert any(e.get("action_id") == "herbot_show_reasoning" for b in blocks for e in b.get("elements", []))


@pytest.mark.parametrize("text", ["", "help"])
async def test_slash_command_alone_or_help_shows_help(herbot: Herbot, slack_api: FakeSlackApi, text: str) -> None:
    assert await herbot.post(command_body(text, slack_api.response_url("h")), FORM) == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:h"))
    assert slack_api.answered("response_url:h")[0].args["text"].startswith("herbot: HER2 / HER2-negative breast cancer")


async def test_mention_is_answered_in_its_thread_and_the_thread_keeps_values(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    assert await herbot.post(event_body(mention("IHC 2+", ts="100.1"), event_id="Ev1"), JSON) == 200
    await slack_api.wait_for(lambda: len(slack_api.answered("chat.postMessage")) == 1)
    first = slack_api.answered("chat.postMessage")[0]
    assert (first.args["channel"], first.args["thread_ts"], first.token) == ("C1", "100.1", BOT_TOKEN)
    assert first.args["text"].startswith("HER2 equivocal: ISH needed")

    follow_up = mention("ratio 2.3, copies 3.8", ts="100.2", thread_ts="100.1")
    assert await herbot.post(event_body(follow_up, event_id="Ev2"), JSON) == 200
    await slack_api.wait_for(lambda: len(slack_api.answered("chat.postMessage")) == 2)
    second = slack_api.answered("chat.postMessage")[1]
    assert second.args["thread_ts"] == "100.1"
    assert second.args["text"].startswith("HER2 not final: blinded ISH recount needed")
    valid_blocks(second.args["blocks"])


async def test_direct_message_is_answered_in_the_dm(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    assert (
        await herbot.post(event_body(direct_message("what does HER2-low mean?", ts="200.1"), event_id="Ev3"), JSON)
        == 200
    )
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    [post] = slack_api.answered("chat.postMessage")
    assert post.args["channel"] == "D1" and "thread_ts" not in post.args
    assert post.args["text"].startswith("HER2-low means")
    assert "[1]" in all_text(valid_blocks(post.args["blocks"]))


async def test_a_retried_event_is_answered_once(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    body = event_body(mention("what is TNBC?", ts="300.1"), event_id="EvRetry")
    statuses = [await herbot.post(body, JSON)]
    for retry in ("1", "2"):
        headers = {**signed(body, JSON), "X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        statuses.append(await herbot.post_raw(body, headers))
    assert statuses == [200, 200, 200]
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    assert len(slack_api.answered("chat.postMessage")) == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda body: (body.replace("TNBC", "HER2"), signed(body, JSON)), id="tampered-body"),
        pytest.param(lambda body: (body, signed(body, JSON, secret="wrong-secret")), id="wrong-secret"),
        pytest.param(lambda body: (body, signed(body, JSON, age=6 * 60)), id="stale-timestamp"),
        pytest.param(lambda body: (body, {"Content-Type": JSON}), id="no-signature"),
    ],
)
async def test_unsigned_or_tampered_requests_get_401_and_nothing_is_posted(
    herbot: Herbot, slack_api: FakeSlackApi, tamper: Callable[[str], tuple[str, dict[str, str]]]
) -> None:
    body, headers = tamper(event_body(mention("what is TNBC?", ts="400.1"), event_id="EvBad"))
    assert await herbot.post_raw(body, headers) == 401
    good = event_body(mention("what is TNBC?", ts="400.2"), event_id="EvGood")
    assert await herbot.post(good, JSON) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    assert [call.args["thread_ts"] for call in slack_api.answered("chat.postMessage")] == ["400.2"]


async def test_rate_limited_post_is_retried_after_retry_after(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    slack_api.rate_limit("chat.postMessage", times=1, retry_after=1)
    assert await herbot.post(event_body(mention("what is HER2?", ts="500.1"), event_id="Ev429"), JSON) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    assert [call.status for call in slack_api.calls if call.method == "chat.postMessage"] == [429, 200]


async def test_mass_mentions_and_user_mentions_never_become_live(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    text = "<!channel> <!here> <@U123> is IHC 1+ HER2-low? <https://evil.example|click>"
    assert await herbot.post(event_body(mention(text, ts="600.1"), event_id="EvEsc"), JSON) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    [post] = slack_api.answered("chat.postMessage")
    shown = all_text(post.args["blocks"]) + post.args["text"]
    for live in ("<!channel>", "<!here>", "<@U123>", "<https://evil"):
        assert live not in shown


async def test_follow_up_button_asks_the_follow_up_in_the_thread(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    body = action_body(
        "herbot_follow_up_0",
        "How is HER2-low treated?",
        slack_api.response_url("a1"),
        message_ts="700.2",
        thread_ts="700.1",
    )
    assert await herbot.post(body, FORM) == 200
    await slack_api.wait_for(lambda: slack_api.answered("chat.postMessage"))
    [post] = slack_api.answered("chat.postMessage")
    assert (post.args["channel"], post.args["thread_ts"]) == ("C1", "700.1")
    assert "trastuzumab deruxtecan" in all_text(valid_blocks(post.args["blocks"]))


async def test_show_reasoning_replaces_the_message_with_the_steps(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    assert await herbot.post(command_body("IHC 2+ ratio 2.2 copies 3.5", slack_api.response_url("c2")), FORM) == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:c2"))
    blocks = slack_api.answered("response_url:c2")[0].args["blocks"]
    [token] = [
        e["value"] for b in blocks for e in b.get("elements", []) if e.get("action_id") == "herbot_show_reasoning"
    ]
    body = action_body(
        "herbot_show_reasoning", token, slack_api.response_url("r1"), message_ts="800.1", thread_ts=None, ephemeral=True
    )
    assert await herbot.post(body, FORM) == 200
    await slack_api.wait_for(lambda: slack_api.answered("response_url:r1"))
    [update] = slack_api.answered("response_url:r1")
    assert update.args["replace_original"] is True
    assert "her2/dual/group-2/ihc-2+/recount-pending" in all_text(valid_blocks(update.args["blocks"]))


async def test_health_and_readiness(herbot: Herbot) -> None:
    base = f"http://127.0.0.1:{herbot.server.port}"
    async with herbot.http.get(f"{base}/healthz") as health, herbot.http.get(f"{base}/readyz") as ready:
        assert (health.status, await health.json()) == (200, {"status": "ok"})
        assert (ready.status, await ready.json()) == (200, {"status": "ok", "store": True})
