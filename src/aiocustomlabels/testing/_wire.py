"""How requests reach the fake: its wire protocols, in-process through aioresponses, or on loopback HTTP.

Both transports go through ``dispatch``, so they answer byte for byte alike:
Rekognition's awsJson1_1, and CloudWatch's two forms (``_cloudwatch``). Every
request gets an answer the service could give, with ``__type``, whatever its
body holds; what the fake does with a request it cannot read is in
``docs/testing.md`` ("assumed": AWS documents none of it). The scripted faults
(``FakeCustomLabels.faults``) are applied here, as the service's front end and
the network would. No socket is opened in-process; aioresponses 0.7.9 needs two
shims on aiohttp 3.14, in ``_aioresponses_shims``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import threading
import uuid
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Self

import aiohttp
import attrs
from aiohttp import web
from yarl import URL

from ._aioresponses_shims import large_bodies, response_class
from ._cloudwatch import CBOR_PATH_PREFIX, CloudWatchForm
from ._fake import FakeCustomLabels, FakeServiceError, Fault, FaultKind, decode_image_bytes

if TYPE_CHECKING:
    from aioresponses import aioresponses

__all__ = ["Emulator", "ThreadedEmulator", "dispatch", "in_process"]

logger = logging.getLogger("aiocustomlabels.testing")

CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "RekognitionService."

#: The largest request body the fake reads (assumed: 8 MiB). A DetectCustomLabels
#: request with a 5 MiB image is about 7 MiB of JSON (base64 is 4/3 of the bytes);
#: anything much larger is refused unread. A transport needs to hand ``dispatch``
#: no more than one byte past it.
MAX_REQUEST_BYTES = 8 * 1024 * 1024


@attrs.frozen(kw_only=True)
class WireReply:
    """What the transport sends back.

    Attributes:
        status: The HTTP status.
        headers: The HTTP headers.
        body: The body.
        delay: Seconds to wait before answering.
        truncate: Send only part of the body, then close the connection.
        drop: Close the connection without answering.
    """

    status: int
    headers: Mapping[str, str]
    body: bytes
    delay: float = 0.0
    truncate: bool = False
    drop: bool = False


class _Rekognition:
    """Rekognition's awsJson1_1, as ``dispatch`` speaks it (``CloudWatchForm`` is CloudWatch's)."""

    @staticmethod
    def operation(method: str, path: str, target: str) -> str:
        if method != "POST" or path not in {"/", ""}:
            raise FakeServiceError("UnknownOperationException", f"No route for {method} {path}.", 404)
        if not target.startswith(TARGET_PREFIX):
            raise FakeServiceError("UnknownOperationException", f"Unknown target {target!r}.")
        return target.removeprefix(TARGET_PREFIX)

    @staticmethod
    def loads(operation: str, body: bytes) -> Any:
        params = json.loads(body) if body else {}
        return decode_image_bytes(operation, params) if isinstance(params, dict) else params

    @staticmethod
    def headers(request_id: str) -> dict[str, str]:
        return {"Content-Type": CONTENT_TYPE, "x-amzn-RequestId": request_id}

    @staticmethod
    def dumps(value: Mapping[str, Any]) -> bytes:
        return json.dumps(value).encode()

    def error(self, exc: FakeServiceError, request_id: str) -> tuple[int, dict[str, str], bytes]:
        body = json.dumps({"__type": exc.code, "message": exc.message}).encode()
        return exc.status, {**self.headers(request_id), "x-amzn-ErrorType": exc.code}, body

    @staticmethod
    def fault(fault: Fault) -> FakeServiceError:
        return FakeServiceError(fault.code, fault.message, fault.status)

    @staticmethod
    def call(fake: FakeCustomLabels, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        return fake.call(operation, params)


_REKOGNITION = _Rekognition()


def _read(
    service: _Rekognition | CloudWatchForm, method: str, path: str, target: str, body: bytes
) -> tuple[str, dict[str, Any]]:
    """The operation a request names and its members, or the error the service answers a request it cannot read."""
    operation = service.operation(method, path, target)
    if len(body) > MAX_REQUEST_BYTES:
        raise FakeServiceError(
            "ValidationException", f"Request body must not exceed {MAX_REQUEST_BYTES} bytes.", 413
        )
    try:
        params = service.loads(operation, body)
    except (ValueError, RecursionError):
        # Not JSON (or CBOR), or nested deeper than a parser follows (the service's Jackson stops at 1000).
        params = None
    if not isinstance(params, dict):
        raise FakeServiceError("SerializationException", "The request body is not a valid object.")
    return operation, params


def dispatch(  # noqa: PLR0911 -- one return per kind of answer
    fake: FakeCustomLabels, *, method: str, path: str, headers: Mapping[str, str], body: bytes
) -> WireReply:
    """Answer one HTTP request to the fake service, Rekognition's or CloudWatch's."""
    request_id = str(uuid.uuid4())
    target = next((value for key, value in headers.items() if key.lower() == "x-amz-target"), "")
    service: _Rekognition | CloudWatchForm = CloudWatchForm.claims(path, target) or _REKOGNITION

    def error(exc: FakeServiceError, delay: float = 0.0) -> WireReply:
        status, reply_headers, reply_body = service.error(exc, request_id)
        return WireReply(status=status, headers=reply_headers, body=reply_body, delay=delay)

    try:
        operation, params = _read(service, method, path, target, body)
    except FakeServiceError as exc:
        return error(exc)
    fake.record(operation, params)
    delay, fault = fake.faults.take(operation)
    kind = fault.kind if fault is not None else None
    if kind is FaultKind.DROP:
        return WireReply(status=0, headers={}, body=b"", drop=True, delay=delay)
    if fault is not None and kind is FaultKind.MALFORMED:
        return WireReply(status=200, headers=service.headers(request_id), body=fault.body, delay=delay)
    if fault is not None and kind is FaultKind.ERROR:
        return error(service.fault(fault), delay)
    try:
        result = service.call(fake, operation, params)
    except FakeServiceError as exc:
        return error(exc, delay)
    except Exception:
        # A bug of the fake's: still an answer as the service's, and loud in the log.
        logger.exception("the fake failed on %s %r", operation, params)
        return error(FakeServiceError("InternalServerError", "The fake failed.", 500), delay)
    return WireReply(
        status=200,
        headers=service.headers(request_id),
        body=service.dumps(result),
        truncate=kind is FaultKind.TRUNCATED,
        delay=delay,
    )


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

    async def __aexit__(self, *exc_info: object) -> None:
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
            if not failure:
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

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


#: The endpoints routed into the fake: Rekognition's, in every region and partition.
AWS_ENDPOINTS = re.compile(r"^https://rekognition(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/?$")
#: CloudWatch's, likewise, at ``/`` (awsJson) and at the rpc-v2-cbor operation paths.
CLOUDWATCH_ENDPOINTS = re.compile(
    r"^https://monitoring(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?"
    rf"(/|{re.escape(CBOR_PATH_PREFIX)}[A-Za-z]+)?$"
)

#: Credentials that sign requests nobody checks. A profile named in the environment
#: would be looked up first (and may not exist on a test machine), so it is unset meanwhile.
_CREDENTIALS: dict[str, str | None] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_PROFILE": None,
    "AWS_DEFAULT_PROFILE": None,
}


@contextlib.contextmanager
def aws_environment(
    *, region: str | None = None, endpoint_url: str | None = None, credentials: bool = True
) -> Iterator[None]:
    """Set the AWS variables that point clients made with no arguments at a fake, and put back exactly those.

    Other changes made to the environment inside the block are kept. The
    pytest fixtures use it; so may code that makes its own emulator.

    Args:
        region: ``AWS_DEFAULT_REGION``, if given (the fake's ``region``, say).
        endpoint_url: ``AWS_ENDPOINT_URL_REKOGNITION`` and
            ``AWS_ENDPOINT_URL_CLOUDWATCH``, if given: an emulator's
            ``endpoint_url``, which serves both.
        credentials: Set dummy credentials, and unset ``AWS_PROFILE`` and
            ``AWS_DEFAULT_PROFILE``, so that clients sign without real ones.
    """
    changes = dict(_CREDENTIALS) if credentials else {}
    if region is not None:
        changes["AWS_DEFAULT_REGION"] = region
    if endpoint_url is not None:
        changes["AWS_ENDPOINT_URL_REKOGNITION"] = changes["AWS_ENDPOINT_URL_CLOUDWATCH"] = endpoint_url
    saved = {key: os.environ.get(key) for key in changes}
    try:
        _set_environment(changes)
        yield
    finally:
        _set_environment(saved)


def _set_environment(values: Mapping[str, str | None]) -> None:
    """Set each variable to its value; ``None`` unsets it."""
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


async def _body_bytes(data: Any) -> bytes:
    if isinstance(data, aiohttp.payload.Payload):
        # How the client hands over a large body (an image): a stream, as aiohttp asks.
        return await data.as_bytes()
    if data is None:
        return b""
    if isinstance(data, bytes | bytearray):
        return bytes(data)
    if isinstance(data, str):
        return data.encode()
    if hasattr(data, "read"):
        return bytes(data.read())
    msg = f"cannot read a request body of type {type(data).__name__}"  # pragma: no cover
    raise TypeError(msg)  # pragma: no cover


@contextlib.contextmanager
def in_process(
    fake: FakeCustomLabels, *, endpoint: str | re.Pattern[str] | None = None, credentials: bool = True
) -> Iterator[aioresponses]:
    """Route aiobotocore's requests to Rekognition and CloudWatch into ``fake``, in this process.

    Other requests are passed through to the network unchanged.

    Args:
        fake: The fake service that answers.
        endpoint: Route this URL (or pattern) instead of the AWS endpoints,
            for clients made with an ``endpoint_url``; Rekognition and
            CloudWatch clients may share it. A URL routes its CloudWatch
            rpc-v2-cbor paths too.
        credentials: Set dummy AWS credentials in the environment (and unset
            ``AWS_PROFILE``) while routing is on, so that clients sign without
            real ones; exactly those variables are put back on leaving.

    Yields:
        The active ``aioresponses`` mock, for further routes of your own.

    Raises:
        ModuleNotFoundError: aioresponses is not installed; install
            ``aiocustomlabels[testing]``.
    """
    from aioresponses import CallbackResult, aioresponses  # noqa: PLC0415 -- an optional dependency

    patterns: list[str | re.Pattern[str]] = [AWS_ENDPOINTS, CLOUDWATCH_ENDPOINTS]
    if isinstance(endpoint, str):
        base = endpoint.rstrip("/")
        patterns = [endpoint, re.compile(rf"^{re.escape(base)}{re.escape(CBOR_PATH_PREFIX)}[A-Za-z]+$")]
    elif endpoint is not None:
        patterns = [endpoint]
    shimmed_response = response_class()

    async def answer(url: URL, **kwargs: Any) -> CallbackResult:
        headers = {str(k): str(v) for k, v in (kwargs.get("headers") or {}).items()}
        reply = dispatch(
            fake, method="POST", path=url.path, headers=headers, body=await _body_bytes(kwargs.get("data"))
        )
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            raise aiohttp.ServerDisconnectedError
        if reply.truncate:
            msg = "Response payload is not completed"
            raise aiohttp.ClientPayloadError(msg)
        return CallbackResult(
            status=reply.status,
            body=reply.body,
            headers=dict(reply.headers),
            content_type=reply.headers.get("Content-Type", "application/json"),
            response_class=shimmed_response,
        )

    with contextlib.ExitStack() as stack:
        stack.enter_context(aws_environment(credentials=credentials))
        stack.enter_context(large_bodies())
        mocked = stack.enter_context(aioresponses(passthrough_unmatched=True))
        for pattern in patterns:
            mocked.post(pattern, callback=answer, repeat=True)
        yield mocked
