"""HER2 stated in words: "HER2 negative", "negative for HER2", "HER2-neg", "HER2 –ve", "HER2 positive", "HER2+".

These run last, after every "HER2 2+" has been read as an IHC score, and they never give a score:
"negative for HER2" is ``her2_called_positive: no`` and nothing else.
"""

from __future__ import annotations

from intents.extraction._rule import HER2, rule, says

__all__ = ["HER2_CALLS"]

_LEAD = rf"{HER2}(?: (?:status|result|protein|ihc))?(?: ?[:=-])? ?(?:is |was )?"
_NOT_GENE = r"(?! ?(?:gene|amplification))"

HER2_CALLS = (
    rule(
        rf"{_LEAD}(?:negative\b|neg\b|- ?ve\b|-(?![\w-])|not (?:over-?expressed|positive)\b)"
        rf"|\b(?:negative|neg) for {HER2}{_NOT_GENE}|\bno {HER2} (?:protein )?over-?expression\b",
        says(("her2_called_positive", "no")),
    ),
    rule(
        rf"{_LEAD}(?:positive\b|pos\b|\+ ?ve\b|\+(?! ?[\d+])|over-?expressed\b)|\bpositive for {HER2}{_NOT_GENE}",
        says(("her2_called_positive", "yes")),
    ),
)
