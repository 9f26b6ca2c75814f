"""Is a message asking for a treatment, dose or decision for a particular patient?

herbot explains; it never gives a patient-specific order (DESIGN.md, Safety). A message is
patient-specific, even when it also reports values or carries identifiers, when:

1. a clinician asks what they themselves should give ("which drug should I prescribe"); or
2. it is about someone (a patient: "my pt", "Mrs X", "MRN 1234567", "bed 12", an age or a weight;
   a pronoun: "for her", "should she", "his dose") *and* asks to decide, start, give, dose, stop,
   choose between treatments or say what comes next; or
3. it reports a case (values such as "IHC 3+ ER neg", or a treatment history such as "progressed
   on AI + palbo", "2nd line") *and* asks to choose between named treatments ("TCHP or T-DXd?",
   "cape vs T-DXd?"), to sequence them ("T-DXd then SG?", "Enhertu next?") or whether to start
   one ("start Enhertu?"). A bare "what next?" counts after a treatment history only: after values
   alone it may ask for the next test.

General questions are not, even when they carry values or drug names: values named as a group
("tx options for HR+ HER2-low?", "T-DXd or chemo in HER2-low?"), eligibility of a category
("is IHC 1+ eligible for T-DXd?"), trial doses ("what dose was used in DB04?"), comparisons
without a case ("anastrozole vs letrozole"), questions about a setting ("what next after progression
on T-DXd?") and groups ("HER2-low pts"). "HER2", "HER family" and "HER-negative" are not "her".

>>> is_patient_specific("my pt is her2-low, start enhertu?")
True
>>> is_patient_specific("ihc 3+ er neg - tchp or straight to t-dxd?")
True
>>> is_patient_specific("tx options for hr+ her2-low?"), is_patient_specific("how is her2-low treated?")
(False, False)
"""

from __future__ import annotations

import re

__all__ = ["is_patient_specific"]

# Treatments by generic name, brand and the abbreviations clinicians type, and the kinds of treatment.
_TREATMENT = (
    r"(?:t-?dxd|t-?dm1|enhertu|kadcyla|trastuzumab(?: deruxtecan| emtansine)?|herceptin|pertuzumab|perjeta|phesgo|"
    r"tchp|thp|tch|ac|ec|ddac|fec|tc|pacli\w*|taxol|doce\w*|taxotere|taxanes?|abraxane|carbo(?:platin)?|cisplatin|"
    r"platinum|cape|capecitabine|xeloda|eribulin|halaven|vinorelbine|gemcitabine|sg|sacituzumab(?: govitecan)?|"
    r"trodelvy|dato-?dxd|datopotamab|pembro(?:lizumab)?|keytruda|atezo(?:lizumab)?|olaparib|lynparza|talazoparib|"
    r"tucatinib|tukysa|neratinib|nerlynx|lapatinib|palbo(?:ciclib)?|ibrance|ribo(?:ciclib)?|kisqali|abema(?:ciclib)?|"
    r"verzenio|cdk ?4/6 ?i?(?: inhibitors?)?|letrozole|femara|anastrozole|arimidex|exemestane|aromasin|ais?|tam|"
    r"(?:an )?aromatase inhibitors?|endocrine tx|hormone therapy|hormonal therapy|"
    r"tamoxifen|fulv|fulvestrant|faslodex|elacestrant|orserdu|capivasertib|truqap|alpelisib|piqray|everolimus|ofs|"
    r"goserelin|zoladex|endocrine(?: therapy)?|et|chemo(?:therapy)?|immunotherapy|surgery|mastectomy|rt|radiotherapy|"
    r"neoadj(?:uvant)?|adj(?:uvant)?)"
)
# Someone in particular: a patient, an identifier, a pronoun, an age or a weight.
_PERSON = re.compile(
    # "my pt", "this lady", "my TNBC lady"; "pt" alone, but not "pts" (a group: "should HER2-low pts get T-DXd?").
    r"\b(?:my|our|this|that|the same) (?:[\w+/-]+ ){0,3}?(?:patient|pt|lady|woman|man|gentleman|gent|guy|client|girl|"
    r"case)s?\b"
    r"|\bpt'?s?\b(?<!\bpts)|\b(?:lady|gentleman|gent)\b"
    # Identifiers: titles with a name, record numbers, beds.
    r"|\b(?:mrs|mr|ms|miss|mx)\.? [a-z]+|\b(?:mrn|nhs (?:no|number)|hosp(?:ital)? (?:no|number)|dob|d\.o\.b)\b"
    r"|\b(?:bed|room|bay|subject|participant) #?\d+"
    # Pronouns. "her" only as a word that is not the receptor: "HER family", "HER-negative", "her2" are not her.
    r"|\b(?:she|shes|he|him|his)\b"
    r"|\bher\b(?![\s-]*(?:2|ii|family|fam|receptors?|proteins?|neg\w*|pos\w*|low|ultra\w*|zero|[0134])\b|\s?[+-](?!\w))"
    # Ages ("58yo", "45F", "F/45", "aged 70", "an 80 yr old"; not "24m", months) and weights ("70kg", not "mg/kg").
    r"|\b\d{2,3} ?(?:yo|y/o|y\.o\.?|yrs? old|years? old|-?years?-old|-?yr-old)(?!\w)"
    r"|\b\d{2} ?f\b|\b[fm] ?/ ?\d{2}\b|\baged? \d{2}\b"
    r"|\b\d{2,3} ?kgs?\b|\bweighs\b"
)


