"""The terms a question is matched on: normalised words, one name per drug, test and category, no filler.

Matching a message to a question-bank entry compares words, so misspelt subject words are corrected
("tripel", "treatmnt"; ``spelling.py``), words that mean the same thing get one name ("tx" and "treated"
are ``treat``; "enhertu", "t-dxd" and "trastuzumab deruxtecan" are ``tdxd``; "fish" and "ish" are ``ish``),
a receptor's percentage becomes the band that decides its reading ("ER 0.5%" is ``erbelow1``), short
function words are dropped, and a plural ``s`` is cut. Word bigrams of the remaining terms are added
(``her2_low``), so "HER2-low" and "low HER2 expression" stay apart from "low" alone.

>>> question_terms("What's the tx for HER2-low? (Enhertu)")
['what', 'treat', 'her2', 'low', 'tdxd', 'what_treat', 'treat_her2', 'her2_low', 'low_tdxd']
>>> canonical_words("is er low basically tnbc?? HER2+ vs her2-negative")
['er', 'low', 'basically', 'tnbc', 'her2', 'pos', 'vs', 'her2', 'neg']
>>> canonical_words("ER 0.5% - er-low? and 12 percent PgR")
['er', 'erbelow1', 'er', 'low', 'pr', 'prabove10']
"""

from __future__ import annotations

import re
from itertools import pairwise

from intents.detection.domain import SPELLINGS
from intents.detection.features import words
from intents.detection.normalise import normalise
from intents.detection.spelling import correct_spelling

__all__ = ["STOPWORDS", "canonical_words", "question_terms", "terms_of"]

