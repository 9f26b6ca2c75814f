"""Remember where each chat and channel is reached, so that a later post (a scheduled lesson) can go there.

Written from every conversationUpdate and message, through the store's bounded calls; a reference already
written unchanged by this process is not written again. A store that does not answer costs the reference,
never the answer: it is written again with the next message.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from botbuilder.schema import Activity

from bot.delivery import StoreCalls
from bot.errors import StoreUnavailable
from bot.teams.inbound import reference_of

__all__ = ["ReferenceBook"]

log = logging.getLogger("herbot.teams")

_REMEMBERED = 10_000


class ReferenceBook:
    """Saves conversation references through ``calls`` (``None``: no store, nothing saved)."""

    def __init__(self, calls: StoreCalls | None) -> None:
        self._calls = calls
        self._written: OrderedDict[str, str] = OrderedDict()

    async def remember(self, activity: Activity) -> None:
        """Save where ``activity``'s conversation is reached, unless this process saved the same already."""
        if self._calls is None or not activity.service_url or activity.conversation is None:
            return
        key, scope, tenant, reference = reference_of(activity)
        fingerprint = repr(sorted(reference.items()))
        if self._written.get(key) == fingerprint:
            return
        store = self._calls.store
        try:
            await self._calls.run(
                store.save_reference, key, surface="teams", scope=scope, tenant=tenant, reference=reference
            )
        except StoreUnavailable:
            log.warning("store unavailable while saving a conversation reference")
            return
        self._written[key] = fingerprint
        self._written.move_to_end(key)
        while len(self._written) > _REMEMBERED:
            self._written.popitem(last=False)
