"""The in-process face of the fake: aiobotocore's HTTP routed into it by aioresponses.

No socket is opened. aioresponses 0.7.9 does not fit aiohttp 3.14 in two ways,
each bridged by a shim that probes for the problem and turns itself off once
the problem is gone:

* it builds responses without the ``stream_writer`` argument that aiohttp 3.14
  requires (pnuckowski/aioresponses#289; the fix, PR #288, is not merged): our
  responses are built by a ClientResponse subclass that supplies it;
* its body reader has a protocol stub that fails an assertion when a body
  passes the reader's high-water mark (128 KiB) and aiohttp pauses reading: a
  page of 100 full descriptions is larger. Our reader's protocol ignores the
  pause, since there is no transport to pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import re
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any
from unittest import mock

import aiohttp
from aiohttp import StreamReader
from aiohttp.client_proto import ResponseHandler
from yarl import URL

from ._cloudwatch import CBOR_PATH_PREFIX
from ._fake import FakeCustomLabels
from ._wire import dispatch

if TYPE_CHECKING:
    from aioresponses import aioresponses

__all__ = [
    "AWS_ENDPOINTS",
    "CLOUDWATCH_ENDPOINTS",
    "in_process",
    "needs_large_body_shim",
    "needs_stream_writer_shim",
]

#: The endpoints routed into the fake: Rekognition's, in every region and partition.
AWS_ENDPOINTS = re.compile(r"^https://rekognition(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/?$")
#: CloudWatch's, likewise, at ``/`` (awsJson) and at the rpc-v2-cbor operation paths.
CLOUDWATCH_ENDPOINTS = re.compile(
    r"^https://monitoring(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?"
    rf"(/|{re.escape(CBOR_PATH_PREFIX)}[A-Za-z]+)?$"
)

#: Credentials that sign requests nobody checks; set only while routing is on.
#: A profile named in the environment would be looked up first (and may not
#: exist on a test machine), so it is unset meanwhile.
FAKE_ENV: dict[str, str | None] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_PROFILE": None,
    "AWS_DEFAULT_PROFILE": None,
}


@contextlib.contextmanager
def environment(changes: dict[str, str | None]) -> Iterator[None]:
    """Set (or unset, for None) these variables, and put back exactly these on leaving.

    Other changes made to the environment inside the block are kept.
    """
    saved = {key: os.environ.get(key) for key in changes}
    try:
        for key, value in changes.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old


class _NoStreamWriter:
    """What aiohttp reads of a stream writer: the bytes written, none here."""

    output_size = 0


class ShimmedClientResponse(aiohttp.ClientResponse):
    """A ClientResponse that aioresponses 0.7.9 can build on aiohttp 3.14."""

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _NoStreamWriter())
        super().__init__(method, url, **kwargs)


@cache
def needs_stream_writer_shim() -> bool:
    """Whether aioresponses still builds responses that this aiohttp refuses."""
    if "stream_writer" not in inspect.signature(aiohttp.ClientResponse.__init__).parameters:
        return False
    from aioresponses.core import RequestMatch  # noqa: PLC0415 -- an optional dependency

    probe = RequestMatch("http://probe.invalid/", method="GET", status=200)
    try:
        probe._build_response(URL("http://probe.invalid/"))
    except TypeError as exc:
        return "stream_writer" in str(exc)
    return False


class _UnpausableHandler(ResponseHandler):
    """A protocol stub for an in-memory body: there is no transport to pause."""

    def pause_reading(self) -> None:
        pass

    def resume_reading(self, *args: Any, **kwargs: Any) -> None:
        pass


def _in_memory_reader(loop: Any = None) -> StreamReader:
    return StreamReader(_UnpausableHandler(loop=loop), limit=2**16, loop=loop)


@cache
def needs_large_body_shim() -> bool:
    """Whether aioresponses' body reader still fails on bodies past its high-water mark."""
    from aioresponses.compat import stream_reader_factory  # noqa: PLC0415 -- an optional dependency

    loop = asyncio.new_event_loop()
    try:
        reader = stream_reader_factory(loop)
        reader.feed_data(b"x" * (2**18))
    except AssertionError:
        return True
    finally:
        loop.close()
    return False


def _body_bytes(data: Any) -> bytes:
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
    response_class = ShimmedClientResponse if needs_stream_writer_shim() else None

    async def answer(url: URL, **kwargs: Any) -> CallbackResult:
        headers = {str(k): str(v) for k, v in (kwargs.get("headers") or {}).items()}
        reply = dispatch(
            fake, method="POST", path=url.path, headers=headers, body=_body_bytes(kwargs.get("data"))
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
            response_class=response_class,
        )

    with contextlib.ExitStack() as stack:
        stack.enter_context(environment(FAKE_ENV if credentials else {}))
        if needs_large_body_shim():
            stack.enter_context(mock.patch("aioresponses.core.stream_reader_factory", _in_memory_reader))
        mocked = stack.enter_context(aioresponses(passthrough_unmatched=True))
        for pattern in patterns:
            mocked.post(pattern, callback=answer, repeat=True)
        yield mocked
