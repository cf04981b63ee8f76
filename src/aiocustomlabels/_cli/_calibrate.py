"""``calibrate``: measure what one inference unit of a RUNNING version serves, and size its units.

The command's client makes one attempt a request (the library's client
retries throttles, which would hide them from the measure). Its progress, on
a terminal only, is a line redrawn at each step; its warnings (a lower
bound, units that changed, units read from the description) go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from .._calibration import ONE_ATTEMPT, Calibration, CalibrationStep, calibrate
from .._rules import IMAGE_BYTES, IN_SERVICE_METRIC
from .._sizing import Recommendation, recommend
from ._arguments import _delay, _non_negative, _price, version_arn
from ._failures import EXIT_FAILED, EXIT_OK, UsageError
from ._output import fail
from ._target import client

__all__ = ["calibrate_arguments", "calibrate_command"]

#: The most image sizes the table lists.
_SIZES_SHOWN = 5


def _tps(text: str) -> float:
    return _non_negative(text, "requests a second")


def calibrate_arguments(parser: argparse.ArgumentParser) -> None:
    """``calibrate``'s arguments: the version, the images, the duration, the traffic and the output."""
    parser.add_argument("version", metavar="VERSION_ARN", type=version_arn, help="the RUNNING model version")
    parser.add_argument(
        "--image",
        action="append",
        dest="images",
        required=True,
        metavar="FILE",
        help="an image to send (JPEG or PNG, up to 5 MiB), like your traffic's; repeatable, sent in turn",
    )
    parser.add_argument(
        "--duration",
        type=_delay,
        default=60.0,
        metavar="SECONDS",
        help="how long the load lasts (default 60); it stops at once then",
    )
    group = parser.add_argument_group("sizing")
    group.add_argument(
        "--base-tps", type=_tps, metavar="N", help="the traffic you always have: MinInferenceUnits"
    )
    group.add_argument("--peak-tps", type=_tps, metavar="N", help="your busiest traffic: MaxInferenceUnits")
    group.add_argument(
        "--price-per-unit-hour",
        type=_price,
        metavar="PRICE",
        help="your region's price of an inference-unit hour: adds the hourly cost at base and at peak",
    )
    parser.add_argument(
        "--output", choices=["table", "json"], default="table", help="table (default) or one JSON object"
    )


def _read_images(files: list[str]) -> list[bytes]:
    """Each file's bytes, before any request.

    Raises:
        UsageError: A file that cannot be read, or of a size DetectCustomLabels refuses.
    """
    images = []
    for name in files:
        try:
            image = Path(name).read_bytes()
        except OSError as exc:
            raise UsageError(f"--image {name}: {exc.strerror or exc}") from None
        if len(image) not in IMAGE_BYTES:
            msg = (
                f"--image {name}: {len(image):,} bytes; DetectCustomLabels takes images of "
                f"{IMAGE_BYTES.start} byte to {IMAGE_BYTES.stop - 1:,} bytes"
            )
            raise UsageError(msg)
        images.append(image)
    return images


def _check_traffic(args: argparse.Namespace) -> None:
    """Refuse, before any request, a traffic that cannot be sized.

    Raises:
        UsageError: One of --base-tps and --peak-tps without the other, or a peak below the base.
    """
    given = (args.base_tps is not None, args.peak_tps is not None)
    if given[0] != given[1]:
        msg = "--base-tps and --peak-tps go together: MinInferenceUnits serves the one, MaxInferenceUnits the other"
        raise UsageError(msg)
    if all(given) and args.peak_tps < args.base_tps:
        msg = f"--peak-tps ({args.peak_tps:g}) is below --base-tps ({args.base_tps:g})"
        raise UsageError(msg)
    if args.price_per_unit_hour is not None and not all(given):
        msg = "--price-per-unit-hour prices a recommendation: give --base-tps and --peak-tps too"
        raise UsageError(msg)


class _Progress:
    """The live line of a calibration on a terminal: the step, its rate, what it served."""

    def __init__(self, out: TextIO, *, live: bool, steps_hint: str) -> None:
        self._out = out
        self._live = live
        self._hint = steps_hint
        self._drawn = False

    def step(self, step: CalibrationStep) -> None:
        if not self._live:
            return
        line = (
            f"step {step.index + 1}: {step.offered_tps:g}/s offered, {step.served_tps:.1f}/s served, "
            f"{step.throttled} throttled  {step.start + step.seconds:.0f}s of {self._hint}"
        )
        self._out.write(f"\r\x1b[2K{line}")
        self._out.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self._out.write("\n")
            self._out.flush()


