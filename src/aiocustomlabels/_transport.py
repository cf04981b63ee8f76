"""The transport: one aiobotocore client, its requests, their errors, and closing it.

Every request of the library goes through ``Transport.call``, which maps
botocore's exceptions to ours (see ``_errors``) and ends the request at once
when the client is closed. Whether closing also closes the aiobotocore client
depends on who made it: ``CustomLabelsClient.create()`` makes and owns one; a
client passed in stays its caller's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self, TypeVar

import cattrs
from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError, ParamValidationError

from ._errors import (
    ClientClosedError,
    ConfigurationError,
    InvalidRequestError,
    MalformedResponseError,
    TransportError,
    error_from_client_error,
)

if TYPE_CHECKING:
    from types_aiobotocore_rekognition import RekognitionClient

__all__ = ["AsyncResource", "Transport"]

T = TypeVar("T")

#: The aiobotocore method of each CloudWatch operation the library sends.
CLOUDWATCH_METHODS: Final = {"GetMetricData": "get_metric_data"}

#: Opens an aiobotocore CloudWatch client: (the client, what closes it).
OpenCloudWatch = Callable[[], Awaitable[tuple[Any, Callable[[], Awaitable[object]]]]]

#: The aiobotocore method of each operation the library sends.
METHODS: Final = {
    "DescribeProjects": "describe_projects",
    "DescribeProjectVersions": "describe_project_versions",
    "StartProjectVersion": "start_project_version",
    "StopProjectVersion": "stop_project_version",
}


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
        """The aiobotocore method that sends ``operation``, from the client of its service."""
        if operation in CLOUDWATCH_METHODS:
            return getattr(await self._cloudwatch_client(), CLOUDWATCH_METHODS[operation])  # type: ignore[no-any-return]
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
            elif self._left is not None:
                self._left.set()

    async def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Send one request; return its response members, without ``ResponseMetadata``.

        Raises:
            ServiceError: The service answered with an error code (its subclass for the code).
            TransportError: No whole answer came back.
            ConfigurationError: botocore cannot send the request.
            InvalidRequestError: botocore's own parameter validation refused it.
            MalformedResponseError: botocore could not parse the answer.
            ClientClosedError: The client was closed.
        """
        return await self.guard(self._send(operation, params))

    async def _send(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        method = await self._method(operation)
        try:
            response: dict[str, Any] = await method(**params)
        except ClientError as exc:
            raise error_from_client_error(exc, operation) from exc
        except ParamValidationError as exc:
            raise InvalidRequestError(str(exc)) from exc
        except HTTPClientError as exc:
            msg = f"{operation}: no answer from the service: {exc}"
            raise TransportError(msg) from exc
        except BotoCoreError as exc:
            msg = f"{operation}: {exc}"
            raise ConfigurationError(msg) from exc
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            # botocore's parsers fail this way on a body that does not fit the model.
            msg = f"{operation}: botocore could not parse the response: {exc!r}"
            raise MalformedResponseError(msg) from exc
        response.pop("ResponseMetadata", None)
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
            for close in (self._close_cloudwatch, self._close_raw):
                if close is not None:
                    await close()
            self._close_raw = self._close_cloudwatch = None
