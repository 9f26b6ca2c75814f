"""Text normalisation before any rule or the classifier sees a message.

>>> normalise("  HER‑2 ＋ve   and  ER＋/PR− ")
'her2 +ve and er+/pr-'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise"]

# Dashes, minus signs and pluses that chat clients and pasted reports produce; NFKC folds only some of them.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"), "-")
_PLUSES = dict.fromkeys(map(ord, "\u207a\u208a\u2795\ufb29\uff0b"), "+")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)
# "her 2", "her-2", "her ii", "her2/neu" all name the same receptor: one spelling keeps the features together.
_HER2 = re.compile(r"\bher[\s-]?(?:2|ii)\b(?:\s*/\s*neu\b)?")
# "re-test", "re-biopsy": one word, as most people write it.
_REJOINED = re.compile(r"\bre-(?=test|biops|check|stain|count)")
_SLACK_MARKUP = re.compile(r"<[@#!][^>]*>")
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """NFKC, lower case, one dash and one plus, one spelling of HER2 and of re-test, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_PLUSES).translate(_QUOTES)
    text = _SLACK_MARKUP.sub(" ", text.casefold())
    text = _REJOINED.sub("re", _HER2.sub("her2", text))
    return _SPACE.sub(" ", text).strip()
