"""Numbers that are not HER2, ER or PR values, used up before any value rule runs.

Each sink reads nothing; it only blanks its text so that, for example, "Ki-67 20%" can
never be read as an ER percentage or "grade (3+3+2)" as an IHC score.
"""

from __future__ import annotations

from intents.extraction._rule import NUMBER, sink

__all__ = ["CEP17_COUNTS", "EARLY_SINKS", "LATE_SINKS"]

_RANGE = rf"(?:[<>≤≥]=? ?)?{NUMBER}(?: ?(?:-|to) ?{NUMBER})?"
_CELLS = r"(?:cells?|nuclei|nucleus)"

EARLY_SINKS = (
    # Ki-67 / MIB-1 proliferation index.
    sink(
        r"\b(?:ki-? ?67|mib-? ?1)\b(?: ?(?:\(mib-? ?1\)|index|proliferat\w*|labell?ing|score|high|low|intermediate"
        rf"|hot-? ?spots?|approx\w*\.?|about|of|is|was|[:=,~(]))* ?{_RANGE} ?%?"
    ),
    # Age.
    sink(
        r"\b\d{1,3} ?(?:y/?o\b|yo\b|yrs?\b|years?(?: old)?\b|-? ?years?-? ?old\b)"
        r"|\baged? ?[:=]? ?\d{1,3}\b|\b\d{2}[fm]\b"
    ),
    # Tumour, margin and other sizes.
    sink(rf"\b{NUMBER}(?: ?x ?{NUMBER})* ?(?:cm|mm)\b"),
    # Grade and its Nottingham components.
    sink(r"\b(?:histologic(?:al)? |nottingham |tumou?r )?grade ?[:=]? ?(?:\d|i{1,3}\b)(?: ?(?:/|of) ?3)?"),
    sink(r"\bg[1-3]\b|\b(?:nottingham|elston|bloom|nhg|mbr)\b[^\n;]{0,40}?\d(?: ?\+ ?\d){0,2}(?: ?= ?\d)?"),
    sink(r"\(? ?\d ?\+ ?\d ?\+ ?\d ?(?:= ?\d+ ?)?\)?"),
    sink(r"\b(?:tubules?|tubule formation|pleomorphism|mitos[ie]s|mitotic(?: count| rate)?)(?: score)? ?[:=]? ?\d+"),
    # Blocks, slides and cassettes ("block A2").
    sink(
        r"\b(?:blocks?|slides?|cassettes?) ?[:#]? ?(?:[a-z]{1,2}\d{1,2}|[a-z]|\d{1,2}[a-z]?)\b"
        r"(?: ?(?:-|,|&|and|to) ?(?:[a-z]\d{1,2}|\d{1,2}[a-z]?)\b)*"
    ),
    # Cell and signal counts behind an ISH result.
    sink(rf"\b\d+ ?{_CELLS} (?:were )?(?:counted|scored|evaluated|assessed|enumerated|analy[sz]ed)"),
    sink(rf"\b{_CELLS} (?:counted|scored|evaluated|assessed|enumerated|analy[sz]ed) ?[:=]? ?\d+"),
    sink(rf"\btotal (?:her2 |cep ?17 )?signals? ?[:=]? ?\d+(?: ?(?:in|/) ?\d+ ?{_CELLS})?"),
    # Lymph nodes ("2/15 nodes").
    sink(r"\b\d+ ?/ ?\d+ (?:lymph )?nodes?\b|\bnodes? ?[:=]? ?\d+ ?/ ?\d+"),
)

# CEP17 (chromosome 17 centromere) counts: never a HER2 copy number. Runs after the ratio rules,
# which read "HER2/CEP17 1.6" first.
_CEP17 = r"(?:cep(?: ?-?17)?\b|chr(?:omosome)? ?-?17|centromere ?17|d17z1)"
_PER_CELL = rf"(?: ?(?:/|per) ?{_CELLS})"
CEP17_COUNTS = (
    sink(
        rf"(?:\b(?:avg|average|mean)\.? (?:of )?)?{_CEP17}(?: ?(?:copy ?(?:number|no\.?|#)|copies|signals?|count))?"
        rf"{_PER_CELL}? ?[:=]? ?(?:of )?{NUMBER}(?: ?(?:signals|copies)?{_PER_CELL})?"
    ),
    sink(rf"\b{NUMBER} ?{_CEP17} ?(?:signals|copies){_PER_CELL}?"),
)

# Allred and other scores without a receptor to belong to; runs after the ER/PR rules.
LATE_SINKS = (
    sink(r"\ballred\b[^\n;]{0,30}?\d+(?: ?/ ?8)?"),
    sink(
        r"\b(?:h-? ?score|(?:quick|proportion|intensity|total|combined|cps|tps|gleason)(?: score)?) ?[:=]? ?(?:of )?\d+"
        r"(?: ?[/+] ?\d+)*"
    ),
)
