"""The shape of the knowledge files, checked as they load: an unknown or misspelt key is an error.

msgspec validates each parsed YAML document against these structs (``forbid_unknown_fields``), so a
``caveat:`` for ``caveats:`` fails the load, and the build, instead of silently dropping a statement.
Report values in checks stay text exactly as a report gives them (YAML reads 2.0 as a float).
"""

from __future__ import annotations

from typing import Literal, TypeVar

import msgspec

__all__ = [
    "AskEntry",
    "CaseEntry",
    "CaseFile",
    "CheckEntry",
    "ClaimEntry",
    "CurriculumFile",
    "KnowledgeFileError",
    "LessonEntry",
    "OptionEntry",
    "OutcomeEntry",
    "QuestionEntry",
    "QuestionFile",
    "QuizEntry",
    "QuizFile",
    "SourceEntry",
    "TopicEntry",
    "parse",
]


_Entry = TypeVar("_Entry")


class KnowledgeFileError(ValueError):
    """A knowledge file that does not match its schema; the message names the file and the key."""


class _Strict(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class CheckEntry(_Strict):
    values: dict[str, str]
    her2_status: str | None = None
    her2_category: str | None = None
    ish_group: int | None = None
    subtype: str | None = None


class ClaimEntry(_Strict):
    text: str
    sources: tuple[str, ...]
    id: str | None = None
    assumed: str | None = None
    checks: tuple[CheckEntry, ...] = ()


class TopicEntry(_Strict):
    id: str
    title: str
    headline: ClaimEntry
    points: tuple[ClaimEntry, ...]
    intent: str | None = None
    keywords: tuple[str, ...] = ()
    more: tuple[ClaimEntry, ...] = ()
    caveats: tuple[ClaimEntry, ...] = ()
    facts: tuple[ClaimEntry, ...] = ()
    follow_ups: tuple[str, ...] = ()


class QuestionEntry(_Strict):
    id: str
    intent: str
    ask: str
    phrasings: tuple[str, ...]
    answer: tuple[str, ...]
    points: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    # YAML reads a bare yes / no as a boolean: both spellings are accepted.
    verdict: Literal["yes", "no", "not-by-itself"] | bool | None = None


class QuestionFile(_Strict):
    topic: str
    questions: tuple[QuestionEntry, ...]


class SourceEntry(_Strict):
    id: str
    kind: str
    short: str
    citation: str
    title: str = ""
    authors: str | None = None
    publisher: str | None = None
    year: int | None = None
    date: str | None = None
    version: str | None = None
    doi: str | None = None
    url: str | None = None
    verification: str = "V"
    unverified: str | None = None


# The curriculum (data/curriculum.yaml), the quiz bank (data/quiz/<lesson id>.yaml) and the case questions the
# engine answers (data/case-questions.yaml). A statement is a fact id (``str``) wherever a fact says it, so a number
# lives in one fact; a ``ClaimEntry`` only where no fact holds the sentence.
Statement = str | ClaimEntry


class LessonEntry(_Strict):
    id: str
    title: str
    topics: tuple[str, ...]
    headline: Statement
    points: tuple[Statement, ...]
    check: str
    names: tuple[str, ...] = ()


class CurriculumFile(_Strict):
    lessons: tuple[LessonEntry, ...]


class OptionEntry(_Strict):
    id: str
    label: str
    why: Statement


class QuizEntry(_Strict):
    id: str
    topic: str
    prompt: str
    options: tuple[OptionEntry, ...]
    answer: str


class QuizFile(_Strict):
    lesson: str
    questions: tuple[QuizEntry, ...]


class OutcomeEntry(_Strict):
    label: str
    # The rule an outcome needs, shown when someone picks it for a case the engine puts elsewhere.
    excluded: Statement


class AskEntry(_Strict):
    prompt: str
    outcomes: dict[str, OutcomeEntry]


class CaseEntry(_Strict):
    id: str
    lesson: str
    topic: str
    ask: Literal["her2-status", "her2-category", "ish-group", "subtype"]
    case: str
    values: dict[str, str]
    expect: str
    distractors: tuple[str, ...]


class CaseFile(_Strict):
    asks: dict[str, AskEntry]
    cases: tuple[CaseEntry, ...]


def parse(document: object, schema: type[_Entry], *, name: str) -> _Entry:
    """``document`` (parsed YAML) as ``schema``; a ``KnowledgeFileError`` naming ``name`` and the key if not."""
    try:
        return msgspec.convert(document, type=schema, strict=True)
    except msgspec.ValidationError as error:
        raise KnowledgeFileError(f"{name}: {error}") from None
