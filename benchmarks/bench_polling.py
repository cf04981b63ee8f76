"""Waiting for RUNNING: one wait, and 50 concurrent waits on one project, against AWS's waiter.

Ours: ``start_and_wait`` with the library's default backoff. Theirs: AWS's
``ProjectVersionRunning`` waiter (aiobotocore's ``project_version_running``,
fixed 30 s, 40 attempts) after its own StartProjectVersion, as every script
built on the SDK's waiters runs it. The fake service runs on virtual time
in-process, so a twenty-minute start takes a moment and the counts are exact.

1. One wait: starts lasting 1 to 20 minutes (``--starts`` of them, spread
   evenly), each waited on alone. Reported: DescribeProjectVersions calls in
   all, and how late each wait returns after its version turned RUNNING.
   Targets: ours no later on average than AWS's waiter, with at most 1.25
   times its calls.
2. Fifty waits on one project (starts of 600 s and more): calls per poll
   round, in all, and lateness. Targets: at most 5 calls a round, and at most
   0.2 times the calls of 50 AWS waiters.

    uv run python -m benchmarks.bench_polling [--starts 300] [--waiters 50] [--min-delay S --max-delay S]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from collections.abc import Awaitable, Callable, Sequence

import attrs
import looptime
from botocore.exceptions import WaiterError

from aiocustomlabels import Backoff, CustomLabelsClient, ProjectVersionArn
from aiocustomlabels.testing import FakeCustomLabels, LoopClock, in_process
from benchmarks._runner import Target, run_benchmark

#: One wait: ours at most this many times the AWS waiter's calls, and no later on average.
TARGET_ONE_CALLS = 1.25
#: Fifty waits: ours at most this many times the calls of 50 AWS waiters, and 5 calls a round.
TARGET_FLEET_CALLS = 0.20
TARGET_CALLS_PER_ROUND = 5


@attrs.frozen(kw_only=True)
class Start:
    """One version to start and wait on.

    Attributes:
        project: Its project.
        name: Its name.
        arn: Its ARN.
        seconds: How long its start takes.
    """

    project: str
    name: str
    arn: ProjectVersionArn
    seconds: float


@attrs.frozen(kw_only=True)
class Outcome:
    """What one side did.

    Attributes:
        calls: DescribeProjectVersions calls in all.
        lateness: For each wait, seconds between RUNNING and its return.
        per_round: DescribeProjectVersions calls of each poll round (calls made at the same moment).
    """

    calls: int
    lateness: list[float]
    per_round: list[int]

    @property
    def mean_late(self) -> float:
        """The mean lateness, in seconds."""
        return statistics.fmean(self.lateness)


Wait = Callable[[CustomLabelsClient, Start], Awaitable[None]]


async def ours(client: CustomLabelsClient, start: Start, backoff: Backoff | None = None) -> None:
    """``start_and_wait``: describes, starts, polls by the library's backoff."""
    await client.start_and_wait(start.project, start.name, min_inference_units=1, backoff=backoff)


async def theirs(client: CustomLabelsClient, start: Start) -> None:
    """AWS's waiter: StartProjectVersion, then a poll at once and every 30 s.

    Its 40 attempts end at 1,170 s: a longer start is waited on again, as a
    script would have to.
    """
    await client.raw.start_project_version(ProjectVersionArn=start.arn, MinInferenceUnits=1)
    waiter = client.raw.get_waiter("project_version_running")
    while True:
        try:
            await waiter.wait(ProjectArn=start.project, VersionNames=[start.name])
        except WaiterError as exc:
            if "Max attempts exceeded" not in str(exc):
                raise
        else:
            return


def run_waits(scene: Callable[[FakeCustomLabels], list[Start]], wait: Wait) -> Outcome:
    """Run ``wait`` on every start of a new scene at once, on virtual time; count and time it."""
    fake = FakeCustomLabels(clock=LoopClock())
    starts = scene(fake)
    lateness: list[float] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        with in_process(fake):
            async with CustomLabelsClient.create(region_name="us-east-1") as client:

                async def one(start: Start) -> None:
                    began = loop.time()
                    await wait(client, start)
                    lateness.append(loop.time() - (began + start.seconds))

                await asyncio.gather(*(one(start) for start in starts))

    # looptime's fake time: sleeps take none, so hours of waits run in seconds.
    loop = looptime.new_event_loop(start=0.0)
    try:
        loop.run_until_complete(main())
        # Not asyncio.Runner, whose close gives the executor a deadline looptime skips (3.12+).
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()
    by_time: dict[float, int] = {}
    for request in fake.requests_for("DescribeProjectVersions"):
        by_time[request.at] = by_time.get(request.at, 0) + 1
    return Outcome(
        calls=sum(by_time.values()), lateness=lateness, per_round=[by_time[t] for t in sorted(by_time)]
    )


