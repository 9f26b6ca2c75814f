"""``StoreCalls``: the store's blocking methods, run off the event loop and awaited no longer than a timeout.

The store's own bounded thread pool keeps a stalled database from taking the loop's default pool (and
with it every other ``to_thread`` user) or piling up threads: a call that cannot start before its
timeout is cancelled, and one that started and stalls holds one of the pool's few threads, not the
caller, who gets ``StoreUnavailable`` when the timeout passes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import Any, TypeVar

from bot.errors import StoreUnavailable
from bot.store.store import Store

__all__ = ["DEFAULT_STORE_TIMEOUT_S", "StoreCalls"]

T = TypeVar("T")

DEFAULT_STORE_TIMEOUT_S = 0.5
DEFAULT_WORKERS = 8


class StoreCalls:
    """Run ``store``'s methods on ``workers`` threads; each awaited at most ``timeout`` seconds."""

    def __init__(
        self, store: Store, *, timeout: float = DEFAULT_STORE_TIMEOUT_S, workers: int = DEFAULT_WORKERS
    ) -> None:
        if timeout <= 0 or workers < 1:
            raise ValueError("the store's call timeout must be positive and it needs at least one worker")
        self.store = store
        self.timeout = timeout
        self._url = store.engine.url.render_as_string(hide_password=True)
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="herbot-store")

    async def run(self, function: Callable[..., T], *args: Any, timeout: float | None = None, **kwargs: Any) -> T:
        """``function(*args, **kwargs)`` on the pool; ``StoreUnavailable`` if it takes longer than the timeout."""
        future = self.submit(function, *args, **kwargs)
        try:
            return await self.wait(future, timeout=timeout)
        except StoreUnavailable:
            future.cancel()  # if it has not started, it never will
            raise

    def submit(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> concurrent.futures.Future[T]:
        """Start ``function`` on the pool and return its future, for callers that follow it past a timeout."""
        return self._pool.submit(function, *args, **kwargs)

    async def wait(self, future: concurrent.futures.Future[T], *, timeout: float | None = None) -> T:
        """The result of a submitted call; ``StoreUnavailable`` after the timeout, leaving the call running."""
        try:
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout or self.timeout)
        except TimeoutError:
            raise StoreUnavailable(url=self._url) from None

    def close(self) -> None:
        """Stop taking calls; calls not yet started are dropped, stalled ones are left to finish."""
        self._pool.shutdown(wait=False, cancel_futures=True)
