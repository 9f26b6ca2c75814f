"""Build a ready ``Store`` from a database URL: engine, connection settings, migrated schema.

``create_store`` migrates the database to the newest schema itself (``bot.store.migrate``, under its
lock), so every caller, ``herbot ask --conversation`` on a fresh SQLite file included, gets a usable
store; checking a database that is already current costs one query and never imports Alembic.

Timeouts are short, so a stalled database fails a call instead of holding it: PostgreSQL connects
within ``POSTGRES_CONNECT_TIMEOUT_S`` (libpq counts whole seconds, at least 2) and cancels any
statement after ``POSTGRES_STATEMENT_TIMEOUT_MS``; waiting for a pooled connection gives up after
``POOL_TIMEOUT_S``. A connection stalled mid-query can still block its thread, so async callers also
bound each call with ``bot.store.calls.StoreCalls``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError

from bot.store.failures import masked_url, unavailable_on_failure
from bot.store.migrate import SchemaState, migrate, schema_state
from bot.store.store import Store

DEFAULT_URL = "sqlite:///herbot.db"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 5_000
POSTGRES_CONNECT_TIMEOUT_S = 2
POSTGRES_STATEMENT_TIMEOUT_MS = 500
POOL_TIMEOUT_S = 2


def utc_now() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def create_store(
    url: str,
    *,
    clock: Callable[[], datetime] = utc_now,
    slot_ttl: timedelta = timedelta(minutes=30),
    migrate_schema: bool = True,
) -> Store:
    """Connect to ``url``, migrate it to the newest schema (unless told not to) and return the ``Store``.

    Raises ``StoreUnavailable`` if the database cannot be reached, ``ValueError`` for a URL the store cannot use.
    """
    shown = masked_url(url)
    engine = _create_engine(url, shown)
    try:
        store = Store(engine, clock=clock, slot_ttl=slot_ttl)
        if migrate_schema:
            with unavailable_on_failure(shown):
                _migrate_unless_current(engine)
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
    # A replica outlives database restarts: test pooled connections before handing them out.
    return create_engine(
        parsed,
        connect_args=_postgres_connect_args(parsed.query),
        pool_pre_ping=True,
        pool_timeout=POOL_TIMEOUT_S,
        **options,
    )


def _postgres_connect_args(query: Any) -> dict[str, Any]:
    """Short connect and statement timeouts, unless the URL sets its own; other ``options`` are kept."""
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    options = query.get("options", "")
    options = " ".join(options) if isinstance(options, tuple) else options
    if "statement_timeout" not in options:
        connect_args["options"] = f"{options} -c statement_timeout={POSTGRES_STATEMENT_TIMEOUT_MS}".strip()
    return connect_args


def _configure_sqlite_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    _switch_to_wal(dbapi_connection)
    # SQLite leaves foreign keys off per connection: on, so that any foreign key behaves as on PostgreSQL.
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


def _migrate_unless_current(engine: Engine) -> None:
    with engine.connect() as connection:
        state = schema_state(connection)
    if state is not SchemaState.CURRENT:
        migrate(engine)
