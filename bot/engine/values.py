"""Reported values: the typed inputs of the classification, and their validation.

Every number is a ``Decimal`` built from the text as reported, so thresholds compare
exactly (docs/her2-rules.md §0: no rounding, no binary floats). Allowed ranges follow
docs/her2-rules.md §3.1; upper plausibility limits are product conventions.

>>> parse_ihc("2 +")
<IhcScore.TWO: '2+'>
>>> parse_number("ish_ratio", "1.99") < Decimal("2.0")
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from enum import StrEnum
from functools import partial
from typing import TypeVar

from bot.errors import InvalidValue

__all__ = [
    "FIELDS",
    "IhcScore",
    "Probe",
    "ReceptorCall",
    "ReceptorResult",
    "Report",
    "parse_allred_proportion",
    "parse_allred_total",
    "parse_ihc",
    "parse_number",
    "parse_percent",
    "parse_probe",
    "parse_recount",
    "parse_recount_group",
    "report_fields",
    "report_from_fields",
    "why_not_a_number",
]


class IhcScore(StrEnum):
    """HER2 immunohistochemistry score (ASCO/CAP 2018 Figure 1, with IHC 0 subdivided)."""

    ZERO = "0"
    ZERO_ULTRALOW = "0-ultralow"
    ZERO_NULL = "0-null"
    ONE = "1+"
    TWO = "2+"
    THREE = "3+"

    @property
    def is_zero(self) -> bool:
        return self in (IhcScore.ZERO, IhcScore.ZERO_ULTRALOW, IhcScore.ZERO_NULL)

    @property
    def is_zero_or_one(self) -> bool:
        return self.is_zero or self is IhcScore.ONE


class Probe(StrEnum):
    """ISH assay design."""

    DUAL = "dual"
    SINGLE = "single"


class ReceptorCall(StrEnum):
    """A receptor result stated in words rather than as a percentage."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class ReceptorResult:
    """ER or PR as reported: a percentage, an Allred score, or only a call in words."""

    percent: Decimal | None = None
    allred_total: int | None = None
    allred_proportion: int | None = None
    call: ReceptorCall | None = None

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))


@dataclass(frozen=True, slots=True)
class Report:
    """Everything the classification reads. ``None`` means "not reported"."""

    ihc: IhcScore | None = None
    ish_ratio: Decimal | None = None
    ish_copy_number: Decimal | None = None
    ish_probe: Probe | None = None
    ish_recount_same_group: bool | None = None
    ish_recount_group: int | None = None
    er: ReceptorResult | None = None
    pr: ReceptorResult | None = None
    ish_called_amplified: bool | None = None
    her2_called_positive: bool | None = None

    def __post_init__(self) -> None:
        if self.ish_probe is Probe.SINGLE and self.ish_ratio is not None:
            raise InvalidValue(
                field="ish_probe",
                value="single",
                allowed="dual (or no probe type) when a HER2/CEP17 ratio is given",
                reason="single-probe ISH has no CEP17 probe, so it cannot give a ratio",
            )
        self._check_recount_group()

    def _check_recount_group(self) -> None:
        """A recount reported both as same/different and by its group must agree with the group computed."""
        stayed, recount_group = self.ish_recount_same_group, self.ish_recount_group
        if stayed is None or recount_group is None or self.ish_ratio is None or self.ish_copy_number is None:
            return
        # bot.engine.ish imports this module, so its group function is imported when first needed.
        from bot.engine.ish import ish_group

        group = ish_group(self.ish_ratio, self.ish_copy_number)
        if (recount_group == group) != stayed:
            said = "the same group" if stayed else "a different group"
            raise InvalidValue(
                field="ish_recount_group",
                value=str(recount_group),
                allowed=f"a recount group that agrees with the recount reported as {said}",
                reason=f"the ratio and copy number give group {group}, but the recount is also reported as {said}",
            )

    @property
    def effective_probe(self) -> Probe | None:
        """The probe type, inferred as dual when a ratio is present (docs/her2-rules.md §3.1)."""
        if self.ish_probe is None and self.ish_ratio is not None:
            return Probe.DUAL
        return self.ish_probe

    @property
    def is_empty(self) -> bool:
        return all(getattr(self, f.name) is None for f in fields(self))

    def merged_with(self, newer: Report) -> Report:
        """This report updated by every field ``newer`` reports: a later message wins, and a receptor
        reported again replaces everything said before about it (a new percentage drops an old Allred score).

        Raises ``InvalidValue`` when the merged values contradict each other (single probe with a ratio).

        >>> old = report_from_fields({"ihc": "1+", "er_allred_total": "6"})
        >>> old.merged_with(report_from_fields({"ihc": "3+", "er_percent": "5"})) == report_from_fields(
        ...     {"ihc": "3+", "er_percent": "5"})
        True
        """
        changes = {f.name: getattr(newer, f.name) for f in fields(newer) if getattr(newer, f.name) is not None}
        return replace(self, **changes)


T = TypeVar("T")

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


