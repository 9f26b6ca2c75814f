"""The Slack surface: golden Block Kit payloads, Slack's limits on every answer, escaping, strict templates.

Regenerate the golden files with ``HERBOT_UPDATE_GOLDEN=1`` and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from tabledata import csv_params

from bot.engine import FIELDS, report_from_fields
from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_HER2_2018, Step
from bot.errors import InvalidValue
from bot.knowledge import Knowledge, load_knowledge, load_topics
from bot.render.environment import create_environment
from bot.render.slack import SlackMessage, SlackRenderer
from intents.classify_values import explain_invalid, explain_report
from intents.help import explain_help
from intents.refusal import RefusalKind, explain_refusal
from intents.topics import explain_topic

REFERENCE = re.compile(r"(?:^|  ·  )\[(\d+)\] ")
GOLDEN = Path(__file__).parent / "golden" / "slack"
TOKEN = "reasoning-7f3a"
RECOUNT = {"ihc": "2+", "ish_ratio": "2.2", "ish_copy_number": "3.5"}
IHC_4 = InvalidValue(field="ihc", value="4+", allowed="0, 0-ultralow, 0-null, 1+, 2+ or 3+")
MARK = re.compile(r"\[(\d+)\]")
BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
HOSTILE = "<!channel> <!here> <@U123> <https://evil.example|click> & done"
LIVE = ("<!channel>", "<!here>", "<@U123>", "<https://evil")


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def renderer(knowledge: Knowledge) -> SlackRenderer:
    return SlackRenderer(knowledge.sources)


def payload(message: SlackMessage) -> dict[str, Any]:
    return {"text": message.text, "blocks": message.block_dicts()}


def assert_matches_golden(name: str, got: dict[str, Any]) -> None:
    """``got`` equals ``tests/golden/slack/<name>.json``; with ``HERBOT_UPDATE_GOLDEN=1`` it becomes the golden."""
    path = GOLDEN / f"{name}.json"
    if os.environ.get("HERBOT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == got


def texts(node: Any) -> list[str]:
    """Every ``text`` string in a Block Kit payload: what Slack shows."""
    if isinstance(node, list):
        return [text for item in node for text in texts(item)]
    if not isinstance(node, dict):
        return []
    own = [value for key, value in node.items() if key == "text" and isinstance(value, str)]
    return own + [text for value in node.values() for text in texts(value)]


def limit_violations(message: SlackMessage) -> list[str]:
    """What in ``message`` breaks Slack's Block Kit limits (slack_sdk validates each block as it builds the dict)."""
    blocks = message.block_dicts()
    problems = [] if len(blocks) <= 50 else [f"{len(blocks)} blocks"]
    problems += [] if message.text.strip() else ["empty fallback text"]
    problems += [f"text of {len(t)} chars" for t in texts(blocks) if not 0 < len(t) <= 3000]
    problems += [f"broken entity in {t[:40]!r}" for t in texts(blocks) if BROKEN_ENTITY.search(t)]
    for block in blocks:
        elements = block.get("elements", [])
        if block["type"] == "context" and not 0 < len(elements) <= 10:
            problems.append(f"context with {len(elements)} elements")
        buttons = [element for element in elements if element.get("type") == "button"]
        problems += [f"button text {b['text']['text']!r}" for b in buttons if len(b["text"]["text"]) > 75]
        problems += [f"button value of {len(b['value'])} chars" for b in buttons if not 0 < len(b["value"]) <= 2000]
    action_ids = [e["action_id"] for block in blocks for e in block.get("elements", []) if "action_id" in e]
    problems += [] if len(action_ids) == len(set(action_ids)) else [f"repeated action ids {action_ids}"]
    return problems


def claim_marks(message: SlackMessage) -> set[int]:
    """The citation numbers marked in the message's sections (headline, points, values, steps)."""
    sections = [block["text"]["text"] for block in message.block_dicts() if block["type"] == "section"]
    return {int(number) for text in sections for number in MARK.findall(text)}


