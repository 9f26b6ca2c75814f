"""A rule skips a text only when it could not have matched: what a pattern needs is inside every one of its matches,
and searching a long text line by line finds exactly what searching it whole finds."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tabledata import yaml_params

from intents.extraction._extract import RULES
from intents.extraction._identifiers import _PATTERNS
from intents.extraction._lines import lookahead_reach, matches_by_line
from intents.extraction._needs import Needs, needs_of
from intents.extraction._prepared import digest, extraction_patterns, work_out
from intents.extraction._prepared_table import TABLE
from intents.extraction._text import fold

PATTERNS = [rule.pattern for rule in RULES] + [pattern for _, pattern, _ in _PATTERNS]
TEXTS = [row.values[0]["text"] for row in yaml_params("extraction.yaml")]
# Words the patterns look for, and what sits between them, for texts no one wrote down.
TOKENS = (
    "her2 HER-2 c-erbB-2 ihc IHC hercept score ratio rat. cep17 CEP 17 chr17 copy number copies cn signals/cell "
    "avg mean er pr pgr er/pr estrogen receptor allred ki-67 mib-1 grade cm mm nodes block a2 cells counted "
    "amplified not amplified amplification fish ish dual probe single recount group unchanged positive negative "
    "pos neg +ve -ve ultralow null faint staining mrn nhs dob name: Mrs Okafor patient: tel 01/02/2003 "
    "jan 2020 s26-000123 x@y.org 0 1 2 3 10 90 1.6 2,2 3.2 + - / : = ( ) % < > ~ , ; . \n"
).split(" ")


def _needed_in(needs: Needs, matched: str) -> bool:
    if needs.folded:
        return not matched.isascii() or needs.found_in(matched.lower())
    return needs.found_in(matched)


def _assert_needs_inside_every_match(pattern: re.Pattern[str], text: str) -> None:
    needs = needs_of(pattern)
    if needs is None:
        return
    for candidate in (fold(text), fold(text).lower()):
        for match in pattern.finditer(candidate):
            assert _needed_in(needs, match.group()), (pattern.pattern[:60], match.group())


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda pattern: pattern.pattern[:40])
def test_every_match_of_a_written_phrasing_holds_what_its_pattern_needs(pattern: re.Pattern[str]) -> None:
    for text in TEXTS:
        _assert_needs_inside_every_match(pattern, text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=25).map(" ".join))
def test_every_match_of_any_token_soup_holds_what_its_pattern_needs(text: str) -> None:
    for pattern in PATTERNS:
        _assert_needs_inside_every_match(pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (r"\bratio ?\d", "ratio 2", True),
        (r"\bratio ?\d", "what is her2-low", False),
        (r"(?:ki-?67|mib)\b", "mib", True),
        (r"x?\d+", "no digits", False),
        (r"x?\d+", "٣", True),  # any decimal digit, as \d reads it
        (r"(?i)name: \w+", "NAME: x", True),
        (r"a*", "", None),  # may match nothing: nothing is needed
        (r"(?=ratio)\w+", "", None),  # a lookahead consumes nothing
    ],
)
def test_needs_read_off_a_pattern(pattern: str, text: str, found: bool | None) -> None:
    needs = needs_of(re.compile(pattern))
    assert (None if needs is None else needs.found_in(text.lower() if needs.folded else text)) == found


def _assert_same_matches_by_line(pattern: re.Pattern[str], text: str) -> None:
    needs, reach = needs_of(pattern), lookahead_reach(pattern)
    for candidate in (fold(text), fold(text).lower()):
        folded = needs is not None and needs.folded
        if folded and not candidate.isascii():
            continue
        words_in = candidate.lower() if folded else candidate
        by_line = matches_by_line(pattern, candidate, needs, reach, words_in=words_in)
        assert [m.span() for m in by_line] == [m.span() for m in pattern.finditer(candidate)], pattern.pattern[:60]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*TOKENS, "\n", "\n", "\n\n"]), min_size=20, max_size=120).map(" ".join))
def test_a_long_text_searched_line_by_line_gives_every_match_of_the_whole_text(text: str) -> None:
    for pattern in PATTERNS:
        _assert_same_matches_by_line(pattern, text)


def test_written_phrasings_pasted_one_per_line_give_the_same_matches_line_by_line() -> None:
    pasted = "\n".join(TEXTS)
    for pattern in PATTERNS:
        _assert_same_matches_by_line(pattern, pasted)


def test_the_prepared_table_is_what_the_patterns_need_now() -> None:
    """Stale, every start of herbot works out the missing entries again: rebuild with python -m intents.extraction."""
    assert {digest(pattern): work_out(pattern) for pattern in extraction_patterns()} == TABLE
