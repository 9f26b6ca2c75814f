"""Slack answers delivered once through Slack's faults: the fake Web API and response URLs fail on demand.

Each answer is counted where Slack would show it: accepted calls at the fake. Retries follow the delivery
policy (back-off with jitter, Retry-After honoured); a refusal that will never succeed stops at once and is
logged once, with Slack's error code and nothing of the message.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable

import pytest
from fakes.slack_api import RESPONSE_URL, FakeSlackApi, Fault
from slack_herbot import FORM, JSON, Herbot
from slack_requests import action_body, command_body, event_body, mention

POST = "chat.postMessage"
ASKED = "IHC 2+ ratio 2.3 copies 4.1"

Request = Callable[[FakeSlackApi, str], tuple[str, str]]


def command(slack_api: FakeSlackApi, name: str) -> tuple[str, str]:
    return command_body(ASKED, slack_api.response_url(name)), FORM


def mentioned(slack_api: FakeSlackApi, name: str) -> tuple[str, str]:
    return event_body(mention(ASKED, ts=f"{int.from_bytes(name.encode())}.1"), event_id=f"Ev{name}"), JSON


def answers(slack_api: FakeSlackApi) -> Counter[str]:
    """How often each request was answered: by response URL name, or by the thread posted in."""
    names = [call.method.partition(":")[2] for call in slack_api.delivered(RESPONSE_URL)]
    threads = [call.args["thread_ts"] for call in slack_api.delivered(POST)]
    return Counter(names + threads)


def failures_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("delivery failed")]


@pytest.mark.parametrize(
    ("request_body", "method"),
    [pytest.param(command, RESPONSE_URL, id="respond"), pytest.param(mentioned, POST, id="chat.postMessage")],
)
@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(Fault(status=500), id="500"),
        pytest.param(Fault(status=503), id="503"),
        pytest.param(Fault(status=429, retry_after=1), id="429-retry-after"),
        pytest.param(Fault(delay=0.3), id="slow"),
    ],
)
async def test_an_answer_slack_fails_to_take_is_retried_and_delivered_once(
    herbot: Herbot, slack_api: FakeSlackApi, request_body: Request, method: str, fault: Fault
) -> None:
    slack_api.inject(method, fault)
    assert await herbot.post(*request_body(slack_api, "one")) == 200

    await slack_api.wait_for(lambda: slack_api.delivered(method))
    attempts = [call.status for call in slack_api.received(method)]
    assert attempts == ([200] if fault.status == 200 else [fault.status, 200])
    assert len(slack_api.delivered(method)) == 1


async def test_a_burst_of_answers_through_500s_and_429s_is_delivered_once_each(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    for method in (RESPONSE_URL, POST):
        slack_api.server_error(method, times=12)
        slack_api.rate_limit(method, times=12, retry_after=1)
    names = [f"b{number}" for number in range(24)]
    for name in names:
        request_body = command if name.endswith(("0", "2", "4", "6", "8")) else mentioned
        assert await herbot.post(*request_body(slack_api, name)) == 200

    await slack_api.wait_for(lambda: len(answers(slack_api)) == len(names), timeout=30)
    assert set(answers(slack_api).values()) == {1}
    refused = [call for call in slack_api.calls if call.status != 200]
    assert len(refused) == 48  # every fault was met, and none lost an answer


@pytest.mark.parametrize(
    ("request_body", "method", "error"),
    [
        pytest.param(mentioned, POST, "not_in_channel", id="not_in_channel"),
        pytest.param(mentioned, POST, "channel_not_found", id="channel_not_found"),
        pytest.param(mentioned, POST, "token_revoked", id="token_revoked"),
        pytest.param(mentioned, POST, "account_inactive", id="account_inactive"),
        pytest.param(command, RESPONSE_URL, "expired_url", id="expired_url"),
        pytest.param(command, RESPONSE_URL, "used_url", id="used_url"),
    ],
)
async def test_a_permanent_refusal_stops_the_retries_and_is_logged_once_without_text(
    herbot: Herbot,
    slack_api: FakeSlackApi,
    caplog: pytest.LogCaptureFixture,
    request_body: Request,
    method: str,
    error: str,
) -> None:
    caplog.set_level(logging.INFO)
    slack_api.fail(method, error)
    assert await herbot.post(*request_body(slack_api, "refused")) == 200
    await slack_api.wait_for(lambda: failures_logged(caplog))

    # A later answer goes out, and the refused one was never tried again.
    assert await herbot.post(*request_body(slack_api, "later")) == 200
    await slack_api.wait_for(lambda: slack_api.delivered(method))
    assert [call.error for call in slack_api.received(method)] == [error, None]
    [logged] = failures_logged(caplog)
    assert f"reason={error}" in logged and "attempts=1" in logged
    assert all("2+" not in record.getMessage() for record in caplog.records)


async def test_a_replayed_slash_command_is_acked_and_answered_once(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    body = command_body("IHC 3+", slack_api.response_url("replayed"), trigger_id="13345224609.738474920.replayed")
    assert [await herbot.post(body, FORM) for _ in range(3)] == [200, 200, 200]
    after = command_body("IHC 0", slack_api.response_url("after"))
    assert await herbot.post(after, FORM) == 200

    await slack_api.wait_for(lambda: slack_api.delivered("response_url:after"))
    assert len(slack_api.delivered("response_url:replayed")) == 1


async def test_a_replayed_button_click_is_answered_once(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    body = action_body(
        "herbot_follow_up_0",
        "What is HER2-low?",
        slack_api.response_url("click"),
        message_ts="700.2",
        thread_ts=None,
        ephemeral=True,
        trigger_id="13345224609.738474920.click",
    )
    assert [await herbot.post(body, FORM) for _ in range(2)] == [200, 200]
    assert await herbot.post(*command(slack_api, "after")) == 200

    await slack_api.wait_for(lambda: slack_api.delivered("response_url:after"))
    assert len(slack_api.delivered("response_url:click")) == 1
