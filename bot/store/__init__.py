"""Shared state for every replica: SQLite by default, PostgreSQL when the URL says so.

>>> from datetime import UTC, datetime
>>> store = create_store("sqlite://", clock=lambda: datetime(2025, 1, 1, tzinfo=UTC))
>>> store.claim_event("Ev1"), store.claim_event("Ev1")
(True, False)
>>> store.close()
"""

from bot.store.connect import DEFAULT_URL, create_store
from bot.store.records import Schedule, Score
from bot.store.store import Store

__all__ = ["DEFAULT_URL", "Schedule", "Score", "Store", "create_store"]
