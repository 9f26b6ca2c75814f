"""Education commands: each phrasing reads as exactly one command, or as no command at all."""

from __future__ import annotations

from datetime import time

import pytest

from intents.detection import normalise
from intents.detection.commands import command_intent
from intents.education import (
    Cadence,
    EducationCommand,
    LearnCommand,
    QuizCommand,
    ScheduleCommand,
    ScoresCommand,
    Timing,
    parse_education_command,
)

FORM = "schedule daily|weekdays HH:MM [time zone], schedule weekly DAY HH:MM [time zone], or schedule off"


def _daily(hour: int, minute: int, zone: str = "UTC") -> ScheduleCommand:
    return ScheduleCommand(Timing(Cadence.DAILY, None, time(hour, minute), zone))


def _weekdays(hour: int, minute: int, zone: str = "UTC") -> ScheduleCommand:
    return ScheduleCommand(Timing(Cadence.WEEKDAYS, None, time(hour, minute), zone))


def _weekly(day: int, hour: int, minute: int, zone: str = "UTC") -> ScheduleCommand:
    return ScheduleCommand(Timing(Cadence.WEEKLY, day, time(hour, minute), zone))


COMMANDS: list[tuple[str, EducationCommand | None]] = [
    # learn
    ("learn", LearnCommand(None)),
    ("Learn", LearnCommand(None)),
    ("learn HER2-low", LearnCommand("HER2-low")),
    ("/her2 learn ish groups", LearnCommand("ish groups")),
    ("/HER2   LEARN   ISH groups  ", LearnCommand("ISH groups")),
    ("her2 learn", LearnCommand(None)),
    ("learn about HER2-low", LearnCommand("HER2-low")),
    ("learn: retesting", LearnCommand("retesting")),
    ("teach me about HER2-low", LearnCommand("HER2-low")),
    ("Teach us about the ISH groups please?", LearnCommand("ISH groups")),
    ("teach the team about triple-negative", LearnCommand("triple-negative")),
    ("lesson on IHC", LearnCommand("IHC")),
    ("tutorial", LearnCommand(None)),
    ("@herbot, learn HER2-ultralow", LearnCommand("HER2-ultralow")),
    ("<@U0BOT> learn ISH", LearnCommand("ISH")),
    ("learn on", LearnCommand(None)),
    # quiz
    ("quiz", QuizCommand(None)),
    ("QUIZ", QuizCommand(None)),
    ("quiz ihc", QuizCommand("ihc")),
    ("quiz me", QuizCommand(None)),
    ("quiz me on IHC", QuizCommand("IHC")),
    ("quizz me about ISH groups!", QuizCommand("ISH groups")),
    ("/her2 quiz HER2-low", QuizCommand("HER2-low")),
    ("test me on retesting", QuizCommand("retesting")),
    ("test my knowledge of ISH groups", QuizCommand("ISH groups")),
    ("pop quiz", QuizCommand(None)),
    ("herbot quiz", QuizCommand(None)),
    # scores
    ("scores", ScoresCommand(None)),
    ("/her2 scores", ScoresCommand(None)),
    ("scores off", ScoresCommand(False)),
    ("Scores ON", ScoresCommand(True)),
    ("scores  off.", ScoresCommand(False)),
    # schedule: show, off, set
    ("schedule", ScheduleCommand()),
    ("/her2 schedule", ScheduleCommand()),
    ("schedule?", ScheduleCommand()),
    ("schedule off", ScheduleCommand(off=True)),
    ("SCHEDULE OFF", ScheduleCommand(off=True)),
    ("schedule daily 08:30", _daily(8, 30)),
    ("schedule daily 0:00", _daily(0, 0)),
    ("schedule daily 23:59", _daily(23, 59)),
    ("schedule weekdays 7:05 Europe/London", _weekdays(7, 5, "Europe/London")),
    ("schedule weekly MON 09:00 America/New_York", _weekly(0, 9, 0, "America/New_York")),
    ("schedule weekly monday 09:00", _weekly(0, 9, 0)),
    ("schedule weekly Sun 18:45 australia/lord_howe", _weekly(6, 18, 45, "Australia/Lord_Howe")),
    ("schedule weekly friday 12:00 utc", _weekly(4, 12, 0, "UTC")),
    ("schedule daily 08:30 America/New York", _daily(8, 30, "America/New_York")),
    ("  /her2   schedule   daily   08:30   Asia/Kolkata  ", _daily(8, 30, "Asia/Kolkata")),
    ("schedule daily 08:30.", _daily(8, 30)),
    ("schedule daily ０８：３０", _daily(8, 30)),
    # not education commands
    ("what is the schedule for retesting?", None),
    ("schedule for HER2 retesting after neoadjuvant therapy?", None),
    ("is there a quiz?", None),
    ("what does learn mean", None),
    ("scores for IHC?", None),
    ("score 2+ means what?", None),
    ("learning is fun", None),
    ("quizzes", None),
    ("teach", None),
    ("/her2", None),
    ("/her2 help", None),
    ("IHC 2+, ratio 1.8", None),
    ("", None),
]

