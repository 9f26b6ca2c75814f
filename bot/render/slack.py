"""Slack Block Kit rendering of an ``Explanation``: models from ``slack_sdk``, mrkdwn from ``templates/slack/``.

The layout, top to bottom::

    section   *headline* [1][2]                      (split into more sections past 3000 chars)
    section   :warning: flags that change how the result reads
    context   notices, one element each              (10 elements a block)
    section   • point [1]  • point [2] ...           (the default view: at most 3, see bot/render/views.py)
    section   *Values read:* ...  *Missing:* ...     (classifications)
    actions   [Show reasoning]                       or, with show_steps, a section of numbered steps
    divider
    context   [1] <url|short title> · [2] ...        or, in the full view, one full citation each, cut to fit
    context   Applied: guideline versions            (classifications and help; every cited one in the full view)
    actions   follow-up buttons (at most 3)
    context   disclaimer                             (always last)

Every piece of the explanation goes through the ``mrkdwn`` filter, so user-supplied text can never
become a mention or a link. Slack's limits are kept by splitting long text across blocks; past 50
blocks the body is shortened and says so, while sources, follow-ups and the disclaimer stay.
This module knows nothing of Slack's Web API: it only builds messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.engine.explanation import Explanation
from bot.engine.sources import Source, SourceRegistry
from bot.render.citations import CitedTemplates, number_citations
from bot.render.environment import create_environment
from bot.render.views import default_view

__all__ = ["SHOW_REASONING_ACTION", "SlackMessage", "SlackRenderer", "contexts", "fit", "follow_up_action", "sections"]

SHOW_REASONING_ACTION = "herbot_show_reasoning"
SHOW_REASONING_LABEL = "Show reasoning"

# Slack's Block Kit limits (https://docs.slack.dev/reference/block-kit/).
MAX_BLOCKS = 50
MAX_TEXT = 3000  # a section's text, and any text object
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_FOLLOW_UPS = 3
MAX_FALLBACK = 300  # notifications show a line or two; the blocks carry the rest
ELLIPSIS = "…"


def follow_up_action(index: int) -> str:
    """The action id of the ``index``-th follow-up button: ``herbot_follow_up_0``, ``_1``, ..."""
    return f"herbot_follow_up_{index}"


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A message ready for ``chat.postMessage``: fallback ``text`` and Block Kit ``blocks``; ``in_channel``: posted
    for everyone in the channel even when it answers through a response URL (a lesson, a quiz); ``for_asker``:
    only the person who asked may see it, even when they asked in a channel (their scores, a private reply)."""

    text: str
    blocks: tuple[Block, ...]
    in_channel: bool = False
    for_asker: bool = False

    def block_dicts(self) -> list[dict[str, Any]]:
        """The blocks as the Web API takes them; slack_sdk validates each one and raises if it is invalid."""
        return [block.to_dict() for block in self.blocks]


class SlackRenderer:
    """Renders explanations as Block Kit messages through ``templates/slack/``."""

    def __init__(self, sources: SourceRegistry, environment: jinja2.Environment | None = None) -> None:
        self._sources = sources
        self._environment = environment or create_environment("slack")
        self._escape: Callable[[str], str] = self._environment.filters["mrkdwn"]

    def render(
        self,
        explanation: Explanation,
        *,
        show_steps: bool = False,
        reasoning_token: str | None = None,
        full: bool = False,
    ) -> SlackMessage:
        """The default view, or with ``full`` (or an explanation marked full) every point and full references;
        steps are behind a "Show reasoning" button carrying ``reasoning_token`` unless ``show_steps``."""
        if reasoning_token is not None and not 0 < len(reasoning_token) <= MAX_BUTTON_VALUE:
            raise ValueError(f"reasoning_token must be 1 to {MAX_BUTTON_VALUE} characters")
        full = full or explanation.full
        x = explanation if full else default_view(explanation)
        cited = number_citations(x, self._sources, with_steps=show_steps)
        mrkdwn = CitedTemplates(self._environment, cited)
        body = [
            *sections(mrkdwn("headline.mrkdwn.j2", claim=x.headline)),
            *sections(mrkdwn("flags.mrkdwn.j2", flags=x.flags)),
            *contexts(mrkdwn("notice.mrkdwn.j2", notice=notice) for notice in x.notices),
            *sections(mrkdwn("points.mrkdwn.j2", points=x.points)),
            *sections(mrkdwn("values.mrkdwn.j2", values=x.values, missing=x.missing)),
        ]
        if x.steps and show_steps:
            body += sections(mrkdwn("steps.mrkdwn.j2", steps=x.steps))
        elif x.steps and reasoning_token is not None:
            body.append(
                ActionsBlock(elements=[self._button(SHOW_REASONING_LABEL, SHOW_REASONING_ACTION, reasoning_token)])
            )
        if full or show_steps:
            references = [self._citation(mrkdwn, number, source) for number, source in enumerate(cited.sources, 1)]
        else:
            references = [mrkdwn("references.mrkdwn.j2", sources=cited.sources)] if cited.sources else []
        guidelines = cited.guidelines and (full or show_steps or x.guidelines)
        tail = [
            *([DividerBlock()] if cited.sources else []),
            *contexts(references),
            *contexts([mrkdwn("guidelines.mrkdwn.j2", cited=cited)] if guidelines else []),
            *self._follow_ups(x.follow_ups),
            *contexts([mrkdwn("disclaimer.mrkdwn.j2", disclaimer=x.disclaimer)]),
        ]
        blocks = _within_block_limit(body, tail, lambda omitted: mrkdwn("shortened.mrkdwn.j2", omitted=omitted))
        fallback = _cut(mrkdwn("fallback.mrkdwn.j2", x=x), MAX_FALLBACK)
        return SlackMessage(text=fallback, blocks=tuple(blocks))

    def _citation(self, mrkdwn: CitedTemplates, number: int, source: Source) -> str:
        """``[n] <url|short> (year): citation``, the citation cut so the element fits one text object."""
        return fit(
            lambda citation: mrkdwn("citation.mrkdwn.j2", number=number, source=source, citation=citation),
            source.citation,
            MAX_TEXT,
        )

    def _follow_ups(self, follow_ups: Sequence[str]) -> list[Block]:
        asks = [ask for ask in follow_ups if ask.strip()][:MAX_FOLLOW_UPS]
        if not asks:
            return []
        return [ActionsBlock(elements=[self._button(ask, follow_up_action(i), ask) for i, ask in enumerate(asks)])]

    def _button(self, label: str, action_id: str, value: str) -> ButtonElement:
        # Slack's escaping rule covers every text object, plain_text included, so the label is escaped;
        # the value is never shown, only handed back to us in the action payload, so it stays as it is.
        text = fit(self._escape, label, MAX_BUTTON_TEXT)
        return ButtonElement(text=PlainTextObject(text=text), action_id=action_id, value=value[:MAX_BUTTON_VALUE])


