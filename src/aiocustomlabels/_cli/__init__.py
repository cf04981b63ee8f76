"""The command line: ``aiocustomlabels`` or ``python -m aiocustomlabels``; its entry, ``main``.

Commands: ``versions``, ``start``, ``stop``, ``units``, ``hosted``,
``calibrate`` (the library's semantics, from a shell), ``emulator`` (the fake
service on loopback HTTP) and ``demo`` (the main job on an embedded emulator).

An entry point, on top of the library: it imports the public ``aiocustomlabels``
names, the service's rules (``_rules``), and ``aiocustomlabels.testing`` only
when ``emulator`` or ``demo`` runs. Its modules, each importing only those
before it: ``_options`` (each command's options, checked by the library's
rules, and what they name: the client, the version), ``_output`` (tables,
JSON, the chart, progress, the bill's notes), ``_commands`` (the service's
commands), ``_emulator`` (the fake's), and this one (the command table, the
parser, and how a run ends).

No traceback reaches the user: every failure is one line on stderr, and the
exit code says which kind it was (``docs/cli.md``): 0 success; 1 a failure (the
service's error, a model that cannot start or stop, no credentials, a busy
port, a closed output, a declined prompt); 2 a usage error, after the
subcommand's usage; 3 a wait timeout; 130 Ctrl-C. The notes a command leaves
(what still bills, and the command that stops it) follow a timeout or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import traceback
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import (
    ConfigParseError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from .. import (
    ConfigurationError,
    CustomLabelsError,
    InvalidRequestError,
    ProjectVersionArn,
    ResourceNotFoundError,
    ServiceError,
    UnitsMismatchError,
    WaitTimeoutError,
    __version__,
)
from . import _options as options
from ._commands import calibrate_command, hosted, start_or_stop, units_command, versions
from ._options import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_TIMEOUT, EXIT_USAGE, CommandError, UsageError
from ._output import fail

__all__ = ["COMMANDS", "Command", "CommandError", "UsageError", "build_parser", "main"]


@dataclass(frozen=True)
class Command:
    """One command of the command line.

    Attributes:
        name: What the user types; its arguments are ``_options.ARGUMENTS[name]``.
        help: One line for ``--help``.
        run: Does the work; returns the exit code.
        aws: Whether it takes the AWS options (``--region`` and the others).
    """

    name: str
    help: str
    run: Callable[[argparse.Namespace], Coroutine[Any, Any, int]]
    aws: bool = True


def _fake(name: str) -> Callable[[argparse.Namespace], Coroutine[Any, Any, int]]:
    async def run(args: argparse.Namespace) -> int:
        # Imported as it runs: the testing extra it needs is not the operator commands' business.
        from . import _emulator  # noqa: PLC0415

        command: Callable[[argparse.Namespace], Coroutine[Any, Any, int]] = getattr(_emulator, name)
        return await command(args)

    return run


COMMANDS: tuple[Command, ...] = (
    Command("versions", "list a project's model versions, newest first", versions),
    Command("start", "start a model version", start_or_stop),
    Command("stop", "stop a model version", start_or_stop),
    Command(
        "units", "a version's inference units over time, in service and desired (CloudWatch)", units_command
    ),
    Command("hosted", "list every hosted (billed) model version of the region, and stop them", hosted),
    Command(
        "calibrate",
        "measure what one inference unit of a RUNNING version serves, and size its units",
        calibrate_command,
    ),
    Command("emulator", "serve the fake Custom Labels service on loopback HTTP", _fake("serve"), aws=False),
    Command(
        "demo", "run the main job against an embedded emulator; no AWS account", _fake("demo"), aws=False
    ),
)
"""The commands, in the order ``--help`` lists them."""


def build_parser(
    commands: Sequence[Command] = COMMANDS,
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The argument parser of the command line, and each command's own (for its usage)."""
    common = argparse.ArgumentParser(add_help=False)
    options.add_options(common, options.AWS)
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
        options.add_options(sub, options.ARGUMENTS[command.name])
        parsers[command.name] = sub
    return parser, parsers


# -- how a run ends: each kind of exception, a line and an exit code ---------------------------


def _configuration(exc: ConfigurationError, args: argparse.Namespace) -> str:
    """What a user can do about a configuration error, in a line, by the botocore error behind it."""
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
    if isinstance(cause, ValueError) and endpoint is not None:
        # botocore refuses the endpoint before any request: the only ValueError a client's creation raises.
        return f"--endpoint-url {endpoint!r} is not a URL: give one such as http://127.0.0.1:4566"
    return str(exc)


def _not_found(exc: ResourceNotFoundError, args: argparse.Namespace) -> str:
    """The service's not-found (which names nothing), naming what the operation asked for: version or project."""
    version = getattr(args, "version", None)
    project = getattr(args, "project_arn", None)
    if exc.operation in {"StartProjectVersion", "StopProjectVersion"} and isinstance(
        version, ProjectVersionArn
    ):
        what = f"no model version {version}"
    elif project is not None:
        what = f"no project {project}"
    else:
        return f"{exc.code}: {exc.message}"
    return f"{exc.code}: {what}: check the ARN, and the account and region of your credentials"


def _report(exc: BaseException, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int | None:
    """Say what went wrong in a line (a usage error after the usage), then the notes; the exit code.

    ``None`` for an exception the command line does not expect.
    """
    if isinstance(exc, UsageError | InvalidRequestError):
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr, flush=True)
        return EXIT_USAGE
    if isinstance(exc, KeyboardInterrupt | WaitTimeoutError):
        # On Ctrl-C, asyncio.run cancelled the command's task and closed the client before this.
        timeout = isinstance(exc, WaitTimeoutError)
        for line in [f"timed out: {exc}" if timeout else "interrupted", *args.notes]:
            fail(line)
        return EXIT_TIMEOUT if timeout else EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        try:  # stdout at /dev/null: what is still buffered must not fail again at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # pragma: no cover -- stdout has no file descriptor
            pass
        message = "standard output was closed (broken pipe); output stopped"
    elif isinstance(exc, UnitsMismatchError):
        name = exc.description.version_name if exc.description is not None else "the version"
        message = (
            f"{name} is {exc.status} with {exc.running} inference units, not {exc.asked} as asked; "
            f"nothing was changed. Add --reconfigure to stop it and start it again with {exc.asked} "
            "(a restart: 10 to 20 minutes without the model on AWS)"
        )
    elif isinstance(exc, ResourceNotFoundError):
        message = _not_found(exc, args)
    elif isinstance(exc, ServiceError):
        message = f"{exc.code}: {exc.message}"
    elif isinstance(exc, ConfigurationError):
        message = _configuration(exc, args)
    elif isinstance(exc, CustomLabelsError | CommandError):
        message = str(exc)
    else:
        return None
    fail(message)
    return EXIT_FAILED


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
        args.notes = []
        try:
            code = asyncio.run(command.run(args))
            sys.stdout.flush()  # here, where a closed pipe is caught, not at exit
        except (Exception, KeyboardInterrupt) as exc:
            reported = _report(exc, args, parsers[command.name])
            if reported is not None:
                return reported
            if debug:
                traceback.print_exc()
            fail(
                f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback, and report it)"
            )
            return EXIT_FAILED
        else:
            return code
    except KeyboardInterrupt:  # before the command ran: nothing to tell about
        fail("interrupted")
        return EXIT_INTERRUPTED
