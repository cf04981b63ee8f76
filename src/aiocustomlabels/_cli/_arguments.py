"""The command line's arguments: a type per kind of value, and the options of each command.

Each type names what it expects and what it got, so that argparse's usage
error reads as an answer; options are spelled as the AWS CLI spells them.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any, Protocol

from .._arns import ProjectArn, ProjectVersionArn
from .._polling import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY
from .._rules import (
    MAX_CONCURRENCY,
    MAX_INFERENCE_UNITS,
    MAX_PAGE_SIZE,
    MIN_INFERENCE_UNITS,
    check_period,
    is_name,
)

__all__ = [
    "PROJECT_ARN_FORM",
    "aws_options",
    "demo_arguments",
    "emulator_arguments",
    "hosted_arguments",
    "start_arguments",
    "stop_arguments",
    "units_arguments",
    "version_arn",
    "versions_arguments",
]

PROJECT_ARN_FORM = "arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT_NAME/NUMBER"
VERSION_ARN_FORM = "arn:aws:rekognition:REGION:ACCOUNT:project/PROJECT_NAME/version/NAME/NUMBER"


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

    return _whole(text, "a number of inference units", MIN_INFERENCE_UNITS, MAX_INFERENCE_UNITS)


def _page_size(text: str) -> int:

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


def _positive(text: str, what: str) -> float:
    value = _non_negative(text, what)
    if value <= 0:
        msg = f"expected {what} above 0; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _delay(text: str) -> float:
    return _positive(text, "a number of seconds")


def _tps(text: str) -> float:
    return _positive(text, "requests a second per inference unit")


def _project_arn(text: str) -> ProjectArn:

    try:
        return ProjectArn.parse(text)
    except ValueError:
        msg = f"expected a project ARN, {PROJECT_ARN_FORM}; got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def version_arn(text: str) -> ProjectVersionArn:
    """A version's ARN, parsed."""
    try:
        return ProjectVersionArn.parse(text)
    except ValueError:
        msg = f"expected a version ARN, {VERSION_ARN_FORM}; got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _version(text: str) -> str:
    """A version's ARN (parsed) or its name (checked)."""
    if text.startswith("arn:"):
        return version_arn(text)
    if not is_name(text):
        msg = f"expected a version name (1 to 255 of a-z A-Z 0-9 _ . -) or a version ARN; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


def _name(text: str) -> str:

    if not is_name(text):
        msg = f"expected a version name, 1 to 255 of a-z A-Z 0-9 _ . -; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


# -- the parser ------------------------------------------------------------------------------


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


def _wait_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waiting")
    group.add_argument(
        "--wait", action="store_true", help="wait until it is done, showing progress on stderr"
    )
    group.add_argument(
        "--timeout", type=_delay, metavar="SECONDS", help="give up waiting after this long (exit 3)"
    )
    _delay_options(group)


class _Options(Protocol):
    """What the delay options need of a parser or of one of its argument groups."""

    def add_argument(self, *name_or_flags: str, **kwargs: Any) -> argparse.Action: ...


def _delay_options(group: _Options) -> None:
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


def versions_arguments(parser: argparse.ArgumentParser) -> None:
    """``versions``'s arguments: the project, names, page size, units and output."""
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


def start_arguments(parser: argparse.ArgumentParser) -> None:
    """``start``'s arguments: the version, its units, --reconfigure and the wait's."""
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


def stop_arguments(parser: argparse.ArgumentParser) -> None:
    """``stop``'s arguments: the version and the wait's."""
    _version_and_project(parser)
    _wait_options(parser)


def _price(text: str) -> float:
    return _non_negative(text, "a price per inference-unit hour")


def _concurrency(text: str) -> int:

    return _whole(text, "projects listed at once", 1, MAX_CONCURRENCY)


def hosted_arguments(parser: argparse.ArgumentParser) -> None:
    """``hosted``'s arguments: output, price, concurrency and --stop-all's."""
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
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        msg = f"expected an ISO 8601 time with its offset, such as 2026-11-27T09:00Z; got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _period(text: str) -> int:

    try:
        return check_period(int(text))
    except ValueError:  # not a number, or a period CloudWatch refuses (InvalidRequestError)
        msg = (
            f"expected seconds a sample averages, 60 or a multiple of 60 (or 1, 5, 10, 20, 30); got {text!r}"
        )
        raise argparse.ArgumentTypeError(msg) from None


def units_arguments(parser: argparse.ArgumentParser) -> None:
    """``units``'s arguments: the version, the time, the period and the output."""
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


def _seconds_per_request(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--seconds-per-request",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="fake time stands still, and moves SECONDS at each request: every run answers the same, "
        "whatever the machine's speed (default: fake time is real time)",
    )


def emulator_arguments(parser: argparse.ArgumentParser) -> None:
    """The emulator's options: where it listens, what it serves, how long its lifecycle takes."""
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
        "--tps-per-unit",
        type=_tps,
        default=5.0,
        metavar="N",
        help="DetectCustomLabels requests a second each inference unit serves (default 5, assumed)",
    )
    _seconds_per_request(parser)


def demo_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options: how long its emulated start takes, and on which clock."""
    parser.add_argument(
        "--start-seconds",
        type=_seconds,
        default=3.0,
        metavar="SECONDS",
        help="how long the emulated start takes",
    )
    _seconds_per_request(parser)
