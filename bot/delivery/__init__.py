"""Delivery you can trust: every recorded answer delivered once, through faults and restarts, on any surface.

How an adapter uses it (Slack today, Teams next)::

    inbox = Inbox(calls, sender)                       # built once by the server
    sender.transports.register("slack", "respond", ResponseUrlTransport(...))
    result = await inbox.record("slack:command:<trigger_id>", [NewDelivery(...)], prepared.slots)
    # then ack: RECORDED and RECORDED_IN_MEMORY are answered by the sender, DUPLICATE is not answered

The pieces:

- ``NewDelivery(surface, kind, target, payload, not_after)``: where an answer goes (``target``, a JSON
  object such as ``{"response_url": ...}`` or ``{"channel": ..., "thread_ts": ...}``: never the
  user's message) and the rendered answer (``payload``); nothing is attempted after ``not_after``
  (a Slack response URL lives 30 minutes).
- ``Inbox.record(key, deliveries, slots) -> Recorded``: the inbox row, the outbox rows and the slots
  in one transaction, within a short timeout; a bounded in-memory inbox while the store is down.
  A key over 255 characters raises ``ValueError`` (answer 4xx).
- ``Transport``: ``async send(target, payload) -> None`` returns once the platform accepted the
  delivery, or raises ``RetryableDelivery(retry_after=seconds | None)`` (429, 5xx, timeouts, dropped
  connections) or ``PermanentDelivery(reason=code)`` (the channel, token or URL is gone). Register one
  per (surface, kind) on ``Sender.transports`` before the server starts.
- ``RetryPolicy``: exponential back-off with jitter, Retry-After honoured, never past ``not_after``.
- ``Sender``: sends what ``Inbox.record`` just recorded at once, retries from the outbox in the
  background, takes over deliveries whose lease expired (a replica died) and sweeps at start-up.
  It marks a delivery delivered right after the transport returns.

This package knows no platform: it imports neither Slack nor Teams libraries (an import-linter
contract says so), so every adapter shares it.
"""

from bot.delivery.errors import DeliveryFailed, PermanentDelivery, RetryableDelivery
from bot.delivery.inbox import Inbox, Recorded
from bot.delivery.policy import RetryPolicy
from bot.delivery.sender import Sender
from bot.delivery.transport import Transport, Transports
from bot.store.calls import StoreCalls
from bot.store.records import Delivery, NewDelivery

__all__ = [
    "Delivery",
    "DeliveryFailed",
    "Inbox",
    "NewDelivery",
    "PermanentDelivery",
    "Recorded",
    "RetryPolicy",
    "RetryableDelivery",
    "Sender",
    "StoreCalls",
    "Transport",
    "Transports",
]
