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
  the bad member when the client's session is one the library made (see
  ``new_session``), at ``$`` otherwise;
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
import functools
import io
import json
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import cattrs
from aiobotocore.session import AioSession
from aiohttp.payload import TOO_LARGE_BYTES_BODY, BytesIOPayload
from botocore import xform_name
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
from botocore.loaders import Loader, create_loader
from botocore.utils import parse_timestamp

from ._errors import (
    ClientClosedError,
    ConfigurationError,
    InvalidRequestError,
    MalformedResponseError,
    TransportError,
    error_from_client_error,
)

if TYPE_CHECKING:
    from botocore.model import Shape
    from types_aiobotocore_rekognition import RekognitionClient

__all__ = ["AsyncResource", "Transport", "new_session"]

T = TypeVar("T")

#: Where a request's body is handed over as a stream: DetectCustomLabels carries images.
_SEND_EVENT: Final = "before-send.rekognition.DetectCustomLabels"

#: Opens an aiobotocore CloudWatch client: (the client, what closes it).
OpenCloudWatch = Callable[[], Awaitable[tuple[Any, Callable[[], Awaitable[object]]]]]

#: The members each operation always sends (the keys are the operations the library sends). The service sends the list even
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


def _misfit(shape: Shape, value: object, path: tuple[str | int, ...]) -> MalformedResponseError | None:
    """The first member of ``value`` that botocore's JSON parser fails on, by the output ``shape``.

    That parser takes a structure's value for a mapping, a list's for a list,
    and a timestamp's for what ``parse_timestamp`` reads; it takes anything else
    as it comes (the converter checks it next). The walk is made only after it failed.
    """
    if shape.type_name == "structure":
        if not isinstance(value, dict):
            return MalformedResponseError(
                f"expected an object, got {type(value).__name__} {value!r:.60}", path
            )
        for name, member in shape.members.items():
            item = value.get(member.serialization.get("name", name))
            found = None if item is None else _misfit(member, item, (*path, name))
            if found is not None:
                return found
    elif shape.type_name == "list":
        if not isinstance(value, list):
            return MalformedResponseError(f"expected a list, got {type(value).__name__} {value!r:.60}", path)
        for index, item in enumerate(value):
            found = None if item is None else _misfit(shape.member, item, (*path, index))
            if found is not None:
                return found
    elif shape.type_name == "timestamp":
        try:
            parse_timestamp(value)
        except Exception:  # whatever botocore's parser raises, botocore fails on the member
            return MalformedResponseError(
                f"expected a timestamp, got {type(value).__name__} {value!r:.60}", path
            )
    return None


class _LocatingParser:
    """botocore's JSON parser, whose failure on an answer names the path of the member it failed on."""

    def __init__(self, parser: Any) -> None:
        self._parser = parser

    async def parse(self, response: dict[str, Any], shape: Shape | None) -> Any:
        """Parse as botocore does; on a failure, walk the body, which is at hand only here."""
        try:
            return await self._parser.parse(response, shape)
        except PARSE_ERRORS as exc:
            # botocore read the body as JSON before it failed on a member of it.
            found = None if shape is None else _misfit(shape, json.loads(response["body"]), ())
            if found is None:
                raise
            raise found from exc


class _LocatingParsers:
    """A session's parser factory whose JSON parsers locate what they fail on (``_LocatingParser``)."""

    def __init__(self, factory: Any) -> None:
        self._factory = factory

    def create_parser(self, protocol: str) -> Any:
        """Botocore's parser of ``protocol``: located if it reads JSON."""
        parser = self._factory.create_parser(protocol)
        return _LocatingParser(parser) if protocol == "json" else parser


@functools.cache
def _loader(data_path: str | None) -> Loader:
    """The process's loader of the files under ``data_path`` (and botocore's own)."""
    return create_loader(data_path)


