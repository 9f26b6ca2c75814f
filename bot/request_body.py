"""Read a request's body up to a limit, so an oversized one is refused without being read whole."""

from __future__ import annotations

from aiohttp import web

__all__ = ["read_capped"]


async def read_capped(request: web.Request, limit: int) -> bytes | None:
    """The raw body, or ``None`` once it is longer than ``limit`` bytes (the rest is never read)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_any():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)
