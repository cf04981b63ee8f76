"""The commands, their parser, and ``main``: run one, and turn what it raises into an exit code."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import traceback
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from .._version import __version__
from ._arguments import (
    aws_options,
    demo_arguments,
    emulator_arguments,
    hosted_arguments,
    start_arguments,
    stop_arguments,
    units_arguments,
    versions_arguments,
)
from ._calibrate import calibrate_arguments, calibrate_command
from ._failures import EXIT_FAILED, EXIT_INTERRUPTED, report
from ._hosted import hosted
from ._listing import units, versions
from ._output import fail
from ._start_stop import start_or_stop

__all__ = ["COMMANDS", "Command", "build_parser", "main"]


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


async def _serve(args: argparse.Namespace) -> int:
    # Imported here, as it runs: the testing extra it needs is not the operator commands' business.
    from ._emulator import serve  # noqa: PLC0415

    return await serve(args)


async def _demo(args: argparse.Namespace) -> int:
    from ._emulator import demo  # noqa: PLC0415 -- as _serve: the testing extra

    return await demo(args)


COMMANDS: tuple[Command, ...] = (
    Command("versions", "list a project's model versions, newest first", versions_arguments, versions),
    Command("start", "start a model version", start_arguments, start_or_stop),
    Command("stop", "stop a model version", stop_arguments, start_or_stop),
    Command(
        "units",
        "a version's inference units over time, in service and desired (CloudWatch)",
        units_arguments,
        units,
    ),
    Command(
        "hosted",
        "list every hosted (billed) model version of the region, and stop them",
        hosted_arguments,
        hosted,
    ),
    Command(
        "calibrate",
        "measure what one inference unit of a RUNNING version serves, and size its units",
        calibrate_arguments,
        calibrate_command,
    ),
    Command(
        "emulator",
        "serve the fake Custom Labels service on loopback HTTP",
        emulator_arguments,
        _serve,
        aws=False,
    ),
    Command(
        "demo",
        "run the main job against an embedded emulator; no AWS account",
        demo_arguments,
        _demo,
        aws=False,
    ),
)
"""The commands, in the order ``--help`` lists them."""


def build_parser(
    commands: Sequence[Command] = COMMANDS,
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The argument parser of the command line, and each command's own (for its usage)."""
    common = aws_options()
    parser = argparse.ArgumentParser(
        prog="aiocustomlabels",
        description="Rekognition Custom Labels model versions, from the shell.",
        epilog="Exit codes: 0 done, 1 failed, 2 usage error, 3 wait timed out, 130 interrupted.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {}
    for command in commands:
        sub = subparsers.add_parser(
            command.name,
            parents=[common] if command.aws else [],
            help=command.help,
            description=command.help[0].upper() + command.help[1:] + ".",
        )
        command.arguments(sub)
        parsers[command.name] = sub
    return parser, parsers


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace, command: Command) -> int:
    """Run the command; what it raises becomes a line on stderr and an exit code."""
    args.notes = []
    try:
        code = asyncio.run(command.run(args))
        sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
    except (Exception, KeyboardInterrupt) as exc:
        reported = report(exc, args=args, parser=parser, notes=args.notes)
        if reported is None:
            raise
        return reported
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Args:
        argv: The arguments, without the program's name; ``sys.argv[1:]`` when not given.
    """
    try:
        parser, parsers = build_parser(COMMANDS)
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
            fail(
                f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback, and report it)"
            )
            return EXIT_FAILED
    except KeyboardInterrupt:  # before the command ran: nothing to tell about
        fail("interrupted")
        return EXIT_INTERRUPTED
