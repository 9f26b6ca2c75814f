"""Which question-bank entry a message asks: BM25 over each entry's phrasings and its ask, or None.

``QuestionMatcher.match`` ranks the bank's entries for a message and returns the first with the runner-up,
or None below ``MATCH_THRESHOLD`` or off the subject: the router then answers from the topic, or asks a
clarifying question. ``intent=`` limits the match to one intent's entries. Build it once with
``load_question_matcher(knowledge.questions)``: it reads the index ``herbot train`` wrote (about 4 ms;
building it from the bank takes about 80 ms), or builds it when the bank changed since.

**Method** (``herbot eval --questions`` reruns this). 5-fold cross-validation on the bank's own phrasings,
each fold holding out a fifth of every entry's phrasings and training on the rest and every ``ask``
(``question_cv.py``); 323 entries, 1,390 held-out phrasings; top-1 / top-3 accuracy:

==================  =====  =====
method              top-1  top-3
==================  =====  =====
bm25-entry-ask      0.451  0.692   chosen: BM25 per entry, plus 2 x BM25 over the entry's ask alone
bm25-entry          0.394  0.647   BM25, one document per entry
bm25-phrasing       0.323  0.573   BM25, one document per phrasing, an entry scores its best
tfidf-perceptron    0.282  0.473   the detector's averaged perceptron over TF-IDF, one class per entry
blend               0.260  0.505   mean of bm25-phrasing and tfidf-nearest confidences
tfidf-nearest       0.206  0.415   cosine nearest phrasing over the detector's TF-IDF features
==================  =====  =====

The bank's phrasings are written to be hard: neighbouring entries differ by one value or one word ("Is ER
10% ER-low?" / "Is ER 11% still ER-low?"), so cross-validated top-1 is low for every method. On messages
written as clinicians ask (``intents/data/eval/answers.yaml``, 123 with an entry) the chosen method ranks the
right entry first for 109 (89 %), 116 (94 %) within the right intent. BM25 is pure Python (``bm25.py``):
``bm25s`` needs NumPy, whose import alone costs about twice Jinja2's, on every start.

**Threshold.** The confidence (score over the most the message could score, ``Bm25Index.ceiling``) tells
right from wrong poorly: area under the ROC curve 0.59 in cross-validation, also counting the phrasings of
entries held out whole (which no entry answers). As the threshold rises from 0.05 to 0.3 the share of
cross-validated phrasings answered falls from 99.6 % to 15 % while the share of those answered rightly
only rises from 45 % to 72 %. So ``MATCH_THRESHOLD`` only drops messages that share almost nothing with
an entry; raising it to 0.3 left most messages to the topic fallback and cut answer accuracy on the
held-out set from 0.72 to 0.40.

**Intent.** Measured on the held-out set (intent accuracy / answer accuracy, matcher at threshold 0.05):
the classifier's intent limits the match (``match(text, intent=guess.intent)``, the intent stays the
classifier's): 0.942 / 0.715; the best entry of any intent, its intent winning: 0.722 / 0.605; limiting
only when the classifier is at least 0.8 sure: 0.890 / 0.688. So the classifier's intent wins and the
match stays within it; within it, a message that says nothing beyond the intent's overview entry asks that
entry (``GENERAL_WORDS``). A message that reports values has no classifier intent; its match, across all
intents, must also hold on the message's words alone (``OPEN_THRESHOLD``).

>>> from bot.engine.questions import Question
>>> bank = [Question("low", "t", "define-her2-low", "What is HER2-low?", ("her2 low meaning",), ("f",)),
...         Question("erlow", "t", "define-er-low", "What is ER-low?", ("er low meaning",), ("f",))]
>>> matcher = QuestionMatcher.from_questions(bank)
>>> match = matcher.match("what does her2-low mean")
>>> match.question_id, str(match.intent), match.runner_up
('low', 'define-her2-low', 'erlow')
>>> matcher.match("anyone up for lunch 12:30") is None
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType

from bot.engine.questions import Question
from intents.catalog import QUESTIONS, Intent
from intents.detection.bm25 import read_index, write_index
from intents.detection.domain import mentions_topic
from intents.detection.normalise import normalise
from intents.detection.question_rankers import ASK_WEIGHT, Bm25Ranker, Ranked, entry_documents
from intents.detection.question_terms import canonical_words, question_terms, terms_of

__all__ = [
    "MATCH_THRESHOLD",
    "OPEN_THRESHOLD",
    "QuestionMatch",
    "QuestionMatcher",
    "index_path",
    "load_question_matcher",
    "questions_fingerprint",
    "save_question_index",
]

log = logging.getLogger("herbot.intents")

# Below this confidence a match is not trusted (see the module docstring for how it was chosen).
MATCH_THRESHOLD = 0.05
# Without an intent to keep to (a message that reports values, which the router checks for a concept question), the
# match must also hold on the message's words alone, its values left out, with at least this confidence. A report
# that asks for treatment ("tx options? IHC 1+ ER 90%") otherwise matches whichever entry quotes the same values.
# On the value-reporting messages of the held-out and answers sets, such requests scored 0.07-0.075 on their words
# and questions about a concept 0.09 or more: the line is drawn between them, and is a judgement on few messages.
OPEN_THRESHOLD = 0.08
# A message limited to an intent that says nothing but words of that intent's overview entry (its best match for the
# intent's menu question, ``catalog.QUESTIONS``) and these general words, at most MAX_GENERAL_WORDS of them, asks the
# overview: "what's ultralow her2" is "What is HER2-ultralow?", not "Is HER2-ultralow HER2-negative?", whose
# phrasings also say "ultralow" and "her2". On the held-out set answer accuracy rose from 0.696 to 0.723 (at most
# 3 or 4 words alike; 2: 0.715), on the answers set it stayed 0.891; cross-validation does not see it (no intent).
GENERAL_WORDS = frozenset(
    "what mean explain exactly tell about simple simply plain english how which who why when where vs".split()
)
MAX_GENERAL_WORDS = 3
# Values: numbers, scores ("2+"), and receptor percentages as bands ("erabove10"; ``question_terms``).
_VALUE_TERM = re.compile(r"^(?:\d|(?:er|pr)(?:below1|at1|low|at10|above10)$)")
# Bump when the terms (question_terms.py) or the document layout change what a stored index means.
FORMAT = 4
_INDEX = ("data", "question_index.json")


@dataclass(frozen=True, slots=True)
class QuestionMatch:
    """The entry a message asks, its intent and confidence, and the entry that came second."""

    question_id: str
    intent: Intent
    confidence: float
    runner_up: str | None = None
    runner_up_confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class QuestionMatcher:
    """Ranks the bank's entries for a message; build it once with ``load_question_matcher``."""

    ids: tuple[str, ...]
    intents: tuple[Intent, ...]
    ranker: Bm25Ranker
    threshold: float = MATCH_THRESHOLD
    # Intent -> (its overview entry, the words of that entry's ask and phrasings); see ``GENERAL_WORDS``.
    overviews: Mapping[Intent, tuple[int, frozenset[str]]] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_questions(cls, questions: Sequence[Question]) -> QuestionMatcher:
        """A matcher over ``questions``, built now."""
        matcher = cls.from_documents(questions, *_documents(questions))
        return replace(matcher, overviews=MappingProxyType(_overviews(matcher, questions)))

    @classmethod
    def from_documents(
        cls, questions: Sequence[Question], documents: Sequence[Sequence[str]], asks: Sequence[Sequence[str]]
    ) -> QuestionMatcher:
        """A matcher over ``questions`` whose texts are already terms: all of each entry's, and its ask's."""
        ids = tuple(question.id for question in questions)
        intents = tuple(Intent(question.intent) for question in questions)
        ranker = Bm25Ranker.from_terms(documents, range(len(documents)), asks, ask_weight=ASK_WEIGHT)
        return cls(ids, intents, ranker)

    def rank(self, text: str, *, intent: Intent | None = None) -> Ranked:
        """Every entry sharing a term with ``text`` and its confidence, best first (only ``intent``'s, if given)."""
        return self._rank_terms(question_terms(text), intent)

    def _rank_terms(self, terms: list[str], intent: Intent | None) -> Ranked:
        ranked = self.ranker.rank_terms(terms)
        if intent is None:
            return ranked
        return [(entry, confidence) for entry, confidence in ranked if self.intents[entry] == intent]

    def match(self, text: str, *, intent: Intent | None = None) -> QuestionMatch | None:
        """The entry ``text`` asks (one of ``intent``'s, if given); None below the threshold or off the subject.

        A message with no word of herbot's subject (``domain.mentions_topic``) matches nothing, whatever
        numbers or filler it shares with an entry ("anyone up for lunch 12:30").
        """
        if not mentions_topic(normalise(text)):
            return None
        words = canonical_words(text)
        terms = terms_of(words)
        ranked = self._rank_terms(terms, intent)
        if not ranked or ranked[0][1] < self.threshold:
            return None
        (entry, confidence), *rest = ranked
        if intent is None and self._carried_by_values(terms, entry):
            return None
        overview = self._overview(words, intent)
        if overview is not None and overview != entry:
            confidences = dict(ranked)
            rest = [(entry, confidence), *((e, c) for e, c in rest if e != overview)]
            entry, confidence = overview, confidences.get(overview, confidence)
        runner_up, second = (self.ids[rest[0][0]], rest[0][1]) if rest else (None, 0.0)
        return QuestionMatch(self.ids[entry], self.intents[entry], confidence, runner_up, second)

    def _overview(self, words: list[str], intent: Intent | None) -> int | None:
        """``intent``'s overview entry when a message's canonical ``words`` say nothing its ask and phrasings do not.

        (See ``GENERAL_WORDS``.)
        """
        if intent not in self.overviews:
            return None
        entry, vocabulary = self.overviews[intent]
        said = [word for word in words if word not in GENERAL_WORDS]
        return entry if 0 < len(said) <= MAX_GENERAL_WORDS and all(word in vocabulary for word in said) else None

    def _carried_by_values(self, terms: list[str], entry: int) -> bool:
        """True when ``entry`` wins on the message's values rather than its words (see ``OPEN_THRESHOLD``)."""
        words = [term for term in terms if not any(_VALUE_TERM.match(part) for part in term.split("_"))]
        return self.ranker.confidence(words, entry) < OPEN_THRESHOLD


