"""Draw the docs' picture of a load test on the fake service: docs/img/calibration.svg.

A model started with 1 to 3 inference units, on a fake whose units serve 5
requests a second each (the fake's figure, assumed: AWS publishes none). The
load rises past what one unit serves, holds, and falls: the picture shows
what was offered, what was served (the rest throttled), and the units in
service as auto-scaling follows the load, five minutes late.

The load is sent to the fake directly (``fake.call``), a request at a time on
its virtual clock, so every run draws the same picture in a second; the units
are read back as a user would read them, with
``CustomLabelsClient.inference_units()`` (in-process, from the fake's
CloudWatch). Plain SVG: no plotting library needed.

    uv run python scripts/plot_calibration.py

The test suite draws it again and checks that the file in the docs is current.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs

from aiocustomlabels import CustomLabelsClient, ProjectVersionStatus
from aiocustomlabels.testing import FakeCustomLabels, FakeServiceError, VirtualClock, in_process
from aiocustomlabels.types import InferenceUnitsSample

TARGET = Path(__file__).resolve().parent.parent / "docs" / "img" / "calibration.svg"

#: When the load begins: a fixed time, so that every run is the same.
BEGIN = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TPS_PER_UNIT = 5.0
MIN_UNITS, MAX_UNITS = 1, 3
#: The load offered: (minutes it lasts, requests a second), in turn.
SCHEDULE = ((4, 2.0), (4, 4.0), (8, 8.0), (8, 13.0), (8, 18.0), (20, 3.0))
#: The bins of the offered and served rates, in seconds.
BIN = 10
IMAGE = b"\xff\xd8\xff\xe0" + bytes(256)

WIDTH, HEIGHT = 880, 420
LEFT, RIGHT, TOP, BOTTOM = 56, 56, 48, 72
TOP_TPS = 20
COLORS = {"offered": "#2563eb", "served": "#16a34a", "units": "#ea580c", "capacity": "#ea580c"}


@attrs.frozen(kw_only=True)
class Bin:
    """What happened in one bin of the load.

    Attributes:
        start: Seconds after the load began.
        offered: Requests a second sent.
        served: Requests a second answered with labels.
    """

    start: int
    offered: float
    served: float


def minutes() -> int:
    """How long the load lasts, in minutes."""
    return sum(length for length, _ in SCHEDULE)


def load_test() -> tuple[list[Bin], list[InferenceUnitsSample], FakeCustomLabels[VirtualClock]]:
    """Run the load on the fake; its bins, and the units read back through the library."""
    fake = FakeCustomLabels(clock=VirtualClock(start=BEGIN.timestamp()), tps_per_unit=TPS_PER_UNIT)
    project = fake.add_project("storefront")
    arn = fake.add_version(
        project, "storefront.v8", status=ProjectVersionStatus.RUNNING, min_inference_units=MIN_UNITS,
        max_inference_units=MAX_UNITS,
    )  # fmt: skip
    bins: dict[int, list[int]] = {}
    elapsed = 0.0
    for length, rate in SCHEDULE:
        for _ in range(round(length * 60 * rate)):
            counts = bins.setdefault(int(elapsed // BIN) * BIN, [0, 0])
            counts[0] += 1
            try:
                fake.call("DetectCustomLabels", {"ProjectVersionArn": arn, "Image": {"Bytes": IMAGE}})
            except FakeServiceError as error:
                if error.code != "ProvisionedThroughputExceededException":
                    raise
            else:
                counts[1] += 1
            fake.clock.advance(1 / rate)
            elapsed += 1 / rate
    end = BEGIN + timedelta(minutes=minutes())

    async def read() -> list[InferenceUnitsSample]:
        with in_process(fake):
            async with CustomLabelsClient.create(region_name="us-east-1") as client:
                return await client.inference_units(project, arn.version_name, start=BEGIN, end=end)

    samples = asyncio.run(read())
    return (
        [Bin(start=s, offered=o / BIN, served=v / BIN) for s, (o, v) in sorted(bins.items())],
        samples,
        fake,
    )


def _x(seconds: float) -> float:
    return LEFT + seconds / (minutes() * 60) * (WIDTH - LEFT - RIGHT)


def _y(tps: float) -> float:
    return TOP + (1 - tps / TOP_TPS) * (HEIGHT - TOP - BOTTOM)


def _steps(points: Sequence[tuple[float, float, float]]) -> str:
    """A step polyline through (start, end, value) points."""
    return " ".join(f"{_x(a):.1f},{_y(v):.1f} {_x(b):.1f},{_y(v):.1f}" for a, b, v in points)


def svg(bins: Sequence[Bin], samples: Sequence[InferenceUnitsSample]) -> str:
    """The picture, as SVG text: the same load always gives the same text."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        'font-family="sans-serif" font-size="13" role="img" '
        'aria-label="A load test on the fake: requests a second offered and served, and units in service">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="28" font-size="15" font-weight="bold">A load test on the fake: '
        f"{TPS_PER_UNIT:g} TPS per unit (assumed), MinInferenceUnits {MIN_UNITS}, MaxInferenceUnits {MAX_UNITS}</text>",
    ]
    for tps in range(0, TOP_TPS + 1, 5):
        y = _y(tps)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end">{tps}</text>')
        parts.append(
            f'<text x="{WIDTH - RIGHT + 10}" y="{y + 4:.1f}" fill="{COLORS["units"]}">{tps / TPS_PER_UNIT:g}</text>'
        )
    for minute in range(0, minutes() + 1, 4):
        x = _x(minute * 60)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{_y(0):.1f}" stroke="#f3f4f6"/>')
        parts.append(f'<text x="{x:.1f}" y="{_y(0) + 18:.1f}" text-anchor="middle">{minute}</text>')
    middle = (TOP + _y(0)) / 2
    parts += [
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{_y(0) + 36:.1f}" text-anchor="middle" '
        'fill="#374151">minutes into the load</text>',
        f'<text x="16" y="{middle:.0f}" transform="rotate(-90 16 {middle:.0f})" text-anchor="middle" '
        'fill="#374151">requests a second</text>',
        f'<text x="{WIDTH - 14}" y="{middle:.0f}" transform="rotate(90 {WIDTH - 14} {middle:.0f})" '
        f'text-anchor="middle" fill="{COLORS["units"]}">inference units in service</text>',
    ]
    units = [
        ((s.timestamp - BEGIN).total_seconds(), (s.timestamp - BEGIN).total_seconds() + 60, s.in_service)
        for s in samples
        if s.in_service is not None
    ]
    capacity = [(a, b, v * TPS_PER_UNIT) for a, b, v in units]
    served = [(float(b.start), float(b.start + BIN), b.served) for b in bins]
    offered = [(float(b.start), float(b.start + BIN), b.offered) for b in bins]
    first, last = served[0][0], served[-1][1]
    parts.append(
        f'<polygon points="{_x(first):.1f},{_y(0):.1f} {_steps(served)} {_x(last):.1f},{_y(0):.1f}" '
        f'fill="{COLORS["served"]}" fill-opacity="0.25"/>'
    )
    styles: dict[str, tuple[list[tuple[float, float, float]], str]] = {
        "capacity": (capacity, 'stroke-width="2.5"'),
        "served": (served, 'stroke-width="2"'),
        "offered": (offered, 'stroke-width="1.5" stroke-dasharray="2 3"'),
    }
    parts.extend(
        f'<polyline points="{_steps(points)}" fill="none" stroke="{COLORS[name]}" {style} stroke-linejoin="round"/>'
        for name, (points, style) in styles.items()
    )
    legend = [
        ("offered", "offered", ' stroke-dasharray="2 3"'),
        ("served", "served (the rest throttled)", ""),
        ("capacity", f"units in service (right axis): {TPS_PER_UNIT:g} TPS each", ""),
    ]
    x = LEFT
    for name, label, dash in legend:
        y = HEIGHT - 16
        parts.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 24}" y2="{y - 4}" stroke="{COLORS[name]}" stroke-width="2.5"{dash}/>'
        )
        parts.append(f'<text x="{x + 30}" y="{y}">{label}</text>')
        x += 30 + 7 * len(label) + 28
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    """Run the load test and write the picture where the docs show it."""
    bins, samples, _ = load_test()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(svg(bins, samples))
    print(f"wrote {TARGET} ({len(bins)} bins of {BIN} s, {len(samples)} minutes of units)")


if __name__ == "__main__":
    main()
