"""The command line: ``aiocustomlabels`` or ``python -m aiocustomlabels``.

Commands: ``versions``, ``start``, ``stop``, ``units``, ``hosted`` (the
library's semantics, from a shell), ``emulator`` (the fake service on loopback HTTP) and ``demo`` (the main
job on an embedded emulator). The last two are test tooling: they are
implemented in ``aiocustomlabels.testing`` and import it only when they run.
Each command is one entry of ``COMMANDS``: its arguments and its coroutine.

Options are spelled as the AWS CLI spells them (``--min-inference-units``,
``--project-arn``, ``--region``, ``--profile``, ``--endpoint-url``). No
traceback reaches the user: every failure is one line on stderr, and the exit
code says which kind it was (``docs/cli.md``): 0 success; 1 a failure (the
service's error, a model that cannot start or stop, no credentials, a busy
port, a closed output); 2 a usage error, after the subcommand's usage; 3 a
wait timeout; 130 Ctrl-C. When a wait ends by timeout or Ctrl-C while the
version may be starting or running, the last status seen and the command that
stops it are printed too: a hosted model bills by the hour.

Only the standard library is imported here at first; ``import aiocustomlabels``
never imports this module.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shlex
import sys
import time
import traceback
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from datetime import datetime

    from ._arns import ProjectArn, ProjectVersionArn
    from ._client import CustomLabelsClient
    from ._errors import ConfigurationError
    from ._format import HostedRow
    from ._models import ProjectVersionDescription, ProjectVersionStatus
    from ._waiting import Backoff

__all__ = ["COMMANDS", "Command", "CommandError", "UsageError", "build_parser", "main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

PROJECT_ARN_FORM = "arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT_NAME/NUMBER"


class UsageError(Exception):
    """Arguments that parse but do not make sense together: exit 2, after the subcommand's usage."""


class CommandError(Exception):
    """A command that cannot do its job for a reason outside the library (a busy port): exit 1."""


# -- argument types: each names what it expects and what it got ---------------------------------


def _whole(text: str, what: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        msg = f"expected {what}, a whole number from {low} to {high:,}; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _units(text: str) -> int:
    from ._rules import MAX_INFERENCE_UNITS, MIN_INFERENCE_UNITS  # noqa: PLC0415 -- loaded with the package

    return _whole(text, "a number of inference units", MIN_INFERENCE_UNITS, MAX_INFERENCE_UNITS)


def _page_size(text: str) -> int:
    from ._rules import MAX_PAGE_SIZE  # noqa: PLC0415

    return _whole(text, "versions per request", 1, MAX_PAGE_SIZE)


def _port(text: str) -> int:
    return _whole(text, "a TCP port (0 picks a free one)", 0, 65535)


def _non_negative(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        msg = f"expected {what}, 0 or more; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _seconds(text: str) -> float:
    return _non_negative(text, "a number of seconds")


def _delay(text: str) -> float:
    value = _seconds(text)
    if value <= 0:
        msg = f"expected a number of seconds above 0; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _project_arn(text: str) -> ProjectArn:
    from ._arns import ProjectArn  # noqa: PLC0415

    try:
        return ProjectArn.parse(text)
    except ValueError:
        msg = f"expected a project ARN, {PROJECT_ARN_FORM}; got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _version(text: str) -> str:
    """A version's ARN (parsed) or its name (checked)."""
    from ._arns import ProjectVersionArn  # noqa: PLC0415
    from ._rules import is_name  # noqa: PLC0415

    if text.startswith("arn:"):
        try:
            return ProjectVersionArn.parse(text)
        except ValueError:
            msg = (
                "expected a version ARN, "
                f"arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT_NAME/version/NAME/NUMBER; got {text!r}"
            )
            raise argparse.ArgumentTypeError(msg) from None
    if not is_name(text):
        msg = f"expected a version name (1 to 255 of a-z A-Z 0-9 _ . -) or a version ARN; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


def _name(text: str) -> str:
    from ._rules import is_name  # noqa: PLC0415

    if not is_name(text):
        msg = f"expected a version name, 1 to 255 of a-z A-Z 0-9 _ . -; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


# -- the parser ------------------------------------------------------------------------------


def _aws_options() -> argparse.ArgumentParser:
    # Accepted before or after the command, as the AWS CLI accepts them.
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("AWS options")
    group.add_argument("--region", default=argparse.SUPPRESS, help="AWS region (default: your configuration)")
    group.add_argument("--profile", default=argparse.SUPPRESS, help="profile of your AWS configuration")
    group.add_argument(
        "--endpoint-url", default=argparse.SUPPRESS, help="another endpoint, such as the emulator's"
    )
    group.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="log botocore's requests"
    )
    return common


def _wait_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waiting")
    group.add_argument(
        "--wait", action="store_true", help="wait until it is done, showing progress on stderr"
    )
    group.add_argument(
        "--timeout", type=_delay, metavar="SECONDS", help="give up waiting after this long (exit 3)"
    )
    _delay_options(group)


def _delay_options(group: argparse._ArgumentGroup) -> None:
    from ._waiting import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY  # noqa: PLC0415 -- loaded with the package

    # No defaults given to argparse: what is not given is the library's (see Backoff).
    group.add_argument(
        "--min-delay",
        type=_delay,
        metavar="SECONDS",
        help=f"first delay between polls (default {DEFAULT_MIN_DELAY:g})",
    )
    group.add_argument(
        "--max-delay",
        type=_delay,
        metavar="SECONDS",
        help=f"longest delay between polls (default {DEFAULT_MAX_DELAY:g})",
    )


def _version_and_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "version", metavar="VERSION", type=_version, help="the model version: its ARN, or its name"
    )
    parser.add_argument(
        "--project-arn",
        type=_project_arn,
        metavar="ARN",
        help="the version's project: needed with a version name; with a version's ARN, "
        "looked up when needed and not given",
    )


