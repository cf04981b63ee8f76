"""What a failure says, and its exit code: each kind of exception, by its type and its attributes.

No traceback reaches the user: every failure is one line on stderr, and the
exit code says which kind it was (``docs/cli.md``): 0 success; 1 a failure (the
service's error, a model that cannot start or stop, no credentials, a busy
port, a closed output, a declined prompt); 2 a usage error, after the
subcommand's usage; 3 a wait timeout; 130 Ctrl-C. The notes a command leaves
(what still bills, and the command that stops it) follow a timeout or Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys

from botocore.exceptions import (
    ConfigParseError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
)

from .._arns import ProjectVersionArn
from .._errors import (
    ConfigurationError,
    CustomLabelsError,
    InvalidRequestError,
    ResourceNotFoundError,
    ServiceError,
    UnitsMismatchError,
    WaitTimeoutError,
)
from ._output import fail

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_TIMEOUT",
    "EXIT_USAGE",
    "CommandError",
    "UsageError",
    "report",
]

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: The operations that name a version by its ARN: their ResourceNotFound is the version's.
_VERSION_OPERATIONS = frozenset({"StartProjectVersion", "StopProjectVersion"})


class UsageError(Exception):
    """Arguments that parse but do not make sense together: exit 2, after the subcommand's usage."""


class CommandError(Exception):
    """A command that cannot do its job for a reason outside the library (a busy port): exit 1."""


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
    """The service's not-found, naming what the command asked for: the version, or the project.

    The service names nothing; the operation that failed says which of the two it was.
    """
    version = getattr(args, "version", None)
    project = getattr(args, "project_arn", None)
    if exc.operation in _VERSION_OPERATIONS and isinstance(version, ProjectVersionArn):
        what = f"no model version {version}"
    elif project is not None:
        what = f"no project {project}"
    else:
        return f"{exc.code}: {exc.message}"
    return f"{exc.code}: {what}: check the ARN, and the account and region of your credentials"


def _mismatch(exc: UnitsMismatchError) -> str:
    name = exc.description.version_name if exc.description is not None else "the version"
    return (
        f"{name} is {exc.status} with {exc.running} inference units, not {exc.asked} as asked; "
        f"nothing was changed. Add --reconfigure to stop it and start it again with {exc.asked} "
        "(a restart: 10 to 20 minutes without the model on AWS)"
    )


def _quiet_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered must not fail again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # pragma: no cover -- stdout has no file descriptor
        pass


def report(
    exc: BaseException, *, args: argparse.Namespace, parser: argparse.ArgumentParser, notes: list[str]
) -> int | None:
    """Say what went wrong in a line (a usage error after the usage), then the notes; the exit code.

    Returns:
        The exit code; ``None`` for an exception the command line does not expect.
    """
    if isinstance(exc, KeyboardInterrupt):
        # asyncio.run cancelled the command's task and closed the client before this.
        fail("interrupted")
        for note in notes:
            fail(note)
        return EXIT_INTERRUPTED
    if isinstance(exc, UsageError | InvalidRequestError):
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr, flush=True)
        return EXIT_USAGE
    if isinstance(exc, WaitTimeoutError):
        fail(f"timed out: {exc}")
        for note in notes:
            fail(note)
        return EXIT_TIMEOUT
    if isinstance(exc, BrokenPipeError):
        _quiet_stdout()
        fail("standard output was closed (broken pipe); output stopped")
        return EXIT_FAILED
    if isinstance(exc, UnitsMismatchError):
        message = _mismatch(exc)
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
