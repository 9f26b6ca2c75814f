"""What a transport raises when a delivery did not go out::

    DeliveryFailed                       a send did not deliver
     ├── RetryableDelivery(*, retry_after)   try again later: 429 (its Retry-After, in seconds), 5xx,
     │                                       a timeout, a dropped connection
     └── PermanentDelivery(*, reason)        never again: the channel, token or URL is gone; ``reason``
                                             is a short code (``channel_not_found``), never payload text

They never leave the sender: it retries or settles the delivery and logs the reason once.
"""

from __future__ import annotations

__all__ = ["DeliveryFailed", "PermanentDelivery", "RetryableDelivery"]


class DeliveryFailed(Exception):
    """A send did not deliver."""


class RetryableDelivery(DeliveryFailed):
    """The platform may take the delivery later; ``retry_after`` is its own wait in seconds, if it gave one.

    >>> RetryableDelivery(retry_after=3.0).retry_after
    3.0
    """

    def __init__(self, *, retry_after: float | None = None) -> None:
        if retry_after is not None and not retry_after >= 0:
            raise ValueError("retry_after is a number of seconds, at least 0")
        self.retry_after = retry_after
        super().__init__(f"retry after {retry_after} s" if retry_after is not None else "retry later")


class PermanentDelivery(DeliveryFailed):
    """The platform will never take the delivery; ``reason`` is its short error code."""

    def __init__(self, *, reason: str) -> None:
        self.reason = reason
        super().__init__(f"delivery refused: {reason}")
