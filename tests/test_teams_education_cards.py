"""Teams education cards: golden cards, a valid 1.5 card within Teams' limit for every lesson and every answer,
buttons that carry ids only, and nothing typed made live.

Regenerate the golden files with ``HERBOT_UPDATE_GOLDEN=1`` and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.education.lessons import lesson_explanation
from bot.education.texts import answer_feedback, schedule_text
from bot.engine.explanation import Claim, Explanation
from bot.knowledge import Knowledge
from bot.knowledge.education import Curriculum, Option, QuizQuestion
from bot.render.teams import MAX_BUTTON_TITLE, MAX_CARD_BYTES, TeamsMessage, TeamsRenderer, card_size
from bot.render.teams_education import ANSWER_VERB, VIEW_VERB, TeamsEducationRenderer
from bot.teams.teaching import education_message, quiz_card
from intents.education_replies import Confused, EducationReply, QuizView, Ranked, Standings

GOLDEN = Path(__file__).parent / "golden" / "teams"
POST = "5f0c2a9e8b7d4c3a9f1e2d3c4b5a6978"
VIEWER = "29:1aLiCe0xQpWm3_Tb9V8nJkq4RzYcD2hFu5sGeL7oAa"
ME, OTHER = "teams:t-1:0f4b2c1a", "teams:t-1:5a6b7c8d"
ID = re.compile(r"[a-z0-9-]{1,64}|[0-9a-f]{32}")
HOSTILE = "**bold** [click](https://evil.example) <at>everyone</at> _x_"
LIVE = ("**bold**", "[click](", "<at>", "</at>", "_x_")
ELEMENTS = {"TextBlock", "FactSet", "ActionSet", "Container"}
ACTIONS = {"Action.Execute", "Action.Submit"}


@pytest.fixture(scope="module")
def curriculum(knowledge: Knowledge) -> Curriculum:
    return knowledge.curriculum


@pytest.fixture(scope="module")
def renderer(knowledge: Knowledge) -> TeamsEducationRenderer:
    return TeamsEducationRenderer(TeamsRenderer(knowledge.sources))


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every element and action of a card (its refresh too), depth first."""
    if isinstance(node, list):
        for item in node:
            yield from walk(item)
    elif isinstance(node, dict):
        if "type" in node and node["type"] != "AdaptiveCard":
            yield node
        for key in ("body", "items", "actions", "refresh", "action"):
            if key in node:
                yield from walk(node[key])


def card_problems(card: dict[str, Any]) -> list[str]:
    """What in ``card`` breaks an Adaptive Card 1.5 as herbot's education cards use it, or Teams' size limit."""
    problems = [f"version {card.get('version')}"] if card.get("version") != "1.5" else []
    problems += [] if card.get("fallbackText") and card.get("speak") else ["no fallbackText or speak"]
    kinds = [element["type"] for element in walk(card)]
    problems += [f"element {kind}" for kind in kinds if kind not in ELEMENTS | ACTIONS]
    executes = [element for element in walk(card) if element["type"] == "Action.Execute"]
    problems += [f"verb {e['verb']}" for e in executes if e["verb"] not in (ANSWER_VERB, VIEW_VERB)]
    problems += [f"data {e['data']}" for e in executes if not all(_is_id(value) for value in e["data"].values())]
    problems += [f"title {e['title']}" for e in walk(card) if len(e.get("title", "")) > MAX_BUTTON_TITLE]
    problems += [f"empty text in {e}" for e in walk(card) if e["type"] == "TextBlock" and not e["text"].strip()]
    problems += [] if card["body"][-1]["text"].startswith("Educational decision support") else ["disclaimer"]
    size = card_size(TeamsMessage(text="", card=card))
    return problems + ([f"{size} bytes"] if size > MAX_CARD_BYTES else [])


def _is_id(value: object) -> bool:
    return value is True or (isinstance(value, str) and bool(ID.fullmatch(value)))


