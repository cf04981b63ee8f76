"""The fault figures: what one call raises under each fault, with the default settings, and how long it takes.

Each fault is made on loopback, at the socket level (``benchmarks._faulty``)
or by the emulator's fault injection, on every attempt, and one
``describe_project_versions`` page is asked for through a client made by
``CustomLabelsClient.create()`` with ``DEFAULT_CONFIG``: botocore's standard
retry mode, 5 attempts, a 10 s connect timeout and a 30 s read timeout.
Reported for each: the exception, botocore's error under it, the attempts
that reached the network, the seconds the call took, the worst case those
settings allow for those attempts (each taking its whole timeout, plus the
longest backoffs between them: 1 + 2 + 4 + 8 s for five), and whether a wait
rides the fault out.
Target: no call takes more than a second (the round trips) past its worst case.

    uv run python -m benchmarks.bench_faults [--quick]

``--quick`` uses 1 s timeouts, for a run of seconds rather than minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs
from aiobotocore.config import AioConfig
from aiobotocore.session import get_session

from aiocustomlabels import DEFAULT_CONFIG, CustomLabelsClient
from aiocustomlabels._waiting import is_transient
from aiocustomlabels.testing import Emulator, FakeCustomLabels
from benchmarks._faulty import Fault, FaultyServer, blackhole_url, refused_url
from benchmarks._runner import Target, run_benchmark


def backoff_ceiling(attempts: int) -> float:
    """The longest botocore's standard mode sleeps between ``attempts`` attempts: rand(0, 1) * min(2 ** n, 20) each."""
    return float(sum(min(2**n, 20) for n in range(attempts - 1)))


@attrs.frozen(kw_only=True)
class Figure:
    """What one call did under one fault.

    Attributes:
        fault: The fault.
        raised: The exception's class.
        cause: botocore's error under it.
        attempts: Attempts made: connections or requests seen, or the configured attempts where none is seen.
        seconds: How long the call took.
        worst: The longest the settings allow.
        ridden_out: Whether a wait polls again after it.
    """

    fault: str
    raised: str
    cause: str
    attempts: int
    seconds: float
    worst: float
    ridden_out: bool


#: A fault: (name, what each attempt may take at most, a context that yields (URL, attempts counter)).
Scene = Callable[[], contextlib.AbstractAsyncContextManager[tuple[str, Callable[[], int | str]]]]


@contextlib.asynccontextmanager
async def _server(fault: Fault) -> AsyncIterator[tuple[str, Callable[[], int | str]]]:
    async with FaultyServer(fault) as server:
        yield server.endpoint_url, lambda: server.connections


@contextlib.asynccontextmanager
async def _refused() -> AsyncIterator[tuple[str, Callable[[], int | str]]]:
    yield refused_url(), lambda: "-"


@contextlib.asynccontextmanager
async def _blackhole() -> AsyncIterator[tuple[str, Callable[[], int | str]]]:
    with blackhole_url() as url:
        yield url, lambda: "-"


def _emulated(inject: Callable[[FakeCustomLabels], Any]) -> Scene:
    @contextlib.asynccontextmanager
    async def scene() -> AsyncIterator[tuple[str, Callable[[], int | str]]]:
        fake = FakeCustomLabels()
        fake.add_project("p")
        inject(fake)
        async with Emulator(fake) as emulator:
            yield emulator.endpoint_url, lambda: len(fake.requests)

    return scene


def scenes(connect: float, read: float) -> list[tuple[str, float, Scene]]:
    """Each fault, with the longest one attempt at it may take."""
    return [
        ("connection refused", 0.0, _refused),
        ("connect timeout (SYN dropped)", connect, _blackhole),
        ("reset after the request", 0.0, lambda: _server(Fault.RESET)),
        ("closed mid-body", 0.0, lambda: _server(Fault.CLOSE_MID_BODY)),
        ("no answer (read timeout)", read, lambda: _server(Fault.HANG)),
        ("proxy HTML page, 200", 0.0, lambda: _server(Fault.PROXY_HTML)),
        ("proxy HTML page, 502", 0.0, lambda: _server(Fault.BAD_GATEWAY)),
        ("ThrottlingException (500)", 0.0, _emulated(lambda f: f.faults.throttle(times=None))),
        ("InternalServerError (500)", 0.0, _emulated(lambda f: f.faults.server_error(times=None))),
        (
            "AccessDeniedException (400)",
            0.0,
            _emulated(lambda f: f.faults.error("AccessDeniedException", times=None)),
        ),
    ]


async def one_call(url: str, config: AioConfig | None) -> tuple[BaseException, float]:
    """The exception one first page raises at ``url``, and the seconds it took."""
    session = get_session()
    session.set_credentials("test", "test")
    async with CustomLabelsClient.create(
        region_name="us-east-1", endpoint_url=url, session=session, config=config
    ) as client:
        began = time.monotonic()
        try:
            await anext(
                client.describe_project_versions("arn:aws:rekognition:us-east-1:111122223333:project/p/1")
            )
        except Exception as error:  # every outcome is reported
            return error, time.monotonic() - began
    msg = "the call succeeded under a fault"
    raise AssertionError(msg)


async def figures(*, quick: bool) -> list[Figure]:
    """Every fault's figure, one call at a time."""
    config = AioConfig(connect_timeout=1, read_timeout=1) if quick else None
    merged = DEFAULT_CONFIG if config is None else DEFAULT_CONFIG.merge(config)
    attempts = merged.retries["total_max_attempts"]
    out = []
    for name, per_attempt, scene in scenes(merged.connect_timeout, merged.read_timeout):
        async with scene() as (url, count):
            error, seconds = await one_call(url, config)
            made = count()
            # Attempts the server did not see (refused, never accepted) are botocore's all.
            tries = made if isinstance(made, int) else attempts
            out.append(
                Figure(
                    fault=name,
                    raised=type(error).__name__,
                    cause=type(error.__cause__).__name__ if error.__cause__ else "-",
                    attempts=tries,
                    seconds=seconds,
                    worst=tries * per_attempt + backoff_ceiling(tries),
                    ridden_out=is_transient(error),
                )
            )
    return out


def measure(args: argparse.Namespace) -> list[Target]:
    """Print the table of fault figures."""
    rows = asyncio.run(figures(quick=args.quick))
    print("| fault | raises | botocore's error | attempts | seconds | worst case | a wait |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        wait = "rides it out" if row.ridden_out else "raises it"
        print(
            f"| {row.fault} | `{row.raised}` | `{row.cause}` | {row.attempts} | "
            f"{row.seconds:.1f} | {row.worst:.0f} | {wait} |"
        )
    # The worst case counts timeouts and backoffs; a second is left for the round trips on loopback.
    return [Target(f"{row.fault}: seconds past the worst case", row.seconds - row.worst, 1.0) for row in rows]


def arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's options."""
    parser.add_argument("--quick", action="store_true", help="1 s timeouts instead of the defaults")


if __name__ == "__main__":
    raise SystemExit(run_benchmark(__doc__, measure, arguments=arguments))
