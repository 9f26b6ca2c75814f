"""HER2 in situ hybridisation: ratio, copy number, probe type, recount and amplified/not-amplified labels.

Numbers are read only next to their own keyword ("HER2/CEP17 1.6", "copy# 3.2", "4.1 signals/cell").
"No amplification" and "FISH negative" are labels (``ish_called_amplified``), never numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from intents.extraction._rule import AS_WRITTEN, GLUED, HER2, Reader, Reading, as_number, rule, says

__all__ = ["COPY_NUMBER", "ISH_CALLS", "PROBE", "RATIO", "RECOUNT"]

_CEP17 = r"(?:cep(?: ?-?17)?\b|chr(?:omosome)? ?-?17|centromere ?17|d17z1)"
_ISH = r"(?:\b(?:f|s|c|dd?|dual[- ]?|single[- ]?(?:probe )?|bright[- ]?field )?ish\b|\bin situ hybridi[sz]ation\b)"
_PER_CELL = r"(?: ?(?:/|per) ?(?:cells?|nucleus|nuclei|nuc|tumou?r cells?))"
# "signals", "signal", "sigs", "sig".
_SIGNALS = r"(?:signals?|sigs?)"
# Between a keyword and its number: "ratio = 1.60", "ratio of 2.3", "copy number: 3.2", "ratio - 1.6".
_GAP = r"(?: ?[:=] ?| |(?:of|is|was|value|result|measured|at)\b| - (?=\d)){0,8}"


def _number(field: str) -> Reader:
    def read(match: re.Match[str]) -> Iterable[Reading]:
        return ((field, as_number(match["value"])),)

    return read


RATIO = (
    rule(
        rf"(?:{HER2} ?(?:/|:|to) ?{_CEP17}(?: signal)?(?: ratio)?"
        rf"|\b(?:ratio|rat\b\.?)(?: of {HER2} ?(?:/|:|to) ?{_CEP17})?)"
        rf"{_GAP}(?P<value>{AS_WRITTEN}{GLUED})(?![\d%]| ?%)",
        _number("ish_ratio"),
    ),
)

_AVERAGE = r"(?:\b(?:avg|average|mean|ave)\.? (?:of )?)"
_COPY_WORD = (
    rf"{_AVERAGE}?(?:{HER2} )?(?:gene )?"
    rf"(?:\b(?:copy|cp) ?(?:number|num|no\.?|#|n\b)|\bcopies{_PER_CELL}?|\b{_SIGNALS}{_PER_CELL})"
    # "avg HER2 4.1", "HER2/cell 4.1": an average of HER2 or HER2 per cell can only be a copy number.
    rf"|{_AVERAGE}{HER2}(?: {_SIGNALS}| copies)?\b|{HER2}{_PER_CELL}"
    # "avg copy 5.1", "mean HER2 copy 4.2": an average copy is a copy number.
    rf"|{_AVERAGE}(?:{HER2} )?(?:gene )?copy\b"
)
# A value with a decimal part ("4.4", "4,4"): an average per cell, never a count of signals or a page.
_DECIMAL_AHEAD = r"(?=\d*[.,]\d)"
COPY_NUMBER = (
    rule(
        rf"(?:{_COPY_WORD}|\bcn\b){_GAP}(?P<value>{AS_WRITTEN}{GLUED})(?![\d%])"
        rf"(?: ?(?:her2 )?(?:{_SIGNALS}|copies)?{_PER_CELL})?",
        _number("ish_copy_number"),
    ),
    # "HER2 signals 3.5 per cell": the unit after the number is what makes it a copy number.
    rule(
        rf"{_AVERAGE}?(?:{HER2} )?\b{_SIGNALS} ?[:=]? ?(?P<value>{AS_WRITTEN}){_PER_CELL}\b",
        _number("ish_copy_number"),
    ),
    # "3.2 HER2 signals/cell", "average of 4.1 copies per cell".
    rule(
        rf"(?<![\w.,<>≤≥~-])(?P<value>{AS_WRITTEN}) ?(?:{HER2} )?(?:signals|sigs?|copies){_PER_CELL}\b",
        _number("ish_copy_number"),
    ),
    # "HER2 4.1/cell": HER2 with a per-cell unit.
    rule(rf"{HER2} ?[:=]? ?(?P<value>{AS_WRITTEN}){_PER_CELL}\b", _number("ish_copy_number")),
    # "HER2 signals 4.4", "ratio 2.3 / copy 4.6": without a unit or an average, only a decimal is a copy
    # number; "HER2 signals 44" may be a total over the cells counted, and "copy 2" a copy of the report.
    rule(
        rf"(?:{HER2} {_SIGNALS}|\bcopy)(?: ?[:=] ?| ){_DECIMAL_AHEAD}(?P<value>{AS_WRITTEN}{GLUED})(?![\d%])"
        rf"(?! ?(?:/|in|over|from) ?\d)",
        _number("ish_copy_number"),
    ),
)

# Probe words do not use up their text: "dual-probe ISH negative" must still read as not amplified.
PROBE = (
    rule(
        r"\bsingle[- ]?(?:probe|colou?r)\b|\bher2[- ]only\b|\(no cep ?-?17(?: probe)?\)|\bwithout (?:a )?cep ?-?17\b",
        says(("ish_probe", "single")),
        consume=False,
    ),
    rule(
        r"\bdual[- ]?(?:probe|colou?r|ish|sish|cish|fish|hybridi[sz]ation|in situ)\b|\bd{1,2}ish\b",
        says(("ish_probe", "dual")),
        consume=False,
    ),
)

# ASCO/CAP 2018, Figures 4-6: the blinded second-observer recount of groups 2-4 with IHC 2+. The words
# between "recount" and its outcome may hold the recounted values, so this rule uses up nothing.
_NOT_AN_OUTCOME = r"pending|awaiting|requested|recommended|required|needed|not (?:yet )?(?:done|performed)|if\b"
RECOUNT = (
    rule(
        rf"\bre-?count\w*(?:(?!{_NOT_AN_OUTCOME})(?:[^\n;.]|\.(?=\d))){{0,40}}?\b(?:(?P<same>(?:did not|didn't|does not"
        r"|no) chang\w*|unchanged|same|confirm\w*|concordant|agree\w*|consistent"
        r"|(?:still|stay(?:ed|s)?|remain(?:ed|s)?) (?:in )?(?:the same|same|group|unchanged))"
        r"|(?P<moved>chang\w*|different|discordant|moved|reclassif\w*|another|shift\w*))",
        lambda match: (("ish_recount_same_group", "yes" if match["same"] else "no"),),
        consume=False,
    ),
    # "still group 3 on recount", "same after blinded recount": the outcome written before the word recount.
    rule(
        r"\b(?:(?:still|stay(?:ed|s)?|remain(?:ed|s)?) (?:in )?(?:ish )?group [1-5]|same(?: group)?|unchanged)"
        r" (?:on|after|at) (?:the )?(?:blinded |second[- ]observer |ish )*re-?count\b",
        says(("ish_recount_same_group", "yes")),
        consume=False,
    ),
    # "recount gave group 5", "recount: group 4": the group the recount found, compared by the engine.
    rule(
        r"\bre-?count\w*(?: result)?(?: ?[:=] ?| (?:gave|gives|showed|shows|found|finds|was|is|yielded|returned)"
        r" | group ?[:=]? ?(?=[1-5]))(?:(?:ish |dual[- ]probe )?group ?)?(?P<group>[1-5])\b(?![.,]\d)",
        lambda match: (("ish_recount_group", match["group"]),),
        consume=False,
    ),
    # "recount done and still group 4", "recount moved it to group 5": an outcome that names the group the
    # recount landed in gives that group too, so the engine can check it against the ratio and copy number.
    rule(
        rf"\bre-?count\w*(?:(?!{_NOT_AN_OUTCOME})(?:[^\n;.]|\.(?=\d))){{0,40}}?\b(?:still|stay(?:ed|s)?"
        r"|remain(?:ed|s)?|confirm(?:ed|s)?|(?:moved|changed|shifted|went|reclassified)(?: it)? (?:to|into|as))"
        r" (?:in )?(?:ish |dual[- ]probe )?group ?(?P<group>[1-5])\b(?![.,]\d)",
        lambda match: (("ish_recount_group", match["group"]),),
        consume=False,
    ),
    # "still group 3 on recount", "remained group 4 after second-observer recount".
    rule(
        r"\b(?:still|stay(?:ed|s)?|remain(?:ed|s)?) (?:in )?(?:ish )?group (?P<group>[1-5])"
        r" (?:on|after|at) (?:the )?(?:blinded |second[- ]observer |ish )*re-?count\b",
        lambda match: (("ish_recount_group", match["group"]),),
        consume=False,
    ),
)

_GENE = rf"(?:{HER2} )?(?:gene )?"
_NOT_AMPLIFIED = (
    r"\b(?:not|non)[- ]?amplified\b|\bunamplified\b",
    rf"\b(?:no|without|negative for|neg for)(?: evidence of)? {_GENE}amplification\b",
    r"\bamplification (?:is |was )?(?:not (?:detected|seen|present|identified|observed)|absent)\b",
    rf"{_ISH}(?: (?:result|test|status|assay))? ?[:=-]? ?(?:is |was )?(?:negative|neg\b|- ?ve\b|-(?![\w-]))",
    rf"\b(?:negative|neg) (?:by|on) {_ISH}",
)
_AMPLIFIED = (
    rf"\b{_GENE}amplified\b",
    r"\bamplification (?:is |was )?(?:detected|present|seen|identified|observed)\b",
    rf"\bpositive for {_GENE}amplification\b",
    rf"{_ISH}(?: (?:result|test|status|assay))? ?[:=-]? ?(?:is |was )?(?:positive|pos\b|\+ ?ve\b|\+(?! ?\d))",
    rf"\b(?:positive|pos) (?:by|on) {_ISH}",
)
# Negations first, so "not amplified" is used up before "amplified" is looked for.
ISH_CALLS = (
    *(rule(pattern, says(("ish_called_amplified", "no"))) for pattern in _NOT_AMPLIFIED),
    *(rule(pattern, says(("ish_called_amplified", "yes"))) for pattern in _AMPLIFIED),
)