def texts(card: dict[str, Any]) -> list[str]:
    """What Teams reads as markdown: text blocks and facts."""
    found = [e["text"] for e in walk(card) if e["type"] == "TextBlock"]
    return found + [fact[key] for e in walk(card) if e["type"] == "FactSet" for fact in e["facts"] for key in fact]


def assert_matches_golden(name: str, message: TeamsMessage) -> None:
    """``message`` equals ``tests/golden/teams/<name>.json``; with ``HERBOT_UPDATE_GOLDEN=1`` it becomes the golden."""
    got = {"text": message.text, "card": message.card}
    path = GOLDEN / f"{name}.json"
    if os.environ.get("HERBOT_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == got


def _view(curriculum: Curriculum, question_id: str, heading: str | None = None) -> QuizView:
    question = curriculum.question(question_id)
    assert question is not None
    return QuizView(POST, question, heading or f"Quiz on {curriculum.lesson(question.lesson_id).title}")


def _ish(curriculum: Curriculum) -> tuple[QuizView, EducationReply]:
    lesson = curriculum.lesson_named("ISH groups")
    assert lesson is not None
    return _view(curriculum, lesson.check), EducationReply(public=lesson_explanation(lesson))


def _lesson(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    view, reply = _ish(c)
    return education_message(r, c, replace(reply, quiz=view))


def _scheduled(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    view, reply = _ish(c)
    return education_message(r, c, replace(reply, quiz=view, by=ME))


def _result(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    view, reply = _ish(c)
    wrong = next(option for option in view.question.options if option.id != view.question.answer)
    card = quiz_card(c, view, lesson=reply.public)
    return r.quiz(card, result=answer_feedback(view.question, wrong, again=False), viewer=VIEWER)


def _due(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    view = _view(c, c.questions[-1].id, "Due for review: 2 questions")
    notice = Explanation(intent="education", headline=Claim("A scheduled lesson could not be posted.", ()))
    return education_message(r, c, EducationReply(quiz=view, private=notice))


def _standings(c: Curriculum, **changes: Any) -> Standings:
    question = c.question(c.lesson_named("ISH groups").check)
    assert question is not None
    wrong = next(option for option in question.options if option.id != question.answer)
    standings = Standings(
        leaderboard=(Ranked(OTHER, 5, 6, 1), Ranked(ME, 4, 6, 2)),
        mine=Ranked(ME, 4, 6, 2),
        lessons_done=3,
        lessons_total=len(c.lessons),
        confusions=(Confused("ISH groups 1–5", wrong.label, question.right.label, 7),),
        sources=question.right.why.sources,
    )
    return replace(standings, **changes)


def _scores(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    return education_message(r, c, EducationReply(standings=_standings(c)))


def _scores_off(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    notice = Explanation(intent="education", headline=Claim("The schedule in one channel was turned off.", ()))
    standings = _standings(c, leaderboard=None, mine=None, confusions=(), sources=())
    return education_message(r, c, EducationReply(standings=standings, private=notice))


def _scores_empty(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    return education_message(r, c, EducationReply(standings=_standings(c, leaderboard=(), mine=None)))


def _set_by(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    said = Explanation(intent="education", headline=Claim("The leaderboard is off in this channel.", ()))
    return education_message(r, c, EducationReply(public=said, by=ME))


def _no_schedule(r: TeamsEducationRenderer, c: Curriculum) -> TeamsMessage:
    return education_message(r, c, EducationReply(public=schedule_text(None)))


Build = Callable[[TeamsEducationRenderer, Curriculum], TeamsMessage]
GOLDEN_CASES = [
    pytest.param(_lesson, id="education-lesson"),
    pytest.param(_scheduled, id="education-scheduled-lesson"),
    pytest.param(_result, id="education-result"),
    pytest.param(_due, id="education-due-quiz"),
    pytest.param(_scores, id="education-scores"),
    pytest.param(_scores_off, id="education-scores-off"),
    pytest.param(_scores_empty, id="education-scores-empty"),
    pytest.param(_set_by, id="education-set-by"),
    pytest.param(_no_schedule, id="education-no-schedule"),
]


@pytest.mark.parametrize("build", GOLDEN_CASES)
def test_card_matches_golden(
    request: pytest.FixtureRequest, renderer: TeamsEducationRenderer, curriculum: Curriculum, build: Build
) -> None:
    assert_matches_golden(request.node.callspec.id, build(renderer, curriculum))


@pytest.mark.parametrize("build", GOLDEN_CASES)
def test_golden_card_is_valid(renderer: TeamsEducationRenderer, curriculum: Curriculum, build: Build) -> None:
    card = build(renderer, curriculum).card
    assert card is not None and card_problems(card) == []


def test_every_lesson_with_its_check_and_every_answer_to_it_is_a_valid_card(
    renderer: TeamsEducationRenderer, curriculum: Curriculum
) -> None:
    problems = {}
    for lesson in curriculum.lessons:
        view = _view(curriculum, lesson.check)
        card = quiz_card(curriculum, view, lesson=lesson_explanation(lesson), scheduled=True)
        shown = [renderer.quiz(card)] + [
            renderer.quiz(card, result=answer_feedback(view.question, option, again=False), viewer=VIEWER)
            for option in view.question.options
        ]
        problems[lesson.id] = [problem for message in shown for problem in card_problems(message.card or {})]
    assert {lesson: found for lesson, found in problems.items() if found} == {}


def test_every_question_and_every_answer_to_it_is_a_valid_card(
    renderer: TeamsEducationRenderer, curriculum: Curriculum
) -> None:
    problems = {}
    for question in curriculum.questions:
        card = quiz_card(curriculum, _view(curriculum, question.id))
        shown = [renderer.quiz(card)] + [
            renderer.quiz(card, result=answer_feedback(question, option, again=again), viewer=VIEWER)
            for option in question.options
            for again in (False, True)
        ]
        problems[question.id] = [problem for message in shown for problem in card_problems(message.card or {})]
        buttons = [e for e in walk(shown[0].card) if e["type"] == "Action.Execute" and e["verb"] == ANSWER_VERB]
        problems[question.id] += [] if len(buttons) == len(question.options) else ["buttons"]
    assert {question: found for question, found in problems.items() if found} == {}


def test_a_result_keeps_the_posted_card_above_it_and_is_refreshed_for_its_viewer_only(
    renderer: TeamsEducationRenderer, curriculum: Curriculum
) -> None:
    posted, mine = _lesson(renderer, curriculum).card, _result(renderer, curriculum).card
    assert posted is not None and mine is not None
    cut = next(i for i, e in enumerate(posted["body"]) if e["type"] == "ActionSet")
    assert mine["body"][:cut] == posted["body"][:cut]
    assert mine["refresh"] == {**posted["refresh"], "userIds": [VIEWER]} and "userIds" not in posted["refresh"]


def test_typed_markup_in_a_question_or_a_confusion_never_becomes_live(
    renderer: TeamsEducationRenderer, curriculum: Curriculum
) -> None:
    why = Claim(HOSTILE, ("asco-cap-her2-2018",))
    options = tuple(Option(f"o-{n}", f"{HOSTILE} {n}", why) for n in range(3))
    question = QuizQuestion("q", "ish-groups", "ish-groups", HOSTILE, options, "o-0", "recall")
    card = renderer.quiz(quiz_card(curriculum, QuizView(POST, question, HOSTILE))).card
    result = renderer.quiz(
        quiz_card(curriculum, QuizView(POST, question, HOSTILE)),
        result=answer_feedback(question, options[1], again=False),
        viewer=VIEWER,
    ).card
    confusions = (Confused(HOSTILE, HOSTILE, HOSTILE, 2),)
    scores = renderer.standings(_standings(curriculum, confusions=confusions)).card
    shown = [text for found in (card, result, scores) for text in texts(found or {})]
    assert [text for text in shown if any(live in text for live in LIVE)] == []
