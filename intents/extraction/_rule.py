"""The ``Rule`` every pattern module is built from, and the regex pieces they share.

Patterns are written against folded, lower-cased text (see ``_text``): one plain space
between words, and a newline for every line break and for every span already read, so a
literal space in a pattern never reaches across a line or across a value read before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from intents.extraction._needs import Needs
from intents.extraction._prepared import prepare

__all__ = ["AS_WRITTEN", "GLUED", "HER2", "NUMBER", "Reader", "Reading", "Rule", "as_number", "rule", "says", "sink"]

Reading = tuple[str, str]
Reader = Callable[[re.Match[str]], Iterable[Reading]]

HER2 = r"\b(?:c-?erb-?b-?2|erbb-?2|her-? ?2(?:(?: ?[/-] ?| )neu)?)"
# A decimal comma ("1,6") is read as a point; a comma before three digits or a space is not one.
NUMBER = r"(?:\d+(?:\.\d+|,\d{1,2}(?!\d))?|\.\d+)"
# Digits joined by any run of dots and commas: "1.6", "2.0.1", "1..6", "1,6,8", "1,000". A trailing
# single dot is the end of a sentence ("ratio 2.0."), a doubled one is part of what was written ("2..").
_DIGITS = r"(?:\d+|\.\d+)(?:[.,]+\d+)*(?:\.{2,}|,{2,})?"
_APPROXIMATELY = r"(?:~|≈|approx(?:imately|\.)?|about|around|roughly|circa)"
# A value exactly as written, with whatever makes it not one measured value: a bound ("<2.2"), an
# approximation ("~2"), a range ("1.8-2.2", "1.8 to 2.2") or a fraction ("44/20"). The validator, not
# the extraction, says what is wrong with it, so nothing malformed is ever cut down to a number.
# Signed, so an impossible "ratio -1" is read as written and the validator can name it. Atomic, so
# a pattern after it can never make it give back a piece ("2.25%" is never "2").
AS_WRITTEN = rf"(?>(?:[<>≤≥]=? ?|{_APPROXIMATELY} ?)?-?{_DIGITS}(?: ?(?:-|to) ?{_DIGITS}| ?/ ?{_DIGITS})?)"
# Letters glued to a number ("2.2x", "4.5cm") are part of what was written; a unit is not ("4.5copies/cell").
GLUED = r"(?>(?!(?:signals?|copies|cells?|nuclei|nucleus|per|percent)\b)[a-zµ]+\b)?"


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern, how to read its matches, whether the text it matched is used up, and what a match needs."""

    pattern: re.Pattern[str]
    read: Reader
    consume: bool = True
    # What every match needs (``_needs``): a text without it is skipped.
    needs: Needs | None = field(default=None, compare=False)
    # How far past a match its lookaheads read, when it can be looked for line by line (``_lines``).
    reach: int | None = field(default=None, compare=False)


def rule(pattern: str, read: Reader, *, consume: bool = True) -> Rule:
    """Compile ``pattern`` into a ``Rule``."""
    compiled = re.compile(pattern)
    return Rule(compiled, read, consume, *prepare(compiled))


def says(*readings: Reading) -> Reader:
    """A reader that gives the same readings for every match."""
    return lambda _match: readings


def sink(pattern: str) -> Rule:
    """A rule that reads nothing and uses up text that must never give a value (Ki-67, sizes, ...)."""
    return rule(pattern, says())


_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}")


def as_number(text: str) -> str:
    """The number as written, a lone decimal comma read as a point; anything else is left as written.

    >>> as_number("1,6"), as_number("2.00"), as_number("1,6,8"), as_number("1,000")
    ('1.6', '2.00', '1,6,8', '1,000')
    """
    return text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text
