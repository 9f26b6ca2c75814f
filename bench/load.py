"""Closed-loop load on one app under test, and what its measured batches add up to.

A batch shares the request numbers ``range(count)`` among ``concurrency`` workers, each sending its next request
only once its last one was answered, so exactly ``concurrency`` requests are in flight. ``Batches`` pools the
batches of one app in one mode over the rounds; the endpoints' own samples add what they time beyond the ack.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

__all__ = ["Batches", "closed_loop", "rotated"]

T = TypeVar("T")


@dataclass
class Batches:
    """One app in one mode, pooled over rounds: ack times, requests sent, wall and server CPU time, in seconds."""

    acks: list[float] = field(default_factory=list)
    requests: int = 0
    wall: float = 0.0
    server_cpu: float | None = 0.0  # None once any batch's could not be read

    def add_server_cpu(self, seconds: float | None) -> None:
        """Count one batch's server CPU time (``None``: unknown, and so is the total from then on)."""
        self.server_cpu = None if seconds is None or self.server_cpu is None else self.server_cpu + seconds


async def closed_loop(
    count: int, concurrency: int, worker: Callable[[Iterator[int]], Awaitable[None]], into: Batches
) -> None:
    """Run ``concurrency`` workers drawing from one iterator over ``range(count)``; add the wall time and count."""
    numbers = iter(range(count))
    started = time.perf_counter()
    await asyncio.gather(*(worker(numbers) for _ in range(concurrency)))
    into.wall += time.perf_counter() - started
    into.requests += count


def rotated(items: Sequence[T], number: int) -> list[T]:
    """``items`` starting at the ``number``-th (modulo their count), so each round has another one go first.

    >>> [rotated("abc", number) for number in range(4)]
    [['a', 'b', 'c'], ['b', 'c', 'a'], ['c', 'a', 'b'], ['a', 'b', 'c']]
    """
    shift = number % len(items)
    return [*items[shift:], *items[:shift]]
