"""The Slack education renderer and parsers on their own: exact text of every education template, Slack's limits on
every lesson, mentions made only from checked ids, escaping, and the place a Slack request comes from."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_herbot import all_text, valid_blocks

from bot.education.lessons import lesson_explanation
from bot.engine.explanation import Claim, Explanation
from bot.knowledge import Knowledge
from bot.knowledge.education import Curriculum, QuizQuestion, load_curriculum
from bot.render.environment import escape_mrkdwn
from bot.render.slack import MAX_BLOCKS, MAX_BUTTON_TEXT, SlackMessage, SlackRenderer
from bot.render.slack_education import QuizChoice, SlackEducationRenderer, read_quiz_choice, slack_user
from bot.slack.deliveries import respond_delivery
from bot.slack.inbound import from_action, from_command, from_event
from intents.education_replies import Confused, EducationReply, QuizView, Ranked, Standings

HOSTILE = "<!channel> <@U123> <https://evil.example|click> & done"
POST = "0123456789abcdef0123456789abcdef"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
NOTICE = Explanation(intent="schedule", headline=Claim("Schedule off: no more lessons will be posted here.", ()))


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    return load_curriculum()


@pytest.fixture(scope="module")
def education(knowledge: Knowledge) -> SlackEducationRenderer:
    return SlackEducationRenderer(SlackRenderer(knowledge.sources), knowledge.sources)


def texts(message: SlackMessage) -> list[str]:
    """The mrkdwn of each section and context element, in order."""
    found = []
    for block in message.block_dicts():
        if block["type"] == "section":
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found += [element["text"] for element in block["elements"]]
    return found


def buttons(message: SlackMessage) -> list[dict[str, Any]]:
    return [e for b in message.block_dicts() if b["type"] == "actions" for e in b["elements"]]


def standings(**changes: Any) -> Standings:
    base = Standings(
        leaderboard=(Ranked("slack:T1:U1", 5, 6, 1), Ranked("slack:T1:W2", 3, 3, 2)),
        mine=Ranked("slack:T1:U1", 5, 6, 1),
        lessons_done=2,
        lessons_total=12,
        confusions=(Confused("ISH groups", "group 4", "group 5", 7), Confused("IHC", "1+", "2+", 1)),
        sources=("asco-cap-her2-2018",),
    )
    return replace(base, **changes)


# --- scores: the exact text ------------------------------------------------------------------------------------

SCORES = "*Scores in this channel*"
DISCLAIMER = Explanation(intent="x", headline=Claim("x", ())).disclaimer
WRONG = (
    "*What this channel gets wrong most* [1]\n"
    "• ISH groups: group 4 taken for group 5 — 7 times\n"
    "• IHC: 1+ taken for 2+ — 1 time"
)
ESCAPED = "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; done"
REFERENCES = "[1] <https://doi.org/10.1200/JCO.2018.77.8738|ASCO/CAP HER2 2018>"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        pytest.param(
            EducationReply(standings=standings()),
            [
                f"{SCORES}\n1. <@U1>: 5 right of 6\n2. <@W2>: 3 right of 3",
                "You: rank 1, 5 right of 6 · lessons done: 2 of 12",
                WRONG,
                REFERENCES,
                DISCLAIMER,
            ],
            id="leaderboard",
        ),
        pytest.param(
            EducationReply(standings=standings(leaderboard=None, mine=None, confusions=(), sources=())),
            [
                f"{SCORES}\nLeaderboard is off in this channel.",
                "You have not answered a question in this channel yet · lessons done: 2 of 12",
                "*What this channel gets wrong most*\nNo wrong answers yet.",
                DISCLAIMER,
            ],
            id="off",
        ),
        pytest.param(
            EducationReply(standings=standings(leaderboard=(), confusions=(), sources=())),
            [
                f"{SCORES}\nNo answers in this channel yet: try `/her2 quiz`.",
                "You: rank 1, 5 right of 6 · lessons done: 2 of 12",
                "*What this channel gets wrong most*\nNo wrong answers yet.",
                DISCLAIMER,
            ],
            id="empty",
        ),
        pytest.param(
            EducationReply(
                private=Explanation(intent="x", headline=Claim("Schedule turned off & why.", ())),
                standings=standings(
                    leaderboard=(Ranked("slack:T1:<!here>", 1, 1, 1), Ranked("teams:t:U9", 1, 1, 1)),
                    confusions=(Confused(HOSTILE, HOSTILE, "2+", 2),),
                    sources=(),
                ),
            ),
            [
                "Schedule turned off &amp; why.",
                f"{SCORES}\n1. someone: 1 right of 1\n1. someone: 1 right of 1",
                "You: rank 1, 5 right of 6 · lessons done: 2 of 12",
                f"*What this channel gets wrong most*\n• {ESCAPED}: {ESCAPED} taken for 2+ — 2 times",
                DISCLAIMER,
            ],
            id="notice-odd-ids-and-hostile-labels",
        ),
    ],
)
def test_scores_render_exactly(education: SlackEducationRenderer, reply: EducationReply, expected: list[str]) -> None:
    message = education.render(reply)
    valid_blocks(message.block_dicts())
    assert (texts(message), message.text, message.in_channel) == (expected, "Scores in this channel", False)


# --- public replies --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "scheduled_by", "named"),
    [
        pytest.param("slack:T1:U7", None, "Set by <@U7>", id="set-by"),
        pytest.param("slack:T1:U7", "slack:T1:W5", "Scheduled by <@W5>", id="scheduled-by"),
        pytest.param("slack:T1:<!channel>", None, None, id="not-a-user-id"),
        pytest.param("teams:t1:U7", None, None, id="another-surface"),
        pytest.param(None, None, None, id="nobody"),
    ],
)
def test_a_public_reply_is_for_everyone_and_names_only_a_checked_user(
    education: SlackEducationRenderer, by: str | None, scheduled_by: str | None, named: str | None
) -> None:
    message = education.render(EducationReply(public=NOTICE, by=by), scheduled_by=scheduled_by)
    shown = texts(message)
    assert message.in_channel
    assert shown == ["*Schedule off: no more lessons will be posted here.*", *([named] if named else []), DISCLAIMER]


def test_a_private_reply_stays_private(education: SlackEducationRenderer) -> None:
    message = education.render(EducationReply(private=NOTICE))
    assert not message.in_channel
    assert respond_delivery("https://hooks.slack.invalid/r", message, received_at=NOW).payload["response_type"] == (
        "ephemeral"
    )
    public = education.render(EducationReply(public=NOTICE))
    assert respond_delivery("https://hooks.slack.invalid/r", public, received_at=NOW).payload["response_type"] == (
        "in_channel"
    )


def test_an_empty_reply_fails_loudly(education: SlackEducationRenderer) -> None:
    with pytest.raises(ValueError, match="nothing to show"):
        education.render(EducationReply())


def test_a_quiz_has_its_heading_its_prompt_and_a_button_per_option_carrying_ids_only(
    education: SlackEducationRenderer, curriculum: Curriculum
) -> None:
    question = curriculum.questions[0]
    message = education.render(EducationReply(quiz=QuizView(POST, question, "Quiz on IHC")))
    assert message.in_channel
    assert texts(message)[0] == f"*Quiz on IHC*\n{escape_mrkdwn(question.prompt)}"
    assert message.text.startswith(escape_mrkdwn(f"Quiz on IHC: {question.prompt}")[:200])
    assert [(b["action_id"], json.loads(b["value"])) for b in buttons(message)] == [
        (f"herbot_quiz_{i}", {"post": POST, "option": option.id}) for i, option in enumerate(question.options)
    ]


def test_a_hostile_option_label_is_escaped_and_cut_to_fit_a_button(
    education: SlackEducationRenderer, curriculum: Curriculum
) -> None:
    question: QuizQuestion = curriculum.questions[0]
    label = HOSTILE * 3
    hostile = replace(question, options=tuple(replace(o, label=label) for o in question.options))
    message = education.render(EducationReply(quiz=QuizView(POST, hostile, "Quiz")))
    valid_blocks(message.block_dicts())
    for button in buttons(message):
        text = button["text"]["text"]
        assert len(text) <= MAX_BUTTON_TEXT and text.endswith("…") and "<" not in text


def test_every_lesson_with_its_question_fits_slack(education: SlackEducationRenderer, curriculum: Curriculum) -> None:
    for lesson in curriculum.lessons:
        check = curriculum.question(lesson.check)
        assert check is not None
        reply = EducationReply(public=lesson_explanation(lesson), quiz=QuizView(POST, check, "Quiz"))
        message = education.render(reply, scheduled_by="slack:T1:U1")
        blocks = valid_blocks(message.block_dicts())
        assert len(blocks) <= MAX_BLOCKS, lesson.id
        shown = all_text(blocks)
        assert "*Check yourself*" in shown and "Scheduled by <@U1>" in shown, lesson.id
        assert blocks[-1]["elements"][0]["text"] == DISCLAIMER, lesson.id
        assert len(buttons(message)) == len(check.options) + len(lesson_explanation(lesson).follow_ups), lesson.id


# --- parsing what Slack sends ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(f'{{"post":"{POST}","option":"group-4"}}', QuizChoice(POST, "group-4"), id="ids"),
        pytest.param(f'{{"option":"a","post":"{POST}","more":1}}', QuizChoice(POST, "a"), id="extra-key"),
        pytest.param('{"post":"","option":"a"}', None, id="empty-post"),
        pytest.param(f'{{"post":"{POST}","option":"A B"}}', None, id="option-not-an-id"),
        pytest.param(f'{{"post":"{POST}","option":7}}', None, id="option-not-text"),
        pytest.param('{"post":"' + "a" * 65 + '","option":"a"}', None, id="post-too-long"),
        pytest.param("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", None, id="broken"),
        pytest.param("", None, id="empty"),
    ],
)
def test_a_quiz_button_value_is_read_as_ids_or_not_at_all(value: str, expected: QuizChoice | None) -> None:
    assert read_quiz_choice(value) == expected


@pytest.mark.parametrize(
    ("person", "user"),
    [
        ("slack:T1:U0123ABCD", "U0123ABCD"),
        ("slack:T1:W1", "W1"),
        ("slack:T1:B1", None),
        ("slack:T1:u1", None),
        ("slack:T1:U1|name", None),
        ("slack:T1:U" + "1" * 21, None),
        ("teams:t:U1", None),
        ("U1", None),
        ("", None),
    ],
)
def test_only_a_slack_user_id_becomes_a_mention(person: str, user: str | None) -> None:
    assert slack_user(person) == user


COMMAND = {"team_id": "T1", "channel_id": "C1", "user_id": "U1", "text": "learn", "is_enterprise_install": "false"}
EVENT = {"team_id": "T1", "event": {"type": "app_mention", "channel": "C1", "user": "U1", "text": "learn", "ts": "1.1"}}
DM = {"team_id": "T1", "event": {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "ts": "1.2"}}
ACTION = {
    "type": "block_actions",
    "team": {"id": "T1"},
    "enterprise": {"id": "E1"},
    "is_enterprise_install": False,
    "user": {"id": "U2"},
    "container": {"channel_id": "C9", "message_ts": "1.3"},
}


@pytest.mark.parametrize(
    ("inbound", "expected"),
    [
        pytest.param(
            from_command(COMMAND),
            ("slack:T1", "slack:T1:C1", "slack:T1:U1", False, {"channel": "C1", "team_id": "T1"}),
            id="command",
        ),
        pytest.param(
            from_command({**COMMAND, "channel_id": "D5", "channel_name": "directmessage"}),
            ("slack:T1", "slack:T1:D5", "slack:T1:U1", True, {"channel": "D5", "team_id": "T1"}),
            id="command-in-a-dm",
        ),
        pytest.param(
            from_event(EVENT),
            ("slack:T1", "slack:T1:C1", "slack:T1:U1", False, {"channel": "C1", "team_id": "T1"}),
            id="mention",
        ),
        pytest.param(
            from_event(DM),
            ("slack:T1", "slack:T1:D1", "slack:T1:U1", True, {"channel": "D1", "team_id": "T1"}),
            id="dm",
        ),
        pytest.param(
            from_action(ACTION, "quiz"),
            ("slack:T1", "slack:T1:C9", "slack:T1:U2", False, {"channel": "C9", "enterprise_id": "E1"}),
            id="button",
        ),
    ],
)
def test_a_slack_request_gives_the_place_of_its_education_command(inbound: Any, expected: tuple[Any, ...]) -> None:
    place = inbound.place
    assert place is not None
    team, channel, person, direct, address = expected
    assert (place.surface, place.team, place.channel, place.person, place.direct) == (
        "slack",
        team,
        channel,
        person,
        direct,
    )
    assert address.items() <= place.address.items() and place.address["is_enterprise_install"] is False


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({**COMMAND, "user_id": ""}, id="no-user"),
        pytest.param({**COMMAND, "user_id": "U1:slack:T2:U3"}, id="user-with-colons"),
        pytest.param({k: v for k, v in COMMAND.items() if k != "team_id"}, id="no-team"),
        pytest.param({**COMMAND, "channel_id": "<#C1>"}, id="odd-channel"),
    ],
)
def test_a_request_without_clean_ids_has_no_place(body: dict[str, Any]) -> None:
    assert from_command(body).place is None