def _versions_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("project_arn", metavar="PROJECT_ARN", type=_project_arn, help="the project")
    parser.add_argument(
        "--version-name",
        action="append",
        dest="version_names",
        type=_name,
        metavar="NAME",
        help="only this version (repeatable)",
    )
    parser.add_argument(
        "--page-size", type=_page_size, default=100, metavar="N", help="versions per request, 1 to 100"
    )
    parser.add_argument(
        "--units",
        action="store_true",
        help="add the inference units in service to RUNNING versions (from CloudWatch)",
    )
    parser.add_argument(
        "--output",
        choices=["table", "json", "jsonl"],
        default="table",
        help="table (default), one JSON array, or one JSON object per line",
    )


def _start_arguments(parser: argparse.ArgumentParser) -> None:
    _version_and_project(parser)
    parser.add_argument(
        "--min-inference-units",
        "--min-units",
        dest="min_units",
        type=_units,
        required=True,
        metavar="N",
        help="MinInferenceUnits: the units it starts with",
    )
    parser.add_argument(
        "--max-inference-units",
        "--max-units",
        dest="max_units",
        type=_units,
        metavar="N",
        help="MaxInferenceUnits: auto-scale up to this many (default: no auto-scaling)",
    )
    parser.add_argument(
        "--reconfigure",
        action="store_true",
        help="if the version is hosted with other units, stop it and start it again with these; "
        "implies --wait (the restart's downtime is 10 to 20 minutes on AWS)",
    )
    _wait_options(parser)


def _stop_arguments(parser: argparse.ArgumentParser) -> None:
    _version_and_project(parser)
    _wait_options(parser)


def _price(text: str) -> float:
    return _non_negative(text, "a price per inference-unit hour")


def _concurrency(text: str) -> int:
    from ._rules import MAX_CONCURRENCY  # noqa: PLC0415

    return _whole(text, "projects listed at once", 1, MAX_CONCURRENCY)


def _hosted_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--output",
        choices=["table", "json", "jsonl"],
        default="table",
        help="table (default), one JSON array, or one JSON object per line",
    )
    parser.add_argument(
        "--price-per-unit-hour",
        type=_price,
        metavar="PRICE",
        help="your region's price of an inference-unit hour: adds the hourly cost at min and at max "
        "units (no price is built in: prices differ by region and change)",
    )
    parser.add_argument(
        "--concurrency", type=_concurrency, default=4, metavar="N", help="projects listed at once (default 4)"
    )
    group = parser.add_argument_group("stopping")
    group.add_argument(
        "--stop-all", action="store_true", help="stop every version listed, and wait until none is hosted"
    )
    group.add_argument("--yes", action="store_true", help="with --stop-all: stop without asking first")
    group.add_argument(
        "--timeout", type=_delay, metavar="SECONDS", help="with --stop-all: give up waiting after this long"
    )
    _delay_options(group)


