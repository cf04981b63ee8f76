"""The service's commands: ``versions``, ``units``, ``start``, ``stop``, ``hosted`` and ``calibrate``.

Each takes its parsed arguments, checks what they mean together before any
request, works through the public client, prints its results on stdout (its
progress and warnings on stderr) and returns the exit code; what it raises,
``main`` reports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiobotocore.config import AioConfig

from .. import (
    CustomLabelsClient,
    InvalidRequestError,
    ProjectVersionDescription,
    ProjectVersionStatus,
    ResourceInUseError,
    UnitsMismatchError,
    WaitTimeoutError,
    calibrate,
    json_converter,
    recommend,
)
from .._checks import check_window
from .._rules import IMAGE_BYTES, IN_SERVICE_METRIC
from ..types import Calibration, CalibrationStep
from . import _output as out
from ._options import EXIT_FAILED, EXIT_OK, UsageError, backoff, check_version, client, resolve, units

#: One attempt a request: a throttle retried would be hidden from the measure (``calibrate``'s own advice).
ONE_ATTEMPT = AioConfig(retries={"mode": "standard", "total_max_attempts": 1})


async def versions(args: argparse.Namespace) -> int:
    """``versions``: a row (or a JSON object) per version, printed as its page arrives."""
    # Nothing is printed before the first answer: a failure prints its line alone.
    listing = out.Listing(args.output, out.TABLE_HEADER + (out.IN_SERVICE_HEADER if args.units else ""))
    async with client(args) as opened:
        pages = opened.describe_project_versions(
            args.project_arn, version_names=args.version_names, page_size=args.page_size
        )
        async with pages:
            async for version in pages:
                in_service = None
                if args.units and version.status is ProjectVersionStatus.RUNNING and version.version_name:
                    sample = await opened.units_in_service(args.project_arn, version.version_name)
                    in_service = None if sample is None else sample.in_service
                record = json_converter.unstructure(version)
                if in_service is not None:
                    record[IN_SERVICE_METRIC] = in_service
                listing.add(
                    out.version_row(version) + (out.in_service_text(in_service) if args.units else ""), record
                )
    listing.close(header=True)
    return EXIT_OK


async def units_command(args: argparse.Namespace) -> int:
    """``units``: a version's inference units, as a table, JSON or a chart."""
    check_version(args)
    end = args.end if args.end is not None else datetime.now(UTC)
    start = args.start or end - timedelta(seconds=args.since)
    try:  # before any request, the project's lookup included
        check_window(start, end, end)
    except InvalidRequestError:  # the options are aware datetimes: only the order can be wrong
        msg = f"--start ({start.isoformat()}) must come before --end ({end.isoformat()})"
        raise UsageError(msg) from None
    async with client(args) as opened:
        project, name, _ = await resolve(opened, args, need_project=True)
        assert project is not None  # noqa: S101 -- resolve finds it
        samples = await opened.inference_units(project, name, start=start, end=end, period=args.period)
    if args.output == "chart":
        sys.stdout.write("".join(f"{line}\n" for line in out.chart(samples, width=args.width)))
        return EXIT_OK
    listing = out.Listing(args.output, out.UNITS_HEADER)
    for sample in samples:
        listing.add(out.units_row(sample), out.units_record(sample))
    listing.close()
    if not samples:
        why = "a version publishes its units while hosted, if trained and started after August 2022"
        print(f"{name}: no datapoints in that time ({why})", file=sys.stderr, flush=True)
    return EXIT_OK


async def _start_only(opened: CustomLabelsClient, args: argparse.Namespace, name: str, arn: str) -> str:
    """StartProjectVersion; a version hosted with other units than asked is a mismatch, not a conflict."""
    asked = units(args)
    try:
        return await opened.start_project_version(
            arn, min_inference_units=asked.min, max_inference_units=asked.max
        )
    except ResourceInUseError:
        # Starting, running or stopping already: with these units, or others?
        project, _, _ = await resolve(opened, args, need_project=True)
        assert project is not None  # noqa: S101 -- resolve looks it up
        description = await opened.describe_project_version(project, name)
        running = description.inference_units
        hosted = description.status in {ProjectVersionStatus.STARTING, ProjectVersionStatus.RUNNING}
        if hosted and running is not None and not asked.same_as(running):
            raise UnitsMismatchError(
                str(description.status), description, asked=asked, running=running
            ) from None
        raise


async def _wait(
    opened: CustomLabelsClient, args: argparse.Namespace, *, starting: bool, progress: out.Progress
) -> ProjectVersionDescription:
    """start_and_wait or stop_and_wait; an early end leaves a note on the bill and the command that stops it."""
    project, name, arn = await resolve(opened, args, need_project=True)
    assert project is not None  # noqa: S101 -- resolve finds it
    waiting = {
        "timeout": args.timeout,
        "backoff": backoff(args),
        "on_status": progress.status,
        "on_delay": progress.delay,
    }
    try:
        if starting:
            return await opened.start_and_wait(
                project,
                name,
                min_inference_units=args.min_units,
                max_inference_units=args.max_units,
                reconfigure=args.reconfigure,
                **waiting,
            )
        return await opened.stop_and_wait(project, name, **waiting)
    except (WaitTimeoutError, asyncio.CancelledError) as exc:
        last = exc.description if isinstance(exc, WaitTimeoutError) else progress.last
        note = out.billing_note(starting=starting, last=None if last is None else last.status, name=name)
        if note is not None:
            command = out.stop_command(args, region=opened.raw.meta.region_name, arn=arn, project=project)
            args.notes.append(f"{note} To stop it:\n  {command}")
        raise


