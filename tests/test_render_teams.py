"""The Teams surface: golden Adaptive Cards, a valid 1.5 card for every answer, Teams' size limit, escaping.

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

import jinja2
import pytest
from tabledata import csv_params, csv_rows

from bot.engine import FIELDS, report_from_fields
from bot.engine.explanation import Claim, Explanation
from bot.engine.steps import ASCO_CAP_HER2_2018, Step
from bot.errors import InvalidValue
from bot.knowledge import Knowledge, load_topics
from bot.render.environment import create_environment, escape_teams_markdown
from bot.render.teams import MAX_CARD_BYTES, REASONING_ID, TeamsMessage, TeamsRenderer, card_size
from intents.classify_values import explain_invalid, explain_report
from intents.help import explain_help
from intents.questions import explain_question
from intents.refusal import RefusalKind, explain_refusal
from intents.router import Router
from intents.too_long import MAX_MESSAGE_CHARS
from intents.topics import explain_topic

GOLDEN = Path(__file__).parent / "golden" / "teams"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
RECOUNT = {"ihc": "2+", "ish_ratio": "2.2", "ish_copy_number": "3.5"}
MARK = re.compile(r"(?<!\\)\[(\d+)\](?!\()")
LISTED = re.compile(r"(?:^|  ·  )\[(\d+)\] ")
HOSTILE = "**bold** [click](https://evil.example) <at>everyone</at> _x_"
INERT = r"\*\*bold\*\* \[click\]\(https://evil.example) &lt;at>everyone&lt;/at> \_x\_"
LIVE = ("**bold**", "[click](", "<at>", "</at>", "_x_")
ELEMENTS_1_5 = {
    "TextBlock", "RichTextBlock", "Image", "ImageSet", "Media", "Container", "ColumnSet", "Column", "FactSet",
    "ActionSet", "Table", "TableRow", "TableCell", "Input.Text", "Input.Number", "Input.Date", "Input.Time",
    "Input.Toggle", "Input.ChoiceSet",
}  # fmt: skip
ACTIONS = {"Action.Submit", "Action.OpenUrl", "Action.ToggleVisibility", "Action.ShowCard"}


@pytest.fixture(scope="module")
def renderer(knowledge: Knowledge) -> TeamsRenderer:
    return TeamsRenderer(knowledge.sources)


def payload(message: TeamsMessage) -> dict[str, Any]:
    return {"text": message.text, "card": message.card}


def assert_matches_golden(name: str, got: dict[str, Any]) -> None:
    """``got`` equals ``tests/golden/teams/<name>.json``; with ``HERBOT_UPDATE_GOLDEN=1`` it becomes the golden."""
    path = GOLDEN / f"{name}.json"
    if os.environ.get("HERBOT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == got


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every element and action of a card, depth first, in reading order."""
    children = ("body", "items", "columns", "actions", "card")
    if isinstance(node, list):
        for item in node:
            yield from walk(item)
    elif isinstance(node, dict):
        if "type" in node and node["type"] != "AdaptiveCard":
            yield node
        for key in children:
            if key in node:
                yield from walk(node[key])


def markdown_texts(card: dict[str, Any]) -> list[str]:
    """What Teams reads as markdown: TextBlock texts, and fact titles and values."""
    texts = [e["text"] for e in walk(card) if e["type"] == "TextBlock"]
    facts = [fact for e in walk(card) if e["type"] == "FactSet" for fact in e["facts"]]
    return texts + [fact[key] for fact in facts for key in ("title", "value")]


def card_problems(card: dict[str, Any]) -> list[str]:
    """What in ``card`` breaks Adaptive Card 1.5 as herbot uses it, or Teams' size limit."""
    problems = [
        f"{key} is {card.get(key)!r}"
        for key, want in (("type", "AdaptiveCard"), ("version", "1.5"), ("$schema", SCHEMA))
        if card.get(key) != want
    ]
    problems += [] if card.get("fallbackText") and card.get("speak") else ["no fallbackText or speak"]
    elements = list(walk(card))
    kinds = [e["type"] for e in elements]
    problems += [f"element {k}" for k in kinds if not k.startswith("Action.") and k not in ELEMENTS_1_5]
    problems += [f"action {k}" for k in kinds if k.startswith("Action.") and k not in ACTIONS]
    ids = [e["id"] for e in elements if "id" in e]
    problems += [] if len(ids) == len(set(ids)) else [f"repeated ids {ids}"]
    targets = [t for e in elements if e["type"] == "Action.ToggleVisibility" for t in e["targetElements"]]
    problems += [f"toggle of missing id {t}" for t in targets if t not in ids]
    problems += [f"empty text in {e}" for e in elements if e["type"] == "TextBlock" and not e["text"].strip()]
    last = card["body"][-1]
    problems += [] if last["text"].startswith("Educational decision support") else [f"last is {last}"]
    size = card_size(TeamsMessage(text="", card=card))
    return problems + ([f"{size} bytes"] if size > MAX_CARD_BYTES else [])


