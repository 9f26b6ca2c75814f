"""Build Slack's HTTP requests the way Slack sends them: form or JSON bodies, signed with the signing secret."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

SIGNING_SECRET = "test-signing-secret"
# Slack gives every command and button click its own trigger_id; herbot answers each trigger_id once.
_TRIGGERS = itertools.count(1)


def new_trigger_id() -> str:
    """A trigger_id no other request in this test run has."""
    return f"{next(_TRIGGERS)}.{time.time_ns()}.trigger"


def signed(body: str, content_type: str, *, secret: str = SIGNING_SECRET, age: int = 0) -> dict[str, str]:
    """Headers for ``body`` signed ``age`` seconds ago."""
    timestamp = str(int(time.time()) - age)
    signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": signature, "Content-Type": content_type}


def command_body(
    text: str,
    response_url: str,
    *,
    team: str = "T1",
    channel: str = "C1",
    user: str = "U1",
    trigger_id: str | None = None,
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": team,
            "channel_id": channel,
            "user_id": user,
            "command": "/her2",
            "text": text,
            "response_url": response_url,
            "trigger_id": trigger_id or new_trigger_id(),
            "api_app_id": "A1",
        }
    )


def event_body(event: dict[str, Any], *, event_id: str, team: str = "T1") -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }
    )


def mention(text: str, *, ts: str, thread_ts: str | None = None, channel: str = "C1") -> dict[str, Any]:
    event = {
        "type": "app_mention",
        "user": "U1",
        "text": f"<@UBOT> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(text: str, *, ts: str, channel: str = "D1") -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U1",
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }


def action_body(
    action_id: str,
    value: str,
    response_url: str,
    *,
    channel: str = "C1",
    message_ts: str,
    thread_ts: str | None,
    ephemeral: bool = False,
    trigger_id: str | None = None,
) -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
            **({"thread_ts": thread_ts} if thread_ts else {}),
        },
        "channel": {"id": channel},
        "message": {"ts": message_ts, **({"thread_ts": thread_ts} if thread_ts else {}), "text": "answer"},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def message_edit(
    text: str,
    previous_text: str,
    *,
    ts: str,
    thread_ts: str | None = None,
    channel: str = "C1",
    channel_type: str = "channel",
    user: str = "U1",
    bot_id: str | None = None,
    edited_at: str = "900.1",
) -> dict[str, Any]:
    """A ``message_changed`` event as Slack sends it when ``user`` edits message ``ts`` from ``previous_text``."""
    original: dict[str, Any] = {"type": "message", "user": user, "text": previous_text, "ts": ts}
    if thread_ts:
        original["thread_ts"] = thread_ts
    if bot_id:
        original["bot_id"] = bot_id
    changed = {**original, "text": text}
    if text != previous_text:
        changed["edited"] = {"user": user, "ts": edited_at}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel,
        "channel_type": channel_type,
        "ts": edited_at,
        "event_ts": edited_at,
        "message": changed,
        "previous_message": original,
    }


def quiz_click(
    button: dict[str, Any], response_url: str, *, user: str, channel: str, message_ts: str = "1000.1"
) -> str:
    """A ``block_actions`` request as Slack sends it when ``user`` clicks ``button`` on a message in ``channel``."""
    payload = {
        "type": "block_actions",
        "team": {"id": "T1"},
        "user": {"id": user},
        "api_app_id": "A1",
        "token": "legacy",
        "trigger_id": new_trigger_id(),
        "response_url": response_url,
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": False},
        "channel": {"id": channel},
        "message": {"ts": message_ts, "text": "quiz"},
        "actions": [
            {
                "type": "button",
                "action_id": button["action_id"],
                "block_id": "b",
                "value": button["value"],
                "action_ts": "1",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})
