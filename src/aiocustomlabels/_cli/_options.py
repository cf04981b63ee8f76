"""What a command is given: its options, each checked by the library's rules, and what they name.

An option's type parses its text and asks the library's predicate (``_rules``)
whether the service takes the value: a refusal is argparse's usage error,
naming the option (argparse adds it), what it expects and what it got. What
options mean together (a version name and its project, the units, the delays)
is checked before any request, by the library's own classes, and said in the
options' words. Options are spelled as the AWS CLI spells them.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any, TypeVar

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession

from .. import (
    Backoff,
    CustomLabelsClient,
    InferenceUnits,
    ProjectArn,
    ProjectVersionArn,
    _rules,
)
from ..types import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY

T = TypeVar("T")

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

PROJECT_ARN_FORM = "arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT_NAME/NUMBER"
VERSION_ARN_FORM = "arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT_NAME/version/NAME/NUMBER"
NAME_FORM = "1 to 255 of a-z A-Z 0-9 _ . -"


class UsageError(Exception):
    """Arguments that parse but do not make sense together: exit 2, after the subcommand's usage."""


class CommandError(Exception):
    """A command that cannot do its job for a reason outside the library (a busy port): exit 1."""


# -- argument types: each names what it expects and what it got ---------------------------------


def _typed(
    what: str, parse: Callable[[str], T], accept: Callable[[T], bool] = lambda _: True
) -> Callable[[str], T]:
    """The argument type of ``parse``, whose value ``accept`` must take: else expected ``what``, got the text."""

    def typed(text: str) -> T:
        try:
            value = parse(text)
        except (ValueError, KeyError, IndexError):  # an ARN's ValueError included
            pass
        else:
            if accept(value):
                return value
        msg = f"expected {what}; got {text!r}"
        raise argparse.ArgumentTypeError(msg)

    return typed


def _whole(
    what: str, low: int, high: int, accept: Callable[[int], bool] | None = None
) -> Callable[[str], int]:
    return _typed(
        f"{what}, a whole number from {low} to {high:,}", int, accept or (lambda v: low <= v <= high)
    )


def _number(what: str, *, above_zero: bool = False) -> Callable[[str], float]:
    """Finite seconds, a price, a rate: 0 or more, or above 0 (``is_seconds``: no NaN, no infinity)."""
    if above_zero:
        return _typed(f"{what} above 0", float, lambda v: _rules.is_seconds(v) and v > 0)
    return _typed(f"{what}, 0 or more", float, lambda v: _rules.is_seconds(v) and v >= 0)


