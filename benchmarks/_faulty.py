"""A misbehaving HTTP server on loopback, at the socket level: what real networks do to a request.

The emulator answers as the service does; this server answers as a broken
network or proxy does. Each connection it accepts gets the fault, while any
remain (``times``); once they are spent it forwards the connection, byte for
byte, to ``upstream`` (the emulator), so that a test can show a wait riding
the faults out. The tests use it, and so does ``bench_faults``, which measures
what each fault costs a call with the library's default settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import socket
import struct
import time
from collections.abc import Iterator
from types import TracebackType
from typing import Self

__all__ = ["Fault", "FaultyServer", "blackhole_url", "refused_url"]

_LOOPBACK = "127.0.0.1"


class Fault(enum.Enum):
    """What the server does to a connection."""

    #: Reads the request, then resets the connection (TCP RST).
    RESET = "reset"
    #: Answers 200 with a Content-Length of 1000, sends 20 bytes, and closes.
    CLOSE_MID_BODY = "close mid-body"
    #: Reads the request and never answers: the client's read timeout ends it.
    HANG = "hang"
    #: Answers 200 with an HTML page, as a captive portal or a broken proxy does.
    PROXY_HTML = "proxy HTML (200)"
    #: Answers 502 with an HTML page, as a proxy whose upstream failed does.
    BAD_GATEWAY = "proxy HTML (502)"


_HTML = b"<html><body><h1>Bad Gateway</h1>The proxy could not reach the server.</body></html>"


def _answer(status: str, body: bytes, *, length: int | None = None) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html\r\n"
        f"Content-Length: {len(body) if length is None else length}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


async def _read_request(reader: asyncio.StreamReader) -> None:
    """Read one request's head and body (botocore always sends a Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            await reader.readexactly(int(value.strip()))


def refused_url() -> str:
    """The URL of a loopback port that nothing listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind((_LOOPBACK, 0))
        port = probe.getsockname()[1]
    return f"http://{_LOOPBACK}:{port}"


@contextlib.contextmanager
def blackhole_url() -> Iterator[str]:
    """The URL of a loopback port where connections are never accepted: the client's connect timeout ends them.

    A listening socket with a backlog of 0 whose queue is filled and never
    accepted from: Linux then drops the SYNs of new connections, as a
    firewall that drops packets does.
    """
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(socket.socket())
        server.bind((_LOOPBACK, 0))
        server.listen(0)
        port = server.getsockname()[1]
        for _ in range(3):
            filler = stack.enter_context(socket.socket())
            filler.settimeout(0.0)  # non-blocking: the handshake completes in the kernel
            with contextlib.suppress(BlockingIOError):
                filler.connect((_LOOPBACK, port))
        time.sleep(0.1)  # the fillers' handshakes complete and fill the queue
        yield f"http://{_LOOPBACK}:{port}"


class FaultyServer:
    """A loopback server that gives each connection ``fault``, then forwards to ``upstream``.

    Args:
        fault: What each faulted connection gets.
        times: How many connections get it; ``None`` for every one.
        upstream: ``host:port`` to forward the others to; without it they get the fault too.
    """

    def __init__(self, fault: Fault, *, times: int | None = None, upstream: str | None = None) -> None:
        self.fault = fault
        self.remaining = times
        self.upstream = upstream
        #: Connections accepted, faulted or not.
        self.connections = 0
        #: Connections that got the fault.
        self.faulted = 0
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def endpoint_url(self) -> str:
        """The URL to give an SDK as its endpoint."""
        assert self._server is not None, "start the server first"
        port = self._server.sockets[0].getsockname()[1]
        return f"http://{_LOOPBACK}:{port}"

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, _LOOPBACK, 0)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        # Aborted connections end their handlers (asyncio's streams mishandle a cancelled one).
        for writer in list(self._writers):
            writer.transport.abort()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        self._writers.add(writer)
        self.connections += 1
        try:
            if self.remaining is None or self.remaining > 0 or self.upstream is None:
                if self.remaining is not None and self.remaining > 0:
                    self.remaining -= 1
                self.faulted += 1
                await self._misbehave(reader, writer)
            else:
                await self._forward(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client gave up first: nothing to do
        finally:
            writer.transport.abort()
            self._writers.discard(writer)
            self._handlers.discard(task)

    async def _misbehave(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _read_request(reader)
        if self.fault is Fault.RESET:
            sock = writer.get_extra_info("socket")
            # Linger 0: close() sends RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif self.fault is Fault.CLOSE_MID_BODY:
            writer.write(_answer("200 OK", b'{"ProjectVersionDescriptions": [', length=1000))
            await writer.drain()
        elif self.fault is Fault.HANG:
            await reader.read()  # until the client closes the connection
        elif self.fault is Fault.PROXY_HTML:
            writer.write(_answer("200 OK", _HTML))
            await writer.drain()
        else:
            writer.write(_answer("502 Bad Gateway", _HTML))
            await writer.drain()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert self.upstream is not None
        host, _, port = self.upstream.rpartition(":")
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        self._writers.add(up_writer)
        try:
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            up_writer.transport.abort()
            self._writers.discard(up_writer)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
