"""Microsoft Teams rendering of an ``Explanation``: an Adaptive Card 1.5 as plain dicts, text from ``templates/teams/``.

The card, top to bottom::

    TextBlock   headline [1][2]                          (bold)
    TextBlock   ⚠️ flag [n]                              (warning colour, one per flag)
    TextBlock   notice                                   (subtle, one per notice)
    TextBlock   • point [n]                              (the default view: at most 3, see bot/render/views.py)
    FactSet     Values read;  TextBlocks  Missing: • ...  (classifications)
    ActionSet   [Show reasoning] or [Full answer]        (only when there is more to show)
    Container   hidden: the other points, numbered steps with rule ids, guidelines, full references
    TextBlock   [1] [short title](url) · [2] ...         (compact references; hidden once the reasoning shows)
    TextBlock   Applied: guideline versions              (classifications and help)
    ActionSet   follow-ups as messageBack submits (at most 3)
    TextBlock   disclaimer                               (always last)

An explanation marked ``full`` (a "More on" request, a lesson, "show reasoning") is shown whole, without a
toggle. The toggle is an ``Action.ToggleVisibility``, so revealing the reasoning costs no round trip.
Citations are markdown links in one TextBlock rather than ``Action.OpenUrl`` buttons: the list reads like
the [n] marks it resolves, ten sources stay one line instead of ten buttons (Teams folds extra actions
into an overflow menu), and the full view puts each link beside its citation.

Every piece of the explanation goes through the ``teams`` filter, so no markdown, link or mention in it
becomes live. Button titles and ``messageBack`` texts are plain text that Teams never parses as markdown;
``fallbackText``, ``speak`` and ``TeamsMessage.text`` carry the headline as plain text, cut to a line or two.
Past ``MAX_CARD_BYTES`` the hidden part is shortened first and the card says so; the headline,
references, follow-ups and disclaimer always stay. This module knows nothing of botbuilder: the adapter
wraps ``TeamsMessage.card`` as an attachment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from xml.sax.saxutils import escape as escape_xml

import jinja2

from bot.engine.explanation import Claim, Explanation
from bot.engine.sources import Source, SourceRegistry
from bot.render.citations import Citations, CitedTemplates, number_citations
from bot.render.environment import create_environment
from bot.render.views import default_view
from intents.help import explain_help

__all__ = [
    "MAX_CARD_BYTES",
    "REASONING_ID",
    "REFERENCES_ID",
    "TeamsMessage",
    "TeamsRenderer",
    "card_envelope",
    "card_size",
    "cut_words",
    "text_block",
]

# Teams refuses bot messages past about 40 KB and webhook cards past 28 KB; the card keeps to the smaller.
MAX_CARD_BYTES = 28_000
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
REASONING_ID = "herbot-reasoning"
REFERENCES_ID = "herbot-references"
SHOW_REASONING_LABEL = "Show reasoning"
FULL_ANSWER_LABEL = "Full answer"
MAX_FOLLOW_UPS = 3
MAX_BUTTON_TITLE = 75
MAX_SUMMARY = 300  # notifications show a line or two; the card carries the rest
ELLIPSIS = "…"
WELCOME = "Hi, I'm herbot: HER2 and hormone-receptor status in breast cancer, explained with sources."
IN_TEAMS = "In a channel or group chat, @mention me with your question; in a personal chat, just type it."
_ERROR_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Characters that would end or re-read a markdown link destination, percent-encoded (RFC 3986 equivalents).
_URL_ESCAPES = str.maketrans({c: f"%{ord(c):02X}" for c in " ()<>[]\\*_`"})

Element = dict[str, Any]
Group = list[Element]  # elements that stay or go together when a card is shortened


@dataclass(frozen=True, slots=True)
class TeamsMessage:
    """A Teams reply: plain ``text`` (notifications, screen readers, the activity's summary) and an Adaptive Card."""

    text: str  # unescaped: send it as plain text (textFormat "plain") or as the summary, never as markdown
    card: dict[str, Any] | None  # Adaptive Card content; None: text only


def card_size(message: TeamsMessage) -> int:
    """Bytes of the card's JSON as the Bot Connector client sends it (``json.dumps`` defaults, UTF-8); 0 without one."""
    return 0 if message.card is None else len(json.dumps(message.card).encode("utf-8"))


@dataclass(frozen=True, slots=True)
class _Parts:
    """A card's pieces: the kept ``head`` and ``tail``, and the groups that give way when it is too large."""

    head: Group
    body: list[Group]  # shown; shortened only once ``more`` is gone
    more: list[Group]  # the other points and the steps: behind the toggle unless ``whole``; shortened first
    references: Callable[[bool], Group]  # full references (with True, the brief form), shown with ``more``
    compact: Group  # compact references, swapped out when the hidden part shows
    tail: Group
    whole: bool  # show everything, without a toggle
    toggle_label: str


class TeamsRenderer:
    """Renders explanations as Adaptive Cards through ``templates/teams/``."""

    def __init__(self, sources: SourceRegistry, environment: jinja2.Environment | None = None) -> None:
        self._sources = sources
        self._environment = environment or create_environment("teams")
        self._escape: Callable[[str], str] = self._environment.filters["teams"]

    def render(self, explanation: Explanation) -> TeamsMessage:
        """The default view with the full reasoning behind a toggle, or an explanation marked ``full`` whole."""
        full = explanation.full
        shown = explanation if full else default_view(explanation)
        # One numbering for the whole answer, so a mark means the same source shown or hidden.
        cited = number_citations(explanation, self._sources)
        md = CitedTemplates(self._environment, cited)
        rest = [*self._points(md, explanation.points[len(shown.points) :]), *self._steps(md, explanation)]
        numbered = list(enumerate(cited.sources, start=1))
        visible = set(shown.claim_source_ids)
        compact = [] if full else [(n, s) for n, s in numbered if s.id in visible]
        guidelines = self._guidelines(md, cited)
        # As on Slack: the guidelines line shows by default where guidelines were applied (classifications, help).
        applied = full or bool(explanation.guidelines)
        references = self._references(md, numbered)
        parts = _Parts(
            head=[text_block(md("headline.md.j2", claim=shown.headline), weight="Bolder", size="Medium")],
            body=[*self._notes(md, shown), *self._points(md, shown.points), *self._values(md, shown)],
            more=rest,
            references=lambda brief: [*([] if applied else guidelines), *references(brief)],
            compact=[self._compact(md, compact, swappable=bool(rest))] if compact else [],
            tail=[*(guidelines if applied else []), *self._follow_ups(shown.follow_ups), self._disclaimer(md, shown)],
            whole=full,
            toggle_label=SHOW_REASONING_LABEL if explanation.steps else FULL_ANSWER_LABEL,
        )
        summary = self._summary(shown)
        return TeamsMessage(text=summary, card=_fit(parts, summary, lambda n: md("shortened.md.j2", omitted=n)))

    def welcome(self) -> TeamsMessage:
        """The card for a new install (team, group chat or personal): what herbot does and how to ask it here."""
        help_ = explain_help()
        scope, *how_to_ask = help_.points
        points = (scope, Claim(IN_TEAMS, ()), *how_to_ask)
        return self.render(replace(help_, headline=Claim(WELCOME, ()), points=points))

    def failure(self, error_id: str) -> TeamsMessage:
        """An apology carrying ``error_id`` and nothing else of the failure: text only, no card."""
        if not _ERROR_ID.fullmatch(error_id):
            raise ValueError("error_id must be 1 to 64 letters, digits, '-' or '_'")
        text = self._environment.get_template("failure.txt.j2").render(error_id=error_id).strip()
        return TeamsMessage(text=text, card=None)

    def _summary(self, explanation: Explanation) -> str:
        headline = self._environment.get_template("summary.txt.j2").render(headline=explanation.headline.text)
        return cut_words(" ".join(headline.split()), MAX_SUMMARY)

    def _notes(self, md: CitedTemplates, explanation: Explanation) -> list[Group]:
        flags = [
            [text_block(md("flag.md.j2", flag=flag), color="Warning", weight="Bolder")] for flag in explanation.flags
        ]
        notices = [[text_block(md("notice.md.j2", notice=n), isSubtle=True, size="Small")] for n in explanation.notices]
        return flags + notices

    def _points(self, md: CitedTemplates, points: Sequence[Claim]) -> list[Group]:
        return [[text_block(md("point.md.j2", point=point), spacing="Small")] for point in points]

    def _values(self, md: CitedTemplates, explanation: Explanation) -> list[Group]:
        groups: list[Group] = []
        if explanation.values:
            facts = [
                {"title": self._escape(label), "value": self._escape(value)} for label, value in explanation.values
            ]
            groups.append([text_block(md("heading.md.j2", title="Values read")), {"type": "FactSet", "facts": facts}])
        if explanation.missing:
            items = [text_block(md("item.md.j2", item=item), spacing="Small") for item in explanation.missing]
            groups.append([text_block(md("heading.md.j2", title="Missing")), *items])
        return groups

    def _steps(self, md: CitedTemplates, explanation: Explanation) -> list[Group]:
        """One group per numbered step; the heading goes with the first, so it never stands alone."""
        steps = [
            [text_block(md("step.md.j2", number=n, step=step), spacing="Small")]
            for n, step in enumerate(explanation.steps, 1)
        ]
        if steps:
            steps[0].insert(0, text_block(md("heading.md.j2", title="Reasoning")))
        return steps

    def _references(self, md: CitedTemplates, numbered: list[tuple[int, Source]]) -> Callable[[bool], Group]:
        def references(brief: bool) -> Group:
            if not numbered:
                return []
            lines = [
                md(
                    "citation.md.j2",
                    number=n,
                    source=s,
                    url=_link_target(s.url),
                    citation=s.brief if brief else s.citation,
                )
                for n, s in numbered
            ]
            return [
                text_block(md("heading.md.j2", title="Sources")),
                *(text_block(line, size="Small", spacing="Small") for line in lines),
            ]

        return references

    def _compact(self, md: CitedTemplates, numbered: list[tuple[int, Source]], swappable: bool) -> Element:
        references = [(n, s, _link_target(s.url)) for n, s in numbered]
        element = text_block(md("references.md.j2", references=references), isSubtle=True, size="Small", separator=True)
        return {**element, "id": REFERENCES_ID} if swappable else element

    def _follow_ups(self, follow_ups: Sequence[str]) -> Group:
        asks = [ask for ask in follow_ups if ask.strip()][:MAX_FOLLOW_UPS]
        if not asks:
            return []
        # messageBack: Teams posts displayText as the user's message and sends text to herbot, as if typed.
        actions = [
            {
                "type": "Action.Submit",
                "title": cut_words(ask, MAX_BUTTON_TITLE),
                "data": {"msteams": {"type": "messageBack", "text": ask, "displayText": ask}},
            }
            for ask in asks
        ]
        return [{"type": "ActionSet", "actions": actions}]

    def _guidelines(self, md: CitedTemplates, cited: Citations) -> Group:
        return (
            [text_block(md("guidelines.md.j2", cited=cited), isSubtle=True, size="Small")] if cited.guidelines else []
        )

    def _disclaimer(self, md: CitedTemplates, explanation: Explanation) -> Element:
        return text_block(md("disclaimer.md.j2", disclaimer=explanation.disclaimer), isSubtle=True, size="Small")


def text_block(text: str, **style: Any) -> Element:
    """A wrapping TextBlock."""
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _card(parts: _Parts, summary: str, *, brief: bool, more_kept: int, body_kept: int, note: Element | None) -> dict:
    """The card from ``parts``, with the first ``more_kept`` and ``body_kept`` groups and a ``note`` on what is not."""
    body = [element for group in parts.body[:body_kept] for element in group]
    more = [element for group in parts.more[:more_kept] for element in group]
    if note is not None:
        (more if body_kept == len(parts.body) else body).append(note)
    elements = [*parts.head, *body]
    if parts.whole:
        elements += [*more, *parts.references(brief)]
    elif parts.more:
        targets = [REASONING_ID, *([REFERENCES_ID] if parts.compact else [])]
        toggle = {"type": "Action.ToggleVisibility", "title": parts.toggle_label, "targetElements": targets}
        hidden = {
            "type": "Container",
            "id": REASONING_ID,
            "isVisible": False,
            "items": [*more, *parts.references(brief)],
        }
        elements += [{"type": "ActionSet", "actions": [toggle]}, hidden]
    return card_envelope(summary, [*elements, *parts.compact, *parts.tail])


def _fit(parts: _Parts, summary: str, shortened: Callable[[int], str]) -> dict:
    """The whole card, or past ``MAX_CARD_BYTES`` one with brief references, then fewer hidden and shown groups."""
    more, body = len(parts.more), len(parts.body)
    card = _card(parts, summary, brief=False, more_kept=more, body_kept=body, note=None)
    brief = False
    while _size(card) > MAX_CARD_BYTES and (not brief or more or body):
        if not brief:
            brief = True
        elif more:
            more -= 1
        else:
            body -= 1
        omitted = len(parts.more) - more + len(parts.body) - body
        note = text_block(shortened(omitted), isSubtle=True) if omitted else None
        card = _card(parts, summary, brief=True, more_kept=more, body_kept=body, note=note)
    return card


def card_envelope(summary: str, body: list[Element]) -> dict[str, Any]:
    """An Adaptive Card of ``body``, full width, with ``summary`` as its fallback text and spoken text."""
    return {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "fallbackText": summary,
        "speak": escape_xml(summary),
        "msteams": {"width": "Full"},
        "body": body,
    }


def _size(card: dict) -> int:
    return card_size(TeamsMessage(text="", card=card))


def _link_target(url: str | None) -> str | None:
    """``url`` safe as a markdown link destination, or ``None`` unless it is http(s).

    >>> _link_target("https://example.org/a_b (1)")
    'https://example.org/a%5Fb%20%281%29'
    >>> _link_target("javascript:alert(1)") is None
    True
    """
    if not url or not url.startswith(("https://", "http://")):
        return None
    return url.translate(_URL_ESCAPES)


def cut_words(text: str, limit: int) -> str:
    """``text``, or as many whole words as fit ``limit`` with an ellipsis.

    >>> cut_words("a short line", 20)
    'a short line'
    >>> cut_words("one two three four", 10)
    'one two…'
    >>> cut_words("Group 4 (ratio below 2.0, 4 to 6 signals per cell)", 20)
    'Group 4 (ratio…'
    >>> cut_words("x" * 12, 10)
    'xxxxxxxxx…'
    """
    if len(text) <= limit:
        return text
    head = text[: limit - len(ELLIPSIS) + 1]
    cut = head.rfind(" ")
    return (head[:cut] if cut > 0 else head[:-1]).rstrip() + ELLIPSIS
