"""Build a ready ``Store`` from a database URL: engine, connection settings, tables."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, make_url, select
from sqlalchemy.exc import ArgumentError

from bot.store.failures import masked_url, unavailable_on_failure
from bot.store.schema import metadata
from bot.store.store import Store

DEFAULT_URL = "sqlite:///herbot.db"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10
# Any fixed 64-bit number: replicas starting together serialise table creation on it.
_SCHEMA_LOCK_KEY = 0x4865_7262_6F74_0001


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def create_store(
    url: str,
    *,
    clock: Callable[[], datetime] = utc_now,
    slot_ttl: timedelta = timedelta(minutes=30),
) -> Store:
    """Connect to ``url``, create any missing tables and return the ``Store``; ``StoreUnavailable`` if unreachable."""
    shown = masked_url(url)
    engine = _create_engine(url, shown)
    try:
        store = Store(engine, clock=clock, slot_ttl=slot_ttl)
        with unavailable_on_failure(shown):
            _create_tables(engine)
    except BaseException:
        engine.dispose()
        raise
    return store


def _create_engine(url: str, shown: str) -> Engine:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise ValueError(f"the store URL {shown} cannot be parsed") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise ValueError(f"the store supports {' and '.join(SUPPORTED_BACKENDS)}, not {backend!r}")
    # Error messages must never carry slot values or ids into logs.
    options: dict[str, Any] = {"hide_parameters": True}
    if backend == "sqlite":
        engine = create_engine(parsed, connect_args={"check_same_thread": False}, **options)
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    connect_args = {} if "connect_timeout" in parsed.query else {"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S}
    # A replica outlives database restarts: test pooled connections before handing them out.
    return create_engine(parsed, connect_args=connect_args, pool_pre_ping=True, **options)


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    _switch_to_wal(dbapi_connection)
    # SQLite leaves foreign keys off per connection; lesson_posts cascades on them.
    dbapi_connection.execute("PRAGMA foreign_keys = ON")


def _switch_to_wal(dbapi_connection: sqlite3.Connection) -> None:
    """Turn on write-ahead logging, waiting out other connections doing the same.

    The switch can fail with SQLITE_BUSY without consulting busy_timeout while several
    connections open a new database file at once, so it is retried until the timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            dbapi_connection.execute("PRAGMA journal_mode = WAL").fetchall()
            return
        except sqlite3.OperationalError as error:
            busy = error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _create_tables(engine: Engine) -> None:
    """Create missing tables, safe when several processes start at once.

    ``create_all`` checks, then creates; two processes can both see a table missing. Taking
    a lock first makes the check and the creation one step: PostgreSQL DDL is transactional
    and waits on an advisory lock, SQLite waits on ``BEGIN IMMEDIATE``.
    """
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK_KEY)))
        metadata.create_all(connection)
        connection.commit()
