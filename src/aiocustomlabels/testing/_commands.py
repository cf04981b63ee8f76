"""The ``emulator`` and ``demo`` commands of the command line.

They live on the testing side: only these two commands import
``aiocustomlabels.testing``, and only when they run; the operator commands
(``versions``, ``start``, ``stop``) never do.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import signal
import time

from aiobotocore.session import get_session

from .._cli import CommandError
from .._client import CustomLabelsClient
from .._waiting import Backoff
from ._clock import Clock, ScaledClock, StepClock, VirtualClock
from ._demo import DAY, run_main_job, seed_day, seed_demo
from ._fake import FakeCustomLabels
from ._server import Emulator

__all__ = ["demo", "serve"]

#: The demo's polls: its emulated start takes seconds, not minutes.
DEMO_BACKOFF = Backoff(min_delay=0.25, max_delay=1.0)


async def serve(args: argparse.Namespace) -> int:
    """``emulator``: serve the fake on loopback HTTP until SIGINT or SIGTERM."""
    lines: list[str] = []
    if args.seed == "day":
        # A day already played: its clock stands still at the day's end, so that its
        # metrics read the same whenever they are asked for.
        day_fake = FakeCustomLabels(
            clock=VirtualClock(start=DAY.timestamp()),
            start_seconds=args.start_seconds,
            stop_seconds=args.stop_seconds,
        )
        day = seed_day(day_fake)
        fake: FakeCustomLabels[Clock] = day_fake
        lines.append(
            f"Auto-scaling day ({day.start:%Y-%m-%d}, UTC; the clock stands at its end): {day.version_arn}"
        )
    else:
        clock: Clock = (
            ScaledClock()
            if args.seconds_per_request is None
            else StepClock(args.seconds_per_request, start=time.time())
        )
        fake = FakeCustomLabels(clock=clock, start_seconds=args.start_seconds, stop_seconds=args.stop_seconds)
        if args.seed == "demo":
            lines.append(f"Demo project: {seed_demo(fake).project_arn}")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    emulator = Emulator(fake, host=args.host, port=args.port)
    try:
        try:
            await emulator.start()
        except OSError as exc:
            raise CommandError(_bind_failure(args.host, args.port, exc)) from exc
        try:
            print(f"Custom Labels emulator listening on {emulator.endpoint_url}", flush=True)
            for line in lines:
                print(line, flush=True)
            await stop.wait()
            print("Stopping the emulator.", flush=True)
        finally:
            await emulator.stop()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0


def _bind_failure(host: str, port: int, exc: OSError) -> str:
    """Why the emulator cannot listen, and what to do, in a line."""
    if exc.errno == errno.EADDRINUSE:
        return (
            f"cannot listen on {host}:{port}: the port is in use by another server (4566 is "
            "LocalStack's port too): pass another --port, or --port 0 for a free one"
        )
    return f"cannot listen on {host}:{port}: {exc.strerror or exc}: check --host and --port"


async def demo(args: argparse.Namespace) -> int:
    """``demo``: the main job on an embedded emulator; no AWS account involved."""
    fake = FakeCustomLabels(clock=ScaledClock(), start_seconds=args.start_seconds, stop_seconds=1.0)
    seeded = seed_demo(fake)
    async with Emulator(fake) as emulator:
        print(f"Embedded Custom Labels emulator on {emulator.endpoint_url} (no AWS account involved)")
        session = get_session()
        # The emulator checks no signature; against AWS, your own credentials apply.
        session.set_credentials("demo", "demo")
        async with CustomLabelsClient.create(
            region_name="us-east-1", endpoint_url=emulator.endpoint_url, session=session
        ) as client:
            await run_main_job(client, seeded.project_arn, seeded.ready_version, backoff=DEMO_BACKOFF)
    return 0
