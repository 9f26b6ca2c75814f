"""Is the store usable, asked without waiting on it: reachable, at the expected migration, every table present.

``StoreReadiness.check()`` answers within the store calls' timeout whatever the database does. A
store that lost tables or its schema version (dropped under a running server, recreated empty) is
migrated in the background, once at a time, and reported ``MIGRATING`` until it is usable again, so
the server recovers without a restart.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
from enum import StrEnum

from bot.errors import StoreUnavailable
from bot.store.calls import StoreCalls
from bot.store.migrate import SchemaState, migrate_store, store_schema_state

__all__ = ["StoreReadiness", "StoreStatus"]

log = logging.getLogger("herbot.store")


class StoreStatus(StrEnum):
    """What readiness found."""

    READY = "ready"
    UNREACHABLE = "unreachable"  # no answer within the timeout, refused, or failing
    MIGRATING = "migrating"  # tables or schema version missing: being migrated
    UNKNOWN_SCHEMA = "unknown-schema"  # migrated by a newer herbot: this one cannot use it


class StoreReadiness:
    """Checks the store through ``calls`` and migrates it when it is behind."""

    def __init__(self, calls: StoreCalls) -> None:
        self._calls = calls
        self._migration: concurrent.futures.Future[str | None] | None = None

    async def check(self) -> StoreStatus:
        """The store's status now, within the calls' timeout; starts a migration if one is needed."""
        if self._migration is not None and not self._migration.done():
            return StoreStatus.MIGRATING
        try:
            state = await self._calls.run(store_schema_state, self._calls.store)
        except StoreUnavailable:
            return StoreStatus.UNREACHABLE
        if state is SchemaState.CURRENT:
            return StoreStatus.READY
        if state is SchemaState.UNKNOWN:
            return StoreStatus.UNKNOWN_SCHEMA
        self._start_migration()
        return StoreStatus.MIGRATING

    async def migrate(self, timeout: float) -> StoreStatus:
        """Migrate now (under the migration lock) and wait up to ``timeout`` seconds; then ``check()``."""
        self._start_migration()
        assert self._migration is not None
        # A failure is reported by check(), and logged when the migration ends.
        with contextlib.suppress(StoreUnavailable, RuntimeError):
            await self._calls.wait(self._migration, timeout=timeout)
        return await self.check()

    def _start_migration(self) -> None:
        if self._migration is not None and not self._migration.done():
            return
        log.info("store migration state=started")
        self._migration = self._calls.submit(migrate_store, self._calls.store)
        self._migration.add_done_callback(_log_migration)


def _log_migration(migration: concurrent.futures.Future[str | None]) -> None:
    if migration.cancelled():
        return
    error = migration.exception()
    if error is None:
        log.info("store migration state=done")
    elif isinstance(error, StoreUnavailable):
        log.warning("store migration state=failed reason=store unavailable")
    else:  # a revision this herbot does not know, or a bug
        log.error("store migration state=failed error=%s", type(error).__name__)
