"""The conversation service: load a conversation's state (its case and last subject), route, save the state.

The only place where the router meets the store. ``prepare`` answers without writing, and says what
the conversation's slots become (``Prepared.slots``), so a caller can save them in the same
transaction as other records (an adapter's inbox and outbox); ``respond`` answers and saves.
Logs carry the surface, intent, rule ids, latency and outcome, never the message text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.engine import Report, report_fields, report_from_fields
from bot.errors import InvalidValue, StoreUnavailable
from bot.store import Store
from intents.router import Answer, Router
from intents.subject import PREFIX, Subject

__all__ = ["MEMORY_LOST", "ConversationService", "Prepared"]

log = logging.getLogger("herbot.conversation")

MEMORY_LOST = "I couldn't reach my conversation memory, so this answer uses only this message."


@dataclass(frozen=True, slots=True)
class Prepared:
    """An answer not yet saved, and what its conversation's slots become.

    ``slots`` is ``None`` when nothing needs writing (no conversation, memory unavailable, or
    nothing changed); an empty mapping means "forget this conversation".
    """

    answer: Answer
    conversation: str | None
    slots: dict[str, str] | None


class ConversationService:
    """Answers messages in conversations whose state lives in the store."""

    def __init__(self, router: Router, store: Store | None) -> None:
        self._router = router
        self._store = store

    def respond(self, text: str, *, conversation: str | None = None, surface: str = "cli") -> Answer:
        """Answer ``text`` and save the conversation's state; with a ``conversation`` key, values accumulate."""
        prepared = self.prepare(text, conversation=conversation, surface=surface)
        if prepared.slots is not None and not self.save(prepared):
            return _memory_lost(prepared.answer)
        return prepared.answer

    def prepare(self, text: str, *, conversation: str | None = None, surface: str = "cli") -> Prepared:
        """Answer ``text`` without writing anything; the caller saves ``Prepared.slots``."""
        return self.prepare_from(text, self._load_slots(conversation), conversation=conversation, surface=surface)

    def prepare_from(
        self,
        text: str,
        slots: Mapping[str, str] | None,
        *,
        conversation: str | None = None,
        surface: str = "cli",
    ) -> Prepared:
        """``prepare`` over slots the caller read already (``None``: memory could not be read)."""
        started = time.perf_counter()
        prior, subject, remembered = self._state(conversation, slots)
        answer = self._router.answer(text, prior, seed=conversation or "", subject=subject)
        slots = None
        if conversation is not None and remembered and (answer.values, answer.subject) != (prior, subject):
            slots = {**report_fields(answer.values), **answer.subject.slots()}
        if conversation is not None and not remembered:
            answer = _memory_lost(answer)
        _log_answer(answer, surface, started)
        return Prepared(answer, conversation, slots)

    def save(self, prepared: Prepared) -> bool:
        """Write ``prepared.slots`` on its own; False if the store could not be reached."""
        if self._store is None or prepared.conversation is None or prepared.slots is None:
            return True
        try:
            if prepared.slots:
                self._store.save_slots(prepared.conversation, prepared.slots)
            else:
                self._store.clear_slots(prepared.conversation)
        except StoreUnavailable:
            log.warning("store unavailable while saving a conversation")
            return False
        return True

    def _load_slots(self, conversation: str | None) -> dict[str, str] | None:
        """The conversation's slots; ``{}`` without a conversation or a store, ``None`` if the store failed."""
        if conversation is None or self._store is None:
            return {}
        try:
            return self._store.load_slots(conversation)
        except StoreUnavailable:
            log.warning("store unavailable while loading a conversation")
            return None

    def _state(self, conversation: str | None, slots: Mapping[str, str] | None) -> tuple[Report, Subject, bool]:
        """The case and subject in ``slots``, and whether the conversation's memory is usable."""
        if conversation is None:
            return Report(), Subject(), True
        if slots is None or self._store is None:
            return Report(), Subject(), False
        subject = Subject.from_slots(slots)
        try:
            return report_from_fields({k: v for k, v in slots.items() if not k.startswith(PREFIX)}), subject, True
        except InvalidValue:
            # Values saved by an older release that the rules no longer accept: start the case afresh.
            log.warning("stored conversation values are no longer valid; starting afresh")
            return Report(), subject, True


def _memory_lost(answer: Answer) -> Answer:
    notices = (*answer.explanation.notices, MEMORY_LOST)
    return replace(answer, explanation=replace(answer.explanation, notices=notices))


def _log_answer(answer: Answer, surface: str, started: float) -> None:
    classification = answer.explanation.classification
    log.info(
        "answered surface=%s intent=%s confidence=%.2f outcome=%s rules=%s latency_ms=%.1f",
        surface,
        answer.intent,
        answer.confidence,
        "error" if answer.error else "ok",
        ",".join(classification.rules) if classification else "-",
        (time.perf_counter() - started) * 1000,
    )
