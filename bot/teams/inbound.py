"""Bot Framework activities -> what herbot needs: the text to read, the conversation, where to reply.

Side-effect-free, so each routing decision is testable on its own. Conversations follow Teams' own
shape: a personal chat, or a channel's reply chain (its conversation id carries ``;messageid=``), is one
conversation; a group chat has no threads, so it is one conversation per person, and colleagues' cases
never mix. Keys are hashed: Teams' ids are long, and a key names a conversation without spelling it.
"""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity, ChannelAccount

from bot.render.teams_education import Mention
from intents.education_replies import Place

__all__ = [
    "GROUP_CHAT",
    "SCOPES",
    "ConversationAddress",
    "ReplyTarget",
    "TeamsInbound",
    "added_bot",
    "address_of",
    "conversation_key",
    "from_message",
    "message_text",
    "place_of",
    "reply_target",
    "request_key",
    "speaker_of",
    "tenant_of",
]

GROUP_CHAT = "groupChat"
PERSONAL = "personal"
CHANNEL = "channel"
SCOPES = (PERSONAL, GROUP_CHAT, CHANNEL)
_MAX_TENANT = 128  # a tenant id is a GUID; anything far longer is not one
_MENTION_TAG = re.compile(r"</?at>", re.IGNORECASE)
_KEY_CHARS = 32
_MAX_PERSON = 128  # an Entra object id is a GUID, a Teams user id some 60 characters


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where a reply goes: the Bot Connector at ``service_url``, the conversation, and the activity answered
    (``None``: a new message in the conversation). Ids only: never a name or the message."""

    service_url: str
    conversation_id: str
    reply_to_id: str | None
    bot_id: str
    user_id: str | None

    def as_target(self) -> dict[str, Any]:
        """The outbox target."""
        return {
            "service_url": self.service_url,
            "conversation_id": self.conversation_id,
            "reply_to_id": self.reply_to_id,
            "bot_id": self.bot_id,
            "user_id": self.user_id,
        }


@dataclass(frozen=True, slots=True)
class TeamsInbound:
    """One message to answer: its text (the bot's mention removed), its conversation, where to reply, and the
    education place it comes from (``None``: no one to name, so no lesson or quiz is kept for it)."""

    text: str
    conversation: str
    request_key: str
    reply: ReplyTarget
    place: Place | None = None


def from_message(activity: Activity) -> TeamsInbound:
    """The message ``activity`` as herbot reads it."""
    return TeamsInbound(
        text=message_text(activity),
        conversation=conversation_key(activity),
        request_key=request_key(activity),
        reply=reply_target(activity),
        place=place_of(activity),
    )


def message_text(activity: Activity) -> str:
    """The text with the bot's own @mention removed, other mentions as plain names, entities decoded.

    botbuilder's ``TurnContext.remove_recipient_mention`` removes the bot's name wherever it occurs in the text
    (as a regular expression); here only the mention entity's own text goes.

    >>> mention = {"type": "mention", "mentioned": {"id": "28:bot", "name": "herbot"}, "text": "<at>herbot</at>"}
    >>> text = "<at>herbot</at> is 2+ &amp; FISH neg in herbot's words?"
    >>> message_text(Activity().deserialize({"text": text, "recipient": {"id": "28:bot"}, "entities": [mention]}))
    "is 2+ & FISH neg in herbot's words?"
    """
    text = activity.text if isinstance(activity.text, str) else ""
    bot_id = _bot_id(activity)
    for entity in activity.entities or ():
        properties = entity.additional_properties or {}
        mentioned = properties.get("mentioned")
        mention = properties.get("text")
        is_mention = (entity.type or "").lower() == "mention" and isinstance(mentioned, dict)
        if is_mention and mentioned.get("id") == bot_id and isinstance(mention, str) and mention.strip():
            text = text.replace(mention, " ")
    return " ".join(html.unescape(_MENTION_TAG.sub("", text)).split())


def conversation_key(activity: Activity) -> str:
    """The conversation's key: the chat or reply chain, and in a group chat the person too.

    >>> def said_by(person: str) -> Activity:
    ...     chat = {"id": "19:chat@thread.v2", "conversationType": "groupChat"}
    ...     return Activity().deserialize({"conversation": chat, "from": {"id": person}})
    >>> conversation_key(said_by("29:a")) == conversation_key(said_by("29:b"))
    False
    """
    parts = [_conversation_id(activity)]
    if activity.conversation is not None and activity.conversation.conversation_type == GROUP_CHAT:
        parts.append(_person(activity.from_property))
    return f"teams:{_digest(*parts)}"


def request_key(activity: Activity) -> str:
    """The inbox key: the activity's id within its conversation (Bot Framework redelivers under the same id)."""
    if not activity.id:
        return f"teams:activity:{uuid.uuid4().hex}"  # nothing to recognise a redelivery by: answer it once
    return f"teams:activity:{_digest(_conversation_id(activity), str(activity.id))}"


def reply_target(activity: Activity) -> ReplyTarget:
    """A reply to ``activity`` in its conversation."""
    return ReplyTarget(
        service_url=activity.service_url or "",
        conversation_id=_conversation_id(activity),
        reply_to_id=activity.id,
        bot_id=_bot_id(activity),
        user_id=_user_id(activity),
    )


def added_bot(activity: Activity) -> bool:
    """Whether a conversationUpdate adds the bot itself (installed in a team, a chat or personal scope)."""
    bot_id = _bot_id(activity)
    return bool(bot_id) and any(member.id == bot_id for member in activity.members_added or ())


@dataclass(frozen=True, slots=True)
class ConversationAddress:
    """Where a later post reaches a chat or channel: its key, kind (``SCOPES``), tenant and address (ids only)."""

    key: str
    scope: str
    tenant: str | None
    address: dict[str, Any]


def address_of(activity: Activity) -> ConversationAddress:
    """Where a later post to ``activity``'s chat or channel goes.

    A channel's reply chain is reached through the channel itself, so the key and address drop ``;messageid=``.
    """
    conversation_id = _conversation_id(activity)
    kind = activity.conversation.conversation_type if activity.conversation else None
    scope = kind if kind in SCOPES else PERSONAL
    if scope == CHANNEL:
        conversation_id = conversation_id.split(";", 1)[0]
    tenant = tenant_of(activity)
    address = {
        "service_url": activity.service_url,
        "channel_id": activity.channel_id,
        "conversation_id": conversation_id,
        "conversation_type": scope,
        "tenant_id": tenant,
        "bot_id": _bot_id(activity),
        # A personal chat is reached through its one person; a group's members are not kept.
        "user_id": _user_id(activity) if scope == PERSONAL else None,
    }
    return ConversationAddress(f"teams:{_digest(conversation_id)}", scope, tenant, address)


def place_of(activity: Activity) -> Place | None:
    """Where an education command or a quiz click comes from: the person, the chat or channel, the tenant.

    The channel is the conversation a later post reaches (``address_of``: a channel, not one of its reply
    chains), so its key finds the stored conversation reference; ids only, never a name.

    >>> chat = {"id": "a:1x", "conversationType": "personal", "tenantId": "t-1"}
    >>> said = {"conversation": chat, "from": {"id": "29:1a", "aadObjectId": "0f4b"}, "serviceUrl": "https://s/"}
    >>> place = place_of(Activity().deserialize(said))
    >>> (place.team, place.person, place.direct, place.address == {"reference_key": place.channel})
    ('teams:t-1', 'teams:t-1:0f4b', True, True)
    """
    user = _person(activity.from_property)
    if not user or not _conversation_id(activity):
        return None
    tenant = tenant_of(activity) or ""
    if len(user) > _MAX_PERSON:
        user = _digest(user)
    found = address_of(activity)
    return Place(
        surface="teams",
        team=f"teams:{tenant}",
        channel=found.key,
        person=f"teams:{tenant}:{user}",
        direct=found.scope == PERSONAL,
        address={"reference_key": found.key},
    )


def speaker_of(activity: Activity) -> Mention | None:
    """Who sent ``activity``, to name them in the reply to it (``from.id`` and ``from.name``); ``None`` without a
    name. For this turn only: never stored, logged or put in a ``TeamsInbound``.

    >>> speaker_of(Activity().deserialize({"from": {"id": "29:1a", "name": "Ada Byron"}}))
    Mention(id='29:1a', name='Ada Byron')
    >>> speaker_of(Activity().deserialize({"from": {"id": "29:1a"}})) is None
    True
    """
    account = activity.from_property
    if account is None or not account.id or not isinstance(account.name, str) or not account.name.strip():
        return None
    return Mention(id=str(account.id), name=account.name)


def tenant_of(activity: Activity) -> str | None:
    """The Microsoft 365 tenant: Teams sends it in ``channelData.tenant.id`` and as ``conversation.tenantId``
    (which botbuilder's model does not read: it maps ``tenantID``).

    >>> tenant_of(Activity().deserialize({"conversation": {"id": "a:1", "tenantId": "t-1"}}))
    't-1'
    """
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = channel_data.get("tenant")
    found = tenant.get("id") if isinstance(tenant, dict) else None
    conversation = activity.conversation
    if not found and conversation is not None:
        found = conversation.tenant_id or (conversation.additional_properties or {}).get("tenantId")
    return found if isinstance(found, str) and 0 < len(found) <= _MAX_TENANT else None


def _bot_id(activity: Activity) -> str:
    return str(activity.recipient.id or "") if activity.recipient else ""


def _user_id(activity: Activity) -> str | None:
    return str(activity.from_property.id) if activity.from_property and activity.from_property.id else None


def _conversation_id(activity: Activity) -> str:
    return str(activity.conversation.id or "") if activity.conversation else ""


def _person(account: ChannelAccount | None) -> str:
    if account is None:
        return ""
    return account.aad_object_id or account.id or ""


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()[:_KEY_CHARS]
