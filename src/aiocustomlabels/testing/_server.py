"""The loopback face of the fake: an aiohttp.web server for any AWS SDK or the AWS CLI."""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Self

from aiohttp import web

from ._fake import FakeCustomLabels
from ._wire import MAX_REQUEST_BYTES, dispatch

__all__ = ["Emulator", "ThreadedEmulator"]

_LOOPBACK = "127.0.0.1"


def make_app(fake: FakeCustomLabels) -> web.Application:
    """The aiohttp application that serves ``fake`` at ``POST /``."""

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await _read_body(request)
        reply = dispatch(fake, method=request.method, path=request.path, headers=request.headers, body=body)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop or reply.truncate:
            return await _break(request, reply.body if reply.truncate else None, reply.headers)
        return web.Response(status=reply.status, body=reply.body, headers=reply.headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


async def _read_body(request: web.Request) -> bytes:
    """The body, but never more than one byte past ``MAX_REQUEST_BYTES``: enough for ``dispatch`` to refuse it."""
    body = bytearray()
    while len(body) <= MAX_REQUEST_BYTES:
        chunk = await request.content.read(MAX_REQUEST_BYTES + 1 - len(body))
        if not chunk:
            break
        body += chunk
    return bytes(body)


async def _break(request: web.Request, body: bytes | None, headers: object) -> web.StreamResponse:
    """Close the connection: at once (``body`` None), or halfway through ``body``."""
    transport = request.transport
    if body is None:
        if transport is not None:
            transport.close()
        # Nothing can be sent on a closed connection; aiohttp drops this response.
        return web.Response(status=500)
    response = web.StreamResponse(status=200, headers=headers)  # type: ignore[arg-type]
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    if transport is not None:
        transport.close()
    return response


class Emulator:
    """The fake service on a loopback HTTP port, as an async context manager.

    Example:
        ```python
        async with Emulator(fake) as emulator:
            client = session.create_client("rekognition", endpoint_url=emulator.endpoint_url)
        ```

    Args:
        fake: The fake service to serve; a new empty one by default.
        host: The address to bind. Loopback by default: anything else exposes
            the emulator to the network, so it must be asked for.
        port: The port; 0 picks a free one.
    """

    def __init__(self, fake: FakeCustomLabels | None = None, *, host: str = _LOOPBACK, port: int = 0) -> None:
        self.fake = fake if fake is not None else FakeCustomLabels()
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def endpoint_url(self) -> str:
        """The URL to give an AWS SDK as its endpoint."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def start(self) -> None:
        """Start serving; ``port`` then holds the port bound."""
        if self._runner is not None:
            msg = "the emulator is already running"
            raise RuntimeError(msg)
        # A client that hangs up cancels its handler, as it ends a real request:
        # an answer delayed by a latency fault does not outlive its client, nor
        # hold up stop().
        runner = web.AppRunner(
            make_app(self.fake), access_log=None, handle_signals=False, handler_cancellation=True
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        # The bound port (port 0 picks one): the runner's public socket addresses, (host, port, ...).
        self.port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop serving and close every connection; stopping twice is harmless."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


class ThreadedEmulator:
    """The emulator on its own event loop in a background thread, for synchronous code.

    boto3, the AWS CLI, or a test that is not async can use it as a plain
    context manager; the fake itself is thread-safe.

    Args:
        fake: The fake service to serve; a new empty one by default.
        host: The address to bind; loopback by default.
        port: The port; 0 picks a free one.
    """

    def __init__(self, fake: FakeCustomLabels | None = None, *, host: str = _LOOPBACK, port: int = 0) -> None:
        self._emulator = Emulator(fake, host=host, port=port)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def fake(self) -> FakeCustomLabels:
        """The fake service served."""
        return self._emulator.fake

    @property
    def endpoint_url(self) -> str:
        """The URL to give an AWS SDK as its endpoint."""
        return self._emulator.endpoint_url

    def start(self) -> None:
        """Start the thread and wait until the server listens."""
        loop = asyncio.new_event_loop()
        started = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._emulator.start())
            except BaseException as exc:
                failure.append(exc)
                started.set()
                loop.close()
                return
            started.set()
            loop.run_forever()
            loop.run_until_complete(self._emulator.stop())
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="aiocustomlabels-emulator", daemon=True)
        self._thread.start()
        started.wait()
        if failure:
            self._thread.join()
            raise failure[0]
        self._loop = loop

    def stop(self) -> None:
        """Stop the server and join the thread."""
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
