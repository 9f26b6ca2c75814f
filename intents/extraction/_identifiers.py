"""Patient identifiers: which kinds a message holds, and the message with them blanked out.

Only the kind is kept ("name", "mrn", "date", "accession", "phone", "email"). The text of an
identifier is blanked before any value is read, so no part of it can become a value and none
of it can reach an ``Extraction``. Names are found only where they are labelled ("Name:",
"Patient:", "Pt:") or follow a title ("Mrs Okafor"); an unlabelled name cannot be told from
other words and is simply never read as anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from intents.extraction._lines import matches_by_line
from intents.extraction._needs import NeedsIndex
from intents.extraction._prepared import prepare
from intents.extraction._text import blank

__all__ = ["find_identifiers"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
# Words that follow "Patient:" but are not names, and clinical words that end a name.
_NOT_A_NAME = (
    r"(?:female|male|woman|man|lady|unknown|none|n/?a|redacted|withheld|anon\w*|er|pr|pgr|her-?2\w*|ihc|fish|ish"
    r"|idc|ilc|dcis|nst|left|right|bilateral|breast|invasive|ductal|lobular|carcinoma|core|biopsy|mrn|dob|nhs|age"
    r"|aged|sex|ki|the|a|an|no|not|see|is|was|has|with|postmenopausal|premenopausal|tnbc|triple|hr|grade|tumou?r"
    r"|ratio|copy|copies|cn|cep ?17|score|allred|probe|dual|single|recount|hercep\w*|estrogen|oestrogen"
    r"|progesterone|result|results|negative|positive)\b"
)
_NAME_WORD = rf"(?!{_NOT_A_NAME})(?-i:[A-Z][A-Za-z'’-]*\.?)"
_LOWER_NAME_WORD = rf"(?!{_NOT_A_NAME})[a-z][a-z'’-]+"
_NAME_LABEL = (
    r"(?:patient(?:'s)? (?:full )?name|pt\.? name|full name|surname|last name|family name|first name|forename"
    r"|given names?|name)"
)


def _is_calendar_date(match: re.Match[str]) -> bool:
    day_or_month, month_or_day = int(match["a"]), int(match["b"])
    return (1 <= day_or_month <= 31 and 1 <= month_or_day <= 12) or (
        1 <= day_or_month <= 12 and 1 <= month_or_day <= 31
    )


def _always(_match: re.Match[str]) -> bool:
    return True


_ID_NUMBER = r"(?:\d{3}[ -]\d{3}[ -]\d{4}\b|[a-z]{0,3}-?\d[\d-]{2,}[a-z]?\b)"
_LABEL_END = r"(?![a-z])\.?(?: ?[:#=] ?| )(?:is )?"

# (kind, pattern, check), tried in this order; each match is blanked before the next pattern runs,
# so a labelled NHS number is an MRN before its digits could look like a phone number.
_PATTERNS: tuple[tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE), check)
    for kind, pattern, check in (
        ("email", r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]+(?:\.[\w-]+)+", _always),
        (
            "mrn",
            r"\b(?:mrn|m\.r\.n\.?|medical record(?: (?:number|no\.?|num|#))?|hospital (?:number|no\.?|num|#|id)"
            r"|hosp\.? no\.?|nhs(?: (?:number|no\.?|num|#))?|chi (?:number|no\.?)|unit (?:number|no\.?)"
            r"|patient (?:id|number|no\.?)|pt\.? id|urn?(?: (?:number|no\.?))?)" + _LABEL_END + _ID_NUMBER,
            _always,
        ),
        (
            "accession",
            r"\b(?:accession(?: (?:no\.?|number|num|#|id))?|(?:specimen|spec|case|lab|path(?:ology)?|surgical"
            r"(?: path(?:ology)?)?|sample|report|requisition)\.? (?:no\.?|number|num|#|id)|(?:specimen|case|lab) ?[:#])"
            + _LABEL_END
            + r"[a-z]{0,4}-?\d[a-z0-9/-]*\d\b",
            _always,
        ),
        (
            "phone",
            r"\b(?:tel(?:ephone)?|phone|ph|mob(?:ile)?|fax|contact(?: (?:no\.?|number))?)(?: (?:no\.?|number|#))?"
            + _LABEL_END
            + r"\+?\(?\d[\d ().-]{5,}\d",
            _always,
        ),
        (
            "date",
            r"\b(?:dob|d\.o\.b\.?|date of birth|born(?: in| on)?|yob|year of birth) ?[:=]? ?(?:19|20)\d{2}\b",
            _always,
        ),
        ("date", r"(?<![\w./-])(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})\2(?:\d{4}|\d{2})(?![\w/-]|\.\d)", _is_calendar_date),
        ("date", r"(?<![\w./-])(?:0?[1-9]|1[0-2])[/.-](?:19|20)\d{2}(?![\w/-]|\.\d)", _always),
        (
            "date",
            r"(?<![\w./-])(?:19|20)\d{2}([/.-])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])(?![\w/-]|\.\d)",
            _always,
        ),
        (
            "date",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)?[ -]?{_MONTH}[ ,-]*(?:\d{{4}}|\d{{2}})\b"
            rf"|\b{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b|\b{_MONTH} (?:19|20)\d{{2}}\b",
            _always,
        ),
        (
            "phone",
            r"(?<![\w.])(?:\+\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w.])"
            r"|(?<![\w.])(?:\+44 ?|0)\d{2,4} ?\d{3,4} ?\d{3,4}(?![\w.])",
            _always,
        ),
        ("accession", r"(?<![\w-])[a-z]{1,4}-?\d{2,4}-\d{3,7}(?![\w-])", _always),
        (
            "name",
            rf"\b(?:{_NAME_LABEL}|patient|pt)\b\.? ?[:=] ?{_NAME_WORD}(?:(?: |, ?){_NAME_WORD}){{0,3}}",
            _always,
        ),
        ("name", rf"\b{_NAME_LABEL} ?[:=] ?{_LOWER_NAME_WORD}(?: {_LOWER_NAME_WORD}){{0,2}}", _always),
        ("name", rf"\b(?:mr|mrs|ms|miss|mx)\b\.? {_NAME_WORD}(?:[ -]{_NAME_WORD})?", _always),
    )
)


# What each pattern needs (``_needs``): checked against the lower-cased text, exact for ASCII text only.
_NEEDS, _REACH = zip(*(prepare(pattern) for _, pattern, _ in _PATTERNS), strict=True)
_INDEX = NeedsIndex(_NEEDS)
# Longer texts are searched line by line where a pattern allows it (``_lines``).
_SHORT = 300


def find_identifiers(text: str) -> tuple[tuple[str, ...], str]:
    """The sorted kinds of identifier in ``text``, and ``text`` with every identifier blanked."""
    kinds: set[str] = set()
    # What the patterns need is looked for in lower case, which is exact for ASCII text only (``_needs``).
    lowered = text.lower() if text.isascii() else None
    could_match = _INDEX.could_match(lowered)
    for number, ((kind, pattern, check), needs, reach) in enumerate(zip(_PATTERNS, _NEEDS, _REACH, strict=True)):
        if number not in could_match:
            continue
        if lowered is not None and len(text) > _SHORT:
            matches = matches_by_line(pattern, text, needs, reach, words_in=lowered)
        else:
            matches = list(pattern.finditer(text))
        spans = [match.span() for match in matches if check(match)]
        if spans:
            kinds.add(kind)
            text = blank(text, spans)
            lowered = text.lower() if lowered is not None else None
    return tuple(sorted(kinds)), text