def listed_sources(message: SlackMessage) -> set[int]:
    """The numbers of the citations listed in context blocks: ``[n] <url|title> ...``, one or several a line."""
    contexts = [text for block in message.block_dicts() if block["type"] == "context" for text in texts(block)]
    return {int(number) for text in contexts if MARK.match(text) for number in REFERENCE.findall(text)}


# --- golden payloads --------------------------------------------------------------------------------------------

Build = Callable[[Knowledge], Explanation]
GOLDEN_CASES = [
    pytest.param(lambda k: explain_topic(k.topic_for_intent("define-her2-low"), "define-her2-low"), {}, id="topic"),
    pytest.param(lambda k: explain_report(report_from_fields(RECOUNT)), {"reasoning_token": TOKEN}, id="steps-hidden"),
    pytest.param(lambda k: explain_report(report_from_fields(RECOUNT)), {"show_steps": True}, id="steps-shown"),
    pytest.param(lambda k: explain_invalid(IHC_4, kept_prior=True), {}, id="invalid-value"),
    pytest.param(lambda k: explain_help(), {}, id="help"),
]


@pytest.mark.parametrize(("build", "options"), GOLDEN_CASES)
def test_payload_matches_golden(
    request: pytest.FixtureRequest, knowledge: Knowledge, renderer: SlackRenderer, build: Build, options: dict
) -> None:
    assert_matches_golden(request.node.callspec.id, payload(renderer.render(build(knowledge), **options)))


# --- every answer herbot can give keeps Slack's limits ----------------------------------------------------------

TOPICS = [
    pytest.param(topic, lesson, id=f"{topic.id}{'-lesson' if lesson else ''}")
    for topic in load_topics()
    for lesson in (False, True)
]
CASES = [*csv_params("gold_cases.csv"), *csv_params("engine_cases.csv")]
OTHER_ANSWERS = [
    pytest.param(explain_help(), id="help"),
    pytest.param(explain_invalid(IHC_4, kept_prior=False), id="invalid-value"),
    *(pytest.param(explain_refusal(kind), id=f"refusal-{kind}") for kind in RefusalKind),
]


def _classification(row: dict[str, str]) -> Explanation:
    return explain_report(report_from_fields({key: value for key, value in row.items() if key in FIELDS}))


@pytest.mark.parametrize(("topic", "lesson"), TOPICS)
def test_topic_answer_keeps_slack_limits(renderer: SlackRenderer, topic, lesson: bool) -> None:
    assert limit_violations(renderer.render(explain_topic(topic, topic.intent or topic.id, lesson=lesson))) == []


@pytest.mark.parametrize("row", CASES)
@pytest.mark.parametrize("show_steps", [False, True], ids=["steps-hidden", "steps-shown"])
def test_classification_keeps_slack_limits(renderer: SlackRenderer, row: dict[str, str], show_steps: bool) -> None:
    assert limit_violations(renderer.render(_classification(row), show_steps=show_steps, reasoning_token=TOKEN)) == []


@pytest.mark.parametrize("explanation", OTHER_ANSWERS)
def test_other_answer_keeps_slack_limits(renderer: SlackRenderer, explanation: Explanation) -> None:
    assert limit_violations(renderer.render(explanation)) == []


@pytest.mark.parametrize(("topic", "lesson"), TOPICS)
def test_topic_answer_marks_resolve_to_listed_sources(renderer: SlackRenderer, topic, lesson: bool) -> None:
    message = renderer.render(explain_topic(topic, topic.intent or topic.id, lesson=lesson))
    assert claim_marks(message) and claim_marks(message) <= listed_sources(message)


@pytest.mark.parametrize("row", CASES)
def test_classification_marks_resolve_to_listed_sources(renderer: SlackRenderer, row: dict[str, str]) -> None:
    message = renderer.render(_classification(row), show_steps=True)
    assert claim_marks(message) and claim_marks(message) <= listed_sources(message)


