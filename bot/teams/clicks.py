"""A click on a quiz card, read from Teams' ``adaptiveCard/action`` invoke: side-effect-free.

Teams sends an ``Action.Execute`` (a button, or the card's refresh) as an invoke whose value is
``{"action": {"type": "Action.Execute", "verb": ..., "data": {...}}, "trigger": "manual" | "automatic"}``.
herbot's verbs carry ids only (``bot.render.teams_education``); anything in them is checked against the
shape of an id before it goes near the store, and nothing else of the activity is read.

    None          not herbot's: another invoke, or an action without one of herbot's verbs (501)
    QuizClick     an answer (``herbot.quiz.answer``: a post and an option) or a view (``herbot.quiz.view``)
    BadClick      herbot's verb with data that is not ids of the right shape (a 400 in the invoke response)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity

from bot.render.teams_education import ANSWER_VERB, VIEW_VERB

__all__ = ["ADAPTIVE_CARD_ACTION", "BadClick", "QuizClick", "read_click"]

ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
_POST_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CONTENT_ID = re.compile(r"[a-z0-9-]{1,64}")


@dataclass(frozen=True, slots=True)
class QuizClick:
    """``verb`` on the posted question ``post_id``: the option chosen (answers only), the lesson the card shows
    above the question and whether a schedule posted it (both only to draw the same card again)."""

    verb: str
    post_id: str
    option_id: str | None = None
    lesson_id: str | None = None
    scheduled: bool = False


@dataclass(frozen=True, slots=True)
class BadClick:
    """One of herbot's verbs with data it never sends: why, in a few words."""

    reason: str


def read_click(activity: Activity) -> QuizClick | BadClick | None:
    """The quiz click ``activity`` carries, why it is malformed, or ``None`` when it is no quiz click.

    >>> def invoke(verb: str, **data: str) -> Activity:
    ...     action = {"type": "Action.Execute", "verb": verb, "data": data}
    ...     return Activity(type="invoke", name="adaptiveCard/action", value={"action": action})
    >>> read_click(invoke("herbot.quiz.answer", post="ab12", option="group-4"))
    QuizClick(verb='herbot.quiz.answer', post_id='ab12', option_id='group-4', lesson_id=None, scheduled=False)
    >>> read_click(invoke("herbot.quiz.answer", post="ab12"))
    BadClick(reason='no option')
    >>> read_click(invoke("approve", post="ab12")) is None
    True
    """
    if activity.type != "invoke" or activity.name != ADAPTIVE_CARD_ACTION:
        return None
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action")
    verb = action.get("verb") if isinstance(action, dict) else None
    if verb not in (ANSWER_VERB, VIEW_VERB):
        return None
    assert isinstance(action, dict)
    if action.get("type") != "Action.Execute":
        return BadClick("not an Action.Execute")
    data = action.get("data")
    if not isinstance(data, dict):
        return BadClick("no data")
    post = _matching(data.get("post"), _POST_ID)
    if post is None:
        return BadClick("no post")
    option = _matching(data.get("option"), _CONTENT_ID)
    if verb == ANSWER_VERB and option is None:
        return BadClick("no option")
    lesson = _matching(data.get("lesson"), _CONTENT_ID)
    return QuizClick(verb, post, option if verb == ANSWER_VERB else None, lesson, data.get("scheduled") is True)


def _matching(value: Any, shape: re.Pattern[str]) -> str | None:
    return value if isinstance(value, str) and shape.fullmatch(value) else None
