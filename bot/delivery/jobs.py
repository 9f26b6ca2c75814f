"""A delivery as the sender attempts it: an outbox row, or a memory-only copy while the store is down."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from bot.store import Delivery, NewDelivery

__all__ = ["Job", "JobState", "Retry"]


class JobState(Enum):
    """Where a job stands in this process."""

    WAITING = "waiting"
    SENDING = "sending"
    DONE = "done"


@dataclass(slots=True)
class Job:
    """One delivery this process is attempting: an outbox row (``stored``) or, while the store is down, memory only."""

    surface: str
    kind: str
    target: dict[str, Any]
    payload: dict[str, Any]
    not_after: datetime
    attempts: int
    stored: Delivery | None
    state: JobState = JobState.WAITING
    failure: str | None = None  # the reason, once it failed
    abandoned: bool = False  # another process answers it
    timer: asyncio.TimerHandle | None = None

    @classmethod
    def of_row(cls, row: Delivery) -> Job:
        return cls(row.surface, row.kind, row.target, row.payload, row.not_after, row.attempts, row)

    @classmethod
    def in_memory(cls, delivery: NewDelivery) -> Job:
        return cls(delivery.surface, delivery.kind, delivery.target, delivery.payload, delivery.not_after, 0, None)


@dataclass(frozen=True, slots=True)
class Retry:
    """An attempt's outcome: try again, after ``retry_after`` seconds if the platform said so."""

    retry_after: float | None


@dataclass(frozen=True, slots=True)
class Refused:
    """An attempt's outcome: the platform refused the delivery for good, for ``reason``."""

    reason: str
