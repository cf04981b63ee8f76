"""What the command line prints: the tables, the JSON records, the chart, a live line, the bill's notes.

Formatting only, from the library's public models; nothing here sends a
request. A failure or a note is one line on stderr after the program's name
(``fail``); a wait's progress is a line redrawn on a terminal, a line per
status elsewhere. Every table is plain text that still reads when piped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import shlex
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, TextIO

from .. import ProjectArn, ProjectVersionArn, ProjectVersionDescription
from .. import ProjectVersionStatus as S
from .._rules import DESIRED_METRIC, IN_SERVICE_METRIC, MAX_METRIC, MIN_METRIC
from ..types import Calibration, InferenceUnitsSample, Recommendation


def fail(message: str) -> None:
    """Print one line on stderr, after the program's name, as every failure and note is printed."""
    print(f"aiocustomlabels: {message}", file=sys.stderr, flush=True)


class Listing:
    """Records on stdout as they come: table rows under a header, one JSON array, or a JSON object a line."""

    def __init__(self, output: str, header: str) -> None:
        self.output = output
        self.header = header
        self.count = 0

    def add(self, row: str, record: dict[str, object]) -> None:
        """Print one record: its row in a table, its JSON object otherwise."""
        if self.output == "table":
            text = f"{row}\n" if self.count else f"{self.header}\n{row}\n"
        elif self.output == "json":
            text = f"{',' if self.count else '['}\n  {json.dumps(record, sort_keys=True)}"
        else:
            text = json.dumps(record, sort_keys=True) + "\n"
        sys.stdout.write(text)
        sys.stdout.flush()
        self.count += 1

    def close(self, *, header: bool = False) -> None:
        """End the JSON array; with ``header``, a table without rows still has its header."""
        if self.output == "json":
            sys.stdout.write("\n]\n" if self.count else "[]\n")
        elif header and self.output == "table" and not self.count:
            sys.stdout.write(self.header + "\n")


# -- the tables --------------------------------------------------------------------------------

_ROW: Final = "{name:<32} {status:<20} {units:<10} {created:<17} {f1:>6}"
TABLE_HEADER: Final = _ROW.format(name="NAME", status="STATUS", units="UNITS", created="CREATED", f1="F1")
IN_SERVICE_HEADER: Final = "  IN SERVICE"


def _units_text(description: ProjectVersionDescription) -> str:
    """``1..3``, ``1 (fixed)`` without a maximum, ``-`` if never started."""
    return "-" if description.inference_units is None else str(description.inference_units)


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M")


def version_row(description: ProjectVersionDescription) -> str:
    """One line of the versions table: name, status, units, creation time (local), F1 score."""
    created = description.creation_timestamp
    f1 = description.evaluation_result.f1_score if description.evaluation_result else None
    return _ROW.format(
        name=description.version_name or "?",
        status=str(description.status or "-"),
        units=_units_text(description),
        created=_local(created) if created else "-",
        f1="-" if f1 is None else f"{f1:.3f}",
    )


def in_service_text(units: float | None) -> str:
    """The IN SERVICE column: the units in service of a RUNNING version, ``-`` when not known."""
    return f"  {_number(units):>10}"


def _number(value: float | None) -> str:
    """A metric's value: whole numbers without decimals, others with two; ``-`` for no datapoint."""
    if value is None:
        return "-"
    return f"{value:.0f}" if value == round(value) else f"{value:.2f}"


_HOSTED: Final = "{project:<24} {version:<28} {status:<9} {units:<10}"
_COST: Final = " {low:>11} {high:>11}"


def hosted_header(price: float | None) -> str:
    """The header line of the hosted table; with a price, the two cost columns."""
    line = _HOSTED.format(project="PROJECT", version="VERSION", status="STATUS", units="UNITS")
    return line + _COST.format(low="$/H AT MIN", high="$/H AT MAX") if price is not None else line.rstrip()


