"""Reading one reported value from text: the validators behind ``report_from_fields``.

Every number is a ``Decimal`` built from the text as reported, so thresholds compare
exactly (docs/her2-rules.md §0: no rounding, no binary floats). Allowed ranges follow
docs/her2-rules.md §3.1; upper plausibility limits are product conventions. A value that
is not one measured number ("2.0.1", "1.8-2.2", "<2.2") raises ``InvalidValue`` saying why.

>>> parse_ihc("2 +")
<IhcScore.TWO: '2+'>
>>> parse_number("ish_ratio", "1.99") < Decimal("2.0")
True
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from bot.engine.values import IhcScore, Probe, ReceptorCall
from bot.errors import InvalidValue

__all__ = [
    "IHC_ALLOWED",
    "parse_allred_proportion",
    "parse_allred_total",
    "parse_call",
    "parse_flag",
    "parse_ihc",
    "parse_number",
    "parse_percent",
    "parse_probe",
    "parse_recount",
    "parse_recount_group",
    "why_not_a_number",
]


_IHC_ALIASES = {
    "0": IhcScore.ZERO,
    "0+": IhcScore.ZERO,
    "0-ultralow": IhcScore.ZERO_ULTRALOW,
    "0ultralow": IhcScore.ZERO_ULTRALOW,
    "0-ultra-low": IhcScore.ZERO_ULTRALOW,
    "ultralow": IhcScore.ZERO_ULTRALOW,
    "0-null": IhcScore.ZERO_NULL,
    "0null": IhcScore.ZERO_NULL,
    "null": IhcScore.ZERO_NULL,
    "1+": IhcScore.ONE,
    "2+": IhcScore.TWO,
    "3+": IhcScore.THREE,
}
IHC_ALLOWED = "0, 0-ultralow, 0-null, 1+, 2+ or 3+"
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"), "-")


def _clean(text: str) -> str:
    """Fold unicode pluses, dashes and spaces so '２＋' and '2 +' read as '2+'."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_DASHES)
    return re.sub(r"[\s_]+", " ", text).strip().lower()


def parse_ihc(text: str) -> IhcScore:
    """Read an IHC score; raise ``InvalidValue`` for anything outside §3.1."""
    key = _clean(text).replace(" ", "-").replace("-+", "+").replace("+-", "+")
    key = key.replace("-(", "-").replace("(", "-").rstrip(")")
    score = _IHC_ALIASES.get(key) or _IHC_ALIASES.get(key.replace("-", ""))
    if score is None:
        raise InvalidValue(field="ihc", value=text, allowed=IHC_ALLOWED)
    return score


_LIMITS = {
    # field: (lowest allowed, lowest is inclusive, highest allowed, allowed text)
    "ish_ratio": (Decimal(0), False, Decimal(50), "a HER2/CEP17 ratio above 0 and at most 50"),
    "ish_copy_number": (
        Decimal(0),
        False,
        Decimal(100),
        "an average HER2 copy number above 0 and at most 100 signals/cell",
    ),
    "er_percent": (Decimal(0), True, Decimal(100), "a percentage from 0 to 100"),
    "pr_percent": (Decimal(0), True, Decimal(100), "a percentage from 0 to 100"),
}


# What makes a text not one measured number, most specific first; the reason tells the user what to send.
_NOT_ONE_NUMBER = (
    (re.compile(r"[<>≤≥]"), "a bound, not a measured value: send the measured value"),
    (
        re.compile(r"~|≈|\b(?:approx\w*|about|around|roughly|circa|ca)\b"),
        "an approximate value: send the measured value",
    ),
    (re.compile(r"\d ?(?:-|to) ?\.?\d"), "a range, not one value: send the measured value"),
    (re.compile(r"\d ?/ ?\.?\d"), "a fraction, not one value: send it as one decimal number"),
    (re.compile(r"\d,\d{3}(?!\d)"), "not a number: a comma before three digits may be a thousands separator"),
    (re.compile(r"[.,].*[.,]"), "not a number: it has more than one decimal mark"),
    (re.compile(r","), "not a number: write the decimal mark as a point"),
    (re.compile(r"\d ?[^\W\d_]"), "not a number: letters are attached to it"),
)


