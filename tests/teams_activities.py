"""Build Bot Framework activities the way Microsoft Teams sends them to a bot's ``/api/messages``.

Each builder returns the JSON object (a dict) Teams posts: ``channelId`` ``msteams``, the ``serviceUrl``
to answer at, a ``conversation`` with its ``conversationType`` (``personal``, ``groupChat``, ``channel``)
and ``tenantId``, ``from`` with the user's ``id`` and ``aadObjectId``, ``recipient`` the bot
(``28:<app id>``), ``channelData`` with the tenant (and the team and channel in a channel), and
``entities`` with a ``clientInfo`` and, where the bot was @mentioned, a ``mention`` whose ``text`` is
``<at>herbot</at>``. In a group chat or a channel Teams only delivers messages that @mention the bot, so
their ``text`` starts with that mention; a channel reply chain's conversation id ends in
``;messageid=<root message id>``.
"""

from __future__ import annotations

import html
import itertools
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "ALICE",
    "APP_ID",
    "BOB",
    "BOT_NAME",
    "CHANNEL_ID",
    "TEAM_ID",
    "TENANT_ID",
    "Conversation",
    "TeamsUser",
    "bot_id",
    "card_action",
    "channel",
    "channel_mention",
    "channel_thread",
    "conversation_update",
    "group_chat",
    "group_chat_message",
    "installation_update",
    "message",
    "message_back",
    "new_activity_id",
    "personal_chat",
    "personal_message",
]

APP_ID = "00000000-0000-4000-8000-00000000b07a"
BOT_NAME = "herbot"
TENANT_ID = "72f988bf-0000-4000-8000-0000000000aa"
TEAM_ID = "19:2d1c9f0aa5e84d4c9a0e6f1f3bd1c0de@thread.tacv2"
CHANNEL_ID = "19:8e2f4b1c7a9d4e6f8a1b3c5d7e9f0a2b@thread.tacv2"
# Teams numbers a channel's messages with their epoch milliseconds; other activities get opaque ids.
_IDS = itertools.count(1)


@dataclass(frozen=True, slots=True)
class TeamsUser:
    """Someone in a tenant: the Bot Framework id Teams gives them (``29:...``) and their Entra object id."""

    id: str
    aad_object_id: str
    name: str

    def account(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "aadObjectId": self.aad_object_id}


ALICE = TeamsUser("29:1aLiCe0xQpWm3_Tb9V8nJkq4RzYcD2hFu5sGeL7oAa", "0f4b2c1a-3d5e-4f60-8a7b-9c0d1e2f3a4b", "Alice Carr")
BOB = TeamsUser("29:1BoB7kLmN2pQ_rS5tU8vW1xYz3Ab4Cd6Ef9Gh0IjKb", "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "Bob Diaz")


@dataclass(frozen=True, slots=True)
class Conversation:
    """Where an activity happens: its id, its Teams scope, and the team and channel of a channel."""

    id: str
    kind: str  # personal | groupChat | channel
    tenant_id: str = TENANT_ID
    team_id: str | None = None
    channel_id: str | None = None

    def account(self) -> dict[str, Any]:
        account: dict[str, Any] = {"conversationType": self.kind, "tenantId": self.tenant_id, "id": self.id}
        if self.kind != "personal":
            account["isGroup"] = True
        return account

    def channel_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"tenant": {"id": self.tenant_id}}
        if self.team_id is not None and self.channel_id is not None:
            data.update(
                teamsTeamId=self.team_id,
                teamsChannelId=self.channel_id,
                team={
                    "id": self.team_id,
                    "name": "Breast pathology",
                    "aadGroupId": str(uuid.uuid5(uuid.NAMESPACE_URL, self.team_id)),
                },
                channel={"id": self.channel_id, "name": "HER2 questions"},
            )
        return data


def bot_id(app_id: str = APP_ID) -> str:
    """The bot's id in Teams conversations."""
    return f"28:{app_id}"


