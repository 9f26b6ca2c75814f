"""Does a message use any word of herbot's subject: HER2, breast cancer, its receptors, tests and drugs?

A topic answer needs at least one such word. Without one, "migraine treatment options" or
"what time is it" would go to whichever topic shares the most generic words, so the detector
calls them out of scope instead. The lexicon is deliberately specific: generic words that other
medicine shares ("treatment", "survival", "test", "score") are not in it.

Typos are tolerated: a word of five letters or more matches a known whole word at one edit
(insertion, deletion, substitution or swap of neighbours), so "tripple", "enhurtu" and
"prevalance" count.

>>> mentions_topic("tripple neg treatmnt"), mentions_topic("migraine treatment options")
(True, False)
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from intents.detection.features import words

__all__ = ["SPELLINGS", "mentions_topic", "within_one_edit"]


def _lexicon(block: str) -> tuple[str, ...]:
    return tuple(block.split())


# Whole words (short ones would match too much as prefixes).
_WORDS = frozenset(
    _lexicon(
        """
        her her1 her2 her3 her4 her2+ her2- neu bc tnbc er er+ er- pr pr+ pr- hr hr+ hr- pgr
        ihc ish fish sish cish fsh cep17 4b5 zero null lo low 0 1+ 2+ 3+ neg pos mets met
        adc adcs ild tdxd dxd dm1 thp tchp pcr cps l1 db03 db04 db06 cdk cdk4 cdk46 palbo ribo abema
        trop esr1 pik3ca brca brca1 brca2
        """
    )
)
# Prefixes: any word starting with one of these belongs to the subject.
_STEMS = _lexicon(
    """
    erbb egfr her2 breast cancer tumour tumor carcinom malignan oncolog triple negat posit ultralow ultra
    hormon receptor estrogen oestrogen progesteron luminal basal allred immunohisto stain membran hybridi
    probe amplif copy signal ratio recount retest rebiops biops specimen patholog recurren relaps metasta
    conversion discordan prevalen prognos subtype equivocal overexpress dimer tyrosine kinase ligand oncogene
    chemo immunother endocrin therap enhertu trastuzumab deruxtecan hercep pertuzumab perjeta phesgo kadcyla
    emtansine tucatinib lapatinib neratinib pembro keytruda sacituzumab govitecan trodelvy olaparib
    capecitabine carboplatin platinum palbociclib ribociclib abemaciclib ibrance kisqali verzenio letrozole
    anastrozole exemestane tamoxifen fulvestrant aromatase elacestrant capivasertib alpelisib datopotamab
    destiny keynote ascent cleopatra paloma monarch monaleesa katherine pneumonitis cardiotox neoadjuvant
    adjuvant
    """
)
# Whole words a misspelling is matched to, at one edit: full forms only, so a correction is a real word.
# The last line's words help the classifier but are not words of the subject on their own.
_GENERAL_SPELLINGS = _lexicon("treatment treated survival outlook aggressive common frequency percentage family define")
SPELLINGS = tuple(
    sorted(
        {word for word in (*_WORDS, *_STEMS) if word.isalpha() and len(word) >= 5}
        | set(
            _lexicon(
                """
                negative positive prevalence prognosis prognostic metastatic metastasis recurrence relapse biopsy
                hormone hormonal receptors progesterone amplified amplification pathology pathologist chemotherapy
                therapy endocrine immunotherapy immunohistochemistry hybridisation hybridization discordance
                tumours cancers carcinoma staining membrane retesting herceptin definition meaning lesson teach
                """
            )
        )
        | set(_GENERAL_SPELLINGS)
    )
)
_SUBJECT_SPELLINGS = frozenset(SPELLINGS) - set(_GENERAL_SPELLINGS) - set(_lexicon("definition meaning lesson teach"))


def mentions_topic(text: str) -> bool:
    """True when normalised ``text`` has a word of herbot's subject (see the module docstring)."""
    return any(_is_topic_word(word) for word in words(text))


def _is_topic_word(word: str) -> bool:
    if word in _WORDS or word.startswith(_STEMS):
        return True
    if len(word) < 5:
        return False
    nearby = {known for key in _with_one_deleted(word) for known in _SUBJECT_BY_DELETION.get(key, ())}
    return any(within_one_edit(word, known) for known in nearby)


def _with_one_deleted(word: str) -> set[str]:
    """``word`` and every string one letter shorter: two words one edit apart always share one of them."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _by_deletion(spellings: frozenset[str]) -> Mapping[str, tuple[str, ...]]:
    """Each spelling under itself and under every string one letter shorter (SymSpell's "symmetric delete")."""
    table: dict[str, list[str]] = {}
    for spelling in sorted(spellings):
        for key in _with_one_deleted(spelling):
            table.setdefault(key, []).append(spelling)
    return MappingProxyType({key: tuple(found) for key, found in table.items()})


# Built once at import, under a millisecond; read-only. A word is compared only with the spellings it shares a key with.
_SUBJECT_BY_DELETION = _by_deletion(_SUBJECT_SPELLINGS)


def within_one_edit(first: str, second: str) -> bool:
    """True when ``first`` becomes ``second`` by at most one insertion, deletion, substitution or swap."""
    if abs(len(first) - len(second)) > 1:
        return False
    if first == second:
        return True
    if len(first) == len(second):
        diffs = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and first[diffs[0]] == second[diffs[1]]
            and first[diffs[1]] == second[diffs[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    i = next((k for k, (a, b) in enumerate(zip(shorter, longer, strict=False)) if a != b), len(shorter))
    return shorter[i:] == longer[i + 1 :]
