"""The conversation service: load a conversation's values, route the message, save the values.

The only place where the router meets the store. Logs carry the surface, intent, rule
ids, latency and outcome, never the message text.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from bot.engine import Report, report_fields, report_from_fields
from bot.errors import InvalidValue, StoreUnavailable
from bot.store import Store
from intents.router import Answer, Router

__all__ = ["ConversationService"]

log = logging.getLogger("herbot.conversation")

_MEMORY_LOST = "I couldn't reach my conversation memory, so this answer uses only this message."


class ConversationService:
    """Answers messages in conversations whose values live in the store."""

    def __init__(self, router: Router, store: Store | None) -> None:
        self._router = router
        self._store = store

    def respond(self, text: str, *, conversation: str | None = None, surface: str = "cli") -> Answer:
        """Answer ``text``; with a ``conversation`` key, values accumulate across messages."""
        started = time.perf_counter()
        prior, remembered = self._load(conversation)
        answer = self._router.answer(text, prior, seed=conversation or "")
        if conversation is not None and remembered and answer.values != prior:
            remembered = self._save(conversation, answer.values)
        if conversation is not None and not remembered:
            notices = (*answer.explanation.notices, _MEMORY_LOST)
            answer = replace(answer, explanation=replace(answer.explanation, notices=notices))
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
        return answer

    def _load(self, conversation: str | None) -> tuple[Report, bool]:
        if conversation is None or self._store is None:
            return Report(), conversation is None
        try:
            return report_from_fields(self._store.load_slots(conversation)), True
        except StoreUnavailable:
            log.warning("store unavailable while loading a conversation")
            return Report(), False
        except InvalidValue:
            # Values saved by an older release that the rules no longer accept: start the case afresh.
            log.warning("stored conversation values are no longer valid; starting afresh")
            return Report(), True

    def _save(self, conversation: str, values: Report) -> bool:
        assert self._store is not None
        try:
            if values.is_empty:
                self._store.clear_slots(conversation)
            else:
                self._store.save_slots(conversation, report_fields(values))
        except StoreUnavailable:
            log.warning("store unavailable while saving a conversation")
            return False
        return True
