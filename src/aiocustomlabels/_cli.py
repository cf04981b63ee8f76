"""The command line: ``aiocustomlabels`` or ``python -m aiocustomlabels``.

Commands: ``versions``, ``start``, ``stop`` (the library's semantics, from a
shell), ``emulator`` (the fake service on loopback HTTP) and ``demo`` (the main
job on an embedded emulator).

Exit codes: 0 success; 1 a service error or a model that cannot start or stop
(the code and message on stderr, no traceback); 2 a usage error; 3 a wait
timeout; 130 Ctrl-C, after the wait has stopped cleanly.

Only the standard library is used here, so the command line needs no extra and
``import aiocustomlabels`` never imports this module.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from ._client import CustomLabelsClient
    from ._models import ProjectVersionDescription

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

_TABLE = "{name:<32} {status:<20} {units:>7} {created:<17} {f1:>6}"


def _common() -> argparse.ArgumentParser:
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
    from ._waiting import DEFAULT_MAX_DELAY, DEFAULT_MIN_DELAY  # noqa: PLC0415 -- keep --help fast

    parser.add_argument("--wait", action="store_true", help="wait until it is done, showing progress")
    parser.add_argument("--timeout", type=float, help="give up waiting after this many seconds (exit 3)")
    parser.add_argument(
        "--min-delay", type=float, default=DEFAULT_MIN_DELAY, help="first delay between polls, s"
    )
    parser.add_argument(
        "--max-delay", type=float, default=DEFAULT_MAX_DELAY, help="longest delay between polls, s"
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        msg = f"must be at least 1, not {value}"
        raise argparse.ArgumentTypeError(msg)
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the command line."""
    common = _common()
    parser = argparse.ArgumentParser(
        prog="aiocustomlabels",
        description="Rekognition Custom Labels model versions, from the shell.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    versions = commands.add_parser("versions", parents=[common], help="list a project's model versions")
    versions.add_argument("project_arn", metavar="PROJECT_ARN")
    versions.add_argument(
        "--version-name",
        action="append",
        dest="version_names",
        metavar="NAME",
        help="only this one (repeatable)",
    )
    versions.add_argument("--page-size", type=int, default=100, help="versions per request, 1 to 100")
    versions.add_argument("--output", choices=["table", "json", "jsonl"], default="table")

    start = commands.add_parser("start", parents=[common], help="start a model version")
    start.add_argument("version", metavar="VERSION_ARN_OR_NAME")
    start.add_argument("--project-arn", help="the project (needed with a name, or with --wait)")
    start.add_argument("--min-units", type=_positive_int, required=True, help="MinInferenceUnits")
    start.add_argument("--max-units", type=_positive_int, help="MaxInferenceUnits: auto-scale up to this")
    _wait_options(start)

    stop = commands.add_parser("stop", parents=[common], help="stop a model version")
    stop.add_argument("version", metavar="VERSION_ARN_OR_NAME")
    stop.add_argument("--project-arn", help="the project (needed with a name, or with --wait)")
    _wait_options(stop)

    emulator = commands.add_parser("emulator", help="serve the fake Custom Labels service on loopback HTTP")
    emulator.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only)")
    emulator.add_argument("--port", type=int, default=4566, help="port to bind; 0 picks a free one")
    emulator.add_argument("--seed", choices=["demo", "none"], default="demo", help="what to start with")
    emulator.add_argument("--start-seconds", type=float, default=10.0, help="how long a start takes")
    emulator.add_argument("--stop-seconds", type=float, default=3.0, help="how long a stop takes")

    demo = commands.add_parser("demo", help="run the main job against an embedded emulator; no AWS account")
    demo.add_argument("--start-seconds", type=float, default=3.0, help="how long the emulated start takes")
    return parser


class UsageError(Exception):
    """Arguments that parse but do not make sense together: exit 2."""


# -- output -----------------------------------------------------------------------


def table_row(description: ProjectVersionDescription) -> str:
    """One line of the versions table."""
    low, high = description.min_inference_units, description.max_inference_units
    units = "-" if low is None else (f"{low}" if high is None else f"{low}..{high}")
    created = description.creation_timestamp
    f1 = description.evaluation_result.f1_score if description.evaluation_result else None
    from ._arns import version_name_of  # noqa: PLC0415 -- keep --help fast

    return _TABLE.format(
        name=version_name_of(description.project_version_arn or "?"),
        status=str(description.status or "-"),
        units=units,
        created=created.astimezone().strftime("%Y-%m-%d %H:%M") if created else "-",
        f1="-" if f1 is None else f"{f1:.3f}",
    )


TABLE_HEADER = _TABLE.format(name="NAME", status="STATUS", units="UNITS", created="CREATED", f1="F1")


