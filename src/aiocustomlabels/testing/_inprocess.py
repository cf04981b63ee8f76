"""The in-process face of the fake: aiobotocore's HTTP routed into it by aioresponses.

No socket is opened. aioresponses 0.7.9 needs two shims on aiohttp 3.14; they
live in ``_aioresponses_shims``, which probes for each bug.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import aiohttp
from yarl import URL

from ._aioresponses_shims import large_bodies, response_class
from ._cloudwatch import CBOR_PATH_PREFIX
from ._fake import FakeCustomLabels
from ._wire import dispatch

if TYPE_CHECKING:
    from aioresponses import aioresponses

__all__ = [
    "AWS_ENDPOINTS",
    "CLOUDWATCH_ENDPOINTS",
    "in_process",
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
        stack.enter_context(environment(FAKE_ENV if credentials else {}))
        stack.enter_context(large_bodies())
        mocked = stack.enter_context(aioresponses(passthrough_unmatched=True))
        for pattern in patterns:
            mocked.post(pattern, callback=answer, repeat=True)
        yield mocked
