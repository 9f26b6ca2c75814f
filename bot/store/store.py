"""``Store``: conversation slots, the inbox and outbox, conversation references; ``store.education`` for lessons.

Every method is one short transaction whose outcome the database decides: inserts that
may race use ``ON CONFLICT DO NOTHING`` on a primary key, updates and deletes carry their
condition in ``WHERE``. So any number of threads and replicas can share one database.

Every method blocks (SQLAlchemy's sync engine): async callers run them off the event loop, on the
store's own bounded pool and with a timeout (``bot.store.calls.StoreCalls``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, Executable, Row, delete, or_, select, text
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StoreUnavailable
from bot.store.access import StoreAccess, aware, bounded, not_negative, positive, rowcount
from bot.store.failures import unavailable_on_failure
from bot.store.outbox import bounded_reason, claim_due, insert_deliveries, lease_owners, settle
from bot.store.records import ConversationReference, Delivery, NewDelivery
from bot.store.schema import conversation_references, conversation_slots, inbox, outbox

if TYPE_CHECKING:
    from bot.store.education import EducationStore


class Store(StoreAccess):
    """The bot's shared state over one SQLAlchemy ``Engine`` (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime], slot_ttl: timedelta) -> None:
        if slot_ttl <= timedelta(0):
            raise ValueError("slot_ttl must be positive")
        super().__init__(engine, clock=clock)
        self._slot_ttl = slot_ttl
        # Imported here: bot.store.education builds on this module's argument checks.
        from bot.store.education import EducationStore

        self._education = EducationStore(engine, clock=self._now, writes=self._writes)

    @property
    def education(self) -> EducationStore:
        """Channels, posted questions, answers, review cards, lessons read, schedules and notices."""
        return self._education

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def ping(self) -> bool:
        """True if the database answers a trivial query."""
        try:
            self._read(text("SELECT 1"))
        except (StoreUnavailable, SQLAlchemyError):
            return False
        return True

    # Conversation slots

    def load_slots(self, key: str) -> dict[str, str]:
        """A conversation's saved values; ``{}`` if none or expired."""
        rows = self._read(
            select(conversation_slots.c.values_json, conversation_slots.c.expires_at).where(
                conversation_slots.c.conversation_key == bounded("key", key)
            )
        )
        if not rows:
            return {}
        row = rows[0]
        now = self._now()
        if row.expires_at > now:
            return json.loads(row.values_json)
        # Only if still expired: a concurrent save may have refreshed it since the read.
        self._write(
            delete(conversation_slots).where(
                conversation_slots.c.conversation_key == key, conversation_slots.c.expires_at <= now
            )
        )
        return {}

    def save_slots(self, key: str, values: Mapping[str, str]) -> None:
        """Insert or replace a conversation's values, expiring ``slot_ttl`` from now."""
        self._write(self._save_slots_statement(key, values))

    def clear_slots(self, key: str) -> None:
        """Forget a conversation's values."""
        self._write(delete(conversation_slots).where(conversation_slots.c.conversation_key == bounded("key", key)))

    def purge_expired_slots(self) -> int:
        """Delete every expired conversation; return how many."""
        return self._write(delete(conversation_slots).where(conversation_slots.c.expires_at <= self._now()))

    # The inbox and the outbox

    def record_request(
        self,
        key: str,
        deliveries: Sequence[NewDelivery],
        slots: Mapping[str, str] | None = None,
        *,
        conversation: str | None = None,
    ) -> bool:
        """Record a request, its answers to deliver and its conversation's slots in one transaction.

        ``slots`` of ``conversation`` (by default the conversation keyed like the request): ``None`` leaves it
        alone, ``{}`` forgets it, values are saved with the usual expiry. True if ``key`` is new; False for a
        duplicate, with nothing written.
        """
        return self.record_and_claim(key, deliveries, slots, conversation=conversation) is not None

    def record_and_claim(
        self,
        key: str,
        deliveries: Sequence[NewDelivery],
        slots: Mapping[str, str] | None = None,
        *,
        conversation: str | None = None,
        owner: str | None = None,
        lease: timedelta | None = None,
    ) -> list[Delivery] | None:
        """``record_request`` returning the outbox rows (leased to ``owner`` for ``lease``); ``None``: a duplicate.

        Raises ``ValueError`` for a key over 255 characters (the caller's input was malformed).
        """
        if (owner is None) != (lease is None):
            raise ValueError("give both an owner and a lease, or neither")
        now = self._now()
        statement = self._upserting_insert(inbox).values(request_key=bounded("request key", key), received_at=now)
        slot_statement = None if slots is None else self._slots_statement(conversation or key, slots)
        with self._transaction() as connection:
            if rowcount(connection, statement.on_conflict_do_nothing()) == 0:
                return None
            lease_until = None if lease is None else now + positive("lease", lease)
            recorded = insert_deliveries(connection, key, deliveries, now=now, owner=owner, lease_until=lease_until)
            if slot_statement is not None:
                connection.execute(slot_statement)
        return recorded

    def claim_event(self, event_id: str) -> bool:
        """True for the first claim of ``event_id`` in any process, False ever after: a request with no answer."""
        return self.record_request(event_id, ())

    def claim_deliveries(
        self, owner: str, lease: timedelta, limit: int = 100, *, take_over: Collection[str] = ()
    ) -> list[Delivery]:
        """Lease up to ``limit`` due deliveries (new, to retry, or whose lease expired) to ``owner``.

        Leases held by ``take_over``'s owners count as expired: the caller knows those processes died.
        """
        if limit < 1:
            raise ValueError("limit must be at least 1")
        now = self._now()
        lease_until = now + positive("lease", lease)
        with self._transaction() as connection:
            return claim_due(
                connection,
                owner=bounded("owner", owner),
                now=now,
                lease_until=lease_until,
                limit=limit,
                take_over=take_over,
            )

    def lease_owners(self) -> set[str]:
        """The owners holding an unexpired lease on a pending delivery."""
        with unavailable_on_failure(self._url), self.engine.connect() as connection:
            return lease_owners(connection, self._now())

    def mark_delivered(self, delivery_id: int) -> bool:
        """Record that a delivery went out (whoever holds its lease); False if it was already settled."""
        return self._settle(delivery_id, owner=None, delivered_at=self._now())

    def reschedule(self, delivery_id: int, owner: str, at: datetime, attempts: int) -> bool:
        """Release ``owner``'s lease and try again at ``at``; False if ``owner`` no longer holds it."""
        return self._settle(delivery_id, owner=owner, next_attempt_at=aware("at", at), attempts=attempts)

    def mark_failed(self, delivery_id: int, owner: str, reason: str) -> bool:
        """Stop trying a delivery for ``reason`` (never the payload); False if ``owner`` no longer holds it."""
        return self._settle(delivery_id, owner=owner, failed_at=self._now(), failure_reason=bounded_reason(reason))

    def purge_inbox(self, older_than: timedelta) -> int:
        """Forget request keys recorded more than ``older_than`` ago; return how many."""
        cutoff = self._now() - not_negative("older_than", older_than)
        return self._write(delete(inbox).where(inbox.c.received_at < cutoff))

    def purge_outbox(self, older_than: timedelta) -> int:
        """Delete deliveries delivered or failed more than ``older_than`` ago; return how many."""
        cutoff = self._now() - not_negative("older_than", older_than)
        return self._write(delete(outbox).where(or_(outbox.c.delivered_at < cutoff, outbox.c.failed_at < cutoff)))

    # Conversation references

    def save_reference(
        self, key: str, *, surface: str, scope: str, tenant: str | None, reference: Mapping[str, Any]
    ) -> None:
        """Insert or replace where ``surface`` reaches conversation ``key`` later."""
        statement = self._upserting_insert(conversation_references).values(
            reference_key=bounded("key", key),
            surface=surface,
            scope=scope,
            tenant=bounded("tenant", tenant) if tenant is not None else None,
            reference_json=json.dumps(dict(reference), ensure_ascii=False, sort_keys=True),
            updated_at=self._now(),
        )
        excluded = statement.excluded
        self._write(
            statement.on_conflict_do_update(
                index_elements=[conversation_references.c.reference_key],
                set_={
                    "scope": excluded.scope,
                    "tenant": excluded.tenant,
                    "reference_json": excluded.reference_json,
                    "updated_at": excluded.updated_at,
                },
            )
        )

    def load_reference(self, key: str) -> ConversationReference | None:
        """Where conversation ``key`` is reached, if it was ever seen."""
        table = conversation_references
        rows = self._read(select(table).where(table.c.reference_key == bounded("key", key)))
        return _reference(rows[0]) if rows else None

    def list_references(self, *, surface: str) -> list[ConversationReference]:
        """Every conversation ``surface`` can reach, oldest key first."""
        table = conversation_references
        rows = self._read(select(table).where(table.c.surface == surface).order_by(table.c.reference_key))
        return [_reference(row) for row in rows]

    # Statements and the one way in and out

    def _slots_statement(self, key: str, values: Mapping[str, str]) -> Executable:
        if not values:
            return delete(conversation_slots).where(conversation_slots.c.conversation_key == bounded("key", key))
        return self._save_slots_statement(key, values)

    def _save_slots_statement(self, key: str, values: Mapping[str, str]) -> Executable:
        if not all(isinstance(name, str) and isinstance(value, str) for name, value in values.items()):
            raise TypeError("slot names and values must be strings")
        statement = self._upserting_insert(conversation_slots).values(
            conversation_key=bounded("key", key),
            values_json=json.dumps(dict(values), ensure_ascii=False, sort_keys=True),
            expires_at=self._now() + self._slot_ttl,
        )
        return statement.on_conflict_do_update(
            index_elements=[conversation_slots.c.conversation_key],
            set_={"values_json": statement.excluded.values_json, "expires_at": statement.excluded.expires_at},
        )

    def _settle(self, delivery_id: int, *, owner: str | None, **values: Any) -> bool:
        with self._transaction() as connection:
            return settle(connection, delivery_id, owner=owner, **values)


def _reference(row: Row[Any]) -> ConversationReference:
    return ConversationReference(
        key=row.reference_key,
        surface=row.surface,
        scope=row.scope,
        tenant=row.tenant,
        reference=json.loads(row.reference_json),
        updated_at=row.updated_at,
    )