def lone_starts(count: int) -> Callable[[FakeCustomLabels], list[Start]]:
    """``count`` versions, each in a project of its own (so no polls are shared), starting in 1..20 minutes."""

    def scene(fake: FakeCustomLabels) -> list[Start]:
        starts = []
        for index in range(count):
            seconds = 60 + 1140 * index / max(1, count - 1)
            project = fake.add_project(f"alone{index:03}")
            arn = fake.add_version(project, "v", start_seconds=seconds)
            starts.append(Start(project=project, name="v", arn=arn, seconds=seconds))
        return starts

    return scene


def fleet(waiters: int) -> Callable[[FakeCustomLabels], list[Start]]:
    """``waiters`` versions of one project, their starts 600 s and 7 s more for each."""

    def scene(fake: FakeCustomLabels) -> list[Start]:
        project = fake.add_project("fleet")
        starts = []
        for index in range(waiters):
            # Starts of a real fleet do not all take the same time.
            seconds = 600.0 + 7 * index
            name = f"v{index:02}"
            arn = fake.add_version(project, name, start_seconds=seconds)
            starts.append(Start(project=project, name=name, arn=arn, seconds=seconds))
        return starts

    return scene


def _print(title: str, rows: Sequence[tuple[str, Outcome]]) -> None:
    print(title)
    print(f"  {'':36}{'calls':>7}{'max/round':>11}{'mean late':>11}{'max late':>10}")
    for label, row in rows:
        print(
            f"  {label:<36}{row.calls:>7}{max(row.per_round):>11}"
            f"{row.mean_late:>10.1f}s{max(row.lateness):>9.1f}s"
        )


def arguments(parser: argparse.ArgumentParser) -> None:
    """The benchmark's options."""
    parser.add_argument("--starts", type=int, default=300, help="lone starts, spread over 1 to 20 minutes")
    parser.add_argument("--waiters", type=int, default=50, help="concurrent waits on one project")
    parser.add_argument("--min-delay", type=float, help="our min_delay (default: the library's)")
    parser.add_argument("--max-delay", type=float, help="our max_delay (default: the library's)")


def measure(args: argparse.Namespace) -> list[Target]:
    """Both scenarios, both sides; print the tables."""
    given = {"min_delay": args.min_delay, "max_delay": args.max_delay}
    backoff = Backoff(**{k: v for k, v in given.items() if v is not None})

    async def mine(client: CustomLabelsClient, start: Start) -> None:
        await ours(client, start, backoff)

    one_ours = run_waits(lone_starts(args.starts), mine)
    one_aws = run_waits(lone_starts(args.starts), theirs)
    _print(
        f"One wait at a time: {args.starts} starts of 1 to 20 minutes (virtual time)",
        [
            ("AWS waiter (fixed 30 s)", one_aws),
            (f"aiocustomlabels ({backoff.min_delay:g}-{backoff.max_delay:g} s)", one_ours),
        ],
    )
    many_ours = run_waits(fleet(args.waiters), mine)
    many_aws = run_waits(fleet(args.waiters), theirs)
    _print(
        f"{args.waiters} concurrent waits on one project (starts of 600 s and more, virtual time)",
        [("AWS waiters (30 s, independent)", many_aws), ("aiocustomlabels (shared rounds)", many_ours)],
    )
    return [
        Target("one wait, mean lateness ours - AWS's (s)", one_ours.mean_late - one_aws.mean_late, 0.0),
        Target("one wait, calls ours / AWS's", one_ours.calls / one_aws.calls, TARGET_ONE_CALLS),
        Target(
            f"{args.waiters} waits, calls ours / AWS's", many_ours.calls / many_aws.calls, TARGET_FLEET_CALLS
        ),
        Target(
            f"{args.waiters} waits, most calls in a round", max(many_ours.per_round), TARGET_CALLS_PER_ROUND
        ),
    ]


if __name__ == "__main__":
    raise SystemExit(run_benchmark(__doc__, measure, arguments=arguments))
