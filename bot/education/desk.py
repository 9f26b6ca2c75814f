"""The education service as the surfaces' answering meets it: asynchronous, bounded, and never failing silently.

The service blocks on the store, so every call runs through the store's bounded calls; a store that does not
answer in time gets the person a clear sentence instead of an answer that would forget what they did.
A learn or quiz command naming something that is no lesson is not an education matter: the router answers it
(the topic, if there is one).
"""

from __future__ import annotations

import logging

from bot.education.service import EducationService
from bot.engine.explanation import Claim, Explanation
from bot.errors import StoreUnavailable
from bot.store.calls import StoreCalls
from intents.education import LearnCommand, QuizCommand, parse_education_command
from intents.education_replies import EducationReply, Place, QuizView

__all__ = ["MEMORY_DOWN", "EducationDesk"]

log = logging.getLogger("herbot.education")

MEMORY_DOWN = (
    "I couldn't reach my memory, so lessons, quizzes, scores and schedules are unavailable for a moment: "
    "try again shortly."
)


class EducationDesk:
    """``service`` behind ``calls``: each method returns what to show, whatever the store does."""

    def __init__(self, service: EducationService, calls: StoreCalls) -> None:
        self._service = service
        self._calls = calls

    async def reply_to(self, text: str, place: Place) -> EducationReply | None:
        """What an education command in ``text`` posts at ``place``; ``None`` when ``text`` is not one."""
        command = parse_education_command(text)
        if command is None:
            return None
        named = command.subject if isinstance(command, LearnCommand | QuizCommand) else None
        if named and self._service.curriculum.lesson_named(named) is None:
            return None
        try:
            return await self._calls.run(self._service.handle, command, place)
        except StoreUnavailable:
            log.warning("education store unavailable surface=%s", place.surface)
            return EducationReply(private=_memory_down())

    async def answer(self, place: Place, post_id: str, option_id: str) -> Explanation:
        """Feedback on ``place.person``'s answer, recorded once."""
        try:
            return await self._calls.run(self._service.answer, place, post_id, option_id)
        except StoreUnavailable:
            log.warning("education store unavailable surface=%s", place.surface)
            return _memory_down()

    async def view(self, place: Place, post_id: str) -> tuple[QuizView, Explanation | None] | None:
        """A posted question as ``place.person`` sees it (``None``: unknown, or the store is down)."""
        try:
            return await self._calls.run(self._service.view, place, post_id)
        except StoreUnavailable:
            return None

    async def notice(self, team: str) -> str | None:
        """A notice for ``team`` (a schedule turned off), said once; ``None`` if there is none or the store is down."""
        try:
            return await self._calls.run(self._calls.store.education.take_notice, team)
        except StoreUnavailable:
            return None


def _memory_down() -> Explanation:
    return Explanation(intent="education", headline=Claim(MEMORY_DOWN, ()))
