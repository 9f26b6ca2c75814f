"""HER2 immunohistochemistry scores: "IHC 2+", "HER2 (4B5) 2+", "HercepTest 3+", "IHC 0 (ultralow)".

A score is read only next to a keyword (IHC, HER2, HercepTest, "score"). An unqualified
0 stays "0"; docs/her2-rules.md §1.1 splits it into "0-ultralow" (faint incomplete membrane
staining in ≤ 10% of cells) and "0-null" (no staining) only when the report says which.
A recognisable but invalid score ("4+", "2-3+", a bare "1" after "IHC") is kept as written
so the validator can name it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from intents.extraction._rule import HER2, Reading, rule, says

__all__ = ["GENERIC_SCORE", "IHC_SCORES"]

# "2+", "1 +", "2-3+", "0/1+", "4+"; not the "3+3+2" of a Nottingham score. "+2" is read as "2+".
_PLUS = r"\d(?: ?[-/] ?\d)? ?\+(?![\d+])|\+ ?[0-3](?![\d%+]|[.,]\d)"
_ZERO = r"0(?![\d%+]|[.,]\d)"
# A bare digit counts only after "IHC" or "HercepTest", where it can only be a (malformed) score.
_BARE = r"\d(?![\d%+/]|[.,]\d| ?\+)"

_PERCENT_OF_CELLS = (
    r"(?: in (?:[<≤]=? ?|up to |less than )?\d+(?:\.\d+)? ?%(?: of (?:the )?(?:invasive )?(?:tumou?r )?cells)?)?"
)
_NULL = (
    r"null|no (?:membran\w* )?(?:staining|expression|reactivity)|(?:complete |total )?absen(?:ce|t) of "
    r"(?:membran\w* )?staining|absent|negative staining"
)
_ULTRALOW = (
    rf"ultra-? ?low|(?:faint|weak|barely[ -]perceptible|incomplete|partial)[^\n;)]{{0,60}}?(?:staining|expression)"
    rf"{_PERCENT_OF_CELLS}|membran\w* (?:staining|expression){_PERCENT_OF_CELLS}"
)
# What follows a score: "(ultralow)", ", no staining", "with faint incomplete staining in <10% of cells".
_QUALIFIER = rf"(?:(?: ?[,(/:-] ?| )(?:with |showing |and )?(?:(?P<null>{_NULL})|(?P<ultralow>{_ULTRALOW}))\)?)?"

# Words allowed between a keyword and its score: "HER2 (4B5) IHC: Score 2+", "HER2 negative (1+)".
_GAP_WORD = (
    rf"(?:\([a-z0-9 .-]{{1,20}}\)|(?:(?:by |for )?(?:ihc|immunohisto\w*)|for|{HER2}|score|result|status|protein"
    r"|expression|is|was|of|membran\w*(?: staining)?|(?P<call>positive|negative|pos|neg)|equivocal|low)\b)"
)
_STEP = r"(?: ?[:=(-] ?| )"
_GAP = rf"(?:{_STEP}{_GAP_WORD}){{0,6}}{_STEP}"
_IHC_WORD = r"\b(?:ihc|immunohisto\w*|hercep(?:t(?:est)?)?(?:tm)?)"


def _read_score(match: re.Match[str]) -> Iterable[Reading]:
    score = match["score"].replace(" ", "")
    if score.startswith("+"):
        score = score[1:] + "+"
    if score in ("0", "0+"):
        score = "0-null" if match["null"] else "0-ultralow" if match["ultralow"] else "0"
    yield "ihc", score
    call = match.groupdict().get("call")
    if call:
        yield "her2_called_positive", "yes" if call.startswith("pos") else "no"


IHC_SCORES = (
    # "IHC >0 <1+": docs/her2-rules.md §1.1 names this ultralow.
    rule(
        rf"(?:{_IHC_WORD}|{HER2})(?: (?:score|ihc))? ?[:=]? ?>0 ?%? ?(?:but |and |, ?)?<1\+?",
        says(("ihc", "0-ultralow")),
    ),
    rule(rf"{_IHC_WORD}{_GAP}\(? ?(?P<score>{_PLUS}|{_ZERO}|{_BARE}){_QUALIFIER}", _read_score),
    # "ihc2+": a score glued to its keyword.
    rule(rf"\bihc(?P<score>{_PLUS}){_QUALIFIER}", _read_score),
    rule(rf"{HER2}{_GAP}\(? ?(?P<score>{_PLUS}|{_ZERO}){_QUALIFIER}", _read_score),
    # "3+ by IHC", "2+ (IHC)".
    rule(
        rf"(?<![\w.+-])(?P<score>{_PLUS}|{_ZERO}){_QUALIFIER} ?\(? ?(?:by |on )?(?:ihc|immunohisto\w*)\b\)?",
        _read_score,
    ),
)

# "score 0", "score of 2+ (equivocal)". Runs after the ER/PR rules and the Allred sinks, so that
# an Allred or intensity score is never read as a HER2 score.
GENERIC_SCORE = (rule(rf"\bscore ?[:=]? ?(?:of )?\(? ?(?P<score>{_PLUS}|{_ZERO}){_QUALIFIER}", _read_score),)
