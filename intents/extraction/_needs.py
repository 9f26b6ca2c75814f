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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# The parser behind re.compile is the only way to read a pattern's structure. Anything it returns that
# this module does not know makes the reading give up (None), never guess.
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

__all__ = ["Needs", "NeedsIndex", "needs_of"]

_DIGIT = re.compile(r"\d")
# A character class is expanded into its characters only when it is this small ([0-3], [:=], [/-]).
_MAX_CLASS = 16
# A stretch of fixed parts is spelt out in full ("pr" or "pgr") only up to this many spellings.
_MAX_SPELLINGS = 8
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, getattr(sre, "POSSESSIVE_REPEAT", sre.MAX_REPEAT)}


@dataclass(frozen=True, slots=True)
class Needs:
    """Every match of a pattern contains one of ``words``, or a decimal digit when ``digit``."""

    words: frozenset[str]
    digit: bool = False
    folded: bool = False

    def __post_init__(self) -> None:
        # A word that holds another is in a text only if the other is: only the shortest matter.
        shortest = frozenset(w for w in self.words if not any(other != w and other in w for other in self.words))
        object.__setattr__(self, "words", shortest)

    def found_in(self, text: str) -> bool:
        """True unless ``text`` (lower-cased ASCII when ``folded``) can be seen to hold no match."""
        return any(word in text for word in self.words) or (self.digit and _DIGIT.search(text) is not None)


class NeedsIndex:
    """The needs of a list of patterns, looked for in a text all at once: which of them could match it.

    What a text holds stays true of it after parts were blanked out, since blanking only takes characters
    away and no needed word holds the blank (a newline); so one look serves every rule run on the text.
    """

    def __init__(self, needs: Sequence[Needs | None]) -> None:
        self._always = frozenset(number for number, need in enumerate(needs) if need is None)
        self._with_digit = frozenset(number for number, need in enumerate(needs) if need is not None and need.digit)
        by_word: dict[str, set[int]] = {}
        for number, need in enumerate(needs):
            for word in need.words if need is not None else ():
                by_word.setdefault(word, set()).add(number)
        self._by_word = {word: frozenset(numbers) for word, numbers in by_word.items()}
        self._everything = frozenset(range(len(needs)))

    def could_match(self, text: str | None) -> frozenset[int]:
        """The numbers of the patterns that could match ``text``; all of them when it is ``None`` (unknown)."""
        if text is None:
            return self._everything
        found = set(self._always)
        for word, numbers in self._by_word.items():
            if word in text:
                found |= numbers
        if self._with_digit and _DIGIT.search(text) is not None:
            found |= self._with_digit
        return frozenset(found)


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
    """The most selective need among the parts a sequence must match; a stretch of fixed parts is spelt out
    in full ("p", an optional "g", "r": "pr" or "pgr")."""
    candidates: list[Needs | None] = []
    spelt: frozenset[str] | None = None
    for op, argument in [*items, (None, None)]:
        exact = _spellings(op, argument) if op is not None else None
        if exact is not None and spelt is not None and len(spelt) * len(exact) <= _MAX_SPELLINGS:
            spelt = frozenset(start + end for start in spelt for end in exact)
            continue
        if spelt is not None and "" not in spelt:
            candidates.append(_words(spelt, folded=folded))
        spelt = exact
        if exact is None and op is not None:
            candidates.append(_element(op, argument, folded=folded))
    usable = [need for need in candidates if need is not None]
    return max(usable, key=_selectivity, default=None)


def _spellings(op: Any, argument: Any) -> frozenset[str] | None:
    """Every string a fixed part can match (``g?``: "g" or nothing), or ``None`` for any other part."""
    if op is sre.LITERAL:
        return frozenset({chr(argument)})
    if op is sre.IN:
        characters = _class_characters(argument)
        return frozenset(characters) if characters is not None and len(characters) <= _MAX_SPELLINGS else None
    if op is sre.SUBPATTERN and not argument[1] & re.IGNORECASE:
        return _sequence_spellings(argument[3])
    if op is sre.BRANCH:
        alternatives = [_sequence_spellings(alternative) for alternative in argument[1]]
        if any(spelt is None for spelt in alternatives):
            return None
        found = frozenset().union(*alternatives)  # type: ignore[arg-type]
        return found if len(found) <= _MAX_SPELLINGS else None
    if op in _REPEATS and argument[:2] in ((0, 1), (1, 1)):
        spelt = _sequence_spellings(argument[2])
        return None if spelt is None else spelt | {""} if argument[0] == 0 else spelt
    return None


def _sequence_spellings(items: Iterable[tuple[Any, Any]]) -> frozenset[str] | None:
    spelt = frozenset({""})
    for op, argument in items:
        exact = _spellings(op, argument)
        if exact is None or len(spelt) * len(exact) > _MAX_SPELLINGS:
            return None
        spelt = frozenset(start + end for start in spelt for end in exact)
    return spelt


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
    if all(op is sre.CATEGORY and argument is sre.CATEGORY_DIGIT for op, argument in items):
        return Needs(frozenset(), digit=True)
    return None  # a small class is spelt out (``_spellings``); any other says nothing


def _class_characters(items: Any) -> set[str] | None:
    characters: set[str] = set()
    for op, argument in items:
        if op is sre.LITERAL:
            characters.add(chr(argument))
        elif op is sre.RANGE and argument[1] - argument[0] < _MAX_CLASS:
            characters.update(chr(code) for code in range(argument[0], argument[1] + 1))
        else:
            return None  # a negated class, a wide range, a category
    return characters


def _words(spellings: frozenset[str], *, folded: bool) -> Needs | None:
    if any("\n" in spelling for spelling in spellings):
        return None  # blanking writes newlines: a word holding one could appear after a text was read
    if not folded:
        return Needs(spellings)
    # Under IGNORECASE a non-ASCII letter may match an ASCII one ("K", the Kelvin sign, matches "k").
    if not all(spelling.isascii() for spelling in spellings):
        return None
    return Needs(frozenset(spelling.lower() for spelling in spellings))


def _selectivity(need: Needs) -> tuple[float, int]:
    """Rarer first: a longer shortest word; a digit counts as rarer than any one character but commoner than two."""
    shortest = min((len(word) for word in need.words), default=99)
    return (min(shortest, 1.5 if need.digit else 99), -len(need.words) - need.digit)
