"""Logging for ``herbot serve``: the aiohttp access log that records the path without its query string."""

from __future__ import annotations

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

__all__ = ["PathOnlyAccessLogger"]


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings, which can carry OAuth codes and states."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info(
            "http method=%s path=%s status=%s latency_ms=%.1f",
            request.method,
            request.path,
            response.status,
            time * 1000,
        )
