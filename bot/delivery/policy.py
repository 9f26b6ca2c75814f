"""When to try a failed delivery again: back-off with jitter, honouring Retry-After, never past the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["RetryPolicy"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Attempt ``n`` (1-based) failed: wait ``first_delay * multiplier**(n-1)``, at most ``max_delay``, less a
    random share of up to ``jitter`` of it, so replicas retrying together spread out. A platform's own
    Retry-After replaces the back-off. No attempt is planned past the delivery's deadline or after
    ``max_attempts``.

    >>> from datetime import UTC, datetime
    >>> now, deadline = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, 0, 30, tzinfo=UTC)
    >>> policy = RetryPolicy()
    >>> [str(policy.next_attempt(attempts=n, now=now, not_after=deadline, random=0.0) - now) for n in (1, 2, 3, 8)]
    ['0:00:01', '0:00:02', '0:00:04', '0:01:00']
    >>> str(policy.next_attempt(attempts=1, now=now, not_after=deadline, random=1.0) - now)
    '0:00:00.500000'
    >>> str(policy.next_attempt(attempts=1, now=now, not_after=deadline, retry_after=30, random=0.0) - now)
    '0:00:30'
    >>> policy.next_attempt(attempts=1, now=now, not_after=deadline, retry_after=3600, random=0.0) is None
    True
    """

    first_delay: timedelta = timedelta(seconds=1)
    multiplier: float = 2.0
    max_delay: timedelta = timedelta(minutes=1)
    jitter: float = 0.5
    max_attempts: int = 12

    def __post_init__(self) -> None:
        if self.first_delay <= timedelta(0) or self.max_delay < self.first_delay:
            raise ValueError("first_delay must be positive and at most max_delay")
        if self.multiplier < 1 or not 0 <= self.jitter <= 1 or self.max_attempts < 1:
            raise ValueError("multiplier must be at least 1, jitter within [0, 1], max_attempts at least 1")

    def next_attempt(
        self,
        *,
        attempts: int,
        now: datetime,
        not_after: datetime,
        retry_after: float | None = None,
        random: float,
    ) -> datetime | None:
        """When to try again after ``attempts`` failed attempts; ``None``: give up. ``random`` is drawn from [0, 1)."""
        if attempts >= self.max_attempts:
            return None
        if retry_after is not None:
            delay = timedelta(seconds=retry_after)
        else:
            exponent = min(attempts - 1, 64)  # beyond this every delay is max_delay anyway
            seconds = self.first_delay.total_seconds() * self.multiplier**exponent
            backoff = min(seconds, self.max_delay.total_seconds())
            delay = timedelta(seconds=backoff * (1 - self.jitter * random))
        at = now + delay
        return at if at <= not_after else None