# Words that carry no subject: articles, pronouns, auxiliaries, prepositions. Question words ("what",
# "how", "when", "why", "which") and negations ("not", "no") stay: they separate neighbouring questions.
STOPWORDS = frozenset(
    """
    a an the this that these those it its it's is are was were be been being am do does did doing done
    i me my we our us you your u ur he she her his they them their there here of for to in on at by with
    from as into about than then so and or but if just also any some such can could would should will shall
    may might must have has had having pls please thanks thx hi hey hello team anyone someone guys
    s re ve ll d m what's whats
    """.split()
)
# One spelling per concept; a value of None drops the word.
_SYNONYMS = {
    "tx": "treat",
    "treatment": "treat",
    "treatments": "treat",
    "treated": "treat",
    "treating": "treat",
    "therapy": "treat",
    "therapies": "treat",
    "rx": "treat",
    "enhertu": "tdxd",
    "deruxtecan": "tdxd",
    "dxd": "tdxd",
    "kadcyla": "tdm1",
    "emtansine": "tdm1",
    "dm1": "tdm1",
    "herceptin": "trastuzumab",
    "perjeta": "pertuzumab",
    "fish": "ish",
    "sish": "ish",
    "cish": "ish",
    "ddish": "ish",
    "hybridisation": "ish",
    "hybridization": "ish",
    "immunohistochemistry": "ihc",
    "negative": "neg",
    "ve": None,
    "positive": "pos",
    "ultra": "ultra",
    "mets": "metastatic",
    "metastases": "metastatic",
    "metastasis": "metastatic",
    "mbc": "metastatic",
    "triple": "triple",
    "tnbc": "tnbc",
    "prevalence": "common",
    "frequency": "common",
    "incidence": "common",
    "percentage": "percent",
    "pgr": "pr",
    "progesterone": "pr",
    "estrogen": "er",
    "oestrogen": "er",
    "threshold": "cutoff",
    "cutpoint": "cutoff",
    "lo": "low",
    "zero": "0",
    "recurrence": "recur",
    "recurrences": "recur",
    "recurs": "recur",
    "recurred": "recur",
    "recurring": "recur",
    "recurrent": "recur",
    "relapse": "recur",
    "relapsed": "recur",
    "relapses": "recur",
    "meaning": "mean",
    "means": "mean",
    "define": "mean",
    "definition": "mean",
    "defined": "mean",
    "retest": "retest",
    "retesting": "retest",
    "repeat": "retest",
    "repeated": "retest",
    "outlook": "prognosis",
    "survival": "prognosis",
    "prognostic": "prognosis",
}
# "t-dxd", "t-dm1", "er-low", "her2-0": joined names, as one word, before the words are split.
_JOINED = (
    (re.compile(r"\bt-?dxd\b|\btrastuzumab deruxtecan\b|\bfam-trastuzumab\b"), "tdxd"),
    (re.compile(r"\bt-?dm-?1\b|\btrastuzumab emtansine\b|\bado-trastuzumab\b"), "tdm1"),
    (re.compile(r"\bultra[\s-]low\b"), "ultralow"),
    (re.compile(r"\bc-?erb-?b-?2\b|\berbb-?2\b"), "her2"),
    (re.compile(r"\bher2neu\b|\bher2/neu\b"), "her2"),
    (re.compile(r"\bdestiny[\s-]?breast[\s-]?0?(\d)\b|\bdb[\s-]?0?(\d)\b"), r"db0\1\2"),
    (re.compile(r"\bkeynote[\s-]?(\d+)\b"), r"keynote\1"),
    (re.compile(r"\bcdk\s?4/6i?\b"), "cdk46"),
    (re.compile(r"\bhormone receptors?\b"), "hr"),
    (re.compile(r"\btriple[\s-]neg\w*\b"), "tnbc"),
    (re.compile(r"\bcut[\s-]?off\b|\bcut[\s-]?point\b"), "cutoff"),
    (re.compile(r"\b(\d+)\.(\d+)\b"), r"\1p\2"),
)
# "ER 11%", "PR 0.5 percent", "5% ER": a receptor's percentage, named by the band that decides its reading
# (ASCO/CAP ER/PR 2020: < 1% negative, 1-10% low positive, > 10% positive), beside the receptor and number.
_RECEPTOR_PERCENT = re.compile(
    r"\b(?P<r1>er|pr|pgr)\s*(?:of|at|=|:|is)?\s*(?P<v1>\d+(?:\.\d+)?)\s*(?:%|percent\b)?"
    r"|\b(?P<v2>\d+(?:\.\d+)?)\s*(?:%|percent\b)\s*(?:of\s+)?(?:cells\s+)?(?P<r2>er|pr|pgr)\b"
)
# Subject words are kept as they are; other long words one edit from one of them are corrected to it.
_SUBJECT_WORDS = frozenset(SPELLINGS)
_PLURAL = re.compile(r"(?<=[a-z]{3})(?<![siu])s$")


def canonical_words(text: str) -> list[str]:
    """The normalised words of ``text`` with synonyms joined and function words dropped."""
    cleaned = correct_spelling(_RECEPTOR_PERCENT.sub(_percent_band, normalise(text)), _SUBJECT_WORDS)
    for pattern, name in _JOINED:
        cleaned = pattern.sub(name, cleaned)
    result = []
    for word in words(cleaned):
        if word == "?" or word in STOPWORDS:
            continue
        sign = None
        if word.endswith(("+", "-")) and not word[0].isdigit():
            sign = "pos" if word.endswith("+") else "neg"
            word = word.rstrip("+-")
        name = _SYNONYMS.get(word, _PLURAL.sub("", word))
        result += [term for term in (name, sign) if term]
    return result


def _percent_band(match: re.Match[str]) -> str:
    receptor = "pr" if (match["r1"] or match["r2"]) in ("pr", "pgr") else "er"
    value = float(match["v1"] or match["v2"])
    if value < 1 or value > 10:
        band = "below1" if value < 1 else "above10"
    else:
        band = "at1" if value == 1 else "at10" if value == 10 else "low"
    return f" {receptor} {receptor}{band} "


def question_terms(text: str) -> list[str]:
    """The terms of ``text`` for question matching: canonical words and their bigrams (see the module docstring)."""
    return terms_of(canonical_words(text))


def terms_of(words: list[str]) -> list[str]:
    """``question_terms`` of a text whose ``canonical_words`` are ``words``."""
    return [*words, *(f"{first}_{second}" for first, second in pairwise(words))]
