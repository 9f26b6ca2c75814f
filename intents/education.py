"""The education commands: ``learn``, ``quiz``, ``scores`` and ``schedule``, read from a message into typed values.

Only a message that starts with a command is one (after a leading @mention, ``/her2`` or ``herbot``);
"what is the schedule for retesting?" is a question, not a command. ``learn`` and ``quiz`` keep the
phrasings the intent detector takes as commands ("teach me about HER2-low", "quiz me on IHC").
A ``schedule`` message that reads like a question ("schedule for retesting?") is left to the router,
unless it came as ``/her2 schedule …`` or names a cadence, ``off`` or a time: then anything malformed
gives a ``ScheduleCommand`` whose ``error`` says, in one line, what is wrong and the accepted form.

>>> parse_education_command("quiz me on IHC")
QuizCommand(subject='IHC')
>>> timing = parse_education_command("/her2 schedule weekly MON 09:00 america/new_york").timing
>>> timing.cadence, timing.weekday, timing.at.isoformat("minutes"), timing.zone
(<Cadence.WEEKLY: 'weekly'>, 0, '09:00', 'America/New_York')
>>> parse_education_command("schedule daily 25:00").error
'no such time: hours are 0 to 23 and minutes 00 to 59; use, e.g., schedule daily 08:30'
>>> parse_education_command("what is the schedule for retesting?") is None
True
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import zoneinfo
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

__all__ = [
    "Cadence",
    "EducationCommand",
    "LearnCommand",
    "QuizCommand",
    "ScheduleCommand",
    "ScoresCommand",
    "Timing",
    "parse_education_command",
]


class Cadence(StrEnum):
    """How often a channel's schedule posts."""

    DAILY = "daily"
    WEEKDAYS = "weekdays"
    WEEKLY = "weekly"


@dataclass(frozen=True, slots=True)
class Timing:
    """When a schedule posts: the cadence, the weekday (0 = Monday; weekly only), the local time and its zone."""

    cadence: Cadence
    weekday: int | None
    at: datetime.time
    zone: str = "UTC"


@dataclass(frozen=True, slots=True)
class LearnCommand:
    """``learn [subject]``: a lesson on the subject, or the channel's next lesson when ``subject`` is None."""

    subject: str | None


@dataclass(frozen=True, slots=True)
class QuizCommand:
    """``quiz [subject]``: a question on the subject, or the next one due when ``subject`` is None."""

    subject: str | None


@dataclass(frozen=True, slots=True)
class ScoresCommand:
    """``scores`` (None), ``scores on`` (True) or ``scores off`` (False): the leaderboard setting asked for."""

    leaderboard: bool | None = None


@dataclass(frozen=True, slots=True)
class ScheduleCommand:
    """``schedule`` alone shows; ``timing`` sets; ``off`` stops; ``error`` says why the command was not understood."""

    timing: Timing | None = None
    off: bool = False
    error: str | None = None


EducationCommand = LearnCommand | QuizCommand | ScoresCommand | ScheduleCommand

# Slack mentions the adapters left in, then "/her2", "@herbot," or "her2 " (as intents.detection.commands reads them).
_MENTIONS = r"(?:<@[A-Z0-9]+(?:\|[^>]*)?>[\s,:]*)*"
_PREFIX = re.compile(r"^\s*" + _MENTIONS + r"(?:(?P<explicit>/her2|@?herbot)(?![\w-])[\s,:]*|her2\s+)?", re.I)
_END = r"(?=$|[\s?!.,;:])"
# The same command phrasings as intents.detection.commands, so the detector and this parser agree.
_LEARN = re.compile(
    r"(?:learn|teach\s+(?:me|us|the\s+team)|lessons?|tutorial|crash\s+course|mini\s+lesson|micro\s+lesson"
    r"|educate\s+me)" + _END,
    re.I,
)
_QUIZ = re.compile(
    r"(?:quizz?\s+me|quiz+|qiuz|test\s+(?:me|us|my)|pop\s+quiz|quick\s+quiz|mcqs?)" + _END,
    re.I,
)
_SCORES = re.compile(r"(?:scores?|leaderboard)" + _END, re.I)
_SCHEDULE = re.compile(r"schedule" + _END, re.I)
_FILLERS = re.compile(
    r"^(?:(?:me|us|the\s+team|my\s+knowledge|knowledge|on|about|of|in|with|please|pls|some|more|a|an|the)"
    + _END
    + r"[\s,:]*)+",
    re.I,
)
_PUNCTUATION = " ?!.,;:"
_POLITE = ("please", "pls", "thanks", "thank you")
# A schedule message that names none of these reads as a question about schedules, not a command.
_SCHEDULE_WORDS = frozenset(
    {"off", "on", "stop", "show", "status", "daily", "weekdays", "weekday", "weekly", "every", "everyday", "monthly"}
)
_TIME_LIKE = re.compile(r"\b\d{1,2}:\d{2}\b|\b\d{1,2}(?::\d{2})?\s?[ap]\.?m\b", re.I)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {name: day for day, full in enumerate(_DAYS) for name in (full, full[:3])}
_FORM = "schedule daily|weekdays HH:MM [time zone], schedule weekly DAY HH:MM [time zone], or schedule off"
_EXAMPLES = {
    Cadence.DAILY: "schedule daily 08:30",
    Cadence.WEEKDAYS: "schedule weekdays 08:30",
    Cadence.WEEKLY: "schedule weekly MON 08:30",
}
# Files beside the zones in a system's zoneinfo directory: the machine's own zone, and tzdata's placeholder.
_NOT_ZONES = frozenset({"localtime", "posixrules", "factory"})


