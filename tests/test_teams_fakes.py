"""The Teams fakes behave like the services they stand for, as botbuilder's own code sees them.

The fake Bot Connector is written to by botbuilder's ``ConnectorClient``; the token issuer's tokens are
checked by botbuilder's ``ConfigurationBotFrameworkAuthentication``; the activities are read by
botbuilder's ``Activity`` model and Teams helpers. None of this runs herbot.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from aiohttp import ClientSession, ServerDisconnectedError
from botbuilder.core import TurnContext
from botbuilder.core.teams.teams_activity_extensions import teams_get_channel_data
from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from fakes.bot_connector import BOT_NOT_IN_ROSTER, CONVERSATION_NOT_FOUND, FakeBotConnector, Fault
from fakes.bot_tokens import CHANNEL_ISSUER, BotTokenIssuer
from teams_activities import (
    ALICE,
    APP_ID,
    BOT_NAME,
    CHANNEL_ID,
    TEAM_ID,
    TENANT_ID,
    bot_id,
    channel_mention,
    channel_thread,
    conversation_update,
    group_chat_message,
    installation_update,
    message_back,
    personal_chat,
    personal_message,
)

THREAD = "19:abc@thread.tacv2;messageid=1700000000000"


@pytest.fixture
async def connector() -> AsyncIterator[FakeBotConnector]:
    fake = FakeBotConnector()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def issuer() -> Iterator[BotTokenIssuer]:
    with BotTokenIssuer() as started:
        yield started


async def test_botbuilders_replies_and_new_messages_are_recorded_with_their_decoded_ids(
    connector: FakeBotConnector,
) -> None:
    async with ConnectorClient(MicrosoftAppCredentials.empty(), base_url=connector.service_url) as client:
        reply = await client.conversations.reply_to_activity(
            THREAD, "1700000000000", Activity(type="message", text="a")
        )
        posted = await client.conversations.send_to_conversation("a:1xyz", Activity(type="message", text="b"))

    calls = await connector.wait_for(2)
    assert [(c.conversation_id, c.reply_to_id, c.activity["text"]) for c in calls] == [
        (THREAD, "1700000000000", "a"),
        ("a:1xyz", None, "b"),
    ]
    assert [reply.id, posted.id] == [call.activity_id for call in calls]
    assert (connector.replies(), connector.posts()) == ([calls[0]], [calls[1]])
    assert [call.arrival for call in calls] == [1, 2]


async def _post(http: ClientSession, connector: FakeBotConnector) -> tuple[int, dict[str, Any], str | None]:
    url = f"{connector.service_url}v3/conversations/a%3A1xyz/activities/17"
    async with http.post(url, json={"type": "message"}, headers={"Authorization": "Bearer t"}) as response:
        return response.status, await response.json(), response.headers.get("Retry-After")


@pytest.mark.parametrize(
    ("fault", "status", "code", "retry_after"),
    [
        pytest.param(Fault(status=429, retry_after=2), 429, "Throttled", "2", id="429"),
        pytest.param(Fault(status=500), 500, "ServiceError", None, id="500"),
        pytest.param(Fault(status=502), 502, "ServiceError", None, id="502"),
        pytest.param(Fault(status=503), 503, "ServiceError", None, id="503"),
        pytest.param(Fault(status=403, code=BOT_NOT_IN_ROSTER), 403, BOT_NOT_IN_ROSTER, None, id="403-roster"),
        pytest.param(Fault(status=404, code=CONVERSATION_NOT_FOUND), 404, CONVERSATION_NOT_FOUND, None, id="404"),
    ],
)
async def test_a_fault_answers_one_call_which_is_recorded_but_not_delivered(
    connector: FakeBotConnector, fault: Fault, status: int, code: str, retry_after: str | None
) -> None:
    connector.inject(fault)
    async with ClientSession() as http:
        failed = await _post(http, connector)
        accepted = await _post(http, connector)
    assert (failed[0], failed[1]["error"]["code"], failed[2]) == (status, code, retry_after)
    assert accepted[0] == 200 and accepted[1]["id"]
    assert [call.status for call in connector.received()] == [status, 200]
    assert [call.authorization for call in connector.delivered()] == ["Bearer t"]


async def test_a_slow_answer_is_delivered_and_a_dropped_one_is_not(connector: FakeBotConnector) -> None:
    connector.slow(0.2)
    connector.slow(0.2, drop=True)
    async with ClientSession() as http:
        assert (await _post(http, connector))[0] == 200
        with pytest.raises(ServerDisconnectedError):
            await _post(http, connector)
    assert [call.status for call in connector.received()] == [200, 0]
    assert len(connector.delivered()) == 1


async def test_other_routes_are_refused_and_noted(connector: FakeBotConnector) -> None:
    async with ClientSession() as http, http.get(f"{connector.service_url}v3/conversations/x/members") as response:
        assert response.status == 404
    assert connector.unknown == [("GET", "/v3/conversations/x/members")]
    with pytest.raises(AssertionError, match="timed out"):
        await connector.wait_for(1, timeout=0.1)


class _Credentials:
    """Settings as botbuilder's configuration object reads them, pointed at the local issuer."""

    def __init__(self, metadata_url: str) -> None:
        self.APP_ID = APP_ID
        self.APP_PASSWORD = "not-a-real-secret"
        self.APP_TYPE = "SingleTenant"
        self.APP_TENANTID = TENANT_ID
        self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = metadata_url
        self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = CHANNEL_ISSUER
        self.TO_CHANNEL_FROM_BOT_LOGIN_URL = f"https://login.microsoftonline.com/{TENANT_ID}"
        self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = "https://api.botframework.com"


