"""A terminal chart of a version's inference units over time: in service and desired, against min and max.

Plain text that still reads when piped to a file: one column per stretch of
time, one row per inference unit, Unicode block characters. Standard library
only, for the command line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from ._metrics import InferenceUnitsSample

__all__ = ["LEGEND", "render"]

SERVING: Final = "█"  # in service, and desired
LEAVING: Final = "▓"  # in service, no longer desired: a scale-down under way
COMING: Final = "░"  # desired, not yet in service: a scale-up under way
MAXIMUM: Final = "┄"  # MaxInferenceUnits, where nothing else is drawn

LEGEND: Final = (
    f"{SERVING} in service   {COMING} desired, not yet in service   "
    f"{LEAVING} in service, no longer desired   {MAXIMUM} max"
)
"""What the chart's characters mean."""


def _column(samples: Sequence[InferenceUnitsSample]) -> tuple[float | None, float | None, float | None]:
    """(in service, desired, max) of a stretch: the highest of each, so no peak is lost."""

    def most(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return max(present) if present else None

    return (
        most([s.in_service for s in samples]),
        most([s.desired for s in samples]),
        most([s.max_inference_units for s in samples]),
    )


def _cell(level: int, serving: float | None, desired: float | None, top: float | None) -> str:
    in_service = serving is not None and round(serving) >= level
    wanted = desired is not None and round(desired) >= level
    if in_service:
        return SERVING if wanted or desired is None else LEAVING
    if wanted:
        return COMING
    if top is not None and round(top) == level:
        return MAXIMUM
    return " "


def render(samples: Sequence[InferenceUnitsSample], *, width: int = 60) -> list[str]:
    """The chart's lines: a row per unit, top down, the time axis, and the legend.

    Args:
        samples: The samples, oldest first (``CustomLabelsClient.inference_units``).
        width: Columns for the time axis; samples are grouped into that many stretches.

    Returns:
        The lines, without newlines; a single line saying so when there is no sample.
    """
    if not samples:
        return ["no datapoints: the version published no inference-unit metrics in this time"]
    columns = min(width, len(samples))
    stretches = [
        samples[len(samples) * i // columns : len(samples) * (i + 1) // columns] for i in range(columns)
    ]
    drawn = [_column(stretch) for stretch in stretches]
    highest = max(
        (v for column in drawn for v in column if v is not None),
        default=1.0,
    )
    levels = max(1, math.ceil(round(highest, 6)))
    label = len(str(levels))
    lines = [
        f"{level:>{label}} ┤" + "".join(_cell(level, *column) for column in drawn)
        for level in range(levels, 0, -1)
    ]
    lines.append(" " * label + " └" + "─" * columns)
    lines.append(" " * (label + 2) + _axis(samples[0].timestamp, samples[-1].timestamp, columns))
    lines.append(LEGEND)
    return lines


def _axis(first: datetime, last: datetime, columns: int) -> str:
    """The first and last times, local, under the chart's two ends."""
    fmt = "%H:%M" if first.astimezone().date() == last.astimezone().date() else "%m-%d %H:%M"
    left, right = first.astimezone().strftime(fmt), last.astimezone().strftime(fmt)
    gap = max(1, columns - len(left) - len(right))
    return left + " " * gap + right