ZONE = "the time zone is not one I know; use an IANA name such as Europe/London"
HOURS = "no such time: hours are 0 to 23 and minutes 00 to 59; use, e.g., "
NOT_TIME = "the time is not a 24-hour HH:MM time; use, e.g., "
NOT_CADENCE = f"the word after schedule is not daily, weekdays, weekly or off; use {FORM}"
# An error names what is wrong by its place, never by repeating what was typed: a reply is stored until it is sent.
ERRORS: list[tuple[str, str]] = [
    ("schedule weekdays 7:05 Europe/Londn", ZONE),
    ("schedule daily 08:30 Mars/Olympus", ZONE),
    ("schedule daily 08:30 Europe/London please now", ZONE),
    ("schedule daily 08:30 localtime", ZONE),
    ("schedule daily 25:00", HOURS + "schedule daily 08:30"),
    ("schedule weekdays 12:60", HOURS + "schedule weekdays 08:30"),
    ("schedule daily 7:5", NOT_TIME + "schedule daily 08:30"),
    ("schedule daily 0830", NOT_TIME + "schedule daily 08:30"),
    ("schedule weekly monday 9am", NOT_TIME + "schedule weekly MON 08:30"),
    ("schedule daily", "missing time: use schedule daily 08:30 [time zone] (24-hour HH:MM)"),
    ("schedule weekly mon", "missing time: use schedule weekly MON 08:30 [time zone] (24-hour HH:MM)"),
    ("schedule weekly", "weekly needs a day before the time: schedule weekly MON 08:30 [time zone]"),
    ("schedule weekly 09:00", "weekly needs a day before the time: schedule weekly MON 08:30 [time zone]"),
    (
        "schedule weekly funday 09:00",
        "the word after weekly is not a day; use mon, tue, wed, thu, fri, sat, sun or the full name",
    ),
    ("schedule dialy 08:30", NOT_CADENCE),
    ("schedule monday 09:00", NOT_CADENCE),
    ("schedule 08:30", NOT_CADENCE),
    ("schedule on", NOT_CADENCE),
    ("/her2 schedule for retesting", NOT_CADENCE),
    ("schedule off now", f"nothing follows schedule off; use {FORM}"),
    ("schedule daily 08:30 Jane Doewright MRN 00417", ZONE),
]

# Phrasings the intent detector takes as lesson or quiz commands: the parser reads them the same way.
DETECTOR_COMMANDS = [
    "learn",
    "learn HER2-low",
    "/her2 learn ish groups",
    "teach me about HER2-low",
    "teach us ISH",
    "lessons",
    "crash course on IHC",
    "educate me",
    "quiz",
    "quiz me on IHC 2+",
    "test us",
    "quick quiz",
    "mcq",
    "@herbot quiz",
    "what is ISH?",
    "what is the schedule for retesting?",
]


@pytest.mark.parametrize(("text", "command"), COMMANDS, ids=[text or "empty" for text, _ in COMMANDS])
def test_command(text: str, command: EducationCommand | None) -> None:
    assert parse_education_command(text) == command


@pytest.mark.parametrize(("text", "error"), ERRORS, ids=[text[:60] for text, _ in ERRORS])
def test_malformed_schedule_says_what_is_wrong(text: str, error: str) -> None:
    assert parse_education_command(text) == ScheduleCommand(error=error)


@pytest.mark.parametrize("text", DETECTOR_COMMANDS)
def test_parser_agrees_with_the_intent_detector(text: str) -> None:
    kinds = {LearnCommand: "learn", QuizCommand: "quiz"}
    assert kinds.get(type(parse_education_command(text))) == command_intent(normalise(text))