SERVICE_URL = "https://smba.trafficmanager.net/emea/"


@pytest.mark.parametrize(
    ("spoilers", "accepted"),
    [
        pytest.param({}, True, id="valid"),
        pytest.param({"expired": True}, False, id="expired"),
        pytest.param({"wrong_key": True}, False, id="wrong-key"),
        pytest.param({"audience": "11111111-2222-4333-8444-555555555555"}, False, id="wrong-audience"),
        pytest.param({"issuer": "https://sts.example.invalid/"}, False, id="wrong-issuer"),
    ],
)
async def test_botbuilder_accepts_a_signed_token_and_refuses_a_spoiled_one(
    issuer: BotTokenIssuer, spoilers: dict[str, Any], accepted: bool
) -> None:
    auth = ConfigurationBotFrameworkAuthentication(_Credentials(issuer.metadata_url))
    activity = Activity().deserialize(personal_message("hello", service_url=SERVICE_URL))
    header = issuer.authorization(APP_ID, SERVICE_URL, **spoilers)
    try:
        result = await auth.authenticate_request(activity, header)
    except Exception:  # botbuilder raises PermissionError, or PyJWT's errors as they come
        result = None
    assert (result is not None) is accepted
    if accepted:
        assert result is not None and result.claims_identity.claims["aud"] == APP_ID
        assert issuer.fetched == ["/v1/.well-known/openidconfiguration", "/v1/.well-known/keys"]


async def test_a_token_for_another_service_url_is_refused(issuer: BotTokenIssuer) -> None:
    auth = ConfigurationBotFrameworkAuthentication(_Credentials(issuer.metadata_url))
    activity = Activity().deserialize(personal_message("hello", service_url=SERVICE_URL))
    with pytest.raises(PermissionError):
        await auth.authenticate_request(activity, issuer.authorization(APP_ID, "https://elsewhere.example/"))


SERVICE = "http://127.0.0.1:1/"


@pytest.mark.parametrize(
    ("activity", "kind", "scope", "text", "mentions"),
    [
        pytest.param(
            personal_message("IHC 2+", service_url=SERVICE), "message", "personal", "IHC 2+", 0, id="personal"
        ),
        pytest.param(
            group_chat_message("IHC 2+", service_url=SERVICE), "message", "groupChat", "IHC 2+", 1, id="group"
        ),
        pytest.param(channel_mention("IHC 2+", service_url=SERVICE), "message", "channel", "IHC 2+", 1, id="channel"),
        pytest.param(
            message_back("More on HER2-low", {"ask": "More on HER2-low"}, service_url=SERVICE, reply_to_id="17"),
            "message",
            "personal",
            "More on HER2-low",
            0,
            id="message-back",
        ),
        pytest.param(
            conversation_update(service_url=SERVICE, conversation=channel_thread(), members_added=[{"id": bot_id()}]),
            "conversationUpdate",
            "channel",
            None,
            0,
            id="bot-added",
        ),
        pytest.param(
            installation_update(service_url=SERVICE, conversation=personal_chat()),
            "installationUpdate",
            "personal",
            None,
            0,
            id="installed",
        ),
    ],
)
def test_botbuilder_reads_each_activity_as_teams_sends_it(
    activity: dict[str, Any], kind: str, scope: str, text: str | None, mentions: int
) -> None:
    parsed = Activity().deserialize(activity)
    assert (parsed.type, parsed.channel_id, parsed.conversation.conversation_type) == (kind, "msteams", scope)
    # Teams spells it ``tenantId``; botbuilder's model reads ``tenantID``, so the tenant is read from channelData.
    assert (parsed.service_url, parsed.recipient.id, activity["conversation"]["tenantId"]) == (
        SERVICE,
        bot_id(),
        TENANT_ID,
    )
    assert (parsed.from_property.id, parsed.from_property.aad_object_id) == (ALICE.id, ALICE.aad_object_id)
    assert len([entity for entity in parsed.entities or [] if entity.type == "mention"]) == mentions
    if text is not None:
        assert TurnContext.remove_recipient_mention(parsed).strip() == text
    assert teams_get_channel_data(parsed).tenant.id == TENANT_ID


def test_a_channel_mention_carries_its_thread_team_and_channel() -> None:
    parsed = Activity().deserialize(channel_mention("IHC 2+", service_url=SERVICE, root_message_id="1700000000042"))
    data = teams_get_channel_data(parsed)
    assert parsed.conversation.id.endswith(";messageid=1700000000042") and parsed.id == "1700000000042"
    assert (data.team.id, data.channel.id, parsed.conversation.id.split(";")[0]) == (TEAM_ID, CHANNEL_ID, CHANNEL_ID)
    assert parsed.text == f"<at>{BOT_NAME}</at> IHC 2+"
    assert parsed.get_mentions()[0].additional_properties["mentioned"]["id"] == bot_id()


def test_a_message_back_replies_to_the_card_with_its_value() -> None:
    parsed = Activity().deserialize(
        message_back("More on HER2-low", {"ask": "More on HER2-low"}, service_url=SERVICE, reply_to_id="1700000000077")
    )
    assert (parsed.reply_to_id, parsed.value, parsed.text) == (
        "1700000000077",
        {"ask": "More on HER2-low"},
        "More on HER2-low",
    )
