"""``versions`` and ``units``: a project's versions, and a version's inference units over time."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta

from .._arns import ProjectArn
from .._chart import render
from .._client import CustomLabelsClient
from .._converters import json_converter
from .._errors import InvalidRequestError
from .._format import (
    IN_SERVICE_HEADER,
    TABLE_HEADER,
    UNITS_HEADER,
    in_service_text,
    units_record,
    units_row,
    version_row,
)
from .._models import ProjectVersionDescription, ProjectVersionStatus
from .._rules import IN_SERVICE_METRIC, check_window
from ._failures import EXIT_OK, UsageError
from ._target import check_version, client, resolve

__all__ = ["units", "versions"]


async def _in_service(
    opened: CustomLabelsClient, project: ProjectArn, version: ProjectVersionDescription
) -> float | None:
    """The units in service of a RUNNING version, from CloudWatch; ``None`` for others, or none published."""
    if version.status is not ProjectVersionStatus.RUNNING or version.version_name is None:
        return None
    sample = await opened.units_in_service(project, version.version_name)
    return None if sample is None else sample.in_service


async def versions(args: argparse.Namespace) -> int:
    """``versions``: a row (or a JSON object) per version, printed as its page arrives."""
    out = sys.stdout
    # Nothing is printed before the first answer: a failure prints its line alone.
    header = TABLE_HEADER + (IN_SERVICE_HEADER if args.units else "")
    opening = {"table": header + "\n", "json": "[", "jsonl": ""}[args.output]
    closing = {"table": "", "json": "]\n", "jsonl": ""}[args.output]
    count = 0
    async with client(args) as opened:
        listing = opened.describe_project_versions(
            args.project_arn, version_names=args.version_names, page_size=args.page_size
        )
        async with listing:
            async for version in listing:
                in_service = await _in_service(opened, args.project_arn, version) if args.units else None
                if args.output == "table":
                    text = version_row(version) + (in_service_text(in_service) if args.units else "") + "\n"
                else:
                    record = json_converter.unstructure(version)
                    if args.units and in_service is not None:
                        record[IN_SERVICE_METRIC] = in_service
                    text = json.dumps(record, sort_keys=True)
                    text = f"{',' if count else ''}\n  {text}" if args.output == "json" else text + "\n"
                out.write((opening if not count else "") + text)
                out.flush()
                count += 1
    out.write((opening if not count else "") + ("\n" if count and args.output == "json" else "") + closing)
    return EXIT_OK


def _window(args: argparse.Namespace) -> tuple[datetime, datetime]:
    """The time asked for, checked by the library's rule before any request.

    Raises:
        UsageError: A start that does not come before the end.
    """
    end = args.end if args.end is not None else datetime.now(UTC)
    start = args.start or end - timedelta(seconds=args.since)
    try:
        return check_window(start, end, end)
    except InvalidRequestError:  # the options are aware datetimes: only the order can be wrong
        msg = f"--start ({start.isoformat()}) must come before --end ({end.isoformat()})"
        raise UsageError(msg) from None


async def units(args: argparse.Namespace) -> int:
    """``units``: a version's inference units, as a table, JSON or a chart."""
    check_version(args)
    out = sys.stdout
    start, end = _window(args)  # before any request, the project's lookup included
    async with client(args) as opened:
        project, name, _ = await resolve(opened, args, need_project=True)
        assert project is not None  # noqa: S101 -- resolve finds it
        samples = await opened.inference_units(project, name, start=start, end=end, period=args.period)
    if args.output == "chart":
        out.write("\n".join(render(samples, width=args.width)) + "\n")
    elif args.output == "table":
        out.write("".join(f"{line}\n" for line in [UNITS_HEADER, *map(units_row, samples)] if samples))
    elif args.output == "json":
        out.write(json.dumps([units_record(s) for s in samples], indent=2) + "\n")
    else:
        out.write("".join(json.dumps(units_record(s)) + "\n" for s in samples))
    if not samples and args.output != "chart":
        print(
            f"{name}: no datapoints in that time (a version publishes its units while hosted, if "
            "trained and started after August 2022)",
            file=sys.stderr,
            flush=True,
        )
    return EXIT_OK
