"""Full-text search over every cited fact: SQLite FTS5 ranked by BM25, built in memory."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from itertools import pairwise

from bot.engine.explanation import Claim
from bot.engine.topics import Topic

__all__ = ["Fact", "FactIndex"]

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    (
        "a about an and are as at be by can do does for from get how i in is it many me mean means much my of often "
        "on or should tell that the there this to what when which who why with you your"
    ).split()
)


@dataclass(frozen=True, slots=True)
class Fact:
    """One cited statement and the topic it belongs to."""

    topic_id: str
    topic_title: str
    claim: Claim


class FactIndex:
    """A BM25-ranked index of every claim in the knowledge topics."""

    def __init__(self, topics: tuple[Topic, ...]) -> None:
        self._facts: list[Fact] = []
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE facts USING fts5(body, keywords, tokenize='porter unicode61')")
        for topic in topics:
            keywords = " ".join((topic.title, *topic.keywords))
            for claim in topic.claims:
                self._db.execute(
                    "INSERT INTO facts(rowid, body, keywords) VALUES (?, ?, ?)",
                    (len(self._facts), claim.text, keywords),
                )
                self._facts.append(Fact(topic.id, topic.title, claim))

    def search(self, query: str, limit: int = 3) -> tuple[Fact, ...]:
        """The facts that best match ``query``; empty when nothing matches."""
        terms = [t for t in _WORD.findall(query.lower()) if t not in _STOPWORDS]
        if not terms:
            return ()
        phrases = [" ".join(pair) for pair in pairwise(terms)]
        match = " OR ".join(f'"{phrase}"' for phrase in dict.fromkeys([*phrases, *terms]))
        rows = self._db.execute(
            "SELECT rowid FROM facts WHERE facts MATCH ? ORDER BY bm25(facts, 1.0, 2.0) LIMIT ?", (match, limit)
        ).fetchall()
        return tuple(self._facts[row[0]] for row in rows)