def _overviews(matcher: QuestionMatcher, questions: Sequence[Question]) -> dict[Intent, tuple[int, frozenset[str]]]:
    """Each intent's overview entry (its best match for the intent's menu question) and that entry's words."""
    overviews = {}
    for intent, menu_question in QUESTIONS.items():
        ranked = matcher.rank(menu_question, intent=intent)
        if ranked:
            question = questions[ranked[0][0]]
            words = frozenset(word for text in (question.ask, *question.phrasings) for word in canonical_words(text))
            overviews[intent] = (ranked[0][0], words)
    return overviews


def _documents(questions: Sequence[Question]) -> tuple[list[list[str]], list[list[str]]]:
    return entry_documents([(text, entry) for entry, q in enumerate(questions) for text in (q.ask, *q.phrasings)])


def questions_fingerprint(questions: Sequence[Question]) -> str:
    """A hash of what matching reads from the bank (ids, intents, asks, phrasings) and of ``FORMAT``."""
    content = [FORMAT, [[q.id, q.intent, q.ask, list(q.phrasings)] for q in questions]]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


def index_path() -> Path:
    """Where the packaged question index lives (``herbot train`` writes it there)."""
    return Path(str(files("intents").joinpath(*_INDEX)))


def save_question_index(questions: Sequence[Question], target: Path | None = None) -> Path:
    """Index ``questions`` now and write the index where ``load_question_matcher`` reads it."""
    matcher = QuestionMatcher.from_questions(questions)
    ranker = matcher.ranker
    assert ranker.asks is not None
    document = {
        "format": FORMAT,
        "fingerprint": questions_fingerprint(questions),
        "entries": write_index(ranker.index),
        "asks": write_index(ranker.asks),
        "overviews": {intent: [entry, sorted(words)] for intent, (entry, words) in matcher.overviews.items()},
    }
    path = target or index_path()
    path.write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def load_question_matcher(questions: Sequence[Question]) -> QuestionMatcher:
    """The matcher over ``questions``: from the packaged index when it was built from them, else built now."""
    stored = files("intents").joinpath(*_INDEX)
    if stored.is_file():
        document = json.loads(stored.read_text(encoding="utf-8"))
        if document.get("format") == FORMAT and document.get("fingerprint") == questions_fingerprint(questions):
            ranker = Bm25Ranker(
                read_index(document["entries"]),
                tuple(range(len(questions))),
                read_index(document["asks"]),
                ASK_WEIGHT,
            )
            overviews = {
                Intent(name): (entry, frozenset(words)) for name, (entry, words) in document["overviews"].items()
            }
            return QuestionMatcher(
                tuple(question.id for question in questions),
                tuple(Intent(q.intent) for q in questions),
                ranker,
                overviews=MappingProxyType(overviews),
            )
        log.warning("the question index is stale against the question bank; building it now (run `herbot train`)")
    else:
        log.warning("the question index is missing; building it now (run `herbot train`)")
    return QuestionMatcher.from_questions(questions)
