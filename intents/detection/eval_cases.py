"""Evaluation messages and what their answers must do: the rows of the sets in ``intents/data/eval/``.

A row is a YAML mapping with ``text`` and any of:

- ``intent``: the intent the answer must have;
- ``answer``: the question-bank entry the answer must lead with;
- ``expect``: ``{verdict, mentions}`` for the answer's first sentence (it starts with the verdict; for each
  inner list of ``mentions`` one term appears in it, case-insensitive), or ``{her2_status, her2_category,
  ish_group, subtype}`` for a classification request;
- ``identifiers``: strings that must appear nowhere in the answer;
- ``patient_specific: true``: the decision must be declined.

Other keys (a note, an id) are kept out of the case and counted, so a set written by someone else still reads.

>>> cases = read_cases("- {text: is 1+ her2 low?, intent: define-her2-low, answer: q1, expect: {verdict: 'yes'}}")
>>> cases[0].answer, cases[0].verdict, cases[0].checks_answer
('q1', 'yes', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import yaml

__all__ = ["CLASSIFICATION_FIELDS", "PACKAGED_SETS", "EvalCase", "load_cases", "read_cases"]

# Every labelled set that ships in intents/data/eval/, by the name ``herbot eval --set`` takes.
PACKAGED_SETS = {
    "held-out": "held_out.yaml",
    "answers": "answers.yaml",
    "blind": "blind.yaml",
    "blind-b": "blind_b.yaml",
    "blind-c": "blind_c.yaml",
    "blind-d": "blind_d.yaml",
}
CLASSIFICATION_FIELDS = ("her2_status", "her2_category", "ish_group", "subtype")
_KNOWN = frozenset({"text", "intent", "answer", "expect", "identifiers", "patient_specific"})
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One evaluation message and what its answer must do (see the module docstring)."""

    text: str
    intent: str | None = None
    answer: str | None = None
    verdict: str | None = None
    mentions: tuple[tuple[str, ...], ...] = ()
    classification: tuple[tuple[str, str], ...] = ()
    identifiers: tuple[str, ...] = ()
    patient_specific: bool = False
    ignored_keys: tuple[str, ...] = ()

    @property
    def checks_answer(self) -> bool:
        """True when the row says anything about the answer itself, not only its intent."""
        return (
            bool(self.answer or self.verdict or self.mentions or self.classification or self.identifiers)
            or self.patient_specific
        )


def _case(row: Mapping[str, Any]) -> EvalCase:
    expect = row.get("expect") or {}
    if not isinstance(expect, Mapping):
        raise ValueError(f"expect must be a mapping, not {expect!r}")
    mentions = tuple(tuple(str(term) for term in group) for group in expect.get("mentions", ()))
    classification = tuple((name, str(expect[name])) for name in CLASSIFICATION_FIELDS if name in expect)
    intent, answer, verdict = row.get("intent"), row.get("answer"), expect.get("verdict")
    return EvalCase(
        text=str(row["text"]),
        intent=str(intent) if intent is not None else None,
        answer=str(answer) if answer is not None else None,
        verdict=str(verdict) if verdict is not None else None,
        mentions=mentions,
        classification=classification,
        identifiers=tuple(str(item) for item in row.get("identifiers", ())),
        patient_specific=bool(row.get("patient_specific", False)),
        ignored_keys=tuple(sorted(set(row) - _KNOWN)),
    )


def read_cases(text: str) -> tuple[EvalCase, ...]:
    """The cases of a YAML list of rows (see the module docstring); a row without ``text`` is an error."""
    rows = yaml.load(text, Loader=_Loader)
    if not isinstance(rows, list) or not all(isinstance(row, dict) and "text" in row for row in rows):
        raise ValueError("an evaluation set is a YAML list of rows, each with a text")
    return tuple(_case(row) for row in rows)


def load_cases(name: str) -> tuple[EvalCase, ...]:
    """A packaged set by name (a key of ``PACKAGED_SETS``)."""
    resource = files("intents").joinpath("data", "eval", PACKAGED_SETS[name])
    return read_cases(resource.read_text(encoding="utf-8"))
