"""The transport: one aiobotocore client, its requests, their errors, and closing it.

Every request of the library goes through ``Transport.call``, which maps
botocore's exceptions to ours by their classes (see ``_errors``), checks that
the answer is the operation's output, and ends the request at once when the
client is closed. Whether closing also closes the aiobotocore client depends
on who made it: ``CustomLabelsClient.create()`` makes and owns one; a client
passed in stays its caller's.

What each botocore error becomes:

* ``ClientError`` (the service answered with an error code): the
  ``ServiceError`` of its code;
* botocore's ``ConnectionError`` family (refused, DNS, connect timeout, proxy,
  TLS), ``HTTPClientError`` and its family (reset, closed mid-body, read
  timeout, response streaming), ``IncompleteReadError`` and
  ``CapacityNotAvailableError``: ``TransportError``, the classes botocore's own
  retries count as transient;
* parameter validation: ``InvalidRequestError``;
* a parser that fails on the body: ``MalformedResponseError``, with the path of
  the bad member, found in the raw body that botocore's ``before-parse`` event
  hands over;
* any other ``BotoCoreError`` (no credentials, a credential provider that
  fails, a bad setting): ``ConfigurationError``;
* anything at all once this client is closed: ``ClientClosedError``, never a
  transient error.

Whether the client is closed is tracked here, not read off aiobotocore (which
has no public flag): ``aclose()`` sets it, and closes the aiobotocore client
only if ``create()`` made it. An aiobotocore client passed in is its caller's,
to close after ours: closed first, its requests fail as aiobotocore fails them
(``TransportError``).
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import json
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import cattrs
from aiohttp.payload import TOO_LARGE_BYTES_BODY, BytesIOPayload
from botocore.exceptions import (
    BotoCoreError,
    CapacityNotAvailableError,
    ClientError,
    HTTPClientError,
    IncompleteReadError,
    ParamValidationError,
    ValidationError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from ._converters import make_wire_converter
from ._errors import (
    ClientClosedError,
    ConfigurationError,
    InvalidRequestError,
    MalformedResponseError,
    TransportError,
    error_from_client_error,
)
from ._models import (
    DescribeProjectsResponse,
    DescribeProjectVersionsResponse,
    DetectCustomLabelsResponse,
    StartProjectVersionResponse,
    StopProjectVersionResponse,
)

if TYPE_CHECKING:
    from types_aiobotocore_rekognition import RekognitionClient

__all__ = ["AsyncResource", "Transport"]

T = TypeVar("T")

#: botocore's event before each answer of a Rekognition operation is parsed.
_EVENT: Final = "before-parse.rekognition"
#: Where a request's body is handed over as a stream: DetectCustomLabels carries images.
_SEND_EVENT: Final = "before-send.rekognition.DetectCustomLabels"

#: The aiobotocore method of each CloudWatch operation the library sends.
CLOUDWATCH_METHODS: Final = {"GetMetricData": "get_metric_data"}

#: Opens an aiobotocore CloudWatch client: (the client, what closes it).
OpenCloudWatch = Callable[[], Awaitable[tuple[Any, Callable[[], Awaitable[object]]]]]

#: The aiobotocore method of each operation the library sends.
METHODS: Final = {
    "DescribeProjects": "describe_projects",
    "DescribeProjectVersions": "describe_project_versions",
    "DetectCustomLabels": "detect_custom_labels",
    "StartProjectVersion": "start_project_version",
    "StopProjectVersion": "stop_project_version",
}

#: The output model of each operation: what a rejected body is walked against.
OUTPUTS: Final[dict[str, type]] = {
    "DescribeProjects": DescribeProjectsResponse,
    "DescribeProjectVersions": DescribeProjectVersionsResponse,
    "DetectCustomLabels": DetectCustomLabelsResponse,
    "StartProjectVersion": StartProjectVersionResponse,
    "StopProjectVersion": StopProjectVersionResponse,
}

#: The members each operation always sends. The service sends the list even
#: when it is empty; an answer without them is not the operation's output (a
#: proxy's HTML page, which botocore reads as ``{}``), never data. (That
#: DetectCustomLabels sends ``CustomLabels: []`` when it finds nothing is
#: assumed: AWS shows no such answer; an empty ``{}`` would otherwise pass for
#: "no labels".)
REQUIRED: Final = {
    "DescribeProjects": "ProjectDescriptions",
    "DescribeProjectVersions": "ProjectVersionDescriptions",
    "DetectCustomLabels": "CustomLabels",
    "GetMetricData": "MetricDataResults",
    "StartProjectVersion": "Status",
    "StopProjectVersion": "Status",
}

#: No whole answer came back: the classes botocore's retries count as transient
#: (``ConnectionError``: refused, DNS, connect timeout, proxy, TLS;
#: ``HTTPClientError``: reset, closed mid-body, read timeout, streaming), a
#: body cut short, and the client-side retry capacity spent.
NO_ANSWER: Final = (BotoConnectionError, HTTPClientError, IncompleteReadError, CapacityNotAvailableError)

#: What botocore's parsers raise on a body that does not fit the model.
PARSE_ERRORS: Final = (AttributeError, KeyError, TypeError, ValueError)

#: The raw body of the answer being parsed, per request: set by ``before-parse``.
_BODY: contextvars.ContextVar[list[bytes] | None] = contextvars.ContextVar(
    "aiocustomlabels_body", default=None
)

_wire_converter = make_wire_converter()


def _keep_body(response_dict: dict[str, Any] | None = None, **_: Any) -> None:
    """Keep the raw body for the request under way, if ours: the ``before-parse`` handler."""
    box = _BODY.get()
    if box is not None and response_dict is not None:
        body = response_dict.get("body")
        box[:] = [body] if isinstance(body, bytes) else []


class _StreamedBody(BytesIOPayload):
    """A request body that aiohttp writes in chunks, and that botocore can rewind for a retry."""

    def __init__(self, data: bytes, *, content_type: str | None) -> None:
        self._aiocustomlabels_stream = io.BytesIO(data)
        super().__init__(self._aiocustomlabels_stream, content_type=content_type)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move the stream's position: botocore rewinds a body before it resends it."""
        return self._aiocustomlabels_stream.seek(offset, whence)