def _duration(text: str) -> float:
    """Seconds in ``90s``, ``30m``, ``3h`` or ``2d``."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        value = float(text[:-1]) * units[text[-1]]
    except (ValueError, KeyError, IndexError):
        value = -1.0
    if not 0 < value < float("inf"):
        msg = f"expected a time such as 90s, 30m, 3h or 2d; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _instant(text: str) -> datetime:
    """An ISO 8601 time with its offset (``Z`` for UTC)."""
    from datetime import datetime  # noqa: PLC0415

    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        msg = f"expected an ISO 8601 time with its offset, such as 2026-11-27T09:00Z; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _period(text: str) -> int:
    from ._rules import check_period  # noqa: PLC0415 -- loaded with the package

    try:
        return check_period(int(text))
    except ValueError:  # not a number, or a period CloudWatch refuses (InvalidRequestError)
        msg = (
            f"expected seconds a sample averages, 60 or a multiple of 60 (or 1, 5, 10, 20, 30); got {text!r}"
        )
        raise argparse.ArgumentTypeError(msg) from None


def _units_arguments(parser: argparse.ArgumentParser) -> None:
    _version_and_project(parser)
    parser.add_argument(
        "--since",
        type=_duration,
        default=3 * 3600.0,
        metavar="TIME",
        help="how far back from the end: 90s, 30m, 3h (default) or 2d",
    )
    parser.add_argument(
        "--start", type=_instant, metavar="TIME", help="the start instead, ISO 8601 (2026-11-27T09:00Z)"
    )
    parser.add_argument("--end", type=_instant, metavar="TIME", help="the end, ISO 8601 (default: now)")
    parser.add_argument(
        "--period",
        type=_period,
        default=60,
        metavar="SECONDS",
        help="seconds each sample averages: 60 (default) or a multiple of 60",
    )
    parser.add_argument(
        "--output",
        choices=["table", "json", "jsonl", "chart"],
        default="table",
        help="table (default), one JSON array, one JSON object per line, or a chart",
    )
    parser.add_argument("--width", type=_chart_width, default=60, metavar="COLUMNS", help="the chart's width")


def _chart_width(text: str) -> int:
    return _whole(text, "columns", 10, 1000)


def _emulator_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument(
        "--port", type=_port, default=4566, help="port to bind (default 4566); 0 picks a free one"
    )
    parser.add_argument(
        "--seed",
        choices=["demo", "day", "none"],
        default="demo",
        help="what to start with: the demo project (default), a day of auto-scaling already played "
        "(its clock stands still), or nothing",
    )
    parser.add_argument(
        "--start-seconds", type=_seconds, default=10.0, metavar="SECONDS", help="how long a start takes"
    )
    parser.add_argument(
        "--stop-seconds", type=_seconds, default=3.0, metavar="SECONDS", help="how long a stop takes"
    )
    parser.add_argument(
        "--seconds-per-request",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="fake time stands still, and moves SECONDS at each request: every run answers the same, "
        "whatever the machine's speed (default: fake time is real time)",
    )


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--start-seconds",
        type=_seconds,
        default=3.0,
        metavar="SECONDS",
        help="how long the emulated start takes",
    )


@dataclass(frozen=True)
class Command:
    """One command of the command line.

    Attributes:
        name: What the user types.
        help: One line for ``--help``.
        arguments: Adds the command's own arguments to its parser.
        run: Does the work; returns the exit code.
        aws: Whether it takes the AWS options (``--region`` and the others).
    """

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, int]]
    aws: bool = True


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The argument parser of the command line, and each command's own (for its usage)."""
    from . import __version__  # noqa: PLC0415 -- loaded with the package

    common = _aws_options()
    parser = argparse.ArgumentParser(
        prog="aiocustomlabels",
        description="Rekognition Custom Labels model versions, from the shell.",
        epilog="Exit codes: 0 done, 1 failed, 2 usage error, 3 wait timed out, 130 interrupted.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {}
    for command in COMMANDS:
        sub = subparsers.add_parser(
            command.name,
            parents=[common] if command.aws else [],
            help=command.help,
            description=command.help[0].upper() + command.help[1:] + ".",
        )
        command.arguments(sub)
        parsers[command.name] = sub
    return parser, parsers


# -- output ----------------------------------------------------------------------------------


class Progress:
    """The live progress line of a wait, and the last description it saw.

    On a terminal one line is redrawn every second: status, elapsed time, next
    poll. Elsewhere (a pipe, a log) one line is printed per status change.
    """

    def __init__(self, out: TextIO, *, live: bool) -> None:
        self._out = out
        self._live = live
        self._began = time.monotonic()
        self._status = "-"
        self._next_poll: float | None = None
        self._drawn = False
        #: The last description seen: what a wait that ends early reports.
        self.last: ProjectVersionDescription | None = None

    def status(self, description: ProjectVersionDescription) -> None:
        """Note a new status."""
        self.last = description
        self._status = str(description.status)
        if self._live:
            self.redraw()
        else:
            print(f"{self._elapsed():>7.1f}s  {self._status}", file=self._out, flush=True)

    def delay(self, seconds: float) -> None:
        """Note when the next poll is due."""
        self._next_poll = time.monotonic() + seconds

    def _elapsed(self) -> float:
        return time.monotonic() - self._began

    def redraw(self) -> None:
        """Draw the line again, in place."""
        if not self._live:
            return
        due = (
            ""
            if self._next_poll is None
            else f", next poll in {max(0.0, self._next_poll - time.monotonic()):.0f}s"
        )
        self._out.write(f"\r\x1b[2K{self._status}  {self._elapsed():.0f}s elapsed{due}")
        self._out.flush()
        self._drawn = True

    def finish(self) -> None:
        """End the live line, so that what follows starts on a line of its own."""
        if self._live and self._drawn:
            self._out.write("\n")
            self._out.flush()

    async def tick(self) -> None:
        """Redraw every second, until cancelled."""
        while True:
            await asyncio.sleep(1.0)
            self.redraw()


def _fail(message: str) -> None:
    print(f"aiocustomlabels: {message}", file=sys.stderr, flush=True)


# -- commands --------------------------------------------------------------------------------


@asynccontextmanager
async def _client(args: argparse.Namespace) -> AsyncIterator[CustomLabelsClient]:
    from aiobotocore.session import AioSession  # noqa: PLC0415 -- only commands that talk to AWS

    from ._client import CustomLabelsClient  # noqa: PLC0415

    session = AioSession(profile=getattr(args, "profile", None))
    async with CustomLabelsClient.create(
        region_name=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        session=session,
    ) as client:
        yield client


async def _in_service(
    client: CustomLabelsClient, project: ProjectArn, version: ProjectVersionDescription
) -> float | None:
    """The units in service of a RUNNING version, from CloudWatch; ``None`` for others, or none published."""
    from ._models import ProjectVersionStatus  # noqa: PLC0415

    if version.status is not ProjectVersionStatus.RUNNING or version.version_name is None:
        return None
    sample = await client.units_in_service(project, version.version_name)
    return None if sample is None else sample.in_service


async def _versions(args: argparse.Namespace) -> int:
    from ._converters import json_converter  # noqa: PLC0415
    from ._format import IN_SERVICE_HEADER, TABLE_HEADER, in_service_text, version_row  # noqa: PLC0415
    from ._rules import IN_SERVICE_METRIC  # noqa: PLC0415

    out = sys.stdout
    # Nothing is printed before the first answer: a failure prints its line alone.
    header = TABLE_HEADER + (IN_SERVICE_HEADER if args.units else "")
    opening = {"table": header + "\n", "json": "[", "jsonl": ""}[args.output]
    closing = {"table": "", "json": "]\n", "jsonl": ""}[args.output]
    count = 0
    async with _client(args) as client:
        versions = client.describe_project_versions(
            args.project_arn, version_names=args.version_names, page_size=args.page_size
        )
        async with versions:
            async for version in versions:
                in_service = await _in_service(client, args.project_arn, version) if args.units else None
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


def _needs_project(args: argparse.Namespace) -> UsageError:
    """The usage error of a version name without --project-arn: why it is needed, and the form to pass."""
    why = f"with a version name ({args.version!r}): the service finds a version by its project's ARN and its name"
    return UsageError(
        f"--project-arn is needed {why}. Pass --project-arn {PROJECT_ARN_FORM} "
        "(`aws rekognition describe-projects` shows it), or give the version's ARN"
    )


def _check_version(args: argparse.Namespace) -> None:
    """Refuse, before any request, a VERSION and --project-arn that cannot be used together."""
    from ._arns import ProjectVersionArn  # noqa: PLC0415

    project: ProjectArn | None = args.project_arn
    if isinstance(args.version, ProjectVersionArn):
        if project is not None and project.project_name != args.version.project_name:
            msg = f"version {args.version} is not in project {project} (--project-arn)"
            raise UsageError(msg)
        # Without --project-arn, a wait looks the project up (DescribeProjects).
    elif project is None:
        raise _needs_project(args)


async def _resolve(
    client: CustomLabelsClient, args: argparse.Namespace, *, need_project: bool
) -> tuple[ProjectArn | None, str, ProjectVersionArn]:
    """(project ARN or None, version name, version ARN) from VERSION and --project-arn, once checked.

    With ``need_project``, a version ARN's project is looked up when --project-arn is not given.
    """
    from ._arns import ProjectVersionArn  # noqa: PLC0415

    project: ProjectArn | None = args.project_arn
    if isinstance(args.version, ProjectVersionArn):
        if project is None and need_project:
            # The project's ARN ends in its own creation time: it can be found, not computed.
            project = await client.project_arn_of(args.version)
        return project, args.version.version_name, args.version
    assert project is not None  # noqa: S101 -- _check_version insists on it with a name
    description = await client.describe_project_version(project, args.version)
    assert description.project_version_arn is not None  # noqa: S101 -- found by that name
    return project, args.version, description.project_version_arn


def _backoff(args: argparse.Namespace) -> Backoff:
    """The wait's delays: those given, the library's defaults for the rest."""
    from ._waiting import Backoff  # noqa: PLC0415

    given = {"min_delay": getattr(args, "min_delay", None), "max_delay": getattr(args, "max_delay", None)}
    try:
        return Backoff(**{name: value for name, value in given.items() if value is not None})
    except ValueError as exc:
        raise UsageError(f"--min-delay and --max-delay: {exc}") from None


def _stop_command(
    args: argparse.Namespace, client: CustomLabelsClient, arn: ProjectVersionArn, project: ProjectArn
) -> str:
    """The command that stops the version, with the AWS options and the delays this one was given."""
    words = ["aiocustomlabels", "stop", str(arn), "--project-arn", str(project)]
    words += ["--region", getattr(args, "region", None) or client.raw.meta.region_name]
    for option in ("profile", "endpoint_url"):
        value = getattr(args, option, None)
        if value is not None:
            words += [f"--{option.replace('_', '-')}", value]
    words.append("--wait")
    for option in ("min_delay", "max_delay"):
        value = getattr(args, option)
        if value is not None:
            words += [f"--{option.replace('_', '-')}", f"{value:g}"]
    return shlex.join(words)


def _billing_note(*, starting: bool, last: ProjectVersionStatus | None, name: str) -> str | None:
    """What to say about the bill when a wait ends early, given the last status seen (None if none).

    None when nothing that could host the version was sent, or it is stopping.
    """
    from ._models import ProjectVersionStatus as S  # noqa: PLC0415

    if last is None:
        verb = "start" if starting else "stop"
        return (
            f"{name}: no status was seen, so the {verb} may or may not have been sent: "
            "it may be starting or running, and billing by the hour."
        )
    startable = (S.TRAINING_COMPLETED, S.STOPPED, S.COPYING_COMPLETED, S.FAILED)
    notes = {
        (True, S.STARTING): "it will go on to RUNNING, and bill by the hour until it is stopped.",
        (True, S.RUNNING): "it bills by the hour until it is stopped.",
        (False, S.STARTING): (
            "no stop was sent (a STARTING version is stopped once RUNNING): "
            "it will run, and bill by the hour, until it is stopped."
        ),
        (False, S.RUNNING): "the stop may not have been sent: it may still run, and bill by the hour.",
        **dict.fromkeys(
            ((True, status) for status in startable),
            "the start may have been sent: it may be starting, to bill by the hour once running.",
        ),
    }
    note = notes.get((starting, last))
    return None if note is None else f"{name} was {last}: {note}"


async def _start_only(
    client: CustomLabelsClient, args: argparse.Namespace, name: str, arn: ProjectVersionArn
) -> ProjectVersionStatus:
    """StartProjectVersion; a version already hosted is described, and a unit mismatch raised."""
    from ._errors import ResourceInUseError  # noqa: PLC0415
    from ._hosting import check_units  # noqa: PLC0415
    from ._rules import InferenceUnits  # noqa: PLC0415

    units = InferenceUnits(args.min_units, args.max_units)
    try:
        return await client.start_project_version(
            arn, min_inference_units=units.min, max_inference_units=units.max
        )
    except ResourceInUseError:
        # Starting, running or stopping already: with these units, or others?
        project, _, _ = await _resolve(client, args, need_project=True)
        assert project is not None  # noqa: S101 -- _resolve looks it up
        description = await client.describe_project_version(project, name)
        check_units(project, name, units, description)
        raise


async def _start_or_stop(args: argparse.Namespace) -> int:
    from ._errors import WaitTimeoutError  # noqa: PLC0415
    from ._format import version_row  # noqa: PLC0415

    starting = args.command == "start"
    if starting and args.reconfigure:
        args.wait = True  # a restart is a stop, a wait and a start: only a wait does all three
    _check_version(args)
    backoff = _backoff(args)
    if starting:
        from ._rules import InferenceUnits  # noqa: PLC0415

        # The library's rule, before any request: its InvalidRequestError is a usage error.
        InferenceUnits(args.min_units, args.max_units)
    async with _client(args) as client:
        project, name, arn = await _resolve(client, args, need_project=args.wait)
        if not args.wait:
            if starting:
                status = await _start_only(client, args, name, arn)
            else:
                status = await client.stop_project_version(arn)
            print(f"{name}: {status}", flush=True)
            return EXIT_OK
        assert project is not None  # noqa: S101 -- _resolve finds it with --wait
        progress = Progress(sys.stderr, live=sys.stderr.isatty())
        ticker = asyncio.create_task(progress.tick())
        try:
            if starting:
                final = await client.start_and_wait(
                    project,
                    name,
                    min_inference_units=args.min_units,
                    max_inference_units=args.max_units,
                    reconfigure=args.reconfigure,
                    timeout=args.timeout,
                    backoff=backoff,
                    on_status=progress.status,
                    on_delay=progress.delay,
                )
            else:
                final = await client.stop_and_wait(
                    project,
                    name,
                    timeout=args.timeout,
                    backoff=backoff,
                    on_status=progress.status,
                    on_delay=progress.delay,
                )
        except (WaitTimeoutError, asyncio.CancelledError) as exc:
            last = exc.description if isinstance(exc, WaitTimeoutError) else progress.last
            note = _billing_note(starting=starting, last=None if last is None else last.status, name=name)
            if note is not None:
                args.notes.append(f"{note} To stop it:\n  {_stop_command(args, client, arn, project)}")
            raise
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            progress.finish()
        print(version_row(final), flush=True)
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


async def _hosted(args: argparse.Namespace) -> int:
    from ._format import HostedRow, hosted_header, hosted_record, hosted_summary  # noqa: PLC0415

    out = sys.stdout
    price = args.price_per_unit_hour
    if args.stop_all and not args.yes and not sys.stdin.isatty():
        _confirm("")  # refuses at once, before any request
    rows: list[HostedRow] = []
    async with _client(args) as client:
        async with client.hosted_versions(concurrency=args.concurrency) as hosted:
            async for version in hosted:
                row = HostedRow(project=hosted.project_of(version), description=version, price=price)
                if args.output == "table":
                    out.write((hosted_header(price) + "\n" if not rows else "") + row.line() + "\n")
                elif args.output == "jsonl":
                    out.write(json.dumps(hosted_record(row), sort_keys=True) + "\n")
                out.flush()
                rows.append(row)
        if args.output == "json":
            out.write(json.dumps([hosted_record(row) for row in rows], indent=2, sort_keys=True) + "\n")
        print(
            hosted_summary(rows, price=price, region=client.raw.meta.region_name), file=sys.stderr, flush=True
        )
        if not args.stop_all or not rows:
            return EXIT_OK
        if not args.yes and not _confirm(f"Stop these {len(rows)} hosted versions?"):
            _fail("nothing was stopped")
            return EXIT_FAILED
        return await _stop_all(client, args, rows)


async def _stop_all(client: CustomLabelsClient, args: argparse.Namespace, rows: list[HostedRow]) -> int:
    """Stop every version in ``rows`` at once, and wait until none is hosted; a line for each."""
    backoff = _backoff(args)

    async def stop(row: HostedRow) -> str:
        name = row.description.version_name or "?"
        try:
            final = await client.stop_and_wait(row.project, name, timeout=args.timeout, backoff=backoff)
        except Exception as exc:
            return f"{row.project.project_name}/{name}: NOT STOPPED: {exc}"
        return f"{row.project.project_name}/{name}: {final.status}"

    outcomes = await asyncio.gather(*(stop(row) for row in rows))
    for line in outcomes:
        print(line, flush=True)
    failed = sum("NOT STOPPED" in line for line in outcomes)
    if failed:
        _fail(f"{failed} of {len(rows)} versions were not stopped: they may still bill")
        return EXIT_FAILED
    return EXIT_OK


async def _units_command(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    from ._chart import render  # noqa: PLC0415
    from ._format import UNITS_HEADER, units_record, units_row  # noqa: PLC0415
    from ._rules import check_window  # noqa: PLC0415

    _check_version(args)
    out = sys.stdout
    end = args.end if args.end is not None else datetime.now(UTC)
    # The library's rule, before any request (the project's lookup included).
    start, end = check_window(args.start or end - timedelta(seconds=args.since), end, end)
    async with _client(args) as client:
        project, name, _ = await _resolve(client, args, need_project=True)
        assert project is not None  # noqa: S101 -- _resolve finds it
        samples = await client.inference_units(project, name, start=start, end=end, period=args.period)
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


async def _serve(args: argparse.Namespace) -> int:
    from .testing._commands import serve  # noqa: PLC0415 -- only this command reaches the testing side

    return await serve(args)


async def _demo(args: argparse.Namespace) -> int:
    from .testing._commands import demo  # noqa: PLC0415 -- only this command reaches the testing side

    return await demo(args)


COMMANDS: tuple[Command, ...] = (
    Command("versions", "list a project's model versions, newest first", _versions_arguments, _versions),
    Command("start", "start a model version", _start_arguments, _start_or_stop),
    Command("stop", "stop a model version", _stop_arguments, _start_or_stop),
    Command(
        "units",
        "a version's inference units over time, in service and desired (CloudWatch)",
        _units_arguments,
        _units_command,
    ),
    Command(
        "hosted",
        "list every hosted (billed) model version of the region, and stop them",
        _hosted_arguments,
        _hosted,
    ),
    Command(
        "emulator",
        "serve the fake Custom Labels service on loopback HTTP",
        _emulator_arguments,
        _serve,
        aws=False,
    ),
    Command(
        "demo",
        "run the main job against an embedded emulator; no AWS account",
        _demo_arguments,
        _demo,
        aws=False,
    ),
)
"""The commands, in the order ``--help`` lists them."""


# -- errors ----------------------------------------------------------------------------------


def _configuration_message(exc: ConfigurationError, args: argparse.Namespace) -> str:
    """What a user can do about a configuration error, in a line."""
    from botocore.exceptions import (  # noqa: PLC0415 -- only on this path
        ConfigParseError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ProfileNotFound,
    )

    cause = exc.__cause__
    if isinstance(cause, NoRegionError):
        return "no AWS region: pass --region, or set AWS_DEFAULT_REGION or a region in your AWS configuration"
    if isinstance(cause, NoCredentialsError | PartialCredentialsError):
        return (
            f"no AWS credentials ({cause}): configure them (aws configure, AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or --profile); the emulator takes any"
        )
    if isinstance(cause, ProfileNotFound):
        return f"{cause}: name a profile of your AWS configuration with --profile, or leave it out"
    if isinstance(cause, ConfigParseError):
        return f"{cause}: fix the file, or point AWS_CONFIG_FILE at another"
    endpoint = getattr(args, "endpoint_url", None)
    if isinstance(cause, ValueError) and endpoint is not None and endpoint in str(cause):
        return f"--endpoint-url {endpoint!r} is not a URL: give one such as http://127.0.0.1:4566"
    return str(exc)


#: The library's argument names, as the command line spells them: its checks are the command line's.
_OPTIONS = {
    "min_inference_units": "--min-inference-units",
    "max_inference_units": "--max-inference-units",
    "version_names": "--version-name",
    "page_size": "--page-size",
    "project_arn": "--project-arn",
    "timeout": "--timeout",
    "min_delay": "--min-delay",
    "max_delay": "--max-delay",
}


def _in_cli_terms(message: str) -> str:
    """A library message with its argument names replaced by the options that carry them."""
    for argument, option in _OPTIONS.items():
        message = message.replace(argument, option)
    return message


def _quiet_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered must not fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover -- stdout has no file descriptor
        pass


def _run(  # noqa: PLR0911 -- one return per exit code
    parser: argparse.ArgumentParser, args: argparse.Namespace, command: Command
) -> int:
    """Run the command; map what it raises to a line on stderr and an exit code."""
    from ._errors import (  # noqa: PLC0415 -- loaded with the package
        ConfigurationError,
        CustomLabelsError,
        InvalidRequestError,
        ServiceError,
        UnitsMismatchError,
        WaitTimeoutError,
    )

    args.notes = []
    try:
        try:
            code = asyncio.run(command.run(args))
            sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
            return code
        finally:
            notes, args.notes = args.notes, []
    except KeyboardInterrupt:
        # asyncio.run cancelled the command's task and closed the client before this.
        _fail("interrupted")
        for note in notes:
            _fail(note)
        return EXIT_INTERRUPTED
    except (UsageError, InvalidRequestError) as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {_in_cli_terms(str(exc))}", file=sys.stderr, flush=True)
        return EXIT_USAGE
    except UnitsMismatchError as exc:
        name = f"{exc.description.version_name}" if exc.description is not None else "the version"
        _fail(
            f"{name} is {exc.status} with {exc.running} inference units, not {exc.asked} as asked; "
            f"nothing was changed. Add --reconfigure to stop it and start it again with {exc.asked} "
            "(a restart: 10 to 20 minutes without the model on AWS)"
        )
        return EXIT_FAILED
    except WaitTimeoutError as exc:
        _fail(f"timed out: {exc}")
        for note in notes:
            _fail(note)
        return EXIT_TIMEOUT
    except ServiceError as exc:
        _fail(f"{exc.code}: {exc.message}")
        return EXIT_FAILED
    except ConfigurationError as exc:
        _fail(_configuration_message(exc, args))
        return EXIT_FAILED
    except (CustomLabelsError, CommandError) as exc:
        _fail(str(exc))
        return EXIT_FAILED
    except BrokenPipeError:
        _quiet_stdout()
        _fail("standard output was closed (broken pipe); output stopped")
        return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    try:
        parser, parsers = build_parser()
        args = parser.parse_args(argv)
        debug = getattr(args, "debug", False)
        if debug:
            logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        command = next(c for c in COMMANDS if c.name == args.command)
        try:
            return _run(parsers[command.name], args, command)
        except Exception as exc:
            if debug:
                traceback.print_exc()
            _fail(
                f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback, and report it)"
            )
            return EXIT_FAILED
    except KeyboardInterrupt:  # before the command ran: nothing to tell about
        _fail("interrupted")
        return EXIT_INTERRUPTED
