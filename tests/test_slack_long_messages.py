"""Long Slack messages: past the cap nothing is classified; a burst of long ones never holds up a short one's ack."""

from __future__ import annotations

import asyncio

from fakes.slack_api import FakeSlackApi
from slack_herbot import FORM, JSON, Herbot
from slack_requests import command_body, event_body, mention

from intents.too_long import MAX_MESSAGE_CHARS

BURST = 24
REPORT = (
    "Specimen: left breast core biopsy. Invasive carcinoma of no special type, grade 2. "
    "ER positive 90% strong, PR positive 20% moderate, HER2 IHC 2+ (equivocal), dual-probe ISH pending. "
)


def pasted(chars: int, *, ending: str = "") -> str:
    """A pasted report of ``chars`` characters, ``ending`` last."""
    body = (REPORT * (chars // len(REPORT) + 1))[: chars - len(ending)]
    return body + ending


async def test_a_message_past_the_cap_is_not_classified_and_asks_for_the_values(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    # The decisive value comes last, past the cap: reading only the start would classify IHC 2+ as equivocal.
    text = pasted(MAX_MESSAGE_CHARS + 500, ending=" Final: HER2 IHC 3+.")
    assert await herbot.post(event_body(mention(text, ts="10.1"), event_id="EvLong"), JSON) == 200
    assert await herbot.post(command_body(text, slack_api.response_url("long")), FORM) == 200

    await slack_api.wait_for(lambda: slack_api.delivered("chat.postMessage") and slack_api.delivered("response_url"))
    for call in (*slack_api.delivered("chat.postMessage"), *slack_api.delivered("response_url")):
        assert call.args["text"].startswith(f"Your message is {len(text):,} characters long")
        assert "HER2" not in call.args["text"]


async def test_a_message_at_the_cap_is_still_classified(herbot: Herbot, slack_api: FakeSlackApi) -> None:
    text = pasted(MAX_MESSAGE_CHARS, ending=" ratio 2.3 copies 4.1")
    assert len(text) == MAX_MESSAGE_CHARS
    assert await herbot.post(command_body(text, slack_api.response_url("cap")), FORM) == 200
    await slack_api.wait_for(lambda: slack_api.delivered("response_url:cap"))
    assert slack_api.delivered("response_url:cap")[0].args["text"].startswith("HER2-positive")


async def test_a_burst_of_long_messages_does_not_hold_up_a_short_questions_ack(
    herbot: Herbot, slack_api: FakeSlackApi
) -> None:
    acked: list[str] = []

    async def send(name: str, text: str) -> None:
        assert await herbot.post(command_body(text, slack_api.response_url(name)), FORM) == 200
        acked.append(name)

    burst = [asyncio.create_task(send(f"long{n}", pasted(MAX_MESSAGE_CHARS - n))) for n in range(BURST)]
    # The short question comes once the burst is being answered: the first long ack says it is.
    await slack_api.wait_for(lambda: bool(acked))
    await send("short", "what is HER2-low?")
    await asyncio.gather(*burst)

    assert acked.index("short") < BURST // 2, acked
    await slack_api.wait_for(lambda: len(slack_api.delivered("response_url")) == BURST + 1)