def _stream_large_body(request: Any = None, **_: Any) -> None:
    """Hand aiohttp a body larger than 1 MiB as a stream: the ``before-send`` handler.

    aiohttp warns (``ResourceWarning``) about a body of raw bytes over
    ``TOO_LARGE_BYTES_BODY`` (1 MiB), which would hold the event loop while it
    is written, and asks for a stream instead; an image of 750 KB is already
    1 MiB of base64. Its ``BytesIOPayload`` writes in chunks and yields to the
    loop between them. A payload rather than a bare ``io.BytesIO``:
    aiobotocore wraps a file-like body in a proxy that aioresponses (the
    in-process fake, and users' own mocks) cannot copy. The request is signed
    by now, and the bytes sent are the same.
    """
    body = getattr(request, "body", None)
    if isinstance(body, bytes) and len(body) > TOO_LARGE_BYTES_BODY:
        request.body = _StreamedBody(body, content_type=request.headers.get("Content-Type"))


def locate(operation: str, body: bytes | None, error: Exception) -> MalformedResponseError:
    """The ``MalformedResponseError`` for a body botocore's parser raised ``error`` on.

    The raw body is walked with the checked converter, timestamps read as
    botocore reads them, so that the error names the path of the member
    botocore rejected, list indexes included. When the body cannot be walked
    (it was not kept, or the walk finds nothing wrong), the path is ``$``.
    """
    fallback = MalformedResponseError(f"{operation}: botocore could not parse the response: {error!r}")
    if body is None:
        return fallback
    try:
        data = json.loads(body)
    except ValueError:
        return MalformedResponseError(f"{operation}: the body is not JSON: {body[:60]!r}")
    output = OUTPUTS.get(operation)
    if output is None:  # CloudWatch's: no model of ours to walk it with
        return fallback
    try:
        _wire_converter.structure(data, output)
    except MalformedResponseError as exc:
        return exc
    return fallback


