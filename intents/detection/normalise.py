"""Text normalisation before any rule or the classifier sees a message.

>>> normalise("  HER‑2 ＋ve   and  ER＋/PR− ")
'her2 +ve and er+/pr-'
>>> normalise("hre2 postive mean??")
'her2 postive mean??'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from intents.detection.spelling import spell_her2

__all__ = ["normalise"]

# Dashes, minus signs and pluses that chat clients and pasted reports produce; NFKC folds only some of them.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d"), "-")
_PLUSES = dict.fromkeys(map(ord, "\u207a\u208a\u2795\ufb29\uff0b"), "+")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)
# "re-test", "re-biopsy": one word, as most people write it.
_REJOINED = re.compile(r"\bre-(?=test|biops|check|stain|count)")
_SLACK_MARKUP = re.compile(r"<[@#!][^>]*>")
_SPACE = re.compile(r"\s+")


# A message is normalised by the detector, the question matcher and the router in turn (about four times):
# a few recent results kept saves all but the first. Pure function of its text, so nothing can go stale.
@lru_cache(maxsize=32)
def normalise(text: str) -> str:
    """NFKC, lower case, one dash and one plus, one spelling of HER2 and of re-test, single spaces."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_PLUSES).translate(_QUOTES)
    text = _SLACK_MARKUP.sub(" ", text.casefold())
    # "her 2", "HER-2", "hre2", "c-erbB-2", "her2/neu": one spelling keeps the features together (spelling.py).
    text = _REJOINED.sub("re", spell_her2(text))
    return _SPACE.sub(" ", text).strip()
