"""Follow-ups: short messages that only make sense about the conversation's last subject.

``read_follow_up`` says what kind of follow-up a message is; the router answers it about the
``Subject`` (``intents.subject``):

- ``THANKS``: "thanks", "ok", "got it" -> a one-line acknowledgement (no subject needed);
- ``WHY``: "why?", "how come?" -> the reasoning of the last classification, or the whole last answer;
- ``SOURCE``: "source?", "ref?" -> the full references of the last answer;
- ``TRIAL``: "which trial showed that?" -> the subject's fact that cites a trial;
- ``ELLIPSIS``: "and for ultralow?", "what about PR?", "is that the same in 2023?" -> the last question
  asked again about the new thing (``rewrite``), matched against the question bank;
- ``PRONOUN``: "how common is it?", "how are they treated?" (no word of the subject) -> the message with
  the pronoun replaced by the last subject's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["FollowUp", "FollowUpKind", "name_pronoun", "read_follow_up", "rewrite"]


class FollowUpKind(StrEnum):
    THANKS = "thanks"
    WHY = "why"
    SOURCE = "source"
    TRIAL = "trial"
    ELLIPSIS = "ellipsis"
    PRONOUN = "pronoun"


@dataclass(frozen=True, slots=True)
class FollowUp:
    kind: FollowUpKind
    fragment: str = ""


_END = r"\W*$"
_THANKS = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|k|thanks?(?: you)?|thx|ty|cheers|great|perfect|got it|makes sense|cool|nice|"
    r"understood|brilliant|awesome|helpful|very helpful|noted|fab|lovely|appreciated?)(?:[\s,!.]+|$))+"
    r"(?:(?:so )?much|a lot|again|herbot|mate|both)?" + _END,
    re.IGNORECASE,
)
_WHY = re.compile(
    r"^\W*(?:why|how come|why is that|why so|why not|reason|reasoning|explain(?: that| why)?)" + _END, re.I
)
_SOURCE = re.compile(
    r"^\W*(?:(?:what(?:'s| is| are)? (?:the |your )?)?(?:source|sources|ref|refs|reference|references|citation|"
    r"citations|cite)s?(?: (?:pls|please|for that|for this))?|where (?:does|did) (?:that|this) come from|"
    r"according to (?:what|who|whom)|says who)" + _END,
    re.IGNORECASE,
)
_TRIAL = re.compile(
    r"^\W*(?:(?:which|what) (?:trial|study|studies|trials|data|evidence)(?: (?:showed|shows|show|was|is|found|"
    r"proved|supports?)(?: (?:that|this|it))?)?|(?:any|the) (?:trial|evidence|data)(?: for (?:that|this))?|"
    r"based on (?:which|what) (?:trial|study|data))" + _END,
    re.IGNORECASE,
)
_ELLIPSIS = re.compile(
    r"^\W*(?:(?:and|but)(?: (?:what|how) about| for| in| with| if)?|(?:what|how) about|same (?:for|in|with)|"
    r"what if(?: it(?:'s| is| was))?|(?:is|was|does|would|will) (?:that|this)(?: (?:also|still))?)\b[\s,]*"
    r"(?P<rest>.*?)" + _END,
    re.IGNORECASE,
)
_ELLIPSIS_WORDS = 8
_PRONOUN = re.compile(r"\b(?:it|its|this|that|they|them|those|these)\b", re.IGNORECASE)


def read_follow_up(text: str, *, names_subject: bool = False) -> FollowUp | None:
    """The follow-up ``text`` is, or ``None`` for a message that stands on its own.

    ``names_subject`` says the message has a word of herbot's subject of its own, so a pronoun in it does not
    make it a follow-up ("is it HER2-low if IHC is 1+?").
    """
    if _THANKS.match(text):
        return FollowUp(FollowUpKind.THANKS)
    if _WHY.match(text):
        return FollowUp(FollowUpKind.WHY)
    if _SOURCE.match(text):
        return FollowUp(FollowUpKind.SOURCE)
    if _TRIAL.match(text):
        return FollowUp(FollowUpKind.TRIAL)
    ellipsis = _ELLIPSIS.match(text)
    if ellipsis and len(text.split()) <= _ELLIPSIS_WORDS:
        return FollowUp(FollowUpKind.ELLIPSIS, ellipsis["rest"].strip())
    if not names_subject and len(text.split()) <= _ELLIPSIS_WORDS and _PRONOUN.search(text):
        return FollowUp(FollowUpKind.PRONOUN, text)
    return None


def name_pronoun(text: str, name: str) -> str:
    """``text`` with its first pronoun replaced by ``name``.

    >>> name_pronoun("how common is it?", "HER2-low")
    'how common is HER2-low?'
    """
    return _PRONOUN.sub(name, text, count=1)


# Things a follow-up can swap into the last question, by kind: the first matching pattern names it.
_ENTITIES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # HER2 categories, receptors, IHC scores, ISH groups, years, subtypes, probes, trials
        r"\bher2[\s-]*(?:low|ultra[\s-]*low|null|0|zero|positive|negative|pos|neg)\b|\bultra[\s-]*low\b|"
        r"\bnull\b|\bher2\+|\bher2-(?=\s|$)",
        r"\b(?:er|pr|pgr|oestrogen receptor|estrogen receptor|progesterone receptor)\b",
        r"\b(?:ihc\s*)?[0-3]\+|\bihc\s*0\b",
        r"\bgroups?\s*[1-5]\b",
        r"\b(?:19|20)\d\d\b",
        r"\b(?:tnbc|triple[\s-]*negative|hr\+|hr[\s-]*positive|hr-positive|luminal)\b",
        r"\b(?:single[\s-]*probe|dual[\s-]*probe)\b",
        r"\bdestiny[\s-]*breast[\s-]*0?\d\b|\bdb-?0?\d\b|\bkeynote[\s-]*\d+\b",
    )
)


def rewrite(question: str, fragment: str) -> str:
    """``question`` asked about what ``fragment`` names: each thing in the fragment replaces the thing of its kind
    in the question, or is added when the question has none.

    >>> rewrite("Is HER2-low an ASCO/CAP category?", "ultralow")
    'Is ultralow an ASCO/CAP category?'
    >>> rewrite("What counts as ER-low positive?", "PR")
    'What counts as PR-low positive?'
    >>> rewrite("Which ratio cut-off did ASCO/CAP set in 2018?", "the same in 2007")
    'Which ratio cut-off did ASCO/CAP set in 2007?'
    >>> rewrite("What is HER2-low?", "in triple-negative")
    'What is HER2-low? in triple-negative'
    """
    rewritten, append = question, False
    for pattern in _ENTITIES:
        found = pattern.search(fragment)
        if found is None:
            continue
        spot = pattern.search(rewritten)
        if spot is not None:
            rewritten = rewritten[: spot.start()] + found.group(0) + rewritten[spot.end() :]
        else:
            append = True
    if append or rewritten == question:
        rewritten = f"{rewritten} {fragment}"
    return rewritten.strip()
