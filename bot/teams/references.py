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
from bot.teams.inbound import address_of

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
        found = address_of(activity)
        fingerprint = repr(sorted(found.address.items()))
        if self._written.get(found.key) == fingerprint:
            return
        store = self._calls.store
        try:
            await self._calls.run(
                store.save_reference,
                found.key,
                surface="teams",
                scope=found.scope,
                tenant=found.tenant,
                reference=found.address,
            )
        except StoreUnavailable:
            log.warning("store unavailable while saving a conversation reference")
            return
        except Exception as error:  # an address the store refuses costs the reference, never the turn
            log.warning("conversation reference not saved error=%s", type(error).__name__)
            return
        self._written[found.key] = fingerprint
        self._written.move_to_end(found.key)
        while len(self._written) > _REMEMBERED:
            self._written.popitem(last=False)