@pytest.mark.parametrize("explanation", OTHER_ANSWERS)
def test_other_answer_marks_resolve_to_listed_sources(renderer: SlackRenderer, explanation: Explanation) -> None:
    message = renderer.render(explanation)
    # A refusal states nothing clinical, so it cites nothing.
    assert bool(claim_marks(message)) is (explanation.intent != "out-of-scope")
    assert claim_marks(message) <= listed_sources(message)


# --- layout ----------------------------------------------------------------------------------------------------


def _kind(block: dict[str, Any]) -> str:
    if block["type"] != "actions":
        return block["type"]
    return "actions:" + ",".join(element["action_id"] for element in block["elements"])


def _shape(message: SlackMessage) -> list[str]:
    """Block types, with the action ids of actions blocks: the message's layout at a glance."""
    return [_kind(block) for block in message.block_dicts()]


@pytest.mark.parametrize(
    ("options", "reasoning"),
    [
        pytest.param({}, [], id="no-token-no-button"),
        pytest.param({"reasoning_token": TOKEN}, ["actions:herbot_show_reasoning"], id="token-button"),
        pytest.param({"show_steps": True, "reasoning_token": TOKEN}, ["section"], id="shown-steps-no-button"),
    ],
)
def test_reasoning_is_a_button_or_the_steps(renderer: SlackRenderer, options: dict, reasoning: list[str]) -> None:
    shape = _shape(renderer.render(explain_report(report_from_fields(RECOUNT)), **options))
    follow_ups = "actions:herbot_follow_up_0"
    assert shape == [
        "section",
        "section",
        "context",
        "section",
        "section",
        *reasoning,
        "divider",
        "context",
        "context",
        follow_ups,
        "context",
    ]


def test_an_answer_without_steps_has_no_reasoning_button(knowledge: Knowledge, renderer: SlackRenderer) -> None:
    topic = explain_topic(knowledge.topic_for_intent("define-tnbc"), "define-tnbc")
    assert "actions:herbot_show_reasoning" not in _shape(renderer.render(topic, reasoning_token=TOKEN))


@pytest.mark.parametrize("token", ["", "x" * 2001])
def test_a_reasoning_token_slack_cannot_carry_is_refused(renderer: SlackRenderer, token: str) -> None:
    with pytest.raises(ValueError, match="reasoning_token"):
        renderer.render(explain_report(report_from_fields(RECOUNT)), reasoning_token=token)


def test_follow_ups_are_at_most_three_buttons_cut_to_75_chars(renderer: SlackRenderer) -> None:
    asks = ("What is ISH & why " + "x" * 100, "B", "C", "D")
    blocks = renderer.render(Explanation(intent="help", headline=Claim("h", ()), follow_ups=asks)).block_dicts()
    buttons = [
        (e["action_id"], e["text"]["text"], e["value"])
        for block in blocks
        for e in block.get("elements", [])
        if e.get("type") == "button"
    ]
    assert buttons == [
        ("herbot_follow_up_0", "What is ISH &amp; why " + "x" * 52 + "…", asks[0]),
        ("herbot_follow_up_1", "B", "B"),
        ("herbot_follow_up_2", "C", "C"),
    ]


def test_the_disclaimer_is_the_last_block(renderer: SlackRenderer) -> None:
    last = renderer.render(explain_help()).block_dicts()[-1]
    assert last["type"] == "context" and last["elements"][0]["text"].startswith("Educational decision support")


# --- long content is split, never refused ----------------------------------------------------------------------

_LONG = "A long cited sentence about HER2 testing that goes on. " * 20  # about 1,100 characters


def _oversized(steps: int) -> Explanation:
    cite = (ASCO_CAP_HER2_2018,)
    return Explanation(
        intent="classify-values",
        headline=Claim(_LONG * 4, cite),
        points=(*(Claim(_LONG, cite) for _ in range(12)), Claim("R&D" * 2000, cite)),
        notices=tuple(f"notice {n}" for n in range(25)),
        values=(("HER2 IHC", "2+"),),
        missing=tuple(_LONG for _ in range(4)),
        steps=tuple(Step(rule=f"rule/{n}", text=_LONG, sources=cite) for n in range(steps)),
        follow_ups=("y" * 3000,),
        guidelines=(_LONG * 3,),
        disclaimer=_LONG * 3,
    )