class Progress:
    """The live progress line of a wait.

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

    def status(self, description: ProjectVersionDescription) -> None:
        """Note a new status."""
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


# -- commands ----------------------------------------------------------------------


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


async def _versions(args: argparse.Namespace) -> int:
    from ._converters import json_converter  # noqa: PLC0415

    out = sys.stdout
    async with _client(args) as client:
        versions = client.describe_project_versions(
            args.project_arn, version_names=args.version_names, page_size=args.page_size
        )
        first = True
        if args.output == "table":
            print(TABLE_HEADER, file=out, flush=True)
        elif args.output == "json":
            out.write("[")
        async for version in versions:
            if args.output == "table":
                print(table_row(version), file=out, flush=True)
            else:
                text = json.dumps(json_converter.unstructure(version), sort_keys=True)
                if args.output == "json":
                    out.write(("\n  " if first else ",\n  ") + text)
                else:
                    out.write(text + "\n")
                out.flush()
            first = False
        if args.output == "json":
            out.write("\n]\n" if not first else "]\n")
    return EXIT_OK


async def _resolve(client: CustomLabelsClient, args: argparse.Namespace) -> tuple[str | None, str, str]:
    """(project ARN or None, version name, version ARN) from VERSION_ARN_OR_NAME and --project-arn."""
    from ._arns import ProjectArn, ProjectVersionArn  # noqa: PLC0415

    project = args.project_arn
    if project is not None:
        try:
            project = ProjectArn.parse(project)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.version.startswith("arn:"):
        try:
            arn = ProjectVersionArn.parse(args.version)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        if project is not None and project.project_name != arn.project_name:
            msg = f"version {arn} is not in project {project}"
            raise UsageError(msg)
        if project is None and args.wait:
            # A project's ARN cannot be derived from a version's: its number differs.
            msg = "--wait needs --project-arn"
            raise UsageError(msg)
        return project, arn.version_name, str(arn)
    if project is None:
        msg = "a version name needs --project-arn (or give the version's ARN)"
        raise UsageError(msg)
    description = await client.describe_project_version(project, args.version)
    return project, args.version, str(description.project_version_arn)


async def _start_or_stop(args: argparse.Namespace) -> int:
    starting = args.command == "start"
    if starting and args.max_units is not None and args.max_units < args.min_units:
        msg = f"--max-units ({args.max_units}) must be at least --min-units ({args.min_units})"
        raise UsageError(msg)
    async with _client(args) as client:
        project, name, arn = await _resolve(client, args)
        if not args.wait:
            if starting:
                status = await client.start_project_version(
                    arn, min_inference_units=args.min_units, max_inference_units=args.max_units
                )
            else:
                status = await client.stop_project_version(arn)
            print(f"{name}: {status}")
            return EXIT_OK
        assert project is not None  # noqa: S101 -- _resolve insists on it with --wait
        progress = Progress(sys.stderr, live=sys.stderr.isatty())
        ticker = asyncio.create_task(progress.tick())
        try:
            options: dict[str, Any] = {
                "timeout": args.timeout,
                "min_delay": args.min_delay,
                "max_delay": args.max_delay,
                "on_status": progress.status,
                "on_delay": progress.delay,
            }
            if starting:
                final = await client.start_and_wait(
                    project,
                    name,
                    min_inference_units=args.min_units,
                    max_inference_units=args.max_units,
                    **options,
                )
            else:
                final = await client.stop_and_wait(project, name, **options)
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            progress.finish()
        print(table_row(final))
    return EXIT_OK


async def _serve(args: argparse.Namespace) -> int:
    from .testing import Emulator, FakeCustomLabels, ScaledClock, seed_demo  # noqa: PLC0415 -- only here

    fake = FakeCustomLabels(
        clock=ScaledClock(), start_seconds=args.start_seconds, stop_seconds=args.stop_seconds
    )
    project = seed_demo(fake).project_arn if args.seed == "demo" else None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with Emulator(fake, host=args.host, port=args.port) as emulator:
            print(f"Custom Labels emulator listening on {emulator.endpoint_url}", flush=True)
            if project is not None:
                print(f"Demo project: {project}", flush=True)
            await stop.wait()
            print("Stopping the emulator.", flush=True)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return EXIT_OK


async def _demo(args: argparse.Namespace) -> int:
    from aiobotocore.session import get_session  # noqa: PLC0415

    from ._client import CustomLabelsClient  # noqa: PLC0415
    from ._demo import run_main_job  # noqa: PLC0415
    from .testing import Emulator, FakeCustomLabels, ScaledClock, seed_demo  # noqa: PLC0415

    fake = FakeCustomLabels(clock=ScaledClock(), start_seconds=args.start_seconds, stop_seconds=1.0)
    demo = seed_demo(fake)
    async with Emulator(fake) as emulator:
        print(f"Embedded Custom Labels emulator on {emulator.endpoint_url} (no AWS account involved)")
        session = get_session()
        # The emulator checks no signature; against AWS, your own credentials apply.
        session.set_credentials("demo", "demo")
        async with CustomLabelsClient.create(
            region_name="us-east-1", endpoint_url=emulator.endpoint_url, session=session
        ) as client:
            await run_main_job(
                client,
                demo.project_arn,
                demo.ready_version,
                min_inference_units=1,
                max_inference_units=3,
                min_delay=0.25,
                max_delay=1.0,
            )
    return EXIT_OK


_COMMANDS = {
    "versions": _versions,
    "start": _start_or_stop,
    "stop": _start_or_stop,
    "emulator": _serve,
    "demo": _demo,
}


def _fail(message: str) -> None:
    print(f"aiocustomlabels: {message}", file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:  # noqa: PLR0911 -- one return per exit code
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "debug", False):
        logging.basicConfig(level=logging.DEBUG, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from ._errors import (  # noqa: PLC0415 -- keep --help fast
        CustomLabelsError,
        InvalidRequestError,
        ServiceError,
        WaitError,
        WaitTimeoutError,
    )

    try:
        return asyncio.run(_COMMANDS[args.command](args))
    except KeyboardInterrupt:
        # asyncio.run cancelled the wait and closed the client before this.
        _fail("interrupted")
        return EXIT_INTERRUPTED
    except (UsageError, InvalidRequestError) as exc:
        parser.print_usage(sys.stderr)
        _fail(str(exc))
        return EXIT_USAGE
    except WaitTimeoutError as exc:
        _fail(f"timed out: {exc}")
        return EXIT_TIMEOUT
    except ServiceError as exc:
        _fail(f"{exc.code}: {exc.message}")
        return EXIT_FAILED
    except WaitError as exc:
        _fail(str(exc))
        return EXIT_FAILED
    except CustomLabelsError as exc:
        _fail(str(exc))
        return EXIT_FAILED
