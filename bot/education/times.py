"""When a schedule posts next: local wall-clock times in an IANA zone, turned into UTC instants.

Daylight saving: a local time the clocks skip is posted at the first valid minute after it, and a
local time they repeat is posted once, at its first occurrence (``fold=0``).

>>> from datetime import UTC, datetime, time
>>> from intents.education import Cadence, Timing
>>> daily = Timing(Cadence.DAILY, None, time(1, 30), "Europe/London")
>>> next_post_at(daily, datetime(2026, 3, 28, 12, 0, tzinfo=UTC))  # 01:30 is skipped: 02:00 BST
datetime.datetime(2026, 3, 29, 1, 0, tzinfo=datetime.timezone.utc)
>>> local_time_text(datetime(2026, 12, 7, 8, 30, tzinfo=UTC), "Europe/London")
'Mon 7 Dec 2026 08:30 GMT'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from intents.education import Cadence, Timing

__all__ = ["local_time_text", "next_post_at"]

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# No zone has ever skipped more than a few hours of one day.
_LONGEST_GAP = timedelta(hours=24)


def next_post_at(timing: Timing, after: datetime) -> datetime:
    """The first post instant of ``timing`` strictly after ``after`` (timezone-aware), in UTC."""
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("after must be timezone-aware")
    if timing.cadence is Cadence.WEEKLY and timing.weekday not in range(7):
        raise ValueError(f"a weekly schedule needs a weekday from 0 (Monday) to 6, not {timing.weekday!r}")
    zone = ZoneInfo(timing.zone)
    # From the day before: a slot moved past a gap may fall on the next local day.
    day = after.astimezone(zone).date() - timedelta(days=1)
    for offset in range(9):
        candidate = day + timedelta(days=offset)
        if not _posts_on(timing, candidate):
            continue
        instant = _instant(datetime.combine(candidate, timing.at), zone)
        if instant > after:
            return instant
    raise AssertionError(f"no post within nine days of {after.isoformat()} for {timing}")  # every cadence posts weekly


def local_time_text(at: datetime, zone: str) -> str:
    """``at`` as a person in ``zone`` reads it, for confirmations: "Mon 7 Dec 2026 08:30 GMT"."""
    local = at.astimezone(ZoneInfo(zone))
    day, month = _DAY_NAMES[local.weekday()], _MONTH_NAMES[local.month - 1]
    return f"{day} {local.day} {month} {local.year} {local:%H:%M} {local.tzname()}"


def _posts_on(timing: Timing, day: date) -> bool:
    """Whether ``timing`` posts on the local date ``day``."""
    if timing.cadence is Cadence.WEEKDAYS:
        return day.weekday() < 5
    if timing.cadence is Cadence.WEEKLY:
        return day.weekday() == timing.weekday
    return True


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of the naive local time ``wall``: its first occurrence, or the end of the gap it falls in."""
    if _exists(wall, zone):
        return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    step = timedelta(minutes=1)
    later = wall + step
    while not _exists(later, zone):
        if later - wall > _LONGEST_GAP:
            raise AssertionError(f"{wall.isoformat()} in {zone.key} is in a gap longer than a day")
        later += step
    return later.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _exists(wall: datetime, zone: ZoneInfo) -> bool:
    """Whether the clocks in ``zone`` ever show the naive local time ``wall`` (False inside a DST gap)."""
    back = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return back.replace(tzinfo=None) == wall
