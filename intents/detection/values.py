"""Does a message report values to classify, or only name a score while asking about it in general?

Reported values win over every topic ("tx options? IHC 1+ ER 90%" is classified), because the
classification explains the answer step by step with its sources. That includes questions about
one score ("is IHC 1+ negative?", "what does IHC 2+ mean?"): classifying IHC 1+ *is* the cited
answer. Three kinds of message name values without reporting a case, and go to the classifier:

- only an ISH probe design ("dual probe vs single probe ISH"): a method, not a result;
- only values that contradict each other ("IHC 0 vs 1+", "HER2+ vs HER2- outcomes"): a
  comparison, with no one case to classify (a report with a contradiction *and* other values is
  still classified, so the reader is told about the contradiction);
- a score asked about as a scoring rule or compared with another ("IHC 3+ criteria", "how is 2+
  scored", "IHC 0 vs 1+: how to tell them apart"), where extraction may have read only one score.

>>> reports_values("tx options? IHC 1+ ER 90%"), reports_values("IHC 0 vs 1+: how reproducible?")
(True, False)
"""

from __future__ import annotations

import re

from intents.detection.normalise import normalise
from intents.extraction import Extraction, extract_values

__all__ = ["reports_values"]

_METHOD_ONLY = frozenset({"ish_probe"})
_GENERAL = re.compile(
    r"\b(?:criteria|criterion|scored|scoring|staining pattern|looks? like|interobserver|reproducib\w*|agreement|"
    r"definition of|defined|vs|versus|difference between|compared? (?:to|with)|tell (?:[\w+]+ ){0,3}(?:from|apart))\b"
)


def reports_values(text: str, extraction: Extraction | None = None) -> bool:
    """True when the message ``text`` reports HER2, ER or PR values of a case (see the module docstring).

    ``extraction`` is what ``extract_values(text)`` gives, when the caller has it already.
    """
    extraction = extract_values(text) if extraction is None else extraction
    if not extraction.measured:
        return False
    # Judge the agreed values alone: conflicts and a bare probe design are not a case.
    case = Extraction(fields={k: v for k, v in extraction.fields.items() if k not in _METHOD_ONLY})
    return case.measured and not _GENERAL.search(normalise(text))
