"""Shims for open bugs of aioresponses, the only place that reaches into its internals.

aioresponses 0.7.9 does not fit aiohttp 3.14 in two ways. Each shim probes
for its bug the first time it is asked, and turns itself off once the bug is
fixed (a new aioresponses, or an aiohttp without the change), so nothing here
needs removing by hand when upstream catches up:

* aioresponses builds responses without the ``stream_writer`` argument that
  aiohttp 3.14 requires (pnuckowski/aioresponses#289; the fix, PR #288, is not
  merged). The probe builds one response through aioresponses'
  ``RequestMatch._build_response``; while it fails for that reason, the fake's
  responses are built by ``ShimmedClientResponse``, which supplies one.
* Its body reader (``aioresponses.core.stream_reader_factory``) has a protocol
  stub that fails an assertion when a body passes the reader's high-water
  mark (128 KiB) and aiohttp pauses reading: a page of 100 full descriptions
  is larger. The probe feeds such a body; while it fails, ``large_bodies()``
  patches in a reader whose protocol ignores the pause (there is no transport
  to pause).

aioresponses is a dependency the project is built on and keeps: these private
names are read here and nowhere else.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Iterator
from functools import cache
from typing import Any
from unittest import mock

import aiohttp
from aiohttp import StreamReader
from aiohttp.client_proto import ResponseHandler
from yarl import URL

_PROBE_URL = "http://probe.invalid/"


class _NoStreamWriter:
    """What aiohttp reads of a stream writer: the bytes written, none here."""

    output_size = 0


class ShimmedClientResponse(aiohttp.ClientResponse):
    """A ClientResponse that aioresponses 0.7.9 can build on aiohttp 3.14."""

    def __init__(self, method: str, url: URL, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", _NoStreamWriter())
        super().__init__(method, url, **kwargs)


def build_probe_response() -> None:
    """Build one response the way aioresponses does; it raises TypeError while #289 is open."""
    from aioresponses.core import RequestMatch  # noqa: PLC0415 -- an optional dependency

    RequestMatch(_PROBE_URL, method="GET", status=200)._build_response(URL(_PROBE_URL))


@cache
def needs_stream_writer_shim() -> bool:
    """Whether aioresponses still builds responses that this aiohttp refuses."""
    if "stream_writer" not in inspect.signature(aiohttp.ClientResponse.__init__).parameters:
        return False
    try:
        build_probe_response()
    except TypeError as exc:
        return "stream_writer" in str(exc)
    return False


def response_class() -> type[aiohttp.ClientResponse] | None:
    """The response class the fake's answers need: the shimmed one, or aioresponses' own (None)."""
    return ShimmedClientResponse if needs_stream_writer_shim() else None


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


@contextlib.contextmanager
def large_bodies() -> Iterator[None]:
    """While inside, aioresponses reads bodies of any size (nothing is patched once it can)."""
    if not needs_large_body_shim():
        yield
        return
    with mock.patch("aioresponses.core.stream_reader_factory", _in_memory_reader):
        yield
