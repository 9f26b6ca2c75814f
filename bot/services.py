"""Composition: build the long-lived parts once (knowledge, detector, router, store) and hand them out."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation import ConversationService
from bot.knowledge import Knowledge, load_knowledge
from bot.render.text import TextRenderer
from bot.settings import Settings
from bot.store import Store, create_store
from intents.detection import load_detector
from intents.router import Router

__all__ = ["Services", "assemble_services", "create_services"]


@dataclass(frozen=True, slots=True)
class Services:
    knowledge: Knowledge
    router: Router
    conversations: ConversationService
    text: TextRenderer
    store: Store | None


def create_services(settings: Settings, *, with_store: bool = True) -> Services:
    """Everything an adapter needs; ``with_store=False`` answers without conversation memory."""
    knowledge = load_knowledge()
    store = create_store(settings.database_url, slot_ttl=settings.slot_ttl) if with_store else None
    return assemble_services(knowledge, Router(knowledge, load_detector()), store)


def assemble_services(knowledge: Knowledge, router: Router, store: Store | None) -> Services:
    """Services from parts already built (the knowledge and router are shared, the store is per database)."""
    return Services(
        knowledge=knowledge,
        router=router,
        conversations=ConversationService(router, store),
        text=TextRenderer(knowledge.sources),
        store=store,
    )