@dataclass(frozen=True)
class HostedRow:
    """A hosted version, its project, and the price of an inference-unit hour (``None``: not given)."""

    project: ProjectArn
    description: ProjectVersionDescription
    price: float | None = None

    @property
    def units(self) -> tuple[int, int] | None:
        """The fewest and the most units it bills for; ``None`` if it reports none."""
        units = self.description.inference_units
        return None if units is None else (units.min, units.min if units.max is None else units.max)

    def costs(self) -> tuple[float, float] | None:
        """The hourly cost at its minimum and at its maximum units; ``None`` without a price or units."""
        if self.price is None or self.units is None:
            return None
        return self.units[0] * self.price, self.units[1] * self.price

    def line(self) -> str:
        """The row of the hosted table."""
        text = _HOSTED.format(
            project=self.project.project_name,
            version=self.description.version_name or "?",
            status=str(self.description.status or "-"),
            units=_units_text(self.description),
        )
        if self.price is None:
            return text.rstrip()
        costs = self.costs()
        low, high = ("-", "-") if costs is None else (f"{costs[0]:.2f}", f"{costs[1]:.2f}")
        return text + _COST.format(low=low, high=high)

    def record(self) -> dict[str, object]:
        """As one JSON object: its names, status and units, and the costs with a price."""
        description = self.description
        record: dict[str, object] = {
            "ProjectArn": str(self.project),
            "ProjectVersionArn": str(description.project_version_arn),
            "Status": str(description.status),
            "MinInferenceUnits": description.min_inference_units,
            "MaxInferenceUnits": description.max_inference_units,
        }
        costs = self.costs()
        if costs is not None:
            record["HourlyCost"] = {"AtMin": round(costs[0], 6), "AtMax": round(costs[1], 6)}
        return record


def hosted_summary(rows: list[HostedRow], *, price: float | None, region: str | None) -> str:
    """One line on what is hosted: how many, how many units, and at a price what it costs an hour."""
    where = f" in {region}" if region else ""
    if not rows:
        return f"no model version is hosted{where}"
    units = [row.units for row in rows if row.units is not None]
    low, high = sum(u[0] for u in units), sum(u[1] for u in units)
    count = f"{low}..{high} inference units" if low != high else f"{low} inference unit{'s' * (low != 1)}"
    text = f"{len(rows)} hosted{where}: {count}"
    if price is not None:
        cost = f"{low * price:.2f}" if low == high else f"{low * price:.2f} to {high * price:.2f}"
        text += f", {cost} an hour at {price:g} per inference-unit hour"
    return text


_UNITS: Final = "{time:<17} {in_service:>10} {desired:>8} {low:>4} {high:>4}"
UNITS_HEADER: Final = _UNITS.format(
    time="TIME", in_service="IN SERVICE", desired="DESIRED", low="MIN", high="MAX"
)


def units_row(sample: InferenceUnitsSample) -> str:
    """One line of the ``units`` table: the period's start (local time) and its four values."""
    return _UNITS.format(
        time=_local(sample.timestamp),
        in_service=_number(sample.in_service),
        desired=_number(sample.desired),
        low=_number(sample.min_inference_units),
        high=_number(sample.max_inference_units),
    )


def units_record(sample: InferenceUnitsSample) -> dict[str, object]:
    """A sample as one JSON object, with CloudWatch's metric names; absent datapoints as null."""
    return {
        "Timestamp": sample.timestamp.isoformat(),
        IN_SERVICE_METRIC: sample.in_service,
        DESIRED_METRIC: sample.desired,
        MIN_METRIC: sample.min_inference_units,
        MAX_METRIC: sample.max_inference_units,
    }


# -- the chart of a version's units ---------------------------------------------------------

SERVING, LEAVING, COMING, MAXIMUM = "█", "▓", "░", "┄"
LEGEND: Final = (
    f"{SERVING} in service   {COMING} desired, not yet in service   "
    f"{LEAVING} in service, no longer desired   {MAXIMUM} max"
)
"""What the chart's characters mean."""


