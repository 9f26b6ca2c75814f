"""A TCP proxy between herbot and its database that can pass, stall or refuse on demand.

It runs its own event loop in a thread, so synchronous tests and a server under test in another loop
can use it alike::

    with TcpProxy("127.0.0.1", 5432) as proxy:
        url = proxy.url_for(postgres_url)   # the same URL, through the proxy
        proxy.stall()     # connections open, bytes held in both directions: a hanging database
        proxy.refuse()    # nothing listens; open connections are cut: a database that is down
        proxy.resume()    # back to passing bytes; held bytes are forwarded in order

Nothing here is herbot code: it stands where the network would.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Self

from sqlalchemy import make_url

__all__ = ["ProxyMode", "TcpProxy"]

_CHUNK = 65536


class ProxyMode(enum.Enum):
    PASS = "pass"
    STALL = "stall"
    REFUSE = "refuse"


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream_host``:``upstream_port`` until told otherwise."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = _free_port()
        self.mode = ProxyMode.PASS
        self.connections_accepted = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._flowing: asyncio.Event | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def url_for(self, database_url: str) -> str:
        """``database_url`` with its host and port replaced by the proxy's."""
        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        return url.render_as_string(hide_password=False)

    def start(self) -> None:
        self._thread.start()
        self._run(self._start())

    def stall(self) -> None:
        """Hold every byte in both directions, on open and new connections, until ``resume``."""
        self._run(self._set_mode(ProxyMode.STALL))

    def refuse(self) -> None:
        """Stop listening (connecting is refused) and cut every open connection, until ``resume``."""
        self._run(self._set_mode(ProxyMode.REFUSE))

    def resume(self) -> None:
        """Pass bytes again; bytes held while stalled go through in order."""
        self._run(self._set_mode(ProxyMode.PASS))

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        self._run(self._close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def _start(self) -> None:
        self._flowing = asyncio.Event()
        self._flowing.set()
        await self._listen()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _set_mode(self, mode: ProxyMode) -> None:
        assert self._flowing is not None
        previous, self.mode = self.mode, mode
        if mode is ProxyMode.REFUSE:
            await self._stop_listening()
            for writer in list(self._writers):
                writer.transport.abort()
        elif previous is ProxyMode.REFUSE:
            await self._listen()
        if mode is ProxyMode.STALL:
            self._flowing.clear()
        else:
            self._flowing.set()

    async def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _close(self) -> None:
        await self._stop_listening()
        assert self._flowing is not None
        self._flowing.set()
        # Every connection's handler on this loop, including one accepted as the listener closed and not yet
        # started: a handler left pending when the loop stops is destroyed mid-coroutine.
        while pending := asyncio.all_tasks() - {asyncio.current_task()}:
            for writer in list(self._writers):
                writer.transport.abort()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections_accepted += 1
        self._writers.add(client_writer)
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.transport.abort()
            self._writers.discard(client_writer)
            return
        self._writers.add(upstream_writer)
        try:
            await asyncio.gather(self._pipe(client_reader, upstream_writer), self._pipe(upstream_reader, client_writer))
        finally:
            for writer in (client_writer, upstream_writer):
                self._writers.discard(writer)
                writer.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Copy ``reader`` to ``writer``, holding each chunk while stalled; end both sides at EOF or a cut."""
        assert self._flowing is not None
        with contextlib.suppress(ConnectionError, OSError):
            while chunk := await reader.read(_CHUNK):
                await self._flowing.wait()
                if self.mode is ProxyMode.REFUSE or writer.transport.is_closing():
                    break
                writer.write(chunk)
                await writer.drain()
        writer.transport.abort()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
