"""Slack payloads -> what herbot needs: the text to answer, the conversation, where to reply, and the place
(workspace, channel, person) an education command came from.

Side-effect-free predicates and parsers, so the routing decisions are testable on their own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine import FIELDS, Report, report_fields, report_from_fields
from bot.errors import InvalidValue
from intents.education_replies import Place

__all__ = [
    "Inbound",
    "asker_in_channel",
    "decode_values",
    "encode_values",
    "from_action",
    "from_command",
    "from_edit",
    "from_event",
    "is_answerable_message",
    "is_answered_edit",
    "place_of",
    "place_of_action",
    "reply_target",
    "request_key",
]

_LEADING_MENTIONS = re.compile(r"^(?:\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)+")
# Slack's team, channel and user ids: a place is made only of ids of this shape, so its keys parse back.
_SLACK_ID = re.compile(r"[A-Z0-9]{1,32}")


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message to answer: its text, the conversation it belongs to, the thread to reply in, and where it came
    from (``None`` when its ids are missing: it is then answered, but never as an education command)."""

    text: str
    conversation: str
    channel: str
    thread_ts: str | None
    place: Place | None = None


def asker_in_channel(inbound: Inbound) -> str | None:
    """The Slack user id of who asked in a channel; ``None`` in a DM (private already) or without a place.

    >>> place = place_of({"team_id": "T1"}, channel="C1", user="U1", direct=False)
    >>> asker_in_channel(Inbound("scores", "k", "C1", "1.1", place))
    'U1'
    >>> dm = place_of({"team_id": "T1"}, channel="D1", user="U1", direct=True)
    >>> asker_in_channel(Inbound("scores", "k", "D1", None, dm)), asker_in_channel(Inbound("scores", "k", "C1", None))
    (None, None)
    """
    place = inbound.place
    if place is None or place.direct:
        return None
    return place.person.rpartition(":")[2] or None


def request_key(body: Mapping[str, Any]) -> str | None:
    """The inbox key of a request: ``slack:event:<event_id>``, ``slack:command:<trigger_id>`` or
    ``slack:action:<trigger_id>``; ``None`` without an id.

    Slack redelivers an event under the same ``event_id``; a command or a button click is never
    redelivered, so a second request with the same ``trigger_id`` is a replay.

    >>> request_key({"type": "event_callback", "event_id": "Ev1"})
    'slack:event:Ev1'
    >>> request_key({"command": "/her2", "trigger_id": "1.2"}), request_key({"type": "url_verification"})
    ('slack:command:1.2', None)
    """
    if body.get("type") == "event_callback":
        kind, identifier = "event", body.get("event_id")
    elif body.get("command"):
        kind, identifier = "command", body.get("trigger_id")
    elif body.get("type") == "block_actions":
        kind, identifier = "action", body.get("trigger_id")
    else:
        return None
    return f"slack:{kind}:{identifier}" if isinstance(identifier, str) and identifier else None


def _entity_id(value: object) -> object:
    """The id of a payload entity (``team``, ``user``, ``channel``, ``enterprise``), which Slack gives as an id or as
    an object with an ``id``; ``None`` for anything else.

    >>> _entity_id("T1"), _entity_id({"id": "T1", "domain": "x"}), _entity_id(None), _entity_id(["T1"])
    ('T1', 'T1', None, None)
    """
    if isinstance(value, dict):
        return value.get("id")
    return value if isinstance(value, str) else None


def _team(body: Mapping[str, Any]) -> str:
    return str(body.get("team_id") or _entity_id(body.get("team")) or body.get("enterprise_id") or "-")


def strip_leading_mentions(text: str) -> str:
    """'<@UBOT> what is HER2-low' -> 'what is HER2-low'."""
    return _LEADING_MENTIONS.sub("", text).strip()


def is_answerable_message(event: Mapping[str, Any]) -> bool:
    """A person's plain message: not an edit, a join, a bot's post or a hidden event."""
    return event.get("subtype") in (None, "file_share", "thread_broadcast") and not event.get("bot_id")


def from_event(body: Mapping[str, Any]) -> Inbound:
    """An ``app_mention`` or ``message.im`` event: a thread is one conversation; a DM without a thread too."""
    event = body["event"]
    channel = str(event["channel"])
    thread = event.get("thread_ts")
    if event.get("type") == "app_mention":
        thread = thread or event.get("ts")
    key = f"slack:{_team(body)}:{channel}:{thread or 'dm'}"
    place = place_of(body, channel=channel, user=event.get("user"), direct=event.get("channel_type") == "im")
    return Inbound(strip_leading_mentions(str(event.get("text") or "")), key, channel, thread, place)


def _mentions(text: object, user_id: str | None) -> bool:
    return bool(user_id) and re.search(rf"<@{re.escape(str(user_id))}(?:\|[^>]*)?>", str(text or "")) is not None


