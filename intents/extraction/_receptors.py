"""ER and PR: percentages, Allred scores and positive/negative calls.

After a receptor keyword ("ER", "PgR", "oestrogen receptor", "ER/PR") the clause that
describes it is read token by token ("Positive, 95%, strong", "+ (95%)", "Allred 7 (PS 5, IS 2)")
and stops at the first word that cannot describe a receptor, so "ER positive, 30% necrosis"
never gives ER 30%. A bound ("<1%", ">90%") or a range ("1-10%") gives a call, never a value,
and only when every number inside it falls on the same side of 1% (ASCO/CAP 2020, docs/her2-rules.md §5.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from intents.extraction._rule import HER2, NUMBER, Reading, as_number, rule

__all__ = ["RECEPTORS"]

_PERCENT = r" ?(?:%|percent\b)"
# An Allred part is a small whole number, never a percentage: "ER is 90%" is not intensity 90.
_SCORE_END = r"(?![\d.%]| ?%)"
_TOKENS = (
    (
        "allred",
        rf"allred(?: ?(?:score|total(?: score)?))?(?: ?[:=]? ?(?:of )?(?P<allred_n>\d{{1,2}})(?: ?/ ?8)?{_SCORE_END})?",
    ),
    ("total", rf"total(?: score)? ?[:=]? ?(?:of )?(?P<total_n>\d{{1,2}})(?: ?/ ?8)?{_SCORE_END}"),
    ("proportion", rf"(?:proportion(?: score)?|ps) ?[:=]? ?(?P<proportion_n>\d{{1,2}})(?: ?/ ?5)?{_SCORE_END}"),
    ("intensity", rf"(?:intensity(?: score)?|is) ?[:=]? ?\d(?: ?/ ?3)?{_SCORE_END}"),
    ("hscore", r"h-? ?score ?[:=]? ?(?:of )?\d+"),
    ("mark", r"[0-3] ?\+(?!\d)"),
    # A number no validator can read ("90..5%", "9,0,5"), kept as written so the validator names it.
    ("odd", rf"(?P<odd_n>\d+(?:(?:[.,]\d+){{2,}}|[.,]{{2,}}\d*|,\d{{3,}}))(?:{_PERCENT})?"),
    ("range", rf"(?P<low>{NUMBER}){_PERCENT}? ?(?:-|to) ?(?P<high>{NUMBER}){_PERCENT}"),
    ("bound", rf"(?P<cmp>[<>≤≥]=?|less than|greater than|more than|under|over) ?(?P<limit>{NUMBER})(?:{_PERCENT})?"),
    ("percent", rf"(?P<percent_n>{NUMBER}){_PERCENT}"),
    ("bare", rf"(?P<bare_n>{NUMBER})(?![\d+%a-z]| ?(?:%|percent\b|\+|/ ?\d))"),
    ("positive", r"positive\b|pos\b|\+ ?ve\b"),
    ("negative", r"negative\b|neg\b|- ?ve\b|not detected\b"),
    # A bare sign is a call only straight after the keyword ("ER+", "ER-"), not in "proportion 5 + intensity 2".
    ("sign", r"\+|(?<=[a-z)])-(?![\w])|(?<= )-(?= ?(?:$|[,;/)\n]))"),
    (
        "word",
        r"(?:low|weak(?:ly)?|moderate(?:ly)?|strong(?:ly)?|intermediate|intense(?:ly)?|focal(?:ly)?|diffuse(?:ly)?"
        r"|heterogene\w*|patchy|nuclear|staining|stained|stain|expression|expressed|positivity|in|of|the|approx\.?"
        r"|approximately|about|around|cells?|tumou?r|nuclei|invasive|status|results?|receptors?|by|ihc|score|clone"
        r"|intensity|proportion|both"
        r"|is|was|sp1|sp42|6f11|1d5|ep1|pgr ?636)\b",
    ),
    # An antibody clone in brackets: "(SP1)", "(1E2)", "(clone 16)".
    ("clone", r"\((?:clone )?(?:[a-z0-9]*(?:[a-z]\d|\d[a-z])[a-z0-9]*|\d+)\)"),
    # One character at a time, so a clone in brackets is tried at its opening bracket.
    ("space", r"[ :,=()\[\]~*/]|-(?! ?ve\b)"),
)
_TOKEN = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _TOKENS))
_CLAUSE = "(?:" + "|".join(pattern for _, pattern in _TOKENS) + ")*"

_ER = r"(?:\bo?estrogen receptors?(?: ?\(er\))?|\ber(?:\b|(?=\d)))"
_PR = r"(?:\bprogesterone receptors?(?: ?\(pg?r\))?|\bpg?r(?:\b|(?=\d)))"
_BOTH = rf"\ber ?(?:/|&|and) ?pg?r(?:\b|(?=\d))(?P<with_her2> ?/ ?{HER2})?"
_CALL = r"positive|negative|pos|neg|\+|-"
_PAIR_VALUE = rf"\d+(?:\.\d+)?(?: ?%)?|{_CALL}"
# "ER/PR 90/20" and "ER/PR 90,20": after a joint keyword a comma between two numbers separates them.
_PAIR = (
    rf"(?: ?[:=]? ?(?P<first>{_PAIR_VALUE}) ?(?:/|,(?= ?\d)) ?(?P<second>{_PAIR_VALUE})"
    rf"(?: ?/ ?(?P<third>{_CALL}))?)?"
)
_NUMBER_GROUPS = {"allred": "allred_total", "total": "allred_total", "proportion": "allred_proportion"}
_ONE = Decimal(1)


def _read_clause(text: str, start: int, end: int) -> Iterator[tuple[str, str]]:
    """(kind, value) pairs from the receptor clause ``text[start:end]``.

    The kind is percent, call, allred_total or allred_proportion. The clause is scanned inside the
    whole text so that "ER-" sees the keyword before its minus sign.
    """
    first = True
    while start < end and (token := _TOKEN.match(text, start, end)):
        start, kind = token.end(), token.lastgroup
        if kind in _NUMBER_GROUPS and token[f"{kind}_n"]:
            yield _NUMBER_GROUPS[kind], token[f"{kind}_n"]
        elif kind == "percent" or (kind == "bare" and first):
            yield "percent", as_number(token[f"{kind}_n"])
        elif kind == "odd":
            yield "percent", token["odd_n"]
        elif kind in ("positive", "negative"):
            yield "call", kind
        elif kind == "sign" and first:
            yield "call", "positive" if token[kind] == "+" else "negative"
        elif kind == "range":
            yield from _call_between(Decimal(as_number(token["low"])), Decimal(as_number(token["high"])))
        elif kind == "bound":
            yield from _call_beyond(token["cmp"], Decimal(as_number(token["limit"])))
        first = first and kind == "space"


def _call_between(low: Decimal, high: Decimal) -> Iterator[tuple[str, str]]:
    # ASCO/CAP 2020: positive at >= 1% of tumour nuclei, negative below.
    if low >= _ONE:
        yield "call", "positive"
    elif high < _ONE:
        yield "call", "negative"


def _call_beyond(comparator: str, limit: Decimal) -> Iterator[tuple[str, str]]:
    below = comparator in ("<", "<=", "≤", "less than", "under")
    inclusive = comparator in ("<=", "≤", ">=", "≥")
    if below and (limit < _ONE or (limit == _ONE and not inclusive)):
        yield "call", "negative"
    elif not below and limit >= _ONE:
        yield "call", "positive"


def _pair_value(text: str) -> tuple[str, str]:
    text = text.replace(" ", "").removesuffix("%")
    if text in ("positive", "pos", "+"):
        return "call", "positive"
    if text in ("negative", "neg", "-"):
        return "call", "negative"
    return "percent", text


def _read(match: re.Match[str]) -> Iterator[Reading]:
    if match["first"]:
        for receptor, text in (("er", match["first"]), ("pr", match["second"])):
            kind, value = _pair_value(text)
            yield f"{receptor}_{kind}", value
        if match["third"] and match["with_her2"]:
            yield "her2_called_positive", "yes" if _pair_value(match["third"])[1] == "positive" else "no"
        return
    receptors = ("er", "pr") if match["both"] else ("er",) if match["er"] else ("pr",)
    for kind, value in _read_clause(match.string, *match.span("clause")):
        yield from ((f"{receptor}_{kind}", value) for receptor in receptors)
        if kind == "call" and match["with_her2"]:
            yield "her2_called_positive", "yes" if value == "positive" else "no"


RECEPTORS = (rule(rf"(?:(?P<both>{_BOTH}){_PAIR}|(?P<er>{_ER})|(?P<pr>{_PR}))(?P<clause>{_CLAUSE})", _read),)
