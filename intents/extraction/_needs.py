"""What text a pattern needs before it can match, read off the pattern itself, so a rule can skip a text at once.

Most rules cannot match most messages: "what does HER2-low mean?" holds no "ratio", no "ki-67", no digit.
``needs_of(pattern)`` works out, from the parsed pattern, strings of which every match must contain at
least one (a keyword, a run of literal characters, or any digit); ``Needs.found_in(text)`` is a few
substring tests, far cheaper than running the pattern. It is exact by construction: only parts every
match must consume count (optional parts, repeats that may be empty, lookarounds and back references
say nothing), so a text that fails ``found_in`` could never have matched. Anything the reader does not
know gives ``None``: the rule then always runs.

A pattern compiled with ``re.IGNORECASE`` is read in lower case and checked against lower-cased text,
which is exact only for ASCII text: ``Needs.folded`` tells callers to run such a rule on any other text.

>>> needs = needs_of(re.compile(r"\\b(?:ki-? ?67|mib-? ?1)\\b ?\\d+"))
>>> needs.found_in("ki-67 20%"), needs.found_in("what does her2-low mean?")
(True, False)
>>> needs_of(re.compile(r"(?:ratio)?\\s*")) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# The parser behind re.compile is the only way to read a pattern's structure. Anything it returns that
# this module does not know makes the reading give up (None), never guess.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

__all__ = ["Needs", "Presence", "needs_of"]

_DIGIT = re.compile(r"\d")
# A character class is expanded into its characters only when it is this small ([0-3], [:=], [/-]).
_MAX_CLASS = 16
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


@dataclass(frozen=True, slots=True)
class Needs:
    """Every match of a pattern contains one of ``words``, or a decimal digit when ``digit``."""

    words: frozenset[str]
    digit: bool = False
    folded: bool = False

    def found_in(self, text: str) -> bool:
        """True unless ``text`` (lower-cased ASCII when ``folded``) can be seen to hold no match."""
        return any(word in text for word in self.words) or (self.digit and _DIGIT.search(text) is not None)


@dataclass(frozen=True, slots=True)
class Presence:
    """Which of the words many rules need a text holds, and whether it holds a digit: looked for once per text.

    Still true of the text after parts of it were blanked out, since blanking only takes characters away
    and no needed word holds the blank (a newline).
    """

    words: frozenset[str]
    digit: bool

    @classmethod
    def in_text(cls, text: str, words: Iterable[str]) -> Presence:
        """The ``words`` in ``text``."""
        return cls(frozenset(word for word in words if word in text), _DIGIT.search(text) is not None)

    def meets(self, needs: Needs | None) -> bool:
        """False when the text lacks what ``needs`` asks for."""
        return needs is None or (needs.digit and self.digit) or not needs.words.isdisjoint(self.words)


def needs_of(pattern: re.Pattern[str]) -> Needs | None:
    """What every match of ``pattern`` must contain, or ``None`` when nothing can be said."""
    folded = bool(pattern.flags & re.IGNORECASE)
    try:
        found = _sequence(sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE), folded=folded)
    except Exception:  # a pattern this reader cannot follow is simply always run
        return None
    if found is None:
        return None
    return Needs(found.words, found.digit, folded)


def _sequence(items: Iterable[tuple[Any, Any]], *, folded: bool) -> Needs | None:
    """The most selective need among the parts a sequence must match, literal runs joined into words."""
    candidates: list[Needs] = []
    run: list[str] = []
    for op, argument in [*items, (None, None)]:
        if op is sre.LITERAL:
            run.append(chr(argument))
            continue
        if run:
            candidates.append(_word("".join(run), folded=folded))
            run = []
        if op is not None:
            candidates.append(_element(op, argument, folded=folded))
    usable = [need for need in candidates if need is not None]
    return max(usable, key=_selectivity, default=None)


def _element(op: Any, argument: Any, *, folded: bool) -> Needs | None:
    if op is sre.IN:
        return _character_class(argument, folded=folded)
    if op is sre.BRANCH:
        alternatives = [_sequence(alternative, folded=folded) for alternative in argument[1]]
        if any(need is None for need in alternatives):
            return None
        return Needs(
            frozenset().union(*(need.words for need in alternatives)),  # type: ignore[union-attr]
            any(need.digit for need in alternatives),  # type: ignore[union-attr]
        )
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, content = argument
        if not folded and add_flags & re.IGNORECASE:
            return None  # a case-insensitive part, checked against text as it is: say nothing
        return _sequence(content, folded=folded)
    if op in _REPEATS:
        minimum, _maximum, content = argument
        return _sequence(content, folded=folded) if minimum >= 1 else None
    if op is sre.ATOMIC_GROUP:
        return _sequence(argument, folded=folded)
    return None


def _character_class(items: Any, *, folded: bool) -> Needs | None:
    characters: set[str] = set()
    digit = False
    for op, argument in items:
        if op is sre.LITERAL:
            characters.add(chr(argument))
        elif op is sre.RANGE and argument[1] - argument[0] < _MAX_CLASS:
            characters.update(chr(code) for code in range(argument[0], argument[1] + 1))
        elif op is sre.CATEGORY and argument is sre.CATEGORY_DIGIT:
            digit = True
        else:
            return None  # a negated class, a wide range, any other category
    words = [_word(character, folded=folded) for character in characters]
    if any(word is None for word in words):
        return None
    return Needs(frozenset().union(*(word.words for word in words)), digit)  # type: ignore[union-attr]


def _word(text: str, *, folded: bool) -> Needs | None:
    if "\n" in text:
        return None  # blanking writes newlines: a word holding one could appear after a text was read
    if not folded:
        return Needs(frozenset({text}))
    # Under IGNORECASE a non-ASCII letter may match an ASCII one ("K", the Kelvin sign, matches "k").
    return Needs(frozenset({text.lower()})) if text.isascii() else None


def _selectivity(need: Needs) -> tuple[bool, int, int]:
    """Rarer first: no digit alternative, then longer shortest word, then fewer words."""
    return (not need.digit, min((len(word) for word in need.words), default=0), -len(need.words))
