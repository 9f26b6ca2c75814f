"""A word is a topic word through the deletion index exactly when comparing it with every subject spelling says so."""

from __future__ import annotations

import string

from intents.detection import domain

ALPHABET = string.ascii_lowercase + string.digits + "+-"


def _compared_with_every_spelling(word: str) -> bool:
    if word in domain._WORDS or word.startswith(domain._STEMS):
        return True
    return len(word) >= 5 and any(domain.within_one_edit(word, known) for known in domain._SUBJECT_SPELLINGS)


def _one_edit_from(spelling: str) -> set[str]:
    found = {spelling[:i] + spelling[i + 1 :] for i in range(len(spelling))}
    found |= {spelling[:i] + spelling[i + 1] + spelling[i] + spelling[i + 2 :] for i in range(len(spelling) - 1)}
    for i in range(len(spelling) + 1):
        for character in ALPHABET:
            found.add(spelling[:i] + character + spelling[i:])
            found.add(spelling[:i] + character + spelling[i + 1 :])
    return found


def test_every_word_one_or_two_edits_from_a_spelling_is_judged_as_by_comparing_every_spelling() -> None:
    words = {edited for spelling in domain.SPELLINGS for edited in _one_edit_from(spelling)}
    words |= {twice for word in list(words)[::50] for twice in _one_edit_from(word)}
    assert [word for word in words if domain._is_topic_word(word) != _compared_with_every_spelling(word)] == []