def _words(alternatives: str) -> tuple[str, ...]:
    return tuple(word for word in alternatives.split("|") if word)


# Asking for an order for that someone: decide / start / give / dose / stop / switch, eligibility, what next.
# Each branch with the words one of which every match contains (None: always searched), so a long text skips the
# branches it cannot match: searching them all costs ~0.4 ms per KB. tests/test_patient_needs.py checks the words
# against what each pattern needs (intents.extraction._needs).
_ORDER_BRANCHES: tuple[tuple[tuple[str, ...] | None, re.Pattern[str]], ...] = tuple(
    (needs, re.compile(pattern))
    for needs, pattern in (
        (
            _words("get|have|receive|start|give|prescribe|use|add|stop|switch|continue|go |be on|try|offer|administer|")
            + _words("initiate|change |hold|reduce|drop|benefit|need|treat|pick|choose|select|enrol"),
            r"\b(?:should|shld|shud|shall|can|could|may|must|do|does|did|would|will)\b.{0,40}?\b(?:get|have|receive|"
            r"start|give|be given|be started|prescribe|use|add|stop|switch|continue|go on|go with|be on|try|offer|"
            r"administer|initiate|change (?:to|her|him|tx|treatment|regimen)|hold|restart|reduce|drop|benefit|need|"
            r"treat|pick|choose|select|enrol|enroll)\b",
        ),
        (
            _words("start|prescrib|administer|initiate|hold|stop|switch|reduc|drop|escalate|continue|carry on|")
            + _words("challenge|resume|treat|skip|omit|forgo|biopsy|enrol"),
            r"\b(?:start|starting|prescribe|prescribing|administer|initiate|hold|holding|stop|stopping|switch|switching|"
            r"reduce|reducing|drop|escalate|de-?escalate|continue|carry on|rechallenge|re-?challenge|resume|re-?treat|"
            r"skip|omit|forgo|rebiopsy|re-?biopsy|enrol|enroll|enrolling)\b",
        ),
        (("yes or no",), r"\byes or no\b"),
        (
            ("dos", "how much", "how many mg", "mg", "auc"),
            r"\bdos(?:e|es|ing|age)\b|\bhow (?:much|many mg)\b|\d ?mg\b|\bmg(?:/kg|/m2)?\b|\bauc\b",
        ),
        (
            (
                "eligible",
                "candidate",
                "qualif",
                "suitable",
                "fit for",
                "ok for",
                "okay for",
                "recommend",
                "decide",
                "decision",
            ),
            r"\b(?:eligible|candidate|qualif(?:y|ies)|suitable|fit for|ok for|okay for)\b"
            r"|\brecommend\b|\bdecide\b|\bdecision\b",
        ),
        (
            ("which ", "what "),
            r"\b(?:which|what) (?:drug|dose|chemo|treatment|regimen|therapy|medication|med|agent|tx)\b",
        ),
        # "Keytruda for my lady", "neoadj or not?", "600 or 400 for her?", "Kisqali + Femara ok?", a bare "TCHP?"
        ((" for ",), rf"\b{_TREATMENT} for (?:my|our|this|that|her|him)\b"),
        (("or not", " or "), r"\bor not\b|\b\d+(?: ?[a-z/]+)? or \d+"),
        (("ok", "reasonable", "appropriate"), r"\b(?:ok|okay|reasonable|appropriate)\s*\?"),
        # "is T-DXd reasonable for her", "is she too frail for trastuzumab"
        (
            (" for ",),
            r"\b(?:ok|okay|reasonable|appropriate|right|indicated|safe|suitable) for (?:her|him|my|our|this|that)\b",
        ),
        (("too ", "fit enough"), r"\btoo (?:frail|old|sick|unwell|weak)\b|\bfit enough\b"),
        (("?",), rf"\b{_TREATMENT}\s*\?"),
    )
)
# A clinician asking what to give, with no patient named: "which drug should I prescribe".
_SELF_ORDER = re.compile(
    r"\b(?:should|shall|can|could|may|must) (?:i|we)\b.{0,30}?\b(?:give|start|prescribe|administer|initiate|dose|"
    r"switch|stop|put)\b"
    r"|\bwhat should (?:i|we) (?:give|prescribe|start|use)\b"
    r"|\b(?:which|what) (?:drug|dose|chemo|treatment|regimen|therapy|medication|med|agent)s? "
    r"(?:should|shall) (?:i|we)\b"
    r"|\bhow (?:much|many mg)\b.{0,40}\b(?:should|do) (?:i|we)\b"
    r"|\bwhat dose should\b"
)

