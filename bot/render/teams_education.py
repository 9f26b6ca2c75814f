"""Microsoft Teams rendering of channel education: quiz cards answered privately, and a channel's scores.

A quiz card (Adaptive Card 1.5), top to bottom::

    TextBlock   Scheduled by a member of this channel      (a scheduled post)
    ...         the lesson, as ``TeamsRenderer`` draws it   (``learn``: the lesson the question checks)
    TextBlock   Check yourself / Quiz on IHC               (bold)
    TextBlock   the question
    ActionSet   one Action.Execute per option              (verb herbot.quiz.answer, data: ids only)
      or        Container: the person's result and why     (their own view, once they answered; cited)
    ActionSet   follow-ups as messageBack submits
    TextBlock   disclaimer
    refresh     Action.Execute herbot.quiz.view            (userIds: the person whose view it is)

Everyone in the conversation sees the card with its buttons. A click is an ``adaptiveCard/action`` invoke;
Teams shows the card herbot answers it with to that person only, and the ``refresh`` (listing them) fetches
their view again on any client, so the person keeps seeing their own result and nobody else sees it. The
actions carry ids only (the post, the option; the lesson and whether a schedule posted it, so that a view
draws the same card again), never a label or anything typed.

A reply that names who set what it says (a schedule, scores turned off) says "Set by a member of this channel"
(a ``SetByMessage``); ``named`` turns that line into a Teams mention of the person whose turn it answers, with
their name from that turn's activity: the name is drawn in the card and kept nowhere else.

Scores are a card of their own: the top ten as "you" and "member" (Teams gives a bot no names without a
call to the Connector, and herbot keeps none), the asker's rank and lessons, and what the channel gets
wrong most, with the sources that explain the right answers. This module knows nothing of botbuilder
or of the education service: the Teams adapter hands it plain values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import jinja2

from bot.engine.explanation import DISCLAIMER, Claim, Explanation
from bot.knowledge.education import QuizQuestion
from bot.render.environment import create_environment
from bot.render.teams import MAX_BUTTON_TITLE, TeamsMessage, TeamsRenderer, card_envelope, cut_words, text_block
from intents.education_replies import Ranked as RankedLine
from intents.education_replies import Standings as StandingsView

__all__ = [
    "ANSWER_VERB",
    "VIEW_VERB",
    "Mention",
    "QuizCard",
    "RankedLine",
    "SetByMessage",
    "StandingsView",
    "TeamsEducationRenderer",
]

ANSWER_VERB = "herbot.quiz.answer"
VIEW_VERB = "herbot.quiz.view"
CHECK_HEADING = "Check yourself"
SCORES_HEADING = "Scores in this channel"
CONFUSIONS_HEADING = "What this channel gets wrong most"
YOU = "you"
MEMBER = "member"
SOMEONE = "a member of this channel"

Element = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Mention:
    """Someone a card names with a Teams mention: their Bot Framework id (``from.id``) and display name.

    Held for the one turn that person's activity is answered in: herbot stores no names.
    """

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class SetByMessage(TeamsMessage):
    """An education reply naming who set what it says: ``by`` is that person's id (``teams:tenant:user``) and
    ``line`` the index in the card's body of "Set by a member of this channel", until ``named`` names them."""

    by: str = ""
    line: int = 1


@dataclass(frozen=True, slots=True)
class QuizCard:
    """A posted question as a card: under ``lesson`` when it checks one, naming who scheduled it when ``scheduled``."""

    post_id: str
    question: QuizQuestion
    heading: str
    lesson: Explanation | None = None
    lesson_id: str | None = None
    scheduled: bool = False

    def data(self) -> dict[str, Any]:
        """What every action of the card sends back: ids, never a label."""
        data: dict[str, Any] = {"post": self.post_id}
        if self.lesson_id is not None:
            data["lesson"] = self.lesson_id
        if self.scheduled:
            data["scheduled"] = True
        return data


