"""Schedule times: the next post instant across daylight-saving changes, and the local time a confirmation names."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.education.times import local_time_text, next_post_at
from intents.education import Cadence, Timing

DAILY, WEEKDAYS, WEEKLY = Cadence.DAILY, Cadence.WEEKDAYS, Cadence.WEEKLY
MON, WED, FRI, SUN = 0, 2, 4, 6
LONDON, NEW_YORK, SYDNEY, LORD_HOWE = "Europe/London", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe"

# id, cadence, weekday, local time, zone, after (UTC), expected post (UTC); a comment gives it in local time.
NEXT_POSTS = [
    # Europe/London 2026: 01:00 GMT -> 02:00 BST on Sun 29 Mar; 02:00 BST -> 01:00 GMT on Sun 25 Oct.
    ("london-skipped-time", DAILY, None, "01:30", LONDON, "2026-03-28T12:00", "2026-03-29T01:00"),  # 02:00 BST
    ("london-gap-start", DAILY, None, "01:00", LONDON, "2026-03-28T12:00", "2026-03-29T01:00"),  # 02:00 BST
    ("london-gap-last-minute", DAILY, None, "01:59", LONDON, "2026-03-28T12:00", "2026-03-29T01:00"),  # 02:00 BST
    ("london-after-the-gap", DAILY, None, "02:30", LONDON, "2026-03-28T12:00", "2026-03-29T01:30"),  # 02:30 BST
    ("london-spring-morning", DAILY, None, "08:30", LONDON, "2026-03-28T12:00", "2026-03-29T07:30"),  # 08:30 BST
    ("london-day-before-spring", DAILY, None, "08:30", LONDON, "2026-03-28T07:00", "2026-03-28T08:30"),  # 08:30 GMT
    ("london-repeated-first", DAILY, None, "01:30", LONDON, "2026-10-24T12:00", "2026-10-25T00:30"),  # 01:30 BST
    ("london-repeated-once", DAILY, None, "01:30", LONDON, "2026-10-25T00:30", "2026-10-26T01:30"),  # next day GMT
    ("london-between-repeats", DAILY, None, "01:30", LONDON, "2026-10-25T01:00", "2026-10-26T01:30"),
    # America/New_York 2026: 02:00 EST -> 03:00 EDT on Sun 8 Mar; 02:00 EDT -> 01:00 EST on Sun 1 Nov.
    ("new-york-skipped-time", DAILY, None, "02:15", NEW_YORK, "2026-03-07T12:00", "2026-03-08T07:00"),  # 03:00 EDT
    ("new-york-repeated-first", DAILY, None, "01:45", NEW_YORK, "2026-10-31T12:00", "2026-11-01T05:45"),  # EDT
    ("new-york-repeated-once", DAILY, None, "01:45", NEW_YORK, "2026-11-01T05:45", "2026-11-02T06:45"),  # EST
    # Australia/Sydney 2026: 03:00 AEDT -> 02:00 AEST on Sun 5 Apr; 02:00 AEST -> 03:00 AEDT on Sun 4 Oct.
    ("sydney-skipped-time", DAILY, None, "02:30", SYDNEY, "2026-10-03T00:00", "2026-10-03T16:00"),  # 03:00 AEDT
    ("sydney-repeated-first", DAILY, None, "02:30", SYDNEY, "2026-04-04T00:00", "2026-04-04T15:30"),  # AEDT
    ("sydney-repeated-once", DAILY, None, "02:30", SYDNEY, "2026-04-04T15:30", "2026-04-05T16:30"),  # AEST
    # Australia/Lord_Howe 2026, a 30-minute shift: 02:00 (+11) -> 01:30 (+10:30) on 5 Apr; 02:00 -> 02:30 on 4 Oct.
    ("lord-howe-skipped-time", DAILY, None, "02:15", LORD_HOWE, "2026-10-03T00:00", "2026-10-03T15:30"),  # 02:30
    ("lord-howe-gap-start", DAILY, None, "02:00", LORD_HOWE, "2026-10-03T00:00", "2026-10-03T15:30"),  # 02:30
    ("lord-howe-repeated-first", DAILY, None, "01:45", LORD_HOWE, "2026-04-04T00:00", "2026-04-04T14:45"),  # +11
    ("lord-howe-repeated-once", DAILY, None, "01:45", LORD_HOWE, "2026-04-04T14:45", "2026-04-05T15:15"),  # +10:30
    ("lord-howe-summer-morning", DAILY, None, "09:00", LORD_HOWE, "2026-10-04T00:00", "2026-10-04T22:00"),  # +11
    # Weekdays: Monday to Friday (Fri 6 Mar 2026, London in GMT).
    ("weekdays-friday-before", WEEKDAYS, None, "08:00", LONDON, "2026-03-06T07:59", "2026-03-06T08:00"),
    ("weekdays-over-weekend", WEEKDAYS, None, "08:00", LONDON, "2026-03-06T09:00", "2026-03-09T08:00"),
    ("weekdays-from-saturday", WEEKDAYS, None, "08:00", LONDON, "2026-03-07T10:00", "2026-03-09T08:00"),
    ("weekdays-sunday-night", WEEKDAYS, None, "08:00", SYDNEY, "2026-03-08T12:00", "2026-03-08T21:00"),  # Mon AEDT
    # Weekly.
    ("weekly-across-dst", WEEKLY, MON, "09:00", NEW_YORK, "2026-03-02T14:00", "2026-03-09T13:00"),  # EST, then EDT
    ("weekly-same-day-later", WEEKLY, WED, "18:00", "UTC", "2026-03-04T12:00", "2026-03-04T18:00"),
    ("weekly-repeated-hour", WEEKLY, SUN, "01:30", LONDON, "2026-10-20T00:00", "2026-10-25T00:30"),
    ("weekly-skipped-hour", WEEKLY, SUN, "02:30", SYDNEY, "2026-10-01T00:00", "2026-10-03T16:00"),
    ("weekly-new-year", WEEKLY, FRI, "17:00", "Asia/Kolkata", "2026-12-31T12:00", "2027-01-01T11:30"),
    # UTC, and strictly after.
    ("utc-exactly-at-slot", DAILY, None, "00:00", "UTC", "2027-01-01T00:00", "2027-01-02T00:00"),
    ("utc-minute-before", DAILY, None, "00:00", "UTC", "2026-12-31T23:59", "2027-01-01T00:00"),
    ("utc-just-after-slot", DAILY, None, "08:30", "UTC", "2026-06-01T08:30:00.000001", "2026-06-02T08:30"),
    ("utc-leap-day", DAILY, None, "23:59", "UTC", "2028-02-28T23:59", "2028-02-29T23:59"),
]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("cadence", "weekday", "at", "zone", "after", "expected"), [pytest.param(*row[1:], id=row[0]) for row in NEXT_POSTS]
)
def test_next_post_at(cadence: Cadence, weekday: int | None, at: str, zone: str, after: str, expected: str) -> None:
    assert next_post_at(Timing(cadence, weekday, time.fromisoformat(at), zone), _utc(after)) == _utc(expected)


def test_after_in_another_offset_is_the_same_instant() -> None:
    timing = Timing(DAILY, None, time(8, 30), LONDON)
    after = datetime(2026, 6, 1, 9, 0, tzinfo=timezone(timedelta(hours=2)))  # 07:00 UTC, 08:00 BST
    assert next_post_at(timing, after) == _utc("2026-06-01T07:30")


@pytest.mark.parametrize(
    ("timing", "after"),
    [
        pytest.param(Timing(DAILY, None, time(8, 30)), datetime(2026, 6, 1, 9, 0), id="naive-after"),
        pytest.param(Timing(WEEKLY, None, time(8, 30)), _utc("2026-06-01T09:00"), id="weekly-without-a-day"),
        pytest.param(Timing(WEEKLY, 7, time(8, 30)), _utc("2026-06-01T09:00"), id="weekly-on-day-7"),
    ],
)
def test_refused(timing: Timing, after: datetime) -> None:
    with pytest.raises(ValueError):
        next_post_at(timing, after)


LOCAL_TIMES = [
    ("2026-12-07T08:30", LONDON, "Mon 7 Dec 2026 08:30 GMT"),
    ("2026-07-06T07:30", LONDON, "Mon 6 Jul 2026 08:30 BST"),
    ("2026-03-09T13:00", NEW_YORK, "Mon 9 Mar 2026 09:00 EDT"),
    ("2026-10-03T16:00", SYDNEY, "Sun 4 Oct 2026 03:00 AEDT"),
    ("2026-10-03T15:30", LORD_HOWE, "Sun 4 Oct 2026 02:30 +11"),
    ("2027-01-01T11:30", "Asia/Kolkata", "Fri 1 Jan 2027 17:00 IST"),
    ("2027-01-01T00:00", "UTC", "Fri 1 Jan 2027 00:00 UTC"),
]


@pytest.mark.parametrize(("at", "zone", "text"), LOCAL_TIMES, ids=[f"{zone}-{at}" for at, zone, _ in LOCAL_TIMES])
def test_local_time_text(at: str, zone: str, text: str) -> None:
    assert local_time_text(_utc(at), zone) == text


TIMINGS = st.builds(
    Timing,
    cadence=st.sampled_from(list(Cadence)),
    weekday=st.integers(0, 6),
    at=st.times().map(lambda moment: moment.replace(second=0, microsecond=0)),
    zone=st.sampled_from([LONDON, NEW_YORK, SYDNEY, LORD_HOWE, "America/Santiago", "Asia/Kolkata", "UTC"]),
)
AFTER = st.datetimes(datetime(2025, 1, 1), datetime(2028, 12, 31), timezones=st.just(UTC))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(timing=TIMINGS, after=AFTER)
def test_the_next_post_is_the_first_valid_slot(timing: Timing, after: datetime) -> None:
    post = next_post_at(timing, after)
    local = post.astimezone(ZoneInfo(timing.zone))
    wall = datetime.combine(local.date(), timing.at)
    skipped = wall.replace(tzinfo=ZoneInfo(timing.zone)).astimezone(UTC).astimezone(ZoneInfo(timing.zone))
    posts_on = {DAILY: range(7), WEEKDAYS: range(5), WEEKLY: (timing.weekday,)}[timing.cadence]
    assert after < post <= after + timedelta(days=8)
    assert local.time() == timing.at or skipped.replace(tzinfo=None) != wall  # on time, or the time was skipped
    assert local.weekday() in posts_on
    assert next_post_at(timing, after + (post - after) / 2) == post  # nothing between
