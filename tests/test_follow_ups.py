"""Follow-ups in context, through the real store (SQLite, and PostgreSQL when configured).

Each conversation is a list of turns: a message, and what the first line of the answer must say (every
listed word, case-insensitive) and which intent it has. The conversation's values and last subject live in
the store between turns, exactly as in chat.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from databases import FakeClock

from bot.conversation import ConversationService
from bot.render.text import TextRenderer
from bot.store import Store, create_store
from intents.router import Router

Turn = tuple[str, str, tuple[str, ...]]  # message, intent, words the first line must contain

CONVERSATIONS: dict[str, list[Turn]] = {
    "trial-behind-an-eligibility-answer": [
        ("can HER2-low get T-DXd?", "treatment-her2-low", ("yes", "trastuzumab deruxtecan")),
        ("which trial showed that?", "treatment-her2-low", ("DESTINY-Breast04",)),
        ("thx", "help", ("welcome",)),
    ],
    "and-for-ultralow": [
        ("what is HER2-low?", "define-her2-low", ("HER2-low", "IHC 1+")),
        ("and for ultralow?", "define-her2-ultralow", ("ultralow", "IHC 0")),
        ("source?", "define-her2-ultralow", ("sources",)),
    ],
    "what-about-pr": [
        ("what does ER-low mean?", "define-er-low", ("ER-low", "10%")),
        ("what about PR?", "define-hr-positive", ("PR", "1%")),
    ],
    "values-then-why": [
        ("IHC 2+", "classify-values", ("equivocal",)),
        ("ratio 1.6 copies 3.2", "classify-values", ("HER2-negative", "HER2-low")),
        ("why?", "classify-values", ("HER2-negative",)),
    ],
    "recount-then-reasoning": [
        ("IHC 2+", "classify-values", ("equivocal",)),
        ("ratio 2.3 copies 3.8", "classify-values", ("recount",)),
        ("show the reasoning", "classify-values", ("recount",)),
    ],
    "same-in-2023": [
        ("what is HER2-low?", "define-her2-low", ("HER2-low",)),
        ("is that the same in 2023?", "define-her2-low", ("2023",)),
    ],
    "er-low-why": [
        ("is ER-low triple negative?", "define-er-low", ("no:", "triple-negative")),
        ("why?", "define-er-low", ("no:",)),
    ],
    "prevalence-source": [
        ("how common is HER2-low?", "prevalence", ("HER2-low",)),
        ("source?", "prevalence", ("sources",)),
    ],
    "outlook-and-hr": [
        ("what is the outlook for TNBC?", "prognosis", ("triple-negative",)),
        ("and for HR+/HER2-?", "define-hr-positive", ("HR+",)),
    ],
    "tnbc-options-trial": [
        ("tx options for TNBC?", "treatment-tnbc", ("chemotherapy",)),
        ("which trial showed that?", "treatment-tnbc", ("KEYNOTE",)),
    ],
    "retest-study": [
        ("should HER2 be retested at recurrence?", "retesting", ("yes", "recurrence")),
        ("which study showed that?", "retesting", ("discordance",)),
    ],
    "allred-thanks": [
        ("what is an Allred score?", "define-hr-positive", ("Allred",)),
        ("ok thanks", "help", ("welcome",)),
    ],
    "classification-trial": [
        ("IHC 1+ ER 90 PR 20", "classify-values", ("HER2-low", "HR+/HER2")),
        ("which trial showed that?", "classify-values", ("DESTINY-Breast04",)),
    ],
    "positive-then-negative": [
        ("what does HER2-positive mean?", "define-her2-positive", ("HER2-positive", "3+")),
        ("and HER2-negative?", "define-her2-negative", ("HER2-negative",)),
    ],
    "destiny-trials": [
        ("what is DESTINY-Breast06?", "treatment-her2-low", ("DESTINY-Breast06",)),
        ("and DESTINY-Breast04?", "treatment-her2-low", ("DESTINY-Breast04",)),
    ],
    "tnbc-how-common-is-it": [
        ("what is TNBC?", "define-tnbc", ("triple-negative",)),
        ("how common is it?", "prevalence", ("10–15%",)),
    ],
    "values-added-by-what-about": [
        ("IHC 3+", "classify-values", ("HER2-positive",)),
        ("what about ER 0 PR 0?", "classify-values", ("HR−/HER2+",)),
    ],
    "ish-groups": [
        ("does ISH group 5 mean negative?", "testing-ish", ("group 5", "negative")),
        ("and group 1?", "testing-ish", ("group 1", "positive")),
    ],
    "ultralow-how-is-it-treated": [
        ("what is HER2-ultralow?", "define-her2-ultralow", ("ultralow",)),
        ("how is it treated?", "treatment-her2-low", ("trastuzumab deruxtecan",)),
    ],
    "new-case-forgets": [
        ("IHC 2+ ratio 1.6 copies 3.2", "classify-values", ("HER2-low",)),
        ("new case: IHC 0", "classify-values", ("HER2-0",)),
        ("why?", "classify-values", ("HER2-0",)),
    ],
    "thanks-without-a-subject": [
        ("thanks", "help", ("welcome",)),
        ("what is HER2-low?", "define-her2-low", ("HER2-low",)),
    ],
    "more-on-a-topic": [
        ("does 2+ = her2 low?", "define-her2-low", ("not by itself", "equivocal")),
        ("More on HER2-low", "define-her2-low", ("HER2-low",)),
    ],
    "question-then-values": [
        ("what is HER2-low?", "define-her2-low", ("HER2-low",)),
        ("IHC 2+ ratio 1.6 copies 3.2", "classify-values", ("HER2-low",)),
        ("which trial showed that?", "classify-values", ("DESTINY-Breast04",)),
    ],
    "refusal-keeps-the-subject": [
        ("what is HER2-low?", "define-her2-low", ("HER2-low",)),
        ("anyone up for lunch 12:30", "out-of-scope", ("outside",)),
        ("source?", "define-her2-low", ("sources",)),
    ],
    "tnbc-source": [
        ("what is TNBC?", "define-tnbc", ("triple-negative",)),
        ("source?", "define-tnbc", ("sources",)),
        ("thanks", "help", ("welcome",)),
    ],
    "her2-positive-trial": [
        ("what does HER2-positive mean?", "define-her2-positive", ("HER2-positive",)),
        ("source?", "define-her2-positive", ("sources",)),
    ],
}


@pytest.fixture
def service(router: Router, database_url: str, clock: FakeClock) -> Iterator[ConversationService]:
    store: Store = create_store(database_url, clock=clock, slot_ttl=timedelta(minutes=30))
    yield ConversationService(router, store)
    store.close()


def test_there_are_at_least_25_conversations() -> None:
    assert len(CONVERSATIONS) >= 25


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_a_follow_up_is_answered_about_the_last_subject(service: ConversationService, knowledge, name: str) -> None:
    renderer = TextRenderer(knowledge.sources)
    for number, (message, intent, words) in enumerate(CONVERSATIONS[name], 1):
        answer = service.respond(message, conversation=f"test:{name}")
        first_line = renderer.render(answer.explanation).split("\n", 1)[0]
        assert (number, message, str(answer.intent)) == (number, message, intent), first_line
        missing = [word for word in words if word.casefold() not in first_line.casefold()]
        assert missing == [], f"{message!r} -> {first_line!r}"


def test_the_subject_expires_with_the_values(service: ConversationService, clock: FakeClock) -> None:
    service.respond("what is HER2-low?", conversation="test:expiry")
    clock.advance(timedelta(minutes=31))
    answer = service.respond("source?", conversation="test:expiry")
    assert answer.explanation.headline.text != "The sources behind my last answer:"
    assert answer.subject.is_empty
