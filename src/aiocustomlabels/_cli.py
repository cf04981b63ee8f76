"""The command line: ``aiocustomlabels`` or ``python -m aiocustomlabels``.

Commands: ``versions``, ``start``, ``stop`` (the library's semantics, from a
shell), ``emulator`` (the fake service on loopback HTTP) and ``demo`` (the main
job on an embedded emulator). The last two are test tooling: they are
implemented in ``aiocustomlabels.testing`` and import it only when they run.

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
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ._arns import ProjectArn, ProjectVersionArn
    from ._client import CustomLabelsClient
    from ._models import ProjectVersionDescription
    from ._waiting import Backoff

__all__ = ["main"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


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
    # No defaults given to argparse: what is not given is the library's (see Backoff).
    parser.add_argument(
        "--min-delay", type=float, help=f"first delay between polls, s (default {DEFAULT_MIN_DELAY:g})"
    )
    parser.add_argument(
        "--max-delay", type=float, help=f"longest delay between polls, s (default {DEFAULT_MAX_DELAY:g})"
    )


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
    start.add_argument("--min-units", type=int, required=True, help="MinInferenceUnits")
    start.add_argument("--max-units", type=int, help="MaxInferenceUnits: auto-scale up to this")
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
    from ._format import TABLE_HEADER, version_row  # noqa: PLC0415

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
                print(version_row(version), file=out, flush=True)
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


async def _resolve(
    client: CustomLabelsClient, args: argparse.Namespace
) -> tuple[ProjectArn | None, str, ProjectVersionArn]:
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
        return project, arn.version_name, arn
    if project is None:
        msg = "a version name needs --project-arn (or give the version's ARN)"
        raise UsageError(msg)
    description = await client.describe_project_version(project, args.version)
    assert description.project_version_arn is not None  # noqa: S101 -- found by that name
    return project, args.version, description.project_version_arn


def _backoff(args: argparse.Namespace) -> Backoff:
    """The wait's delays: those given, the library's defaults for the rest."""
    from ._waiting import Backoff  # noqa: PLC0415

    given = {"min_delay": args.min_delay, "max_delay": args.max_delay}
    return Backoff(**{name: value for name, value in given.items() if value is not None})


async def _start_or_stop(args: argparse.Namespace) -> int:
    from ._format import version_row  # noqa: PLC0415

    starting = args.command == "start"
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
            backoff = _backoff(args)
            if starting:
                final = await client.start_and_wait(
                    project,
                    name,
                    min_inference_units=args.min_units,
                    max_inference_units=args.max_units,
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
        finally:
            ticker.cancel()
            await asyncio.gather(ticker, return_exceptions=True)
            progress.finish()
        print(version_row(final))
    return EXIT_OK


async def _serve(args: argparse.Namespace) -> int:
    from .testing._commands import serve  # noqa: PLC0415 -- only this command reaches the testing side

    return await serve(args)


async def _demo(args: argparse.Namespace) -> int:
    from .testing._commands import demo  # noqa: PLC0415 -- only this command reaches the testing side

    return await demo(args)


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