def parse_education_command(text: str) -> EducationCommand | None:
    """The education command ``text`` starts with, or None when it is not one."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    prefix = _PREFIX.match(text)
    assert prefix is not None  # every part of the prefix is optional
    rest = text[prefix.end() :]
    if learn := _LEARN.match(rest):
        return LearnCommand(_subject(rest[learn.end() :]))
    if quiz := _QUIZ.match(rest):
        return QuizCommand(_subject(rest[quiz.end() :]))
    if scores := _SCORES.match(rest):
        return _scores(_trimmed(rest[scores.end() :]))
    if schedule := _SCHEDULE.match(rest):
        return _schedule(_trimmed(rest[schedule.end() :]), explicit=bool(prefix["explicit"]))
    return None


def _subject(text: str) -> str | None:
    """What a learn or quiz command names, its leading filler words and trailing punctuation gone."""
    return _trimmed(_FILLERS.sub("", text.lstrip(" ,:"))) or None


def _trimmed(text: str) -> str:
    """``text`` without its trailing punctuation and courtesies ("IHC please?" -> "IHC")."""
    text = text.rstrip(_PUNCTUATION)
    while polite := next((word for word in _POLITE if text.casefold().endswith(" " + word)), None):
        text = text[: -len(polite)].rstrip(_PUNCTUATION)
    return text.strip()


def _scores(rest: str) -> ScoresCommand | None:
    setting = {"": None, "on": True, "off": False}
    return ScoresCommand(setting[rest.casefold()]) if rest.casefold() in setting else None


def _schedule(rest: str, *, explicit: bool) -> ScheduleCommand | None:
    """The schedule command in ``rest`` (what follows the word), or None when it reads as a question."""
    words = rest.split()
    if not words or rest.casefold() in ("show", "status"):
        return ScheduleCommand()
    first = words[0].casefold()
    if not (explicit or first in _SCHEDULE_WORDS or first in _WEEKDAYS or _TIME_LIKE.search(rest)):
        return None
    if first == "off":
        return ScheduleCommand(off=True) if len(words) == 1 else _error(f"nothing follows schedule off; use {_FORM}")
    if first not in tuple(Cadence):
        return _error(f"the word after schedule is not daily, weekdays, weekly or off; use {_FORM}")
    cadence = Cadence(first)
    words = words[1:]
    weekday = None
    if cadence is Cadence.WEEKLY:
        if not words or _TIME.match(words[0]):
            return _error(f"weekly needs a day before the time: {_EXAMPLES[cadence]} [time zone]")
        weekday = _WEEKDAYS.get(words[0].casefold())
        if weekday is None:
            return _error("the word after weekly is not a day; use mon, tue, wed, thu, fri, sat, sun or the full name")
        words = words[1:]
    if not words:
        return _error(f"missing time: use {_EXAMPLES[cadence]} [time zone] (24-hour HH:MM)")
    at = _time(words[0], cadence)
    if isinstance(at, ScheduleCommand):
        return at
    zone = "UTC"
    if len(words) > 1:
        # "America/New York": a zone name spells its spaces as underscores.
        zone = _zone_named("_".join(words[1:]))
        if zone is None:
            return _error("the time zone is not one I know; use an IANA name such as Europe/London")
    return ScheduleCommand(Timing(cadence, weekday, at, zone))


def _time(word: str, cadence: Cadence) -> datetime.time | ScheduleCommand:
    """The 24-hour ``H:MM`` or ``HH:MM`` time in ``word``, or the error that says why it is not one."""
    match = _TIME.match(word)
    if match is None:
        return _error(f"the time is not a 24-hour HH:MM time; use, e.g., {_EXAMPLES[cadence]}")
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return _error(f"no such time: hours are 0 to 23 and minutes 00 to 59; use, e.g., {_EXAMPLES[cadence]}")
    return datetime.time(hour, minute)


@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    """Every IANA zone name zoneinfo knows (from the system or tzdata), by its case-folded spelling."""
    return {name.casefold(): name for name in zoneinfo.available_timezones() if name.casefold() not in _NOT_ZONES}


def _zone_named(text: str) -> str | None:
    """The IANA zone ``text`` names, spelt as the database spells it ("europe/london" -> "Europe/London")."""
    name = _zone_names().get(text.casefold())
    if name is None:
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


def _error(reason: str) -> ScheduleCommand:
    return ScheduleCommand(error=reason)