def new_session(profile: str | None = None) -> AioSession:
    """A new aiobotocore session, of ``profile`` if given, for the library's own clients.

    botocore gives each new session a data loader of its own, which parses the
    JSON files of the service models, endpoints and partitions again: about a
    third of a second of CPU for every client. The files do not change while a
    process runs, so the sessions made here share one loader for each data
    path (``AWS_DATA_PATH``, the profile's ``data_path``). Their JSON parsers
    also name the path of a member they fail on (``MalformedResponseError``).
    A session given by the caller is left as it is: its parse failures are
    located at ``$``.
    """
    session = AioSession(profile=profile)
    # Lazily, as botocore registers its own: reading data_path reads the configuration, whose
    # errors (an unknown profile) belong to the client's creation, where they are reported.
    session.lazy_register_component("data_loader", lambda: _loader(session.get_config_variable("data_path")))
    session.register_component(
        "response_parser_factory", _LocatingParsers(session.get_component("response_parser_factory"))
    )
    return session


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
        raw: The aiobotocore client, the caller's unless ``close_raw`` is set.
        converter: Structures the responses.
        cloudwatch: The caller's aiobotocore CloudWatch client, if any.

    Attributes:
        close_raw: Closes ``raw`` when the transport closes; ``None`` while
            ``raw`` belongs to the caller.
        open_cloudwatch: Opens a CloudWatch client when one is first needed
            (closed with the transport); ``None``: only ``cloudwatch`` is used.
        cloudwatch: The aiobotocore CloudWatch client, if one was given or opened yet.
        closed: Whether ``aclose()`` was called.
    """

    def __init__(
        self, raw: RekognitionClient, *, converter: cattrs.Converter, cloudwatch: Any = None
    ) -> None:
        self.raw = raw
        self.converter = converter
        self.close_raw: Callable[[], Awaitable[object]] | None = None
        self.cloudwatch = cloudwatch
        self.open_cloudwatch: OpenCloudWatch | None = None
        self._close_cloudwatch: Callable[[], Awaitable[object]] | None = None
        self._opening = asyncio.Lock()
        self.closed = False
        # The tasks inside a guard (how deep), those that closing cancelled, and
        # what tells aclose() they have all left.
        self._inside: dict[asyncio.Task[Any], int] = {}
        self._cancelled: set[asyncio.Task[Any]] = set()
        self._left: asyncio.Event | None = None
        events = getattr(getattr(raw, "meta", None), "events", None)
        self._events = events if hasattr(events, "register") else None
        self._handler_id = f"aiocustomlabels-send-{id(self)}"
        if self._events is not None:
            self._events.register(_SEND_EVENT, _stream_large_body, unique_id=self._handler_id)

    async def _cloudwatch_client(self) -> Any:
        if self.cloudwatch is None and self.open_cloudwatch is None:
            msg = (
                "no CloudWatch client: pass cloudwatch= (an aiobotocore CloudWatch client) to "
                "CustomLabelsClient, or make the client with CustomLabelsClient.create()"
            )
            raise ConfigurationError(msg)
        async with self._opening:
            if self.cloudwatch is None and self.open_cloudwatch is not None:
                try:
                    self.cloudwatch, self._close_cloudwatch = await self.open_cloudwatch()
                except BotoCoreError as exc:
                    msg = f"cannot create a CloudWatch client: {exc}"
                    raise ConfigurationError(msg) from exc
        return self.cloudwatch

    def check_open(self) -> None:
        """Raise ``ClientClosedError`` if the client was closed."""
        if self.closed:
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
        if self.closed:
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

        A member given as ``None`` is not sent: the service's default is its own.

        Raises:
            ServiceError: The service answered with an error code (its subclass for the code).
            TransportError: No whole answer came back, once botocore's retries were spent.
            ConfigurationError: botocore cannot send the request: no credentials, a bad setting.
            InvalidRequestError: botocore's own parameter validation refused it.
            MalformedResponseError: The answer is not the operation's output, or
                botocore could not parse it; the path names the bad member.
            ClientClosedError: The client, or the aiobotocore client underneath, was closed.
        """
        members = {name: value for name, value in params.items() if value is not None}
        return await self.guard(self._send(operation, members))

    async def _send(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        self.check_open()
        client = await self._cloudwatch_client() if operation == "GetMetricData" else self.raw
        method = getattr(client, xform_name(operation))
        try:
            response: dict[str, Any] = await method(**params)
        except ClientError as exc:
            raise error_from_client_error(exc, operation) from exc
        except (ParamValidationError, ValidationError) as exc:
            raise InvalidRequestError(str(exc)) from exc
        except MalformedResponseError:
            raise  # located by our parser (see new_session)
        except Exception as exc:
            # Closing fails the requests it interrupts in ways that look transient: say what it is.
            if self.closed:
                msg = "the client was closed while this was under way"
                raise ClientClosedError(msg) from exc
            if isinstance(exc, NO_ANSWER):
                msg = f"{operation}: no answer from the service: {exc}"
                raise TransportError(msg) from exc
            if isinstance(exc, BotoCoreError):
                msg = f"{operation}: {exc}"
                raise ConfigurationError(msg) from exc
            if isinstance(exc, PARSE_ERRORS):
                msg = f"{operation}: botocore could not parse the response: {exc!r}"
                raise MalformedResponseError(msg) from exc
            raise
        meta = response.pop("ResponseMetadata", None) or {}
        required = REQUIRED[operation]
        if required not in response:
            # The content type tells a proxy's page from a truncated answer, with no body kept.
            kind = (meta.get("HTTPHeaders") or {}).get("content-type", "no content type")
            msg = f"{operation} answered without {required} ({kind}): not the operation's output"
            raise MalformedResponseError(msg, (required,))
        return response

    def structure(self, data: Any, cls: type[T]) -> T:
        """``data`` as an instance of the model ``cls``."""
        return self.converter.structure(data, cls)

    async def aclose(self) -> None:
        """End every request under way with ``ClientClosedError``, then close the raw client if ours.

        Closing twice is harmless.
        """
        if self.closed:
            return
        self.closed = True
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
                self._events.unregister(_SEND_EVENT, _stream_large_body, unique_id=self._handler_id)
            for close in (self._close_cloudwatch, self.close_raw):
                if close is not None:
                    await close()
            self.close_raw = self._close_cloudwatch = None