@dataclass(frozen=True, slots=True)
class _Section:
    """A rendered explanation taken apart: its content, its follow-up buttons, its disclaimer and its summary."""

    content: list[Element]
    follow_ups: list[Element]
    disclaimer: Element
    summary: str


class TeamsEducationRenderer:
    """Draws quiz cards, scores and education replies through ``templates/teams/`` and ``TeamsRenderer``."""

    def __init__(self, renderer: TeamsRenderer, environment: jinja2.Environment | None = None) -> None:
        self._renderer = renderer
        self._environment = environment or create_environment("teams")

    def explanation(self, explanation: Explanation, *, by: str | None = None) -> TeamsMessage:
        """An education reply for everyone or for the asker; ``by``: it names who set what it says."""
        message = self._renderer.render(explanation)
        if by is None or message.card is None:
            return message
        head, *rest = message.card["body"]
        named = text_block(self._md("named_by.md.j2", action="Set", who=SOMEONE), isSubtle=True, size="Small")
        return SetByMessage(message.text, {**message.card, "body": [head, named, *rest]}, by=by, line=1)

    def named(self, message: TeamsMessage, person: str | None, mention: Mention | None) -> TeamsMessage:
        """``message`` naming ``mention`` where it says who set it, when that is ``person`` (the person whose turn
        it answers); otherwise ``message`` as it is, naming "a member of this channel"."""
        name = " ".join(mention.name.split()) if mention is not None else ""
        if not isinstance(message, SetByMessage) or message.card is None or not name or message.by != person:
            return message
        assert mention is not None
        # Teams renders the mention where the TextBlock holds exactly the entity's text.
        at = self._md("mention.md.j2", person=name)
        body = list(message.card["body"])
        body[message.line] = {**body[message.line], "text": self._md("named_by_mention.md.j2", action="Set", at=at)}
        entity = {"type": "mention", "text": at, "mentioned": {"id": mention.id, "name": name}}
        msteams = {**message.card.get("msteams", {}), "entities": [entity]}
        return TeamsMessage(message.text, {**message.card, "msteams": msteams, "body": body})

    def quiz(
        self,
        quiz: QuizCard,
        *,
        result: Explanation | None = None,
        viewer: str | None = None,
        notices: Sequence[str] = (),
    ) -> TeamsMessage:
        """``quiz`` with a button per option, or (``result``) with ``viewer``'s result in their place; ``notices``
        are said first (a notice for the workspace, said once)."""
        body = [text_block(self._md("notice.md.j2", notice=notice), isSubtle=True, size="Small") for notice in notices]
        if quiz.scheduled:
            body.append(
                text_block(self._md("named_by.md.j2", action="Scheduled", who=SOMEONE), isSubtle=True, size="Small")
            )
        lesson = self._section(quiz.lesson)
        answered = self._section(result)
        if lesson is None:
            body.append(text_block(self._md("heading.md.j2", title=quiz.heading)))
        else:
            body += lesson.content
            body.append(text_block(self._md("heading.md.j2", title=CHECK_HEADING), separator=True, spacing="Medium"))
        body.append(text_block(self._md("quiz_prompt.md.j2", question=quiz.question)))
        if answered is None:
            body += [self._options(quiz), text_block(self._md("quiz_hint.md.j2"), isSubtle=True, size="Small")]
        else:
            body.append({"type": "Container", "separator": True, "spacing": "Medium", "items": answered.content})
        # What the card ends with and its summary come from the last part: the result, else the lesson.
        last = answered or lesson
        if last is None:
            summary = self._plain("quiz_summary.txt.j2", heading=quiz.heading, prompt=quiz.question.prompt)
            body.append(self._disclaimer())
        else:
            summary = last.summary
            body += [*last.follow_ups, last.disclaimer]
        refresh: dict[str, Any] = {"action": _execute("Refresh", VIEW_VERB, quiz.data())}
        if viewer is not None:
            refresh["userIds"] = [viewer]
        return TeamsMessage(text=summary, card={**card_envelope(summary, body), "refresh": refresh})

    def standings(self, standings: StandingsView, *, notice: Explanation | None = None) -> TeamsMessage:
        """A channel's scores for the asker: the top ten, their own rank and lessons, the channel's mistakes."""
        asker = standings.mine.person if standings.mine is not None else None
        notices = () if notice is None else (notice.headline.text, *notice.notices)
        head = [
            text_block(self._md("title.md.j2", title=SCORES_HEADING), weight="Bolder", size="Medium"),
            *(text_block(self._md("notice.md.j2", notice=text), isSubtle=True, size="Small") for text in notices),
            *self._leaderboard(standings.leaderboard, asker),
            text_block(
                self._md(
                    "standing.md.j2",
                    mine=standings.mine,
                    done=standings.lessons_done,
                    total=standings.lessons_total,
                )
            ),
        ]
        lines = [self._plain("confusion.txt.j2", wrong=confused) for confused in standings.confusions]
        wrong = [Claim(line, ()) for line in lines or [self._plain("no_confusions.txt.j2")]]
        mistakes = Explanation(
            intent="scores",
            headline=Claim(CONFUSIONS_HEADING, standings.sources),
            points=tuple(wrong),
            follow_ups=("quiz", "learn"),
            full=True,
        )
        rendered = self._renderer.render(mistakes)
        assert rendered.card is not None
        first, *rest = rendered.card["body"]
        section = [{**first, "size": "Default", "separator": True, "spacing": "Medium"}, *rest]
        summary = self._plain("scores_summary.txt.j2", mine=standings.mine)
        return TeamsMessage(text=summary, card=card_envelope(summary, [*head, *section]))

    # Pieces

    def _section(self, explanation: Explanation | None) -> _Section | None:
        """``explanation`` drawn whole by ``TeamsRenderer``, in the parts a quiz card places apart."""
        if explanation is None:
            return None
        message = self._renderer.render(replace(explanation, full=True))
        assert message.card is not None
        *content, disclaimer = message.card["body"]  # the disclaimer is always last
        follow_ups = [element for element in content if _is_follow_ups(element)]
        kept = [element for element in content if not _is_follow_ups(element)]
        return _Section(kept, follow_ups, disclaimer, message.text)

    def _options(self, quiz: QuizCard) -> Element:
        actions = [
            _execute(cut_words(option.label, MAX_BUTTON_TITLE), ANSWER_VERB, {**quiz.data(), "option": option.id})
            for option in quiz.question.options
        ]
        return {"type": "ActionSet", "actions": actions}

    def _leaderboard(self, leaderboard: Sequence[RankedLine] | None, asker: str | None) -> list[Element]:
        if leaderboard is None:
            return [text_block(self._md("leaderboard_off.md.j2"))]
        if not leaderboard:
            return [text_block(self._md("leaderboard_empty.md.j2"))]
        facts = [
            {
                "title": self._md("place.md.j2", rank=line.rank, who=YOU if line.person == asker else MEMBER),
                "value": self._md("tally.md.j2", line=line),
            }
            for line in leaderboard
        ]
        return [{"type": "FactSet", "facts": facts}]

    def _disclaimer(self) -> Element:
        return text_block(self._md("disclaimer.md.j2", disclaimer=DISCLAIMER), isSubtle=True, size="Small")

    def _md(self, name: str, **context: Any) -> str:
        return self._environment.get_template(name).render(**context).strip()

    def _plain(self, name: str, **context: Any) -> str:
        """A plain-text line (a summary, a point the renderer escapes): whitespace folded, cut to a line or two."""
        return cut_words(" ".join(self._md(name, **context).split()), 300)


def _is_follow_ups(element: Element) -> bool:
    actions = element.get("actions") if element.get("type") == "ActionSet" else None
    return bool(actions) and all(action.get("type") == "Action.Submit" for action in actions)


def _execute(title: str, verb: str, data: dict[str, Any]) -> Element:
    return {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