def _seconds_in(text: str) -> float:
    """Seconds in ``90s``, ``30m``, ``3h`` or ``2d``."""
    return float(text[:-1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[text[-1]]


_UNITS = _whole(
    "a number of inference units", _rules.MIN_INFERENCE_UNITS, _rules.MAX_INFERENCE_UNITS, _rules.is_units
)
_SECONDS = _number("a number of seconds")
_DELAY = _number("a number of seconds", above_zero=True)
_PRICE = _number("a price per inference-unit hour")
_PROJECT = _typed(f"a project ARN, {PROJECT_ARN_FORM}", ProjectArn)
_VERSION_ARN = _typed(f"a version ARN, {VERSION_ARN_FORM}", ProjectVersionArn)
_NAME_OR_ARN = _typed(f"a version name ({NAME_FORM}) or a version ARN", str, _rules.is_name)
_NAME = _typed(f"a version name, {NAME_FORM}", str, _rules.is_name)
_DURATION = _typed("a time such as 90s, 30m, 3h or 2d", _seconds_in, lambda v: 0 < v < float("inf"))
_INSTANT = _typed(
    "an ISO 8601 time with its offset, such as 2026-11-27T09:00Z",
    datetime.fromisoformat,
    lambda v: v.tzinfo is not None,
)
_PERIOD = _typed(
    "seconds a sample averages, 60 or a multiple of 60 (or 1, 5, 10, 20, 30)", int, _rules.is_period
)


def _version(text: str) -> str:
    """A version's ARN (parsed) or its name (checked)."""
    return _VERSION_ARN(text) if text.startswith("arn:") else _NAME_OR_ARN(text)


# -- each command's options -----------------------------------------------------------------


def aws_options() -> argparse.ArgumentParser:
    """The AWS options, accepted before or after the command, as the AWS CLI accepts them."""
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


def _output(parser: argparse.ArgumentParser, *, chart: bool = False) -> None:
    choices = ["table", "json", "jsonl", "chart"] if chart else ["table", "json", "jsonl"]
    shown = ", one JSON object per line, or a chart" if chart else ", or one JSON object per line"
    parser.add_argument(
        "--output", choices=choices, default="table", help=f"table (default), one JSON array{shown}"
    )


def _delays(group: Any, *, wait: str | None = None) -> None:
    """--timeout (its help ``wait``) and the delays; none defaults in argparse: the library's (Backoff)."""
    if wait is not None:
        group.add_argument("--timeout", type=_DELAY, metavar="SECONDS", help=wait)
    for bound, default in (("min", DEFAULT_MIN_DELAY), ("max", DEFAULT_MAX_DELAY)):
        first = "first" if bound == "min" else "longest"
        group.add_argument(
            f"--{bound}-delay",
            type=_DELAY,
            metavar="SECONDS",
            help=f"{first} delay between polls (default {default:g})",
        )


def _price(group: Any, at: str) -> None:
    text = f"your region's price of an inference-unit hour: adds the hourly cost at {at}"
    group.add_argument("--price-per-unit-hour", type=_PRICE, metavar="PRICE", help=text)


def _version_and_project(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "version", metavar="VERSION", type=_version, help="the model version: its ARN, or its name"
    )
    parser.add_argument(
        "--project-arn",
        type=_PROJECT,
        metavar="ARN",
        help="the version's project: needed with a version name; with a version's ARN, "
        "looked up when needed and not given",
    )


def _wait(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waiting")
    group.add_argument(
        "--wait", action="store_true", help="wait until it is done, showing progress on stderr"
    )
    _delays(group, wait="give up waiting after this long (exit 3)")


def versions_arguments(parser: argparse.ArgumentParser) -> None:
    """``versions``'s arguments: the project, names, page size, units and output."""
    parser.add_argument("project_arn", metavar="PROJECT_ARN", type=_PROJECT, help="the project")
    parser.add_argument(
        "--version-name",
        action="append",
        dest="version_names",
        type=_NAME,
        metavar="NAME",
        help="only this version (repeatable)",
    )
    parser.add_argument(
        "--page-size",
        type=_whole("versions per request", 1, _rules.MAX_PAGE_SIZE, _rules.is_page_size),
        default=_rules.MAX_PAGE_SIZE,
        metavar="N",
        help="versions per request, 1 to 100",
    )
    parser.add_argument(
        "--units",
        action="store_true",
        help="add the inference units in service to RUNNING versions (from CloudWatch)",
    )
    _output(parser)


def start_arguments(parser: argparse.ArgumentParser) -> None:
    """``start``'s arguments: the version, its units, --reconfigure and the wait's."""
    _version_and_project(parser)
    for bound, meaning in (
        ("min", "MinInferenceUnits: the units it starts with"),
        ("max", "MaxInferenceUnits: auto-scale up to this many (default: no auto-scaling)"),
    ):
        parser.add_argument(
            f"--{bound}-inference-units",
            f"--{bound}-units",
            dest=f"{bound}_units",
            type=_UNITS,
            required=bound == "min",
            metavar="N",
            help=meaning,
        )
    parser.add_argument(
        "--reconfigure",
        action="store_true",
        help="if the version is hosted with other units, stop it and start it again with these; "
        "implies --wait (the restart's downtime is 10 to 20 minutes on AWS)",
    )
    _wait(parser)


def stop_arguments(parser: argparse.ArgumentParser) -> None:
    """``stop``'s arguments: the version and the wait's."""
    _version_and_project(parser)
    _wait(parser)


def hosted_arguments(parser: argparse.ArgumentParser) -> None:
    """``hosted``'s arguments: output, price, concurrency and --stop-all's."""
    _output(parser)
    _price(parser, "min and at max units (no price is built in: prices differ by region and change)")
    parser.add_argument(
        "--concurrency",
        type=_whole("projects listed at once", 1, _rules.MAX_CONCURRENCY),
        default=4,
        metavar="N",
        help="projects listed at once (default 4)",
    )
    group = parser.add_argument_group("stopping")
    group.add_argument(
        "--stop-all", action="store_true", help="stop every version listed, and wait until none is hosted"
    )
    group.add_argument("--yes", action="store_true", help="with --stop-all: stop without asking first")
    _delays(group, wait="with --stop-all: give up waiting after this long")


def units_arguments(parser: argparse.ArgumentParser) -> None:
    """``units``'s arguments: the version, the time, the period and the output."""
    _version_and_project(parser)
    parser.add_argument(
        "--since",
        type=_DURATION,
        default=3 * 3600.0,
        metavar="TIME",
        help="how far back from the end: 90s, 30m, 3h (default) or 2d",
    )
    parser.add_argument(
        "--start", type=_INSTANT, metavar="TIME", help="the start instead, ISO 8601 (2026-11-27T09:00Z)"
    )
    parser.add_argument("--end", type=_INSTANT, metavar="TIME", help="the end, ISO 8601 (default: now)")
    parser.add_argument(
        "--period",
        type=_PERIOD,
        default=60,
        metavar="SECONDS",
        help="seconds each sample averages: 60 (default) or a multiple of 60",
    )
    _output(parser, chart=True)
    parser.add_argument(
        "--width", type=_whole("columns", 10, 1000), default=60, metavar="COLUMNS", help="the chart's width"
    )


def calibrate_arguments(parser: argparse.ArgumentParser) -> None:
    """``calibrate``'s arguments: the version, the images, the duration, the traffic and the output."""
    parser.add_argument("version", metavar="VERSION_ARN", type=_VERSION_ARN, help="the RUNNING model version")
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
        type=_DELAY,
        default=60.0,
        metavar="SECONDS",
        help="how long the load lasts (default 60); it stops at once then",
    )
    group = parser.add_argument_group("sizing")
    tps = _number("requests a second")
    group.add_argument(
        "--base-tps", type=tps, metavar="N", help="the traffic you always have: MinInferenceUnits"
    )
    group.add_argument("--peak-tps", type=tps, metavar="N", help="your busiest traffic: MaxInferenceUnits")
    _price(group, "base and at peak")
    parser.add_argument(
        "--output", choices=["table", "json"], default="table", help="table (default) or one JSON object"
    )


def _seconds_per_request(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seconds-per-request",
        type=_SECONDS,
        metavar="SECONDS",
        help="fake time stands still, and moves SECONDS at each request: every run answers the same, "
        "whatever the machine's speed (default: fake time is real time)",
    )


def emulator_arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's options: where it listens, what it serves, how long its lifecycle takes."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    parser.add_argument(
        "--port",
        type=_whole("a TCP port (0 picks a free one)", 0, 65535),
        default=4566,
        help="port to bind (default 4566); 0 picks a free one",
    )
    parser.add_argument(
        "--seed",
        choices=["demo", "day", "none"],
        default="demo",
        help="what to start with: the demo project (default), a day of auto-scaling already played "
        "(its clock stands still), or nothing",
    )
    for step, default in (("start", 10.0), ("stop", 3.0)):
        parser.add_argument(
            f"--{step}-seconds",
            type=_SECONDS,
            default=default,
            metavar="SECONDS",
            help=f"how long a {step} takes",
        )
    parser.add_argument(
        "--tps-per-unit",
        type=_number("requests a second per inference unit", above_zero=True),
        default=5.0,
        metavar="N",
        help="DetectCustomLabels requests a second each inference unit serves (default 5, assumed)",
    )
    _seconds_per_request(parser)


def demo_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options: how long its emulated start takes, and on which clock."""
    parser.add_argument(
        "--start-seconds",
        type=_SECONDS,
        default=3.0,
        metavar="SECONDS",
        help="how long the emulated start takes",
    )
    _seconds_per_request(parser)


# -- what the options name: the client, the version, the units, the delays ----------------------


@asynccontextmanager
async def client(
    args: argparse.Namespace, *, config: AioConfig | None = None
) -> AsyncIterator[CustomLabelsClient]:
    """The client of ``--region``, ``--profile`` and ``--endpoint-url`` (botocore's defaults otherwise).

    ``config`` is merged over the library's ``DEFAULT_CONFIG``.
    """
    profile = getattr(args, "profile", None)
    async with CustomLabelsClient.create(
        region_name=getattr(args, "region", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        session=None if profile is None else AioSession(profile=profile),
        config=config,
    ) as opened:
        yield opened


def check_version(args: argparse.Namespace) -> None:
    """Refuse, before any request, a VERSION and --project-arn that cannot be used together.

    Raises:
        UsageError: A version name without its project, or a version ARN of another project.
    """
    project: ProjectArn | None = args.project_arn
    if isinstance(args.version, ProjectVersionArn):
        # Without --project-arn, a wait looks the project up (DescribeProjects).
        if project is not None and project.project_name != args.version.project_name:
            msg = f"version {args.version} is not in project {project} (--project-arn)"
            raise UsageError(msg)
    elif project is None:
        msg = (
            f"--project-arn is needed with a version name ({args.version!r}): the service finds a version "
            f"by its project's ARN and its name. Pass --project-arn {PROJECT_ARN_FORM} "
            "(`aws rekognition describe-projects` shows it), or give the version's ARN"
        )
        raise UsageError(msg)


async def resolve(
    opened: CustomLabelsClient, args: argparse.Namespace, *, need_project: bool
) -> tuple[ProjectArn | None, str, ProjectVersionArn]:
    """(project ARN or None, version name, version ARN) from VERSION and --project-arn, once checked.

    With ``need_project``, a version ARN's project is looked up when --project-arn is not given.
    """
    project: ProjectArn | None = args.project_arn
    if isinstance(args.version, ProjectVersionArn):
        if project is None and need_project:
            # The project's ARN ends in its own creation time: it can be found, not computed.
            project = await opened.project_arn_of(args.version)
        return project, args.version.version_name, args.version
    assert project is not None  # noqa: S101 -- check_version insists on it with a name
    description = await opened.describe_project_version(project, args.version)
    assert description.project_version_arn is not None  # noqa: S101 -- found by that name
    return project, args.version, description.project_version_arn


def units(args: argparse.Namespace) -> InferenceUnits:
    """The units asked for, as the library checks them; a maximum below the minimum in the options' words.

    Raises:
        UsageError: --max-inference-units below --min-inference-units.
    """
    if args.max_units is not None and args.max_units < args.min_units:  # each alone was checked
        msg = f"--max-inference-units ({args.max_units}) is below --min-inference-units ({args.min_units})"
        raise UsageError(msg)
    return InferenceUnits(args.min_units, args.max_units)


def backoff(args: argparse.Namespace) -> Backoff:
    """The wait's delays: those given, the library's defaults for the rest.

    Raises:
        UsageError: --min-delay above --max-delay.
    """
    given = {"min_delay": args.min_delay, "max_delay": args.max_delay}
    try:
        return Backoff(**{name: value for name, value in given.items() if value is not None})
    except ValueError as exc:
        raise UsageError(f"--min-delay and --max-delay: {exc}") from None
