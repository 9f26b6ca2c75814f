"""The one seam where database failures become ``StoreUnavailable``.

Connection and operational failures (refused, dropped, locked, timed out) mean the store
cannot be reached; a table that is missing (dropped under a running server: SQLite says so
with an operational error, PostgreSQL with ``undefined_table``) means it cannot be used until
migrated again, which readiness does. Anything else SQLAlchemy raises (a bad statement, an
unexpected constraint) is a bug and propagates unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.errors import StoreUnavailable

# PostgreSQL's SQLSTATEs for a statement the server cancelled (statement_timeout) and a missing table.
_UNAVAILABLE_SQLSTATES = {"57014", "42P01"}


def masked_url(url: str) -> str:
    """The URL with any password replaced by ``***``.

    >>> masked_url("postgresql+psycopg://bot:secret@db:5432/herbot")
    'postgresql+psycopg://bot:***@db:5432/herbot'
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # an unparsable URL may still hold a password: show none
        return "<unparsable database URL>"


@contextmanager
def unavailable_on_failure(url: str) -> Iterator[None]:
    """Raise ``StoreUnavailable(url=url)`` for connection and operational failures inside."""
    try:
        yield
    except (OperationalError, InterfaceError, PoolTimeout) as error:
        raise StoreUnavailable(url=url) from error
    except ProgrammingError as error:
        if getattr(error.orig, "sqlstate", None) in _UNAVAILABLE_SQLSTATES:
            raise StoreUnavailable(url=url) from error
        raise
    except DBAPIError as error:
        if error.connection_invalidated or getattr(error.orig, "sqlstate", None) in _UNAVAILABLE_SQLSTATES:
            raise StoreUnavailable(url=url) from error
        raise