class AsyncResource:
    """Something to close: ``async with`` it, or call ``aclose()``."""

    async def aclose(self) -> None:
        """Close it; closing twice is harmless."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class Transport:
    """Sends the library's requests through an aiobotocore Rekognition client.

    Args:
        raw: The aiobotocore client.
        converter: Structures the responses.
        close_raw: Closes ``raw`` when the transport closes; ``None`` when
            ``raw`` belongs to the caller.
    """

    def __init__(
        self,
        raw: RekognitionClient,
        *,
        converter: cattrs.Converter,
        close_raw: Callable[[], Awaitable[object]] | None = None,
        cloudwatch: Any = None,
    ) -> None:
        self.raw = raw
        self.converter = converter
        self._close_raw = close_raw
        # CloudWatch: the caller's client, or one opened on first use (and closed with ours).
        self._cloudwatch = cloudwatch
        self._open_cloudwatch: OpenCloudWatch | None = None
        self._close_cloudwatch: Callable[[], Awaitable[object]] | None = None
        self._opening: asyncio.Lock | None = None
        self._closed = False
        # The tasks inside a guard (how deep), those that closing cancelled, and
        # what tells aclose() they have all left.
        self._inside: dict[asyncio.Task[Any], int] = {}
        self._cancelled: set[asyncio.Task[Any]] = set()
        self._left: asyncio.Event | None = None
        events = getattr(getattr(raw, "meta", None), "events", None)
        self._events = events if hasattr(events, "register") else None
        if self._events is not None:
            self._events.register(_EVENT, _keep_body, unique_id=self._handler_id)
            # A unique id names one handler on the emitter, whatever its event: another id.
            self._events.register(_SEND_EVENT, _stream_large_body, unique_id=f"{self._handler_id}-send")

    @property
    def _handler_id(self) -> str:
        return f"aiocustomlabels-body-{id(self)}"

    def owns(self, close_raw: Callable[[], Awaitable[object]]) -> None:
        """Take ownership of the raw client: ``close_raw`` closes it when the transport closes."""
        self._close_raw = close_raw

    def opens_cloudwatch(self, opener: OpenCloudWatch) -> None:
        """Open a CloudWatch client with ``opener`` when one is first needed; close it with the transport."""
        self._open_cloudwatch = opener

    @property
    def cloudwatch(self) -> Any:
        """The aiobotocore CloudWatch client, if one was given or opened yet."""
        return self._cloudwatch

    async def _cloudwatch_client(self) -> Any:
        if self._cloudwatch is not None:
            return self._cloudwatch
        if self._open_cloudwatch is None:
            msg = (
                "no CloudWatch client: pass cloudwatch= (an aiobotocore CloudWatch client) to "
                "CustomLabelsClient, or make the client with CustomLabelsClient.create()"
            )
            raise ConfigurationError(msg)
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:
            if self._cloudwatch is None:
                try:
                    client, close = await self._open_cloudwatch()
                except BotoCoreError as exc:
                    msg = f"cannot create a CloudWatch client: {exc}"
                    raise ConfigurationError(msg) from exc
                self._cloudwatch, self._close_cloudwatch = client, close
        return self._cloudwatch

    async def _method(self, operation: str) -> Callable[..., Awaitable[dict[str, Any]]]:
        """The method of the aiobotocore client of ``operation``'s service that sends it."""
        if operation in CLOUDWATCH_METHODS:
            client = await self._cloudwatch_client()
            return getattr(client, CLOUDWATCH_METHODS[operation])  # type: ignore[no-any-return]
        return getattr(self.raw, METHODS[operation])  # type: ignore[no-any-return]

    @property
    def closed(self) -> bool:
        """Whether ``aclose()`` was called."""
        return self._closed

    def check_open(self) -> None:
        """Raise ``ClientClosedError`` if the client was closed."""
        if self._closed:
            raise ClientClosedError("the client is closed")

    async def guard(self, work: Coroutine[Any, Any, T]) -> T:
        """Await ``work`` in this task, and end it with ``ClientClosedError`` if the client closes.

        Closing cancels the tasks inside a guard, as ``asyncio.timeout()``
        does, and the guard turns its own cancellation into
        ``ClientClosedError``; a cancellation from anyone else stays one. No
        task is made: ``work`` runs in the caller's, wherever it is (a request,
        a sleep, a caller's callback) when the close comes.

        Why cancel-and-uncancel rather than racing ``work`` against a "closed"
        event in ``asyncio.wait``: the race needs ``work`` in a task of its
        own, and then (1) a caller's callback that calls ``aclose()`` from
        inside a wait runs in the task that closing must cancel, so the close
        would cancel itself halfway; (2) every request pays a task and a
        context copy, which the listing's overlap benchmark counts; (3) a
        cancellation of the caller must be forwarded to that task by hand.
        ``uncancel()`` is the documented way (``asyncio.timeout()`` uses it) to
        take back a cancellation one sent; it is done in one place, here.
        """
        if self._closed:
            work.close()
            raise ClientClosedError("the client is closed")
        task = asyncio.current_task()
        assert task is not None  # noqa: S101 -- asyncio code always runs in a task
        self._inside[task] = self._inside.get(task, 0) + 1
        try:
            return await work
        except asyncio.CancelledError:
            if task not in self._cancelled:
                raise
            self._cancelled.discard(task)
            if task.uncancel() > 0:
                raise  # cancelled by someone else too: that cancellation goes on
            raise ClientClosedError("the client was closed while this was under way") from None
        finally:
            depth = self._inside.pop(task) - 1
            if depth:
                self._inside[task] = depth
            else:
                if task in self._cancelled:
                    # Our cancellation never came out (the work swallowed it): take it
                    # back, so that no asyncio.timeout() of the caller mistakes it for its own.
                    self._cancelled.discard(task)
                    task.uncancel()
                if self._left is not None:
                    self._left.set()

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Send one request; return its response members, without ``ResponseMetadata``.

        Raises:
            ServiceError: The service answered with an error code (its subclass for the code).
            TransportError: No whole answer came back, once botocore's retries were spent.
            ConfigurationError: botocore cannot send the request: no credentials, a bad setting.
            InvalidRequestError: botocore's own parameter validation refused it.
            MalformedResponseError: The answer is not the operation's output, or
                botocore could not parse it; the path names the bad member.
            ClientClosedError: The client, or the aiobotocore client underneath, was closed.
        """
        return await self.guard(self._send(operation, params))

    async def _send(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        self.check_open()
        method = await self._method(operation)
        box: list[bytes] = []
        token = _BODY.set(box)
        try:
            response: dict[str, Any] = await method(**params)
        except ClientError as exc:
            raise error_from_client_error(exc, operation) from exc
        except (ParamValidationError, ValidationError) as exc:
            raise InvalidRequestError(str(exc)) from exc
        except Exception as exc:
            # Closing fails the requests it interrupts in ways that look transient: say what it is.
            if self._closed:
                msg = "the client was closed while this was under way"
                raise ClientClosedError(msg) from exc
            if isinstance(exc, NO_ANSWER):
                msg = f"{operation}: no answer from the service: {exc}"
                raise TransportError(msg) from exc
            if isinstance(exc, BotoCoreError):
                msg = f"{operation}: {exc}"
                raise ConfigurationError(msg) from exc
            if isinstance(exc, PARSE_ERRORS):
                raise locate(operation, box[0] if box else None, exc) from exc
            raise
        finally:
            head = box[0][:60] if box else b""
            # aiohttp's callbacks copy the context the request ran in, and some outlive
            # it (keep-alive timers): they must not keep the body alive with them.
            box.clear()
            _BODY.reset(token)
        response.pop("ResponseMetadata", None)
        required = REQUIRED[operation]
        if required not in response:
            msg = f"{operation} answered without {required}: not the operation's output (body {head!r})"
            raise MalformedResponseError(msg, (required,))
        return response

    def structure(self, data: Any, cls: type[T]) -> T:
        """``data`` as an instance of the model ``cls``."""
        return self.converter.structure(data, cls)

    async def aclose(self) -> None:
        """End every request under way with ``ClientClosedError``, then close the raw client if ours.

        Closing twice is harmless.
        """
        if self._closed:
            return
        self._closed = True
        current = asyncio.current_task()
        self._left = asyncio.Event()
        for task in self._inside:
            # aclose() may be called from inside a guard (a wait's callback): that
            # task is not cancelled; its next request raises ClientClosedError.
            if task is not current:
                task.cancel("the client was closed")
                self._cancelled.add(task)
        try:
            # What was under way has ended, or at least left the library, when we return.
            while any(task is not current for task in self._inside):
                self._left.clear()
                await self._left.wait()
        finally:
            if self._events is not None:
                # A client passed in stays the caller's: leave nothing of ours on it.
                self._events.unregister(_EVENT, _keep_body, unique_id=self._handler_id)
                self._events.unregister(_SEND_EVENT, _stream_large_body, unique_id=f"{self._handler_id}-send")
            for close in (self._close_cloudwatch, self._close_raw):
                if close is not None:
                    await close()
            self._close_raw = self._close_cloudwatch = None
