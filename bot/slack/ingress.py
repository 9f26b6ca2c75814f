"""Reading one HTTP request from Slack, in the only safe order: the signature on the raw bytes, then the text,
then the payload, then its shape.

Nothing here decodes or parses a byte of a body whose signature and timestamp have not been verified, and
every way a request can be wrong is a ``Rejection`` (a 4xx status and a short plain reason), never an
exception. The algorithm is Slack's (``v0=`` HMAC-SHA256 of ``v0:{timestamp}:{body}``), as slack_sdk's
``SignatureVerifier`` computes it, but on bytes: that class decodes the body and converts the timestamp
before comparing, so a non-UTF-8 byte or a timestamp of ``abc`` would raise instead of being refused.

>>> secret = b"s3cret"
>>> body = b'{"type": "url_verification", "challenge": "c"}'
>>> headers = {"X-Slack-Request-Timestamp": "100", "X-Slack-Signature": sign(body, "100", secret)}
>>> read_slack_request(body, headers | {"Content-Type": "application/json"}, secret=secret, now=100.0).payload
{'type': 'url_verification', 'challenge': 'c'}
>>> read_slack_request(body, headers | {"Content-Type": "application/json"}, secret=secret, now=500.0)
Rejection(status=401, reason='stale timestamp')
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

__all__ = [
    "FORM",
    "JSON",
    "MAX_BODY_BYTES",
    "MAX_EVENT_ID_LENGTH",
    "TOO_LARGE",
    "Rejection",
    "VerifiedRequest",
    "read_slack_request",
    "shape_problem",
    "sign",
]

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
# Slack's own message limit is 40,000 characters; blocks and attachments ride along. aiohttp's default cap.
MAX_BODY_BYTES = 1024 * 1024
# Slack refuses requests signed more than five minutes from now, and so do we.
MAX_CLOCK_SKEW_S = 5 * 60
MAX_EVENT_ID_LENGTH = 255
MAX_FORM_FIELDS = 100
CHARSETS = frozenset({"utf-8", "utf8"})
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why a request is refused: its HTTP status and a short plain reason that quotes nothing sent."""

    status: int
    reason: str


@dataclass(frozen=True, slots=True)
class VerifiedRequest:
    """A signed, fresh, well-formed request: its text, its payload and the type of body it came in."""

    text: str
    payload: dict[str, Any]
    content_type: str


TOO_LARGE = Rejection(413, "body too large")