def _check_allred(prefix: str, total: int | None, proportion: int | None) -> None:
    """An Allred total must be the proportion score plus an intensity of 0 to 3."""
    if total is None or proportion is None:
        return
    intensity = total - proportion
    if not (0 <= intensity <= 3) or (proportion > 0) != (intensity > 0):
        raise InvalidValue(
            field=f"{prefix}_allred_total",
            value=str(total),
            reason=f"with proportion score {proportion} the intensity score would be {intensity}",
            allowed="a total equal to the proportion score (0–5) plus an intensity score (1–3; 0 if no cells stain)",
        )


FIELDS = (
    "ihc",
    "ish_ratio",
    "ish_copy_number",
    "ish_probe",
    "ish_recount_same_group",
    "ish_recount_group",
    "er_percent",
    "pr_percent",
    "er_allred_total",
    "er_allred_proportion",
    "pr_allred_total",
    "pr_allred_proportion",
    "er_call",
    "pr_call",
    "ish_called_amplified",
    "her2_called_positive",
)


def _optional(given: Mapping[str, str], name: str, parse: Callable[[str], T]) -> T | None:
    return parse(given[name]) if name in given else None


def _receptor(prefix: str, given: Mapping[str, str]) -> ReceptorResult | None:
    result = ReceptorResult(
        percent=_optional(given, f"{prefix}_percent", partial(parse_percent, f"{prefix}_percent")),
        allred_total=_optional(given, f"{prefix}_allred_total", partial(parse_allred_total, f"{prefix}_allred_total")),
        allred_proportion=_optional(
            given, f"{prefix}_allred_proportion", partial(parse_allred_proportion, f"{prefix}_allred_proportion")
        ),
        call=_optional(given, f"{prefix}_call", partial(_parse_call, f"{prefix}_call")),
    )
    _check_allred(prefix, result.allred_total, result.allred_proportion)
    return None if result.is_empty else result


def _parse_call(field: str, text: str) -> ReceptorCall:
    key = _clean(text)
    if key in ("positive", "pos", "+"):
        return ReceptorCall.POSITIVE
    if key in ("negative", "neg", "-"):
        return ReceptorCall.NEGATIVE
    raise InvalidValue(field=field, value=text, allowed="positive or negative")


def _parse_flag(field: str, text: str) -> bool:
    key = _clean(text)
    if key in ("yes", "true", "positive", "amplified"):
        return True
    if key in ("no", "false", "negative", "not amplified", "not-amplified"):
        return False
    raise InvalidValue(field=field, value=text, allowed="yes or no")


def report_from_fields(raw: Mapping[str, str | None]) -> Report:
    """Build a validated ``Report`` from text fields named as in ``FIELDS``.

    Empty strings and ``None`` mean "not reported". Unknown field names are an error.

    >>> report_from_fields({"ihc": "2+", "ish_ratio": "1.6", "ish_copy_number": "3.2"}).effective_probe
    <Probe.DUAL: 'dual'>
    """
    unknown = set(raw) - set(FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise InvalidValue(field=name, value=name, allowed="one of " + ", ".join(FIELDS), reason="unknown field")
    given = {k: str(v).strip() for k, v in raw.items() if v is not None and str(v).strip() != ""}
    return Report(
        ihc=_optional(given, "ihc", parse_ihc),
        ish_ratio=_optional(given, "ish_ratio", partial(parse_number, "ish_ratio")),
        ish_copy_number=_optional(given, "ish_copy_number", partial(parse_number, "ish_copy_number")),
        ish_probe=_optional(given, "ish_probe", parse_probe),
        ish_recount_same_group=_optional(given, "ish_recount_same_group", parse_recount),
        ish_recount_group=_optional(given, "ish_recount_group", parse_recount_group),
        er=_receptor("er", given),
        pr=_receptor("pr", given),
        ish_called_amplified=_optional(given, "ish_called_amplified", partial(_parse_flag, "ish_called_amplified")),
        her2_called_positive=_optional(given, "her2_called_positive", partial(_parse_flag, "her2_called_positive")),
    )


def report_fields(report: Report) -> dict[str, str]:
    """The inverse of ``report_from_fields``: the reported values as text fields, for the store and buttons.

    >>> report = report_from_fields({"ihc": "2+", "ish_ratio": "1.60", "er_percent": "90"})
    >>> report_fields(report), report_from_fields(report_fields(report)) == report
    ({'ihc': '2+', 'ish_ratio': '1.60', 'er_percent': '90'}, True)
    """
    flat: dict[str, object] = {f.name: getattr(report, f.name) for f in fields(report) if f.name not in ("er", "pr")}
    for prefix in ("er", "pr"):
        receptor: ReceptorResult | None = getattr(report, prefix)
        if receptor is not None:
            flat.update({f"{prefix}_{f.name}": getattr(receptor, f.name) for f in fields(receptor)})
    return {name: _field_text(flat[name]) for name in FIELDS if flat.get(name) is not None}


def _field_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