def shown_and_hidden(card: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The card's markdown texts outside the hidden reasoning container, and inside it."""
    hidden = [e for e in card["body"] if e.get("id") == REASONING_ID]
    shown = [e for e in card["body"] if e.get("id") != REASONING_ID]
    return markdown_texts({"body": shown}), markdown_texts({"body": hidden})


def marks(texts: list[str]) -> set[int]:
    return {int(n) for text in texts if not LISTED.match(text) for n in MARK.findall(text)}


def listed(texts: list[str]) -> set[int]:
    return {int(n) for text in texts if LISTED.match(text) for n in LISTED.findall(text)}


# --- golden cards -----------------------------------------------------------------------------------------------

Build = Callable[[TeamsRenderer, Knowledge], TeamsMessage]
GOLDEN_CASES = [
    pytest.param(lambda r, k: r.render(explain_question(k.question("her2-low.is-2plus-low"), k)), id="yes-no"),
    pytest.param(lambda r, k: r.render(explain_report(report_from_fields(RECOUNT))), id="classification"),
    pytest.param(
        lambda r, k: r.render(explain_topic(k.topic_for_intent("define-her2-low"), "define-her2-low")), id="topic"
    ),
    pytest.param(lambda r, k: r.render(explain_refusal(RefusalKind.PATIENT_SPECIFIC)), id="refusal"),
    pytest.param(lambda r, k: r.render(explain_help()), id="help"),
    pytest.param(lambda r, k: r.welcome(), id="welcome"),
    pytest.param(lambda r, k: r.failure("3f9a1c2e"), id="failure"),
]


@pytest.mark.parametrize("build", GOLDEN_CASES)
def test_card_matches_golden(
    request: pytest.FixtureRequest, knowledge: Knowledge, renderer: TeamsRenderer, build: Build
) -> None:
    assert_matches_golden(request.node.callspec.id, payload(build(renderer, knowledge)))


@pytest.mark.parametrize("build", [case for case in GOLDEN_CASES if case.id != "failure"])
def test_golden_card_is_valid(knowledge: Knowledge, renderer: TeamsRenderer, build: Build) -> None:
    card = build(renderer, knowledge).card
    assert card is not None and card_problems(card) == []


# --- every answer herbot can give is a valid card within Teams' limit -------------------------------------------

TOPICS = [pytest.param(topic, id=topic.id) for topic in load_topics()]
CASES = [*csv_params("gold_cases.csv"), *csv_params("engine_cases.csv")]
REPORT = (
    "Specimen: left breast core biopsy, MRN 1234567. Invasive carcinoma of no special type, grade 2. "
    "ER positive 90% strong, PR positive 20% moderate, HER2 IHC 2+ (equivocal), dual-probe ISH pending. "
)
PASTED = [
    pytest.param((REPORT * 40)[: MAX_MESSAGE_CHARS - 40] + " ISH ratio 1.6, copies 3.2", id="at-the-cap"),
    pytest.param(REPORT * 60, id="past-the-cap"),
    pytest.param(
        "Pathology: IHC 2+, HER2/CEP17 2.2, HER2 copy number 3.5, recount same group, ER 0.5%, PR 0%, "
        "Allred ER 2/8, Dr Smith, DOB 01/02/1960. " * 8,
        id="recount-er-low",
    ),
]
OTHER_ANSWERS = [
    pytest.param(explain_help(), id="help"),
    *(pytest.param(explain_refusal(kind), id=f"refusal-{kind}") for kind in RefusalKind),
]


def _classification(row: dict[str, str]) -> Explanation:
    return explain_report(report_from_fields({key: value for key, value in row.items() if key in FIELDS}))


def _longest_reasoning(count: int) -> list[Any]:
    rows = sorted(csv_rows("gold_cases.csv"), key=lambda row: -len(_classification(row).steps))
    return [pytest.param(row, id=row["id"]) for row in rows[:count]]


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_lesson_via_the_router_is_a_valid_card(router: Router, renderer: TeamsRenderer, topic) -> None:
    explanation = router.answer(f"learn {topic.title}").explanation
    assert (explanation.topic_id, explanation.full) == (topic.id, True)
    assert card_problems(renderer.render(explanation).card) == []


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_default_answer_is_a_valid_card(renderer: TeamsRenderer, topic) -> None:
    assert card_problems(renderer.render(explain_topic(topic, topic.intent or topic.id)).card) == []


@pytest.mark.parametrize("row", CASES)
def test_every_classification_is_a_valid_card(renderer: TeamsRenderer, row: dict[str, str]) -> None:
    assert card_problems(renderer.render(_classification(row)).card) == []


@pytest.mark.parametrize("row", _longest_reasoning(5))
def test_the_longest_reasoning_asked_for_is_a_valid_card(
    router: Router, renderer: TeamsRenderer, row: dict[str, str]
) -> None:
    report = report_from_fields({key: value for key, value in row.items() if key in FIELDS})
    explanation = router.answer("show reasoning", report).explanation
    assert explanation.full and explanation.steps
    assert card_problems(renderer.render(explanation).card) == []


@pytest.mark.parametrize("text", PASTED)
def test_a_long_pasted_report_is_a_valid_card(router: Router, renderer: TeamsRenderer, text: str) -> None:
    assert card_problems(renderer.render(router.answer(text).explanation).card) == []


@pytest.mark.parametrize("explanation", OTHER_ANSWERS)
def test_other_answers_are_valid_cards(renderer: TeamsRenderer, explanation: Explanation) -> None:
    assert card_problems(renderer.render(explanation).card) == []


# --- every [n] in the card resolves to a listed source ------------------------------------------------------------


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_marks_resolve_to_listed_sources(renderer: TeamsRenderer, topic) -> None:
    shown, hidden = shown_and_hidden(renderer.render(explain_topic(topic, topic.intent or topic.id)).card)
    assert marks(shown) and marks(shown) <= listed(shown)
    assert marks(hidden) <= listed(hidden)


@pytest.mark.parametrize("row", CASES)
def test_classification_marks_resolve_to_listed_sources(renderer: TeamsRenderer, row: dict[str, str]) -> None:
    shown, hidden = shown_and_hidden(renderer.render(_classification(row)).card)
    assert marks(shown) and marks(shown) <= listed(shown)
    assert marks(hidden) and marks(hidden) | marks(shown) <= listed(hidden)


# --- layout -----------------------------------------------------------------------------------------------------


def _toggles(card: dict[str, Any]) -> list[str]:
    return [e["title"] for e in walk(card) if e["type"] == "Action.ToggleVisibility"]


def _hidden(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in walk(card) if e.get("isVisible") is False]


@pytest.mark.parametrize(
    ("build", "toggles"),
    [
        pytest.param(lambda k: explain_report(report_from_fields(RECOUNT)), ["Show reasoning"], id="classification"),
        pytest.param(
            lambda k: explain_topic(k.topic("define-her2-low"), "define-her2-low"), ["Full answer"], id="topic"
        ),
        pytest.param(lambda k: explain_question(k.question("her2-low.is-2plus-low"), k), [], id="short-question"),
        pytest.param(lambda k: explain_topic(k.topic("define-her2-low"), "learn", lesson=True), [], id="lesson"),
        pytest.param(lambda k: explain_refusal(RefusalKind.UNRELATED), [], id="refusal"),
    ],
)
def test_a_toggle_only_when_there_is_more_to_show(
    knowledge: Knowledge, renderer: TeamsRenderer, build: Callable[[Knowledge], Explanation], toggles: list[str]
) -> None:
    card = renderer.render(build(knowledge)).card
    assert (_toggles(card), len(_hidden(card))) == (toggles, len(toggles))


def test_the_hidden_reasoning_has_every_step_with_its_rule(renderer: TeamsRenderer) -> None:
    explanation = explain_report(report_from_fields(RECOUNT))
    [hidden] = _hidden(renderer.render(explanation).card)
    steps = [e["text"] for e in hidden["items"] if e["text"].startswith("**") and e["text"][2].isdigit()]
    assert [(text.split("**")[1], text.rsplit("_", 2)[1]) for text in steps] == [
        (f"{n}.", step.rule) for n, step in enumerate(explanation.steps, 1)
    ]


def test_a_lesson_shows_every_point_and_full_references(knowledge: Knowledge, renderer: TeamsRenderer) -> None:
    explanation = explain_topic(knowledge.topic("define-her2-low"), "learn", lesson=True)
    texts = markdown_texts(renderer.render(explanation).card)
    assert [t for t in texts if t.startswith("• ")] == [
        f"• {escape_teams_markdown(p.text)} {_marks_of(p, explanation)}" for p in explanation.points
    ]
    assert "**Sources**" in texts


def _marks_of(claim: Claim, explanation: Explanation) -> str:
    order = list(dict.fromkeys(s for c in explanation.claims for s in c.sources))
    return "".join(f"[{order.index(s) + 1}]" for s in dict.fromkeys(claim.sources))


@pytest.mark.parametrize("topic", TOPICS)
def test_the_default_view_shows_at_most_three_points(renderer: TeamsRenderer, topic) -> None:
    shown, _ = shown_and_hidden(renderer.render(explain_topic(topic, topic.intent or topic.id)).card)
    assert len([text for text in shown if text.startswith("• ")]) <= 3


def test_follow_ups_are_at_most_three_message_back_submits(renderer: TeamsRenderer) -> None:
    asks = ("What is ISH & why " + "x" * 100, "B", "C", "D")
    card = renderer.render(Explanation(intent="help", headline=Claim("h", ()), follow_ups=asks)).card
    submits = [(e["title"], e["data"]) for e in walk(card) if e["type"] == "Action.Submit"]
    assert submits == [
        (title, {"msteams": {"type": "messageBack", "text": ask, "displayText": ask}})
        for title, ask in [("What is ISH & why…", asks[0]), ("B", "B"), ("C", "C")]
    ]


def test_a_question_answer_offers_more_on_its_topic(router: Router, renderer: TeamsRenderer) -> None:
    card = renderer.render(router.answer("does 2+ = her2 low?").explanation).card
    assert "More on HER2-low" in [e["title"] for e in walk(card) if e["type"] == "Action.Submit"]


def test_text_is_the_plain_headline_cut_for_notifications(renderer: TeamsRenderer) -> None:
    headline = "HER2 is **equivocal** " + "and more words " * 40
    message = renderer.render(Explanation(intent="help", headline=Claim(headline, (ASCO_CAP_HER2_2018,))))
    assert message.text.startswith("HER2 is **equivocal** and more") and message.text.endswith("…")
    assert len(message.text) <= 300 and "[1]" not in message.text
    assert message.card["fallbackText"] == message.text


@pytest.mark.parametrize(
    ("message", "size"),
    [
        pytest.param(TeamsMessage(text="only text", card=None), 0, id="text-only"),
        pytest.param(TeamsMessage(text="t", card={"type": "AdaptiveCard", "speak": "≥"}), 43, id="ascii-escaped"),
    ],
)
def test_card_size_counts_the_card_json_as_sent(message: TeamsMessage, size: int) -> None:
    assert card_size(message) == size


# --- failures and the welcome -------------------------------------------------------------------------------------


def test_a_failure_is_text_only_with_the_error_id(renderer: TeamsRenderer) -> None:
    message = renderer.failure("a1b2c3d4")
    assert message.card is None and "(error id a1b2c3d4)" in message.text and "Traceback" not in message.text


@pytest.mark.parametrize("error_id", ["", "x" * 65, "id with spaces", "Traceback (most recent call last)"])
def test_a_failure_refuses_anything_but_an_error_id(renderer: TeamsRenderer, error_id: str) -> None:
    with pytest.raises(ValueError, match="error_id"):
        renderer.failure(error_id)


def test_the_welcome_says_how_to_ask_in_teams(renderer: TeamsRenderer) -> None:
    shown, _ = shown_and_hidden(renderer.welcome().card)
    assert any("@mention me" in text for text in shown)


# --- past Teams' limit the hidden part is shortened, and the card says so ----------------------------------------

_LONG = "A long cited sentence about HER2 testing that goes on. " * 20  # about 1,100 characters


def _oversized(steps: int, *, full: bool = False) -> Explanation:
    cite = (ASCO_CAP_HER2_2018,)
    return Explanation(
        intent="classify-values",
        headline=Claim(_LONG * 2, cite),
        points=tuple(Claim(_LONG, cite) for _ in range(12)),
        notices=tuple(f"notice {n}" for n in range(25)),
        values=(("HER2 IHC", "2+"),),
        missing=tuple(_LONG for _ in range(2)),
        steps=tuple(Step(rule=f"rule/{n}", text=_LONG, sources=cite) for n in range(steps)),
        follow_ups=("y" * 1000,),
        guidelines=(_LONG,),
        full=full,
    )


@pytest.mark.parametrize("full", [False, True], ids=["default", "full"])
@pytest.mark.parametrize("steps", [5, 200])
def test_an_oversized_answer_is_shortened_within_the_limit(renderer: TeamsRenderer, steps: int, full: bool) -> None:
    card = renderer.render(_oversized(steps, full=full)).card
    assert card_problems(card) == []
    assert any(text.startswith("Shortened to fit Teams") for text in markdown_texts(card))
    assert [text for text in markdown_texts(card) if text.startswith("[1] ")]  # the references stay


def test_a_shortened_hidden_part_keeps_the_shown_part_whole(renderer: TeamsRenderer) -> None:
    card = renderer.render(_oversized(200)).card
    shown, hidden = shown_and_hidden(card)
    assert len([text for text in shown if text.startswith("• ")]) == 2  # the missing values
    notes = [(part, text) for part, texts in (("shown", shown), ("hidden", hidden)) for text in texts]
    assert [part for part, text in notes if text.startswith("Shortened to fit Teams")] == ["hidden"]
    assert hidden[-1].startswith("[1] ")  # the note comes before the references, which stay


# --- escaping ---------------------------------------------------------------------------------------------------


def _hostile() -> Explanation:
    cite = (ASCO_CAP_HER2_2018,)
    return Explanation(
        intent="classify-values",
        headline=Claim(HOSTILE, cite),
        points=(Claim(HOSTILE, cite), Claim(f"- {HOSTILE}\n1. {HOSTILE}", ()), *(Claim(HOSTILE, cite),) * 3),
        flags=(Claim(HOSTILE, cite),),
        notices=(HOSTILE,),
        values=((HOSTILE, HOSTILE),),
        missing=(HOSTILE,),
        steps=(Step(rule=HOSTILE, text=HOSTILE, sources=cite),),
        guidelines=(HOSTILE,),
        follow_ups=(HOSTILE,),
        disclaimer=HOSTILE,
    )


@pytest.mark.parametrize("full", [False, True], ids=["default", "full"])
def test_no_markdown_link_or_mention_in_an_answer_becomes_live(renderer: TeamsRenderer, full: bool) -> None:
    card = renderer.render(replace(_hostile(), full=full)).card
    assert [(live, text) for text in markdown_texts(card) for live in LIVE if live in text] == []
    assert "<at>" not in card["speak"]  # plain text, or SSML to a speech client: the tag is an entity


def test_an_answer_is_shown_escaped(renderer: TeamsRenderer) -> None:
    texts = markdown_texts(renderer.render(_hostile()).card)
    assert texts[0] == f"{INERT} [1]"
    assert rf"• \- {INERT}" + "\n" + rf"1\. {INERT}" in texts


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("[click](https://e.io)", r"\[click\]\(https://e.io)"),
        ("<at>everyone</at> **b**", r"&lt;at>everyone&lt;/at> \*\*b\*\*"),
        ("_x_ `code` ~~s~~", r"\_x\_ \`code\` \~\~s\~\~"),
    ],
)
def test_a_value_echoed_from_the_users_message_is_shown_escaped(
    renderer: TeamsRenderer, value: str, shown: str
) -> None:
    # An invalid value is where an answer quotes the message: "I can't use HER2 IHC score '...'".
    error = InvalidValue(field="ihc", value=value, allowed="0, 1+, 2+ or 3+")
    headline = markdown_texts(renderer.render(explain_invalid(error, kept_prior=False)).card)[0]
    assert headline == f"I can't use HER2 IHC score '{shown}': allowed is 0, 1+, 2+ or 3+."


