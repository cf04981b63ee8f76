"""Calibrating against the emulator: does calibrate find a capacity it is told, quickly enough?

The emulator runs in a process of its own (``benchmarks._server``), its
version RUNNING with ``--units`` inference units of ``--tps-per-unit``
requests a second each (the fake's token bucket: a burst of one second, then
that rate). ``calibrate`` runs for ``--duration`` seconds against it, over
loopback HTTP, on real time. Reported: the figure it measured per unit, its
error against the emulator's, and the time the whole call took.
Targets: within 10 % of the emulator's figure, in at most 60 s.

    uv run python -m benchmarks.bench_calibrate [--tps-per-unit 5] [--units 2] [--duration 40]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Sequence

from aiobotocore.config import AioConfig

from aiocustomlabels import CustomLabelsClient, calibrate
from aiocustomlabels.types import Calibration
from benchmarks._runner import Target, run_benchmark
from benchmarks._server import served
from tests._harness import dummy_session

#: The measure may be at most this far from the emulator's figure, as a fraction.
TARGET_ERROR = 0.10
#: The whole call, description and units included, in seconds.
TARGET_SECONDS = 60.0
NO_RETRIES = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})
IMAGE = b"\xff\xd8\xff\xe0" + bytes(40_000)


def arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's capacity and the calibration's duration."""
    parser.add_argument("--tps-per-unit", type=float, default=5.0)
    parser.add_argument("--units", type=int, default=2)
    parser.add_argument("--duration", type=float, default=40.0)


async def calibrate_at(endpoint: str, version: str, duration: float) -> Calibration:
    """Calibrate the emulator's version, with a client that makes one attempt a request."""
    async with CustomLabelsClient.create(
        region_name="us-east-1", endpoint_url=endpoint, session=dummy_session(), config=NO_RETRIES
    ) as client:
        return await calibrate(client, version, [IMAGE], duration=duration)


def measure(args: argparse.Namespace) -> Sequence[Target]:
    """Run calibrate against the emulator; print what it found."""
    with served(1, tps_per_unit=args.tps_per_unit, running=args.units) as (endpoint, _, version):
        began = time.monotonic()
        calibration = asyncio.run(calibrate_at(endpoint, version, args.duration))
        took = time.monotonic() - began
    error = calibration.tps_per_unit / args.tps_per_unit - 1
    print(
        f"emulator: {args.units} units of {args.tps_per_unit:g} TPS; calibrate --duration {args.duration:g}"
    )
    print(f"{'step':>4} {'offered/s':>9} {'sent':>5} {'served':>6} {'throttled':>9} {'sustained/s':>11}")
    for step in calibration.steps:
        sustained = "" if step.sustained_tps is None else f"{step.sustained_tps:.2f}"
        print(
            f"{step.index + 1:>4} {step.offered_tps:>9g} {step.sent:>5} {step.served:>6} "
            f"{step.throttled:>9} {sustained:>11}"
        )
    print(
        f"measured {calibration.tps_per_unit:.3f} TPS per unit ({calibration.units:g} units, "
        f"{calibration.units_source}, saturated: {calibration.saturated}), over "
        f"{calibration.measured_seconds:.1f} s; error {error:+.1%}; took {took:.1f} s"
    )
    return [
        Target("error against the emulator's figure, |%|", abs(error) * 100, TARGET_ERROR * 100),
        Target("time taken (s)", took, TARGET_SECONDS),
        Target("not saturated (1) or saturated (0)", 0.0 if calibration.saturated else 1.0, 0.0),
    ]


if __name__ == "__main__":
    raise SystemExit(run_benchmark(__doc__, measure, arguments=arguments))
