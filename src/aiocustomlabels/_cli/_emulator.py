"""``emulator`` and ``demo``: the fake service on loopback HTTP, and the main job against it.

The only commands that use ``aiocustomlabels.testing``, whose extra
(``aiocustomlabels[testing]``) the operator commands do not need: the command
table imports this module only when one of them runs.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import signal
import time
from dataclasses import dataclass

from .._client import CustomLabelsClient
from .._polling import Backoff
from .._transport import new_session
from ..testing import Clock, Emulator, FakeCustomLabels, ScaledClock, StepClock, VirtualClock
from ..testing._demo import DAY, run_main_job, seed_day, seed_demo
from ._failures import EXIT_OK, CommandError

__all__ = ["Emulated", "demo", "emulated", "serve"]

#: The demo's polls: its emulated start takes seconds, not minutes.
DEMO_BACKOFF = Backoff(min_delay=0.25, max_delay=1.0)


def _clock(seconds_per_request: float | None) -> Clock:
    """Real time; or, with ``--seconds-per-request``, time that moves only with the requests."""
    if seconds_per_request is None:
        return ScaledClock()
    return StepClock(seconds_per_request, start=time.time())


@dataclass(frozen=True)
class Emulated:
    """What the ``emulator`` command serves, as its arguments say.

    Attributes:
        fake: The fake service.
        held: The lines that tell what it holds (the demo project's ARN, the day's version).
    """

    fake: FakeCustomLabels[Clock]
    held: tuple[str, ...]

    def banner(self, endpoint_url: str) -> list[str]:
        """The lines the command prints once it listens at ``endpoint_url``."""
        return [f"Custom Labels emulator listening on {endpoint_url}", *self.held]


def emulated(args: argparse.Namespace, *, clock: Clock | None = None) -> Emulated:
    """The fake the ``emulator`` command serves for its parsed ``args``, seeded as ``--seed`` says.

    Args:
        args: The command's arguments, as its parser parsed them.
        clock: The clock of a live fake (``--seed demo`` or ``none``) instead of the one
            ``--seconds-per-request`` chooses: a test's ``LoopClock``. The day's fake keeps its own.
    """
    if args.seed == "day":
        # A day already played: its clock stands still at the day's end, so that its
        # metrics read the same whenever they are asked for.
        day_fake = FakeCustomLabels(
            clock=VirtualClock(start=DAY.timestamp()),
            start_seconds=args.start_seconds,
            stop_seconds=args.stop_seconds,
            tps_per_unit=args.tps_per_unit,
        )
        day = seed_day(day_fake)
        held = f"Auto-scaling day ({day.start:%Y-%m-%d}, UTC; the clock stands at its end): {day.version_arn}"
        return Emulated(day_fake, (held,))
    fake: FakeCustomLabels[Clock] = FakeCustomLabels(
        clock=_clock(args.seconds_per_request) if clock is None else clock,
        start_seconds=args.start_seconds,
        stop_seconds=args.stop_seconds,
        tps_per_unit=args.tps_per_unit,
    )
    if args.seed == "demo":
        return Emulated(fake, (f"Demo project: {seed_demo(fake).project_arn}",))
    return Emulated(fake, ())


async def serve(args: argparse.Namespace) -> int:
    """``emulator``: serve the fake on loopback HTTP until SIGINT or SIGTERM."""
    served = emulated(args)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    emulator = Emulator(served.fake, host=args.host, port=args.port)
    try:
        try:
            await emulator.start()
        except OSError as exc:
            raise CommandError(_bind_failure(args.host, args.port, exc)) from exc
        try:
            for line in served.banner(emulator.endpoint_url):
                print(line, flush=True)
            await stop.wait()
            print("Stopping the emulator.", flush=True)
        finally:
            await emulator.stop()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return EXIT_OK


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
    fake = FakeCustomLabels(
        clock=_clock(args.seconds_per_request), start_seconds=args.start_seconds, stop_seconds=1.0
    )
    seeded = seed_demo(fake)
    async with Emulator(fake) as emulator:
        print(f"Embedded Custom Labels emulator on {emulator.endpoint_url} (no AWS account involved)")
        session = new_session()
        # The emulator checks no signature; against AWS, your own credentials apply.
        session.set_credentials("demo", "demo")
        async with CustomLabelsClient.create(
            region_name="us-east-1", endpoint_url=emulator.endpoint_url, session=session
        ) as opened:
            await run_main_job(opened, seeded.project_arn, seeded.ready_version, backoff=DEMO_BACKOFF)
    return EXIT_OK