def why_not_a_number(text: str) -> str:
    """Why ``text`` is not one measured number, in words for the user.

    >>> why_not_a_number("2.0.1"), why_not_a_number("1.8-2.2")
    ('not a number: it has more than one decimal mark', 'a range, not one value: send the measured value')
    """
    return next((reason for pattern, reason in _NOT_ONE_NUMBER if pattern.search(text)), "not a number")


def parse_number(field: str, text: str | Decimal | int | float) -> Decimal:
    """Read a decimal for ``field`` exactly as written and check its allowed range."""
    low, low_inclusive, high, allowed = _LIMITS[field]
    raw = str(text)
    cleaned = _clean(raw).removesuffix("%").strip()
    if not _NUMBER.fullmatch(cleaned):
        raise InvalidValue(field=field, value=raw, allowed=allowed, reason=why_not_a_number(cleaned))
    number = Decimal(cleaned)
    if field == "ish_copy_number" and number == 0:
        raise InvalidValue(
            field=field,
            value=raw,
            allowed=allowed,
            reason="no signals means the hybridisation failed; repeat the ISH",
        )
    too_low = number < low or (number == low and not low_inclusive)
    if too_low or number > high:
        raise InvalidValue(field=field, value=raw, allowed=allowed)
    return number


def parse_percent(field: str, text: str | Decimal | int | float) -> Decimal:
    """Read an ER or PR percentage (0 to 100 inclusive)."""
    return parse_number(field, text)


def parse_probe(text: str) -> Probe:
    """Read an ISH probe type: dual or single."""
    key = _clean(text).replace("-", " ").removesuffix(" probe")
    if key in ("dual", "single"):
        return Probe(key)
    raise InvalidValue(field="ish_probe", value=text, allowed="dual or single")


def parse_recount(text: str | bool) -> bool:
    """Read whether the blinded recount stayed in the same ISH group: yes or no."""
    if isinstance(text, bool):
        return text
    key = _clean(text)
    if key in ("yes", "y", "true", "same"):
        return True
    if key in ("no", "n", "false", "different"):
        return False
    raise InvalidValue(field="ish_recount_same_group", value=text, allowed="yes or no")


def parse_recount_group(text: str | int) -> int:
    """Read the ISH group a blinded recount found: 1 to 5 ("4", "group 4")."""
    key = _clean(str(text)).removeprefix("group").strip()
    if key not in ("1", "2", "3", "4", "5"):
        raise InvalidValue(field="ish_recount_group", value=str(text), allowed="an ISH group from 1 to 5")
    return int(key)


def parse_allred_total(field: str, text: str | int) -> int:
    """Read an Allred total score (0 or 2 to 8; a total of 1 cannot occur, §5.2)."""
    cleaned = _clean(str(text)).removesuffix("/8").strip()
    allowed = "an Allred total of 0 or 2 to 8 (a total of 1 cannot occur)"
    if not cleaned.isdigit() or int(cleaned) not in (0, 2, 3, 4, 5, 6, 7, 8):
        raise InvalidValue(field=field, value=str(text), allowed=allowed)
    return int(cleaned)


def parse_allred_proportion(field: str, text: str | int) -> int:
    """Read an Allred proportion score (0 to 5)."""
    cleaned = _clean(str(text)).removesuffix("/5").strip()
    if not cleaned.isdigit() or int(cleaned) > 5:
        raise InvalidValue(field=field, value=str(text), allowed="an Allred proportion score from 0 to 5")
    return int(cleaned)


def parse_call(field: str, text: str) -> ReceptorCall:
    """Read a receptor result stated in words: positive or negative."""
    key = _clean(text)
    if key in ("positive", "pos", "+"):
        return ReceptorCall.POSITIVE
    if key in ("negative", "neg", "-"):
        return ReceptorCall.NEGATIVE
    raise InvalidValue(field=field, value=text, allowed="positive or negative")


def parse_flag(field: str, text: str) -> bool:
    """Read a yes/no result stated in words (amplified, HER2 positive)."""
    key = _clean(text)
    if key in ("yes", "true", "positive", "amplified"):
        return True
    if key in ("no", "false", "negative", "not amplified", "not-amplified"):
        return False
    raise InvalidValue(field=field, value=text, allowed="yes or no")
