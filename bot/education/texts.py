"""The sentences the education commands answer with: feedback on an answer, a schedule, a question gone."""

from __future__ import annotations

from bot.education.times import local_time_text
from bot.engine.explanation import Claim, Explanation
from bot.knowledge.education import Option, QuizQuestion
from bot.store.education import ScheduleRecord

__all__ = ["answer_feedback", "schedule_text", "unavailable"]

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def answer_feedback(question: QuizQuestion, chosen: Option, *, again: bool) -> Explanation:
    """Whether ``chosen`` is right, why, and (when it is not) why the right option is; ``again``: a second click."""
    right = question.right
    correct = chosen.id == right.id
    if again:
        verdict = "right" if correct else "not right"
        headline = Claim(f"You already answered this one: {chosen.label} ({verdict}). Your first answer counts.", ())
    elif correct:
        headline = Claim(f"Right: {chosen.label}.", ())
    else:
        headline = Claim(f"Not quite: the answer is {right.label}.", ())
    points = (
        (right.why,)
        if correct
        else (right.why, Claim(f"You chose {chosen.label}: {chosen.why.text}", chosen.why.sources))
    )
    return Explanation(intent="quiz", headline=headline, points=points, follow_ups=("quiz", "scores"), full=True)


def unavailable() -> Explanation:
    """A click on a question herbot no longer knows (or an option it never offered)."""
    return Explanation(
        intent="quiz",
        headline=Claim("That question is no longer available: ask for a new one.", ()),
        follow_ups=("quiz",),
    )


def schedule_text(schedule: ScheduleRecord | None, *, just_set: bool = False) -> Explanation:
    """A channel's schedule in words, with the local time of its next post; or that it has none."""
    if schedule is None or not schedule.active:
        reason = f" It was turned off because {schedule.off_reason}." if schedule and schedule.off_reason else ""
        text = f"This channel has no schedule.{reason} Set one with: schedule weekdays 08:30 Europe/London"
        return Explanation(intent="schedule", headline=Claim(text, ()))
    when = {"daily": "every day", "weekdays": "every weekday (Monday to Friday)"}.get(schedule.cadence)
    if when is None:
        when = f"every {_DAYS[schedule.weekday or 0]}"
    start = "Scheduled" if just_set else "This channel's schedule"
    text = (
        f"{start}: the next lesson or quiz {when} at {schedule.at_time} ({schedule.zone}); "
        f"next post {local_time_text(schedule.next_due_at, schedule.zone)}."
    )
    return Explanation(intent="schedule", headline=Claim(text, ()))
