"""Is a message asking for a treatment, dose or decision for a particular patient?

herbot explains; it never gives a patient-specific order (DESIGN.md, Safety). A message is
patient-specific when it asks to decide, start, give, dose or prescribe *and* that request is
about someone: a reference to a patient ("my pt", "Mrs X", "bed 12", "for her", "she") or a
clinician asking what they themselves should give ("which drug should I prescribe").
General questions ("how is HER2-low treated?", "what did DESTINY-Breast04 show?",
"what dose was used in DB04?") are not.

>>> is_patient_specific("my pt is her2-low, start enhertu?")
True
>>> is_patient_specific("how is her2-low treated?")
False
"""

from __future__ import annotations

import re

__all__ = ["is_patient_specific"]

# Someone in particular. "her"/"him" only as an object ("for her", "give him"), never "her2" or "HER family".
_PERSON = re.compile(
    r"\b(?:my|our|this|that|the same) (?:patient|pt|lady|woman|man|gentleman|guy|client|girl|case)s?\b"
    r"|\bpts?\b|\bmy patients\b"
    r"|\b(?:mrs|mr|ms|miss|mx)\.? [a-z]+"
    r"|\b(?:bed|room|bay) \d+"
    r"|\b(?:for|give|giving|to|start|starting|put|treat|prescribe|on|with) (?:her|him)\b"
    r"(?![\s-]*(?:2|ii|family|neg|pos|receptor))"
    r"|\b(?:she|he)\b"
    r"|\b\d+ ?(?:yo|y/o|yr old|year old|years old)\b|\bweighs\b"
)
# Asking for an order: decide / start / give / dose / prescribe, eligibility, what next.
_ORDER = re.compile(
    r"\b(?:should|shall|can|could|may|must|do|would|will)\b.{0,40}?\b(?:get|have|receive|start|give|be given|"
    r"be started|prescribe|use|add|stop|switch|continue|go on|be on|try|offer|administer|initiate|change|hold|"
    r"restart)\b"
    r"|\b(?:start|starting|prescribe|prescribing|administer|initiate|put (?:her|him|them) on|switch (?:her|him|them))\b"
    r"|\bdos(?:e|es|ing|age)\b|\bhow (?:much|many mg)\b|\bmg(?:/kg|/m2)?\b"
    r"|\b(?:eligible|candidate|qualif(?:y|ies))\b"
    r"|\brecommend\b|\bdecide\b|\bdecision\b|\bnext line\b|\bwhat next\b|\bnext step\b"
    r"|\b(?:which|what) (?:drug|dose|chemo|treatment|regimen|therapy|medication|med|agent|tx)\b"
)
# A clinician asking what to give, with no patient named: "which drug should I prescribe".
_SELF_ORDER = re.compile(
    r"\b(?:should|shall|can|could|may|must) (?:i|we)\b.{0,30}?\b(?:give|start|prescribe|administer|initiate|dose|"
    r"switch|stop|put)\b"
    r"|\bwhat should (?:i|we) (?:give|prescribe|start|use)\b"
    r"|\b(?:which|what) (?:drug|dose|chemo|treatment|regimen|therapy|medication|med|agent)s? "
    r"(?:should|shall) (?:i|we)\b"
    r"|\bhow (?:much|many mg)\b.{0,40}\b(?:should|do) (?:i|we)\b"
    r"|\bwhat dose should\b"
)


def is_patient_specific(text: str) -> bool:
    """True when normalised ``text`` asks for a treatment, dose or decision for a particular patient."""
    return bool(_SELF_ORDER.search(text)) or bool(_PERSON.search(text) and _ORDER.search(text))