def sign(body: bytes, timestamp: str, secret: bytes) -> str:
    """Slack's ``X-Slack-Signature`` for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret, b"v0:" + timestamp.encode("ascii") + b":" + body, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def read_slack_request(
    body: bytes, headers: Mapping[str, str], *, secret: bytes, now: float
) -> VerifiedRequest | Rejection:
    """Verify ``body`` against its signature headers, then decode, parse and check it."""
    if len(body) > MAX_BODY_BYTES:
        return TOO_LARGE
    refused = _signature_problem(body, headers, secret=secret, now=now)
    if refused is not None:
        return refused
    content_type, charset = _media_type(_header(headers, "Content-Type") or "")
    if content_type not in (FORM, JSON):
        return Rejection(415, "unsupported content type")
    if charset is not None and charset not in CHARSETS:
        return Rejection(415, "unsupported charset")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Rejection(400, "body is not UTF-8")
    payload = _parse_json(text) if content_type == JSON else _parse_form(text)
    if isinstance(payload, Rejection):
        return payload
    problem = shape_problem(payload)
    if problem is not None:
        return Rejection(400, problem)
    return VerifiedRequest(text=text, payload=payload, content_type=content_type)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value


def _signature_problem(body: bytes, headers: Mapping[str, str], *, secret: bytes, now: float) -> Rejection | None:
    timestamp = _header(headers, "X-Slack-Request-Timestamp")
    signature = _header(headers, "X-Slack-Signature")
    if not timestamp or not signature:
        return Rejection(401, "missing signature")
    if not _TIMESTAMP.fullmatch(timestamp):
        return Rejection(401, "invalid timestamp")
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_S:
        return Rejection(401, "stale timestamp")
    # Compared as bytes of one fixed shape: compare_digest refuses non-ASCII text with a TypeError.
    if not _SIGNATURE.fullmatch(signature) or not hmac.compare_digest(
        sign(body, timestamp, secret).encode("ascii"), signature.encode("ascii")
    ):
        return Rejection(401, "invalid signature")
    return None


def _media_type(header: str) -> tuple[str, str | None]:
    """``("application/json", "utf-8")`` from ``application/json; charset="UTF-8"``."""
    media, *parameters = header.split(";")
    charset = None
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _parse_json(text: str) -> dict[str, Any] | Rejection:
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        return Rejection(400, "body is not JSON")
    return payload if isinstance(payload, dict) else Rejection(400, "body is not a JSON object")


def _parse_form(text: str) -> dict[str, Any] | Rejection:
    """A slash command's fields, or the JSON object in an interaction's ``payload`` field."""
    try:
        fields = dict(
            parse_qsl(
                text,
                keep_blank_values=True,
                strict_parsing=True,
                encoding="utf-8",
                errors="strict",
                max_num_fields=MAX_FORM_FIELDS,
            )
        )
    except ValueError:  # also a percent-escape that is not UTF-8 (UnicodeDecodeError)
        return Rejection(400, "body is not a form")
    if "payload" not in fields:
        return fields
    return _parse_json(fields["payload"])


# The fields Slack defines that Bolt and herbot read without checking, by the type Slack gives them. Any may be
# absent; ids and entities may be null (Slack sends ``"enterprise": null``, and ``"team": null`` for org installs).
_TEXT = ("type", "subtype", "team_id", "user_id", "channel_id", "enterprise_id", "api_app_id", "trigger_id",
         "response_url", "token", "text", "ts", "thread_ts", "event_ts", "message_ts", "channel_type", "bot_id",
         "user_team", "callback_id", "function_execution_id", "action_id", "block_id", "value")  # fmt: skip
_ENTITIES = ("team", "user", "channel", "enterprise")  # an id, or an object with an ``id``
_OBJECTS = ("view", "container", "message", "previous_message", "item", "assistant_thread", "function_data",
            "edited", "inputs")  # fmt: skip
_OBJECT_LISTS = ("authorizations", "actions", "response_urls")
_MAX_DEPTH = 3  # the payload, its event, the event's message, and that message's own (an edit's previous one)


def shape_problem(payload: dict[str, Any]) -> str | None:
    """What makes ``payload`` unfit to hand to Bolt, or ``None``: a kind (``type``, or a slash ``command``),
    an ``event`` object with a type, an ``event_id`` of at most 255 characters, and the fields Slack defines
    (at the top, in the event and in the messages it carries) of the types Slack gives them."""
    kind = payload.get("type")
    if not (_text(kind) or _text(payload.get("command")) or payload.get("ssl_check") == "1"):
        return "missing type"
    if "event" in payload or kind == "event_callback":
        event = payload.get("event")
        if not isinstance(event, dict):
            return "event is not an object"
        if not _text(event.get("type")):
            return "event has no type"
    if "event_id" in payload:
        event_id = payload["event_id"]
        if not _text(event_id) or len(event_id) > MAX_EVENT_ID_LENGTH:
            return "invalid event_id"
    if kind == "url_verification" and not isinstance(payload.get("challenge"), str):
        return "missing challenge"
    if kind == "block_actions" and not _actions_with_ids(payload.get("actions")):
        return "missing action_id"  # Bolt's action matchers read the first action's
    return _field_problem(payload, "", depth=0)


def _field_problem(fields: dict[str, Any], where: str, *, depth: int) -> str | None:
    for key, value in fields.items():
        fits = _FIELD_TYPES.get(key)
        if fits is not None and not fits(value):
            return f"invalid {where}{key}"
    if depth == _MAX_DEPTH:
        return None
    nested = [("event", fields.get("event"))] if depth == 0 else []
    nested += [(key, fields.get(key)) for key in ("message", "previous_message", "container", "item")]
    nested += [(key, item) for key in _OBJECT_LISTS for item in fields.get(key) or ()]
    for key, inner in nested:
        if (
            isinstance(inner, dict)
            and (problem := _field_problem(inner, f"{where}{key}.", depth=depth + 1)) is not None
        ):
            return problem
    return None


def _text_or_null(value: object) -> bool:
    return value is None or isinstance(value, str)


def _entity(value: object) -> bool:
    """An id, an object whose ``id`` (if any) is one, or null."""
    return _text_or_null(value) or (isinstance(value, dict) and _text_or_null(value.get("id")))


def _object(value: object) -> bool:
    return isinstance(value, dict)


def _list_of_objects(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


_FIELD_TYPES: dict[str, Callable[[object], bool]] = {
    **dict.fromkeys(_TEXT, _text_or_null),
    **dict.fromkeys(_ENTITIES, _entity),
    **dict.fromkeys(_OBJECTS, _object),
    **dict.fromkeys(_OBJECT_LISTS, _list_of_objects),
}


def _actions_with_ids(actions: object) -> bool:
    return (
        isinstance(actions, list)
        and bool(actions)
        and all(isinstance(action, dict) and _text(action.get("action_id")) for action in actions)
    )


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)
