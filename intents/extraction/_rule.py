"""The ``Rule`` every pattern module is built from, and the regex pieces they share.

Patterns are written against folded, lower-cased text (see ``_text``): one plain space
between words, and a newline for every line break and for every span already read, so a
literal space in a pattern never reaches across a line or across a value read before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["HER2", "NUMBER", "SIGNED", "Reader", "Reading", "Rule", "as_number", "rule", "says", "sink"]

Reading = tuple[str, str]
Reader = Callable[[re.Match[str]], Iterable[Reading]]

HER2 = r"\b(?:c-?erb-?b-?2|erbb-?2|her-? ?2(?:(?: ?[/-] ?| )neu)?)"
# A decimal comma ("1,6") is read as a point; a comma before three digits or a space is not one.
NUMBER = r"(?:\d+(?:\.\d+|,\d{1,2}(?!\d))?|\.\d+)"
# Signed, so an impossible "ratio -1" is read as written and the validator can name it.
SIGNED = rf"-?{NUMBER}"


@dataclass(frozen=True, slots=True)
class Rule:
    """A pattern, how to read its matches, and whether the text it matched is used up."""

    pattern: re.Pattern[str]
    read: Reader
    consume: bool = True


def rule(pattern: str, read: Reader, *, consume: bool = True) -> Rule:
    """Compile ``pattern`` into a ``Rule``."""
    return Rule(re.compile(pattern), read, consume)


def says(*readings: Reading) -> Reader:
    """A reader that gives the same readings for every match."""
    return lambda _match: readings


def sink(pattern: str) -> Rule:
    """A rule that reads nothing and uses up text that must never give a value (Ki-67, sizes, ...)."""
    return rule(pattern, says())


def as_number(text: str) -> str:
    """The number as written, a decimal comma read as a point.

    >>> as_number("1,6"), as_number("2.00")
    ('1.6', '2.00')
    """
    return text.replace(",", ".")