async def start_or_stop(args: argparse.Namespace) -> int:
    """``start`` or ``stop``: the status the service answered, or with --wait the version's row at the end."""
    starting = args.command == "start"
    if starting and args.reconfigure:
        args.wait = True  # a restart is a stop, a wait and a start: only a wait does all three
    check_version(args)
    backoff(args)  # its usage error before any request
    if starting:
        units(args)  # likewise
    async with client(args) as opened:
        if not args.wait:
            _, name, arn = await resolve(opened, args, need_project=False)
            status = await (
                _start_only(opened, args, name, arn) if starting else opened.stop_project_version(arn)
            )
            print(f"{name}: {status}", flush=True)
            return EXIT_OK
        progress = out.Progress(sys.stderr, live=sys.stderr.isatty())
        ticker = asyncio.create_task(progress.tick())
        try:
            final = await _wait(opened, args, starting=starting, progress=progress)
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            progress.finish()
        print(out.version_row(final), flush=True)
    return EXIT_OK


def _confirm(question: str) -> bool:
    """Ask on the terminal; anything but yes is no.

    Raises:
        UsageError: Standard input is not a terminal: nobody to ask (use --yes).
    """
    if not sys.stdin.isatty():
        msg = "--stop-all asks before stopping, and standard input is not a terminal: add --yes to stop without asking"
        raise UsageError(msg)
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in {"y", "yes"}


async def hosted(args: argparse.Namespace) -> int:
    """``hosted``: a row (or a JSON object) per hosted version, the sum on stderr; then --stop-all."""
    price = args.price_per_unit_hour
    printed = out.Listing(args.output, out.hosted_header(price))
    if args.stop_all and not args.yes and not sys.stdin.isatty():
        _confirm("")  # refused at once, before any request: nobody can answer
    rows: list[out.HostedRow] = []
    async with client(args) as opened:
        async with opened.hosted_versions(concurrency=args.concurrency) as listing:
            async for version in listing:
                row = out.HostedRow(project=listing.project_of(version), description=version, price=price)
                printed.add(row.line(), row.record())
                rows.append(row)
        printed.close()
        summary = out.hosted_summary(rows, price=price, region=opened.raw.meta.region_name)
        print(summary, file=sys.stderr, flush=True)
        if not args.stop_all or not rows:
            return EXIT_OK
        question = (
            "Stop this hosted version?" if len(rows) == 1 else f"Stop these {len(rows)} hosted versions?"
        )
        if not args.yes and not _confirm(question):
            out.fail("nothing was stopped")
            return EXIT_FAILED
        return await _stop_all(opened, args, rows)


async def _stop_all(opened: CustomLabelsClient, args: argparse.Namespace, rows: list[out.HostedRow]) -> int:
    """Stop every version in ``rows`` at once, and wait until none is hosted: a line for each as it stops."""
    delays = backoff(args)
    failed = 0

    async def stop(row: out.HostedRow) -> None:
        nonlocal failed
        version = row.description.version_name or "?"
        try:
            final = await opened.stop_and_wait(row.project, version, timeout=args.timeout, backoff=delays)
        except Exception as exc:  # one failure must not hide the others' outcome
            failed += 1
            line = f"{row.project.project_name}/{version}: NOT STOPPED: {exc}"
        else:
            line = f"{row.project.project_name}/{version}: {final.status}"
        print(line, flush=True)  # as it ends: a stop of minutes is not silent

    await asyncio.gather(*(stop(row) for row in rows))
    if failed:
        out.fail(f"{failed} of {len(rows)} versions were not stopped: they may still bill")
        return EXIT_FAILED
    return EXIT_OK


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
        UsageError: One of --base-tps and --peak-tps without the other, a peak below the base,
            or a price without them.
    """
    given = (args.base_tps is not None, args.peak_tps is not None)
    if given[0] != given[1]:
        msg = "--base-tps and --peak-tps go together: MinInferenceUnits serves the one, MaxInferenceUnits the other"
        raise UsageError(msg)
    if all(given) and args.peak_tps < args.base_tps:
        raise UsageError(f"--peak-tps ({args.peak_tps:g}) is below --base-tps ({args.base_tps:g})")
    if args.price_per_unit_hour is not None and not all(given):
        raise UsageError("--price-per-unit-hour prices a recommendation: give --base-tps and --peak-tps too")


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
            "warning: the load never reached throttling: the figure is a lower bound. Calibrate longer (--duration)"
        )
    return notes


async def calibrate_command(args: argparse.Namespace) -> int:
    """``calibrate``: the load, its figure, and with a traffic the units to start with."""
    _check_traffic(args)
    images = _read_images(args.images)
    line = out.LiveLine(sys.stderr, live=sys.stderr.isatty())

    def step(step: CalibrationStep) -> None:
        line.draw(
            f"step {step.index + 1}: {step.offered_tps:g}/s offered, {step.served_tps:.1f}/s served, "
            f"{step.throttled} throttled  {step.start + step.seconds:.0f}s of {args.duration:g}s"
        )

    async with client(args, config=ONE_ATTEMPT) as opened:
        try:
            calibration = await calibrate(opened, args.version, images, duration=args.duration, on_step=step)
        finally:
            line.finish()
    for note in _warnings(calibration):
        out.fail(note)
    if calibration.tps_per_unit <= 0:
        out.fail("no request was served: there is nothing to size from")
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
        sys.stdout.write(json.dumps(out.calibration_record(calibration, sizing), indent=2) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in out.calibration_table(calibration, sizing)))
    return EXIT_OK