# What the message asks about treatments: a choice between two, a sequence, the next step, whether to start one.
_DECISION_BRANCHES: tuple[tuple[tuple[str, ...] | None, re.Pattern[str]], ...] = tuple(
    (needs, re.compile(pattern))
    for needs, pattern in (
        # "TCHP or straight to T-DXd", "letrozole + ribo or letrozole alone"; "cape vs T-DXd?" only as a question,
        # since "enhertu vs chemo her2 low" is a comparison.
        (
            ("or", "vs", "versus"),
            rf"\b{_TREATMENT}\b(?: ?\+ ?[\w-]+)?(?: \w+){{0,2}}? (?:or|(?:vs\.?|versus)(?=[^.!]*\?))(?: \w+){{0,3}}? ?"
            rf"\b{_TREATMENT}\b",
        ),
        # "T-DXd then SG", "SG or T-DXd first?", "Enhertu next?"
        (("then",), rf"\b{_TREATMENT}\b.{{0,25}}?\bthen\b.{{0,20}}?\b{_TREATMENT}\b"),
        ((" first", " next"), rf"\b{_TREATMENT}(?: \w+)?? (?:first|next)\b"),
        # "start Enhertu?", "go with T-DXd?"
        (
            _words("start|give|use|add|try|go |switch to|move "),
            r"\b(?:start|give|use|add|try|go (?:with|for|straight to|ahead with)|switch to|move (?:on )?to)"
            rf"(?: [\w-]+){{0,2}}? {_TREATMENT}\b",
        ),
        # A question that is only treatments, after the report: "... - TCHP?", "..., Kisqali + Femara ok?"
        (("?",), rf"(?:^|[,;:.]| -+|->) ?{_TREATMENT}(?: ?(?:\+|/|and) ?{_TREATMENT})*(?: ok| okay)? ?\?"),
        (
            ("which ", "what "),
            r"\b(?:which|what) (?:chemo|drug|regimen|treatment|tx|agent)\b(?! (?:is|are|was|were|did|does|do)\b)",
        ),
    )
)
# "What next?" names no treatment: about a patient or after a treatment history it is one, but after values alone
# it may be the next test ("what next with IHC 2+ FISH ratio 1.4").
_NEXT = re.compile(r"\bwhat'?s? next\b|\bnext (?:line|step)\b|\bnext\s*\?|\b(?:now|then) what\b|\bwhat now\b")
# Values reported for a case: IHC scores, receptor calls and percentages, ISH results.
_REPORTED = re.compile(
    r"\bihc ?[0-3]\b|\b[0-3] ?\+(?!\w)"
    r"|\b(?:er|pr|pgr|hr)(?: ?[+-]| ?pos\w*| ?neg\w*| ?\d{1,3}\b| low\b)"
    r"|\bher2(?: ?[+-]|[\s-]*(?:pos\w*|neg\w*|low|ultra-?low|zero|0|[0-3] ?\+|amp\w*))"
    r"|\b(?:fish|ish|sish|cish|ddish)(?: ?[+-]| ?pos\w*| ?neg\w*| ?non-?amp\w*| ?amp\w*)"
    r"|\bratio \d|\bcop(?:y|ies)(?: number)? ?#? ?\d"
)
# A treatment history that makes a case even without values: "progressed on AI + palbo", "3rd line". "After
# progression on CDK4/6i" is a setting, as general questions put it ("options after progression on CDK4/6i?").
_HISTORY = re.compile(
    r"\b(?:progressing|intolerant|failed)(?: \w+)? (?:on|to|with|after)\b|\b(?:progressed|relapsed|recurred)\b"
    r"|\b(?:now|currently|been) on\b"
    # A later line implies earlier ones; "first line" is a setting, not a history.
    r"|\b(?:2nd|3rd|[4-9]th|second|third|fourth|fifth|later)[\s-]+line\b"
)
# Values named as a group, not reported: "for HR+ HER2-low", "in HER2-low", "with ER+ disease".
_GROUP_BEFORE = re.compile(r"\b(?:for|in|among|across|of|about|with)(?: [\w+/%-]+){0,2} $")
# A question framed as general outright.
_GENERAL = re.compile(r"\bin general\b|\bgenerally\b|\bin principle\b|\btypically\b|\busually\b")


