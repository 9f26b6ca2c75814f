"""Schema migrations: Alembic, run programmatically, one process at a time.

``migrate(engine)`` upgrades the database to ``HEAD_REVISION`` under a lock (a PostgreSQL advisory
lock held for the migration's transaction; SQLite's write lock, ``BEGIN IMMEDIATE``), so replicas
starting together migrate once and the others find the work done. The scripts live in
``bot/store/migrations`` inside the package, found through the package, never the working folder
or an ``alembic.ini``.

A database made by ``create_all`` before migrations existed (tables, no ``alembic_version``) upgrades
from the baseline revision, which keeps existing tables and their rows. After upgrading, any table of
the head schema that is missing (dropped under a running server) is created again from
``bot.store.schema``, which describes the head schema exactly (a test compares the two).

``schema_state`` only reads: it never imports Alembic, so checking an up-to-date store costs one
query and a command-line start stays quick.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, func, inspect, select, text

from bot.store.failures import masked_url, unavailable_on_failure
from bot.store.schema import metadata

if TYPE_CHECKING:
    from bot.store.store import Store

__all__ = ["HEAD_REVISION", "SchemaState", "migrate", "migrate_store", "schema_state", "store_schema_state"]

log = logging.getLogger("herbot.store")

# The newest script in bot/store/migrations/versions; a test checks Alembic agrees.
HEAD_REVISION = "0004_education"
# Any fixed 64-bit number: replicas starting together take turns on it.
MIGRATION_LOCK_KEY = 0x4865_7262_6F74_0001
_MIGRATIONS = "bot.store:migrations"
# Migrating may wait for another replica's migration and copy rows: longer than any request may take.
_SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 120_000


class SchemaState(StrEnum):
    """How a database's schema compares with what this release needs."""

    CURRENT = "current"  # at HEAD_REVISION with every table present
    BEHIND = "behind"  # empty, made by create_all, an older revision, or tables missing: migrate
    UNKNOWN = "unknown"  # a revision this release does not know (a newer release migrated it)


def store_schema_state(store: Store) -> SchemaState:
    """Where ``store``'s database stands; ``StoreUnavailable`` if it cannot be reached."""
    with unavailable_on_failure(_shown(store.engine)), store.engine.connect() as connection:
        return schema_state(connection)


def migrate_store(store: Store) -> str | None:
    """``migrate`` ``store``'s database; ``StoreUnavailable`` if it cannot be reached."""
    with unavailable_on_failure(_shown(store.engine)):
        return migrate(store.engine)


def schema_state(connection: Connection) -> SchemaState:
    """Where ``connection``'s database stands; raises SQLAlchemy's errors if it cannot be read."""
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        return SchemaState.BEHIND
    revisions = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    if revisions != {HEAD_REVISION}:
        known = revisions <= _known_revisions()
        return SchemaState.BEHIND if known else SchemaState.UNKNOWN
    return SchemaState.CURRENT if set(metadata.tables) <= tables else SchemaState.BEHIND


def migrate(engine: Engine) -> str | None:
    """Upgrade to ``HEAD_REVISION`` under the migration lock; return the revision found before (``None``: none).

    Raises ``RuntimeError`` if the database is at a revision this release does not know.
    """
    with engine.connect() as connection:
        sqlite_busy_timeout = _sqlite_busy_timeout(connection)
        _lock(connection)
        before = _current_revision(connection)
        if before is not None and before not in _known_revisions():
            connection.rollback()
            raise RuntimeError(f"the store is at migration {before!r}, which this herbot does not know; upgrade herbot")
        if before != HEAD_REVISION:
            _upgrade(connection)
        # Tables dropped under a running server: the head schema is ``metadata``, so recreate from it.
        metadata.create_all(connection, checkfirst=True)
        connection.commit()
        if sqlite_busy_timeout is not None:  # the pooled connection goes back with its usual timeout
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {sqlite_busy_timeout}")
    if before != HEAD_REVISION:
        log.info("store migrated from=%s to=%s", before or "none", HEAD_REVISION)
    return before


def _shown(engine: Engine) -> str:
    return masked_url(engine.url.render_as_string(hide_password=False))


def _sqlite_busy_timeout(connection: Connection) -> int | None:
    if connection.dialect.name != "sqlite":
        return None
    return connection.exec_driver_sql("PRAGMA busy_timeout").scalar()


def _lock(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {_SQLITE_MIGRATION_BUSY_TIMEOUT_MS}")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        # The store's short statement timeout would cut the wait for another replica's migration.
        connection.execute(text("SET LOCAL statement_timeout = 0"))
        connection.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_KEY)))


def _current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):  # never migrated
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _upgrade(connection: Connection) -> None:
    from alembic import command

    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def _alembic_config():  # -> alembic.config.Config, imported lazily
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", _MIGRATIONS)
    return config
