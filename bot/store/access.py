"""The one way in and out of the database for every store class: short transactions, reads, argument checks.

``StoreAccess`` holds the engine, the clock and, on SQLite, this process's queue of writers; ``Store`` and
``EducationStore`` build on it (sharing one queue), so each query module only says what it reads or writes.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Executable, Row
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.failures import unavailable_on_failure
from bot.store.schema import MAX_ID_LENGTH

__all__ = ["UPSERTING_INSERTS", "StoreAccess", "aware", "bounded", "not_negative", "positive", "rowcount"]

UPSERTING_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class StoreAccess:
    """Transactions on ``engine`` that fail as ``StoreUnavailable``, one writer at a time per process on SQLite."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime],
        writes: AbstractContextManager[Any] | None = None,
    ) -> None:
        if engine.dialect.name not in UPSERTING_INSERTS:
            raise ValueError(f"the store supports SQLite and PostgreSQL, not {engine.dialect.name!r}")
        self.engine = engine
        self._clock = clock
        self._url = engine.url.render_as_string(hide_password=True)
        self._upserting_insert = UPSERTING_INSERTS[engine.dialect.name]
        # SQLite takes one writer at a time and makes the others sleep and poll (up to 100 ms a turn):
        # queueing this process's writers on a lock instead keeps each write's wait short and fair.
        self._writes: AbstractContextManager[Any] = writes or (
            threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()
        )

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._writes, unavailable_on_failure(self._url), self.engine.begin() as connection:
            yield connection

    def _read(self, statement: Executable) -> Sequence[Row[Any]]:
        with unavailable_on_failure(self._url), self.engine.connect() as connection:
            return connection.execute(statement).all()

    def _write(self, statement: Executable) -> int:
        with self._transaction() as connection:
            return rowcount(connection, statement)

    def _now(self) -> datetime:
        return aware("clock time", self._clock())


def rowcount(connection: Connection, statement: Executable) -> int:
    """The rows ``statement`` touched (SQLAlchemy drops an INSERT's rowcount unless asked; the claims depend on it)."""
    return connection.execute(statement, execution_options={"preserve_rowcount": True}).rowcount


def positive(name: str, value: timedelta) -> timedelta:
    """``value``, which must be positive."""
    if value <= timedelta(0):
        raise ValueError(f"{name} must be positive")
    return value


def not_negative(name: str, value: timedelta) -> timedelta:
    """``value``, which must not be negative."""
    if value < timedelta(0):
        raise ValueError(f"{name} must not be negative")
    return value


def bounded(name: str, value: str) -> str:
    """``value``, which must fit an id column."""
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(f"{name} is {len(value)} characters; the store keeps at most {MAX_ID_LENGTH}")
    return value


def aware(name: str, value: datetime) -> datetime:
    """``value`` in UTC; it must be timezone-aware."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return value.astimezone(UTC)
