"""Composition: build the long-lived parts once (knowledge, detector, router, store) and hand them out.

The store (and with it SQLAlchemy) is imported only when a store is made, so a command that needs
no conversation memory starts without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import InvalidSetting
from bot.knowledge import Knowledge, load_knowledge
from bot.render.text import TextRenderer
from bot.settings import DATABASE_URLS, Settings, mask_url
from intents.detection import load_detector
from intents.detection.questions import load_question_matcher
from intents.router import Router

if TYPE_CHECKING:
    from bot.conversation import ConversationService
    from bot.store import Store

__all__ = ["Services", "assemble_services", "create_router", "create_services"]


@dataclass(frozen=True, slots=True)
class Services:
    knowledge: Knowledge
    router: Router
    conversations: ConversationService
    text: TextRenderer
    store: Store | None


def create_router() -> tuple[Knowledge, Router]:
    """The packaged knowledge, and a router over it with the packaged detector and question matcher."""
    knowledge = load_knowledge()
    return knowledge, Router(knowledge, load_detector(knowledge.questions), load_question_matcher(knowledge.questions))


def create_services(settings: Settings, *, with_store: bool = True) -> Services:
    """Everything an adapter needs; ``with_store=False`` answers without conversation memory."""
    store = _create_store(settings) if with_store else None
    return assemble_services(*create_router(), store)


def assemble_services(knowledge: Knowledge, router: Router, store: Store | None) -> Services:
    """Services from parts already built (the knowledge and router are shared, the store is per database)."""
    from bot.conversation import ConversationService  # imports the store's modules, and SQLAlchemy

    return Services(
        knowledge=knowledge,
        router=router,
        conversations=ConversationService(router, store),
        text=TextRenderer(knowledge.sources),
        store=store,
    )


def _create_store(settings: Settings) -> Store:
    from bot.store import create_store

    try:
        return create_store(settings.database_url, slot_ttl=settings.slot_ttl)
    except ValueError:
        # Settings checked the URL's form; this is what only SQLAlchemy could tell (a bad port, say).
        raise InvalidSetting(
            name="HERBOT_DATABASE_URL", value=mask_url(settings.database_url), allowed=DATABASE_URLS
        ) from None
