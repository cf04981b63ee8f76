"""Shared polling: 50 concurrent waits on versions of one project.

Ours: 50 ``start_and_wait`` calls on one client. Theirs: 50 independent AWS
waiters (aiobotocore's ``project_version_running``, as every script built on the
SDK's waiters runs them), each after its own StartProjectVersion. The fake
service runs on virtual time in-process, so a ten-minute start takes a moment
and the counts are exact. Reported: DescribeProjectVersions calls per poll round,
in all, and how late each waiter returns after its version turned RUNNING.

    uv run python -m benchmarks.bench_polling [--waiters 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
from collections.abc import Awaitable, Callable
from typing import Any

from aiobotocore.session import get_session

from aiocustomlabels import DEFAULT_MAX_DELAY, CustomLabelsClient
from aiocustomlabels.testing import FakeCustomLabels, LoopClock, in_process, run_virtual

TARGET_CALLS_PER_ROUND = 5
START_SECONDS = 600.0


_ARNS: dict[str, str] = {}


def _scene(waiters: int) -> tuple[FakeCustomLabels, str]:
    fake = FakeCustomLabels(clock=LoopClock(), start_seconds=START_SECONDS)
    project = fake.add_project("fleet")
    for index in range(waiters):
        # Starts of a real fleet do not all take the same time.
        name = f"v{index:02}"
        _ARNS[name] = fake.add_version(project, name, start_seconds=START_SECONDS + 7 * index)
    return fake, project


def _running_at(fake: FakeCustomLabels, version: str, started: float) -> float:
    index = int(version[1:])
    return started + START_SECONDS + 7 * index


#: Our waits' max_delay; the library's default unless --max-delay is given.
MAX_DELAY = [DEFAULT_MAX_DELAY]


async def ours(fake: FakeCustomLabels, project: str, waiters: int) -> list[float]:
    """50 start_and_wait calls on one client; return how late each returned after RUNNING."""
    loop = asyncio.get_running_loop()
    lateness: list[float] = []
    async with CustomLabelsClient.create(region_name="us-east-1") as client:

        async def one(name: str) -> None:
            began = loop.time()
            await client.start_and_wait(project, name, min_inference_units=1, max_delay=MAX_DELAY[0])
            lateness.append(loop.time() - _running_at(fake, name, began))

        await asyncio.gather(*(one(f"v{i:02}") for i in range(waiters)))
    return lateness


async def theirs(fake: FakeCustomLabels, project: str, waiters: int) -> list[float]:
    """50 independent AWS waiters (30 s fixed delay, 40 attempts); the same lateness measure."""
    loop = asyncio.get_running_loop()
    lateness: list[float] = []
    async with get_session().create_client("rekognition", region_name="us-east-1") as raw:

        async def one(name: str) -> None:
            arn = _ARNS[name]
            began = loop.time()
            await raw.start_project_version(ProjectVersionArn=arn, MinInferenceUnits=1)
            waiter = raw.get_waiter("project_version_running")
            await waiter.wait(ProjectArn=project, VersionNames=[name])
            lateness.append(loop.time() - _running_at(fake, name, began))

        await asyncio.gather(*(one(f"v{i:02}") for i in range(waiters)))
    return lateness


def _rounds(fake: FakeCustomLabels) -> list[int]:
    by_time: dict[float, int] = {}
    for request in fake.requests_for("DescribeProjectVersions"):
        by_time[request.at] = by_time.get(request.at, 0) + 1
    return [by_time[t] for t in sorted(by_time)]


def measure(
    kind: Callable[[FakeCustomLabels, str, int], Awaitable[list[float]]], waiters: int
) -> dict[str, Any]:
    """Run one side on virtual time; return its counts and lateness."""
    fake, project = _scene(waiters)

    async def main() -> list[float]:
        with in_process(fake):
            return await kind(fake, project, waiters)

    lateness = run_virtual(main())
    rounds = _rounds(fake)
    return {
        "calls": sum(rounds),
        "rounds": len(rounds),
        "max_per_round": max(rounds),
        "mean_late": statistics.fmean(lateness),
        "max_late": max(lateness),
    }


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiters", type=int, default=50)
    parser.add_argument("--max-delay", type=float, help="our waits' max_delay (default: the library's)")
    args = parser.parse_args()
    if args.max_delay is not None:
        MAX_DELAY[0] = args.max_delay
    mine = measure(ours, args.waiters)
    aws = measure(theirs, args.waiters)
    print(
        f"{args.waiters} concurrent waits for RUNNING on one project (starts of 600 s and more, virtual time)"
    )
    print(f"{'':38}{'calls':>7}{'rounds':>8}{'max/round':>11}{'mean late':>11}{'max late':>10}")
    for label, row in (("AWS waiters (30 s, independent)", aws), ("aiocustomlabels (shared rounds)", mine)):
        print(
            f"  {label:<36}{row['calls']:>7}{row['rounds']:>8}{row['max_per_round']:>11}"
            f"{row['mean_late']:>10.1f}s{row['max_late']:>9.1f}s"
        )
    met = mine["max_per_round"] <= TARGET_CALLS_PER_ROUND
    print(
        f"calls per round: {mine['max_per_round']} (target <= {TARGET_CALLS_PER_ROUND}) against {aws['max_per_round']}"
    )
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
