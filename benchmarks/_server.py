"""A loopback emulator in a process of its own, seeded with one project of N versions.

The benchmarks run it apart from the client being measured, so that the
service's work does not share the client's interpreter lock.

    python -m benchmarks._server --versions 10000 [--latency 0.1]

prints ``READY <endpoint-url> <project-arn>`` once it listens, and serves until
its standard input closes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator

from aiocustomlabels.testing import Emulator, FakeCustomLabels


def seed(versions: int) -> tuple[FakeCustomLabels, str]:
    """A fake with one project of ``versions`` fully populated versions."""
    fake = FakeCustomLabels()
    project = fake.add_project("bench")
    for index in range(versions):
        fake.add_version(project, f"v{index:06}")
    return fake, project


async def serve(versions: int, latency: float) -> None:
    """Serve until standard input closes."""
    fake, project = seed(versions)
    if latency:
        fake.faults.latency(latency)
    async with Emulator(fake) as emulator:
        print(f"READY {emulator.endpoint_url} {project}", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


@contextlib.contextmanager
def served(versions: int, *, latency: float = 0.0) -> Iterator[tuple[str, str]]:
    """Run the server process; yield (endpoint URL, project ARN)."""
    command = [
        sys.executable,
        "-m",
        "benchmarks._server",
        "--versions",
        str(versions),
        "--latency",
        str(latency),
    ]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        assert process.stdout is not None
        assert process.stdin is not None
        line = process.stdout.readline().split()
        if not line or line[0] != "READY":
            msg = f"the benchmark server did not start: {line}"
            raise RuntimeError(msg)
        try:
            yield line[1], line[2]
        finally:
            process.stdin.close()
            process.wait(timeout=30)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(serve(args.versions, args.latency))
