"""Shared state for every replica: SQLite by default, PostgreSQL when the URL says so.

>>> from datetime import UTC, datetime, timedelta
>>> store = create_store("sqlite://", clock=lambda: datetime(2025, 1, 1, tzinfo=UTC))
>>> answer = NewDelivery("slack", "respond", {"response_url": "https://hooks.example/1"}, {"text": "HER2-low"},
...                      not_after=datetime(2025, 1, 1, 0, 30, tzinfo=UTC))
>>> store.record_request("slack:command:T1", [answer]), store.record_request("slack:command:T1", [answer])
(True, False)
>>> [d.kind for d in store.claim_deliveries("replica-1", lease=timedelta(minutes=1))]
['respond']
>>> store.close()
"""

from bot.store.connect import DEFAULT_URL, create_store
from bot.store.education import EducationStore
from bot.store.education_records import ChannelState, Confusion, QuizPost, ScheduleRecord, Standing
from bot.store.records import ConversationReference, Delivery, NewDelivery
from bot.store.store import Store

__all__ = [
    "DEFAULT_URL",
    "ChannelState",
    "Confusion",
    "ConversationReference",
    "Delivery",
    "EducationStore",
    "NewDelivery",
    "QuizPost",
    "ScheduleRecord",
    "Standing",
    "Store",
    "create_store",
]
