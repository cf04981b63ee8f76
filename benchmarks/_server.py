"""A loopback emulator in a process of its own, seeded with one project of N versions.

The benchmarks run it apart from the client being measured, so that the
service's work does not share the client's interpreter lock.

    python -m benchmarks._server --versions 10000 [--latency 0.1] [--tps-per-unit 5 --running 2]

prints ``READY <endpoint-url> <project-arn> <version-arn>`` once it listens
(the newest version's ARN), and serves until its standard input closes. With
``--running N`` the newest version is RUNNING with N inference units, each
serving ``--tps-per-unit`` DetectCustomLabels requests a second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator

from aiocustomlabels import ProjectVersionStatus
from aiocustomlabels.testing import Clock, Emulator, FakeCustomLabels, ScaledClock, VirtualClock


def seed(
    versions: int, *, tps_per_unit: float = 5.0, running: int = 0
) -> tuple[FakeCustomLabels[Clock], str, str]:
    """A fake with one project of ``versions`` fully populated versions; the newest RUNNING with ``running`` units."""
    # A version that serves refills its bucket as time passes: real time then, virtual otherwise.
    clock: Clock = ScaledClock() if running else VirtualClock()
    fake: FakeCustomLabels[Clock] = FakeCustomLabels(clock=clock, tps_per_unit=tps_per_unit)
    project = fake.add_project("bench")
    newest = ""
    for index in range(versions - 1 if running else versions):
        newest = fake.add_version(project, f"v{index:06}")
    if running:
        newest = fake.add_version(
            project, f"v{versions - 1:06}", status=ProjectVersionStatus.RUNNING, min_inference_units=running
        )
    return fake, project, newest


async def serve(versions: int, latency: float, tps_per_unit: float, running: int) -> None:
    """Serve until standard input closes."""
    fake, project, newest = seed(versions, tps_per_unit=tps_per_unit, running=running)
    if latency:
        fake.faults.latency(latency)
    async with Emulator(fake) as emulator:
        print(f"READY {emulator.endpoint_url} {project} {newest}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


@contextlib.contextmanager
def served(
    versions: int, *, latency: float = 0.0, tps_per_unit: float = 5.0, running: int = 0
) -> Iterator[tuple[str, str, str]]:
    """Run the server process; yield (endpoint URL, project ARN, newest version's ARN)."""
    command = [
        sys.executable,
        "-m",
        "benchmarks._server",
        "--versions",
        str(versions),
        "--latency",
        str(latency),
        "--tps-per-unit",
        str(tps_per_unit),
        "--running",
        str(running),
    ]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        assert process.stdout is not None
        assert process.stdin is not None
        line = process.stdout.readline().split()
        if not line or line[0] != "READY":
            msg = f"the benchmark server did not start: {line}"
            raise RuntimeError(msg)
        try:
            yield line[1], line[2], line[3]
        finally:
            process.stdin.close()
            process.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--tps-per-unit", type=float, default=5.0)
    parser.add_argument("--running", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.versions, args.latency, args.tps_per_unit, args.running))