def new_activity_id() -> str:
    """An activity id no other activity in this test run has, shaped like Teams' epoch-millisecond ids."""
    # The clock never goes back and the count only grows, so their sum never repeats.
    return str(int(time.time() * 1000) + next(_IDS))


def personal_chat(user: TeamsUser = ALICE) -> Conversation:
    """The one-to-one chat between ``user`` and the bot."""
    return Conversation(f"a:1{user.aad_object_id.replace('-', '')}Xq{user.id[-6:]}", "personal")


def group_chat(name: str = "tumour-board") -> Conversation:
    """A group chat with several people and the bot."""
    return Conversation(f"19:{uuid.uuid5(uuid.NAMESPACE_DNS, name).hex}@thread.v2", "groupChat")


def channel() -> Conversation:
    """A team's channel itself (where the bot is installed, and where a new post starts a reply chain)."""
    return Conversation(CHANNEL_ID, "channel", team_id=TEAM_ID, channel_id=CHANNEL_ID)


def channel_thread(root_message_id: str = "1700000000000") -> Conversation:
    """A reply chain in a team's channel, started by the message ``root_message_id``."""
    return Conversation(f"{CHANNEL_ID};messageid={root_message_id}", "channel", team_id=TEAM_ID, channel_id=CHANNEL_ID)


def _base(
    kind: str, conversation: Conversation, sender: TeamsUser, service_url: str, activity_id: str | None, app_id: str
) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "type": kind,
        "id": activity_id or new_activity_id(),
        "timestamp": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "localTimestamp": now.astimezone().isoformat(timespec="milliseconds"),
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": sender.account(),
        "conversation": conversation.account(),
        "recipient": {"id": bot_id(app_id), "name": BOT_NAME},
        "channelData": conversation.channel_data(),
        "locale": "en-GB",
        "localTimezone": "Europe/London",
    }


