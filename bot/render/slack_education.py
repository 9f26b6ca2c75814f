"""Slack Block Kit rendering of the education replies: lessons, quizzes with buttons, scores, schedules.

A public reply (posted for everyone), top to bottom::

    the explanation, as every answer renders (``bot.render.slack``), without its follow-ups and disclaimer
    section   *Check yourself* / *Quiz on <lesson>*  the question          (a quiz, when there is one)
    actions   [option] [option] [option]                                  herbot_quiz_<n>, value {"post", "option"}
    context   answer with a button: only you see whether you were right
    actions   follow-up buttons
    context   Set by <@U…>  /  Scheduled by <@U…>                         (who set a schedule, turned scores off)
    context   disclaimer                                                  (always last)

Scores, shown only to the person who asked (``for_asker``, as is any private reply)::

    section   *Scores in this channel*  1. <@U…>: 5 right of 6 ...        or that the leaderboard is off
    context   You: rank 3, 4 right of 6 · lessons done: 2 of 12
    section   *What this channel gets wrong most* [1][2]  • topic: chosen taken for right — 7 times
    context   [1] <url|short> · [2] ...                                   the sources of the right answers
    context   disclaimer

A person appears only as a Slack mention built from their id (``slack:<team>:<user>``), and only when that
id is a Slack user id; nothing anyone typed reaches a mention or a link. A button carries ids only: the
posted question's and the option's. This module sits below ``bot.education``: it reads the replies through
the reply types of ``intents.education_replies``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import jinja2
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    PlainTextObject,
)

from bot.engine.explanation import DISCLAIMER, Explanation
from bot.engine.sources import SourceRegistry
from bot.render.citations import Citations
from bot.render.environment import create_environment
from bot.render.slack import (
    MAX_BUTTON_TEXT,
    MAX_FALLBACK,
    MAX_FOLLOW_UPS,
    SlackMessage,
    SlackRenderer,
    contexts,
    fit,
    follow_up_action,
    sections,
)
from intents.education_replies import EducationReply as Reply
from intents.education_replies import QuizView as PostedQuiz
from intents.education_replies import Standings as Scores

__all__ = [
    "CHECK_YOURSELF",
    "QUIZ_ACTION",
    "QuizChoice",
    "SlackEducationRenderer",
    "quiz_action",
    "quiz_button_value",
    "read_quiz_choice",
    "slack_user",
]

QUIZ_ACTION = re.compile(r"^herbot_quiz_\d+$")
CHECK_YOURSELF = "Check yourself"
SET_BY = "Set by"
SCHEDULED_BY = "Scheduled by"
SCORES_FALLBACK = "Scores in this channel"
ELLIPSIS = "…"

_SLACK_USER = re.compile(r"[UW][A-Z0-9]{1,20}")
_POST_ID = re.compile(r"[0-9A-Za-z-]{1,64}")
_OPTION_ID = re.compile(r"[a-z0-9-]{1,64}")


def quiz_action(index: int) -> str:
    """The action id of a quiz's ``index``-th option button: ``herbot_quiz_0``, ``_1``, ..."""
    return f"herbot_quiz_{index}"


@dataclass(frozen=True, slots=True)
class QuizChoice:
    """What a quiz button says was chosen: the posted question's id and the option's id."""

    post_id: str
    option_id: str


def quiz_button_value(post_id: str, option_id: str) -> str:
    """A quiz button's value: ids only.

    >>> quiz_button_value("0f3a", "group-4")
    '{"post":"0f3a","option":"group-4"}'
    """
    return json.dumps({"post": post_id, "option": option_id}, separators=(",", ":"))


def read_quiz_choice(value: str) -> QuizChoice | None:
    """The choice a quiz button's value carries; ``None`` for anything that is not one of ours.

    >>> read_quiz_choice('{"post":"0f3a","option":"group-4"}')
    QuizChoice(post_id='0f3a', option_id='group-4')
    >>> read_quiz_choice('{"post":"0f3a"}'), read_quiz_choice("not json"), read_quiz_choice("[1]")
    (None, None, None)
    """
    try:
        data = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    post, option = data.get("post"), data.get("option")
    if not (isinstance(post, str) and _POST_ID.fullmatch(post)):
        return None
    if not (isinstance(option, str) and _OPTION_ID.fullmatch(option)):
        return None
    return QuizChoice(post, option)


def slack_user(person: str | None) -> str | None:
    """The Slack user id in a person id (``slack:T1:U1`` -> ``U1``); ``None`` for anything else.

    >>> slack_user("slack:T1:U0123ABC"), slack_user("slack:T1:<!channel>"), slack_user("teams:t:U1")
    ('U0123ABC', None, None)
    """
    surface, _, rest = (person or "").partition(":")
    _, _, user = rest.partition(":")
    return user if surface == "slack" and _SLACK_USER.fullmatch(user) else None