def _sizes(calibration: Calibration) -> str:
    sizes = calibration.image_sizes
    listed = ", ".join(f"{size:,}" for size in sizes[:_SIZES_SHOWN]) + (
        ", ..." if len(sizes) > _SIZES_SHOWN else ""
    )
    return f"{len(sizes)} ({listed} bytes)"


def table(calibration: Calibration, sizing: Recommendation | None) -> list[str]:
    """The calibration as lines of ``name  value``: the figure, how it was found, and the units to start with."""
    rate = f"{calibration.served_tps:.2f} requests/s"
    how = (
        f"sustained, over {calibration.measured_seconds:.1f} s after throttling began"
        if calibration.saturated
        else "never throttled: a lower bound"
    )
    rows = [
        ("version", str(calibration.project_version_arn)),
        ("images", _sizes(calibration)),
        ("units", f"{calibration.units:g} ({calibration.units_source})"),
        ("requests", f"{calibration.sent} sent, {calibration.throttled} throttled"),
        ("served", f"{rate} {how}"),
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


def _step_record(step: CalibrationStep) -> dict[str, Any]:
    return {
        "offered_tps": step.offered_tps,
        "start": round(step.start, 3),
        "seconds": round(step.seconds, 3),
        "sent": step.sent,
        "served": step.served,
        "throttled": step.throttled,
        "errors": step.errors,
        "unanswered": step.unanswered,
        "sustained_tps": step.sustained_tps,
    }


def record(calibration: Calibration, sizing: Recommendation | None) -> dict[str, Any]:
    """The calibration as one JSON object: ``tps_per_unit``, and ``recommended`` (null without a traffic)."""
    recommended = None
    if sizing is not None:
        recommended = {
            "min_inference_units": sizing.min_inference_units,
            "max_inference_units": sizing.max_inference_units,
            "base_tps": sizing.base_tps,
            "peak_tps": sizing.peak_tps,
            "price_per_unit_hour": sizing.price_per_unit_hour,
            "hourly_cost_at_base": sizing.hourly_cost_at_base,
            "hourly_cost_at_peak": sizing.hourly_cost_at_peak,
        }
    return {
        "project_version_arn": str(calibration.project_version_arn),
        "tps_per_unit": calibration.tps_per_unit,
        "served_tps": calibration.served_tps,
        "saturated": calibration.saturated,
        "units": calibration.units,
        "units_source": calibration.units_source,
        "units_at_end": calibration.units_at_end,
        "units_changed": calibration.units_changed,
        "image_sizes": list(calibration.image_sizes),
        "measured_seconds": round(calibration.measured_seconds, 3),
        "steps": [_step_record(step) for step in calibration.steps],
        "recommended": recommended,
    }


def _warnings(calibration: Calibration) -> list[str]:
    """What makes the figure doubtful, in words, each with what to do."""
    notes = []
    if calibration.units_source != IN_SERVICE_METRIC:
        notes.append(
            f"units: {calibration.units:g}, the version's MinInferenceUnits: CloudWatch had no "
            f"{IN_SERVICE_METRIC} for it (none yet a minute after a start, or none readable)"
        )
    if calibration.units_changed:
        notes.append(
            f"warning: the units in service changed during the load ({calibration.units:g} -> "
            f"{calibration.units_at_end:g}): auto-scaling moved them, and the figure per unit is doubtful. "
            "Calibrate a version started with MinInferenceUnits = MaxInferenceUnits"
        )
    if not calibration.saturated:
        notes.append(
            "warning: the load never reached throttling: the figure is a lower bound. Calibrate longer "
            "(--duration)"
        )
    return notes


async def calibrate_command(args: argparse.Namespace) -> int:
    """``calibrate``: the load, its figure, and with a traffic the units to start with."""
    _check_traffic(args)
    images = _read_images(args.images)
    progress = _Progress(sys.stderr, live=sys.stderr.isatty(), steps_hint=f"{args.duration:g}s")
    async with client(args, config=ONE_ATTEMPT) as opened:
        try:
            calibration = await calibrate(
                opened, args.version, images, duration=args.duration, on_step=progress.step
            )
        finally:
            progress.finish()
    for note in _warnings(calibration):
        fail(note)
    if calibration.tps_per_unit <= 0:
        fail("no request was served: there is nothing to size from")
        return EXIT_FAILED
    sizing = None
    if args.base_tps is not None and args.peak_tps is not None:
        sizing = recommend(
            calibration.tps_per_unit,
            base_tps=args.base_tps,
            peak_tps=args.peak_tps,
            price_per_unit_hour=args.price_per_unit_hour,
        )
    if args.output == "json":
        sys.stdout.write(json.dumps(record(calibration, sizing), indent=2) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in table(calibration, sizing)))
    return EXIT_OK
