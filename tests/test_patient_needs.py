"""The words ``patient.py`` looks for before searching a pattern are ones every match of that pattern contains."""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import pytest

from intents.detection.patient import _DECISION_BRANCHES, _ORDER_BRANCHES
from intents.extraction._needs import needs_of


def _ends_in_question_mark(pattern: re.Pattern[str]) -> bool:
    """True when every match of ``pattern`` ends with "?": its sequence's last part (an alternation is one part)."""
    items = list(sre_parse.parse(pattern.pattern))
    return bool(items) and items[-1] == (sre.LITERAL, ord("?"))


def _covered(needs: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    if needs == ("?",):
        return _ends_in_question_mark(pattern)
    # needs_of is exact: every match holds one of its words, and each of those holds one of ours.
    found = needs_of(pattern)
    return found is not None and not found.digit and all(any(n in word for n in needs) for word in found.words)


@pytest.mark.parametrize(
    ("needs", "pattern"), [pytest.param(n, p, id=p.pattern[:40]) for n, p in (*_ORDER_BRANCHES, *_DECISION_BRANCHES)]
)
def test_every_match_holds_a_needed_word(needs: tuple[str, ...] | None, pattern: re.Pattern[str]) -> None:
    assert needs is None or _covered(needs, pattern)


def test_the_question_mark_check_sees_alternation() -> None:
    assert _ends_in_question_mark(re.compile(r"\bok\s*\?")) and not _ends_in_question_mark(re.compile(r"ok|no\?"))