def is_patient_specific(text: str) -> bool:
    """True when normalised ``text`` asks for a treatment, dose or decision for a particular patient."""
    if _SELF_ORDER.search(text):
        return True
    # The decision phrasings are the costliest on a long text (~0.3 ms per KB): search them once.
    decision: bool | None = None
    if _PERSON.search(text):
        if _any_of(_ORDER_BRANCHES, text):
            return True
        decision = _any_of(_DECISION_BRANCHES, text)
        if decision or _NEXT.search(text):
            return True
    if _GENERAL.search(text):
        return False
    history = bool(_HISTORY.search(text))
    if decision is None:
        decision = _any_of(_DECISION_BRANCHES, text)
    asks = decision or (history and _NEXT.search(text))
    return bool(asks) and (history or _reports_values(text))


def _any_of(branches: tuple[tuple[tuple[str, ...] | None, re.Pattern[str]], ...], text: str) -> bool:
    """True when one of ``branches`` matches ``text``, searching only those whose needed words it holds."""
    for needs, pattern in branches:
        if (needs is None or any(word in text for word in needs)) and pattern.search(text):
            return True
    return False


def _reports_values(text: str) -> bool:
    """True when ``text`` reports values of a case, not only values that name a group ("for HR+ HER2-low")."""
    return any(not _GROUP_BEFORE.search(text[: m.start()]) for m in _REPORTED.finditer(text))
