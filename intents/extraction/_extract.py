"""``extract_values``: the order in which the rules read a message, and the one public entry point.

The order matters, because every rule (except probe and recount words) uses up the text it read:

1. identifiers are blanked first, so an MRN, a date or a phone number cannot become a value;
2. sinks use up numbers that are never values (Ki-67, age, size, grade, blocks, cell counts);
3. the ISH rules read ratios before CEP17 counts are sunk, and copy numbers after;
4. IHC scores next to an IHC or HER2 keyword, then ER/PR clauses, then stray Allred scores are sunk
   so that the plain "score 2+" rule never reads an Allred score;
5. last, the HER2 labels in words ("HER2 negative"), once every "HER2 2+" has been read as a score.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count

from intents.extraction._identifiers import find_identifiers
from intents.extraction._ihc import GENERIC_SCORE, IHC_SCORES
from intents.extraction._ish import COPY_NUMBER, ISH_CALLS, PROBE, RATIO, RECOUNT
from intents.extraction._labels import HER2_CALLS
from intents.extraction._lines import matches_by_line
from intents.extraction._model import Extraction
from intents.extraction._needs import NeedsIndex
from intents.extraction._receptors import RECEPTORS
from intents.extraction._resolve import resolve
from intents.extraction._rule import Reading, Rule
from intents.extraction._sinks import CEP17_COUNTS, EARLY_SINKS, LATE_SINKS
from intents.extraction._text import blank, fold

__all__ = ["extract_values"]

RULES: tuple[Rule, ...] = (
    *EARLY_SINKS,
    *PROBE,
    *RECOUNT,
    *RATIO,
    *CEP17_COUNTS,
    *COPY_NUMBER,
    *ISH_CALLS,
    *IHC_SCORES,
    *RECEPTORS,
    *LATE_SINKS,
    *GENERIC_SCORE,
    *HER2_CALLS,
)


# What every rule needs, looked for once in a short message. In a long one each rule looks for its own in the
# text as it is by then (the rules before it may have used up what it needs), and only in the lines holding it.
_NEEDS = NeedsIndex([rule.needs for rule in RULES])
_SHORT = 300


def _readings(text: str) -> Iterator[Reading]:
    """Every reading of every rule, in the order the readings occur in ``text``."""
    found: list[tuple[int, int, Reading]] = []
    order = count()
    short = len(text) <= _SHORT
    could_match = _NEEDS.could_match(text) if short else None
    for number, rule in enumerate(RULES):
        if could_match is not None:
            if number not in could_match:
                continue
            matches = list(rule.pattern.finditer(text))
        else:
            if rule.needs is not None and not rule.needs.found_in(text):
                continue
            matches = matches_by_line(rule.pattern, text, rule.needs, rule.reach, words_in=text)
        found += [(match.start(), next(order), reading) for match in matches for reading in rule.read(match)]
        if rule.consume and matches:
            text = blank(text, (match.span() for match in matches))
    return (reading for *_, reading in sorted(found))


def extract_values(text: str) -> Extraction:
    """Read the HER2, ER and PR values a free-text message reports.

    >>> extraction = extract_values("HER2 IHC 2+, HER2/CEP17 ratio 1.6, avg copy number 3.2; ER 90%, PR negative")
    >>> dict(extraction.fields)
    {'ihc': '2+', 'ish_ratio': '1.6', 'ish_copy_number': '3.2', 'er_percent': '90', 'pr_call': 'negative'}
    >>> extract_values("MRN 1234567: IHC 2+ then IHC 3+")
    Extraction(fields=mappingproxy({}), conflicts=(('ihc', ('2+', '3+')),), identifiers=('mrn',))
    """
    kinds, masked = find_identifiers(fold(text))
    fields, conflicts = resolve(_readings(masked.lower()))
    return Extraction(fields=fields, conflicts=conflicts, identifiers=kinds)
