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


# -- each command's options: one table ----------------------------------------------------------

#: An option's flags and settings; a string instead opens the argument group of that title ("": none).
Entry = tuple[list[str], dict[str, Any]] | str


def _opt(spec: str, text: str, kind: Callable[[str], Any] | None = None, **settings: Any) -> Entry:
    """An option from its usage (``--timeout SECONDS``: flags, then its metavar in capitals), help and type."""
    *flags, last = spec.split()
    if last.isupper():
        settings["metavar"] = last
    else:
        flags.append(last)
    return flags, {"help": text, **({} if kind is None else {"type": kind}), **settings}


def add_options(parser: argparse.ArgumentParser, entries: tuple[Entry, ...]) -> None:
    """Add ``entries`` to ``parser``, each in the group the last title opened."""
    target: Any = parser
    for entry in entries:
        if isinstance(entry, str):
            target = parser.add_argument_group(entry) if entry else parser
        else:
            target.add_argument(*entry[0], **entry[1])


def _output(*choices: str, text: str = ", or one JSON object per line") -> Entry:
    return _opt(
        "--output",
        f"table (default), one JSON array{text}",
        choices=["table", "json", "jsonl", *choices],
        default="table",
    )


def _delays(wait: str) -> tuple[Entry, ...]:
    """--timeout (its help ``wait``) and the delays; none defaults in argparse: the library's (Backoff)."""
    return (
        _opt("--timeout SECONDS", wait, _DELAY),
        _opt("--min-delay SECONDS", f"first delay between polls (default {DEFAULT_MIN_DELAY:g})", _DELAY),
        _opt("--max-delay SECONDS", f"longest delay between polls (default {DEFAULT_MAX_DELAY:g})", _DELAY),
    )


def _price(at: str) -> Entry:
    text = f"your region's price of an inference-unit hour: adds the hourly cost at {at}"
    return _opt("--price-per-unit-hour PRICE", text, _PRICE)


#: The AWS options, accepted before or after the command, as the AWS CLI accepts them.
AWS: tuple[Entry, ...] = (
    "AWS options",
    _opt("--region REGION", "AWS region (default: your configuration)", default=argparse.SUPPRESS),
    _opt("--profile PROFILE", "profile of your AWS configuration", default=argparse.SUPPRESS),
    _opt(
        "--endpoint-url ENDPOINT_URL", "another endpoint, such as the emulator's", default=argparse.SUPPRESS
    ),
    _opt("--debug", "log botocore's requests", action="store_true", default=argparse.SUPPRESS),
)
_VERSION_AND_PROJECT = (
    _opt("version VERSION", "the model version: its ARN, or its name", _version),
    _opt(
        "--project-arn ARN",
        "the version's project: needed with a version name; with a version's ARN, "
        "looked up when needed and not given",
        _PROJECT,
    ),
)
_WAIT = (
    "waiting",
    _opt("--wait", "wait until it is done, showing progress on stderr", action="store_true"),
    *_delays("give up waiting after this long (exit 3)"),
)
_SECONDS_PER_REQUEST = _opt(
    "--seconds-per-request SECONDS",
    "fake time stands still, and moves SECONDS at each request: every run answers the same, "
    "whatever the machine's speed (default: fake time is real time)",
    _SECONDS,
)
_TPS = _number("requests a second")