def _mrkdwn(text: str) -> MarkdownTextObject:
    # verbatim: Slack must not turn bare URLs, #channels or @names in our text into links or mentions.
    return MarkdownTextObject(text=text, verbatim=True)


def sections(text: str) -> list[Block]:
    """One section per ``MAX_TEXT`` characters of ``text``; none for empty text."""
    return [SectionBlock(text=_mrkdwn(chunk)) for chunk in _split(text, MAX_TEXT)]


def contexts(texts: Iterable[str]) -> list[Block]:
    """Context blocks of at most ten elements, one element per text (or per ``MAX_TEXT`` of a long one)."""
    elements = [_mrkdwn(chunk) for text in texts for chunk in _split(text, MAX_TEXT)]
    return [
        ContextBlock(elements=elements[start : start + MAX_CONTEXT_ELEMENTS])
        for start in range(0, len(elements), MAX_CONTEXT_ELEMENTS)
    ]


def _within_block_limit(body: list[Block], tail: list[Block], shortened: Callable[[int], str]) -> list[Block]:
    """``body + tail``, or past ``MAX_BLOCKS`` the body cut short with a note, so sources and disclaimer stay."""
    if len(body) + len(tail) <= MAX_BLOCKS:
        return [*body, *tail]
    keep = MAX_BLOCKS - len(tail) - 1
    return [*body[:keep], *contexts([shortened(len(body) - keep)]), *tail]


def _split(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, broken at a line, else a space, never in an entity.

    >>> _split("one two three", 8)
    ['one two', 'three']
    >>> _split("a&amp;b", 5)
    ['a', '&amp;', 'b']
    >>> _split("   ", 10)
    []
    """
    pieces = []
    text = text.strip()
    while len(text) > limit:
        cut = text.rfind("\n", 1, limit + 1)
        if cut <= 0:
            cut = text.rfind(" ", 1, limit + 1)
        if cut <= 0:
            cut = _entity_safe(text, limit)
        pieces.append(text[:cut].rstrip())
        text = text[cut:].strip()
    return [piece for piece in (*pieces, text) if piece]


def _entity_safe(text: str, limit: int) -> int:
    """The last cut at or before ``limit`` that does not fall inside ``&amp;``, ``&lt;`` or ``&gt;``."""
    start = text.rfind("&", max(1, limit - 4), limit)
    return start if start > 0 and ";" not in text[start:limit] else limit


def _cut(text: str, limit: int) -> str:
    """``text``, or its first piece and an ellipsis when it is longer than ``limit``.

    >>> _cut("a short line", 20)
    'a short line'
    >>> _cut("one two three four", 10)
    'one two…'
    """
    if len(text) <= limit:
        return text
    return _split(text, limit - len(ELLIPSIS))[0] + ELLIPSIS


def fit(render: Callable[[str], str], raw: str, limit: int) -> str:
    """``render(raw)``, or ``render`` of the longest prefix of ``raw`` plus an ellipsis that fits ``limit``.

    Cutting the raw text before rendering keeps escapes and link syntax whole.

    >>> fit(lambda s: s.replace("&", "&amp;"), "R&D & more", 9)
    'R&amp;D…'
    """
    rendered = render(raw)
    if len(rendered) <= limit:
        return rendered
    low, high = 0, len(raw) - 1  # the longest prefix length whose rendering fits lies in [low, high]
    while low < high:
        middle = (low + high + 1) // 2
        if len(render(raw[:middle].rstrip() + ELLIPSIS)) <= limit:
            low = middle
        else:
            high = middle - 1
    rendered = render(raw[:low].rstrip() + ELLIPSIS)
    return rendered if len(rendered) <= limit else _cut(rendered, limit)
