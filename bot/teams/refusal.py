"""Why a request to ``/api/messages`` is not served."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Refusal"]


@dataclass(frozen=True, slots=True)
class Refusal:
    """A 4xx or 5xx ``status`` and a short ``reason`` (never anything from the request's body)."""

    status: int
    reason: str