@pytest.mark.parametrize(
    "message",
    [
        HOSTILE,
        f"IHC {HOSTILE}",
        f"IHC 2+ {HOSTILE} ratio 1.6 copies 3.2",
        f"what is HER2-low? {HOSTILE}",
        f"teach me about {HOSTILE}",
        f"my patient {HOSTILE} needs T-DXd?",
    ],
)
def test_markup_in_a_message_never_becomes_live_in_the_answer(
    router: Router, renderer: TeamsRenderer, message: str
) -> None:
    card = renderer.render(router.answer(message).explanation).card
    assert [(live, text) for text in markdown_texts(card) for live in LIVE if live in text] == []


def test_the_teams_filter_is_in_the_teams_environment() -> None:
    # A named template, not from_string: select_autoescape HTML-escapes string templates by default.
    environment = create_environment("teams")
    environment.loader = jinja2.DictLoader({"probe.md.j2": "{{ t | teams }}"})
    assert environment.get_template("probe.md.j2").render(t=HOSTILE) == INERT


# --- templates fail loudly ----------------------------------------------------------------------------------------


def test_a_template_naming_a_missing_attribute_breaks_the_render(knowledge: Knowledge) -> None:
    environment = create_environment("teams")
    broken = jinja2.DictLoader({"headline.md.j2": "{{ claim.summary | teams }}"})
    environment.loader = jinja2.ChoiceLoader([broken, environment.loader])
    with pytest.raises(jinja2.UndefinedError, match="summary"):
        TeamsRenderer(knowledge.sources, environment).render(explain_help())
