"""``start`` and ``stop``: one request, or a wait with its progress and, if it ends early, the bill."""

from __future__ import annotations

import argparse
import asyncio
import sys

from .._arns import ProjectVersionArn
from .._client import CustomLabelsClient
from .._errors import ResourceInUseError, WaitTimeoutError
from .._format import version_row
from .._hosting import check_units
from .._models import ProjectVersionDescription, ProjectVersionStatus
from .._rules import InferenceUnits
from ._billing import billing_note, stop_command
from ._failures import EXIT_OK, UsageError
from ._output import Progress
from ._target import backoff, check_version, client, resolve

__all__ = ["start_or_stop"]


def _units(args: argparse.Namespace) -> InferenceUnits:
    """The units asked for; a maximum below the minimum is said in the options' words.

    Raises:
        UsageError: --max-inference-units below --min-inference-units.
    """
    if args.max_units is not None and args.max_units < args.min_units:
        msg = f"--max-inference-units ({args.max_units}) is below --min-inference-units ({args.min_units})"
        raise UsageError(msg)
    return InferenceUnits(args.min_units, args.max_units)


async def _start_only(
    opened: CustomLabelsClient, args: argparse.Namespace, name: str, arn: ProjectVersionArn
) -> ProjectVersionStatus:
    """StartProjectVersion; a version already hosted is described, and a unit mismatch raised."""
    units = _units(args)
    try:
        return await opened.start_project_version(
            arn, min_inference_units=units.min, max_inference_units=units.max
        )
    except ResourceInUseError:
        # Starting, running or stopping already: with these units, or others?
        project, _, _ = await resolve(opened, args, need_project=True)
        assert project is not None  # noqa: S101 -- resolve looks it up
        description = await opened.describe_project_version(project, name)
        check_units(project, name, units, description)
        raise


async def _wait(
    opened: CustomLabelsClient, args: argparse.Namespace, *, starting: bool, progress: Progress
) -> ProjectVersionDescription:
    """start_and_wait or stop_and_wait; an early end leaves a note on the bill and the command that stops it."""
    project, name, arn = await resolve(opened, args, need_project=True)
    assert project is not None  # noqa: S101 -- resolve finds it
    delays = backoff(args)
    try:
        if starting:
            return await opened.start_and_wait(
                project,
                name,
                min_inference_units=args.min_units,
                max_inference_units=args.max_units,
                reconfigure=args.reconfigure,
                timeout=args.timeout,
                backoff=delays,
                on_status=progress.status,
                on_delay=progress.delay,
            )
        return await opened.stop_and_wait(
            project,
            name,
            timeout=args.timeout,
            backoff=delays,
            on_status=progress.status,
            on_delay=progress.delay,
        )
    except (WaitTimeoutError, asyncio.CancelledError) as exc:
        last = exc.description if isinstance(exc, WaitTimeoutError) else progress.last
        note = billing_note(starting=starting, last=None if last is None else last.status, name=name)
        if note is not None:
            region = opened.raw.meta.region_name
            command = stop_command(args, region=region, arn=arn, project=project)
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
        _units(args)  # likewise
    async with client(args) as opened:
        if not args.wait:
            _, name, arn = await resolve(opened, args, need_project=False)
            status = await (
                _start_only(opened, args, name, arn) if starting else opened.stop_project_version(arn)
            )
            print(f"{name}: {status}", flush=True)
            return EXIT_OK
        progress = Progress(sys.stderr, live=sys.stderr.isatty())
        ticker = asyncio.create_task(progress.tick())
        try:
            final = await _wait(opened, args, starting=starting, progress=progress)
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            progress.finish()
        print(version_row(final), flush=True)
    return EXIT_OK
