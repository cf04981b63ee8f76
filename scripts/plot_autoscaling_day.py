"""Draw the docs' picture of a day of auto-scaling: docs/img/autoscaling-day.svg.

The day is the fake service's (``the command line's ``seed_day````): a model
started at 06:50 with 1 to 4 inference units, under the demand of a working
day. Its units are read back as a user would read them, with
``CustomLabelsClient.inference_units()`` (in-process, from the fake's
CloudWatch), and drawn as plain SVG: no plotting library needed.

    uv run python scripts/plot_autoscaling_day.py

The test suite draws it again and checks that the file in the docs is current.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from aiocustomlabels import CustomLabelsClient
from aiocustomlabels._cli._emulator import DAY, DAY_DEMAND, seed_day
from aiocustomlabels.testing import FakeCustomLabels, VirtualClock, in_process
from aiocustomlabels.types import InferenceUnitsSample

TARGET = Path(__file__).resolve().parent.parent / "docs" / "img" / "autoscaling-day.svg"

WIDTH, HEIGHT = 880, 400
LEFT, RIGHT, TOP, BOTTOM = 56, 24, 48, 72
FIRST_HOUR, LAST_HOUR = 6, 23
TOP_UNITS = 5
COLORS = {
    "demand": "#2563eb",
    "desired": "#ea580c",
    "in_service": "#16a34a",
    "limits": "#6b7280",
}


def samples_of_the_day() -> tuple[list[InferenceUnitsSample], FakeCustomLabels[VirtualClock]]:
    """The day's samples, minute by minute, read through the library from the fake."""
    fake = FakeCustomLabels(clock=VirtualClock(start=DAY.timestamp()))
    day = seed_day(fake)

    async def read() -> list[InferenceUnitsSample]:
        with in_process(fake):
            async with CustomLabelsClient.create(region_name="us-east-1") as client:
                return await client.inference_units(
                    day.project_arn, day.version_arn.version_name, start=day.start, end=day.end
                )

    return asyncio.run(read()), fake


def _x(when: datetime) -> float:
    hours = (when - DAY).total_seconds() / 3600
    return LEFT + (hours - FIRST_HOUR) / (LAST_HOUR - FIRST_HOUR) * (WIDTH - LEFT - RIGHT)


def _y(units: float) -> float:
    return TOP + (1 - units / TOP_UNITS) * (HEIGHT - TOP - BOTTOM)


def _steps(points: Sequence[tuple[datetime, float | None]]) -> list[str]:
    """Step polylines through the points, broken where a value is missing."""
    runs: list[list[str]] = [[]]
    for index, (when, value) in enumerate(points):
        if value is None:
            if runs[-1]:
                runs.append([])
            continue
        end = points[index + 1][0] if index + 1 < len(points) else when + timedelta(minutes=1)
        runs[-1] += [f"{_x(when):.1f},{_y(value):.1f}", f"{_x(end):.1f},{_y(value):.1f}"]
    return [" ".join(run) for run in runs if run]


def _demand(samples: Sequence[InferenceUnitsSample]) -> list[tuple[datetime, float | None]]:
    changes = [(DAY.replace(hour=int(t[:2]), minute=int(t[3:])), units) for t, units in DAY_DEMAND]
    out: list[tuple[datetime, float | None]] = []
    for sample in samples:
        current = [units for when, units in changes if when <= sample.timestamp]
        out.append((sample.timestamp, current[-1] if current else 0.0))
    return out


def svg(samples: Sequence[InferenceUnitsSample]) -> str:
    """The picture, as SVG text: the same samples always give the same text."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'font-family="sans-serif" font-size="13" role="img" '
        'aria-label="A day of auto-scaling: demand, desired units, units in service, min and max">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="28" font-size="15" font-weight="bold">'
        "A day of auto-scaling: MinInferenceUnits 1, MaxInferenceUnits 4</text>",
    ]
    for units in range(TOP_UNITS + 1):
        y = _y(units)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end">{units}</text>')
    for hour in range(FIRST_HOUR, LAST_HOUR + 1):
        x = _x(DAY + timedelta(hours=hour))
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{_y(0):.1f}" stroke="#f3f4f6"/>')
        if hour % 2 == 0:
            parts.append(f'<text x="{x:.1f}" y="{_y(0) + 18:.1f}" text-anchor="middle">{hour:02}:00</text>')
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{_y(0) + 36:.1f}" text-anchor="middle" '
        'fill="#374151">time of day (UTC)</text>'
    )
    parts.append(
        f'<text x="16" y="{(TOP + _y(0)) / 2:.0f}" transform="rotate(-90 16 {(TOP + _y(0)) / 2:.0f})" '
        'text-anchor="middle" fill="#374151">inference units</text>'
    )
    for label, value in (("min", 1), ("max", 4)):
        y = _y(value)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{COLORS["limits"]}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT - 4}" y="{y - 5:.1f}" text-anchor="end" fill="{COLORS["limits"]}">'
            f"{label} {value}</text>"
        )
    series = {
        "in_service": [(s.timestamp, s.in_service) for s in samples],
        "desired": [(s.timestamp, s.desired) for s in samples],
        "demand": _demand(samples),
    }
    for run in _steps(series["in_service"]):
        first, last = run.split(" ")[0], run.split(" ")[-1]
        base = f"{last.split(',')[0]},{_y(0):.1f} {first.split(',')[0]},{_y(0):.1f}"
        parts.append(f'<polygon points="{run} {base}" fill="{COLORS["in_service"]}" fill-opacity="0.25"/>')
    styles = {
        "in_service": 'stroke-width="2.5"',
        "desired": 'stroke-width="2"',
        "demand": 'stroke-width="1.5" stroke-dasharray="2 3"',
    }
    parts.extend(
        f'<polyline points="{run}" fill="none" stroke="{COLORS[name]}" {styles[name]} stroke-linejoin="round"/>'
        for name in ("demand", "desired", "in_service")
        for run in _steps(series[name])
    )
    legend = [
        ("in_service", "in service (billed)"),
        ("desired", "desired by auto-scaling"),
        ("demand", "demand"),
        ("limits", "MinInferenceUnits, MaxInferenceUnits"),
    ]
    x = LEFT
    for name, label in legend:
        y = HEIGHT - 16
        dash = (
            ' stroke-dasharray="6 4"'
            if name == "limits"
            else (' stroke-dasharray="2 3"' if name == "demand" else "")
        )
        parts.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 24}" y2="{y - 4}" stroke="{COLORS[name]}" stroke-width="2.5"{dash}/>'
        )
        parts.append(f'<text x="{x + 30}" y="{y}">{label}</text>')
        x += 30 + 7 * len(label) + 28
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    """Draw the picture and write it where the docs show it."""
    samples, _ = samples_of_the_day()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(svg(samples))
    print(f"wrote {TARGET} ({len(samples)} minutes)")


if __name__ == "__main__":
    main()