@pytest.mark.parametrize("steps", [5, 200], ids=["many-blocks", "past-50-blocks"])
@pytest.mark.parametrize("show_steps", [False, True], ids=["steps-hidden", "steps-shown"])
def test_oversized_answer_is_split_within_slack_limits(renderer: SlackRenderer, steps: int, show_steps: bool) -> None:
    assert limit_violations(renderer.render(_oversized(steps), show_steps=show_steps, reasoning_token=TOKEN)) == []


def test_past_50_blocks_the_body_is_shortened_and_says_so(renderer: SlackRenderer) -> None:
    blocks = renderer.render(_oversized(200), show_steps=True).block_dicts()
    tail = [block["type"] for block in blocks[-6:]]
    assert (len(blocks), tail) == (50, ["context", "divider", "context", "context", "actions", "context"])
    assert texts(blocks[-6])[0].startswith("Shortened to fit Slack")


# --- escaping --------------------------------------------------------------------------------------------------


def _hostile() -> Explanation:
    cite = (ASCO_CAP_HER2_2018,)
    return Explanation(
        intent="classify-values",
        headline=Claim(HOSTILE, cite),
        points=(Claim(HOSTILE, cite), Claim(f"*{HOSTILE}*", ())),
        notices=(HOSTILE,),
        values=((HOSTILE, HOSTILE),),
        missing=(HOSTILE,),
        steps=(Step(rule=HOSTILE, text=HOSTILE, sources=cite),),
        guidelines=(HOSTILE,),
        follow_ups=(HOSTILE,),
        disclaimer=HOSTILE,
    )


@pytest.mark.parametrize("show_steps", [False, True], ids=["steps-hidden", "steps-shown"])
def test_user_text_never_becomes_a_mention_or_link(renderer: SlackRenderer, show_steps: bool) -> None:
    message = renderer.render(_hostile(), show_steps=show_steps, reasoning_token=TOKEN)
    shown = [message.text, *texts(message.block_dicts())]
    assert [(live, text) for text in shown for live in LIVE if live in text] == []


def test_user_text_is_shown_escaped(renderer: SlackRenderer) -> None:
    headline = renderer.render(_hostile()).block_dicts()[0]["text"]["text"]
    assert headline == (
        "*&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; done* [1]"
    )


def test_every_mrkdwn_text_is_verbatim(renderer: SlackRenderer) -> None:
    objects = [
        node
        for block in renderer.render(_hostile(), show_steps=True).block_dicts()
        for node in [block.get("text"), *block.get("elements", [])]
        if isinstance(node, dict) and node.get("type") == "mrkdwn"
    ]
    assert objects and all(node["verbatim"] is True for node in objects)


@pytest.mark.parametrize("surface", ["text", "slack"])
def test_the_mrkdwn_filter_is_in_every_environment(surface: str) -> None:
    # A named template, not from_string: select_autoescape HTML-escapes string templates by default.
    environment = create_environment(surface)
    environment.loader = jinja2.DictLoader({"probe.mrkdwn.j2": "{{ t | mrkdwn }}"})
    assert environment.get_template("probe.mrkdwn.j2").render(t=HOSTILE) == (
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; &amp; done"
    )


# --- templates fail loudly -------------------------------------------------------------------------------------


def test_a_missing_template_variable_raises() -> None:
    with pytest.raises(jinja2.UndefinedError):
        create_environment("slack").from_string("{{ missing | mrkdwn }}").render()


def test_a_template_naming_a_missing_attribute_breaks_the_render(knowledge: Knowledge) -> None:
    environment = create_environment("slack")
    broken = jinja2.DictLoader({"headline.mrkdwn.j2": "*{{ claim.summary | mrkdwn }}*"})
    environment.loader = jinja2.ChoiceLoader([broken, environment.loader])
    with pytest.raises(jinja2.UndefinedError, match="summary"):
        SlackRenderer(knowledge.sources, environment).render(explain_help())
