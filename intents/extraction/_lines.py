"""Reading a long text line by line: only the lines that hold what a rule needs, where that gives the same matches.

A pasted report is many lines, and most rules need a keyword found on one or two of them. A pattern none
of whose consuming parts can match a newline has every match inside one line, and that line holds what
the match needs (``_needs``). Searching only those lines finds the same matches as searching the whole
text, provided the search sees what the pattern looks at around a match: ``pattern.finditer(text, start,
end)`` keeps the text before ``start`` visible to lookbehinds and ``\\b``, and the window is made to end
``lookahead_reach(pattern)`` characters past the line, so every lookahead reads what it would have read.
Patterns that anchor (``^``, ``$``, ``\\A``, ``\\Z``), read back references, or look ahead without a
bound are never read line by line (``lookahead_reach`` gives ``None``).

>>> lookahead_reach(re.compile(r"\\bratio ?\\d+(?![\\d%])")), lookahead_reach(re.compile(r"[^;]{0,40}ratio"))
(1, None)
>>> list(lines_holding("a\\nratio 2\\nb\\nc ratio", frozenset({"ratio"})))
[(2, 9), (12, 19)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# As in _needs: the parser behind re.compile, the only way to read a pattern's structure.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from intents.extraction._needs import Needs

__all__ = ["lines_holding", "lookahead_reach", "matches_by_line"]

_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}
# Categories that match a newline, in a class or (negated) kept out of one.
_NEWLINE_CATEGORIES = {sre.CATEGORY_SPACE, sre.CATEGORY_NOT_DIGIT, sre.CATEGORY_NOT_WORD, sre.CATEGORY_LINEBREAK}
_BOUNDARIES = {sre.AT_BOUNDARY, sre.AT_NON_BOUNDARY}


class _Unbounded(Exception):
    """The pattern may match a newline, anchors (``anchored``), or looks ahead without a bound."""

    def __init__(self, *, anchored: bool = False) -> None:
        super().__init__()
        self.anchored = anchored


def lookahead_reach(pattern: re.Pattern[str]) -> int | None:
    """How far past a match's end the pattern may look (at least 1), or ``None`` if it is not read by line."""
    if pattern.flags & re.DOTALL:
        return None
    try:
        return max(1, _reach(sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)))
    except _Unbounded:
        return None
    except Exception:  # a pattern this reader cannot follow is read whole
        return None


def matches_by_line(
    pattern: re.Pattern[str], text: str, needs: Needs | None, reach: int | None, *, words_in: str
) -> list[re.Match[str]]:
    """The matches of ``pattern`` in ``text``, searched for only in the lines holding what it ``needs`` when it
    can be read by line (``reach``, from ``lookahead_reach``) and those lines are less than half the text.

    ``words_in`` is the text to look for the needed words in: ``text`` itself, or ``text`` lower-cased for a
    pattern read in lower case (``Needs.folded``), with the same length.
    """
    if needs is None or needs.digit or reach is None:
        return list(pattern.finditer(text))
    lines = list(lines_holding(words_in, needs.words))
    if sum(end - start for start, end in lines) * 2 > len(text):
        return list(pattern.finditer(text))
    return [
        match
        for start, end in lines
        for match in pattern.finditer(text, start, min(len(text), end + reach))
        if match.start() < end
    ]


def lines_holding(text: str, words: Iterable[str]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` holding one of ``words``, in order; ``end`` is its newline."""
    spans: set[tuple[int, int]] = set()
    for word in words:
        found = text.find(word)
        while found != -1:
            end = text.find("\n", found)
            end = len(text) if end == -1 else end
            spans.add((text.rfind("\n", 0, found) + 1, end))
            found = text.find(word, end)
    return iter(sorted(spans))


def _reach(items: Iterable[tuple[Any, Any]]) -> int:
    """The farthest any lookahead in ``items`` reads; raises ``_Unbounded`` for what rules out reading by line."""
    reach = 0
    for op, argument in items:
        if op is sre.LITERAL:
            if argument == ord("\n"):
                raise _Unbounded
        elif op in (sre.NOT_LITERAL, sre.ANY):
            raise _Unbounded  # may match a newline
        elif op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            raise _Unbounded(anchored=True)  # what a group matched, wherever that was
        elif op is sre.IN:
            if _class_matches_newline(argument):
                raise _Unbounded
        elif op is sre.AT:
            if argument not in _BOUNDARIES:
                raise _Unbounded(anchored=True)
        elif op is sre.BRANCH:
            reach = max(reach, *(_reach(alternative) for alternative in argument[1]))
        elif op is sre.SUBPATTERN:
            reach = max(reach, _reach(argument[3]))
        elif op in _REPEATS:
            reach = max(reach, _reach(argument[2]))
        elif op is sre.ATOMIC_GROUP:
            reach = max(reach, _reach(argument))
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            reach = max(reach, _assertion_reach(*argument))
        else:
            raise _Unbounded(anchored=True)
    return reach


def _assertion_reach(direction: int, content: Any) -> int:
    """How far past the end of its line (or of the match) a lookaround reads.

    One that never matches a newline stops at the line's newline, whatever its width (``(?!anon\\w*)``);
    one that may match a newline ahead reads its widest (``(?=[,;\\n])``: one character).
    """
    try:
        return max(1, _reach(content))
    except _Unbounded as unbounded:
        if unbounded.anchored:
            raise
    if _holds_lookaround(content):
        raise _Unbounded
    if direction < 0:
        return 1  # it reads back, where the text stays visible
    width = content.getwidth()[1]
    if width >= sre.MAXREPEAT:
        raise _Unbounded
    return width


def _holds_lookaround(items: Iterable[tuple[Any, Any]]) -> bool:
    for op, argument in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            return True
        if op is sre.BRANCH and any(_holds_lookaround(alternative) for alternative in argument[1]):
            return True
        if op is sre.SUBPATTERN and _holds_lookaround(argument[3]):
            return True
        if op in _REPEATS and _holds_lookaround(argument[2]):
            return True
        if op is sre.ATOMIC_GROUP and _holds_lookaround(argument):
            return True
    return False


def _class_matches_newline(items: Any) -> bool:
    negated = bool(items) and items[0][0] is sre.NEGATE
    holds_newline = False
    for op, argument in items[1:] if negated else items:
        if op is sre.LITERAL:
            holds_newline |= argument == ord("\n")
        elif op is sre.RANGE:
            holds_newline |= argument[0] <= ord("\n") <= argument[1]
        elif op is sre.CATEGORY:
            holds_newline |= argument in _NEWLINE_CATEGORIES
        else:
            return True  # anything else: assume the worst
    return holds_newline != negated