def is_answered_edit(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """A ``message_changed`` event whose text a person changed, on a message herbot answered.

    herbot answered a person's DM, or a channel message that mentioned it (its text before the
    edit; the edited text when Slack sends no previous message). Unfurls arrive as
    ``message_changed`` with the same text, and are not edits.

    >>> edit = {"subtype": "message_changed", "channel_type": "channel",
    ...         "message": {"user": "U1", "text": "<@UBOT> IHC 3+", "ts": "1.1"},
    ...         "previous_message": {"user": "U1", "text": "<@UBOT> IHC 1+", "ts": "1.1"}}
    >>> is_answered_edit(edit, "UBOT"), is_answered_edit({**edit, "previous_message": edit["message"]}, "UBOT")
    (True, False)
    """
    if event.get("subtype") != "message_changed":
        return False
    message = event.get("message") or {}
    previous = event.get("previous_message") or {}
    by_person = is_answerable_message(message) and bool(message.get("user")) and message.get("user") != bot_user_id
    changed = message.get("text") != previous.get("text") if previous else bool(message.get("edited"))
    answered = event.get("channel_type") == "im" or _mentions((previous or message).get("text"), bot_user_id)
    return by_person and changed and answered


def from_edit(body: Mapping[str, Any]) -> Inbound:
    """A ``message_changed`` event: the edited text, in the conversation and thread the original was answered in."""
    event = body["event"]
    message = event.get("message") or {}
    channel = str(event["channel"])
    thread = message.get("thread_ts")
    if event.get("channel_type") == "im":
        # A DM that later gained replies carries its own ts as thread_ts; it was answered outside a thread.
        thread = thread if thread != message.get("ts") else None
    else:
        thread = thread or message.get("ts")
    key = f"slack:{_team(body)}:{channel}:{thread or 'dm'}"
    return Inbound(strip_leading_mentions(str(message.get("text") or "")), key, channel, thread)


def reply_target(body: Mapping[str, Any], bot_user_id: str | None) -> Inbound | None:
    """Where herbot answers an Events API delivery: a mention, a person's DM or an answered edit; else ``None``."""
    event = body.get("event") or {}
    if event.get("type") == "app_mention":
        return from_event(body)
    if event.get("type") != "message":
        return None
    if is_answered_edit(event, bot_user_id):
        return from_edit(body)
    if event.get("channel_type") == "im" and is_answerable_message(event):
        return from_event(body)
    return None


def from_command(body: Mapping[str, Any]) -> Inbound:
    """A ``/her2`` command: one conversation per person per channel."""
    channel = str(body.get("channel_id") or "-")
    key = f"slack:{_team(body)}:{channel}:command:{body.get('user_id') or '-'}"
    direct = body.get("channel_name") == "directmessage"
    place = place_of(body, channel=channel, user=body.get("user_id"), direct=direct)
    return Inbound(str(body.get("text") or "").strip(), key, channel, None, place)


def from_action(body: Mapping[str, Any], text: str) -> Inbound:
    """A button on one of herbot's messages: the answer goes to the same thread."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or _entity_id(body.get("channel")) or "-")
    message = body.get("message") or {}
    thread = container.get("thread_ts") or message.get("thread_ts") or container.get("message_ts")
    if container.get("is_ephemeral"):
        key = f"slack:{_team(body)}:{channel}:command:{_entity_id(body.get('user')) or '-'}"
    elif channel.startswith("D") and not message.get("thread_ts"):
        key = f"slack:{_team(body)}:{channel}:dm"
        thread = None
    else:
        key = f"slack:{_team(body)}:{channel}:{thread}"
    return Inbound(text, key, channel, thread, place_of_action(body))


def place_of_action(body: Mapping[str, Any]) -> Place | None:
    """Where a button was clicked: the channel of the message it is on, and the person who clicked."""
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or _entity_id(body.get("channel")) or "-")
    return place_of(body, channel=channel, user=_entity_id(body.get("user")), direct=False)


def place_of(body: Mapping[str, Any], *, channel: str, user: object, direct: bool) -> Place | None:
    """The place of a request from ``user`` in ``channel``: ids only (``slack:T1:C1``, ``slack:T1:U1``), and the
    address a later post in the channel goes to. A DM (``direct``, or a ``D…`` channel) is the person's own.

    >>> place = place_of({"team_id": "T1"}, channel="D1", user="U1", direct=False)
    >>> place.team, place.channel, place.person, place.direct, place.address["channel"]
    ('slack:T1', 'slack:T1:D1', 'slack:T1:U1', True, 'D1')
    >>> place_of({"team_id": "T1"}, channel="C1", user="U1:x", direct=False) is None
    True
    """
    team = _team(body)
    if not all(isinstance(part, str) and _SLACK_ID.fullmatch(part) for part in (team, channel, user)):
        return None
    return Place(
        surface="slack",
        team=f"slack:{team}",
        channel=f"slack:{team}:{channel}",
        person=f"slack:{team}:{user}",
        direct=direct or channel.startswith("D"),
        address=_address(body, channel),
    )


def _address(body: Mapping[str, Any], channel: str) -> dict[str, Any]:
    """What a post in ``channel`` needs to find the workspace's bot token (``bot.slack.deliveries``)."""
    authorization = next(iter(body.get("authorizations") or ()), None) or {}
    enterprise = body.get("enterprise_id") or _entity_id(body.get("enterprise"))
    installed = body.get("is_enterprise_install", authorization.get("is_enterprise_install"))
    return {
        "channel": channel,
        "team_id": body.get("team_id") or _entity_id(body.get("team")) or authorization.get("team_id"),
        "enterprise_id": enterprise or authorization.get("enterprise_id"),
        "is_enterprise_install": installed is True or installed == "true",
    }


def encode_values(values: Report) -> str:
    """A case's values as a button value (parsed values only, never message text)."""
    return json.dumps(report_fields(values), separators=(",", ":"), sort_keys=True)


def decode_values(token: str) -> Report:
    """The values a button carries; anything malformed or invalid reads as no values."""
    try:
        data = json.loads(token)
    except ValueError:
        return Report()
    if not isinstance(data, dict):
        return Report()
    try:
        return report_from_fields({k: v for k, v in data.items() if k in FIELDS and isinstance(v, str)})
    except InvalidValue:
        return Report()
