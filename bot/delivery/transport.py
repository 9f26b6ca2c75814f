"""The transport protocol and the table of transports, one per (surface, kind), that adapters fill in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

__all__ = ["Transport", "Transports"]


class Transport(Protocol):
    """Sends one delivery: returns once the platform accepted it.

    Raises ``RetryableDelivery`` or ``PermanentDelivery`` when it did not; anything else is a bug, which
    the sender logs by type and retries like a transient failure. A send must not log the payload.
    """

    async def send(self, target: Mapping[str, Any], payload: Mapping[str, Any]) -> None: ...


class Transports:
    """Transports by (surface, kind): ``("slack", "respond")``, ``("slack", "post")``, ``("teams", "reply")``..."""

    def __init__(self) -> None:
        self._by_route: dict[tuple[str, str], Transport] = {}

    def register(self, surface: str, kind: str, transport: Transport) -> None:
        """Deliver ``surface``'s ``kind`` deliveries with ``transport``; one transport per pair."""
        if (surface, kind) in self._by_route:
            raise ValueError(f"a transport for {surface}/{kind} is already registered")
        self._by_route[(surface, kind)] = transport

    def find(self, surface: str, kind: str) -> Transport | None:
        """The transport for ``surface``'s ``kind`` deliveries, if one is registered."""
        return self._by_route.get((surface, kind))
