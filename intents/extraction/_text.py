"""Fold a message into the plain form every pattern is written against.

Folding applies NFKC (full-width digits, ``＋``, non-breaking spaces), turns every dash
and minus into ``-``, drops invisible characters, turns control characters and lone surrogates
into spaces, and leaves exactly one space between words and a newline for every line break.
A span that has been read is blanked with newlines, so no later pattern can read it again or
reach across it.

>>> fold("HER2\u00a0２＋ –ve")
'HER2 2+ -ve'
>>> fold("ER\\x0790%\\udcff")
'ER 90% '
>>> blank("ratio 1.6 and CN 3.2", [(0, 9)]).replace("\\n", "_")
'_________ and CN 3.2'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["MASK", "blank", "fold"]

MASK = "\n"

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_TABLE = {**dict.fromkeys(map(ord, _DASHES), "-"), **dict.fromkeys(map(ord, _INVISIBLE), None), ord("×"): "x"}
_LINE_BREAKS = re.compile(r"\r\n?|[\v\f\x85\u2028\u2029]")
# Control characters and lone surrogates (bytes a client failed to decode) separate words like a space.
_STRAY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")
_SPACES = re.compile(r"[^\S\n]+")


def fold(text: str) -> str:
    """Normalise unicode, dashes and spacing; keep the letter case (names need it). Any ``str`` is accepted."""
    text = unicodedata.normalize("NFKC", _STRAY.sub(" ", text)).translate(_TABLE)
    return _SPACES.sub(" ", _LINE_BREAKS.sub("\n", text))


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Replace each ``(start, end)`` span of ``text`` with newlines of the same length."""
    pieces, last = [], 0
    for start, end in sorted(spans):
        pieces += [text[last:start], MASK * (end - start)]
        last = end
    return "".join([*pieces, text[last:]])
