"""Stopping a background task for certain.

On Python 3.11 ``asyncio.wait_for`` can swallow a cancellation that arrives as the awaited call completes
(CPython issue 86296): the task then goes on, to its next sleep, and one ``cancel()`` followed by ``await``
waits for that whole sleep (the store purge sleeps ten minutes). ``stop`` cancels until the task is done.
"""

from __future__ import annotations

import asyncio

__all__ = ["stop"]

_RECHECK_S = 0.05


async def stop(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait until it has ended, cancelling again while it keeps running."""
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=_RECHECK_S)
    if not task.cancelled():
        task.exception()  # retrieved, so asyncio does not report it as never retrieved
