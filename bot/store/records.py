"""What the store hands back: frozen records, never rows or dicts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# The longest surface or delivery kind name the outbox keeps (bot.store.schema.outbox).
MAX_NAME_LENGTH = 32


@dataclass(frozen=True, slots=True)
class ConversationReference:
    """Where a surface can post to a chat or channel later: ``reference`` is the surface's own address (ids and
    the service URL), ``scope`` its kind of conversation (``personal``, ``groupChat``, ``channel``)."""

    key: str
    surface: str
    scope: str
    tenant: str | None
    reference: dict[str, Any]
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """An answer to deliver: where it goes and what it says, never the message it answers.

    ``surface`` and ``kind`` pick the transport (``("slack", "respond")``, ``("slack", "post")``...);
    ``target`` says where on that surface (a response URL, a channel and thread); ``payload`` is the
    rendered answer. Both must be JSON objects. Nothing is attempted after ``not_after``.
    """

    surface: str
    kind: str
    target: dict[str, Any]
    payload: dict[str, Any]
    not_after: datetime

    def __post_init__(self) -> None:
        for name in ("surface", "kind"):
            value = getattr(self, name)
            if not isinstance(value, str) or not 0 < len(value) <= MAX_NAME_LENGTH:
                raise ValueError(f"a delivery's {name} is 1 to {MAX_NAME_LENGTH} characters")
        if not isinstance(self.target, dict) or not isinstance(self.payload, dict):
            raise TypeError("a delivery's target and payload are dicts (JSON objects)")
        if self.not_after.tzinfo is None or self.not_after.utcoffset() is None:
            raise ValueError("a delivery's not_after must be timezone-aware")


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbox row: a ``NewDelivery`` recorded under ``id``, with how often it was attempted."""

    id: int
    request_key: str
    surface: str
    kind: str
    target: dict[str, Any]
    payload: dict[str, Any]
    created_at: datetime
    not_after: datetime
    attempts: int