class SlackEducationRenderer:
    """Renders education replies as Block Kit messages; explanations go through ``answers``, the answer renderer."""

    def __init__(
        self, answers: SlackRenderer, sources: SourceRegistry, environment: jinja2.Environment | None = None
    ) -> None:
        self._answers = answers
        self._sources = sources
        self._environment = environment or create_environment("slack")
        self._escape: Callable[[str], str] = self._environment.filters["mrkdwn"]

    def render(self, reply: Reply, *, scheduled_by: str | None = None) -> SlackMessage:
        """``reply`` as Slack shows it: its public part for everyone (``in_channel``), else its private part and
        scores for the asker alone (``for_asker``). ``scheduled_by`` names who set the schedule a post comes from."""
        if reply.public is not None or reply.quiz is not None:
            named = (SCHEDULED_BY, scheduled_by) if scheduled_by else (SET_BY, reply.by)
            return self._public(reply.public, reply.quiz, named)
        if reply.standings is not None:
            return self._scores(reply.standings, reply.private)
        if reply.private is not None:
            return replace(self._answers.render(reply.private), for_asker=True)
        raise ValueError("an education reply with nothing to show")

    def _public(
        self, explanation: Explanation | None, quiz: PostedQuiz | None, named: tuple[str, str | None]
    ) -> SlackMessage:
        blocks: list[Block] = []
        text = ""
        follow_ups: Sequence[str] = ()
        disclaimer = DISCLAIMER
        if explanation is not None:
            # Follow-ups and the disclaimer come after the question, so the question sits under the lesson.
            shown = self._answers.render(replace(explanation, follow_ups=(), disclaimer=""))
            blocks += shown.blocks
            text = shown.text
            follow_ups, disclaimer = explanation.follow_ups, explanation.disclaimer
        if quiz is not None:
            heading = CHECK_YOURSELF if explanation is not None else quiz.heading
            blocks += self._quiz(quiz, heading)
            text = text or fit(self._escape, f"{heading}: {quiz.question.prompt}", MAX_FALLBACK)
        blocks += self._follow_ups(follow_ups)
        label, person = named
        user = slack_user(person)
        if user is not None:
            blocks += contexts([self._template("named_by.mrkdwn.j2", label=label, user=user)])
        blocks += contexts([self._template("disclaimer.mrkdwn.j2", disclaimer=disclaimer)])
        return SlackMessage(text=text, blocks=tuple(blocks), in_channel=True)

    def _quiz(self, quiz: PostedQuiz, heading: str) -> list[Block]:
        question = quiz.question
        buttons = [
            ButtonElement(
                text=PlainTextObject(text=self._label(option.label)),
                action_id=quiz_action(index),
                value=quiz_button_value(quiz.post_id, option.id),
            )
            for index, option in enumerate(question.options)
        ]
        return [
            *sections(self._template("quiz.mrkdwn.j2", heading=heading, prompt=question.prompt)),
            ActionsBlock(elements=buttons),
            *contexts([self._template("quiz_hint.mrkdwn.j2")]),
        ]

    def _scores(self, scores: Scores, private: Explanation | None) -> SlackMessage:
        said = [private.headline.text, *private.notices] if private is not None else []
        ranked = None
        if scores.leaderboard is not None:
            ranked = [_Line(r.rank, slack_user(r.person), r.correct, r.answered) for r in scores.leaderboard]
        sources = self._sources.resolve(tuple(dict.fromkeys(scores.sources)))
        marks = Citations(sources).marks(source.id for source in sources)
        blocks: list[Block] = [
            *contexts(self._template("notice.mrkdwn.j2", notice=line) for line in said),
            *sections(self._template("leaderboard.mrkdwn.j2", ranked=ranked)),
            *contexts(
                [
                    self._template(
                        "standing.mrkdwn.j2", mine=scores.mine, done=scores.lessons_done, total=scores.lessons_total
                    )
                ]
            ),
            *sections(self._template("confusions.mrkdwn.j2", confusions=scores.confusions, marks=marks)),
        ]
        if sources and scores.confusions:
            blocks += [DividerBlock(), *contexts([self._template("references.mrkdwn.j2", sources=sources)])]
        blocks += contexts([self._template("disclaimer.mrkdwn.j2", disclaimer=DISCLAIMER)])
        return SlackMessage(text=SCORES_FALLBACK, blocks=tuple(blocks), for_asker=True)

    def _follow_ups(self, follow_ups: Sequence[str]) -> list[Block]:
        asks = [ask for ask in follow_ups if ask.strip()][:MAX_FOLLOW_UPS]
        if not asks:
            return []
        buttons = [
            ButtonElement(text=PlainTextObject(text=self._label(ask)), action_id=follow_up_action(i), value=ask)
            for i, ask in enumerate(asks)
        ]
        return [ActionsBlock(elements=buttons)]

    def _label(self, label: str) -> str:
        """A button's text, escaped as every text object is, cut (before escaping) to fit Slack's limit."""
        escaped = self._escape(label)
        while len(escaped) > MAX_BUTTON_TEXT:
            label = label[:-1]
            escaped = self._escape(label.rstrip() + ELLIPSIS)
        return escaped

    def _template(self, name: str, **context: Any) -> str:
        return self._environment.get_template(name).render(**context).strip()


@dataclass(frozen=True, slots=True)
class _Line:
    """A leaderboard line as the template draws it: ``user`` is a checked Slack user id, or ``None``."""

    rank: int
    user: str | None
    correct: int
    answered: int
