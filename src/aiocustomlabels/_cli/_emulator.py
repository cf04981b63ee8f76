"""``emulator`` and ``demo``: the fake service on loopback HTTP, the main job against it, and their seeds.

The only commands that use ``aiocustomlabels.testing``, whose extra
(``aiocustomlabels[testing]``) the operator commands do not need: ``main``
imports this module only when one of them runs. ``run_main_job`` is the main
job (list, start with auto-scaling, wait, stop): it speaks only the public
client API, so that pointed at AWS instead of the emulator the same code does
the same job. ``seed_demo`` and ``seed_day`` fill a fake with what the
emulator serves (``--seed``).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import signal
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import attrs
from aiobotocore.session import AioSession

from .. import (
    Backoff,
    CustomLabelsClient,
    ProjectArn,
    ProjectVersionArn,
    ProjectVersionDescription,
    ProjectVersionStatus,
)
from ..testing import Clock, Emulator, FakeCustomLabels, ScaledClock, StepClock, VirtualClock
from ..types import OutputConfig
from ._options import EXIT_OK, CommandError
from ._output import TABLE_HEADER, version_row

S = ProjectVersionStatus

#: The demo versions, oldest first: (name, status, min units, max units).
DEMO_VERSIONS: tuple[tuple[str, ProjectVersionStatus, int | None, int | None], ...] = (
    ("shelf-items.2024-01-15", S.STOPPED, 1, None),
    ("shelf-items.2024-03-02", S.TRAINING_FAILED, None, None),
    ("shelf-items.2024-05-20", S.RUNNING, 1, 2),
    ("shelf-items.2024-08-11", S.COPYING_COMPLETED, None, None),
    ("shelf-items.2024-10-07", S.TRAINING_COMPLETED, None, None),
)


@attrs.frozen(kw_only=True)
class DemoProject:
    """What ``seed_demo`` made.

    Attributes:
        project_arn: The demo project.
        versions: Its versions' ARNs by name, oldest first.
    """

    project_arn: ProjectArn
    versions: dict[str, ProjectVersionArn]

    @property
    def ready_version(self) -> str:
        """The newest version, trained and ready to start: what the demo starts."""
        return DEMO_VERSIONS[-1][0]


def seed_demo(fake: FakeCustomLabels) -> DemoProject:
    """Add the demo project, ``shelf-items``, with versions in several statuses."""
    project = fake.add_project("shelf-items", created=datetime(2024, 1, 2, tzinfo=UTC))
    versions = {}
    for name, status, low, high in DEMO_VERSIONS:
        created = datetime.strptime(name.rsplit(".", 1)[1], "%Y-%m-%d").replace(tzinfo=UTC)
        failed = status is S.TRAINING_FAILED
        versions[name] = fake.add_version(
            project,
            name,
            status=status,
            status_message="The training data has no labels." if failed else None,
            # A failed training leaves no evaluation, no outputs: only where they would have gone.
            description=ProjectVersionDescription(
                output_config=OutputConfig(s3_bucket="custom-labels-console", s3_key_prefix=f"output/{name}/")
            )
            if failed
            else None,
            created=created,
            min_inference_units=low,
            max_inference_units=high,
        )
    return DemoProject(project_arn=project, versions=versions)


async def run_main_job(
    client: CustomLabelsClient, project_arn: str, version_name: str, *, backoff: Backoff | None = None
) -> ProjectVersionDescription:
    """List the project's versions, start one with 1 to 3 units, wait for RUNNING, and stop it again.

    Args:
        client: The client to work through: against AWS, the emulator, or the in-process fake.
        project_arn: The project.
        version_name: The version to start.
        backoff: The delays between polls; the library's defaults by default.

    Returns:
        The description that showed RUNNING.

    Raises:
        ModelStartError: The version cannot reach RUNNING; the error says why.
    """
    loop = asyncio.get_running_loop()
    print(f"Versions of {project_arn}, newest first:\n{TABLE_HEADER}")
    async for version in client.describe_project_versions(project_arn):
        print(version_row(version))
    began = loop.time()

    def progress(description: ProjectVersionDescription) -> None:
        print(f"  {loop.time() - began:6.1f}s  {description.status}", flush=True)

    print(f"Starting {version_name} with MinInferenceUnits=1, MaxInferenceUnits=3:")
    running = await client.start_and_wait(
        project_arn,
        version_name,
        min_inference_units=1,
        max_inference_units=3,
        backoff=backoff,
        on_status=progress,
    )
    print(f"{version_name} is RUNNING after {loop.time() - began:.1f}s:\n{version_row(running)}")
    print(f"Stopping {version_name}:")
    began = loop.time()
    await client.stop_and_wait(project_arn, version_name, backoff=backoff, on_status=progress)
    return running


#: The simulated day's date: its metrics are served as of this day, in UTC.
DAY: Final = datetime(2026, 11, 26, tzinfo=UTC)
#: The day's demand on the model, in inference units, from each time on (HH:MM, UTC).
DAY_DEMAND: Final[tuple[tuple[str, float], ...]] = (
    ("07:00", 0.4),
    ("08:30", 1.6),
    ("10:00", 2.7),
    ("11:30", 4.6),
    ("13:30", 3.1),
    ("15:00", 2.2),
    ("17:30", 1.3),
    ("19:30", 0.5),
)
#: When the day's model is started (with 1 to 4 units) and stopped (HH:MM, UTC).
DAY_START, DAY_STOP = "06:50", "22:00"


@attrs.frozen(kw_only=True)
class DayProject:
    """What ``seed_day`` made.

    Attributes:
        project_arn: The project, ``storefront``.
        version_arn: Its version that ran through the day, ``storefront.v7``.
        start: The start of the day (UTC).
        end: Its end: where the fake's clock stands afterwards.
    """

    project_arn: ProjectArn
    version_arn: ProjectVersionArn
    start: datetime
    end: datetime


def _at(clock: VirtualClock, hhmm: str) -> None:
    hours, minutes = map(int, hhmm.split(":"))
    clock.advance(DAY.timestamp() + hours * 3600 + minutes * 60 - clock.now())


def seed_day(fake: FakeCustomLabels[VirtualClock]) -> DayProject:
    """Play a simulated day of auto-scaling on ``fake``, whose clock must stand at ``DAY`` or before.

    A model is started at 06:50 with MinInferenceUnits 1 and MaxInferenceUnits
    4, demand follows ``DAY_DEMAND`` (up to 4.6 units at noon, above the
    maximum), and the model is stopped at 22:00. The fake scales as it always
    does; afterwards its clock stands at midnight, the day's end, and its
    CloudWatch metrics tell the day minute by minute.

    Raises:
        ValueError: The clock is past the start of the day.
    """
    clock = fake.clock
    if clock.now() > DAY.timestamp():
        msg = f"the fake's clock must stand at {DAY.isoformat()} or before"
        raise ValueError(msg)
    _at(clock, "00:00")
    project = fake.add_project("storefront")
    version = fake.add_version(project, "storefront.v7", start_seconds=600.0, stop_seconds=60.0)
    _at(clock, DAY_START)
    fake.call(
        "StartProjectVersion", {"ProjectVersionArn": version, "MinInferenceUnits": 1, "MaxInferenceUnits": 4}
    )
    for hhmm, demand in DAY_DEMAND:
        _at(clock, hhmm)
        fake.set_demand(version, demand)
    _at(clock, DAY_STOP)
    fake.call("StopProjectVersion", {"ProjectVersionArn": version})
    _at(clock, "23:59")
    clock.advance(60.0)
    return DayProject(project_arn=project, version_arn=version, start=DAY, end=DAY + timedelta(days=1))


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
    lifecycle = {"start_seconds": args.start_seconds, "stop_seconds": args.stop_seconds}
    if args.seed == "day":
        # A day already played: its clock stands still at the day's end, so that its
        # metrics read the same whenever they are asked for.
        day_fake = FakeCustomLabels(
            clock=VirtualClock(start=DAY.timestamp()), tps_per_unit=args.tps_per_unit, **lifecycle
        )
        day = seed_day(day_fake)
        held = f"Auto-scaling day ({day.start:%Y-%m-%d}, UTC; the clock stands at its end): {day.version_arn}"
        return Emulated(day_fake, (held,))
    fake: FakeCustomLabels[Clock] = FakeCustomLabels(
        clock=_clock(args.seconds_per_request) if clock is None else clock,
        tps_per_unit=args.tps_per_unit,
        **lifecycle,
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
        session = AioSession()
        # The emulator checks no signature; against AWS, your own credentials apply.
        session.set_credentials("demo", "demo")
        async with CustomLabelsClient.create(
            region_name="us-east-1", endpoint_url=emulator.endpoint_url, session=session
        ) as opened:
            await run_main_job(opened, seeded.project_arn, seeded.ready_version, backoff=DEMO_BACKOFF)
    return EXIT_OK