def message(
    text: str,
    *,
    service_url: str,
    conversation: Conversation,
    sender: TeamsUser = ALICE,
    mention_bot: bool = False,
    activity_id: str | None = None,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """A message from ``sender`` in ``conversation``; with ``mention_bot``, its text starts with ``<at>herbot</at>``."""
    at = f"<at>{BOT_NAME}</at>"
    said = f"{at} {text}" if mention_bot else text
    # Teams sends the rich text too, as an HTML attachment; bots read ``text``.
    html_mention = f'<span itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">{BOT_NAME}</span> '
    rich = f"<p>{html_mention if mention_bot else ''}{html.escape(text)}</p>"
    entities: list[dict[str, Any]] = [
        {"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web", "timezone": "Europe/London"}
    ]
    if mention_bot:
        entities.insert(0, {"type": "mention", "text": at, "mentioned": {"id": bot_id(app_id), "name": BOT_NAME}})
    return _base("message", conversation, sender, service_url, activity_id, app_id) | {
        "text": said,
        "textFormat": "plain",
        "attachments": [{"contentType": "text/html", "content": rich}],
        "entities": entities,
    }


def personal_message(
    text: str, *, service_url: str, sender: TeamsUser = ALICE, activity_id: str | None = None, app_id: str = APP_ID
) -> dict[str, Any]:
    """A message to the bot in ``sender``'s one-to-one chat with it."""
    return message(
        text,
        service_url=service_url,
        conversation=personal_chat(sender),
        sender=sender,
        activity_id=activity_id,
        app_id=app_id,
    )


def group_chat_message(
    text: str,
    *,
    service_url: str,
    sender: TeamsUser = ALICE,
    conversation: Conversation | None = None,
    activity_id: str | None = None,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """A message that @mentions the bot in a group chat."""
    return message(
        text,
        service_url=service_url,
        conversation=conversation or group_chat(),
        sender=sender,
        mention_bot=True,
        activity_id=activity_id,
        app_id=app_id,
    )


def channel_mention(
    text: str,
    *,
    service_url: str,
    sender: TeamsUser = ALICE,
    root_message_id: str = "1700000000000",
    activity_id: str | None = None,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """A message that @mentions the bot in a channel's reply chain (the chain's first message by default)."""
    return message(
        text,
        service_url=service_url,
        conversation=channel_thread(root_message_id),
        sender=sender,
        mention_bot=True,
        activity_id=activity_id or root_message_id,
        app_id=app_id,
    )


def message_back(
    text: str,
    value: dict[str, Any] | None,
    *,
    service_url: str,
    reply_to_id: str,
    conversation: Conversation | None = None,
    sender: TeamsUser = ALICE,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """A click on an Adaptive Card's ``Action.Submit`` with ``msteams.messageBack``: a message whose ``text`` is
    the action's ``text`` and whose ``value`` is its ``msteams.value`` (``None``: the action had none), replying to
    the card's activity (never an @mention, even in a channel)."""
    conversation = conversation or personal_chat(sender)
    activity = _base("message", conversation, sender, service_url, None, app_id)
    activity["channelData"] |= {"source": {"name": "message"}, "legacy": {"replyToId": reply_to_id}}
    activity |= {
        "text": text,
        "textFormat": "plain",
        "replyToId": reply_to_id,
        "entities": [{"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web"}],
    }
    return activity if value is None else activity | {"value": value}


def card_action(
    verb: str,
    data: dict[str, Any] | None,
    *,
    service_url: str,
    reply_to_id: str,
    conversation: Conversation | None = None,
    sender: TeamsUser = ALICE,
    trigger: str = "manual",
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """An Adaptive Card's ``Action.Execute``, as Teams invokes the bot with it: a click on one of its buttons
    (``trigger`` ``manual``), or the card's ``refresh`` when Teams shows it (``automatic``). ``data`` is the
    action's data as the card holds it (``None``: the action had none); ``reply_to_id`` is the card's message."""
    conversation = conversation or personal_chat(sender)
    activity = _base("invoke", conversation, sender, service_url, None, app_id)
    activity["id"] = f"f:{uuid.uuid4()}"
    action: dict[str, Any] = {"type": "Action.Execute", "id": "", "verb": verb}
    if data is not None:
        action["data"] = data
    activity["channelData"]["source"] = {"name": "message"}
    return activity | {
        "name": "adaptiveCard/action",
        "value": {"action": action, "trigger": trigger},
        "replyToId": reply_to_id,
        "entities": [{"type": "clientInfo", "locale": "en-GB", "country": "GB", "platform": "Web"}],
    }


def conversation_update(
    *,
    service_url: str,
    conversation: Conversation,
    members_added: list[dict[str, Any]] | None = None,
    members_removed: list[dict[str, Any]] | None = None,
    sender: TeamsUser = ALICE,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """Members joined or left ``conversation`` (``{"id": bot_id()}`` is the bot itself)."""
    activity = _base("conversationUpdate", conversation, sender, service_url, None, app_id)
    activity["id"] = f"f:{uuid.uuid4()}"
    if members_added:
        activity["membersAdded"] = members_added
        if conversation.team_id is not None:
            activity["channelData"]["eventType"] = "teamMemberAdded"
    if members_removed:
        activity["membersRemoved"] = members_removed
        if conversation.team_id is not None:
            activity["channelData"]["eventType"] = "teamMemberRemoved"
    return activity


def installation_update(
    *,
    service_url: str,
    conversation: Conversation,
    action: str = "add",
    sender: TeamsUser = ALICE,
    app_id: str = APP_ID,
) -> dict[str, Any]:
    """The app was installed (``add``), upgraded (``add-upgrade``) or removed (``remove``) in ``conversation``."""
    activity = _base("installationUpdate", conversation, sender, service_url, None, app_id)
    activity["id"] = f"f:{uuid.uuid4()}"
    activity["action"] = action
    activity["channelData"]["source"] = {"name": "message"}
    if conversation.channel_id is not None:
        activity["channelData"]["settings"] = {"selectedChannel": {"id": conversation.channel_id}}
    return activity
