"""The in-process face of the fake: aiobotocore's HTTP routed into it by aioresponses.

No socket is opened. aioresponses 0.7.9 builds its responses without the
``stream_writer`` argument that aiohttp 3.14 requires
(pnuckowski/aioresponses#289; the fix, PR #288, is not merged). Our responses
carry a small shim for it; the shim turns itself off once aioresponses builds
responses that aiohttp accepts.
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
from yarl import URL

from ._fake import FakeCustomLabels
from ._wire import dispatch

if TYPE_CHECKING:
    from aioresponses import aioresponses

__all__ = ["AWS_ENDPOINTS", "in_process", "needs_stream_writer_shim"]

#: The endpoints routed into the fake: Rekognition's, in every region and partition.
AWS_ENDPOINTS = re.compile(r"^https://rekognition(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?/?$")

# Credentials that sign requests nobody checks; set only while routing is on.
_FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


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
    """Route aiobotocore's requests to Rekognition into ``fake``, in this process.

    Other requests are passed through to the network unchanged.

    Args:
        fake: The fake service that answers.
        endpoint: Route this URL (or pattern) instead of the AWS endpoints,
            for clients made with an ``endpoint_url``.
        credentials: Set dummy AWS credentials in the environment while
            routing is on, so that clients sign without real ones.

    Yields:
        The active ``aioresponses`` mock, for further routes of your own.

    Raises:
        ModuleNotFoundError: aioresponses is not installed; install
            ``aiocustomlabels[testing]``.
    """
    from aioresponses import CallbackResult, aioresponses  # noqa: PLC0415 -- an optional dependency

    pattern = AWS_ENDPOINTS if endpoint is None else endpoint
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

    env = dict(_FAKE_ENV) if credentials else {}
    with (
        mock.patch.dict(os.environ, env),
        aioresponses(passthrough_unmatched=True) as mocked,
    ):
        mocked.post(pattern, callback=answer, repeat=True)
        yield mocked
