"""``bot.stopping.stop`` ends a task even when one cancellation is lost, as Python 3.11's wait_for can lose it."""

from __future__ import annotations

import asyncio

from bot.stopping import stop


async def test_a_task_that_loses_one_cancellation_is_still_stopped() -> None:
    reached_second_sleep = asyncio.Event()

    async def loses_a_cancellation() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            asyncio.current_task().uncancel()  # what a swallowed cancellation leaves behind
        reached_second_sleep.set()
        await asyncio.sleep(3600)

    task = asyncio.create_task(loses_a_cancellation())
    await asyncio.sleep(0)
    await stop(task)
    assert reached_second_sleep.is_set() and task.cancelled()