#: Each command's arguments, in the order its usage shows them.
ARGUMENTS: dict[str, tuple[Entry, ...]] = {
    "versions": (
        _opt("project_arn PROJECT_ARN", "the project", _PROJECT),
        _opt(
            "--version-name NAME",
            "only this version (repeatable)",
            _NAME,
            action="append",
            dest="version_names",
        ),
        _opt(
            "--page-size N",
            "versions per request, 1 to 100",
            _whole("versions per request", 1, _rules.MAX_PAGE_SIZE, _rules.is_page_size),
            default=_rules.MAX_PAGE_SIZE,
        ),
        _opt(
            "--units",
            "add the inference units in service to RUNNING versions (from CloudWatch)",
            action="store_true",
        ),
        _output(),
    ),
    "start": (
        *_VERSION_AND_PROJECT,
        _opt(
            "--min-inference-units --min-units N",
            "MinInferenceUnits: the units it starts with",
            _UNITS,
            dest="min_units",
            required=True,
        ),
        _opt(
            "--max-inference-units --max-units N",
            "MaxInferenceUnits: auto-scale up to this many (default: no auto-scaling)",
            _UNITS,
            dest="max_units",
        ),
        _opt(
            "--reconfigure",
            "if the version is hosted with other units, stop it and start it again with these; "
            "implies --wait (the restart's downtime is 10 to 20 minutes on AWS)",
            action="store_true",
        ),
        *_WAIT,
    ),
    "stop": (*_VERSION_AND_PROJECT, *_WAIT),
    "units": (
        *_VERSION_AND_PROJECT,
        _opt(
            "--since TIME",
            "how far back from the end: 90s, 30m, 3h (default) or 2d",
            _DURATION,
            default=3 * 3600.0,
        ),
        _opt("--start TIME", "the start instead, ISO 8601 (2026-11-27T09:00Z)", _INSTANT),
        _opt("--end TIME", "the end, ISO 8601 (default: now)", _INSTANT),
        _opt(
            "--period SECONDS",
            "seconds each sample averages: 60 (default) or a multiple of 60",
            _PERIOD,
            default=60,
        ),
        _output("chart", text=", one JSON object per line, or a chart"),
        _opt("--width COLUMNS", "the chart's width", _whole("columns", 10, 1000), default=60),
    ),
    "hosted": (
        _output(),
        _price("min and at max units (no price is built in: prices differ by region and change)"),
        _opt(
            "--concurrency N",
            "projects listed at once (default 4)",
            _whole("projects listed at once", 1, _rules.MAX_CONCURRENCY),
            default=4,
        ),
        "stopping",
        _opt("--stop-all", "stop every version listed, and wait until none is hosted", action="store_true"),
        _opt("--yes", "with --stop-all: stop without asking first", action="store_true"),
        *_delays("with --stop-all: give up waiting after this long"),
    ),
    "calibrate": (
        _opt("version VERSION_ARN", "the RUNNING model version", _VERSION_ARN),
        _opt(
            "--image FILE",
            "an image to send (JPEG or PNG, up to 5 MiB), like your traffic's; repeatable, sent in turn",
            action="append",
            dest="images",
            required=True,
        ),
        _opt(
            "--duration SECONDS",
            "how long the load lasts (default 60); it stops at once then",
            _DELAY,
            default=60.0,
        ),
        "sizing",
        _opt("--base-tps N", "the traffic you always have: MinInferenceUnits", _TPS),
        _opt("--peak-tps N", "your busiest traffic: MaxInferenceUnits", _TPS),
        _price("base and at peak"),
        "",
        _opt("--output", "table (default) or one JSON object", choices=["table", "json"], default="table"),
    ),
    "emulator": (
        _opt("--host", "address to bind (default: loopback only)", default="127.0.0.1"),
        _opt(
            "--port",
            "port to bind (default 4566); 0 picks a free one",
            _whole("a TCP port (0 picks a free one)", 0, 65535),
            default=4566,
        ),
        _opt(
            "--seed",
            "what to start with: the demo project (default), a day of auto-scaling already played "
            "(its clock stands still), or nothing",
            choices=["demo", "day", "none"],
            default="demo",
        ),
        _opt("--start-seconds SECONDS", "how long a start takes", _SECONDS, default=10.0),
        _opt("--stop-seconds SECONDS", "how long a stop takes", _SECONDS, default=3.0),
        _opt(
            "--tps-per-unit N",
            "DetectCustomLabels requests a second each inference unit serves (default 5, assumed)",
            _number("requests a second per inference unit", above_zero=True),
            default=5.0,
        ),
        _SECONDS_PER_REQUEST,
    ),
    "demo": (
        _opt("--start-seconds SECONDS", "how long the emulated start takes", _SECONDS, default=3.0),
        _SECONDS_PER_REQUEST,
    ),
}


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
