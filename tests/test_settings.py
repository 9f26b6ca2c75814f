"""Timings read from the environment: the defaults the README lists, and values within their bounds."""

from __future__ import annotations

from datetime import timedelta

from bot.settings import load_settings


def test_unset_timings_take_the_defaults_the_readme_lists() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.delivery_lease == timedelta(seconds=30)
    assert settings.schedule_poll == timedelta(seconds=15)
    assert settings.schedule_lease == timedelta(minutes=2)
    assert settings.schedule_max_late == timedelta(hours=1)


def test_timings_are_read_in_their_units() -> None:
    settings = load_settings(
        {
            "HERBOT_DELIVERY_LEASE_SECONDS": "45",
            "HERBOT_SCHEDULE_POLL_SECONDS": "0.5",
            "HERBOT_SCHEDULE_LEASE_SECONDS": "11",
            "HERBOT_SCHEDULE_MAX_LATE_MINUTES": "0",
        },
        env_file=None,
    )
    assert settings.delivery_lease == timedelta(seconds=45)
    assert settings.schedule_poll == timedelta(seconds=0.5)
    assert settings.schedule_lease == timedelta(seconds=11)
    assert settings.schedule_max_late == timedelta(0)