def _most(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _cell(level: int, serving: float | None, desired: float | None, top: float | None) -> str:
    wanted = desired is not None and round(desired) >= level
    if serving is not None and round(serving) >= level:
        return SERVING if wanted or desired is None else LEAVING
    if wanted:
        return COMING
    return MAXIMUM if top is not None and round(top) == level else " "


def chart(samples: Sequence[InferenceUnitsSample], *, width: int = 60) -> list[str]:
    """A row per unit, top down, then the time axis and the legend: in service and desired against max.

    Samples are grouped into at most ``width`` columns, each the highest of its
    stretch, so that no peak is lost; a single line says when there is none.
    """
    if not samples:
        return ["no datapoints: the version published no inference-unit metrics in this time"]
    columns = min(width, len(samples))
    stretches = [
        samples[len(samples) * i // columns : len(samples) * (i + 1) // columns] for i in range(columns)
    ]
    drawn = [
        (
            _most([s.in_service for s in part]),
            _most([s.desired for s in part]),
            _most([s.max_inference_units for s in part]),
        )
        for part in stretches
    ]
    highest = max((v for column in drawn for v in column if v is not None), default=1.0)
    levels = max(1, math.ceil(round(highest, 6)))
    label = len(str(levels))
    lines = [
        f"{level:>{label}} ┤" + "".join(_cell(level, *column) for column in drawn)
        for level in range(levels, 0, -1)
    ]
    first, last = samples[0].timestamp.astimezone(), samples[-1].timestamp.astimezone()
    shown = "%H:%M" if first.date() == last.date() else "%m-%d %H:%M"
    left, right = first.strftime(shown), last.strftime(shown)
    axis = left + " " * max(1, columns - len(left) - len(right)) + right
    return [*lines, " " * label + " └" + "─" * columns, " " * (label + 2) + axis, LEGEND]


# -- a calibration ---------------------------------------------------------------------------

_SIZES_SHOWN = 5
_ROUNDED = frozenset({"start", "seconds", "measured_seconds"})


def _pick(value: object, names: str) -> dict[str, Any]:
    """The attributes ``names`` of ``value``, by name; times rounded to the millisecond."""
    picked = {name: getattr(value, name) for name in names.split()}
    return {name: round(v, 3) if name in _ROUNDED else v for name, v in picked.items()}


def calibration_record(calibration: Calibration, sizing: Recommendation | None) -> dict[str, Any]:
    """The calibration as one JSON object: ``tps_per_unit``, and ``recommended`` (null without a traffic)."""
    record = _pick(
        calibration,
        "project_version_arn tps_per_unit served_tps saturated units units_source units_at_end units_changed",
    )
    steps = "offered_tps start seconds sent served throttled errors unanswered sustained_tps"
    recommended = "min_inference_units max_inference_units base_tps peak_tps price_per_unit_hour"
    return {
        **record,
        "project_version_arn": str(calibration.project_version_arn),
        "image_sizes": list(calibration.image_sizes),
        "measured_seconds": round(calibration.measured_seconds, 3),
        "steps": [_pick(step, steps) for step in calibration.steps],
        "recommended": None
        if sizing is None
        else _pick(sizing, f"{recommended} hourly_cost_at_base hourly_cost_at_peak"),
    }


def calibration_table(calibration: Calibration, sizing: Recommendation | None) -> list[str]:
    """The calibration as lines of ``name  value``: the figure, how it was found, and the units to start with."""
    sizes = calibration.image_sizes
    listed = ", ".join(f"{size:,}" for size in sizes[:_SIZES_SHOWN]) + (
        ", ..." if len(sizes) > _SIZES_SHOWN else ""
    )
    how = (
        f"sustained, over {calibration.measured_seconds:.1f} s after throttling began"
        if calibration.saturated
        else "never throttled: a lower bound"
    )
    rows = [
        ("version", str(calibration.project_version_arn)),
        ("images", f"{len(sizes)} ({listed} bytes)"),
        ("units", f"{calibration.units:g} ({calibration.units_source})"),
        ("requests", f"{calibration.sent} sent, {calibration.throttled} throttled"),
        ("served", f"{calibration.served_tps:.2f} requests/s {how}"),
        ("tps per unit", f"{calibration.tps_per_unit:.2f}" + ("" if calibration.saturated else " at least")),
    ]
    if sizing is not None:
        rows.append(
            (
                "recommended",
                f"MinInferenceUnits {sizing.min_inference_units}, MaxInferenceUnits "
                f"{sizing.max_inference_units} (base {sizing.base_tps:g}/s, peak {sizing.peak_tps:g}/s)",
            )
        )
        if sizing.price_per_unit_hour is not None:
            rows.append(
                (
                    "hourly cost",
                    f"{sizing.hourly_cost_at_base:.2f} at base, {sizing.hourly_cost_at_peak:.2f} at peak "
                    f"(at {sizing.price_per_unit_hour:g} per inference-unit hour)",
                )
            )
    return [f"{name:<13}{value}" for name, value in rows]


# -- progress ----------------------------------------------------------------------------------


class LiveLine:
    """A line on a terminal, redrawn in place; ended by a newline once drawn, so what follows starts afresh."""

    def __init__(self, out: TextIO, *, live: bool) -> None:
        self.out = out
        self.live = live
        self._drawn = False

    def draw(self, text: str) -> None:
        """Draw ``text`` over the line, on a terminal only."""
        if self.live:
            self.out.write(f"\r\x1b[2K{text}")
            self.out.flush()
            self._drawn = True

    def finish(self) -> None:
        """End the line, if drawn."""
        if self._drawn:
            self.out.write("\n")
            self.out.flush()


class Progress(LiveLine):
    """A wait's progress, and the last description it saw (what a wait that ends early reports).

    On a terminal one line is redrawn every second: status, elapsed time, next
    poll. Elsewhere (a pipe, a log) one line is printed per status change.
    """

    def __init__(self, out: TextIO, *, live: bool) -> None:
        super().__init__(out, live=live)
        self._began = time.monotonic()
        self._status = "-"
        self._next_poll: float | None = None
        self.last: ProjectVersionDescription | None = None

    def status(self, description: ProjectVersionDescription) -> None:
        """Note a new status."""
        self.last = description
        self._status = str(description.status)
        if self.live:
            self.redraw()
        else:
            print(f"{time.monotonic() - self._began:>7.1f}s  {self._status}", file=self.out, flush=True)

    def delay(self, seconds: float) -> None:
        """Note when the next poll is due."""
        self._next_poll = time.monotonic() + seconds

    def redraw(self) -> None:
        """Draw the line again: status, time elapsed, next poll."""
        now = time.monotonic()
        due = "" if self._next_poll is None else f", next poll in {max(0.0, self._next_poll - now):.0f}s"
        self.draw(f"{self._status}  {now - self._began:.0f}s elapsed{due}")

    async def tick(self) -> None:
        """Redraw every second, until cancelled."""
        while True:
            await asyncio.sleep(1.0)
            self.redraw()


# -- what still bills when a wait ends early ---------------------------------------------------

_STARTABLE = (S.TRAINING_COMPLETED, S.STOPPED, S.COPYING_COMPLETED, S.FAILED)
#: (starting?, last status) -> what is said; docs/cli.md has this table.
_NOTES = {
    (True, S.STARTING): "it will go on to RUNNING, and bill by the hour until it is stopped.",
    (True, S.RUNNING): "it bills by the hour until it is stopped.",
    (False, S.STARTING): (
        "no stop was sent (a STARTING version is stopped once RUNNING): "
        "it will run, and bill by the hour, until it is stopped."
    ),
    (False, S.RUNNING): "the stop may not have been sent: it may still run, and bill by the hour.",
    **dict.fromkeys(
        ((True, status) for status in _STARTABLE),
        "the start may have been sent: it may be starting, to bill by the hour once running.",
    ),
}


def billing_note(*, starting: bool, last: S | None, name: str) -> str | None:
    """What a wait that ends early says of the bill, by the last status seen; None if nothing can bill."""
    if last is None:
        return (
            f"{name}: no status was seen, so the {'start' if starting else 'stop'} may or may not have been "
            "sent: it may be starting or running, and billing by the hour."
        )
    note = _NOTES.get((starting, last))
    return None if note is None else f"{name} was {last}: {note}"


def stop_command(
    args: argparse.Namespace, *, region: str, arn: ProjectVersionArn, project: ProjectArn
) -> str:
    """The command that stops the version, with the AWS options and the delays this one was given."""
    words = ["aiocustomlabels", "stop", str(arn), "--project-arn", str(project)]
    words += ["--region", getattr(args, "region", None) or region]
    for option in ("profile", "endpoint_url"):
        if getattr(args, option, None) is not None:
            words += [f"--{option.replace('_', '-')}", getattr(args, option)]
    words.append("--wait")
    for option in ("min_delay", "max_delay"):
        if getattr(args, option) is not None:
            words += [f"--{option.replace('_', '-')}", f"{getattr(args, option):g}"]
    return shlex.join(words)
